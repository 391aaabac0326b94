"""Files (ファイル): import, export, backup and restore, from the app.

What the command line does with ``kaigiroku import / export --format json /
backup / restore``, with the same refusals and the same messages:

=====  ================================================================
F2     取り込み: add a meeting from an interchange file (``FILE.json``)
F3     書き出し: the current (or highlighted) meeting as interchange JSON
F4     バックアップ: the whole data folder as a zip
F5     復元: the data folder from a zip (or a meeting from a backup ``.json``)
F6     会議のバックアップ: the current meeting's backups, newest first
       (each marked readable or not); Enter restores the chosen one
Esc    back
=====  ================================================================

The screen works on ``app.datadir``, which holds the data folder's write lock
while the app runs. Writing work (import, restore) goes through
``datadir.write_lock()`` as the command line does, so a copy of the app that
does not hold the lock is refused with the very message the command line gives
(who holds the folder, since when, and that reading and exporting still work),
while export and backup, which only read the folder, work in every copy.

A restore replaces meeting files: any meeting open in the app is closed first
(its draft saved, its store closed), and opened again afterwards from what the
restore put back; the list of meetings is read again when it comes back.

The meeting worked on is ``FilesScreen(meeting_id)``, else the meeting of the
screen below (a minute-taking screen's ``meeting_id``, or the list's
``highlighted_id()``).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from minutes.encoding import UnencodableError, encode_export
from minutes.interchange import dumps_meeting
from minutes.safe_text import visible
from screens.confirm import Confirm
from screens.export import default_export_folder, default_file_name
from screens.path_dialog import PathDialog, save_where_chosen
from storage.atomic import atomic_write_bytes
from storage.backups import check_backup, read_restore_zip, zip_contents
from storage.errors import DamagedFileError, StorageError, os_error_reason
from storage.interchange_files import InterchangeFileError
from storage.interchange_files import read_interchange_file as read_file
from storage.paths import backup_zip_name
from tui.clock import app_now
from tui.widgets.key_bar import KeyBar

#: The actions of the screen: (action, key, label).
ACTIONS = (
    ("import_file", "F2", "交換形式(JSON)のファイルから会議を取り込む"),
    ("export_json", "F3", "この会議を交換形式(JSON)で書き出す"),
    ("backup", "F4", "データフォルダ全体をバックアップ(zip)に保存する"),
    ("restore", "F5", "バックアップ(zip)からデータフォルダを復元する"),
    ("list_backups", "F6", "この会議をバックアップから復元する(新しい順)"),
)

def read_interchange_file(path: Path):
    """The meeting in an interchange file; :class:`FilesError` with the command line's own words."""
    try:
        return read_file(path, wait_for_writer=False)  # a pipe would hold the screen until a writer came
    except InterchangeFileError as error:
        raise FilesError(error.message) from None


class FilesError(Exception):
    """A refusal with a Japanese message (what is wrong, what to do)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def describe_backup(path: Path) -> str:
    """``2026-01-01 21:00:00`` (local time) from a backup's name ``20260101T120000Z-000123.json``."""
    stem = path.stem.split("-", 1)[0]
    try:
        moment = datetime.strptime(stem, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).astimezone()
    except ValueError:
        return path.name
    return f"{moment:%Y-%m-%d %H:%M:%S}"


