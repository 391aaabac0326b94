"""Backups: rotating copies of each meeting file, and the whole data folder as a zip.

Rotating backups live in ``backups/<id>/`` and are named by the UTC time they
were taken and a sequence number, ``20260101T120000Z-000123.json``, so that
names sort by time (the sequence number orders backups taken within one second,
and is what "newest" means). :class:`Backups` takes one when a meeting is
opened (if the file differs from the newest backup) and at most every
``interval`` (5 minutes) while the meeting changes, and keeps the newest
``keep`` (10) per meeting. Copies are atomic and 0600, like every file we write.

:func:`backup_zip` writes ``library.json``, ``meetings/``, ``drafts/``, the
clerk's own styles (``styles/<name>/``) and ``keys.toml`` (not ``backups/``,
``trash/`` nor the lock) to one zip. :func:`restore_zip` checks a zip
completely before it changes anything, then backs up the current meeting files
and restores file by file, each write atomic.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import BinaryIO
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from minutes.safe_text import visible
from storage.atomic import atomic_write, atomic_write_bytes, ensure_private_dir, fsync_dir
from storage.drafts import decode_draft
from storage.journal import JOURNAL_SUFFIX
from storage.errors import DamagedFileError, LinkRefusedError, RestoreRefusedError, WriteFailedError, os_error_reason
from storage.library import rows_from_tables
from storage.limits import MAX_FILE_BYTES, MAX_RESTORE_BYTES, TooLargeError, open_data_file, read_at_most
from storage.meetings import meeting_from_bytes
from storage.paths import (
    BACKUPS_DIR,
    DRAFTS_DIR,
    LIBRARY_FILE,
    MEETING_ID_PATTERN,
    KEYS_FILE,
    MEETINGS_DIR,
    STYLES_DIR,
    TRASH_DIR,
    is_valid_meeting_id,
)
from storage.tinystore import KIND_LIBRARY, decode_tables

#: Default spacing of backups while a meeting changes, and how many are kept.
DEFAULT_INTERVAL = timedelta(minutes=5)
DEFAULT_KEEP = 10

#: The backups of library.json (taken before a restore) go to backups/<this>/.
LIBRARY_BACKUP_ID = "_library"

_BACKUP_NAME = re.compile(r"(\d{8}T\d{6}Z)-(\d{6,})\.json")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(timezone.utc)


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes (None when it is gone); a link or a device raises as :func:`open_data_file` does."""
    try:
        with open_data_file(path) as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def check_backup(path: Path) -> tuple[bool, str]:
    """(readable, what it holds or why it cannot be read) for a meeting backup of the data folder.

    The files screen lists a meeting's backups with it (a backup that cannot be read cannot be chosen).
    """
    try:
        # As a data file: a backup planted as a link is not read through, a pipe not waited on
        # (the list would hold the screen), a device not read without end.
        with open_data_file(path) as handle:
            data = handle.read()
        meeting = meeting_from_bytes(data, path)
    except DamagedFileError as error:
        return False, f"読めません({error.reason})"
    except LinkRefusedError:
        return False, "読めません(リンクです。データフォルダの外は読みません)"
    except ValueError as error:
        return False, f"読めません({error})"
    except OSError as error:
        return False, f"読めません({os_error_reason(error, reading=True)})"
    return True, f"発言・採決{meeting.entry_count()}件"


#: Files are compared and copied this much at a time (a 10,000-entry meeting is 6 MB:
#: never held whole in memory, twice, for a backup).
_CHUNK = 1 << 20


def _same_content(one: Path, other: Path) -> bool:
    """True when both files hold the same bytes (read a chunk at a time)."""
    try:
        if os.stat(one).st_size != os.stat(other).st_size:
            return False
        with open(one, "rb") as first, open(other, "rb") as second:
            while True:
                a = first.read(_CHUNK)
                if a != second.read(_CHUNK):
                    return False
                if not a:
                    return True
    except FileNotFoundError:
        return False


def _copy_into(source: Path) -> Callable[[BinaryIO], None]:
    def write(handle: BinaryIO) -> None:
        with open(source, "rb") as src:
            while chunk := src.read(_CHUNK):
                handle.write(chunk)

    return write


