"""A table whose rows the clerk edits with keys: :class:`RowTable` (the committee and agenda editors)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from minutes.safe_text import visible
from tui.widgets.messages import WidgetMessage


class RowTable(DataTable):
    """A row table: Insert (or ctrl+n) add, Delete remove, ctrl+↑/↓ move, Enter edit.

    The keys post :class:`AddRow`, :class:`RemoveRow`, :class:`MoveRow` and
    :class:`EditRow`; the screen that owns the rows handles them
    (``on_row_table_add_row``, or ``@on(RowTable.AddRow, "#members")``) and
    shows the result with :meth:`show_rows`.
    """

    class AddRow(WidgetMessage):
        """Add a row after the cursor (Insert, ctrl+n)."""

    class RemoveRow(WidgetMessage):
        """Remove the row under the cursor (Delete)."""

    class EditRow(WidgetMessage):
        """Edit the row under the cursor (Enter)."""

    class MoveRow(WidgetMessage):
        """Move the row under the cursor by ``delta`` rows (ctrl+↑/↓)."""

        def __init__(self, table: RowTable, delta: int) -> None:
            super().__init__(table)
            self.delta = delta

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
        self.post_message(self.AddRow(self))

    def action_row_remove(self) -> None:
        self.post_message(self.RemoveRow(self))

    def action_row_move(self, delta: int) -> None:
        self.post_message(self.MoveRow(self, delta))

    def action_row_edit(self) -> None:
        self.post_message(self.EditRow(self))

    def show_rows(self, rows: list[tuple], cursor: int | None = None) -> None:
        """Replace every row (cells are made safe to show); put the cursor on ``cursor``."""
        keep = self.cursor_row if cursor is None else cursor
        self.clear()
        for cells in rows:
            self.add_row(*[Text(visible(str(c)), no_wrap=True) for c in cells])
        if rows:
            self.move_cursor(row=max(0, min(keep, len(rows) - 1)))
