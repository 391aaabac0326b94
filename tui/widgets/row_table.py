"""A table whose rows the clerk edits with keys: :class:`RowTable` (the committee and agenda editors)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from minutes.safe_text import visible


class RowTable(DataTable):
    """A row table: Insert (or ctrl+n) add, Delete remove, ctrl+↑/↓ move, Enter edit (the screen does the work).

    The screen implements ``row_add(table)``, ``row_remove(table)``,
    ``row_move(table, delta)`` and ``row_edit(table)``.
    """

    BINDINGS = [
        Binding("insert,ctrl+n", "row_add", "追加"),  # ctrl+n: many laptops have no Insert key
        Binding("delete", "row_remove", "削除"),
        Binding("ctrl+up", "row_move(-1)", "上へ"),
        Binding("ctrl+down", "row_move(1)", "下へ"),
        Binding("enter", "row_edit", "編集"),
        Binding("home", "scroll_top", "先頭", show=False),
        Binding("end", "scroll_bottom", "末尾", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def action_row_add(self) -> None:
        self.screen.row_add(self)

    def action_row_remove(self) -> None:
        self.screen.row_remove(self)

    def action_row_move(self, delta: int) -> None:
        self.screen.row_move(self, delta)

    def action_row_edit(self) -> None:
        self.screen.row_edit(self)

    def show_rows(self, rows: list[tuple], cursor: int | None = None) -> None:
        """Replace every row (cells are made safe to show); put the cursor on ``cursor``."""
        keep = self.cursor_row if cursor is None else cursor
        self.clear()
        for cells in rows:
            self.add_row(*[Text(visible(str(c)), no_wrap=True) for c in cells])
        if rows:
            self.move_cursor(row=max(0, min(keep, len(rows) - 1)))