class Backups:
    """The rotating backups under one data folder's ``backups/``.

    ``clock`` returns the current time (tests pass a fake); ``interval`` is the
    least time between two backups of a changing meeting; ``keep`` how many
    backups of each meeting are kept.
    """

    def __init__(
        self,
        folder: Path | str,
        *,
        clock: Clock = utc_now,
        interval: timedelta = DEFAULT_INTERVAL,
        keep: int = DEFAULT_KEEP,
    ) -> None:
        self.folder = Path(folder)
        self.clock = clock
        self.interval = interval
        self.keep = keep
        self._last: dict[str, datetime] = {}

    def folder_for(self, meeting_id: str) -> Path:
        """``backups/<id>/``."""
        if not (is_valid_meeting_id(meeting_id) or meeting_id == LIBRARY_BACKUP_ID):
            raise ValueError(f"not a meeting id: {meeting_id!r}")
        return self.folder / meeting_id

    def list_backups(self, meeting_id: str) -> list[Path]:
        """The backups of a meeting, newest first."""
        try:
            names = os.listdir(self.folder_for(meeting_id))
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = []
        for name in names:
            match = _BACKUP_NAME.fullmatch(name)
            if match:
                found.append((int(match.group(2)), name))
        found.sort(reverse=True)
        return [self.folder_for(meeting_id) / name for _, name in found]

    def newest_backup(self, meeting_id: str) -> Path | None:
        """The newest backup of a meeting, or ``None``."""
        backups = self.list_backups(meeting_id)
        return backups[0] if backups else None

    def finder(self, meeting_id: str) -> Callable[[], Path | None]:
        """A function naming the newest backup (for :class:`DamagedFileError` messages)."""
        return lambda: self.newest_backup(meeting_id)

    def backup_now(self, meeting_id: str, source: Path | str, now: datetime | None = None) -> Path | None:
        """Copy ``source`` into the meeting's backups unless it equals the newest one.

        Returns the new backup, or ``None`` when there was nothing new to keep
        (or no source file). Old backups beyond ``keep`` are removed.
        """
        source = Path(source)
        if not source.is_file():
            return None
        existing = self.list_backups(meeting_id)
        if existing and _same_content(source, existing[0]):
            return None
        sequence = 1
        if existing:
            sequence = int(_BACKUP_NAME.fullmatch(existing[0].name).group(2)) + 1
        moment = _as_utc(now or self.clock())
        folder = ensure_private_dir(self.folder_for(meeting_id), within=self.folder.parent)
        target = folder / f"{moment:%Y%m%dT%H%M%SZ}-{sequence:06d}.json"
        atomic_write(target, _copy_into(source))
        self._rotate(meeting_id)
        return target

    def keep_copy(self, meeting_id: str, data: bytes, why: str) -> Path:
        """Keep ``data`` as ``backups/<id>/<time>-<why>.json``, outside the rotation (never removed by it).

        Used for the file as it was before a migration to a newer schema: it is
        kept for as long as the clerk wants it, and restores with
        ``kaigiroku restore`` like any backup.
        """
        moment = _as_utc(self.clock())
        folder = ensure_private_dir(self.folder_for(meeting_id), within=self.folder.parent)
        target = folder / f"{moment:%Y%m%dT%H%M%SZ}-{why}.json"
        atomic_write_bytes(target, data)
        return target

    def backup_on_open(self, meeting_id: str, source: Path | str) -> Path | None:
        """The backup taken when a meeting is opened (if the file differs from the newest backup)."""
        now = _as_utc(self.clock())
        made = self.backup_now(meeting_id, source, now)
        self._last[meeting_id] = now
        return made

    def maybe_backup(self, meeting_id: str, source: Path | str) -> Path | None:
        """After a save: a backup if the last one is at least ``interval`` old and the file changed."""
        now = _as_utc(self.clock())
        last = self._last.get(meeting_id)
        if last is not None and now - last < self.interval:
            return None
        made = self.backup_now(meeting_id, source, now)
        if made is not None:
            self._last[meeting_id] = now
        return made

    def _rotate(self, meeting_id: str) -> None:
        for old in self.list_backups(meeting_id)[self.keep :]:
            try:
                os.unlink(old)
            except FileNotFoundError:
                pass
            except OSError as error:
                raise WriteFailedError(old, error) from error


# -- the whole data folder as a zip -------------------------------------------------

