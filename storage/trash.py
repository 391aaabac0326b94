"""The trash (ごみ箱): deleted meetings, kept whole until they are restored.

Deleting a meeting moves its file and its entry-bar draft into a folder of
its own under ``trash/``, with a small record of when it was deleted and its
index row, and then takes the row out of the library::

    trash/<key>/record.json    {"kind": "trash", "version": 1, "id": "20220315-1a2b",
                                "deleted": "2026-01-05T10:15:00+09:00",
                                "row": {...the library row...}, "file_missing": false}
    trash/<key>/meeting.json   the meeting file, as it was (moved, not copied)
    trash/<key>/meeting.journal  its journal of entries not yet folded in, if there was one
    trash/<key>/draft.json     the draft, if there was one

``<key>`` is the meeting id; if a folder of that name is in the trash already
(a later meeting that drew the same id was deleted too) it is ``<id>~2``,
``<id>~3``… (``~`` never occurs in an id). The meeting's backups stay where
they are (``backups/<id>/``).

Every step is a rename within the data folder (atomic) followed by an fsync
of the folders concerned; the record is complete before the folder gets its
name, and a failed step puts back what was moved. A crash in the middle
leaves at worst a meeting that is listed but whose file is in the trash:
restoring it then puts it back (a row without its file does not count as
"the id exists again").

Restoring refuses when a meeting with the same id is in the data folder
again (its file exists): nothing is overwritten.

Other files in ``trash/`` (what a restore from a backup moved aside,
``<id>-<time>.json``) are not entries and are left alone. Reading the trash
needs no lock; deleting and restoring need the data folder's write lock,
which :class:`storage.datadir.DataDir` checks.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from storage.atomic import _replace, atomic_write_bytes, check_real_folders, ensure_private_dir, fsync_dir
from storage.errors import StorageError, UnknownMeetingError, WriteFailedError
from storage.journal import journal_path
from storage.limits import open_data_file
from storage.library import Library, check_row
from storage.paths import DRAFTS_DIR, MEETING_SUFFIX, MEETINGS_DIR, TRASH_DIR, is_valid_meeting_id

RECORD_FILE = "record.json"
MEETING_FILE = "meeting.json"
JOURNAL_FILE = "meeting.journal"
DRAFT_FILE = "draft.json"
RECORD_KIND = "trash"
RECORD_VERSION = 1
#: Separates the meeting id from the number in a key (never part of an id).
KEY_MARK = "~"


class TrashError(StorageError):
    """A delete or restore that cannot be done; ``.message`` says why and what to do."""


@dataclass(frozen=True)
class TrashEntry:
    """One deleted meeting in the trash."""

    key: str
    """The folder name under ``trash/``; what :func:`restore_from_trash` takes."""
    meeting_id: str
    deleted: str
    """When it was deleted (ISO 8601, with the UTC offset)."""
    row: dict[str, Any]
    """Its library row as it was (date, title, body, status, entry count …)."""
    has_draft: bool = False
    file_missing: bool = False
    """The meeting's file was already missing when it was deleted (only the row was removed)."""

    @property
    def deleted_at(self) -> datetime | None:
        """``deleted`` as a datetime, or ``None`` if it cannot be read."""
        try:
            return datetime.fromisoformat(self.deleted)
        except ValueError:
            return None


