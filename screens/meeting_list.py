"""The start screen (会議の一覧): every meeting of the data folder, newest first.

One row per meeting: its date in the Japanese era, title, committee (会議体),
status (下書き / 確定) and number of entries. The rows come from the library's
index (``DataDir.list_meetings``), so the screen opens without reading a
single meeting file, and the table (:class:`ListTable`) draws only the rows
in view: a thousand meetings open as fast as ten.

Keys (function keys, Enter and Delete only, so that they work with the IME on):

=========  ==========================================================
Enter      open the highlighted meeting
F2         new meeting
F3 / F4    filter by committee / by fiscal year (a list to choose from)
Esc        clear the filters
F5         duplicate as the next meeting (same committee, roster, agenda)
Delete     move to the trash (asks first); F6 the trash (restore)
F7         search every meeting
F8         committees
F9         mark final / reopen (asks first; both are recorded)
F1         the keys
=========  ==========================================================

The list is read again whenever the screen comes back (after a meeting, the
trash, the search …). When the data folder is read-only
(``app.read_only_reason``) every change is refused with a message.
"""

from __future__ import annotations

from collections import Counter

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from minutes.era import fiscal_year_label, fiscal_year_of, format_era_timestamp
from minutes.naming import describe, era_date
from minutes.safe_text import visible
from minutes.status import FINAL, status_label
from screens.confirm import Confirm
from screens.filter_picker import FilterPicker
from storage.errors import StorageError, user_message
from tui.clock import app_now
from tui.heap import forget_closed_screens, settle_heap
from tui.read_only import refuse_if_read_only
from tui.widgets.key_bar import KeyBar
from tui.widgets.list_table import Column, ListTable

#: The filter value meaning "all" (a picker returns ``None`` when cancelled).
ALL = ""


def fiscal_year_or_none(value: str) -> int | None:
    """The fiscal year of a ``YYYY-MM-DD`` date, or ``None`` for a date the list cannot read."""
    try:
        return fiscal_year_of(value)
    except ValueError:
        return None


def fiscal_label(year: int) -> str:
    """``令和3年度``, or ``2021年度`` where the era table has no answer."""
    try:
        return fiscal_year_label(year)
    except ValueError:
        return f"{year}年度"


class CommitteeFilter(FilterPicker[str]):
    """Choose the committee whose meetings the list shows."""

    title_text = "会議体で絞り込む"


class YearFilter(FilterPicker[int]):
    """Choose the fiscal year whose meetings the list shows."""

    title_text = "年度で絞り込む"


class MeetingTable(ListTable):
    """The table of meetings (one row per meeting, keyed by its id)."""