#: The only names a backup zip may hold (no folders above, no "..", no absolute paths).
_MEMBER = re.compile(
    rf"(?:(?P<library>{re.escape(LIBRARY_FILE)})"
    rf"|{MEETINGS_DIR}/(?P<meeting>{MEETING_ID_PATTERN})\.json"
    rf"|{DRAFTS_DIR}/(?P<draft>{MEETING_ID_PATTERN})\.json"
    rf"|(?P<keys>{re.escape(KEYS_FILE)})"
    # A style's files (the name and the file are checked as storage/styles.py reads them: _check_member)
    rf"|{STYLES_DIR}/(?P<style>[^/\\]+)/(?P<style_file>[^/\\]+))"
)
_ALLOWED_FOLDERS = {f"{MEETINGS_DIR}/", f"{DRAFTS_DIR}/", f"{STYLES_DIR}/"}
_STYLE_FOLDER = re.compile(rf"{STYLES_DIR}/[^/\\]+/")


@dataclass
class ZipReport:
    """What :func:`backup_zip` wrote: the zip, its members, and damaged files it left out."""

    path: Path
    members: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _folder_files(root: Path, folder: str) -> list[tuple[str, Path]]:
    try:
        names = sorted(os.listdir(root / folder))
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        member = f"{folder}/{name}"
        if _MEMBER.fullmatch(member) and (root / member).is_file():
            found.append((member, root / member))
    return found


def _style_files(root: Path) -> list[tuple[str, Path]]:
    """The files of the clerk's own styles that the app reads (style.toml, the .j2 templates)."""
    from storage.styles import SETTINGS_FILE, TEMPLATE_SUFFIX, data_style_names

    found = []
    for name in data_style_names(root):  # (a linked styles folder or style folder: none)
        for member, path in _folder_files(root, f"{STYLES_DIR}/{name}"):
            file = path.name
            if file == SETTINGS_FILE or file.endswith(TEMPLATE_SUFFIX):
                found.append((member, path))
    return found


def backup_zip(root: Path | str, dest: Path | str) -> ZipReport:
    """Write ``library.json``, ``meetings/``, ``drafts/``, the clerk's styles and ``keys.toml`` to the zip ``dest``.

    The styles and the keys are the clerk's work as much as the minutes: a
    restore on another machine must bring back the city's layout and the keys.

    The zip is written to a temporary file and renamed into place (0600).
    A meeting file that cannot be read is left out and listed in ``skipped``
    (the zip must restore cleanly); no lock is needed.
    """
    root = Path(root)
    dest = Path(dest)
    files: list[tuple[str, bytes]] = []
    report = ZipReport(dest)
    candidates = []
    if (root / LIBRARY_FILE).is_file():
        candidates.append((LIBRARY_FILE, root / LIBRARY_FILE))
    candidates += _folder_files(root, MEETINGS_DIR) + _folder_files(root, DRAFTS_DIR)
    if (root / KEYS_FILE).is_file():
        candidates.append((KEYS_FILE, root / KEYS_FILE))
    candidates += _style_files(root)
    from storage.meetings import merged_meeting_bytes

    for member, path in candidates:
        data = None
        if member.startswith(f"{MEETINGS_DIR}/"):
            try:
                # With the entries still in the journal of an open meeting, the pair read consistently.
                data = merged_meeting_bytes(path)
            except (DamagedFileError, OSError):
                data = None
        if data is None:
            try:
                data = _read_bytes(path)
            except (LinkRefusedError, ValueError) as error:  # never read through a link, nor a device
                report.skipped.append((member, str(error)))  # (data is still None: left out just below)
        if data is None:
            continue
        try:
            _check_member(member, data)
        except (DamagedFileError, ValueError) as error:
            report.skipped.append((member, str(error)))
            continue
        files.append((member, data))

    import zipfile  # only for a zip backup (the start of the app does not wait for it)

    def write(handle):
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member, data in files:
                archive.writestr(member, data)

    atomic_write(dest, write)
    report.members = [member for member, _ in files]
    return report


def _check_member(member: str, data: bytes) -> None:
    """Raise if ``data`` is not a readable file of the kind its name says."""
    match = _MEMBER.fullmatch(member)
    if match is None:
        raise ValueError(f"不明なファイル名です: {member}")
    if match.group("library"):
        rows_from_tables(decode_tables(data, member, KIND_LIBRARY), member)
    elif match.group("meeting"):
        meeting_from_bytes(data, member)
    elif match.group("keys"):
        from storage.keys_file import MAX_KEYS_BYTES

        _check_text(data, MAX_KEYS_BYTES)
    elif match.group("style"):
        from storage.styles import MAX_FILE_BYTES as MAX_STYLE_BYTES
        from storage.styles import SETTINGS_FILE, TEMPLATE_SUFFIX, StyleNameError, check_style_name

        try:
            check_style_name(match.group("style"))
        except StyleNameError:
            raise ValueError("スタイルの名前として使えません") from None
        file = match.group("style_file")
        if file.startswith(".") or not (file == SETTINGS_FILE or file.endswith(TEMPLATE_SUFFIX)):
            raise ValueError(f"スタイルのファイル({SETTINGS_FILE} か {TEMPLATE_SUFFIX})ではありません")
        _check_text(data, MAX_STYLE_BYTES)
    else:
        try:
            decode_draft(data)
        except ValueError:
            raise ValueError("入力中の下書きとして読めません") from None  # (the caller names the member)