def _stamp(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.astimezone()  # a naive time is local time
    return when.isoformat(timespec="seconds")


def _valid_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    base, mark, number = key.partition(KEY_MARK)
    return is_valid_meeting_id(base) and (not mark or number.isdigit())


def _free_key(trash: Path, meeting_id: str) -> str:
    key = meeting_id
    number = 1
    while (trash / key).exists():
        number += 1
        key = f"{meeting_id}{KEY_MARK}{number}"
    return key


def _move(source: Path, target: Path) -> None:
    try:
        _replace(source, target)
    except OSError as error:
        raise WriteFailedError(target, error) from error


def _fsync(*folders: Path) -> None:
    for folder in folders:
        try:
            fsync_dir(folder)
        except OSError:
            pass


def _remove_entry_folder(folder: Path) -> None:
    """Remove a trash folder's record and the folder itself, quietly (what is left is harmless)."""
    for name in (RECORD_FILE,):
        try:
            os.unlink(folder / name)
        except OSError:
            pass
    try:
        os.rmdir(folder)
    except OSError:
        pass


# -- delete ---------------------------------------------------------------------------
def move_to_trash(root: Path | str, library: Library, meeting_id: str, when: datetime) -> TrashEntry:
    """Move a meeting (file, draft, index row) to the trash; the caller holds the write lock.

    :class:`~storage.errors.UnknownMeetingError` if the library has no such
    meeting; :class:`~storage.errors.WriteFailedError` if a step fails (what
    was moved is put back).
    """
    root = Path(root)
    if not is_valid_meeting_id(meeting_id):
        raise UnknownMeetingError(str(meeting_id), root)
    row = library.get_row(meeting_id)
    if row is None:
        raise UnknownMeetingError(meeting_id, root)
    meeting_path = root / MEETINGS_DIR / f"{meeting_id}{MEETING_SUFFIX}"
    draft_path = root / DRAFTS_DIR / f"{meeting_id}.json"
    trash = ensure_private_dir(root / TRASH_DIR, within=root)
    for folder in (meeting_path.parent, draft_path.parent):
        check_real_folders(folder, root)  # never move a file in from (or a link to) outside
    key = _free_key(trash, meeting_id)
    file_missing = not meeting_path.exists()
    record = {
        "kind": RECORD_KIND,
        "version": RECORD_VERSION,
        "id": meeting_id,
        "deleted": _stamp(when),
        "row": row,
        "file_missing": file_missing,
    }
    # The record first, in a folder of a temporary name; the folder is named when it is complete.
    staging = trash / f".{key}.{os.urandom(4).hex()}.partial"
    ensure_private_dir(staging, within=root)
    folder = trash / key
    try:
        atomic_write_bytes(staging / RECORD_FILE, json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))
        _move(staging, folder)
    except BaseException:
        _remove_entry_folder(staging)
        raise
    _fsync(trash)

    moved: list[tuple[Path, Path]] = []
    try:
        if not file_missing:
            _move(meeting_path, folder / MEETING_FILE)
            moved.append((meeting_path, folder / MEETING_FILE))
        journal = journal_path(meeting_path)
        if journal.exists():
            _move(journal, folder / JOURNAL_FILE)
            moved.append((journal, folder / JOURNAL_FILE))
        if draft_path.exists():
            _move(draft_path, folder / DRAFT_FILE)
            moved.append((draft_path, folder / DRAFT_FILE))
        _fsync(folder, meeting_path.parent, draft_path.parent)
        library.remove_row(meeting_id)
    except BaseException:
        for original, in_trash in reversed(moved):
            try:
                _replace(in_trash, original)
            except OSError:
                pass
        _fsync(meeting_path.parent, draft_path.parent)
        _remove_entry_folder(folder)
        _fsync(trash)
        raise
    has_draft = any(original == draft_path for original, _ in moved)
    return TrashEntry(key, meeting_id, record["deleted"], dict(row), has_draft=has_draft, file_missing=file_missing)


