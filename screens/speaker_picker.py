"""The speaker picker: everyone present, filtered by name, reading, title and department."""

from __future__ import annotations

from minutes.model import Item, Meeting
from minutes.speakers import SpeakerRef, candidates
from screens.filter_picker import FilterPicker


class SpeakerPicker(FilterPicker[SpeakerRef]):
    """Choose who speaks."""

    title_text = "発言者を選ぶ"

    def __init__(self, meeting: Meeting, item: Item | None) -> None:
        super().__init__([(c.text, f"{c.text} {c.keys}", c.ref) for c in candidates(meeting, item)])