def _check_text(data: bytes, limit: int) -> None:
    """A text file the app reads as UTF-8, within its own limit."""
    if len(data) > limit:
        raise ValueError(f"大きすぎます({limit // 1024} KB まで)")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("UTF-8 のテキストではありません") from None


def _open_zip(src: Path):
    import stat
    import zipfile

    try:
        if not stat.S_ISREG(os.stat(src).st_mode):  # /dev/zero was read until the memory ran out
            raise RestoreRefusedError(src, "ふつうのファイルではありません(装置やパイプなど)")
        return zipfile.ZipFile(src)
    except FileNotFoundError:
        raise RestoreRefusedError(src, "ファイルが見つかりません") from None
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):  # (a zip format version it does not know)
        raise RestoreRefusedError(src, "ZIPファイルとして読めません") from None


def _members(src: Path, archive) -> list:
    """The zip's file members (folder entries left out), after checking their names."""
    seen: set[str] = set()
    infos = []
    for info in archive.infolist():
        name = info.filename
        shown = visible(name)  # a hostile zip's member name goes into the message: no escape sequence
        if info.is_dir() and (name in _ALLOWED_FOLDERS or _STYLE_FOLDER.fullmatch(name)):
            continue
        if _MEMBER.fullmatch(name) is None:
            raise RestoreRefusedError(src, f"kaigirokuのバックアップにないファイル「{shown}」が入っています")
        if name in seen:
            raise RestoreRefusedError(src, f"「{shown}」が二重に入っています")
        if info.file_size > MAX_FILE_BYTES:  # what the zip says: refused before unpacking anything
            raise RestoreRefusedError(src, TooLargeError(name, MAX_FILE_BYTES, info.file_size).message)
        seen.add(name)
        infos.append(info)
    if LIBRARY_FILE not in seen:
        raise RestoreRefusedError(src, f"{LIBRARY_FILE}が入っていません")
    styles: dict[str, int] = {}
    for name in seen:
        match = _MEMBER.fullmatch(name)
        if match.group("style"):
            styles[match.group("style")] = styles.get(match.group("style"), 0) + 1
    if styles:
        from storage.styles import MAX_FILES

        crowded = sorted(style for style, count in styles.items() if count > MAX_FILES)
        if crowded:
            raise RestoreRefusedError(src, f"スタイル「{visible(crowded[0])}」のファイルが多すぎます({MAX_FILES}個まで)")
    return infos


def _read_member(src: Path, archive, info, counted: list[int]) -> bytes:
    """One member, unpacked in pieces and checked; never more than :data:`MAX_FILE_BYTES` of it in memory.

    ``counted`` holds what this zip has unpacked so far, against :data:`MAX_RESTORE_BYTES`
    (the sizes a zip declares can lie: the bytes that come out are counted).
    """
    import zipfile
    import zlib

    name = info.filename

    def count(size: int) -> None:
        counted[0] += size
        if counted[0] > MAX_RESTORE_BYTES:
            raise RestoreRefusedError(src, "中身が大きすぎます")

    try:
        with archive.open(info) as handle:
            data = read_at_most(handle, name, MAX_FILE_BYTES, count)
    except TooLargeError as error:
        raise RestoreRefusedError(src, error.message) from None
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        # zipfile's own words are English: say it in Japanese (a damaged deflate stream is zlib's error, unwrapped)
        raise RestoreRefusedError(src, f"「{name}」を取り出せません: 壊れているか、暗号化か未対応の圧縮方式です") from None
    try:
        _check_member(name, data)
    except DamagedFileError as error:
        raise RestoreRefusedError(src, f"「{name}」が読めません: {error.reason}") from None
    except ValueError as error:
        raise RestoreRefusedError(src, f"「{name}」が読めません: {error}") from None
    return data


