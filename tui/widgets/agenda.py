"""The agenda pane (議事): the 会次第, with the current item marked."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from minutes.model import Meeting
from minutes.safe_text import visible
from tui.widgets.cells import TERMINAL, wrap_cells

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

    def _text_width(self) -> int | None:
        """Cells an option's text has (the pane less its gutter and the options' padding); None before layout."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return None
        padding = self.get_component_styles("option-list--option").padding
        return width - self._get_left_gutter_width() - padding.width

    def _prompt(self, index: int) -> Content:
        item = self.meeting.agenda[index]
        mark = CURRENT_MARK if index == self.current else " "
        heading = item.title if item.is_bare_heading else item.heading
        number = f"{mark}({index + 1})"
        count = f"{len(item.log)}件"
        width = self._text_width()
        # The list's own wrap neither keeps kinsoku nor hangs a long title under its text
        # (it could end a line with "(" and go on at the left edge); the exports' engine does both.
        line = f"{number}{visible(heading)} {count}"
        lines = [line] if width is None else wrap_cells(line, width, " " * TERMINAL(number))
        text = "\n".join(lines)
        content = Content(text)
        if index == self.current:
            content = content.stylize("bold", 0, len(number))
        return content.stylize("dim", len(text) - len(count), len(text))

    def on_resize(self) -> None:
        if self.option_count:
            self.rebuild()

    def update_item(self, index: int) -> None:
        """Show one item again (its count changed): cheaper than :meth:`rebuild`."""
        if 0 <= index < self.option_count and self.option_count == len(self.meeting.agenda):
            prompt = self._prompt(index)
            shown = self.get_option_at_index(index).prompt
            if isinstance(shown, Content) and (shown.plain, shown.spans) == (prompt.plain, prompt.spans):
                # An edit that kept the count (a vote changed, a speaker, a move): replacing
                # the prompt would make the list draw every line again, in the edit's frame.
                return
            self.replace_option_prompt_at_index(index, prompt)
        else:
            self.rebuild()

    def rebuild(self) -> None:
        """Show the agenda again after it changed."""
        options = [Option(self._prompt(index), id=f"item-{index}") for index in range(len(self.meeting.agenda))]
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options)
        if options:
            self.highlighted = self.current if highlighted is None else min(highlighted, len(options) - 1)

    def watch_current(self, old: int, new: int) -> None:
        if self.option_count == len(self.meeting.agenda):
            for index in {old, new}:
                if 0 <= index < self.option_count:
                    self.replace_option_prompt_at_index(index, self._prompt(index))
        else:
            self.rebuild()
        self.highlighted = new
