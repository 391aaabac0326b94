"""Choose an agenda item (to move an entry to it)."""

from __future__ import annotations

from minutes.model import Meeting
from screens.filter_picker import FilterPicker


class ItemPicker(FilterPicker[str]):
    """Choose an agenda item; the result is its id."""

    title_text = "移動先の議事を選ぶ"

    def __init__(self, meeting: Meeting) -> None:
        choices = []
        for number, item in enumerate(meeting.agenda, 1):
            heading = item.title if item.is_bare_heading else item.heading
            choices.append((f"({number}) {heading}", heading, item.id))
        super().__init__(choices)
