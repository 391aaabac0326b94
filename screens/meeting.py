"""The minute-taking screen: agenda (議事), speaker log (発言), vote tally (採決) and the entry bar.

The clerk types in the entry bar; Enter commits the text as an entry of the
current item by the current speaker. The entry is saved to disk (atomically,
by the storage layer) *before* it shows in the log; if the save fails the
text stays in the bar and a message says what to do.

Every key the clerk needs while typing works with a Japanese IME on: function
keys, Enter, Tab and ctrl/alt combinations. Bindings carry ids, so users can
remap them (keys.toml in the data folder, read by :mod:`tui.keymap`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList

import tui.read_only as read_only
from minutes.meeting_settings import export_defaults, meeting_quorum, meeting_rule
from minutes.model import (
    APPROVE,
    EVENT_RECESS,
    EVENT_RESUME,
    METHOD_HANDS,
    METHOD_ROLL,
    Event,
    Meeting,
    Note,
    Speech,
    Vote,
)
from minutes.speakers import MEMBER_UNNAMED, SECRETARIAT, SpeakerRef, chair, departments, display, vice_chair
from minutes.votes import chair_title, decide, is_tie, tally, tally_counts
from storage.errors import StorageError, user_message
from tui.clock import app_now
from tui.heap import collect_garbage_if_due, forget_closed_screens, settle_heap
from tui.keymap import bound_keys
from tui.widgets.agenda import AgendaPane
from tui.widgets.entry_bar import EntryBar, EntryText
from tui.widgets.key_bar import KeyBar
from tui.widgets.meeting_header import MeetingHeader
from tui.widgets.speaker_log import SpeakerLog
from tui.widgets.vote_pane import VotePane

if TYPE_CHECKING:  # imported when first used: the first frame does not wait for them
    from minutes.editing import Change, LogEditor
    from minutes.phrases import Phrase

#: Seconds of quiet typing after which the draft is saved.
DRAFT_DELAY = 0.5
#: Seconds after the meeting's first frame at which what the first save needs is imported.
WARM_UP_DELAY = 0.5
#: Seconds without a change or a keystroke in the bar after which a journal that is nearly
#: due is folded into the meeting file (:meth:`MeetingStore.fold_soon`).
FOLD_DELAY = 2.0


def speaker_key_number(action: str) -> int | None:
    """The key number of a ``speaker_key(N)`` action (F2–F9), else ``None``."""
    if action.startswith("speaker_key(") and action.endswith(")"):
        return int(action[len("speaker_key(") : -1])
    return None


class MeetingScreen(Screen):
    """Take the minutes of one meeting."""

    BINDINGS = [
        # The selected entry's keys, first in the key bar: shown, and working, only while the
        # log has focus with an entry selected (check_action). ctrl+n: laptops without Insert.
        Binding("delete", "delete_entry", "削除", id="log.delete"),
        Binding("ctrl+n,insert", "insert_before", "前に挿入", id="log.insert"),
        Binding("ctrl+up", "move_entry(-1)", "上へ", id="log.up", show=False),
        Binding("ctrl+down", "move_entry(1)", "下へ", id="log.down", show=False),
        Binding("ctrl+right", "move_to_item", "別の議事へ", id="log.move"),
        Binding("ctrl+e", "entry_time", "時刻", id="log.time"),
        Binding("f1", "help", "ヘルプ", id="help"),
        Binding("f2", "speaker_key(2)", "会長", id="speaker.chair", priority=True),
        Binding("f3", "speaker_key(3)", "委員", id="speaker.member", priority=True),
        Binding("f4", "speaker_key(4)", "担当課", id="speaker.department", priority=True),
        Binding("f5", "speaker_key(5)", "事務局", id="speaker.secretariat", priority=True),
        Binding("f6", "speaker_key(6)", "F6", id="speaker.f6", show=False, priority=True),
        Binding("f7", "speaker_key(7)", "F7", id="speaker.f7", show=False, priority=True),
        Binding("f8", "speaker_key(8)", "F8", id="speaker.f8", show=False, priority=True),
        Binding("f9", "speaker_key(9)", "F9", id="speaker.f9", show=False, priority=True),
        Binding("tab", "pick_speaker", "発言者", id="speaker.pick"),
        Binding("f10,ctrl+t", "phrases", "定型文", id="phrases"),
        Binding("ctrl+o", "append_paragraph", "前の発言に追記", id="entry.append", show=False),
        Binding("f12", "start_vote", "採決", id="vote.start"),
        Binding("ctrl+r", "approve_all", "全員承認", id="vote.approve_all"),
        Binding("alt+down,ctrl+pagedown", "next_item", "次の議事", id="item.next"),
        Binding("alt+up,ctrl+pageup", "previous_item", "前の議事", id="item.previous"),
        Binding("ctrl+l", "focus_log", "発言一覧", id="log.focus"),
        Binding("ctrl+s", "export", "書き出し", id="export"),
        # A note (a line no one speaks), a recess and its resumption, and votes not taken by
        # roll call: alt+letter, which an IME leaves alone (a terminal sends ESC+letter). After
        # the keys above, so that the key bar drops these first on a narrow terminal.
        Binding("alt+n", "commit_note", "注記", id="entry.note"),
        Binding("alt+r", "add_event('休憩')", "休憩", id="event.recess"),
        Binding("alt+e", "add_event('再開')", "再開", id="event.resume"),
        Binding("alt+h", "vote_by_method('hands')", "挙手・起立", id="vote.hands"),
        Binding("alt+o", "vote_at_once('no_objection')", "異議なし", id="vote.no_objection", show=False),
        Binding("alt+c", "vote_at_once('consensus')", "全会一致", id="vote.consensus", show=False),
        Binding("alt+m", "edit_record", "資料・署名・公開", id="record.edit", show=False),
        Binding("alt+s", "attendance", "出欠", id="attendance", show=False),
        Binding("alt+k", "edit_agenda", "会次第の編集", id="agenda.edit", show=False),
        Binding("alt+l", "to_list", "会議の一覧へ", id="list", show=False),
        Binding("alt+d", "meeting_details", "会議の情報(日時・場所・回数・題名)", id="meeting.details", show=False),
        Binding("ctrl+b", "set_start", "開会", id="clock.start", show=False),
        Binding("ctrl+g", "set_end", "閉会", id="clock.end", show=False),
        Binding("ctrl+z", "undo", "元に戻す(入力欄に文字があれば入力、空なら記録)", id="undo", show=False),
        Binding("ctrl+y", "redo", "やり直す", id="redo", show=False),
        Binding("escape", "back_to_entry", "入力へ", id="entry.focus", show=False),
    ]

    #: Actions on the selected entry of the log (see check_action).
    _LOG_ACTIONS = frozenset({"delete_entry", "insert_before", "move_entry", "move_to_item", "entry_time"})

    #: Textual's Screen repaints every widget of the screen when the focus moves (its
    #: ``focused`` is a repainting reactive): tens of milliseconds after a vote is recorded
    #: and the bar takes the focus back. The widgets whose look depends on the focus
    #: (the panes' borders, the cursor, the key bar) redraw themselves when it moves.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    #: Keys that work on the selected entry while the log has focus.
    LOG_KEYS = [
        ("Enter", "選んだ発言を編集(採決なら採決欄で、休憩・再開なら時刻を、注記なら文を変更)"),
        ("F2〜F9 / Tab", "選んだ発言の発言者を変える"),
        ("Delete", "選んだ発言を削除"),
        ("Insert / ctrl+n", "選んだ発言の前に発言を挿入"),
        ("ctrl+↑ / ctrl+↓", "選んだ発言を上下に移動"),
        ("ctrl+→", "選んだ発言を別の議事へ移動"),
        ("ctrl+e", "選んだ発言の時刻を直す"),
        ("Esc", "入力欄へ戻る"),
    ]

    def __init__(
        self,
        meeting: Meeting,
        meeting_id: str,
        *,
        store=None,
        datadir=None,
        read_only_reason: str | None = None,
        settings_loader: Callable[[], tuple[list[Phrase], dict[int, SpeakerRef]]] | None = None,
    ) -> None:
        super().__init__()
        self.meeting = meeting
        self.meeting_id = meeting_id
        self.store = store
        self.datadir = datadir
        self.read_only_reason = read_only_reason if store is not None else (read_only_reason or read_only.VIEW_ONLY)
        if meeting.is_final and self.read_only_reason is None:
            self.read_only_reason = read_only.FINAL
        self._phrases: list[Phrase] | None = None
        self._speaker_keys: dict[int, SpeakerRef] | None = None
        #: Reads the committee's stock phrases and F6–F9 speakers: after the first frame
        #: (they live in the library file, which the first frame does not need), or when
        #: F6–F10 is pressed first.
        self._settings_loader = settings_loader
        self.speaker = chair(meeting)
        self._department_cycle = 0
        self._draft_timer = None
        self._fold_timer = None
        self._saved_draft: tuple = ("",)
        self._agenda_pending: set[int] = set()
        #: What waits for the frame that shows the last change of the log (see _after_change_shown).
        self._change_followups: list[Callable[[], object]] = []
        self._followup_timer = None  # the timer that runs them when the log draws nothing

    # -- layout --------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield MeetingHeader(self.meeting, id="meeting-header")
        with Horizontal(id="panes"):
            # The panes carry their own border and title (a container
            # around each cost the first frame about 5 ms of styling and drawing).
            agenda = AgendaPane(self.meeting, id="agenda", classes="pane")
            agenda.border_title = "議事"
            yield agenda
            log = SpeakerLog(self.meeting, id="log", classes="pane")
            log.border_title = "発言"
            yield log
            votes = VotePane(
                self.meeting,
                id="votes",
                classes="pane",
                rule=meeting_rule(self.meeting),
                quorum=meeting_quorum(self.meeting),
            )
            votes.border_title = "採決"
            yield votes
        bar = EntryBar(id="entry-bar")
        if self.read_only:
            bar.add_class("-readonly")
            bar.display = False
        yield bar
        yield KeyBar()

    @property
    def phrases(self) -> list[Phrase]:
        """The stock phrases of F10 (the committee's, else the built-in set)."""
        self._load_settings()
        return self._phrases

    @property
    def speaker_keys(self) -> dict[int, SpeakerRef]:
        """The speakers of F6–F9 from the committee (key number → speaker)."""
        self._load_settings()
        return self._speaker_keys

    def _load_settings(self) -> None:
        """The committee's phrases and F6–F9 speakers, read once (built-ins without a loader)."""
        if self._phrases is not None:
            return
        loader, self._settings_loader = self._settings_loader, None
        if loader is not None:
            phrases, keys = loader()
            self._phrases, self._speaker_keys = list(phrases), dict(keys)
        else:
            from minutes.phrases import BUILTIN_PHRASES

            self._phrases, self._speaker_keys = list(BUILTIN_PHRASES), {}
        from minutes.phrases import with_stock_notes

        self._phrases = with_stock_notes(self._phrases)

    _editor: LogEditor | None = None

    @property
    def editor(self) -> LogEditor:
        """Changes to the log, with undo (made at the first change: the first frame does not wait for it)."""
        if self._editor is None:
            from minutes.editing import LogEditor

            self._editor = LogEditor(self.meeting)
        return self._editor

    @property
    def read_only(self) -> bool:
        """True when nothing may be changed (final minutes, or another copy holds the folder)."""
        return self.read_only_reason is not None

    def on_mount(self) -> None:
        # After the first frame: the committee's settings, and the collector kept off
        # the meeting's objects (the frame comes first).
        self.call_after_refresh(self._after_first_frame)
        self._update_speaker()
        self._name_the_chair_key()
        self._show_item(self._initial_item())
        if self.read_only:
            self.query_one(SpeakerLog).focus()
            self.notify(read_only.refusal(self.read_only_reason, "閲覧だけできます"), title="読み取り専用", timeout=8)
        else:
            entry = self.query_one(EntryText)
            # ctrl+z / ctrl+y too: the TextArea's own bindings would take them before the screen's.
            entry.key_handlers = {
                "enter": self._commit_from_bar,
                "ctrl+o": self.action_append_paragraph,
                "ctrl+z": self.action_undo,
                "ctrl+y": self.action_redo,
            }
            entry.focus()
            self._restore_draft()
        log = self.query_one(SpeakerLog)
        log.call_after_refresh(log.scroll_to_bottom)

    _heap_settled = False

    def _after_first_frame(self) -> None:
        self._load_settings()
        self._show_recess()
        if not self.read_only:
            # What the first Enter and the first edit would import (about 40 ms), a moment
            # after the meeting is shown (not before its log is drawn), while the clerk reads it.
            self.set_timer(WARM_UP_DELAY, self._warm_up)
        self._heap_settled = True
        settle_heap()

    def _warm_up(self) -> None:
        from storage.meetings import prepare_saves

        prepare_saves()
        _ = self.editor

    def on_speaker_log_laid_out(self, event: SpeakerLog.LaidOut) -> None:
        # The log's index of every entry (tens of thousands of objects) is made
        # when it is first laid out: keep the collector off it too. Before the
        # first frame, _after_first_frame does that (the frame comes first).
        event.stop()
        if self._heap_settled:
            settle_heap()

    def on_speaker_log_entry_drawn(self, event: SpeakerLog.EntryDrawn) -> None:
        event.stop()
        self._run_after_change_shown()
        collect_garbage_if_due()

    def _after_change_shown(self, callback: Callable[..., object], *args: object) -> None:
        """Run ``callback`` once the frame that shows a change of the log is out.

        For what the change does not need in its own frame (an item's count in
        the agenda, which draws its whole list again; a notice, which lays the
        screen out). Textual's ``call_after_refresh`` can run before that frame
        (when the screen idles before the widgets' repaints reach it); the log
        says when it drew the change (``EntryDrawn``). A change the log does not
        draw (out of view) gets its follow-up a moment later all the same.
        """
        if not self._change_followups:
            self._followup_timer = self.set_timer(0.25, self._run_after_change_shown)
        self._change_followups.append(partial(callback, *args))

    def _run_after_change_shown(self) -> None:
        if self._followup_timer is not None:
            self._followup_timer.stop()
            self._followup_timer = None
        followups, self._change_followups = self._change_followups, []
        for followup in followups:
            followup()

    def _initial_item(self) -> int:
        """The item to start on: the last item that has entries."""
        for index in range(len(self.meeting.agenda) - 1, -1, -1):
            if self.meeting.agenda[index].log:
                return index
        return 0

    # -- helpers ---------------------------------------------------------------
    @property
    def log_view(self) -> SpeakerLog:
        """The speaker log widget."""
        return self.query_one(SpeakerLog)

    @property
    def bar(self) -> EntryBar:
        """The entry bar."""
        return self.query_one(EntryBar)

    @property
    def current_index(self) -> int:
        """Index of the current agenda item."""
        return self.query_one(AgendaPane).current

    @property
    def current_item(self):
        """The current agenda item (``None`` for an empty agenda)."""
        agenda = self.meeting.agenda
        return agenda[self.current_index] if agenda else None

    def _refuse_if_read_only(self) -> bool:
        if self.read_only:
            self.notify(read_only.refusal(self.read_only_reason, "変更はできません"), severity="warning")
            return True
        return False

    def _save_items(self, change: Change, appended=None, *, undone: bool = False) -> bool:
        """Save a change (to the journal: the size of the change); on failure say why and return False.

        ``appended`` (item, entry) marks a change that only added an entry at
        the end of an item (Enter); ``undone`` saves the undo of ``change``.
        """
        if self.store is None:
            return True
        try:
            if appended is not None:
                self.store.append_entry(*appended)
            elif change.header is not None and not change.splices:
                self.store.save_header()
            else:
                self.store.save_change(change.splices, undone=undone)
        except (StorageError, OSError) as error:
            self._say_not_saved(error)
            return False
        self._fold_later()
        self._say_follow_up_failed("発言は保存しました。ただし: ")
        return True

    def _say_follow_up_failed(self, saved: str = "") -> None:
        """Tell the clerk when the backup or the list update after a save failed (the save itself held)."""
        secondary = getattr(self.store, "secondary_error", None)
        if secondary is not None:
            self.store.secondary_error = None
            self.notify(f"{saved}{secondary.message}", title="バックアップまたは一覧の更新", severity="warning", timeout=12)

    def _commit_change(self, change: Change | None, appended=None) -> bool:
        """Save a change made by the editor, or roll it back if saving fails."""
        if change is None:
            return False
        if not self._save_items(change, appended):
            self.editor.rollback(change)
            self._refresh_views()
            return False
        if appended is not None:
            # The common case, Enter: only one block of the log and one agenda line change.
            index = self.meeting.agenda.index(appended[0])
            self.log_view.entry_appended(index)
            self._agenda_counts_later(index)
            if isinstance(appended[1], Vote):
                self._show_last_vote()
            elif isinstance(appended[1], Event):
                self._show_recess()
        else:
            self._show_change(change)
        return True

    def _show_change(self, change: Change, *, undone: bool = False) -> None:
        """Show a change (or its undo) in the log and the agenda: only the entries it touched."""
        if change.header is not None:
            self.query_one(MeetingHeader).refresh()
        by_item: dict[str, list] = {}
        for splice in change.splices:
            by_item.setdefault(splice.item_id, []).append(splice)
        where = {item.id: index for index, item in enumerate(self.meeting.agenda)}
        if any(item_id not in where or len(splices) > 1 for item_id, splices in by_item.items()):
            self._refresh_views()
            return
        for item_id, (splice,) in by_item.items():
            gone, put = (splice.inserted, splice.removed) if undone else (splice.removed, splice.inserted)
            self.log_view.entries_replaced(where[item_id], splice.start, len(gone), len(put))
            self._agenda_counts_later(where[item_id])
        touched = [entry for splice in change.splices for entry in (*splice.removed, *splice.inserted)]
        if any(isinstance(entry, Vote) for entry in touched):
            self._show_last_vote()
        if any(isinstance(entry, Event) for entry in touched):
            self._show_recess()

    def _notify_after_frame(self, message: str) -> None:
        """Say what was done once the frame that shows it is out (a notice costs a layout of the screen)."""
        self._after_change_shown(self.notify, message)

    def _agenda_counts_later(self, index: int) -> None:
        """Update an item's entry count in the agenda pane in the frame after the entry's own
        (not in Enter's frame, which stays as small as it can; a timer of a second showed 0件
        beside a visible speech)."""
        waiting = bool(self._agenda_pending)
        self._agenda_pending.add(index)
        if waiting:
            return

        def update() -> None:
            pane = self.query_one(AgendaPane)
            for changed in sorted(self._agenda_pending):
                pane.update_item(changed)
            self._agenda_pending.clear()

        self._after_change_shown(update)

    def _refresh_views(self) -> None:
        self.query_one(MeetingHeader).refresh()
        self._name_the_chair_key()
        self.log_view.rebuild()
        self.query_one(AgendaPane).rebuild()
        self._show_last_vote()
        self._show_recess()

    def _name_the_chair_key(self) -> None:
        """The key bar calls F2 by the chair's title (委員長, 議長 …), not always 会長."""
        self.query_one(KeyBar).descriptions = {"speaker.chair": chair_title(self.meeting.people)}

    def _show_recess(self) -> None:
        """休憩中 in the header while the last 休憩 has no 再開 after it."""
        self.query_one(MeetingHeader).in_recess = self.meeting.in_recess

    def on_unmount(self) -> None:
        # Closed, the screen must not stay reachable from the app (and the meeting with it).
        self.app.call_later(forget_closed_screens, self.app)

    def close_meeting(self) -> None:
        """Save the draft and close the meeting file (its index row is refreshed)."""
        self.save_draft()
        if self.store is not None:
            try:
                self.store.close()
            except (StorageError, OSError) as error:
                self._say_not_saved(error, title="会議一覧を更新できませんでした", severity="warning")
            else:
                if self.store.secondary_error is not None:
                    # Everything is on disk (the journal stays and is folded in at the next open).
                    self.notify(self.store.secondary_error.message, title="閉じるときの整理", severity="warning")

    # -- speakers --------------------------------------------------------------
    def _update_speaker(self) -> None:
        self.bar.speaker = display(self.meeting, self.speaker)
        if self.bar.text:
            self._draft_later()  # the draft keeps whom it is typed for

    def speaker_for_key(self, number: int) -> SpeakerRef | None:
        """The speaker a function key stands for (F2 chair … F9)."""
        if number == 2:
            return chair(self.meeting)
        if number == 3:
            return MEMBER_UNNAMED
        if number == 4:
            item = self.current_item
            if item is None or not item.departments:
                return None  # not another item's department without a word (action_speaker_key says so)
            refs = departments(self.meeting, item)
            if self.speaker in refs:
                index = (refs.index(self.speaker) + 1) % len(refs)
            else:
                index = 0
            return refs[index]
        if number == 5:
            return SECRETARIAT
        if number in self.speaker_keys:
            return self.speaker_keys[number]
        if number == 6:
            return vice_chair(self.meeting)
        return None

    def speaker_key_label(self, number: int) -> str | None:
        """Whom F{number} sets now, as the entry bar shows them, or ``None`` for nobody."""
        ref = self.speaker_for_key(number)
        return display(self.meeting, ref) if ref is not None else None

    def action_speaker_key(self, number: int) -> None:
        """Set the current speaker (or, in the log, the selected entry's speaker)."""
        ref = self.speaker_for_key(number)
        if ref is None and number == 4:
            self.notify(
                "この議事には担当課が決められていません(会次第の編集 alt+k で決められます)。一覧から選んでください。",
                severity="warning",
            )
            self.action_pick_speaker()
            return
        if ref is None:
            self.notify(f"F{number} に発言者が割り当てられていません。Tab で一覧から選べます。", severity="warning")
            return
        if self.focused is self.log_view and self.log_view.cursor is not None:
            self._change_selected_speaker(ref)
            return
        self.speaker = ref
        self._update_speaker()

    def action_pick_speaker(self) -> None:
        """Choose the speaker from everyone present."""

        def chosen(ref) -> None:
            if ref is None:
                return
            if isinstance(ref, NewPerson):
                ref = self._add_person(ref.person)
                if ref is None:
                    return
            if self.focused is self.log_view and self.log_view.cursor is not None:
                self._change_selected_speaker(ref)
            else:
                self.speaker = ref
                self._update_speaker()

        from screens.speaker_picker import NewPerson, SpeakerPicker  # dialogs load when first used

        self.app.push_screen(SpeakerPicker(self.meeting, self.current_item), chosen)

    def _add_person(self, person) -> SpeakerRef | None:
        """Add someone to the attendance list (saved); their speaker, or ``None`` if it could not be saved."""
        before = self.meeting.people
        self.meeting.people = [*before, person]
        if not self._save_parts("save_people"):
            self.meeting.people = before
            return None
        self.query_one(VotePane).refresh(layout=True)
        self.notify(f"{display(self.meeting, SpeakerRef(speaker_id=person.id))}を出席者に加えました(出欠は alt+s)。")
        return SpeakerRef(speaker_id=person.id)

    def _change_selected_speaker(self, ref: SpeakerRef) -> None:
        found = self._selected_for_change()
        if found is None:
            return
        item, index, entry = found
        if not isinstance(entry, Speech):
            self.notify("発言でない記録(採決・注記・休憩など)の発言者は変えられません。", severity="warning")
            return
        new = dataclasses.replace(entry, speaker_id=ref.speaker_id, label=ref.label, uid=entry.uid)
        self._commit_change(self.editor.replace(item.id, index, new, "発言者の変更"))

    # -- entry -------------------------------------------------------------------
    def _commit_from_bar(self) -> None:
        """Enter in the entry bar: commit what it holds (called in typing order, see EntryText.key_handlers)."""
        self.commit_text(self.bar.text)

    def commit_text(self, text: str) -> bool:
        """Commit the bar's text as a new entry of the current item; True if saved."""
        if self._refuse_if_read_only():
            return False
        item = self.current_item
        if item is None:
            self.notify("議事がありません。先に会次第に議事を加えてください。", severity="warning")
            return False
        if not text.strip():
            self.app.bell()
            return False
        entry = self.speaker.speech(text, self._entry_time())
        if not self._commit_change(self.editor.add(item.id, entry), appended=(item, entry)):
            return False
        self._take_from_bar(text)
        self.log_view.scroll_to_entry(self.current_index, len(item.log) - 1)
        return True

    def _add_entry(self, entry) -> bool:
        """Put a new entry at the end of the current item, through the same save as Enter."""
        if self._refuse_if_read_only():
            return False
        item = self.current_item
        if item is None:
            self.notify("議事がありません。先に会次第に議事を加えてください。", severity="warning")
            return False
        if not self._commit_change(self.editor.add(item.id, entry), appended=(item, entry)):
            return False
        self.log_view.scroll_to_entry(self.current_index, len(item.log) - 1)
        return True

    def action_commit_note(self) -> None:
        """Record the bar's text as a note (a line no one speaks), not as a speech."""
        self.commit_note(self.bar.text)

    def commit_note(self, text: str, *, from_bar: bool = True) -> bool:
        """Record ``text`` as a note: one line, without the brackets (the export adds them)."""
        if from_bar and self._refuse_if_read_only():
            return False
        line = " ".join(part.strip() for part in text.splitlines() if part.strip())
        if line[:1] in "(（" and line[-1:] in ")）" and len(line) > 2:
            line = line[1:-1].strip()  # typed with its brackets: the style prints them
        if not line:
            self.app.bell()
            return False
        if not self._add_entry(Note(line, app_now(self.app).strftime("%H:%M:%S"))):
            return False
        if from_bar:
            self._take_from_bar(text)
        self.notify(f"注記を記録しました: ({line})")
        return True

    def action_add_event(self, kind: str) -> None:
        """休憩 or 再開 at the time now (Enter on it in the log changes the time)."""
        if kind == EVENT_RECESS and self.meeting.in_recess:
            self.notify("休憩中です。再開は alt+e です。", severity="warning")
            return
        if kind == EVENT_RESUME and not self.meeting.in_recess:
            self.notify("休憩していません。休憩は alt+r です。", severity="warning")
            return
        time = app_now(self.app).strftime("%H:%M")
        if self._add_entry(Event(kind, time)):
            self.notify(f"{time} {kind}を記録しました(時刻は一覧で Enter を押すと直せます)。")

    def _vote_rule(self) -> str:
        return self.query_one(VotePane).rule

    def action_vote_by_method(self, method: str = METHOD_HANDS) -> None:
        """A show of hands, standing or a secret ballot: counts or what the chair saw, and the result words."""
        if self._refuse_if_read_only():
            return
        from screens.vote_method import VoteMethodDialog

        voters = len(self.meeting.voters_at(self._now_hhmm()))
        self.app.push_screen(
            VoteMethodDialog(method, voters), lambda given: self._after_dialog(self._record_vote_input(given, None))
        )

    def action_vote_at_once(self, method: str) -> None:
        """異議なし or 全会一致: recorded at once as 承認 (Enter on it in the log adds the words)."""
        if self._refuse_if_read_only():
            return
        from screens.vote_method import VoteInput

        self._record_vote_input(VoteInput(method=method, result=APPROVE), None)

    def _record_vote_input(self, given, editing_uid: str | None, chair_decides: str | None = None) -> None:
        """Record a vote from the method dialog (or a one-key vote): the counts decide under the rule."""
        if given is None:
            return
        rule = self._vote_rule()
        result = given.result
        if given.counts is not None:
            counts = tally_counts(given.counts)
            if is_tie(rule, counts) and chair_decides is None:
                from screens.chair_decision import ChairDecision

                text = f"賛成{counts.approve}・反対{counts.disapprove}・保留{counts.abstain}"
                self.app.push_screen(
                    ChairDecision(text, chair_title(self.meeting.people)),
                    lambda decided: decided is not None and self._record_vote_input(given, editing_uid, decided),
                )
                return
            result = decide(rule, counts, chair_decides)
            if result != given.result:
                self.notify(f"人数から、結果は「{result}」です({'可否同数のため裁決' if chair_decides else '採決の規則による'})。")
        fields = dict(
            ballots={}, method=given.method, counts=given.counts, tally=given.tally, result=result,
            result_text=given.result_text, rule=rule, chair_decides=chair_decides if given.counts is not None else None,
        )
        if editing_uid is not None:
            found = self._entry_by_uid(editing_uid)
            if found is None:
                return
            owner, index = found
            old = owner.log[index]
            vote = dataclasses.replace(old, **fields, uid=old.uid)
            if self._commit_change(self.editor.replace(owner.id, index, vote, "採決の変更")):
                self._notify_after_frame("採決を直しました。")
            return
        vote = Vote(**fields, time=app_now(self.app).strftime("%H:%M:%S"))
        if self._add_entry(vote):
            from minutes.render import vote_summary

            self.notify(f"採決を記録しました: {vote_summary(vote, chair_title(self.meeting.people))}")

    def _take_from_bar(self, committed: str) -> None:
        """Empty the bar of the text just saved, keeping whatever was typed after it.

        Enter is handled as a message after the key: keys typed right after it (a fast
        typist, an IME committing a phrase) can reach the bar first, and emptying the
        bar wiped them. Only the saved text goes; the rest stays, and is the draft now.
        If the bar changed some other way, it is left as it is: nothing typed is lost.
        """
        current = self.bar.text
        if current == committed:
            self.bar.set_text("")
            # The saved draft (now in the log) is removed once the entry is shown: its unlink
            # and the folder's fsync are a second wait on the disk, which Enter's frame
            # need not hold. save_draft then saves whatever the bar holds by then instead.
            self._after_change_shown(self.save_draft)
        elif current.startswith(committed):
            self.bar.set_text(current[len(committed) :])
            self.save_draft()

    def action_append_paragraph(self) -> None:
        """Add the bar's text as a new paragraph of the previous entry."""
        if self._refuse_if_read_only():
            return
        item = self.current_item
        text = self.bar.text
        if item is None or not text.strip():
            self.app.bell()
            return
        change = self.editor.append_paragraph(item.id, text)
        if change is None:
            if item.log and isinstance(item.log[-1], Vote):
                reason = (
                    "直前の記録は採決なので、追記できません(文章は入力欄に残っています)。"
                    "新しい発言なら Enter、採決より前の発言に足すなら ctrl+l で選んで Enter(編集)。"
                )
            else:
                reason = "この議事にはまだ発言がないので、追記できません(文章は入力欄に残っています)。Enter で発言として記録できます。"
            self.notify(reason, severity="warning", timeout=10)
            return
        if self._commit_change(change):
            self._take_from_bar(text)

    def action_phrases(self) -> None:
        """Insert a stock phrase, filled in for the current item."""

        from screens.phrase_picker import NoteText, PhrasePicker

        def chosen(text: str | None) -> None:
            if isinstance(text, NoteText):
                self.commit_note(str(text), from_bar=False)
            elif text:
                self.bar.insert(text)
                self.bar.text_area.focus()


        self.app.push_screen(PhrasePicker(self.meeting, self.current_item, self.phrases), chosen)

    # -- drafts ------------------------------------------------------------------
    def on_text_area_changed(self, event) -> None:
        if not isinstance(event.text_area, EntryText):
            return
        self._draft_later()
        if self._fold_timer is not None:
            self._fold_later()  # still typing: later

    # -- folding the journal while the clerk pauses ---------------------------------
    # The change that finds the journal full (or old) rewrites the whole meeting file
    # before its frame: at 10,000 entries that Enter waited about a tenth of a second,
    # every few minutes. When the journal is nearly due, the rewrite is done instead
    # once the clerk has stopped typing for a moment.
    def _fold_later(self) -> None:
        if self._fold_timer is not None:
            self._fold_timer.stop()
            self._fold_timer = None
        store = self.store
        if store is not None and not self.read_only and store.fold_soon():
            self._fold_timer = self.set_timer(FOLD_DELAY, self._fold_now)

    def _fold_now(self) -> None:
        self._fold_timer = None
        store = self.store
        if store is None or self.read_only or not store.fold_soon():
            return
        try:
            store.fold()
        except (StorageError, OSError) as error:
            self._say_not_saved(
                error,
                title="会議ファイルの書き直しができませんでした(記録はジャーナルに保存済みです)",
                severity="warning",
            )
            return
        self._say_follow_up_failed()

    def _draft_later(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.save_draft)

    def _draft_state(self) -> tuple:
        """What a draft holds: the text, whom it is typed for and under which item."""
        item = self.current_item
        return (self.bar.text, self.speaker.speaker_id, self.speaker.label, item.id if item else None)

    def save_draft(self) -> None:
        """Save what is typed in the bar (with its speaker and item), so a crash loses nothing."""
        if self.datadir is None or self.read_only:
            return
        state = self._draft_state()
        if state == self._saved_draft or (not state[0] and not self._saved_draft[0]):
            return
        text, speaker_id, label, item = state
        try:
            if text:
                self.datadir.save_draft(self.meeting_id, text, speaker_id=speaker_id, label=label, item=item)
            else:
                self.datadir.clear_draft(self.meeting_id)
            self._saved_draft = state
        except (StorageError, OSError):
            pass  # the text is still in the bar; the next change tries again

    def _clear_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if self.datadir is None:
            return
        try:
            self.datadir.clear_draft(self.meeting_id)
            self._saved_draft = ("",)
        except (StorageError, OSError):
            pass

    def _restore_draft(self) -> None:
        if self.datadir is None:
            return
        try:
            draft = self.datadir.load_draft_record(self.meeting_id)
        except (StorageError, OSError):
            return
        if draft is None or not draft.text:
            return
        self.bar.set_text(draft.text)
        said = []
        if draft.item is not None:
            item = self.meeting.item(draft.item)
            if item is not None:
                self._show_item(self.current_index_of(item))
                said.append(f"議事: {item.title[:20]}")
        if draft.speaker_id is not None or draft.label is not None:
            ref = SpeakerRef(draft.speaker_id, draft.label)
            if draft.speaker_id is None or self.meeting.person(draft.speaker_id) is not None:
                self.speaker = ref
                self._update_speaker()
                said.insert(0, f"発言者: {display(self.meeting, ref)}")
        self._saved_draft = self._draft_state()
        where = f"({'、'.join(said)})" if said else ""
        self.notify(f"前回の入力途中の文章を戻しました{where}。", title="下書きを復元")

    # -- agenda ------------------------------------------------------------------
    def _show_item(self, index: int) -> None:
        if not self.meeting.agenda:
            return
        index = max(0, min(index, len(self.meeting.agenda) - 1))
        self.query_one(AgendaPane).current = index
        self._department_cycle = 0
        if self.bar.text:
            self._draft_later()  # the draft keeps the item it is typed under
        log = self.log_view
        item = self.meeting.agenda[index]
        if item.log:
            log.call_after_refresh(log.scroll_to_entry, index, len(item.log) - 1)
        else:
            log.call_after_refresh(log.scroll_to_item, index)
        self._show_last_vote()

    def go_to_item(self, index: int) -> None:
        """Make an item current and show its heading at the top of the log (a search hit on its title)."""
        if not 0 <= index < len(self.meeting.agenda):
            return
        self._show_item(index)
        log = self.log_view
        log.call_after_refresh(log.scroll_to_item, index)

    def _show_last_vote(self) -> None:
        item = self.current_item
        # From the end: the last vote is near it, and an item may hold thousands of entries.
        vote = next((entry for entry in reversed(item.log) if isinstance(entry, Vote)), None) if item else None
        self.query_one(VotePane).show_vote(vote)

    def action_next_item(self) -> None:
        """Move to the next agenda item."""
        self._show_item(self.current_index + 1)

    def action_previous_item(self) -> None:
        """Move to the previous agenda item."""
        self._show_item(self.current_index - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, AgendaPane):
            self._show_item(event.option_index)
            if not self.read_only:
                self.query_one(EntryText).focus()

    # -- the log ------------------------------------------------------------------
    def action_focus_log(self) -> None:
        """Move to the log to select and change entries."""
        log = self.log_view
        log.focus()
        if log.cursor is None:
            log.action_cursor_last()

    def action_back_to_entry(self) -> None:
        """Back to the entry bar."""
        if self.read_only:
            return
        self.log_view.cursor = None
        votes = self.query_one(VotePane)
        if votes.voting:
            votes.stop()
        self.query_one(EntryText).focus()

    def _selected_for_change(self):
        """The selected (item, index, entry), if there is one and the meeting may be changed."""
        if self._refuse_if_read_only():
            return None
        return self._selected()

    def _selected(self):
        cursor = self.log_view.cursor
        if cursor is None:
            return None
        item_index, entry_index = cursor
        try:
            item = self.meeting.agenda[item_index]
            return item, entry_index, item.log[entry_index]
        except IndexError:
            return None

    def on_speaker_log_selected(self, event: SpeakerLog.Selected) -> None:
        event.stop()
        found = self._selected_for_change()
        if found is None:
            return
        item, index, entry = found
        if isinstance(entry, Vote) and entry.method != METHOD_ROLL:
            self._edit_vote_by_method(entry)
            return
        if isinstance(entry, Vote):
            pane = self.query_one(VotePane)
            pane.start(entry)
            pane.focus()
            return
        if isinstance(entry, Event):
            self._edit_event_time(item, index, entry)
            return
        if isinstance(entry, Note):
            self._edit_note(item, index, entry)
            return

        def edited(text: str | None) -> None:
            if text is None or text == entry.text:
                return
            new = dataclasses.replace(entry, text=text, uid=entry.uid)
            self._commit_change(self.editor.replace(item.id, index, new))

        from screens.entry_editor import EntryEditor

        self.app.push_screen(EntryEditor(entry.text, f"発言の編集: {display(self.meeting, SpeakerRef.of(entry))}"), edited)

    def _edit_vote_by_method(self, vote: Vote) -> None:
        from screens.vote_method import VoteInput, VoteMethodDialog

        initial = VoteInput(vote.method, vote.result, vote.tally, vote.counts, vote.result_text)
        voters = len(self.meeting.voters_at(vote.time))
        self.app.push_screen(
            VoteMethodDialog(vote.method, voters, initial), lambda given: self._record_vote_input(given, vote.uid)
        )

    def _edit_note(self, item, index: int, note: Note) -> None:
        def edited(text: str | None) -> None:
            line = " ".join(part.strip() for part in (text or "").splitlines() if part.strip())
            if not line or line == note.text:
                return
            self._commit_change(self.editor.replace(item.id, index, dataclasses.replace(note, text=line, uid=note.uid), "注記の修正"))

        from screens.entry_editor import EntryEditor

        self.app.push_screen(EntryEditor(note.text, "注記の編集(括弧は書き出しが付けます)"), edited)

    def _edit_event_time(self, item, index: int, event: Event) -> None:
        from minutes.committee import normalize_time

        def edited(text: str | None) -> None:
            if text is None:
                return
            try:
                time = normalize_time(text.strip())
            except ValueError as error:
                self.notify(str(error), severity="warning")
                return
            if time != event.time[:5]:
                new = dataclasses.replace(event, time=time, uid=event.uid)
                if self._commit_change(self.editor.replace(item.id, index, new, f"{event.kind}の時刻の修正")):
                    self.notify(f"{event.kind}の時刻を {time} にしました。")

        from screens.entry_editor import EntryEditor

        self.app.push_screen(EntryEditor(event.time[:5], f"{event.kind}の時刻(例: 10:09)"), edited)

    def action_edit_record(self) -> None:
        """配布資料, 署名委員 and 公開・非公開 of this meeting."""
        if self._refuse_if_read_only():
            return
        from screens.record_details import RecordDetailsScreen

        def done(result) -> None:
            if result is None:
                return
            before = (self.meeting.documents, self.meeting.signers, self.meeting.disclosure)
            self.meeting.documents, self.meeting.signers, self.meeting.disclosure = result
            if not self._save_parts("save_header"):
                self.meeting.documents, self.meeting.signers, self.meeting.disclosure = before
                return
            self.notify("配布資料・署名委員・公開・非公開を保存しました。")

        self.app.push_screen(RecordDetailsScreen(self.meeting), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The selected entry's keys only while the log has focus with an entry selected."""
        if action in self._LOG_ACTIONS:
            return self.focused is self.log_view and self.log_view.cursor is not None
        return True

    def action_delete_entry(self) -> None:
        """Delete the selected entry (ctrl+z brings it back)."""
        found = self._selected_for_change()
        if found is None:
            return
        item, index, _ = found
        if self._commit_change(self.editor.delete(item.id, index)):
            if not item.log:
                self.log_view.cursor = None
            else:
                self.log_view.cursor = (self.current_index_of(item), min(index, len(item.log) - 1))
            self._notify_after_frame("削除しました。ctrl+z で元に戻せます。")

    def current_index_of(self, item) -> int:
        """The index of an item in the agenda."""
        return self.meeting.agenda.index(item)

    def action_insert_before(self) -> None:
        """Write a new entry before the selected one (catching up after the fact)."""
        found = self._selected_for_change()
        if found is None:
            return
        item, index, following = found

        def speaker_for_key(number: int):
            ref = self.speaker_for_key(number)
            return (ref, display(self.meeting, ref)) if ref is not None else None

        def written(text: str | None) -> None:
            if text:
                speaker = editor.speaker or self.speaker
                # The time of the entry it goes before: it was said by then (ctrl+e corrects it).
                time = following.time or self._entry_time()
                self._commit_change(self.editor.add(item.id, speaker.speech(text, time), index))

        from screens.entry_editor import EntryEditor

        editor = EntryEditor(
            "", f"前に挿入(F2〜F9 で発言者): {display(self.meeting, self.speaker)}", speaker_for_key=speaker_for_key
        )
        self.app.push_screen(editor, written)

    def action_move_entry(self, delta: int) -> None:
        """Move the selected entry up or down."""
        found = self._selected_for_change()
        if found is None:
            return
        item, index, _ = found
        if self._commit_change(self.editor.move(item.id, index, delta)):
            self.log_view.cursor = (self.current_index_of(item), index + delta)

    def action_move_to_item(self) -> None:
        """Move the selected entry to another agenda item."""
        found = self._selected_for_change()
        if found is None:
            return
        item, index, _ = found

        def chosen(target_id: str | None) -> None:
            if target_id is None:
                return
            if self._commit_change(self.editor.move_to_item(item.id, index, target_id)):
                target = self.meeting.item(target_id)
                self.log_view.cursor = (self.current_index_of(target), len(target.log) - 1)

        from screens.item_picker import ItemPicker

        self.app.push_screen(ItemPicker(self.meeting), chosen)

    # -- undo --------------------------------------------------------------------
    def action_undo(self) -> None:
        """Undo the last change to the log or the votes (in the bar with text: the typing)."""
        self._undo_or_redo(undo=True)

    def action_redo(self) -> None:
        """Redo the last undone change (in the bar with text: the typing)."""
        self._undo_or_redo(undo=False)

    #: What F1 says of a key, where its short name in the key bar is not enough.
    HELP_TEXT = {
        "set_start": "開会の時刻(今の時刻の欄: Enter で決定、打てば置き換え)",
        "set_end": "閉会の時刻(同じ欄。開会より前の時刻は断る)",
        "append_paragraph": "入力した文章を前の発言の新しい段落として追記",
    }

    #: The rule of ctrl+z / ctrl+y in the entry bar, as F1 says it.
    UNDO_RULE = (
        ("ctrl+z", "入力欄に文字があれば入力を、空なら記録の最後の変更を戻す"),
        ("ctrl+y", "ctrl+z で最後に戻したもの(入力か記録の変更)をやり直す"),
    )

    #: The last ctrl+z took back typing (so ctrl+y redoes typing), not a change of the record.
    _undid_typing = False

    def _undo_or_redo(self, *, undo: bool) -> None:
        if self._refuse_if_read_only():
            return
        area = self.query_one(EntryText)
        if self.focused is area:
            # The rule of UNDO_RULE: typing first (what is in the bar), then the record.
            if undo and self.bar.text:
                if area.history.undo_stack:
                    area.action_undo()
                    self._undid_typing = True
                else:
                    self.notify(
                        "入力欄の文章には戻せる入力がありません。記録の変更を戻すには、入力欄を空にしてから ctrl+z を押してください。",
                        severity="warning",
                    )
                return
            if not undo and self._undid_typing and area.history.redo_stack:
                area.action_redo()
                return
        self._undid_typing = False
        change = self.editor.undo() if undo else self.editor.redo()
        if change is None:
            self.notify("元に戻す操作はありません。" if undo else "やり直す操作はありません。")
            return
        if not self._save_items(change, undone=undo):
            self.editor.reverse(change, undone=undo)
            self._refresh_views()
        else:
            self._show_change(change, undone=undo)
            self._notify_after_frame(f"{change.description}を{'元に戻しました' if undo else 'やり直しました'}。")

    # -- votes -------------------------------------------------------------------
    def action_start_vote(self) -> None:
        """Open the vote pane to enter each voter's ballot."""
        if self._refuse_if_read_only():
            return
        if not self.meeting.voters:
            self.notify("採決できる出席委員がいません。出欠を確認してください。", severity="warning")
            return
        pane = self.query_one(VotePane)
        pane.start(moment=self._now_hhmm() if self.meeting_is_today() else None)
        pane.focus()

    def _now_hhmm(self) -> str:
        return app_now(self.app).strftime("%H:%M")

    def action_approve_all(self) -> None:
        """Record a vote in which every present voter approves (全員承認)."""
        if self._refuse_if_read_only():
            return
        moment = self._now_hhmm() if self.meeting_is_today() else None
        voters = self.meeting.voters_at(moment)
        if not voters:
            self.notify("採決できる出席委員がいません。出欠を確認してください。", severity="warning")
            return
        ballots = {p.id: APPROVE for p in voters}
        item = self.current_item
        unusual = []
        if item is not None and item.kind == "報告":
            unusual.append("この議事は報告です(ふつうは採決しません)")
        if self.meeting.end:
            unusual.append(f"閉会({self.meeting.end})のあとです")
        if not unusual:
            self.record_vote(ballots, None, moment=moment)  # one key, as usual
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.record_vote(ballots, None, moment=moment)

        from screens.confirm import Confirm

        question = "。".join(unusual) + f"。それでも全員承認({len(voters)}名)の採決を記録しますか?"
        self.app.push_screen(Confirm(question, title="全員承認", yes="記録する"), answered)

    def _entry_by_uid(self, uid: str):
        """(item, index) of the entry with this uid: the selected entry when it is the one (a vote
        opened from the log), else found by walking the meeting (10,000 entries take a millisecond)."""
        found = self._selected()
        if found is not None and found[2].uid == uid:
            return found[0], found[1]
        return self.meeting.find_entry(uid)

    def on_vote_pane_record(self, event: VotePane.Record) -> None:
        event.stop()
        self.record_vote(event.ballots, event.editing_uid)

    def on_vote_pane_choose_method(self, event: VotePane.ChooseMethod) -> None:
        event.stop()
        pane = event.widget
        editing = pane.editing_uid
        pane.stop()
        # Not back to the entry bar first: its focus, done later, would land in the dialog.
        self.log_view.cursor = None
        found = self.meeting.find_entry(editing) if editing else None
        if found is not None:
            owner, index = found
            vote = owner.log[index]
            from screens.vote_method import VoteInput, VoteMethodDialog

            # a roll call being changed becomes a vote by another method, in its place
            self.app.push_screen(
                VoteMethodDialog(METHOD_HANDS, len(self.meeting.voters_at(vote.time)), VoteInput(METHOD_HANDS, vote.result)),
                lambda given: self._after_dialog(self._record_vote_input(given, vote.uid)),
            )
            return
        self.action_vote_by_method(METHOD_HANDS)

    def _after_dialog(self, _result: object = None) -> None:
        if not self.read_only:
            self.query_one(EntryText).focus()

    def on_vote_pane_leave(self, event: VotePane.Leave) -> None:
        event.stop()
        self.action_back_to_entry()

    def record_vote(
        self, ballots: dict[str, str], editing_uid: str | None, chair_decides: str | None = None, *, moment: str | None = None
    ) -> None:
        """Put a vote into the log at the current place (or change a recorded one).

        ``moment``: when the ballots were taken (who had left by then does not vote);
        by default the vote pane's.
        """
        pane = self.query_one(VotePane)
        if moment is None:
            moment = pane.moment
        if not ballots:
            # Not a tie to put to the chair: nothing was cast (Enter in the pane with no vote begun).
            self.notify("票が1つもないので記録しません。採決は F12 で始めます(全員承認なら ctrl+r)。", severity="warning")
            return
        if editing_uid is None:
            missing = [p for p in self.meeting.voters_at(moment) if p.id not in ballots]
            if missing:
                names = "、".join(p.name for p in missing)
                self.notify(
                    f"{names}の票がありません(採決を始めたあとで出欠が変わりました)。Esc で抜けて F12 で採決をやり直してください。",
                    severity="warning",
                    timeout=12,
                )
                return
        counts = tally(ballots)
        if is_tie(pane.rule, counts) and chair_decides is None:

            def decided(result: str | None) -> None:
                if result is not None:
                    self.record_vote(ballots, editing_uid, result, moment=moment)

            text = f"承認{counts.approve}・不承認{counts.disapprove}・保留{counts.abstain}"
            from screens.chair_decision import ChairDecision

            self.app.push_screen(ChairDecision(text, chair_title(self.meeting.people)), decided)
            return
        result = decide(pane.rule, counts, chair_decides)
        item = self.current_item
        if item is None or result is None:
            return
        if editing_uid is not None:
            found = self._entry_by_uid(editing_uid)
            if found is None:
                return
            owner, index = found
            old = owner.log[index]
            vote = dataclasses.replace(
                old, ballots=ballots, result=result, chair_decides=chair_decides, rule=pane.rule, uid=old.uid
            )
            change = self.editor.replace(owner.id, index, vote, "採決の変更")
            appended = None
        else:
            vote = Vote(ballots=ballots, result=result, rule=pane.rule, chair_decides=chair_decides, time=self._entry_time())
            change = self.editor.add(item.id, vote)
            appended = (item, vote)
            owner, index = item, len(item.log) - 1  # add put it last
        if self._commit_change(change, appended):
            pane.stop()
            self._notify_after_frame(f"採決を記録しました: {result}(承認{counts.approve}・不承認{counts.disapprove}・保留{counts.abstain})")
            self.action_back_to_entry()
            self.log_view.scroll_to_entry(self.current_index_of(owner), index)  # in view, as an entry after Enter

    # -- the clock ----------------------------------------------------------------
    def meeting_is_today(self) -> bool:
        """True when the meeting's date is today by the app's clock (the clock is then the meeting's time)."""
        return self.meeting.date == app_now(self.app).date().isoformat()

    def _entry_time(self) -> str | None:
        """The time stamped on a new entry: now on the meeting's day; none on another day
        (today's clock is not the time anything was said at a meeting held another day)."""
        return app_now(self.app).strftime("%H:%M:%S") if self.meeting_is_today() else None

    def _ask_clock(self, field: str) -> None:
        if self._refuse_if_read_only():
            return
        name = "開会" if field == "start" else "閉会"
        current = getattr(self.meeting, field)
        if self.meeting_is_today():
            suggestion, note = self._now_hhmm(), f"今の時刻を入れてあります。{name}が別の時刻なら打ち直してください。"
        else:
            suggestion = current or ""
            note = f"この会議の開催日({self.meeting.date})は今日ではありません。{name}の時刻を打ってください。"
        if current:
            note += f"(いまの{name}: {current})"
        from screens.time_field import TimeField

        def chosen(value: str | None) -> None:
            if value:
                self.set_clock(field, value)

        self.app.push_screen(TimeField(f"{name}の時刻", suggestion, note=note), chosen)

    def set_clock(self, field: str, value: str) -> bool:
        """Set 開会 (``start``) or 閉会 (``end``) to ``HH:MM``, as one undoable change; True if saved."""
        if self._refuse_if_read_only():
            return False
        start = value if field == "start" else self.meeting.start
        end = value if field == "end" else self.meeting.end
        if end is not None and start and end < start:
            if field == "end":
                reason = f"閉会 {end} が開会 {start} より前になります。開会の時刻を確かめて(ctrl+b)、閉会を打ち直してください。"
            else:
                reason = f"開会 {start} が閉会 {end} より後になります。閉会の時刻を確かめて(ctrl+g)、開会を打ち直してください。"
            self.notify(reason, title="時刻を変えませんでした", severity="warning", timeout=12)
            return False
        change = self.editor.change_header({field: value}, f"{'開会' if field == 'start' else '閉会'}の時刻")
        if change is None or not self._commit_change(change):
            return False
        self.notify(f"{'開会' if field == 'start' else '閉会'}を {value} にしました(ctrl+z で元に戻せます)。")
        return True

    def action_set_start(self) -> None:
        """Set the opening time (開会): now, or a time typed."""
        self._ask_clock("start")

    def action_set_end(self) -> None:
        """Set the closing time (閉会): now, or a time typed."""
        self._ask_clock("end")

    def action_entry_time(self) -> None:
        """Change the selected entry's time (or clear it)."""
        found = self._selected_for_change()
        if found is None:
            return
        item, index, entry = found
        current = (entry.time or "")[:5]
        from screens.time_field import TimeField

        def chosen(value: str | None) -> None:
            if value is None or value == current:
                return
            time = f"{value}:00" if value else None
            new = dataclasses.replace(entry, time=time, uid=entry.uid)
            if self._commit_change(self.editor.replace(item.id, index, new, "時刻の変更")):
                self.log_view.cursor = (self.current_index_of(item), index)
                self.notify(f"時刻を {value or 'なし'} にしました。")

        self.app.push_screen(TimeField("発言の時刻", current, allow_empty=True), chosen)

    # -- meeting details -----------------------------------------------------------
    def action_meeting_details(self) -> None:
        """Edit the meeting's head: date, times, place, numbers, title, kind, observers, committee."""
        if self._refuse_if_read_only():
            return
        from screens.meeting_details import MeetingDetails

        def done(values: dict | None) -> None:
            if values is None:
                return
            change = self.editor.change_header(values)
            if change is None:
                self.notify("変更はありませんでした。")
                return
            if self._commit_change(change):
                self.notify("会議の情報を保存しました(ctrl+z で元に戻せます)。")

        self.app.push_screen(MeetingDetails(self.meeting), done)

    # -- export -------------------------------------------------------------------
    def action_export(self) -> None:
        """Preview the minutes as text and Markdown; copy or save them."""
        from minutes.render import ExportOptions
        from screens.export import ExportScreen

        self.save_draft()
        typed = None if self.read_only else self.bar.insert  # words typed over the preview go to the bar
        self.app.push_screen(ExportScreen(self.meeting, ExportOptions(**export_defaults(self.meeting)), typed=typed))

    def action_to_list(self) -> None:
        """Close this meeting (draft and index saved) and go back to the list of meetings."""
        self.close_meeting()
        self.app.show_meeting_list()

    # -- attendance and agenda ------------------------------------------------------
    def action_attendance(self) -> None:
        """Mark who is present, late arrivals and early leaves, observers, staff per item."""
        if self._refuse_if_read_only():
            return
        from screens.attendance import AttendanceScreen

        def done(result) -> None:
            if result is None:
                return
            before = (self.meeting.people, self.meeting.observers, self.meeting.extra)
            result.apply_to(self.meeting)
            if not self._save_parts("save_people", "save_header"):
                self.meeting.people, self.meeting.observers, self.meeting.extra = before
                return
            self.query_one(VotePane).refresh(layout=True)
            self._refresh_views()
            self.notify("出欠を保存しました。")

        self.app.push_screen(AttendanceScreen(self.meeting), done)

    def action_edit_agenda(self) -> None:
        """Add, remove and reorder agenda items."""
        if self._refuse_if_read_only():
            return
        from screens.agenda_editor import AgendaEditor

        departments = sorted({p.department for p in self.meeting.people if p.department and p.group == "関係課"})

        def done(agenda) -> None:
            if agenda is None:
                return
            before = self.meeting.agenda
            current = self.current_item
            self.meeting.agenda = list(agenda)
            if not self._save_parts("save_agenda"):
                self.meeting.agenda = before
                return
            self.editor.undo_stack.clear()
            self.editor.redo_stack.clear()
            self._refresh_views()
            index = self.meeting.agenda.index(current) if current in self.meeting.agenda else 0
            self._show_item(index)
            self.notify("会次第を保存しました。")

        self.app.push_screen(AgendaEditor(self.meeting.agenda, departments), done)

    def _save_parts(self, *methods: str) -> bool:
        if self.store is None:
            return True
        try:
            for method in methods:
                getattr(self.store, method)()
        except (StorageError, OSError) as error:
            self._say_not_saved(error)
            return False
        return True

    def _say_not_saved(self, error: BaseException, *, title: str = "保存できませんでした", **notify) -> None:
        """Tell the clerk what could not be written and what to do (what was typed stays where it is)."""
        self.notify(user_message(error), title=title, **({"severity": "error", "timeout": 15} | notify))

    # -- help ---------------------------------------------------------------------
    #: The rows of :attr:`LOG_KEYS` whose keys are bindings a keys.toml may remap.
    _LOG_KEY_IDS = {
        "Delete": ("log.delete",),
        "Insert / ctrl+n": ("log.insert",),
        "ctrl+↑ / ctrl+↓": ("log.up", "log.down"),
        "ctrl+→": ("log.move",),
    }

    def _log_keys_now(self) -> list[tuple[str, str]]:
        """:attr:`LOG_KEYS` with the keys the clerk gave in keys.toml in place of the default ones."""
        remapped = getattr(self.app, "keys_remapped", {})
        bindings = {binding.id: binding for binding in self.BINDINGS if isinstance(binding, Binding) and binding.id}
        rows = []
        for keys, description in self.LOG_KEYS:
            ids = self._LOG_KEY_IDS.get(keys, ())
            if any(binding_id in remapped for binding_id in ids):
                keys = " / ".join(bound_keys(self.app, bindings[binding_id]).replace(",", " / ") for binding_id in ids)
            rows.append((keys, description))
        return rows

    def action_help(self) -> None:
        """Show every key of this screen."""
        keys = []
        for binding in self.BINDINGS:
            base = binding.action.split("(")[0] if isinstance(binding, Binding) else ""
            if base in ("undo", "redo"):
                continue  # said once, as the rule (UNDO_RULE)
            if isinstance(binding, Binding) and base not in self._LOG_ACTIONS:
                description = self.HELP_TEXT.get(base, binding.description)
                number = speaker_key_number(binding.action)
                if number is not None:
                    who = "議事の担当課(押すごとに次の課)" if number == 4 else self.speaker_key_label(number)
                    description = f"発言者: {who or '未設定'}"
                keys.append((bound_keys(self.app, binding).replace(",", " / "), description))
        groups = [
            ("入力中", [("Enter", "確定(発言として記録)"), ("ctrl+j", "改段落"), *keys, *self.UNDO_RULE]),
            ("発言一覧で(ctrl+l で移動)", self._log_keys_now()),
            ("採決欄で(F12 で移動)", [("↑ / ↓", "委員を選ぶ"), ("← / → / Space", "承認・不承認・保留を切り替え"), ("Enter", "採決を記録"), ("Esc", "戻る")]),
            ("全体", [("ctrl+p", "コマンド一覧"), ("ctrl+q", "保存して終了")]),
        ]
        from screens.help import HelpScreen

        self.app.push_screen(HelpScreen(groups))
