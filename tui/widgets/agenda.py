"""The agenda pane (議事): the 会次第, with the current item marked."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from minutes.model import Meeting
from minutes.safe_text import visible

CURRENT_MARK = "▸"


class AgendaPane(OptionList):
    """The items of the meeting; the current one is marked and highlighted."""

    DEFAULT_CSS = """
    AgendaPane {
        height: 1fr;
        border: none;
        padding: 0;
        background: $surface;
    }
    AgendaPane:focus {
        border: none;
    }
    """

    current: reactive[int] = reactive(0, init=False)
    """Index of the current agenda item (where new entries go)."""

    def __init__(self, meeting: Meeting, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.meeting = meeting

    def on_mount(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """Show the agenda again after it changed."""
        options = []
        for index, item in enumerate(self.meeting.agenda):
            mark = CURRENT_MARK if index == self.current else " "
            heading = item.title if item.is_bare_heading else item.heading
            count = len(item.log)
            prompt = Content.assemble(
                (f"{mark}({index + 1})", "bold" if index == self.current else ""),
                visible(heading),
                (f" {count}件", "dim"),
            )
            options.append(Option(prompt, id=f"item-{index}"))
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options)
        if options:
            self.highlighted = self.current if highlighted is None else min(highlighted, len(options) - 1)

    def watch_current(self, old: int, new: int) -> None:
        self.rebuild()
        self.highlighted = new