def zip_contents(members: list[str]) -> str:
    """What a backup zip holds, for the clerk: ``会議3件、スタイル「うちの市」、キーの割り当て(keys.toml)``."""
    meetings = sum(1 for name in members if name.startswith(f"{MEETINGS_DIR}/"))
    styles = sorted({name.split("/")[1] for name in members if name.startswith(f"{STYLES_DIR}/")})
    parts = [f"会議{meetings}件"]
    if styles:
        parts.append("スタイル" + "・".join(f"「{visible(style)}」" for style in styles))
    if KEYS_FILE in members:
        parts.append(f"キーの割り当て({KEYS_FILE})")
    return "、".join(parts)


def read_restore_zip(src: Path | str) -> list[str]:
    """Check a backup zip completely; its members' names, or :class:`RestoreRefusedError`.

    Every member must be ``library.json``, ``meetings/<id>.json``,
    ``drafts/<id>.json``, ``keys.toml`` or a style's ``styles/<name>/style.toml``
    or ``….j2`` (no absolute or ``..`` paths, a name a style may have), at most
    :data:`MAX_FILE_BYTES` unpacked, every file readable as its kind, and
    ``library.json`` present. Members are unpacked one at a time, in pieces,
    and let go once checked: a zip bomb is refused without filling the memory.
    """
    src = Path(src)
    with _open_zip(src) as archive:
        counted = [0]
        infos = _members(src, archive)
        for info in infos:
            _read_member(src, archive, info, counted)
        return [info.filename for info in infos]


def restore_zip(root: Path | str, src: Path | str, backups: Backups) -> list[str]:
    """Restore the data folder from a backup zip; returns the restored members.

    The caller holds the write lock. The zip is checked completely first
    (:func:`read_restore_zip`); if it is refused nothing changes. Then every
    current meeting file is backed up into ``backups/`` (``library.json``
    into ``backups/_library/``), the zip's files are written one by one, each
    atomically, ``library.json`` last, and then meeting and draft files that
    the zip does not hold are moved into ``trash/restore-<time>/``. Styles and
    ``keys.toml`` the zip holds are written; those it does not (a zip of an
    older kaigiroku holds none) are left as they are.
    """
    root = Path(root)
    src = Path(src)
    members = read_restore_zip(src)
    for folder in (MEETINGS_DIR, DRAFTS_DIR, BACKUPS_DIR):
        ensure_private_dir(root / folder, within=root)

    for member, path in _folder_files(root, MEETINGS_DIR):
        backups.backup_now(Path(member).stem, path)
    if (root / LIBRARY_FILE).is_file():
        backups.backup_now(LIBRARY_BACKUP_ID, root / LIBRARY_FILE)

    stamp = f"restore-{_as_utc(backups.clock()):%Y%m%dT%H%M%SZ}"

    # Journals of the meetings being replaced belong to the old files: set them aside.
    for name in os.listdir(root / MEETINGS_DIR) if (root / MEETINGS_DIR).is_dir() else []:
        if name.endswith(JOURNAL_SUFFIX):
            trash = ensure_private_dir(root / TRASH_DIR / stamp / MEETINGS_DIR, within=root)
            try:
                os.replace(root / MEETINGS_DIR / name, trash / name)
            except OSError as error:
                raise WriteFailedError(root / MEETINGS_DIR / name, error) from error
            fsync_dir(trash)  # in the trash for good before the meetings folder is written again

    ordered = sorted(members, key=lambda name: name == LIBRARY_FILE)
    # Each member is unpacked (and checked) again as it is written, one at a time:
    # the memory holds one meeting, never the whole zip.
    with _open_zip(src) as archive:
        counted = [0]
        infos = {info.filename: info for info in _members(src, archive)}
        for member in ordered:
            data = _read_member(src, archive, infos[member], counted)
            if member.startswith(f"{STYLES_DIR}/"):
                ensure_private_dir((root / member).parent, within=root)
            atomic_write_bytes(root / member, data)

    # Files the zip does not hold go to the trash last: a restore that fails
    # half-way leaves every meeting the (old or new) library lists readable; a retry finishes.
    for folder in (MEETINGS_DIR, DRAFTS_DIR):
        for member, path in _folder_files(root, folder):
            if member in members:
                continue
            trash = ensure_private_dir(root / TRASH_DIR / stamp / folder, within=root)
            try:
                os.replace(path, trash / path.name)
            except OSError as error:
                raise WriteFailedError(path, error) from error
            fsync_dir(trash)  # (named there for good before its leaving the folder is, just below)
        fsync_dir(root / folder)
    return ordered

