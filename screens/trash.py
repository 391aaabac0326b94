"""The trash (ごみ箱, F6 on the start screen): deleted meetings, newest deletion first.

Each row shows when the meeting was deleted, its date, title, committee and
number of entries. Enter puts the highlighted meeting back (after a
confirmation); a meeting whose id is in the data folder again is refused
with a message. Esc goes back to the list.
"""

from __future__ import annotations


from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from minutes.era import format_era_timestamp
from minutes.naming import describe, era_date
from minutes.safe_text import visible
from screens.confirm import Confirm
from storage.errors import StorageError, user_message
from tui.read_only import refuse_if_read_only
from tui.widgets.key_bar import KeyBar
from tui.widgets.list_table import Column, ListTable

def deleted_text(stamp: str) -> str:
    """``令和4年3月15日 18:05`` for an ISO time (local time), or the text itself, made safe to show."""
    return visible(format_era_timestamp(stamp))


class TrashScreen(Screen):
    """Deleted meetings; Enter restores the highlighted one."""

    BINDINGS = [
        Binding("enter", "restore", "元に戻す"),
        Binding("escape", "back", "一覧へ戻る"),
    ]

    DEFAULT_CSS = """
    TrashScreen #trash-title {
        height: 1;
        background: $panel;
    }
    TrashScreen #trash-help {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.entries: list = []
        self.restored: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(" 会議録 kaigiroku ─ ごみ箱", "bold"), id="trash-title")
        yield Static("", id="trash-help")
        yield ListTable(
            [
                Column("削除した日時", 22),
                Column("日付", 16),
                Column("題名", None, min_width=16),
                Column("会議体", 24),
                Column("件数", 5, "right"),
            ],
            id="trash",
        )
        yield KeyBar()

    @property
    def table(self) -> ListTable:
        """The table of deleted meetings."""
        return self.query_one("#trash", ListTable)

    def on_mount(self) -> None:
        self.reload()
        self.table.focus()

    def reload(self, index: int = 0) -> None:
        """Read the trash again."""
        try:
            self.entries = self.app.datadir.trash_list()
        except (StorageError, OSError) as error:
            message = user_message(error)
            self.notify(message, title="ごみ箱を読めません", severity="error", timeout=20)
            self.entries = []
        self._fill(index)

    def _fill(self, index: int) -> None:
        rows = []
        for entry in self.entries:
            row = entry.row
            cells = (
                (deleted_text(entry.deleted), ""),
                (era_date(str(row.get("date", ""))), ""),
                (visible(str(row.get("title", ""))), ""),
                (visible(str(row.get("body", ""))), "muted"),
                (str(row.get("entry_count", 0)), ""),
            )
            rows.append((entry.key, cells))
        self.table.set_rows(rows, cursor=index)
        help_text = (
            "ごみ箱は空です。一覧で会議を選んで Delete を押すと、ここへ移ります。Esc で一覧へ戻ります。"
            if not self.entries
            else f"{len(self.entries)}件。新しく削除したものが上です。Enter で選んだ会議を一覧へ戻します。Esc で一覧へ。"
        )
        self.query_one("#trash-help", Static).update(Content(help_text))

    def highlighted(self):
        """The highlighted entry, or ``None``."""
        index = self.table.cursor
        if not self.entries or not 0 <= index < len(self.entries):
            return None
        return self.entries[index]

    def on_list_table_selected(self, event: ListTable.Selected) -> None:
        event.stop()
        self.action_restore()

    def action_restore(self) -> None:
        """Put the highlighted meeting back into the list, after asking."""
        entry = self.highlighted()
        if entry is None:
            self.notify("元に戻す会議がありません。", severity="warning")
            return
        if refuse_if_read_only(self, "元に戻すことはできません"):
            return
        index = self.table.cursor

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.datadir.restore_from_trash(entry.key)
            except StorageError as error:
                self.notify(error.message, title="元に戻せませんでした", severity="error", timeout=20)
                return
            self.restored.append(entry.meeting_id)
            self.notify(f"{describe(entry.row)}を一覧へ戻しました。", title="元に戻しました")
            self.reload(index)

        self.app.push_screen(
            Confirm(
                f"{describe(entry.row)}を一覧へ戻しますか?\n(削除した日時: {deleted_text(entry.deleted)})",
                title="ごみ箱から元に戻す",
                yes="元に戻す",
            ),
            answered,
        )

    def action_back(self) -> None:
        """Back to the list (the last meeting restored is highlighted there)."""
        self.dismiss(self.restored[-1] if self.restored else None)
