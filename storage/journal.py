"""The append journal of an open meeting: each committed entry, durable in a few milliseconds.

Rewriting a whole meeting file for every Enter costs time in proportion to
the meeting (tens of milliseconds at 10,000 entries, most of it in JSON and
fsync of megabytes). Instead, a new entry at the end of an item is appended
to ``meetings/<id>.journal`` as one line and the line is fsynced; the meeting
file itself is rewritten (atomically, as always) only now and then — after
a few hundred entries, when a backup is due, on any other change, and when
the meeting is closed — and the journal is then emptied.

A line is ``<crc32 in 8 hex digits> <JSON>\\n``. Reading skips any line whose
checksum or JSON does not hold (a line torn by a crash or a power cut), so a
damaged tail never hides the lines before it. Replaying is idempotent: an
entry whose uid the item already has is skipped, so a crash between the
rewrite of the meeting file and the removal of the journal loses and doubles
nothing.
"""

from __future__ import annotations

import errno
import json
import os
import zlib
from pathlib import Path
from typing import Any

from storage import atomic
from storage.errors import LinkRefusedError, WriteFailedError

JOURNAL_SUFFIX = ".journal"


#: Refuse to open a link (POSIX); where the OS has no such flag, :func:`_is_link` checks first.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _is_link(path: Path | str, error: OSError | None = None) -> bool:
    """True when ``path`` is a link (the open failed with ELOOP, or the OS cannot refuse links itself)."""
    if error is not None and error.errno == errno.ELOOP:
        return True
    return os.path.islink(path)


def journal_path(meeting_path: Path | str) -> Path:
    """The journal that belongs to a meeting file."""
    path = Path(meeting_path)
    return path.with_name(path.stem + JOURNAL_SUFFIX)


def encode_record(record: dict[str, Any]) -> bytes:
    """One journal line (UTF-8 JSON; a lone surrogate is written as an escape)."""
    try:
        body = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        body = json.dumps(record, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def read_records(path: Path | str) -> list[dict[str, Any]]:
    """The intact records of a journal, in order (none if there is no journal)."""
    if not _NOFOLLOW and _is_link(path):
        raise LinkRefusedError(path)
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return []
    except OSError as error:
        if _is_link(path, error):
            raise LinkRefusedError(path) from None
        raise
    with open(fd, "rb") as handle:
        raw = handle.read()
    records = []
    for line in raw.split(b"\n"):
        if len(line) < 10 or line[8:9] != b" ":
            continue
        body = line[9:]
        try:
            if int(line[:8], 16) != zlib.crc32(body):
                continue
            record = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def apply_records(tables: dict[str, dict[str, Any]], records: list[dict[str, Any]], items_table: str) -> int:
    """Replay journal records onto a meeting file's tables; return how many entries were added."""
    items = tables.get(items_table) or {}
    by_id = {doc.get("id"): doc for doc in items.values() if isinstance(doc, dict)}
    added = 0
    for record in records:
        if record.get("op") != "append":
            continue
        doc = by_id.get(record.get("item"))
        log = doc.get("log") if doc is not None else None
        if not isinstance(log, list):
            continue
        uid = record.get("uid")
        if any(isinstance(existing, dict) and existing.get("uid") == uid for existing in log):
            continue
        log.append({"uid": uid, "entry": record.get("entry")})
        added += 1
    return added


def _sync(fd: int) -> None:
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # Windows, macOS
        os.fsync(fd)


class Journal:
    """The journal file of one open meeting."""

    def __init__(self, meeting_path: Path | str) -> None:
        self.path = journal_path(meeting_path)
        self.count = len(read_records(self.path))

    def append(self, record: dict[str, Any]) -> None:
        """Append one record and make it durable; on failure the journal is as it was."""
        line = encode_record(record)
        created = not self.path.exists()
        # Never through a link: a planted journal link would put the speech in a file outside.
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | getattr(os, "O_BINARY", 0)
        if not _NOFOLLOW and _is_link(self.path):
            raise LinkRefusedError(self.path)
        try:
            fd = os.open(self.path, flags, atomic.FILE_MODE)
        except OSError as error:
            if _is_link(self.path, error):
                raise LinkRefusedError(self.path) from None
            raise WriteFailedError(self.path, error) from error
        try:
            size = os.fstat(fd).st_size
            try:
                if atomic.POSIX and created:
                    os.fchmod(fd, atomic.FILE_MODE)
                written = os.write(fd, line)
                if written != len(line):
                    raise OSError(28, "short write")
                _sync(fd)
                if created:
                    atomic.fsync_dir(self.path.parent)
            except OSError as error:
                try:
                    os.ftruncate(fd, size)
                except OSError:
                    pass
                raise WriteFailedError(self.path, error) from error
        finally:
            os.close(fd)
        self.count += 1

    def clear(self) -> None:
        """Remove the journal (after the meeting file was rewritten with everything in it)."""
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise WriteFailedError(self.path, error) from error
        else:
            atomic.fsync_dir(self.path.parent)
        self.count = 0
