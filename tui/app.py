"""The kaigiroku Textual app."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from minutes.safe_text import pasted
from storage import DataDir
from storage.errors import StorageError
from tui import kinsoku_wrap, overlay_text, paste_guard, read_only
from tui.clipboard import CopyResult, copy_text, pyperclip_copy
from tui.commands import Palette, ScreenCommands
from tui.key_order import KeyOrder

overlay_text.apply()  # notifications over the panes keep their full-width characters (textual#6357)
paste_guard.apply()  # a bracketed paste is text: escape sequences in it are never read as keys
kinsoku_wrap.apply()  # the entry bar breaks its lines with kinsoku, as the log does


def _is_one_line_field(widget: object) -> bool:
    """True for Textual's Input (not imported for this: until a screen uses one, nothing is an Input)."""
    module = sys.modules.get("textual.widgets._input")
    return module is not None and isinstance(widget, module.Input)


class KaigirokuApp(App):
    """Take the minutes of a council meeting, live, in the terminal.

    The app holds the data folder's write lock while it runs. When another
    copy holds it, the app still opens, read-only, and says so.
    """

    CSS_PATH = "kaigiroku.tcss"
    TITLE = "会議録"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("ctrl+q", "quit", "終了", priority=True, id="app.quit"),
        Binding("ctrl+p", "command_palette", "コマンド", show=False, priority=True, id="app.palette"),
    ]

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, (events.Key, events.Paste)):
            await super().on_event(event)
        elif event.is_forwarded:  # back from the widgets, for the bindings
            try:
                await super().on_event(event)
            finally:
                self.key_order.back_at_the_app(event)
        elif self.key_order.admit(event):  # else held until the keys before it are handled
            target = None
            try:
                target = await self._take_key_or_paste(event)
            finally:
                self.key_order.handed_to(event, target)

    async def _take_key_or_paste(self, event: events.Key | events.Paste):
        """Handle a key or a paste from the terminal; the widget it was handed to (None if taken here)."""
        # Tab in a form moves the focus the moment the key comes, before the keys typed after
        # it are handed to a widget: through the binding (run once the key has reached the
        # field), 'テスト委員会' Tab '場所X' typed fast gave the name テスト委員会場所X.
        if isinstance(event, events.Key) and event.key in ("tab", "shift+tab") and self._tab_moves_focus_now():
            event.stop()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
            return None
        if isinstance(event, events.Paste):
            self._prepare_paste(event)
        target = self.focused or self.screen  # where Textual hands it (if no priority binding takes it)
        await super().on_event(event)
        return target if event.is_forwarded else None

    def _tab_moves_focus_now(self) -> bool:
        """True when Tab would only move the focus: a one-line field has it and the screen gives Tab no other job."""
        from textual.widgets import Input

        if not isinstance(self.focused, Input):
            return False
        for node in self.focused.ancestors_with_self:
            for cls in type(node).__mro__:
                if cls.__module__.startswith("textual."):
                    continue  # Textual's own Tab is the focus move itself
                for binding in cls.__dict__.get("BINDINGS", ()):
                    if isinstance(binding, Binding) and {"tab", "shift+tab"} & set(binding.key.split(",")):
                        return False
        return True

    def __init__(
        self,
        data_dir: Path,
        meeting_id: str | None = None,
        *,
        take_lock: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.key_order = KeyOrder(self)
        """Keys and pastes handled one at a time, in typing order (see :mod:`tui.key_order`)."""
        self.copier = pyperclip_copy
        """How text reaches the system clipboard (tests replace it)."""
        self.clock = clock or datetime.now
        """The clock for times of entries and the header (tests freeze it)."""
        self.datadir = DataDir(Path(data_dir))
        self.start_meeting_id = meeting_id
        self.read_only_reason: str | None = None
        self.keys_remapped: dict[str, str] = {}
        """The clerk's keys from keys.toml, by binding id (what F1 and the palette show)."""
        if take_lock:
            try:
                self.datadir.acquire_lock()
            except StorageError as error:
                self.read_only_reason = read_only.LOCKED
                # -- a folder we cannot write is not "another copy" ------------------------------
                from storage.errors import DataDirLockedError

                if not isinstance(error, DataDirLockedError):
                    self.read_only_reason = read_only.UNWRITABLE
                self._lock_message = error.message
            else:
                self._lock_message = None
        else:
            self.read_only_reason = read_only.VIEW_ONLY
            self._lock_message = None

    # Textual's own words, in Japanese: the palette's search box, the theme picker,
    # and what ctrl+c says (it does not quit).
    def action_command_palette(self) -> None:
        """The command palette (ctrl+p), its search box in Japanese."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(placeholder="コマンドを検索…", id="--command-palette"))

    def search_themes(self) -> None:
        """The theme picker, its search box in Japanese."""
        from textual.theme import ThemeProvider

        self.push_screen(Palette(providers=[ThemeProvider], placeholder="テーマを検索…"))

    def action_help_quit(self) -> None:
        """ctrl+c does not quit: say which key does."""
        self.notify("終了するには ctrl+q を押してください(すべて保存してから終了します)。", title="終了しますか")


    def _prepare_paste(self, event: events.Paste) -> None:
        """Say what became of a paste's control characters; keep every line of it in a one-line field.

        The paste's control characters become symbols (:func:`minutes.safe_text.pasted`;
        the terminal's paste arrives so from :mod:`tui.paste_guard`), and the clerk is told. A one-line
        field (Textual's Input) would keep only the first line of a paste;
        there the lines are joined with a space instead, so no word is lost.
        """
        # The terminal's paste was cleaned before Textual's parser read it; a paste from
        # elsewhere (a driver without the parser, a test) is cleaned here the same way.
        event.text, more = pasted(event.text)
        replaced = getattr(event, "controls_replaced", 0) + more
        notes = []
        if replaced:
            notes.append(
                f"貼り付けた文章にあった制御文字 {replaced} 文字(ESC など)は、キーとしては扱わず、"
                "記号(␛ など)にして入れました。不要なら消してください。"
            )
        if "\n" in event.text and _is_one_line_field(self.focused):
            event.text = " ".join(event.text.split("\n"))
            notes.append("1行の欄なので、貼り付けた文章の改行は空白にしました。")
        if notes:
            self.notify("\n".join(notes), title="貼り付け", severity="warning", timeout=10)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("テーマを変える", "画面の配色を変えます", self.action_change_theme)
        yield SystemCommand("保存して終了", "すべて保存してから終了します(ctrl+q)", self.action_quit)

    def on_mount(self) -> None:
        if self._lock_message:
            self.notify(self._lock_message, title="読み取り専用で開きました", severity="warning", timeout=20)
        self._apply_keys_file()
        # The start screen is pushed once the app's mount is over, not inside it: Textual
        # holds every frame back while the app mounts (a batch update) yet still renders the
        # screen, and the frame it throws away is not drawn again until the next layout.
        # Pushed from here, the first frame is drawn once, whole (90 ms sooner). A meeting
        # named on the command line is the default screen instead (get_default_screen).
        if self.start_meeting_id is None:
            self.call_later(self._show_start_screen)
        elif self._start_error is not None:
            self.call_later(self._not_opened, self.start_meeting_id, self._start_error)

    _start_error: StorageError | None = None

    def _apply_keys_file(self) -> None:
        """Take the clerk's keys from keys.toml (Textual's keymap); say what could not be used."""
        from storage.keys_file import KeysFileError

        try:
            text = self.datadir.keys_text()
        except KeysFileError as error:
            self.notify(f"{error} 既定のキーのままにします。", title="keys.toml", severity="warning", timeout=20, markup=False)
            return
        if text is None:
            return  # no file: the default keys, and nothing more imported at start
        from screens.meeting import MeetingScreen
        from screens.meeting_list import MeetingListScreen
        from tui.keymap import known_bindings, parse_keys

        bindings = known_bindings(self.BINDINGS, MeetingScreen.BINDINGS)
        keymap, problems = parse_keys(text, bindings, elsewhere=MeetingListScreen.BINDINGS)
        self.keys_remapped = keymap
        self.set_keymap(keymap)
        if problems:
            self.notify("\n".join(problems), title="keys.toml", severity="warning", timeout=30, markup=False)

    def get_default_screen(self) -> Screen:
        """The first screen: the meeting named on the command line, when it opens.

        Made here, the meeting screen is the bottom of the stack and Textual draws it
        in the app's first frame, with no blank screen composed, styled and laid out
        before it. A meeting that does not open leaves a blank screen; the
        app's mount then says why (and offers a backup) as :meth:`open_meeting` does.
        """
        if self.start_meeting_id is not None:
            try:
                screen = self._meeting_screen(self.start_meeting_id)
            except StorageError as error:
                self._start_error = error
            else:
                # Textual gives every screen it pushes or switches to a result callback, and
                # switch_screen takes one off the screen it replaces; the default screen gets
                # none (textual#2650: switching away from it raised IndexError). Given one
                # here, the meeting screen is switched away from (to the list, or after a
                # restore) like a pushed one.
                screen._push_result_callback(screen, None)
                return screen
        return Screen(id="_default")

    def _show_start_screen(self) -> None:
        self.push_screen(self._new_list_screen())

    def _new_list_screen(self) -> Screen:
        """A fresh start screen (its module loads when first needed: ``open ID`` starts sooner)."""
        from screens.meeting_list import MeetingListScreen

        return MeetingListScreen(self._meeting_rows())

    def _meeting_rows(self) -> list[dict]:
        try:
            return self.datadir.list_meetings()
        except StorageError as error:
            self.notify(error.message, title="一覧を読めません", severity="error", timeout=20)
            return []

    def open_meeting(
        self,
        meeting_id: str,
        entry_uid: str | None = None,
        *,
        item_index: int | None = None,
        replace: bool = False,
        details: bool = False,
    ) -> None:
        """Show one meeting for taking minutes (or read-only when the folder is not ours).

        ``entry_uid`` (search): select that entry in the log once the screen is up.
        ``item_index`` (search, a hit on an item's title): make that item current, its heading at the top.
        ``replace``: the meeting takes the place of the screen on top instead of going over it.
        ``details``: open the meeting's details form over it (from the list of meetings).
        """
        try:
            screen = self._meeting_screen(meeting_id)
        except StorageError as error:
            self._not_opened(meeting_id, error)
            return
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        # -- open at an entry (search) ----------------------------------------------------
        if entry_uid is not None:
            self.call_after_refresh(self._when_log_ready, screen, lambda: self._select_entry(screen, entry_uid))
        elif item_index is not None:
            self.call_after_refresh(self._when_log_ready, screen, lambda: screen.go_to_item(item_index))
        if details:
            self.call_after_refresh(screen.action_meeting_details)

    def _meeting_screen(self, meeting_id: str) -> Screen:
        """The minute-taking screen of a meeting, its file open (raises :class:`StorageError`)."""
        store = None
        if self.read_only_reason is None:
            store = self.datadir.open_meeting(meeting_id)
            meeting = store.meeting
        else:
            meeting = self.datadir.load_meeting(meeting_id)
        from screens.meeting import MeetingScreen  # only when a meeting opens: the list starts faster

        return MeetingScreen(
            meeting,
            meeting_id,
            store=store,
            datadir=self.datadir if store is not None else None,
            read_only_reason=self.read_only_reason,
            settings_loader=lambda: self._committee_settings(meeting),
        )

    def _nothing_shown(self) -> bool:
        """True while only the blank first screen is up (a meeting named on the command line did not open)."""
        return not self.screen_stack or type(self.screen) is Screen

    def _not_opened(self, meeting_id: str, error: StorageError) -> None:
        """Say why a meeting did not open (a damaged one offers its newest backup)."""
        # -- a damaged meeting offers its newest backup -------------------------------------
        if self.offer_restore(meeting_id, error):
            return
        self.notify(error.message, title="開けません", severity="error", timeout=20)
        if self._nothing_shown():
            self.push_screen(self._new_list_screen())

    def _committee_settings(self, meeting):
        """The stock phrases and F6–F9 speakers of the meeting's committee (built-ins without one)."""
        from minutes.committee import committee_for_meeting, phrases_for, speaker_keys_for

        try:
            committee = committee_for_meeting(self.datadir.committees(), meeting)
        except StorageError as error:
            self.notify(error.message, title="会議体の設定を読めません", severity="warning", timeout=15)
            committee = None
        return phrases_for(committee), speaker_keys_for(meeting, committee)

    def show_meeting_list(self) -> None:
        """Back to the list of meetings (the meeting screen closes its file first)."""
        from screens.meeting_list import MeetingListScreen

        if len(self.screen_stack) > 1 and isinstance(self.screen_stack[-2], MeetingListScreen):
            self.pop_screen()
        else:
            self.switch_screen(self._new_list_screen())

    def _when_log_ready(self, screen, then: Callable[[], None], tries: int = 0) -> None:
        """Run ``then`` once a newly opened meeting's log is laid out (after the screen's own scrolling)."""
        if not screen.is_mounted or screen.log_view.row_count == 0:
            if tries < 20 and screen.is_attached:
                self.call_after_refresh(self._when_log_ready, screen, then, tries + 1)
            return
        then()

    def _select_entry(self, screen, entry_uid: str) -> None:
        """Select an entry in a newly opened meeting's log and show it."""
        found = screen.meeting.find_entry(entry_uid)
        if found is None:
            return
        item, entry_index = found
        item_index = screen.current_index_of(item)
        log = screen.log_view
        log.focus()
        log.cursor = (item_index, entry_index)
        log.call_after_refresh(log.scroll_to_entry, item_index, entry_index)

    # -- restore a damaged meeting from its newest backup --------------------------------------
    def offer_restore(self, meeting_id: str, error: StorageError) -> bool:
        """Ask to restore a meeting that cannot be read from its newest backup; True if asked.

        Only for a damaged (or newer-version) file that has a backup, in a copy
        that holds the data folder. Yes: the file goes to ``trash/`` (never
        deleted), the backup takes its place, and the meeting opens.
        """
        from screens.confirm import Confirm
        from storage.errors import DamagedFileError

        backup = getattr(error, "backup", None)
        if not isinstance(error, DamagedFileError) or backup is None or self.read_only_reason is not None:
            return False
        if self._nothing_shown():
            self.push_screen(self._new_list_screen())

        def answered(yes: bool | None) -> None:
            if not yes:
                self.notify(error.message, title="開けません", severity="error", timeout=20)
                return
            try:
                restored = self.datadir.restore_meeting_backup(backup, meeting_id)
            except StorageError as failure:
                self.notify(
                    f"{failure.message}\nほかのバックアップは、一覧のファイル画面(会議のバックアップ)から選べます。",
                    title="復元できません",
                    severity="error",
                    timeout=30,
                )
                return
            self.notify(
                f"{restored.message}読めなかったファイルは trash/ に移してあります。",
                title="復元しました",
                timeout=15,
            )
            self.open_meeting(meeting_id)

        self.push_screen(
            Confirm(
                f"{error.message}\n\n最新のバックアップから復元して開きますか。"
                "読めないファイルは消さずに trash/ に移します。",
                title="会議ファイルを読めません",
                yes="復元して開く",
            ),
            answered,
        )
        return True


    def copy_text(self, text: str, fallback_file: Callable[[], Path]) -> CopyResult:
        """Copy text for the clerk: pyperclip, else OSC 52, else a file (see :mod:`tui.clipboard`)."""
        return copy_text(self, text, fallback_file, copier=self.copier)

    def flush_everything(self) -> None:
        """Put what is still only in memory (the draft, the index row) on disk."""
        for screen in self.screen_stack:
            if hasattr(screen, "close_meeting"):  # a MeetingScreen
                screen.close_meeting()

    async def action_quit(self) -> None:
        """Save everything, release the folder, quit."""
        self.flush_everything()
        self.exit()

    def release(self) -> None:
        """Give the data folder back to other copies (after the app has ended)."""
        self.datadir.release_lock()