# -- list -----------------------------------------------------------------------------
def read_entry(root: Path | str, key: str) -> TrashEntry | None:
    """The entry in ``trash/<key>/``, or ``None`` if there is none (or it is incomplete or unreadable)."""
    if not _valid_key(key):
        return None
    folder = Path(root) / TRASH_DIR / key
    try:
        # As a data file: a record planted as a named pipe would hold the trash's list until a
        # writer came; one planted as a link is not read through.
        with open_data_file(folder / RECORD_FILE) as handle:
            record = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):  # (a refused link is an OSError; a pipe or a device a ValueError)
        return None
    if not isinstance(record, dict) or record.get("kind") != RECORD_KIND:
        return None
    version = record.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= RECORD_VERSION:
        return None
    meeting_id, deleted, row = record.get("id"), record.get("deleted"), record.get("row")
    if not is_valid_meeting_id(meeting_id) or not isinstance(deleted, str) or not isinstance(row, dict):
        return None
    try:
        row = check_row(row)
    except ValueError:
        return None
    file_missing = record.get("file_missing") is True
    if not file_missing and not (folder / MEETING_FILE).is_file():
        return None  # a delete that stopped half-way: the meeting is still in its place
    return TrashEntry(
        key=key,
        meeting_id=meeting_id,
        deleted=deleted,
        row=row,
        has_draft=(folder / DRAFT_FILE).is_file(),
        file_missing=file_missing,
    )


def list_trash(root: Path | str) -> list[TrashEntry]:
    """Every meeting in the trash, the newest deletion first (no lock needed, nothing written)."""
    try:
        names = os.listdir(Path(root) / TRASH_DIR)
    except OSError:
        return []
    entries = [entry for name in names if not name.startswith(".") and (entry := read_entry(root, name))]

    def newest(entry: TrashEntry) -> tuple[float, str]:
        at = entry.deleted_at
        if at is None:
            return (0.0, entry.deleted)
        if at.tzinfo is None:
            at = at.astimezone()
        return (at.timestamp(), entry.key)

    return sorted(entries, key=newest, reverse=True)


# -- restore --------------------------------------------------------------------------
def restore_from_trash(root: Path | str, library: Library, key: str) -> TrashEntry:
    """Put a meeting back from the trash (file, draft, index row); the caller holds the write lock.

    Refuses with :class:`TrashError` when the entry is not there, or when a
    meeting with the same id is in the data folder again.
    """
    root = Path(root)
    entry = read_entry(root, key)
    if entry is None:
        raise TrashError(
            f"ごみ箱に「{key}」はありません。ごみ箱の一覧を開き直して確かめてください。", path=root / TRASH_DIR
        )
    meeting_id = entry.meeting_id
    folder = root / TRASH_DIR / key
    check_real_folders(folder, root)  # a linked entry would bring files in and remove them outside
    meeting_path = root / MEETINGS_DIR / f"{meeting_id}{MEETING_SUFFIX}"
    draft_path = root / DRAFTS_DIR / f"{meeting_id}.json"
    journal = journal_path(meeting_path)
    if meeting_path.exists() or journal.exists():
        title = library.get_row(meeting_id)
        name = f"「{title['title']}」" if title else ""
        raise TrashError(
            f"同じID({meeting_id})の会議{name}がすでにあるため、元に戻せません。何も変えていません。"
            "その会議をごみ箱へ移すか書き出してから、もう一度元に戻してください。",
            path=meeting_path,
        )
    ensure_private_dir(meeting_path.parent, within=root)
    moved: list[tuple[Path, Path]] = []
    try:
        if not entry.file_missing:
            _move(folder / MEETING_FILE, meeting_path)
            moved.append((folder / MEETING_FILE, meeting_path))
        if (folder / JOURNAL_FILE).is_file():
            _move(folder / JOURNAL_FILE, journal)
            moved.append((folder / JOURNAL_FILE, journal))
        if entry.has_draft and not draft_path.exists():
            ensure_private_dir(draft_path.parent, within=root)
            _move(folder / DRAFT_FILE, draft_path)
            moved.append((folder / DRAFT_FILE, draft_path))
        _fsync(meeting_path.parent, draft_path.parent, folder)
        library.update_row(entry.row)
    except BaseException:
        for in_trash, original in reversed(moved):
            try:
                _replace(original, in_trash)
            except OSError:
                pass
        _fsync(meeting_path.parent, draft_path.parent, folder)
        raise
    # The meeting is back; the trash folder goes (a draft left in it, when a newer one was there, stays).
    _remove_entry_folder(folder)
    _fsync(root / TRASH_DIR)
    return entry