class MeetingListScreen(Screen):
    """The list of meetings; Enter opens the highlighted one."""

    BINDINGS = [
        Binding("enter", "open", "開く"),
        Binding("f1", "help", "キー一覧", show=False),
        Binding("f2", "new", "新規"),
        Binding("f3", "filter_committee", "会議体で絞り込む", show=False),  # shown in the filter line
        Binding("f4", "filter_year", "年度で絞り込む", show=False),
        Binding("f5", "duplicate", "次回"),
        Binding("delete", "delete", "削除"),
        Binding("f6", "trash", "ごみ箱"),
        Binding("f7", "search", "検索"),
        Binding("f8", "committees", "会議体"),
        Binding("f9", "toggle_final", "確定"),
        Binding("f10", "files", "ファイル"),
        Binding("alt+d", "details", "会議の情報", show=False, id="list.details"),
        Binding("escape", "clear_filters", "絞込を解除", show=False),
    ]

    DEFAULT_CSS = """
    MeetingListScreen #list-title {
        height: 1;
        background: $panel;
    }
    MeetingListScreen #list-filters {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    MeetingListScreen #list-empty {
        height: auto;
        padding: 1 2;
    }
    """

    def __init__(self, rows: list[dict] | None = None) -> None:
        """``rows``: the library's index rows (newest first); ``None`` reads them from ``app.datadir``."""
        super().__init__()
        self.rows: list[dict] = list(rows) if rows is not None else []
        self._rows_given = rows is not None
        self.committee: str = ALL
        self.fiscal_year: int | None = None
        self.shown: list[dict] = []
        self._resumed_once = False

    # -- layout --------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self._title_content(), id="list-title")
        yield Static("", id="list-filters")
        yield MeetingTable(
            [
                Column("日付", 16),
                Column("題名", None, min_width=16, weight=3),
                Column("会議体", None, min_width=8, weight=2),
                Column("状態", 6),
                Column("件数", 5, "right"),
            ],
            id="meetings",
        )
        yield Static("", id="list-empty")
        yield KeyBar()

    def _title_content(self) -> Content:
        reason = getattr(self.app, "read_only_reason", None)
        parts = [Content.styled(" 会議録 kaigiroku ─ 会議の一覧", "bold")]
        if reason:
            parts.append(Content.styled(f"  (読み取り専用: {reason})", "italic"))
        return Content.assemble(*parts)

    @property
    def table(self) -> MeetingTable:
        """The table of meetings."""
        return self.query_one(MeetingTable)

    def on_unmount(self) -> None:
        self.app.call_later(forget_closed_screens, self.app)

    def on_mount(self) -> None:
        if not self._rows_given:
            self.rows = self._read_rows()
        self._fill(keep=None)
        self.table.focus()
        self.call_after_refresh(settle_heap)  # the collector back on after the first frame

    def on_screen_resume(self) -> None:
        # Pushing the screen resumes it too: the rows are fresh then, read them only on a return.
        if not self._resumed_once:
            self._resumed_once = True
            return
        self.reload()

    # -- rows --------------------------------------------------------------------
    def _read_rows(self) -> list[dict]:
        try:
            return self.app.datadir.list_meetings()
        except StorageError as error:
            self.notify(error.message, title="一覧を読めません", severity="error", timeout=20)
            return []

    def reload(self, keep: str | None = None) -> None:
        """Read the list again (keep the highlight on ``keep``, else on the same meeting or place)."""
        keep = keep or self.highlighted_id()
        index = self.table.cursor
        self.rows = self._read_rows()
        self._fill(keep=keep, fallback_index=index)

    def _matches(self, row: dict) -> bool:
        if self.committee != ALL and row.get("body") != self.committee:
            return False
        if self.fiscal_year is not None and fiscal_year_or_none(str(row.get("date", ""))) != self.fiscal_year:
            return False
        return True

    def _fill(self, keep: str | None, fallback_index: int = 0) -> None:
        """Show ``self.rows`` that pass the filters; the cursor on ``keep`` (else on ``fallback_index``)."""
        self.shown = [row for row in self.rows if self._matches(row)]
        table_rows = []
        target = None
        for index, row in enumerate(self.shown):
            meeting_id = str(row["id"])
            if meeting_id == keep:
                target = index
            final = row.get("status") == FINAL
            table_rows.append(
                (
                    meeting_id,
                    (
                        (era_date(str(row.get("date", ""))), ""),
                        (visible(str(row.get("title", ""))), ""),
                        (visible(str(row.get("body", ""))), ""),
                        (status_label(str(row.get("status", ""))), "strong" if final else "muted"),
                        (str(row.get("entry_count", 0)), ""),
                    ),
                )
            )
        if target is None:
            target = max(0, min(fallback_index, len(table_rows) - 1))
        body_column = self.table.columns[2]
        body_column.max_width = max((cell_len(cells[2][0]) for _, cells in table_rows[:500]), default=8)
        self.table.set_rows(table_rows, cursor=target)
        self._show_state()

    def _show_state(self) -> None:
        committee = visible(self.committee) if self.committee != ALL else "すべて"
        year = fiscal_label(self.fiscal_year) if self.fiscal_year is not None else "すべて"
        filtered = self.committee != ALL or self.fiscal_year is not None
        line = f"会議体: {committee} (F3)  年度: {year} (F4)  "
        line += f"{len(self.shown)}件 / 全{len(self.rows)}件" if filtered else f"全{len(self.rows)}件"
        if filtered:
            line += "  Esc 絞込を解除"
        self.query_one("#list-filters", Static).update(Content(line))
        empty = self.query_one("#list-empty", Static)
        if not self.rows:
            empty.update(
                Content(
                    "会議はまだありません。F2 で新しい会議を作るか、"
                    "kaigiroku demo でデモの会議を、kaigiroku import で交換形式のファイルを追加してください。"
                )
            )
            empty.display = True
        elif not self.shown:
            empty.update(Content("条件に合う会議はありません。Esc で絞り込みを解除するか、F3 / F4 で選び直してください。"))
            empty.display = True
        else:
            empty.display = False

    # -- the highlighted meeting --------------------------------------------------------
    def highlighted_id(self) -> str | None:
        """The id of the highlighted meeting, or ``None``."""
        if not self.shown:
            return None
        index = self.table.cursor
        if not 0 <= index < len(self.shown):
            return None
        return str(self.shown[index]["id"])

    def highlighted_row(self) -> dict | None:
        """The index row of the highlighted meeting, or ``None``."""
        meeting_id = self.highlighted_id()
        if meeting_id is None:
            return None
        for row in self.shown:
            if str(row["id"]) == meeting_id:
                return row
        return None

    def _need_row(self) -> dict | None:
        row = self.highlighted_row()
        if row is None:
            self.notify("会議が選ばれていません。↑↓で会議を選んでください。", severity="warning")
        return row

    def _refuse_if_read_only(self) -> bool:
        return refuse_if_read_only(self, "変更はできません(開いて見ることはできます)")

    # -- open ------------------------------------------------------------------------
    def action_open(self) -> None:
        """Open the highlighted meeting."""
        row = self._need_row()
        if row is not None:
            self.app.open_meeting(str(row["id"]))

    def action_details(self) -> None:
        """Open the highlighted meeting with its details form (date, times, place, numbers, title …)."""
        row = self._need_row()
        if row is not None:
            self.app.open_meeting(str(row["id"]), details=True)

    def on_list_table_selected(self, event: ListTable.Selected) -> None:
        event.stop()
        self.app.open_meeting(event.key)

    # -- filters ------------------------------------------------------------------------
    def action_filter_committee(self) -> None:
        """Choose a committee to show only its meetings."""
        counts = Counter(str(row.get("body", "")) for row in self.rows)
        choices: list[tuple[str, str, str]] = [(f"すべての会議体({len(self.rows)}件)", "すべて", ALL)]
        for body, count in sorted(counts.items()):
            choices.append((f"{body}({count}件)", body, body))

        def chosen(value: str | None) -> None:
            if value is None:
                return
            self.committee = value
            self._fill(keep=self.highlighted_id())

        self.app.push_screen(CommitteeFilter(choices), chosen)

    def action_filter_year(self) -> None:
        """Choose a fiscal year to show only its meetings."""
        counts = Counter(fiscal_year_or_none(str(row.get("date", ""))) for row in self.rows)
        choices: list[tuple[str, str, int]] = [(f"すべての年度({len(self.rows)}件)", "すべて", 0)]
        for year in sorted((y for y in counts if y is not None), reverse=True):
            label = fiscal_label(year)
            choices.append((f"{label}({year}年4月〜{year + 1}年3月、{counts[year]}件)", f"{label} {year}", year))

        def chosen(value: int | None) -> None:
            if value is None:
                return
            self.fiscal_year = value or None
            self._fill(keep=self.highlighted_id())

        self.app.push_screen(YearFilter(choices), chosen)

    def action_clear_filters(self) -> None:
        """Show every meeting again."""
        if self.committee == ALL and self.fiscal_year is None:
            return
        self.committee = ALL
        self.fiscal_year = None
        self._fill(keep=self.highlighted_id())

    # -- new, duplicate, committees ------------------------------------------------------
    def _after_other_screen(self, result: object = None) -> None:
        self.reload(keep=result if isinstance(result, str) else None)

    def action_new(self) -> None:
        """Create a new meeting."""
        if self._refuse_if_read_only():
            return
        from screens.new_meeting import NewMeetingScreen

        self.app.push_screen(NewMeetingScreen(), self._after_other_screen)

    def action_duplicate(self) -> None:
        """Create the next meeting from the highlighted one (same committee, roster and agenda)."""
        if self._refuse_if_read_only():
            return
        row = self._need_row()
        if row is None:
            return
        from screens.new_meeting import NewMeetingScreen

        self.app.push_screen(NewMeetingScreen(previous_meeting_id=str(row["id"])), self._after_other_screen)

    def action_committees(self) -> None:
        """Edit the committees."""
        from screens.committees import CommitteesScreen

        self.app.push_screen(CommitteesScreen(), self._after_other_screen)

    def action_files(self) -> None:
        """Import and export interchange files, make and restore backups."""
        from screens.files import FilesScreen

        row = self.highlighted_row()
        self.app.push_screen(FilesScreen(row["id"] if row else None), self._after_other_screen)

    # -- trash and search ---------------------------------------------------------------------
    def action_delete(self) -> None:
        """Move the highlighted meeting to the trash, after asking."""
        if self._refuse_if_read_only():
            return
        row = self._need_row()
        if row is None:
            return
        meeting_id = str(row["id"])
        index = self.table.cursor

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.datadir.delete_meeting(meeting_id, when=app_now(self.app, aware=True))
            except StorageError as error:
                self.notify(error.message, title="ごみ箱へ移せませんでした", severity="error", timeout=20)
                return
            self.notify(f"{describe(row)}をごみ箱へ移しました。F6 のごみ箱から元に戻せます。", title="ごみ箱へ移しました")
            self.rows = self._read_rows()
            self._fill(keep=None, fallback_index=index)

        self.app.push_screen(
            Confirm(
                f"{describe(row)}をごみ箱へ移しますか?\n一覧から消えますが、ごみ箱(F6)からいつでも元に戻せます。",
                title="ごみ箱へ移す",
                yes="ごみ箱へ移す",
            ),
            answered,
        )

    def action_trash(self) -> None:
        """Show the trash (deleted meetings; restore them)."""
        from screens.trash import TrashScreen

        self.app.push_screen(TrashScreen(), self._after_other_screen)

    def action_search(self) -> None:
        """Search every meeting."""
        from screens.search import SearchScreen

        self.app.push_screen(SearchScreen())

    # -- draft / final -----------------------------------------------------------------------
    def action_toggle_final(self) -> None:
        """Mark the highlighted meeting final, or reopen final minutes for changes (asks first)."""
        if self._refuse_if_read_only():
            return
        row = self._need_row()
        if row is None:
            return
        meeting_id = str(row["id"])
        reopening = row.get("status") == FINAL
        if reopening:
            question = (
                f"{describe(row)}の確定を取り消して、変更できるようにしますか?\n"
                "取り消した日時は会議録に記録されます。変更が終わったら F9 でもう一度確定してください。"
            )
            title, yes, status = "確定の取消", "確定を取り消す", "draft"
        else:
            question = (
                f"{describe(row)}を確定しますか?\n"
                "確定すると読み取り専用になり、確定した日時が記録されます。変更するには F9 で確定を取り消します。"
            )
            title, yes, status = "確定", "確定する", FINAL

        def answered(yes_: bool | None) -> None:
            if not yes_:
                return
            try:
                record = self.app.datadir.set_status(meeting_id, status, when=app_now(self.app, aware=True))
            except (StorageError, ValueError) as error:
                message = user_message(error)
                self.notify(message, title=f"{title}できませんでした", severity="error", timeout=20)
                self.reload(keep=meeting_id)
                return
            when = _when_text(record.get("at", ""))
            if reopening:
                self.notify(f"{describe(row)}の確定を取り消しました({when})。変更できます。", title="確定の取消")
            else:
                self.notify(f"{describe(row)}を確定しました({when})。", title="確定")
            self.reload(keep=meeting_id)

        self.app.push_screen(Confirm(question, title=title, yes=yes), answered)

    # -- help ------------------------------------------------------------------------------
    def action_help(self) -> None:
        """Show the keys of this screen."""
        from screens.help import HelpScreen

        self.app.push_screen(
            HelpScreen(
                [
                    (
                        "会議の一覧",
                        [
                            ("↑ ↓ PageUp PageDown", "会議を選ぶ"),
                            ("Enter", "選んだ会議を開く"),
                            ("alt+d", "選んだ会議を開いて会議の情報(日時・場所・回数・題名)を直す"),
                            ("F2", "新しい会議を作る"),
                            ("F5", "選んだ会議の次回を作る(会議体・名簿・会次第を引き継ぐ)"),
                            ("F3", "会議体で絞り込む"),
                            ("F4", "年度で絞り込む"),
                            ("Esc", "絞り込みを解除"),
                            ("Delete", "選んだ会議をごみ箱へ移す(確認あり)"),
                            ("F6", "ごみ箱(元に戻す)"),
                            ("F7", "すべての会議から検索"),
                            ("F8", "会議体の設定"),
                            ("F9", "選んだ会議録を確定する / 確定を取り消す(確認あり、日時を記録)"),
                            ("ctrl+q", "終了"),
                        ],
                    )
                ]
            )
        )


def _when_text(stamp: str) -> str:
    """``令和4年3月15日 18:05`` for an ISO time (local time), or the text itself, made safe to show."""
    return visible(format_era_timestamp(stamp))