class FilesScreen(Screen[bool]):
    """Import, export, backup and restore. Dismissed with True when the data folder changed."""

    BINDINGS = [
        Binding("f2", "import_file", "取り込み", priority=True),
        Binding("f3", "export_json", "書き出し(JSON)", priority=True),
        Binding("f4", "backup", "バックアップ", priority=True),
        Binding("f5", "restore", "zipから復元", priority=True),
        Binding("f6", "list_backups", "会議のバックアップ", priority=True),
        Binding("escape", "close", "戻る"),
    ]

    DEFAULT_CSS = """
    FilesScreen #files-title {
        height: 1;
        background: $panel;
        text-style: bold;
    }
    FilesScreen #files-where, FilesScreen #files-meeting {
        height: auto;
        padding: 0 1;
    }
    FilesScreen #files-actions {
        height: auto;
        max-height: 8;
        margin: 1 0 0 0;
    }
    FilesScreen #files-backups-box {
        height: 1fr;
        border: round $accent;
        display: none;
    }
    FilesScreen #files-backups-box.-shown {
        display: block;
    }
    FilesScreen #files-backups {
        height: 1fr;
    }
    FilesScreen #files-result {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, meeting_id: str | None = None) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        #: True once the data folder was changed here (import, restore).
        self.changed = False
        #: The backups listed by F6, newest first.
        self.backups: list[Path] = []
        #: The last message, also shown on the screen (for the clerk, and for tests).
        self.last_message = ""

    # -- layout ------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Content(" ファイル ─ 取り込み・書き出し・バックアップ・復元"), id="files-title")
        yield Static(id="files-where")
        yield Static(id="files-meeting")
        yield OptionList(
            *(Option(Content(f"{key}  {label}"), id=action) for action, key, label in ACTIONS),
            id="files-actions",
        )
        with Vertical(id="files-backups-box") as box:
            box.border_title = "会議のバックアップ(新しい順) ─ Enter で復元"
            yield OptionList(id="files-backups")
        yield Static(id="files-result")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.meeting_id is None:
            self.meeting_id = self._meeting_below()
        self._show_where()
        self._show_meeting()
        self.query_one("#files-actions", OptionList).focus()

    @property
    def datadir(self):
        """The app's data folder."""
        return self.app.datadir

    def _meeting_below(self) -> str | None:
        for screen in reversed(self.app.screen_stack):
            if screen is self:
                continue
            meeting_id = getattr(screen, "meeting_id", None)
            if isinstance(meeting_id, str):
                return meeting_id
            highlighted = getattr(screen, "highlighted_id", None)
            if callable(highlighted):
                try:
                    return highlighted()
                except Exception:  # the list is being rebuilt: no meeting then
                    return None
        return None

    def _show_where(self) -> None:
        reason = getattr(self.app, "read_only_reason", None)
        state = f"読み取り専用({reason}): 書き出しとバックアップだけできます" if reason else "書き込み可"
        self.query_one("#files-where", Static).update(
            Content(f"データフォルダ: {visible(str(self.datadir.root))} ─ {state}")
        )

    def _show_meeting(self) -> None:
        line = self.query_one("#files-meeting", Static)
        if self.meeting_id is None:
            line.update(Content("対象の会議: なし(F3 と F6 は、一覧で会議を選ぶか会議を開いてから使います)"))
            return
        title = ""
        try:
            row = self.datadir.meeting_row(self.meeting_id)
        except StorageError:
            row = None
        if row:
            title = f" {visible(str(row.get('date', '')))} {visible(str(row.get('title', '')))}"
        state = ""
        try:
            self.datadir.load_meeting(self.meeting_id)
        except DamagedFileError:
            state = " ─ このファイルは読めません。F6 でバックアップから復元できます"
        except StorageError:
            state = " ─ 読めません"
        line.update(Content(f"対象の会議: {self.meeting_id}{title}{state}"))

    # -- messages ----------------------------------------------------------------
    def say(self, message: str, title: str, *, error: bool = False, timeout: float = 15) -> None:
        """Show a result: a notification, and the result line of the screen."""
        self.last_message = message
        if self.is_mounted:
            self.query_one("#files-result", Static).update(Content(message))
        self.notify(message, title=title, severity="error" if error else "information", timeout=timeout)

    # -- choosing an action -------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "files-actions":
            getattr(self, f"action_{event.option.id}")()
        elif event.option_list.id == "files-backups":
            index = event.option_index
            if 0 <= index < len(self.backups):
                self.ask_restore_backup(self.backups[index])

    def action_close(self) -> None:
        """Back to where the screen was opened."""
        self.dismiss(self.changed)

    # -- import ------------------------------------------------------------------------
    def action_import_file(self) -> None:
        """Ask for an interchange file and add its meeting."""
        default = f"{default_export_folder()}/"
        hint = "交換形式(JSON)のファイル。Enter で取り込む ・ Esc でやめる"
        self.app.push_screen(PathDialog("取り込むファイル", default, hint), self._import_chosen)

    def _import_chosen(self, value: str | None) -> None:
        if value:
            self.import_file(Path(value).expanduser())

    def import_file(self, path: Path) -> str | None:
        """Add the meeting of ``path``; its id, or ``None`` when refused (the message says why)."""
        try:
            meeting = read_interchange_file(path)
        except FilesError as error:
            self.say(error.message, "取り込みませんでした", error=True, timeout=30)
            return None
        try:
            with self.datadir.write_lock():
                meeting_id = self.datadir.add_meeting(meeting)
        except StorageError as error:
            self.say(error.message, "取り込みませんでした", error=True, timeout=30)
            return None
        self.changed = True
        self.say(f"会議を取り込みました。ID: {meeting_id}", "取り込み")
        return meeting_id

    # -- export ------------------------------------------------------------------------
    def _need_meeting(self) -> str | None:
        if self.meeting_id is None:
            self.say("会議が選ばれていません。一覧で会議を選ぶか、会議を開いてから使ってください。", "会議がありません", error=True)
        return self.meeting_id

    def action_export_json(self) -> None:
        """Ask where, then write the meeting as interchange JSON (as ``export ID --format json``)."""
        meeting_id = self._need_meeting()
        if meeting_id is None:
            return
        try:
            meeting = self.datadir.load_meeting(meeting_id)
        except StorageError as error:
            self.say(error.message, "書き出せません", error=True, timeout=30)
            return
        name = Path(default_file_name(meeting)).with_suffix(".json").name
        default = default_export_folder() / name
        self.app.push_screen(
            PathDialog("書き出すファイル(交換形式 JSON)", str(default), "UTF-8 で書き出します。Enter で決定 ・ Esc でやめる"),
            lambda value: save_where_chosen(self, value, name, self.export_json),
        )

    def export_json(self, path: Path) -> bool:
        """Write the meeting to ``path`` as interchange JSON; True if written."""
        meeting_id = self._need_meeting()
        if meeting_id is None or self._refuse_inside_data_folder(path):
            return False
        try:
            meeting = self.datadir.load_meeting(meeting_id)
        except StorageError as error:
            self.say(error.message, "書き出せません", error=True, timeout=30)
            return False
        try:
            data, _ = encode_export(dumps_meeting(meeting), "utf-8", "lf", None)
        except UnencodableError as error:
            self.say(error.message, "書き出せません", error=True, timeout=30)
            return False
        try:
            atomic_write_bytes(path, data, private=False)
        except OSError as error:
            self.say(
                f"「{path}」に書き出せませんでした({os_error_reason(error)})。書き込める場所を指定してください。",
                "書き出せません",
                error=True,
            )
            return False
        self.say(f"書き出しました: {path}", "書き出し")
        return True

    # -- backup ------------------------------------------------------------------------
    def action_backup(self) -> None:
        """Ask where, then write the whole data folder to a zip (as ``kaigiroku backup -o``)."""
        name = backup_zip_name(app_now(self.app))
        default = default_export_folder() / name
        self.app.push_screen(
            PathDialog("バックアップ(zip)の保存先", str(default), "Enter で保存 ・ Esc でやめる"),
            lambda value: save_where_chosen(self, value, name, self.backup),
        )

    def backup(self, path: Path) -> bool:
        """Write the backup zip; True if written (damaged files left out are named)."""
        if self._refuse_inside_data_folder(path):
            return False
        self._save_open_drafts()
        try:
            report = self.datadir.backup_zip(path)
        except StorageError as error:
            self.say(error.message, "バックアップできません", error=True, timeout=30)
            return False
        lines = [f"バックアップを保存しました: {path}({len(report.members)}ファイル)"]
        lines += [f"読めないため入れなかったファイル: {name}({reason})" for name, reason in report.skipped]
        self.say("\n".join(lines), "バックアップ", error=bool(report.skipped), timeout=30 if report.skipped else 15)
        return True

    # -- restore -----------------------------------------------------------------------
    def action_restore(self) -> None:
        """Ask for a backup zip (or a meeting backup .json), then restore from it after asking."""
        default = f"{default_export_folder()}/"
        hint = "kaigiroku のバックアップ(.zip)か、会議ファイルのバックアップ(.json)。Enter で決定 ・ Esc でやめる"
        self.app.push_screen(PathDialog("復元するバックアップ", default, hint), self._restore_chosen)

    def _restore_chosen(self, value: str | None) -> None:
        if value:
            self.ask_restore(Path(value).expanduser())

    def ask_restore(self, source: Path) -> None:
        """Check the backup, then ask before restoring from it."""
        if source.suffix.lower() != ".json":
            try:
                members = read_restore_zip(source)
            except StorageError as error:
                self.say(error.message, "復元できません", error=True, timeout=30)
                return
            question = (
                f"データフォルダを「{source}」の内容({zip_contents(members)})に戻します。\n"
                "今の会議ファイルは backups/ に、zipにない会議は trash/ に移して残します。"
                "zip にあるスタイルと keys.toml は zip のものになります(zip にないものはそのまま)。"
                "開いている会議はいったん閉じます。復元しますか。"
            )
        else:
            question = (
                f"会議を「{source}」の内容に戻します。今の会議ファイルは trash/ に移して残します。"
                "開いている会議はいったん閉じます。復元しますか。"
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self.restore(source)

        self.app.push_screen(Confirm(question, "復元の確認", "復元する"), answered)

    def restore(self, source: Path, meeting_id: str | None = None) -> bool:
        """Restore from a zip, or a meeting from a backup file (``meeting_id``: into that meeting).

        Open meetings are closed first and opened again afterwards. True if restored.
        """
        reopen = self._close_open_meetings()
        try:
            with self.datadir.write_lock():
                if meeting_id is not None:
                    message = self.datadir.restore_meeting_backup(source, meeting_id).message
                else:
                    message = self.datadir.restore(source)
        except StorageError as error:
            self.say(error.message, "復元できません", error=True, timeout=30)
            self._reopen(reopen, stay=True)
            return False
        self.changed = True
        self.say(message, "復元")
        self._reopen(reopen, stay=False)
        return True

    # -- a meeting's backups -------------------------------------------------------------
    def action_list_backups(self) -> None:
        """Show the meeting's backups, newest first, each readable or not."""
        meeting_id = self._need_meeting()
        if meeting_id is None:
            return
        try:
            self.backups = self.datadir.meeting_backups(meeting_id)
        except (OSError, ValueError):
            self.backups = []
        listing = self.query_one("#files-backups", OptionList)
        listing.clear_options()
        if not self.backups:
            self.say(f"会議「{meeting_id}」のバックアップはありません。", "バックアップ", error=True)
            return
        # Each backup is read and checked once (a 10,000-entry meeting's backup is megabytes of JSON).
        checks = [check_backup(path) for path in self.backups]
        for number, (path, (readable, what)) in enumerate(zip(self.backups, checks)):
            newest = "(最新)" if number == 0 else ""
            listing.add_option(
                Option(Content(f"{describe_backup(path)}{newest}  {what}  {path.name}"), disabled=not readable)
            )
        self.query_one("#files-backups-box").add_class("-shown")
        listing.highlighted = next((i for i, (readable, _) in enumerate(checks) if readable), None)
        listing.focus()

    def ask_restore_backup(self, backup: Path) -> None:
        """Ask, then put ``backup`` back as the meeting's file."""
        meeting_id = self.meeting_id
        if meeting_id is None:
            return
        question = (
            f"会議「{meeting_id}」を、{describe_backup(backup)} のバックアップ「{backup.name}」の内容に戻します。\n"
            "今の会議ファイルは(読めなくても)消さずに trash/ に移します。開いている会議はいったん閉じます。復元しますか。"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.restore(backup, meeting_id)

        self.app.push_screen(Confirm(question, "バックアップから復元", "復元する"), answered)

    # -- helpers -----------------------------------------------------------------------
    def _refuse_inside_data_folder(self, path: Path) -> bool:
        """A file the clerk asked for never goes into the data folder (it could replace a meeting)."""
        try:
            self.datadir.refuse_inside(path)
        except StorageError as error:
            self.say(error.message, "書き出せません", error=True)
            return True
        return False

    def _meeting_screens(self) -> list:
        return [s for s in self.app.screen_stack if s is not self and getattr(s, "store", None) is not None
                and callable(getattr(s, "close_meeting", None))]

    def _save_open_drafts(self) -> None:
        for screen in self._meeting_screens():
            save = getattr(screen, "save_draft", None)
            if callable(save):
                save()

    def _close_open_meetings(self) -> list[str]:
        """Close every open meeting (draft saved, store closed); their ids, to open again."""
        ids = []
        for screen in self._meeting_screens():
            screen.close_meeting()
            screen.store = None  # closed: nothing may be saved through it any more
            screen.read_only_reason = screen.read_only_reason or "復元のため閉じました"
            ids.append(screen.meeting_id)
        return ids

    def _reopen(self, meeting_ids: list[str], *, stay: bool) -> None:
        """After a restore: the meeting screens closed for it go, and their meetings open again.

        ``stay``: come back to this screen afterwards (the restore was refused).
        """
        if not meeting_ids:
            self._show_meeting()
            return
        app = self.app
        closed = next(
            screen for screen in app.screen_stack
            if getattr(screen, "meeting_id", None) in meeting_ids and screen is not self
        )

        async def reopen() -> None:
            # The screens from the lowest closed meeting up go (counted now: the dialog that
            # asked is gone by now). A meeting opened from the command line is the bottom
            # screen, which cannot be popped: the first meeting opened again replaces it.
            stack = app.screen_stack
            first = stack.index(closed)
            bottom = first == 0
            for _ in range(len(stack) - first - (1 if bottom else 0)):
                await app.pop_screen()
            for index, meeting_id in enumerate(meeting_ids):
                app.open_meeting(meeting_id, replace=bottom and index == 0)
            if stay:
                app.push_screen(FilesScreen(meeting_ids[-1]))

        app.call_later(reopen)
