"""Edit a committee (会議体): its basics, roster, secretariat, departments, phrases and F6–F9.

Tabs (F2–F7, or ctrl+PageUp/PageDown): 基本, 委員, 事務局, 関係課, 定型文, 発言者キー.
In a table: Insert adds a row, Delete removes it, ctrl+↑/↓ moves it, Enter
edits it in a small form. Tab moves between fields. ctrl+s checks and saves
the committee (through ``app.datadir``); Escape closes, asking first when
something changed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static, TabbedContent, TabPane

from minutes.committee import (
    EXPORT_VOTES_NAMES,
    MEMBER_TITLES,
    ROLE_CHOICES,
    SPEAKER_KEY_NUMBERS,
    Committee,
    CommitteeError,
    Member,
    Staff,
    normalize_time,
    parse_count,
)
from minutes.model import RULE_NAMES, RULES, TITLE_MEMBER
from minutes.phrases import Phrase
from minutes.safe_text import visible
from screens.confirm import close_asking_if_changed
from screens.row_form import FormField, RowForm
from storage.errors import StorageError
from tui.read_only import refuse_if_read_only
from tui.widgets.key_bar import KeyBar
from tui.widgets.row_table import RowTable


@dataclass
class TableSpec:
    """How one list of the committee shows in a :class:`RowTable` and is edited in a :class:`RowForm`."""

    what: str
    """What a row is, for form titles: ``委員``."""
    rows: list
    cells: Callable[[Any], tuple]
    fields: Callable[[], list[FormField]]
    values: Callable[[Any], dict]
    make: Callable[[dict], Any]
    check: Callable[[dict, Any], str | None] = lambda values, old: None
    empty: Callable[[], dict] = dict
    columns: tuple[str, ...] = field(default_factory=tuple)


# -- the committee editor ---------------------------------------------------------------------
TABS = ("tab-basic", "tab-members", "tab-secretariat", "tab-departments", "tab-phrases", "tab-keys")
TAB_NAMES = ("基本", "委員", "事務局", "関係課", "定型文", "発言者キー")
NOT_SET = "(未設定)"


class CommitteeEditor(Screen[Committee | None]):
    """Edit every field of a committee; ctrl+s saves it through the app's data folder.

    Dismisses with the saved :class:`Committee`, or ``None`` when closed without saving.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", priority=True),
        Binding("escape", "close", "閉じる"),
        Binding("ctrl+pagedown", "tab(1)", "次のタブ", show=False),
        Binding("ctrl+pageup", "tab(-1)", "前のタブ", show=False),
        *[
            Binding(f"f{n + 2}", f"show_tab('{tab}')", name, show=False)
            for n, (tab, name) in enumerate(zip(TABS, TAB_NAMES))
        ],
    ]

    DEFAULT_CSS = """
    CommitteeEditor #editor-title {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    CommitteeEditor #editor-hint {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    CommitteeEditor TabbedContent {
        height: 1fr;
    }
    CommitteeEditor TabPane {
        padding: 0 1;
    }
    CommitteeEditor .form-label {
        margin-top: 1;
        color: $text-muted;
    }
    CommitteeEditor .basic-row {
        height: auto;
    }
    CommitteeEditor .basic-row > Vertical {
        width: 1fr;
        height: auto;
        padding-right: 1;
    }
    CommitteeEditor RowTable {
        height: 1fr;
    }
    CommitteeEditor .key-row {
        height: 3;
    }
    CommitteeEditor .key-row Label {
        width: 6;
        padding-top: 1;
    }
    CommitteeEditor .key-row Select {
        width: 50;
    }
    """

    def __init__(self, committee: Committee | None = None, *, is_new: bool | None = None) -> None:
        super().__init__()
        self.is_new = committee is None if is_new is None else is_new
        self.original = committee or Committee.new()
        # What "changed" compares with: a committee made elsewhere (from a meeting) counts as
        # changed until saved; an empty new one is compared with the screen as it first shows.
        self.original_dict: dict | None = {} if self.is_new and committee is not None else None
        if not self.is_new:
            self.original_dict = self.original.to_dict()
        work = copy.deepcopy(self.original)
        self.committee = work
        self.members: list[Member] = work.members
        self.secretariat: list[Staff] = work.secretariat
        self.department_rows: list[Staff] = []
        for name, staff in work.departments.items():
            self.department_rows.extend(staff or [Staff("", "", name)])
        self.phrases: list[Phrase] = work.phrases
        self.speaker_keys: dict[int, str] = dict(work.speaker_keys)
        self.specs: dict[str, TableSpec] = self._specs()

    # -- table specs -------------------------------------------------------------------
    def _specs(self) -> dict[str, TableSpec]:
        def member_check(values: dict, old: Member | None) -> str | None:
            name = values["name"]
            if any(m.name == name and m is not old for m in self.members):
                return f"委員「{name}」はもう名簿にあります。同じ氏名は1回だけにしてください。"
            if not values["title"].strip():
                return "肩書きを入れてください(委員長、会長、委員 など)。"
            if make_member(values).is_chair and any(m.is_chair and m is not old for m in self.members):
                chair = next(m for m in self.members if m.is_chair and m is not old)
                return f"議事を主宰する委員はもういます({chair.title} {chair.name})。その人の肩書きか役割を先に変えてください。"
            return None

        def make_member(values: dict) -> Member:
            role = values.get("role") or None
            member = Member(values["name"], values["title"].strip(), values["reading"], None, role)
            member.votes = None if values["votes"] == (not member.is_chair) else values["votes"]
            return member

        def department_check(values: dict, old: Staff | None) -> str | None:
            if not values["department"]:
                return "課の名前を入れてください。"
            return None

        return {
            "members": TableSpec(
                what="委員",
                rows=self.members,
                columns=("順", "肩書き", "氏名", "読み", "議決権"),
                cells=lambda m: ("", m.title + ("(主宰)" if m.is_chair and m.role else ""), m.name, m.reading,
                                 "あり" if m.has_vote else "なし"),
                fields=lambda: [
                    FormField("name", "氏名", placeholder="例 昼間守仁", required=True),
                    FormField("reading", "読み(かな。発言者の絞り込みに使います)", placeholder="例 ひるましゅじん"),
                    FormField("title", "肩書き(どの肩書きでも)", suggestions=MEMBER_TITLES, placeholder="例 委員長", required=True),
                    FormField("role", "役割", "choice", ROLE_CHOICES),
                    FormField(
                        "votes",
                        "議決権",
                        "check",
                        placeholder="議決権あり(委員長・会長は通常なし。肩書きか役割を変えると合わせて変わります)",
                        follows=(("title", "role"), lambda values: not make_member({**values, "votes": True}).is_chair),
                    ),
                ],
                values=lambda m: {"name": m.name, "reading": m.reading, "title": m.title, "role": m.role or "",
                                  "votes": m.has_vote},
                empty=lambda: {"name": "", "reading": "", "title": TITLE_MEMBER, "role": "", "votes": True},
                make=make_member,
                check=member_check,
            ),
            "secretariat": TableSpec(
                what="事務局",
                rows=self.secretariat,
                columns=("順", "氏名", "職", "課"),
                cells=lambda s: ("", s.name, s.post, s.department),
                fields=lambda: [
                    FormField("name", "氏名(名字だけでも)", placeholder="例 飯田", required=True),
                    FormField("post", "職", suggestions=("課長", "課長補佐", "係長", "主任", "主事"), placeholder="例 係長"),
                    FormField("department", "課", suggestions=self._secretariat_departments(), placeholder="例 総務課", required=True),
                ],
                values=lambda s: {"name": s.name, "post": s.post, "department": s.department},
                empty=lambda: {"name": "", "post": "", "department": self._secretariat_departments()[0] if self._secretariat_departments() else ""},
                make=lambda v: Staff(v["name"], v["post"], v["department"]),
            ),
            "departments": TableSpec(
                what="関係課の職員",
                rows=self.department_rows,
                columns=("順", "課", "氏名", "職"),
                cells=lambda s: ("", s.department, s.name or "(職員なし)", s.post),
                fields=lambda: [
                    FormField("department", "課", suggestions=self._department_names(), placeholder="例 資源循環課", required=True),
                    FormField("name", "氏名(空なら課だけを登録)", placeholder="例 市川"),
                    FormField("post", "職", suggestions=("課長", "課長補佐", "係長", "主任", "主事"), placeholder="例 課長"),
                ],
                values=lambda s: {"department": s.department, "name": s.name, "post": s.post},
                empty=lambda: {"department": "", "name": "", "post": ""},
                make=lambda v: Staff(v["name"], v["post"] if v["name"] else "", v["department"]),
                check=department_check,
            ),
            "phrases": TableSpec(
                what="定型文",
                rows=self.phrases,
                columns=("順", "名前", "発言者", "文章"),
                cells=lambda p: ("", p.name, p.speaker, p.text.replace("\n", "↵")),
                fields=lambda: [
                    FormField("name", "名前(一覧に出る名前)", placeholder="例 議事の開始", required=True),
                    FormField("speaker", "発言者", suggestions=("会長", "委員", "事務局"), placeholder="例 会長"),
                    FormField(
                        "text",
                        "文章({番号} {件名} {種別} {担当課} {会議体} は議事に合わせて埋まります。Enter で改段落)",
                        "multiline",
                        required=True,
                    ),
                ],
                values=lambda p: {"name": p.name, "speaker": p.speaker, "text": p.text},
                empty=lambda: {"name": "", "speaker": "会長", "text": ""},
                make=lambda v: Phrase(v["name"], v["text"], v["speaker"]),
            ),
        }

    def _department_names(self) -> list[str]:
        names: list[str] = []
        for row in self.department_rows:
            if row.department and row.department not in names:
                names.append(row.department)
        return names

    def _secretariat_departments(self) -> list[str]:
        names: list[str] = []
        for row in self.secretariat:
            if row.department and row.department not in names:
                names.append(row.department)
        return names

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        c = self.committee
        heading = "会議体の新規作成" if self.is_new else f"会議体の編集: {c.name}"
        yield Static(Content.styled(visible(heading), "bold"), id="editor-title")
        with TabbedContent(id="tabs"):
            with TabPane("基本 F2", id="tab-basic"):
                with VerticalScroll():
                    yield Label("名称(必須)", classes="form-label")
                    yield Input(c.name, placeholder="例 小平市情報公開・個人情報保護・公文書管理審議会", id="name")
                    with Horizontal(classes="basic-row"):
                        with Vertical():
                            yield Label("既定の開催場所", classes="form-label")
                            yield Input(c.place, placeholder="例 市役所3階 庁議室", id="place")
                        with Vertical():
                            yield Label("既定の開会時刻(空なら作る時の時刻)", classes="form-label")
                            yield Input(c.start, placeholder="例 17:30", id="start")
                    with Horizontal(classes="basic-row"):
                        with Vertical():
                            yield Label("採決の規則", classes="form-label")
                            yield Select([(RULE_NAMES[r], r) for r in RULES], value=c.rule, allow_blank=False, id="rule")
                        with Vertical():
                            yield Label("定足数(空なら委員の過半数)", classes="form-label")
                            yield Input("" if c.quorum is None else str(c.quorum), placeholder="例 4", id="quorum")
                    with Horizontal(classes="basic-row"):
                        with Vertical():
                            yield Label("書き出しの発言者", classes="form-label")
                            yield Select(
                                [("要録の呼び方(会長・委員・課名)", False), ("氏名(村千鶴子委員・市川課長)", True)],
                                value=c.export_named,
                                allow_blank=False,
                                id="export-named",
                            )
                        with Vertical():
                            yield Label("書き出しの採決", classes="form-label")
                            yield Select(
                                [(text, value) for value, text in EXPORT_VOTES_NAMES.items()],
                                value=c.export_votes,
                                allow_blank=False,
                                id="export-votes",
                            )
                        with Vertical():
                            yield Label("書き出しのスタイル", classes="form-label")
                            yield Select(
                                self._style_choices(c.export_style),
                                value=c.export_style,
                                allow_blank=False,
                                id="export-style",
                            )
            for key, tab, name in (
                ("members", "tab-members", "委員 F3"),
                ("secretariat", "tab-secretariat", "事務局 F4"),
                ("departments", "tab-departments", "関係課 F5"),
                ("phrases", "tab-phrases", "定型文 F6"),
            ):
                with TabPane(name, id=tab):
                    yield RowTable(id=f"table-{key}")
            with TabPane("発言者キー F7", id="tab-keys"):
                with VerticalScroll():
                    yield Static(
                        "会議録を取る画面で F6〜F9 を押したときの発言者です(F2 会長・F3 委員・F4 担当課・F5 事務局は決まっています)。"
                        "未設定の F6 は副会長です。",
                        classes="form-label",
                    )
                    for number in SPEAKER_KEY_NUMBERS:
                        with Horizontal(classes="key-row"):
                            yield Label(f"F{number}")
                            yield Select(self._key_options(number), value=self._key_value(number), allow_blank=False, id=f"key-{number}")
        yield Static(
            "F2〜F7 タブ ・ Tab 次の欄 ・ 表で Insert(ctrl+n)追加、Delete 削除、Enter 編集、ctrl+↑↓ 並べ替え ・ ctrl+s 保存",
            id="editor-hint",
        )
        yield KeyBar()

    def _key_options(self, number: int) -> list[tuple[str, str]]:
        options = [(NOT_SET, "")] + self._speaker_choices()
        value = self.speaker_keys.get(number, "")
        if value and value not in [v for _, v in options]:
            options.append((f"{value}(名簿にありません)", value))
        return options

    def _key_value(self, number: int) -> str:
        return self.speaker_keys.get(number, "")

    def _speaker_choices(self) -> list[tuple[str, str]]:
        probe = Committee(id="x", name="x", members=self.members, departments={n: [] for n in self._department_names()})
        return probe.speaker_choices()

    def on_mount(self) -> None:
        for key, spec in self.specs.items():
            table = self.query_one(f"#table-{key}", RowTable)
            table.add_columns(*spec.columns)
            self._show(key)
        self.query_one("#name", Input).focus()
        if self.original_dict is None:
            self.original_dict = self.gather().to_dict()

    # -- tabs ------------------------------------------------------------------------------
    def action_show_tab(self, tab: str) -> None:
        """Show a tab and put the cursor in it."""
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        self.call_after_refresh(self._focus_tab, tab)

    def _focus_tab(self, tab: str) -> None:
        pane = self.query_one(f"#{tab}", TabPane)
        for widget in pane.query("Input, Select, RowTable"):
            if widget.focusable:
                widget.focus()
                return

    def action_tab(self, delta: int) -> None:
        """The next or previous tab."""
        current = self.query_one(TabbedContent).active
        index = TABS.index(current) if current in TABS else 0
        self.action_show_tab(TABS[(index + delta) % len(TABS)])

    # -- tables ----------------------------------------------------------------------------
    def _key_of(self, table: RowTable) -> str:
        return (table.id or "").removeprefix("table-")

    def _show(self, key: str, cursor: int | None = None) -> None:
        spec = self.specs[key]
        rows = [(str(n), *spec.cells(row)[1:]) for n, row in enumerate(spec.rows, start=1)]
        self.query_one(f"#table-{key}", RowTable).show_rows(rows, cursor)
        if key in ("members", "departments"):
            self._refresh_key_choices()

    def _refresh_key_choices(self) -> None:
        for number in SPEAKER_KEY_NUMBERS:
            try:
                select = self.query_one(f"#key-{number}", Select)
            except Exception:
                return
            value = select.value if select.value is not Select.NULL else ""
            self.speaker_keys[number] = value
            select.set_options(self._key_options(number))
            select.value = value

    def on_row_table_add_row(self, message: RowTable.AddRow) -> None:
        """Insert: a new row after the cursor, filled in a form."""
        table = message.control
        key = self._key_of(table)
        spec = self.specs[key]
        at = table.cursor_row + 1 if spec.rows else 0

        def added(values: dict | None) -> None:
            if values is None:
                return
            spec.rows.insert(at, spec.make(values))
            self._show(key, at)

        self.app.push_screen(
            RowForm(f"{spec.what}を追加", spec.fields(), spec.empty(), lambda v: spec.check(v, None)), added
        )

    def on_row_table_edit_row(self, message: RowTable.EditRow) -> None:
        """Enter: edit the row under the cursor (or add one to an empty table)."""
        table = message.control
        key = self._key_of(table)
        spec = self.specs[key]
        if not spec.rows:
            table.action_row_add()
            return
        index = table.cursor_row
        old = spec.rows[index]

        def edited(values: dict | None) -> None:
            if values is None:
                return
            spec.rows[index] = spec.make(values)
            self._show(key, index)

        self.app.push_screen(
            RowForm(f"{spec.what}を編集", spec.fields(), spec.values(old), lambda v: spec.check(v, old)), edited
        )

    def on_row_table_remove_row(self, message: RowTable.RemoveRow) -> None:
        """Delete: remove the row under the cursor (Escape without saving brings it back)."""
        table = message.control
        key = self._key_of(table)
        spec = self.specs[key]
        if not spec.rows:
            self.app.bell()
            return
        index = table.cursor_row
        del spec.rows[index]
        self._show(key, index)
        self.notify(f"{spec.what}を1行削除しました(保存せずに閉じれば元に戻ります)。")

    def on_row_table_move_row(self, message: RowTable.MoveRow) -> None:
        """ctrl+↑/↓: move the row under the cursor."""
        table, delta = message.control, message.delta
        key = self._key_of(table)
        rows = self.specs[key].rows
        index = table.cursor_row
        target = index + delta
        if not rows or not 0 <= target < len(rows):
            self.app.bell()
            return
        rows[index], rows[target] = rows[target], rows[index]
        self._show(key, target)

    # -- saving ----------------------------------------------------------------------------
    def gather(self) -> Committee:
        """The committee as the screen shows it now; :class:`CommitteeError` for a bad basic field."""
        value = lambda wid: self.query_one(f"#{wid}", Input).value.strip()  # noqa: E731
        start = value("start")
        if start:
            try:
                start = normalize_time(start)
            except ValueError as error:
                raise CommitteeError(f"既定の開会時刻: {error}") from None
        quorum_text = value("quorum")
        quorum = None
        if quorum_text:
            try:
                quorum = parse_count(quorum_text, "定足数", minimum=1)
            except ValueError as error:
                raise CommitteeError(str(error)) from None
        departments: dict[str, list[Staff]] = {}
        for row in self.department_rows:
            staff = departments.setdefault(row.department, [])
            if row.name:
                staff.append(Staff(row.name, row.post, row.department))
        keys = {}
        for number in SPEAKER_KEY_NUMBERS:
            chosen = self.query_one(f"#key-{number}", Select).value
            if chosen and chosen is not Select.NULL:
                keys[number] = chosen
        return Committee(
            id=self.committee.id,
            name=value("name"),
            place=value("place"),
            start=start,
            members=list(self.members),
            secretariat=list(self.secretariat),
            departments=departments,
            rule=self.query_one("#rule", Select).value,
            quorum=quorum,
            phrases=list(self.phrases),
            speaker_keys=keys,
            export_named=bool(self.query_one("#export-named", Select).value),
            export_votes=self.query_one("#export-votes", Select).value,
            export_style=self.query_one("#export-style", Select).value or "",
        )

    def _style_choices(self, current: str) -> list[tuple[str, str]]:
        """要録 (the default), the other presets, the data folder's styles; the current one even if gone."""
        from minutes.style import DEFAULT_STYLE, PRESETS
        from storage.styles import data_style_names

        names = [name for name in PRESETS if name != DEFAULT_STYLE]
        try:
            names += [name for name in data_style_names(self.app.datadir.root) if name not in PRESETS]
        except (AttributeError, OSError):
            pass  # no data folder to look in: the presets
        if current and current not in names:
            names.append(current)
        return [(f"{DEFAULT_STYLE}(既定)", "")] + [(name, name) for name in names]

    @property
    def changed(self) -> bool:
        """True if what the screen shows differs from what was opened."""
        try:
            current = self.gather().to_dict()
        except CommitteeError:
            return True
        return current != self.original_dict

    def action_save(self) -> None:
        """Check and save the committee; stay on the screen if that fails."""
        if refuse_if_read_only(self, "会議体は保存できません", timeout=10):
            return
        try:
            committee = self.gather()
            committee = self.app.datadir.save_committee(committee)
        except CommitteeError as error:
            self.notify(error.message, title="保存できません", severity="error", timeout=15)
            return
        except StorageError as error:
            self.notify(error.message, title="保存できませんでした", severity="error", timeout=15)
            return
        self.notify(f"会議体「{committee.name}」を保存しました。")
        self.dismiss(committee)

    def action_close(self) -> None:
        """Close; ask first when something changed."""
        close_asking_if_changed(self, self.changed, "変更を保存せずに閉じますか?保存するには Esc で戻って ctrl+s を押してください。", "保存せずに閉じる")
