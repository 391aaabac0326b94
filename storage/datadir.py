"""The data folder as one object: meetings, the library, drafts, backups and the lock.

:class:`DataDir` is what the command line and the UI use; nothing above it
sees TinyDB or a file path inside the folder. Reading (list, load, export,
backup zip) needs no lock and never creates anything; every write needs the
write lock (:meth:`DataDir.write_lock`, :meth:`DataDir.acquire_lock`), and
raises :class:`~storage.errors.LockRequiredError` without it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from minutes.model import Meeting
from minutes.render import composed_title
from storage.atomic import atomic_write_bytes, check_real_folders, ensure_private_dir, fsync_dir, sweep_temp_files
from storage.backups import (
    DEFAULT_INTERVAL,
    DEFAULT_KEEP,
    LIBRARY_BACKUP_ID,
    Backups,
    ZipReport,
    backup_zip,
    restore_zip,
    utc_now,
    zip_contents,
)
from storage.drafts import Draft, read_draft, read_draft_record, write_draft
from storage.journal import JOURNAL_SUFFIX, journal_path
from storage.errors import (
    DamagedFileError,
    InsideDataDirError,
    LinkRefusedError,
    LockRequiredError,
    StorageError,
    UnknownMeetingError,
    WriteFailedError,
    os_error_reason,
)
from storage.library import Library, committees_in_file
from storage.limits import open_data_file, read_file_at_most
from storage.lock import DataDirLock
from storage.meetings import MeetingStore, encode_meeting, load_meeting_readonly, meeting_from_bytes, replay_journal
from storage.paths import (
    BACKUPS_DIR,
    DRAFTS_DIR,
    LIBRARY_FILE,
    MEETING_SUFFIX,
    MEETINGS_DIR,
    TRASH_DIR,
    is_valid_meeting_id,
)


@dataclass(frozen=True)
class MeetingRestore:
    """What :meth:`DataDir.restore_meeting_backup` did."""

    meeting_id: str
    backup: Path
    #: Entries of the journal that the backup lacked, now in the meeting.
    replayed: int
    #: Entries of the journal whose item the backup does not have (None: the journal could not be read).
    left_out: int | None
    #: Where the meeting's journal went (``trash/<id>-<time>.journal``), if it had one.
    journal_kept: Path | None

    @property
    def message(self) -> str:
        """The Japanese sentence that says so."""
        text = f"会議「{self.meeting_id}」をバックアップ「{self.backup}」から復元しました。"
        if self.replayed:
            text += f"バックアップのあとに記録された発言 {self.replayed} 件も、ジャーナルから戻しました。"
        if self.journal_kept is not None and self.left_out is None:
            text += f"ジャーナルが読めなかったため、そこにある発言は戻していません。「{self.journal_kept}」に残してあります。"
        elif self.journal_kept is not None and self.left_out:
            text += (
                f"ジャーナルの発言 {self.left_out} 件は、その議事がバックアップにないため戻していません。"
                f"「{self.journal_kept}」に残してあります。"
            )
        return text


def random_hex(count: int) -> str:
    """``count`` random bytes as hex (``os.urandom``: the ``secrets`` module costs the start-up an import)."""
    return os.urandom(count).hex()


def _now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class DataDir:
    """One data folder (see :mod:`storage.paths` for its layout).

    ``clock``, ``backup_interval`` and ``backup_keep`` tune the rotating
    backups (tests pass a fake clock). ``title_of`` composes the title string
    of the index (default: :func:`minutes.render.composed_title`).
    """

    def __init__(
        self,
        root: Path | str,
        *,
        clock: Callable[[], datetime] = utc_now,
        backup_interval: timedelta = DEFAULT_INTERVAL,
        backup_keep: int = DEFAULT_KEEP,
        title_of: Callable[[Meeting], str] = composed_title,
    ) -> None:
        self.root = Path(root)
        self.backups = Backups(
            self.root / BACKUPS_DIR, clock=clock, interval=backup_interval, keep=backup_keep
        )
        self.lock = DataDirLock(self.root)
        self._title_of = title_of
        #: The library opened under the lock; None whenever the lock is not held (release_lock forgets it),
        #: so a library read without the lock, or before it was last taken, is never used.
        self._library: Library | None = None

    # -- the write lock ------------------------------------------------------------
    @property
    def has_lock(self) -> bool:
        """True while this object holds the data folder's write lock."""
        return self.lock.is_held

    def acquire_lock(self) -> DataDir:
        """Take the write lock now, or raise :class:`~storage.errors.DataDirLockedError`.

        Creates the data folder (0700) if needed, removes temporary files a
        crashed write left behind, and re-reads the library under the lock.
        """
        if self.has_lock:  # a write_lock inside another (the files screen's import while the app holds it)
            return self  # nothing to take, and no temporary file of ours to sweep
        self.lock.acquire()
        for folder in (self.root, self.root / MEETINGS_DIR, self.root / DRAFTS_DIR):
            sweep_temp_files(folder)
        try:
            names = os.listdir(self.root / BACKUPS_DIR)
        except OSError:
            names = []
        for name in names:
            sweep_temp_files(self.root / BACKUPS_DIR / name)
        return self

    def release_lock(self) -> None:
        """Give the write lock up (open meetings must be closed first)."""
        self._forget_library()
        self.lock.release()

    @contextmanager
    def write_lock(self) -> Iterator[DataDir]:
        """``with datadir.write_lock():`` hold the lock for the block (if not held already)."""
        held = self.has_lock
        self.acquire_lock()
        try:
            yield self
        finally:
            if not held:
                self.release_lock()

    def __enter__(self) -> DataDir:
        return self.acquire_lock()

    def __exit__(self, *exc_info: object) -> None:
        self.release_lock()

    def _require_lock(self, what: str) -> None:
        if not self.has_lock:
            raise LockRequiredError(self.root, what)

    # -- the library ---------------------------------------------------------------
    @property
    def library(self) -> Library:
        """The library (``library.json``).

        With the lock: opened once and kept (nobody else writes it). Without:
        read afresh, read-only, each time (the lock holder may be writing it).
        """
        if not self.has_lock:
            return Library(
                self.root / LIBRARY_FILE,
                backup_finder=self.backups.finder(LIBRARY_BACKUP_ID),
                read_only=True,
            )
        if self._library is None:
            self._library = Library(
                self.root / LIBRARY_FILE, backup_finder=self.backups.finder(LIBRARY_BACKUP_ID)
            )
        return self._library

    def _forget_library(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None

    def list_meetings(self) -> list[dict[str, Any]]:
        """The index rows of every meeting, newest date first (no lock needed)."""
        return self.library.list_meetings()

    # -- meetings ------------------------------------------------------------------
    def meeting_path(self, meeting_id: str) -> Path:
        """``meetings/<id>.json``; :class:`UnknownMeetingError` for an id that cannot be one."""
        if not is_valid_meeting_id(meeting_id):
            raise UnknownMeetingError(str(meeting_id), self.root)
        return self.root / MEETINGS_DIR / f"{meeting_id}{MEETING_SUFFIX}"

    def new_meeting_id(self, meeting_date: str | None = None) -> str:
        """A new id, ``20220315-1a2b``: the meeting's date and random hex, unused in this folder."""
        digits = re.sub(r"[^0-9]", "", meeting_date or "")
        if len(digits) != 8:
            digits = datetime.now().strftime("%Y%m%d")
        while True:
            candidate = f"{digits}-{random_hex(2)}"
            if self.library.get_row(candidate) is None and not self.meeting_path(candidate).exists():
                return candidate

    def index_row(self, meeting_id: str, meeting: Meeting, title: str | None = None) -> dict[str, Any]:
        """The library row for a meeting (``created`` kept from the current row)."""
        now = _now_text()
        current = self.library.get_row(meeting_id)
        return {
            "id": meeting_id,
            "date": meeting.date,
            "title": title if title is not None else self._title_of(meeting),
            "body": meeting.body,
            "status": meeting.status,
            "entry_count": meeting.entry_count(),
            "created": current["created"] if current else now,
            "updated": now,
            "file": f"{MEETINGS_DIR}/{meeting_id}{MEETING_SUFFIX}",
        }

    def add_meeting(self, meeting: Meeting, title: str | None = None) -> str:
        """Store a new meeting: its file first, then its index row; returns its id.

        If the index cannot be written the new meeting file is removed again.
        """
        self._require_lock("会議を追加")
        ensure_private_dir(self.root / MEETINGS_DIR, within=self.root)
        meeting_id = self.new_meeting_id(meeting.date)
        path = self.meeting_path(meeting_id)
        try:
            MeetingStore(path, meeting=meeting, meeting_id=meeting_id).close()
            self.library.add_row(self.index_row(meeting_id, meeting, title))
        except BaseException:
            # A write can fail after its file was replaced (the folder fsync):
            # read the index afresh, and keep the meeting file if its row did reach the disk.
            self._forget_library()
            try:
                listed = self.library.get_row(meeting_id) is not None
            except StorageError:
                listed = False
            if not listed:
                try:
                    os.unlink(path)
                    fsync_dir(path.parent)
                except OSError:
                    pass
            raise
        return meeting_id

    def update_index(self, meeting_id: str, meeting: Meeting, title: str | None = None) -> None:
        """Refresh a meeting's index row from the meeting (title, status, entry count …)."""
        self._require_lock("会議一覧を更新")
        self.library.update_row(self.index_row(meeting_id, meeting, title))

    def open_meeting(self, meeting_id: str) -> MeetingStore:
        """Open a meeting for writing (needs the lock); a backup is taken on open.

        Header, people and agenda saves, and closing the store, refresh the
        meeting's index row; a committed speech (``save_item``) does not.
        """
        self._require_lock("会議を開いて編集")
        path = self.meeting_path(meeting_id)

        def on_saved(kind: str) -> None:
            if kind != "item":
                self.update_index(meeting_id, store.meeting)  # a failure lands in store.secondary_error

        def on_close(closed: MeetingStore) -> None:
            if self.has_lock:
                self.update_index(meeting_id, closed.meeting)

        try:
            store = MeetingStore(
                path,
                meeting_id=meeting_id,
                backups=self.backups,
                backup_finder=self.backups.finder(meeting_id),
                on_saved=on_saved,
                on_close=on_close,
            )
        except FileNotFoundError:
            raise UnknownMeetingError(meeting_id, self.root) from None
        return store

    def load_meeting(self, meeting_id: str) -> Meeting:
        """Load a meeting for reading (list, export): no lock, never writes."""
        try:
            return load_meeting_readonly(self.meeting_path(meeting_id), self.backups.finder(meeting_id))
        except FileNotFoundError:
            raise UnknownMeetingError(meeting_id, self.root) from None

    def restore_meeting_backup(self, backup: Path | str, meeting_id: str | None = None) -> MeetingRestore:
        """Put a backup file back as a meeting's file (needs the lock); what was done.

        ``meeting_id`` defaults to the backup's folder name (``backups/<id>/…``).
        The backup must be readable as a meeting; the current file, damaged or
        not, is first moved to ``trash/``. Entries committed after the backup
        was taken are still in the meeting's journal (each Enter goes there
        first): they are replayed onto the backup, and the journal itself goes
        to ``trash/`` too. The index row is refreshed.
        """
        self._require_lock("会議をバックアップから復元")
        backup = Path(backup)
        if meeting_id is None:
            meeting_id = backup.parent.name
        path = self.meeting_path(meeting_id)
        try:
            if self._holds(backup):
                # One of the folder's own backups (the files screen's list, the app's offer after a
                # damaged file, or the path its message gives): never through a link planted there,
                # never a pipe waited on or a device read.
                with open_data_file(backup) as handle:
                    data = handle.read()
            else:
                data = read_file_at_most(backup)  # (TooLargeError: refused unread, with its own message)
        except LinkRefusedError:
            raise  # (an OSError too) its own words name the link
        except ValueError as error:  # a pipe, a device, a file too large to be a meeting (open_data_file)
            raise StorageError(
                f"バックアップ「{backup}」を読めません({error})。何も変えていません。", path=backup
            ) from None
        except OSError as error:
            raise StorageError(
                f"バックアップ「{backup}」を読めません({os_error_reason(error, reading=True)})。"
                "ファイルの名前と場所を確かめてください。何も変えていません。",
                path=backup,
            ) from None
        meeting = meeting_from_bytes(data, backup)
        # Checked before the journal is read and the files are moved to trash/: through a meetings
        # folder planted as a link, the moves would take the file outside into our trash.
        ensure_private_dir(path.parent, within=self.root)
        journal = journal_path(path)
        replayed = left_out = 0
        unreadable = False
        try:
            replayed, left_out = replay_journal(meeting, journal)
        except DamagedFileError:
            unreadable = True  # kept in trash/ below, and said
        if replayed:
            data = encode_meeting(meeting)
        stamp = f"{self.backups.clock():%Y%m%dT%H%M%S}"
        kept: Path | None = None
        for current, name in ((path, f"{meeting_id}-{stamp}{MEETING_SUFFIX}"), (journal, f"{meeting_id}-{stamp}{JOURNAL_SUFFIX}")):
            if current.exists():
                trash = ensure_private_dir(self.root / TRASH_DIR, within=self.root)
                try:
                    os.replace(current, trash / name)
                except OSError as error:
                    raise WriteFailedError(current, error) from error
                if current == journal:
                    kept = trash / name
                # Named in trash/ for good before the new file's write makes their leaving meetings/
                # durable: the journal's entries the backup could not take live only in that copy.
                fsync_dir(trash)
        # The new file is written before the journal could be replayed onto it again:
        # the journal is in trash/ by now, and its entries are in ``data``.
        atomic_write_bytes(path, data)
        self.update_index(meeting_id, meeting)
        return MeetingRestore(meeting_id, backup, replayed, left_out if not unreadable else None, kept)

    def restore(self, source: Path | str) -> str:
        """What ``kaigiroku restore FILE`` does: a ``.zip`` restores the folder
        (:meth:`restore_zip`), a meeting backup ``backups/<id>/….json`` that
        meeting (:meth:`restore_meeting_backup`). Needs the lock; returns a
        Japanese line saying what was restored.
        """
        source = Path(source)
        if source.suffix.lower() == ".json":
            return self.restore_meeting_backup(source).message
        restored = self.restore_zip(source)
        return f"「{source}」から復元しました({zip_contents(restored)})。"

    # -- drafts --------------------------------------------------------------------
    def _draft_path(self, meeting_id: str) -> Path:
        if not is_valid_meeting_id(meeting_id):
            raise UnknownMeetingError(str(meeting_id), self.root)
        return self.root / DRAFTS_DIR / f"{meeting_id}.json"

    def save_draft(
        self,
        meeting_id: str,
        text: str,
        *,
        speaker_id: str | None = None,
        label: str | None = None,
        item: str | None = None,
    ) -> None:
        """Save the entry bar's text, and whom and under which item it is typed for
        (one small atomic write; the meeting file is untouched)."""
        self._require_lock("下書きを保存")
        path = self._draft_path(meeting_id)
        ensure_private_dir(path.parent, within=self.root)
        write_draft(path, text, speaker_id, label, item)

    def load_draft(self, meeting_id: str) -> str | None:
        """The saved entry-bar text, or ``None``."""
        return read_draft(self._draft_path(meeting_id))

    def load_draft_record(self, meeting_id: str) -> Draft | None:
        """The saved entry-bar text with its speaker and item, or ``None``."""
        return read_draft_record(self._draft_path(meeting_id))

    def clear_draft(self, meeting_id: str) -> None:
        """Forget the saved entry-bar text."""
        self._require_lock("下書きを消去")
        path = self._draft_path(meeting_id)
        check_real_folders(path.parent, self.root)  # the unlink below must not remove a file outside
        try:
            os.unlink(path)
        except FileNotFoundError:
            return
        except OSError as error:
            raise WriteFailedError(path, error) from error
        fsync_dir(path.parent)

    # -- whole-folder backup and restore -----------------------------------------
    def keys_text(self) -> str | None:
        """The text of keys.toml (the clerk's own keys), ``None`` when there is none; :class:`KeysFileError`."""
        from storage.keys_file import read_keys_text

        return read_keys_text(self.root)

    def meeting_row(self, meeting_id: str) -> dict[str, Any] | None:
        """The library's row of a meeting (date, title, committee …), or ``None``."""
        return self.library.get_row(meeting_id)

    def meeting_backups(self, meeting_id: str) -> list[Path]:
        """The rotating backups of a meeting (``backups/<id>/…json``), newest first."""
        return self.backups.list_backups(meeting_id)

    def _holds(self, path: Path) -> bool:
        """Whether ``path`` names a file in the data folder (its own name is not followed, should it be a link)."""
        root = self.root.resolve()
        folder = Path(os.path.abspath(path)).parent.resolve()
        return folder == root or root in folder.parents

    def refuse_inside(self, target: Path | str) -> None:
        """Raise :class:`InsideDataDirError` if ``target`` (a file to write for the clerk) is in the data folder.

        An export or a backup written there could replace a meeting file or the
        library (``-o meetings/<id>.json``), and would mix the clerk's files with ours.
        """
        root = self.root.resolve()
        path = Path(target).expanduser().resolve()
        if path == root or root in path.parents:
            raise InsideDataDirError(target, self.root)

    def backup_zip(self, dest: Path | str) -> ZipReport:
        """Write the data folder (library, meetings, drafts) to a zip outside it; no lock needed."""
        self.refuse_inside(dest)
        return backup_zip(self.root, dest)

    def restore_zip(self, src: Path | str) -> list[str]:
        """Restore the data folder from a zip made by :meth:`backup_zip` (needs the lock).

        The zip is checked completely first; a bad one is refused with
        :class:`~storage.errors.RestoreRefusedError` and nothing changes.
        """
        self._require_lock("復元")
        try:
            return restore_zip(self.root, src, self.backups)
        finally:
            self._forget_library()  # the library (restored, or half-way) is read afresh from the file

    # -- committees (storage/committees.py) --------------------------------
    def committees_and_problems(self) -> tuple[list, list[str]]:
        """Every committee that can be read, and a Japanese message for each that cannot."""
        from storage.committees import read_committees

        return read_committees(self.library)

    def committees(self) -> list:
        """The committees (会議体) that can be read, in stored order (no lock needed).

        Without the library open, only its committees are read (not the index of
        meetings): what the minute-taking screen asks for.
        """
        from storage.committees import committees_from_dicts, list_committees

        if self._library is not None:  # open (under the lock): what the file holds, without reading it again
            return list_committees(self._library)
        return committees_from_dicts(
            committees_in_file(self.root / LIBRARY_FILE, self.backups.finder(LIBRARY_BACKUP_ID))
        )

    def committee_records(self) -> list:
        """The committees as stored (dicts, unchecked): a quick look-up of one setting by the command line."""
        if self._library is not None:  # open (under the lock): what the file holds, without reading it again
            # The open library's records as stored, like the file's below: checked committees would leave
            # out one that cannot be read, whose export style `kaigiroku export` beside the app still finds.
            return self._library.committees()
        return committees_in_file(self.root / LIBRARY_FILE, self.backups.finder(LIBRARY_BACKUP_ID))

    def save_committee(self, committee):
        """Add or replace a committee (needs the lock); returns it as stored.

        :class:`~minutes.committee.CommitteeError` (a Japanese message) if it is not valid.
        """
        from storage.committees import save_committee

        self._require_lock("会議体を保存")
        return save_committee(self.library, committee)

    def delete_committee(self, committee_id: str) -> bool:
        """Remove a committee (its meetings are kept; needs the lock); True if there was one."""
        from storage.committees import delete_committee

        self._require_lock("会議体を削除")
        return delete_committee(self.library, committee_id)

    def previous_meeting(self, committee_name: str, exclude: str | None = None) -> Meeting | None:
        """The newest meeting (by date) of the body ``committee_name`` in the index, or ``None``.

        ``exclude`` skips one meeting id. Raises :class:`StorageError` if its file cannot be read.
        """
        for row in self.list_meetings():
            if row["body"] == committee_name and row["id"] != exclude:
                return self.load_meeting(row["id"])
        return None

    # -- trash, search, draft/final (storage/trash.py, storage/search.py, minutes/status.py) --
    def delete_meeting(self, meeting_id: str, when: datetime | None = None):
        """Move a meeting (file, draft, index row) to the trash (needs the lock); its :class:`~storage.trash.TrashEntry`."""
        from storage.trash import move_to_trash

        self._require_lock("会議をごみ箱へ移動")
        return move_to_trash(self.root, self.library, meeting_id, when or datetime.now().astimezone())

    def trash_list(self) -> list:
        """The meetings in the trash, newest deletion first (no lock needed)."""
        from storage.trash import list_trash

        return list_trash(self.root)

    def restore_from_trash(self, key: str):
        """Put a meeting back from the trash (needs the lock); refused if its id exists again."""
        from storage.trash import restore_from_trash

        self._require_lock("会議をごみ箱から元に戻")
        return restore_from_trash(self.root, self.library, key)

    def search(self, word: str, limit: int = 500):
        """Every speech and title that holds ``word``, across all meetings (no lock; cached in memory)."""
        return self._search_index().search(self.list_meetings(), word, limit)

    def warm_search(self, pause: float = 0.0) -> int:
        """Read the meetings the search has not cached yet (a search right after is fast); ``pause`` after each."""
        return self._search_index().warm(self.list_meetings(), pause)

    def _search_index(self):
        from storage.search import SearchIndex

        index = self.__dict__.get("_search")
        if index is None:
            index = self.__dict__["_search"] = SearchIndex(self.root)
        return index

    def set_status(self, meeting_id: str, status: str, when: datetime | None = None) -> dict:
        """Mark a meeting final (``"final"``) or reopen it (``"draft"``), recorded in its file (needs the lock).

        Returns the record (``{"action": "確定", "at": …}``); :class:`ValueError`
        (Japanese) if it has that status already. On a failed save nothing changes.
        """
        from minutes import status as meeting_status

        self._require_lock("会議録の状態を変更")
        store = self.open_meeting(meeting_id)
        meeting = store.meeting
        before = (meeting.status, meeting.extra)
        try:
            record = meeting_status.set_status(meeting, status, when or datetime.now().astimezone())
            store.save_header()
        except BaseException:
            meeting.status, meeting.extra = before
            with suppress(StorageError, OSError):  # the first error is the one to tell
                store.close()
            raise
        store.close()
        return record
