"""A read-only preview of exported text, wrapped by terminal cells.

Unlike a TextArea, it never treats the full-width space (U+3000) as a place
to break and drop: every character of the export shows, in place, and the
indents of the official text stay visible. Lines longer than the pane wrap
at the pane's edge, with the exports' own engine counted in terminal cells
(kinsoku, words and numbers kept whole; the export itself is not changed).
Control characters show as visible escapes.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from minutes.safe_text import visible
from tui.widgets.cells import wrap_cells


class TextPreview(ScrollView, can_focus=True):
    """Shows a text exactly, wrapped to the pane."""

    BINDINGS = [
        Binding("up", "scroll_up", "上へ", show=False),
        Binding("down", "scroll_down", "下へ", show=False),
        Binding("pageup", "page_up", "前のページ", show=False),
        Binding("pagedown", "page_down", "次のページ", show=False),
        Binding("home", "scroll_home", "先頭", show=False),
        Binding("end", "scroll_end", "末尾", show=False),
    ]

    DEFAULT_CSS = """
    TextPreview {
        background: $surface;
    }
    """

    text: reactive[str] = reactive("", layout=False)

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[str] = []
        self._width = -1
        self.set_reactive(TextPreview.text, text)

    def watch_text(self) -> None:
        self._layout()

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            self._layout()

    def on_mount(self) -> None:
        self._layout()

    def _layout(self) -> None:
        width = max(self.scrollable_content_region.width, 10)
        rows: list[str] = []
        for line in self.text.split("\n"):
            rows.extend(wrap_cells(visible(line), width))
        if rows and rows[-1] == "" and self.text.endswith("\n"):
            rows.pop()
        self._rows = rows
        self._width = width
        self.virtual_size = Size(width, len(rows))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        style = self.rich_style
        if index >= len(self._rows):
            return Strip.blank(self.size.width, style)
        strip = Strip([Segment(self._rows[index], style)])
        return strip.extend_cell_length(self.size.width, style).crop(scroll_x, scroll_x + self.size.width)

    @property
    def rows(self) -> list[str]:
        """The screen lines (for tests)."""
        return list(self._rows)
