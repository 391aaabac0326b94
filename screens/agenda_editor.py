"""The agenda editor (会次第): add, remove, reorder and edit the items of a meeting.

``AgendaEditor(agenda, departments)`` works on a copy of ``agenda`` (a list of
:class:`~minutes.model.Item`) and dismisses with the new list, or ``None`` when
closed without keeping the changes. Items keep their ids and logs; new items
get ids unused in the list. Usable for a new meeting and for an existing one
(removing an item with entries asks first: its entries go with it).

Keys: Insert add, Delete remove, ctrl+↑/↓ move, Enter edit (title, section,
kind, departments), F2 add 「その他」, ctrl+s keep, Escape close (asks when
something changed).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from minutes.model import SECTION_AGENDA, Item
from minutes.render import circled
from minutes.safe_text import visible
from screens.confirm import Confirm, close_asking_if_changed
from screens.row_form import FormField, RowForm
from tui.widgets.key_bar import KeyBar
from tui.widgets.row_table import RowTable

#: Sections and kinds offered as completions (anything else may be typed).
SECTIONS = (SECTION_AGENDA, "報告事項", "その他")
KINDS = ("諮問", "報告", "協議", "審議")
OTHER = "その他"


def _copy(item: Item) -> Item:
    """A copy to edit; the log is the same list (the editor never changes entries)."""
    return Item(
        id=item.id, title=item.title, section=item.section, kind=item.kind,
        departments=list(item.departments), log=item.log,
    )


def _snapshot(items: list[Item]) -> list[tuple]:
    return [(i.id, i.title, i.section, i.kind, tuple(i.departments)) for i in items]


def new_item_id(items: list[Item]) -> str:
    """``a{n}``: the first such id that no item uses."""
    used = {item.id for item in items}
    n = len(items) + 1
    while f"a{n}" in used:
        n += 1
    return f"a{n}"


class AgendaEditor(Screen[list[Item] | None]):
    """Edit the 会次第; dismisses with the new list of items, or ``None``."""

    BINDINGS = [
        Binding("ctrl+s", "save", "決定", priority=True),
        Binding("f2", "add_other", "「その他」を追加"),
        Binding("escape", "close", "閉じる"),
    ]

    DEFAULT_CSS = """
    AgendaEditor #agenda-title {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    AgendaEditor RowTable {
        height: 1fr;
    }
    AgendaEditor #agenda-empty {
        height: auto;
        padding: 1 2;
    }
    AgendaEditor #agenda-hint {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, agenda: list[Item], departments: list[str] | None = None, *, title: str = "会次第の編集") -> None:
        super().__init__()
        self.items: list[Item] = [_copy(item) for item in agenda]
        self.original = _snapshot(self.items)
        names: list[str] = []
        for name in list(departments or []) + [d for item in agenda for d in item.departments]:
            if name and name not in names:
                names.append(name)
        self.departments = names
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(visible(self.title_text), "bold"), id="agenda-title")
        yield RowTable(id="agenda-table")
        yield Static("議事がありません。Insert で加えてください(F2 で「その他」)。", id="agenda-empty")
        yield Static(
            "Insert 追加 ・ Enter 編集 ・ Delete 削除 ・ ctrl+↑↓ 並べ替え ・ F2「その他」を追加 ・ ctrl+s 決定 ・ Esc 閉じる",
            id="agenda-hint",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.add_columns("番号", "区分", "種別", "件名", "担当課", "発言")
        self._show(0)
        table.focus()

    # -- display ---------------------------------------------------------------------------
    def _number(self, index: int) -> str:
        item = self.items[index]
        n = sum(1 for other in self.items[: index + 1] if other.section == item.section)
        return circled(n)

    def _show(self, cursor: int | None = None) -> None:
        rows = [
            (
                self._number(n),
                item.section,
                item.kind,
                item.title,
                "、".join(item.departments),
                f"{len(item.log)}件" if item.log else "",
            )
            for n, item in enumerate(self.items)
        ]
        self.query_one(RowTable).show_rows(rows, cursor)
        self.query_one("#agenda-empty").display = not self.items

    @property
    def changed(self) -> bool:
        """True if the agenda differs from what was opened."""
        return _snapshot(self.items) != self.original

    # -- the form --------------------------------------------------------------------------
    def _fields(self) -> list[FormField]:
        return [
            FormField("title", "件名", placeholder="例 …の提供について", required=True),
            FormField("section", "区分(会次第の見出し)", suggestions=SECTIONS, placeholder="議事"),
            FormField("kind", "種別(件名の後ろに(諮問)のように付きます)", suggestions=KINDS, placeholder="例 諮問"),
            FormField("departments", "担当課(Enter で選ぶ・外す)", "multi", [(d, d) for d in self.departments]),
        ]

    @staticmethod
    def _values(item: Item) -> dict:
        return {"title": item.title, "section": item.section, "kind": item.kind, "departments": list(item.departments)}

    @staticmethod
    def _apply(item: Item, values: dict) -> None:
        item.title = values["title"]
        item.section = values["section"] or SECTION_AGENDA
        item.kind = values["kind"]
        item.departments = list(values["departments"])

    # -- what the RowTable keys ask for -------------------------------------------------------
    def on_row_table_add_row(self, message: RowTable.AddRow) -> None:
        """Insert: a new item after the cursor."""
        table = message.control
        at = table.cursor_row + 1 if self.items else 0
        section = self.items[at - 1].section if at > 0 and self.items[at - 1].section == SECTION_AGENDA else SECTION_AGENDA
        empty = {"title": "", "section": section, "kind": "", "departments": []}

        def added(values: dict | None) -> None:
            if values is None:
                return
            item = Item(id=new_item_id(self.items), title="")
            self._apply(item, values)
            self.items.insert(at, item)
            self._show(at)

        self.app.push_screen(RowForm("議事を追加", self._fields(), empty), added)

    def on_row_table_edit_row(self, message: RowTable.EditRow) -> None:
        """Enter: edit the item under the cursor."""
        table = message.control
        if not self.items:
            table.action_row_add()
            return
        index = table.cursor_row
        item = self.items[index]

        def edited(values: dict | None) -> None:
            if values is not None:
                self._apply(item, values)
                self._show(index)

        self.app.push_screen(RowForm("議事を編集", self._fields(), self._values(item)), edited)

    def on_row_table_remove_row(self, message: RowTable.RemoveRow) -> None:
        """Delete: remove the item under the cursor (asking first when it has entries)."""
        table = message.control
        if not self.items:
            self.app.bell()
            return
        index = table.cursor_row
        item = self.items[index]

        def remove() -> None:
            del self.items[index]
            self._show(index)
            self.notify("議事を削除しました(決定せずに閉じれば元に戻ります)。")

        if not item.log:
            remove()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                remove()

        self.app.push_screen(
            Confirm(
                f"議事「{item.title}」には発言と採決が{len(item.log)}件あります。議事を削除すると、それも消えます。削除しますか?",
                title="議事の削除",
                yes="削除する",
            ),
            answered,
        )

    def on_row_table_move_row(self, message: RowTable.MoveRow) -> None:
        """ctrl+↑/↓: move the item."""
        table, delta = message.control, message.delta
        index = table.cursor_row
        target = index + delta
        if not self.items or not 0 <= target < len(self.items):
            self.app.bell()
            return
        self.items[index], self.items[target] = self.items[target], self.items[index]
        self._show(target)

    # -- actions ---------------------------------------------------------------------------
    def action_add_other(self) -> None:
        """Add 「その他」 at the end (the usual last line of the 会次第)."""
        if any(item.section == OTHER and item.title == OTHER for item in self.items):
            self.notify("「その他」はもうあります。", severity="warning")
            return
        self.items.append(Item(id=new_item_id(self.items), title=OTHER, section=OTHER))
        self._show(len(self.items) - 1)

    def action_save(self) -> None:
        """Keep the agenda."""
        self.dismiss(list(self.items))

    def action_close(self) -> None:
        """Close without keeping; ask first when something changed."""
        close_asking_if_changed(self, self.changed, "会次第の変更を捨てて閉じますか?残すには Esc で戻って ctrl+s を押してください。", "捨てて閉じる")
