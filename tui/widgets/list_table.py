"""A table that draws only the rows in view (the meeting list, the trash).

:class:`ListTable` takes its columns (:class:`Column`) and its rows as plain
lists; :func:`fit` cuts or pads a cell to its width in terminal cells (:func:`cut` only cuts).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.widgets.messages import WidgetMessage


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, ending in ``…`` if it was longer."""
    if cell_len(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        size = cell_len(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…"


def fit(text: str, width: int, justify: str = "left") -> str:
    """``text`` in exactly ``width`` cells: cut with ``…`` if longer, padded if shorter."""
    if width <= 0:
        return ""
    text = cut(text, width)
    pad = " " * (width - cell_len(text))
    return pad + text if justify == "right" else text + pad


@dataclass
class Column:
    """A column of a :class:`ListTable`.

    ``width`` in cells, or ``None`` for a column that shares what the fixed
    ones leave, by ``weight``, between ``min_width`` and ``max_width``.
    """

    label: str
    width: int | None = None
    justify: str = "left"
    min_width: int = 8
    max_width: int | None = None
    weight: int = 1


#: A row: its key and its cells, each (text, style) with style "", "muted" or "strong".
TableRow = tuple[str, tuple[tuple[str, str], ...]]


class ListTable(ScrollView, can_focus=True):
    """A table that draws only the rows in view: a header line, one line per row, a cursor.

    Setting the rows is only a list assignment, so a table of thousands of
    rows is ready at once (a :class:`~textual.widgets.DataTable` measures every
    cell first). A click on the highlighted row posts :class:`Selected`; the
    screen binds Enter to what choosing a row does.
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", "前", show=False),
        Binding("down", "cursor(1)", "次", show=False),
        Binding("pageup", "page(-1)", "前のページ", show=False),
        Binding("pagedown", "page(1)", "次のページ", show=False),
        Binding("home", "first", "最初", show=False),
        Binding("end", "last", "最後", show=False),
    ]

    COMPONENT_CLASSES = {"list-table--header", "list-table--cursor", "list-table--muted", "list-table--strong"}

    DEFAULT_CSS = """
    ListTable {
        height: 1fr;
        background: $surface;
    }
    ListTable > .list-table--header {
        text-style: bold;
        background: $panel;
    }
    ListTable > .list-table--cursor {
        background: $boost;
    }
    ListTable:focus > .list-table--cursor {
        background: $accent 30%;
    }
    ListTable > .list-table--muted {
        color: $text-muted;
    }
    ListTable > .list-table--strong {
        color: $success;
        text-style: bold;
    }
    """

    cursor: reactive[int] = reactive(0, init=False)
    """The highlighted row (an index into :attr:`rows`)."""

    class Selected(WidgetMessage):
        """A row was chosen (a click on the highlighted row, or :meth:`action_select`)."""

        def __init__(self, table: ListTable, key: str, index: int) -> None:
            super().__init__(table)
            self.key = key
            self.index = index

    def __init__(self, columns: list[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.rows: list[TableRow] = []

    # -- content ----------------------------------------------------------------
    def set_rows(self, rows: list[TableRow], cursor: int = 0) -> None:
        """Show these rows, with the cursor on row ``cursor``."""
        self.rows = rows
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.set_reactive(ListTable.cursor, max(0, min(cursor, len(rows) - 1)))
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)

    @property
    def row_count(self) -> int:
        """How many rows the table has."""
        return len(self.rows)

    def key_at(self, index: int) -> str | None:
        """The key of row ``index``, or ``None``."""
        return self.rows[index][0] if 0 <= index < len(self.rows) else None

    def index_of(self, key: str | None) -> int | None:
        """The row of ``key``, or ``None``."""
        for index, (row_key, _) in enumerate(self.rows):
            if row_key == key:
                return index
        return None

    def row_text(self, index: int) -> str:
        """The cells of a row as drawn, joined by spaces (for tests)."""
        widths = self._widths()
        return "".join(
            " " + fit(text, width, column.justify) + " "
            for (text, _), width, column in zip(self.rows[index][1], widths, self.columns)
        )

    def _widths(self) -> list[int]:
        """Each column's width for the table's width now."""
        free = self.scrollable_content_region.width - sum((c.width or 0) + 2 for c in self.columns)
        flexible = [c for c in self.columns if c.width is None]
        weights = sum(c.weight for c in flexible) or 1
        widths = {}
        for column in flexible:
            width = max(column.min_width, free * column.weight // weights)
            if column.max_width is not None:
                width = min(width, max(column.min_width, column.max_width))
            widths[id(column)] = width
        if flexible:  # what a capped column leaves goes to the first one
            spare = free - sum(widths.values())
            if spare > 0:
                first = flexible[0]
                limit = first.max_width if first.max_width is not None else free
                widths[id(first)] = min(widths[id(first)] + spare, max(limit, widths[id(first)]))
        return [c.width if c.width is not None else widths[id(c)] for c in self.columns]

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self._scroll_to_cursor()

    # -- drawing ------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        widths = self._widths()
        if y == 0:
            style = base + self.get_component_rich_style("list-table--header")
            cells = [Segment(" " + fit(c.label, w, c.justify) + " ", style) for c, w in zip(self.columns, widths)]
            return Strip(cells).extend_cell_length(width, style).crop(0, width)
        index = round(self.scroll_y) + y - 1
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, base)
        if index == self.cursor:
            base = base + self.get_component_rich_style("list-table--cursor", partial=True)
        segments = []
        for (text, kind), column, cell_width in zip(self.rows[index][1], self.columns, widths):
            style = base + self.get_component_rich_style(f"list-table--{kind}", partial=True) if kind else base
            segments.append(Segment(" " + fit(text, cell_width, column.justify) + " ", style))
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    # -- the cursor -------------------------------------------------------------------
    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def watch_cursor(self) -> None:
        self.refresh()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if not self.rows:
            return
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif self.cursor >= top + self._page:
            self.scroll_to(y=self.cursor - self._page + 1, animate=False, force=True)

    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped)."""
        if self.rows:
            self.cursor = max(0, min(index, len(self.rows) - 1))

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor by a page."""
        self.move_to(self.cursor + direction * self._page)

    def action_first(self) -> None:
        """To the first row."""
        self.move_to(0)

    def action_last(self) -> None:
        """To the last row."""
        self.move_to(len(self.rows) - 1)

    def action_select(self) -> None:
        """Choose the highlighted row."""
        key = self.key_at(self.cursor)
        if key is not None:
            self.post_message(self.Selected(self, key, self.cursor))

    def on_click(self, event: Click) -> None:
        if event.y == 0:
            return
        index = round(self.scroll_y) + event.y - 1
        if not 0 <= index < len(self.rows):
            return
        if index == self.cursor:
            self.action_select()
        else:
            self.cursor = index
