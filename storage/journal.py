"""The journal of an open meeting: each change to the log, durable in a few milliseconds.

Rewriting a whole meeting file for every change costs time in proportion to
the meeting (tens of milliseconds at 10,000 entries, most of it in JSON and
fsync of megabytes). Instead, each change to an item's log (a new entry, an
edit, a deletion, a move, a vote, the undo or redo of any of these) is
appended to ``meetings/<id>.journal`` as one record, of the size of the
change, and the line is fsynced; the meeting file itself is rewritten
(atomically, as always) only now and then — after a few hundred records, when
a backup is due, on any other change, and when the meeting is closed — and
the journal is then removed.

A line is ``<crc32 in 8 hex digits> <JSON>\\n``. Reading skips any line whose
checksum or JSON does not hold (a line torn by a crash or a power cut), so a
damaged tail never hides the lines before it.

Records (``entry`` is an entry exactly as a meeting file's log line holds it,
whatever its kind: this module never looks inside)::

    {"seq": 7, "op": "append", "item": "a3", "uid": "e…", "entry": {...}}
    {"seq": 8, "op": "splice", "splices": [
        {"item": "a3", "at": 12, "remove": ["e…", "e…"],
         "insert": [{"uid": "e…", "entry": {...}}, {"uid": "e…"}]}, ...]}

A splice says: in item ``item``'s log, the entries ``remove`` (by uid) that
stand at ``at`` are replaced by ``insert``. An inserted entry without
``entry`` is one this record removed (a move: the same entry, put elsewhere).
Several splices in one record (a move to another item) are one change.

Every record carries its number, ``seq``, one more than the record before;
the meeting file records the last number it holds (``"journal"`` in its
``_schema`` document). Replay (:func:`replay`, one function for every reader:
the app, ``export``, ``backup`` and search) skips the records the file holds
already, so that a crash between the rewrite of the file and the removal of
the journal, or a journal that could not be removed, never applies a change
twice (an order set again over a later rewrite would undo it). A record
without a number (a journal of an older kaigiroku held only appends) is
applied when its uid is new to the meeting. And a splice whose entries are
not where the record says (a journal replayed over another copy of the file)
is applied by uid: a uid stands once in a meeting, so nothing is doubled.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import zlib
from pathlib import Path
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from storage import atomic
from storage.limits import MAX_FILE_BYTES, TooLargeError
from storage.errors import DamagedFileError, LinkRefusedError, WriteFailedError

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
        # O_NONBLOCK: a named pipe planted at the journal's place would keep the open waiting for a writer.
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return []
    except OSError as error:
        if _is_link(path, error):
            raise LinkRefusedError(path) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):  # (a folder: read() below says so)
        # A pipe is refused, not read as empty: the next entry's append would wait on it for a reader.
        os.close(fd)
        raise DamagedFileError(path, "通常のファイルではありません(装置やパイプなど)")
    if info.st_size > MAX_FILE_BYTES:
        # The app folds its journal every 256 changes: one this large was not written by it, and
        # would be held whole in memory.
        os.close(fd)
        raise DamagedFileError(path, TooLargeError(path, MAX_FILE_BYTES, info.st_size).message)
    with open(fd, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES)  # (one growing meanwhile stops there: a cut line fails its check)
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


def _number(value: object) -> int | None:
    return value if type(value) is int else None


def replay(
    logs: Mapping[Any, list],
    records: Iterable[Mapping[str, Any]],
    folded: int,
    uid_of: Callable[[Any], Any],
    entry_of: Callable[[str, Any], Any],
) -> tuple[int, int]:
    """Apply journal records to the logs of a meeting; return (the last record number, records applied).

    ``logs`` maps each item id to its log (a list, changed in place); the
    entries in it are whatever the reader keeps (the model's entries, or a
    meeting file's ``{"uid", "entry"}`` documents): ``uid_of(entry)`` gives an
    entry's uid and ``entry_of(uid, data)`` makes one from a record's
    ``entry``. Records numbered ``folded`` or lower are in the file already.
    """
    last = folded
    applied = 0
    present: set | None = None
    for record in records:
        seq = _number(record.get("seq"))
        if seq is not None:
            if seq <= folded:
                continue
            last = max(last, seq)
        op = record.get("op")
        if op not in ("append", "splice"):
            continue
        if present is None:
            present = {uid_of(entry) for log in logs.values() for entry in log}
        if op == "append":
            log = log_of(logs, record.get("item"))
            uid = record.get("uid")
            if log is None or not isinstance(uid, str) or uid in present:
                continue
            log.append(entry_of(uid, record.get("entry")))
            present.add(uid)
            applied += 1
        else:
            splices = record.get("splices")
            if not isinstance(splices, list):
                continue
            taken: dict[str, Any] = {}
            done = [_splice(logs, splice, present, taken, uid_of, entry_of) for splice in splices if isinstance(splice, Mapping)]
            applied += any(done)
    return last, applied


def log_of(logs: Mapping[Any, list], item: object) -> list | None:
    """The log of the item a record names; None for one not in the meeting, or a name no item can have.

    Replay applies a record only through this, and a restore counts as left out the entries
    whose item it does not find here: the two agree on which records name an item.
    """
    try:
        log = logs.get(item)
    except TypeError:  # a hand-edited record naming its item by a list or a mapping
        return None
    return log if isinstance(log, list) else None


def _splice(logs, splice: Mapping[str, Any], present: set, taken: dict, uid_of, entry_of) -> bool:
    """Apply one splice; False when there was nothing it could be applied to."""
    log = log_of(logs, splice.get("item"))
    at = _number(splice.get("at"))
    remove = splice.get("remove")
    insert = splice.get("insert")
    if log is None or at is None or not isinstance(remove, list) or not isinstance(insert, list):
        return False  # an item that is gone, or a damaged record: nothing to do
    count = len(remove)
    if 0 <= at <= len(log) - count and all(uid_of(log[at + k]) == remove[k] for k in range(count)):
        gone = log[at : at + count]
        del log[at : at + count]
    else:
        # Not the log this record was written against: apply it by uid.
        wanted = {uid for uid in remove if isinstance(uid, str)}
        positions = [index for index, entry in enumerate(log) if uid_of(entry) in wanted]
        gone = [log[index] for index in positions]
        for index in reversed(positions):
            del log[index]
        at = positions[0] if positions else min(max(at, 0), len(log))
    for entry in gone:
        uid = uid_of(entry)
        taken[uid] = entry
        present.discard(uid)
    new = []
    for spec in insert:
        uid = spec.get("uid") if isinstance(spec, Mapping) else None
        if not isinstance(uid, str) or uid in present:
            continue  # a uid stands once in a meeting
        if "entry" in spec:
            entry = entry_of(uid, spec["entry"])
        elif uid in taken:
            entry = taken[uid]
        else:
            continue
        new.append(entry)
        present.add(uid)
    log[at:at] = new
    return True


def splice_record(splices: Iterable[tuple[str, int, list, list]], encode: Callable[[Any], Any], uid_of: Callable[[Any], str]) -> dict[str, Any]:
    """The record of a change made of ``(item id, at, removed entries, inserted entries)`` splices, in order.

    ``encode(entry)`` writes an inserted entry (as a meeting file's log line
    holds it); an entry this change removed and puts back elsewhere (the same
    object) is written by its uid alone.
    """
    moved: set[int] = set()
    out = []
    for item_id, at, removed, inserted in splices:
        moved.update(id(entry) for entry in removed)
        out.append({
            "item": item_id,
            "at": at,
            "remove": [uid_of(entry) for entry in removed],
            "insert": [
                {"uid": uid_of(entry)} if id(entry) in moved else {"uid": uid_of(entry), "entry": encode(entry)}
                for entry in inserted
            ],
        })
    return {"op": "splice", "splices": out}


def _table_uid(doc: Any) -> Any:
    return doc.get("uid") if isinstance(doc, dict) else None


def apply_records(tables: dict[str, dict[str, Any]], records: list[dict[str, Any]], items_table: str, folded: int = 0) -> int:
    """Replay journal records onto a meeting file's tables (:func:`replay`); return how many were applied."""
    items = tables.get(items_table) or {}
    logs = {doc.get("id"): doc.get("log") for doc in items.values() if isinstance(doc, dict)}
    logs = {item_id: log for item_id, log in logs.items() if isinstance(log, list)}
    return replay(logs, records, folded, _table_uid, lambda uid, data: {"uid": uid, "entry": data})[1]


def _sync(fd: int) -> None:
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # Windows, macOS
        os.fsync(fd)


class Journal:
    """The journal file of one open meeting.

    ``seq`` is the number of the last record written (or held by the meeting
    file, ``folded``): each record appended gets the next one.
    """

    def __init__(self, meeting_path: Path | str, *, folded: int = 0, records: list[dict[str, Any]] | None = None) -> None:
        self.path = journal_path(meeting_path)
        if records is None:
            records = read_records(self.path)
        self.count = len(records)
        self.seq = max([folded, *(seq for seq in (_number(r.get("seq")) for r in records) if seq is not None)])

    def append(self, record: dict[str, Any]) -> None:
        """Append one record, numbered, and make it durable; on failure the journal is as it was."""
        line = encode_record({"seq": self.seq + 1, **record})
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
        self.seq += 1

    def clear(self) -> None:
        """Remove the journal (after the meeting file was rewritten with everything in it).

        The numbering goes on: a journal that could not be removed keeps
        records the file holds, and those are told apart by their numbers.
        """
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise WriteFailedError(self.path, error) from error
        else:
            atomic.fsync_dir(self.path.parent)
        self.count = 0
