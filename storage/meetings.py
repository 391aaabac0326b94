"""One meeting file: the whole :class:`~minutes.model.Meeting` in memory, saved whole and atomically.

A meeting file (``meetings/<id>.json``) is a TinyDB database (the JSON of
TinyDB's tables, as :class:`~storage.tinystore.AtomicJSONStorage` writes them;
TinyDB opens it) with these tables::

    _schema  {"1": {"kind": "meeting", "version": 2, "journal": 42}}   (the storage's own;
             "journal": the last journal record the file holds, absent for none;
             "version": 2, or 1 for a file of the previous release, read as it is)
    meta     one document (doc id 1): the meeting's top-level fields, exactly as
             minutes.interchange.meeting_to_dict writes them, without
             "people" and "agenda" (so "format" and "version" are kept too)
    people   one document per person: {"order": 0, "person": {...Person dict...}}
             ("votes" is left out when the person has the default voting right,
             Person.votes None, so that a reload gives back the same Person)
    items    one document per agenda item:
             {"id": "a1", "order": 0,
              "item": {...Item dict without "log"...},
              "log": [{"uid": "e…", "entry": {...Entry dict...}}, ...]}

The dictionaries inside are the interchange format's (``shared/meeting-format.md``),
written by :mod:`minutes.interchange`. They are read back here, checking their
shape only (keys and types), not by the strict interchange reader: a meeting
file must load again exactly as the app stored it, even text with control
characters or a ballot of someone later marked absent, which an import
refuses. Every kind of entry (speech, vote, note, event) is one line
``{"uid": …, "entry": {…}}`` with the entry as :func:`minutes.interchange.entry_to_dict`
writes it, in the file and in the journal alike: a new kind of entry needs
only the interchange's writer and :func:`_entry_from` here.

Schema versions: version 2 files hold format version 2 (roles, notes, events,
votes by method, documents, signers, disclosure, style); a version 1 file (the
previous release's) is read as it is, without writing, by ``list`` and
``export``. When it is opened for writing, :class:`MeetingStore` first keeps a
copy of it (``backups/<id>/<time>-schema1.json``, outside the rotation) and then
rewrites it atomically as version 2, so an older kaigiroku refuses the new file
with a clear message instead of misreading it. Each entry's internal ``uid`` (which the interchange format never
carries) is stored next to its dictionary and set back on the loaded entry, so
the UI's references to entries survive a reload.

:class:`MeetingStore` loads the meeting once; the UI changes
``store.meeting`` in memory and then calls one ``save_*`` method. Each save is
one atomic write of the whole file, written from the meeting itself: the store
keeps no second copy of the tables (TinyDB's cache of a 10,000-entry meeting
would be 10 MB of JSON objects beside the model). Changes to the logs go to
the journal instead, one record of the size of the change
(:meth:`MeetingStore.append_entry`, :meth:`MeetingStore.save_change`;
:mod:`storage.journal` describes the records and their replay).
The file is laid out one entry per line (see "the file, line by line" below),
so that it is read without holding it whole in memory.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from minutes.model import (
    METHOD_ROLL,
    RULE_MAJORITY,
    SECTION_AGENDA,
    Disclosure,
    Document,
    Entry,
    Event,
    Item,
    Meeting,
    Note,
    Person,
    Speech,
    Vote,
)
from storage.atomic import atomic_write_bytes
from storage.errors import DamagedFileError, StorageError
from storage.journal import Journal, journal_path, log_of, read_records, replay, splice_record
from storage.limits import open_data_file
from storage.tinystore import (
    KIND_MEETING,
    BackupFinder,
    decode_document,
    decode_tables,
    read_file_once,
    schema_version,
)

#: The schema version of the meeting files this kaigiroku writes.
SCHEMA_VERSION = schema_version(KIND_MEETING)
#: Older versions it reads (and migrates when the meeting is opened for writing).
#: Version 1 is the same tables without v2's keys: every v1 file is a v2 file.
READABLE_VERSIONS = (1, SCHEMA_VERSION)

META = "meta"
PEOPLE = "people"
ITEMS = "items"

#: The key of the ``_schema`` document that holds the number of the last journal record in the file.
JOURNAL_KEY = "journal"

#: A journal of this many records is folded into the meeting file by the next change.
JOURNAL_LIMIT = 256
#: Seconds after which the next commit rewrites the meeting file (and a backup may follow).
JOURNAL_MAX_AGE = 300.0
#: From this share of :data:`JOURNAL_LIMIT` or :data:`JOURNAL_MAX_AGE` on, :meth:`MeetingStore.fold_soon`
#: says so: the app then folds the journal when the clerk pauses, so that the rewrite (tens of
#: milliseconds at 10,000 entries) rarely falls on a keystroke.
FOLD_EARLY = 0.75


# -- the tables of a meeting ----------------------------------------------------


def journal_number(schema: object) -> int:
    """The last journal record a meeting file holds, from its ``_schema`` document (0: none)."""
    value = schema.get(JOURNAL_KEY, 0) if isinstance(schema, dict) else 0
    return value if type(value) is int and value > 0 else 0


def _interchange():
    """minutes.interchange, imported at the first save (opening a meeting does not need it)."""
    from minutes import interchange

    return interchange


def prepare_saves() -> None:
    """Import now what the first save needs (about 30 ms): for the app, once its first frame is out,
    so that the clerk's first Enter does not wait for it."""
    _interchange()


def _header_doc(meeting: Meeting) -> dict[str, Any]:
    header = _interchange().meeting_to_dict(dataclasses.replace(meeting, people=[], agenda=[]))
    del header["people"], header["agenda"]
    return header


def _person_dict(person: Person) -> dict[str, Any]:
    data = _interchange().person_to_dict(person)
    if person.votes is None:
        # person_to_dict spells out the default voting right; keep "default" as it is.
        data.pop("votes", None)
    if person.role is None:
        # ... and the default role, which follows the title when the title changes.
        data.pop("role", None)
    return data


def _people_docs(meeting: Meeting) -> list[dict[str, Any]]:
    return [{"order": order, "person": _person_dict(person)} for order, person in enumerate(meeting.people)]


# -- the file, line by line -------------------------------------------------------
#
# A meeting file is the JSON of TinyDB's tables (TinyDB itself opens it), laid out
# so that it can be written and read one entry at a time: the schema, the header
# and the people on a line each, then per agenda item a line that opens it, one
# line per entry of its log, and a line that closes it::
#
#     {"_schema": {"1": {"kind": "meeting", "version": 2}},
#     "meta": {"1": {...}},
#     "people": {"1": {...}, "2": {...}},
#     "items": {
#     "1": {"id": "a1", "order": 0, "item": {...}, "log": [
#     {"uid": "e…", "entry": {...}},
#     {"uid": "e…", "entry": {...}}
#     ]},
#     "2": {"id": "a2", "order": 1, "item": {...}, "log": [
#     ]}
#     }}
#
# Reading builds the entries as the lines go by, so that a 10,000-entry meeting
# never exists twice in memory (as JSON objects and as the model): the reader
# of any other JSON layout of the same tables (an older file, one edited by
# hand) parses the whole file instead, with the same result.

_LINE_SCHEMA = b'{"_schema": '
_LINE_META = b'"meta": '
_LINE_PEOPLE = b'"people": '
_LINE_ITEMS = b'"items": {\n'
_LOG_OPEN = b', "log": [\n'
_ITEM_KEY = re.compile(rb'"([0-9]+)": ')
#: Entry lines parsed in one go.
_BATCH = 512


def _entry_line(entry: Entry) -> dict[str, Any]:
    """An entry as the file's log and the journal hold it (one encoding for both, whatever the entry's kind)."""
    return {"uid": entry.uid, "entry": _interchange().entry_to_dict(entry)}


def _entry_data(entry: Entry) -> Any:
    return _interchange().entry_to_dict(entry)


def _meeting_text(meeting: Meeting, ensure_ascii: bool, journal: int = 0) -> str:
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=ensure_ascii)

    # Written with the reader's own line starts: a drift would send every file to the slow reader.
    schema_doc: dict[str, Any] = {"kind": KIND_MEETING, "version": SCHEMA_VERSION}
    if journal:
        schema_doc[JOURNAL_KEY] = journal
    schema = {"1": schema_doc}
    parts = [
        f"{_LINE_SCHEMA.decode()}{dumps(schema)},\n",
        f"{_LINE_META.decode()}{dumps({'1': _header_doc(meeting)})},\n",
        f"{_LINE_PEOPLE.decode()}{dumps({str(n): doc for n, doc in enumerate(_people_docs(meeting), 1)})},\n",
        _LINE_ITEMS.decode(),
    ]
    interchange = _interchange()
    for number, item in enumerate(meeting.agenda, 1):
        item_dict = interchange.item_to_dict(item, with_log=False)
        item_dict.pop("log", None)
        head = dumps({"id": item.id, "order": number - 1, "item": item_dict})
        parts.append(f"{',' if number > 1 else ''}\"{number}\": {head[:-1]}{_LOG_OPEN.decode()}")
        lines = [dumps(_entry_line(entry)) for entry in item.log]
        if lines:
            parts.append(",\n".join(lines))
            parts.append("\n")
        parts.append("]}\n")
    parts.append("}}\n")
    return "".join(parts)


def encode_meeting(meeting: Meeting, journal: int = 0) -> bytes:
    """The bytes of a meeting file for ``meeting`` (UTF-8, one entry per line).

    ``journal`` is the number of the last journal record the meeting holds.
    """
    try:
        return _meeting_text(meeting, ensure_ascii=False, journal=journal).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a broken paste) has no UTF-8 form: write \uXXXX
        # escapes for this file instead, which read back to the same text.
        return _meeting_text(meeting, ensure_ascii=True, journal=journal).encode("ascii")


class _NotLines(Exception):
    """The file is not in the line layout (the whole-file reader takes over)."""


def _table_line(line: bytes, prefix: bytes) -> Any:
    if not line.startswith(prefix) or not line.endswith(b",\n"):
        raise _NotLines
    return json.loads(line[len(prefix) : -2])


def _meeting_from_lines(
    lines: Iterator[bytes], path: Path | str, backup_finder: BackupFinder | None
) -> tuple[Meeting, int]:
    """The meeting from a file in the line layout, its journal number and schema version; :class:`_NotLines` for any other layout."""
    try:
        schema_table = _table_line(next(lines), _LINE_SCHEMA)
        schema = next(iter(schema_table.values())) if isinstance(schema_table, dict) and len(schema_table) == 1 else None
        folded = journal_number(schema)
        version = schema.get("version") if isinstance(schema, dict) else None
        # type(): true and 1.0 equal 1 in Python, but they are no version (the whole-file reader refuses them).
        if type(version) is not int or version not in READABLE_VERSIONS or schema != {
            "kind": KIND_MEETING, "version": version, **({JOURNAL_KEY: folded} if folded else {})
        }:
            raise _NotLines  # any other schema: the whole-file reader says what is wrong
        metas = _table_line(next(lines), _LINE_META)
        people_table = _table_line(next(lines), _LINE_PEOPLE)
        if next(lines) != _LINE_ITEMS or not isinstance(metas, dict) or not isinstance(people_table, dict):
            raise _NotLines
        if not all(isinstance(doc, dict) for doc in (*metas.values(), *people_table.values())):
            raise _NotLines
        with _ShapeErrors(path, backup_finder):
            return _meeting_from_line_tables(lines, metas, people_table), folded, version
    except (StopIteration, ValueError, UnicodeDecodeError):
        raise _NotLines from None


def _meeting_from_line_tables(lines: Iterator[bytes], metas: dict, people_table: dict) -> Meeting:
    """The rest of :func:`_meeting_from_lines`: header, people, then each item and its entries."""
    header = _header_from(list(metas.values()))
    people = _people_from(people_table.values())
    docs: list[tuple[Mapping[str, Any], Item]] = []
    keys: set[bytes] = set()
    shared: dict[str, str] = {}  # speaker ids and labels, one string each
    loads = json.loads
    line = next(lines)
    while line != b"}}\n":
        if docs:
            if not line.startswith(b","):
                raise _NotLines
            line = line[1:]
        match = _ITEM_KEY.match(line)
        if match is None or not line.endswith(_LOG_OPEN) or match.group(1) in keys:
            raise _NotLines
        keys.add(match.group(1))
        # Always an object when it parses: the text ends with the "}" that closes it.
        doc = loads(line[match.end() : -len(_LOG_OPEN)] + b"}")
        where = f"agenda[{len(docs)}]"
        item = _item_from(doc, where)
        log = item.log
        batch: list[bytes] = []
        for line in lines:
            closing = line == b"]}\n"
            if not closing:
                batch.append(line)
            if batch and (closing or len(batch) == _BATCH):
                # A few hundred entries' lines parsed as one JSON array: one call
                # of the parser instead of one per line, and never the whole file.
                last = batch[-1]
                batch[-1] = last[:-2] if last.endswith(b",\n") else last
                records = loads(b"[" + b"".join(batch) + b"]")
                batch.clear()
                for record in records:
                    if type(record) is not dict:
                        raise _Shape(f"{where}.log[{len(log)}]", "オブジェクトではありません")
                    log.append(_entry_from(record.get("entry"), record.get("uid"), f"{where}.log[{len(log)}]", shared))
            if closing:
                break
        else:
            raise _NotLines  # the file ends inside a log
        docs.append((doc, item))
        line = next(lines)
    if next(lines, b"") != b"":
        raise _NotLines
    agenda = [item for _doc, item in sorted(docs, key=lambda pair: _order_key(pair[0]))]
    return Meeting(people=people, agenda=agenda, **header)


def _order_key(doc: Mapping[str, Any]) -> Any:
    order = doc.get("order")
    if type(order) is not int:
        raise _Shape("order", f"表の順番(order)が正しくありません: {order!r}")
    return order


def read_meeting_file(path: Path | str, backup_finder: BackupFinder | None = None) -> Meeting:
    """Read a meeting file (line by line when it is in the line layout) and replay its journal.

    Raises :class:`FileNotFoundError` for a missing file and
    :class:`DamagedFileError` for an unreadable one.
    """
    return _read_meeting(path, backup_finder)[0]


#: How often a reader reads the file and its journal again when the app rewrote the file meanwhile.
READ_ATTEMPTS = 20


def _identity(stat) -> tuple:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _read_meeting(
    path: Path | str, backup_finder: BackupFinder | None = None
) -> tuple[Meeting, int, list[dict[str, Any]], int]:
    """The meeting with its journal replayed, the last journal number it holds, the journal's records,
    and the file's schema version (an older one is migrated when the meeting is opened for writing).

    The file and the journal are read as one consistent pair, without the
    lock (``export``, ``backup`` and search run beside the app): when the app
    rewrote the file between the two reads (it then removes the journal),
    both are read again.
    """
    path = Path(path)
    for attempt in range(READ_ATTEMPTS):
        meeting, folded, before, version = _read_file(path, backup_finder)
        records = read_records(journal_path(path))
        try:
            after = _identity(os.stat(path))
        except FileNotFoundError:
            after = None
        if before is None or (after == before and (attempt or not _journal_gap(records, folded))):
            # A gap that stays while the file does not change is not a race: a file put
            # back from an older copy beside a newer journal (replayed by uid below).
            break
    with _ShapeErrors(path, backup_finder):
        last, _ = replay(
            {item.id: item.log for item in meeting.agenda},
            records,
            folded,
            _uid_of,
            lambda uid, data: _entry_from(data, uid, "journal"),
        )
    return meeting, last, records, version


def _uid_of(entry: Entry) -> str:
    return entry.uid


def _journal_gap(records: list[dict[str, Any]], folded: int) -> bool:
    """True when the journal's first record the file lacks is not the next after it (the file is older)."""
    numbers = [seq for seq in (record.get("seq") for record in records) if type(seq) is int and seq > folded]
    return bool(numbers) and min(numbers) != folded + 1


def _read_file(path: Path, backup_finder: BackupFinder | None) -> tuple[Meeting, int, tuple | None, int]:
    """The meeting in the file (without its journal), its journal number, the identity of the file read,
    and its schema version."""
    try:
        with open_data_file(path) as handle:  # never through a link, never a device or a huge file
            identity = _identity(os.fstat(handle.fileno()))
            try:
                meeting, folded, version = _meeting_from_lines(iter(handle), path, backup_finder)
                return meeting, folded, identity, version
            except _NotLines:
                handle.seek(0)
                raw = handle.read()
    except FileNotFoundError:
        raise
    except ValueError as error:
        raise DamagedFileError(path, str(error), backup_finder() if backup_finder else None) from None
    except StorageError:  # a link (LinkRefusedError): said as it is
        raise
    except OSError:
        identity = None
        raw = read_file_once(path, backup_finder)  # says what is wrong, in Japanese
    tables, schema = decode_document(raw, path, KIND_MEETING, backup_finder)
    del raw
    return _meeting_from_tables(tables, path, backup_finder), journal_number(schema), identity, schema["version"]


def _by_order(docs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    try:
        return sorted(docs, key=lambda doc: doc["order"])
    except (KeyError, TypeError) as error:
        raise _Shape("order", f"表の順番(order)が正しくありません: {error!r}") from None


# -- reading the tables back -----------------------------------------------------
#
# The dictionaries were written by minutes.interchange, but they are read back
# here, faithfully, rather than by the interchange reader: that one is the
# strict gate for files from outside (it refuses control characters, ballots
# of absent people, blank names …), while a meeting file holds whatever the app
# itself stored, and must load again as it was. Only the shape is checked.


class _Shape(Exception):
    """A table value of the wrong shape; ``where`` is its path, ``what`` in Japanese."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}")


_TEXT = (str,)
_FLAG = (bool,)
#: key → (accepted types, default or _REQUIRED); NoneType in the types allows null.
_REQUIRED = object()
_PERSON_KEYS = {
    "id": (_TEXT, _REQUIRED),
    "name": (_TEXT, _REQUIRED),
    "group": (_TEXT, _REQUIRED),
    "title": (_TEXT, ""),
    "role": ((str, type(None)), None),
    "family_name": ((str, type(None)), None),
    "online": (_FLAG, False),
    "department": ((str, type(None)), None),
    "reading": ((str, type(None)), None),
    "present": (_FLAG, True),
    "arrived": ((str, type(None)), None),
    "left": ((str, type(None)), None),
    "votes": ((bool, type(None)), None),
}
_ITEM_KEYS = {
    "id": (_TEXT, _REQUIRED),
    "title": (_TEXT, _REQUIRED),
    "section": (_TEXT, SECTION_AGENDA),
    "kind": (_TEXT, ""),
}
_HEADER_KEYS = {
    "body": (_TEXT, _REQUIRED),
    "date": (_TEXT, _REQUIRED),
    "start": (_TEXT, _REQUIRED),
    "place": (_TEXT, _REQUIRED),
    "fiscal_year": ((int, type(None)), None),
    "session": ((int, type(None)), None),
    "serial": ((int, type(None)), None),
    "record_style": (_TEXT, "要録"),
    "title": ((str, type(None)), None),
    "end": ((str, type(None)), None),
    "observers": ((int,), 0),
    "status": (_TEXT, "draft"),
    "extra": ((dict, type(None)), None),
    "style": ((str, type(None)), None),
    "disclosure": ((dict, type(None)), None),
    "documents": ((list,), []),
    "signers": ((list,), []),
}
_VOTE_KEYS = {
    "method": (_TEXT, METHOD_ROLL),
    "ballots": ((dict,), {}),
    "counts": ((dict, type(None)), None),
    "tally": ((str, type(None)), None),
    "result_text": ((str, type(None)), None),
    "result": (_TEXT, _REQUIRED),
    "rule": (_TEXT, RULE_MAJORITY),
    "chair_decides": ((str, type(None)), None),
    "question": ((str, type(None)), None),
    "time": ((str, type(None)), None),
}


def _fields(data: object, keys: dict[str, tuple], where: str) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise _Shape(where, "オブジェクトではありません")
    values: dict[str, Any] = {}
    for key, (types, default) in keys.items():
        if key not in data:
            if default is _REQUIRED:
                raise _Shape(f"{where}.{key}", "がありません")
            values[key] = default
            continue
        value = data[key]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise _Shape(f"{where}.{key}", f"の値 {value!r} の型が違います")
        values[key] = value
    return values


def _text_list(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Shape(where, "文字列の配列ではありません")
    return list(value)




def _entry_from(data: object, uid: object, where: str, shared: dict[str, str] | None = None) -> Entry:
    if not isinstance(uid, str) or not uid:
        raise _Shape(f"{where}.uid", "発言の識別子(uid)がありません")
    if isinstance(data, Mapping) and "vote" in data:
        vote = _fields(data["vote"], _VOTE_KEYS, f"{where}.vote")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in vote["ballots"].items()):
            raise _Shape(f"{where}.vote.ballots", "の形が違います")
        vote["ballots"] = dict(vote["ballots"])
        counts = vote["counts"]
        if counts is not None:
            if not all(isinstance(k, str) and type(v) is int for k, v in counts.items()):
                raise _Shape(f"{where}.vote.counts", "の形が違います")
            vote["counts"] = dict(counts)
        return Vote(uid=uid, **vote)
    if isinstance(data, Mapping) and "note" in data:
        note = _fields(data, {"note": (_TEXT, _REQUIRED), "time": ((str, type(None)), None)}, where)
        return Note(note["note"], time=note["time"], uid=uid)
    if isinstance(data, Mapping) and "event" in data:
        event = _fields(data, {"event": (_TEXT, _REQUIRED), "time": (_TEXT, _REQUIRED)}, where)
        return Event(event["event"], event["time"], uid=uid)
    if (
        type(data) is dict
        and data.keys() <= _SPEECH_KEYS
        and type(data.get("text")) is str
        and type(data.get("time", "")) in _TIME_TYPES
    ):
        # The common case, checked without building a dictionary of fields (10,000 of these).
        speaker = data.get("speaker")
        text = data["text"]
        time = data.get("time")
        if shared is not None and speaker is not None and type(speaker) is str:
            speaker = shared.setdefault(speaker, speaker)
        if type(speaker) is str:
            return Speech(text, speaker_id=speaker, time=time, uid=uid)
        if type(speaker) is dict and type(speaker.get("label")) is str:
            label = speaker["label"]
            if shared is not None:
                label = shared.setdefault(label, label)
            return Speech(text, label=label, time=time, uid=uid)
    speech = _fields(data, {"speaker": ((str, dict), _REQUIRED), "text": (_TEXT, _REQUIRED),
                            "time": ((str, type(None)), None)}, where)
    speaker = speech.pop("speaker")
    if isinstance(speaker, str):
        return Speech(speaker_id=speaker, uid=uid, **speech)
    label = speaker.get("label")
    if not isinstance(label, str):
        raise _Shape(f"{where}.speaker.label", "がありません")
    return Speech(label=label, uid=uid, **speech)


_SPEECH_KEYS = frozenset(("speaker", "text", "time"))
_TIME_TYPES = (str, type(None))


def _header_from(metas: list) -> dict[str, Any]:
    if len(metas) != 1:
        raise _Shape(META, "会議の見出しがありません")
    header = _fields(metas[0], _HEADER_KEYS, META)
    if header["extra"] is not None:
        header["extra"] = copy.deepcopy(header["extra"])
    disclosure = header["disclosure"]
    if disclosure is not None:
        fields = _fields(disclosure, {"status": (_TEXT, _REQUIRED), "reason": ((str, type(None)), None)}, f"{META}.disclosure")
        header["disclosure"] = Disclosure(**fields)
    header["documents"] = [
        Document(**_fields(doc, {"label": (_TEXT, ""), "title": (_TEXT, _REQUIRED)}, f"{META}.documents[{index}]"))
        for index, doc in enumerate(header["documents"])
    ]
    header["signers"] = _text_list(header["signers"], f"{META}.signers")
    return header


def _people_from(docs: Iterable[Mapping[str, Any]]) -> list[Person]:
    return [
        Person(**_fields(doc.get("person"), _PERSON_KEYS, f"people[{index}]"))
        for index, doc in enumerate(_by_order(docs))
    ]


def _item_from(doc: Mapping[str, Any], where: str) -> Item:
    item_data = doc.get("item")
    item = Item(**_fields(item_data, _ITEM_KEYS, where))
    item.departments = _text_list(item_data.get("departments", []), f"{where}.departments")
    return item


class _ShapeErrors:
    """``with _ShapeErrors(path, finder):`` a value of the wrong shape met inside is a
    :class:`DamagedFileError` saying what and where (any other exception passes)."""

    def __init__(self, path: Path | str, backup_finder: BackupFinder | None) -> None:
        self.path = path
        self.backup_finder = backup_finder

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> bool:
        if isinstance(error, _Shape):
            what = str(error)
        elif isinstance(error, (KeyError, TypeError, AttributeError)):
            what = repr(error)
        else:
            return False
        finder = self.backup_finder
        raise DamagedFileError(
            self.path, f"会議の表の形が正しくありません: {what}", finder() if finder else None
        ) from None


def _meeting_from_tables(
    tables: dict[str, dict[str, Any]] | None, path: Path | str, backup_finder: BackupFinder | None
) -> Meeting:
    """Rebuild the meeting, with its entry uids, from the tables of a meeting file."""
    tables = tables or {}
    with _ShapeErrors(path, backup_finder):
        header = _header_from(list(tables.get(META, {}).values()))
        people = _people_from(tables.get(PEOPLE, {}).values())
        agenda = []
        shared: dict[str, str] = {}  # speaker ids and labels, one string each
        for index, doc in enumerate(_by_order(tables.get(ITEMS, {}).values())):
            where = f"agenda[{index}]"
            item = _item_from(doc, where)
            log = doc.get("log")
            if not isinstance(log, list):
                raise _Shape(f"{where}.log", "配列ではありません")
            for position, record in enumerate(log):
                if not isinstance(record, Mapping):
                    raise _Shape(f"{where}.log[{position}]", "オブジェクトではありません")
                item.log.append(_entry_from(record.get("entry"), record.get("uid"), f"{where}.log[{position}]", shared))
            agenda.append(item)
    return Meeting(people=people, agenda=agenda, **header)


def replay_journal(meeting: Meeting, journal: Path | str) -> tuple[int, int]:
    """Replay a journal onto ``meeting`` (a backup being restored); (records applied, entries left out).

    The same replay as on opening (:func:`storage.journal.replay`): an entry
    the meeting already has (by uid) is skipped; an appended entry is left out
    when its item is not in ``meeting``. Raises :class:`DamagedFileError` if a
    record cannot be read as an entry.
    """
    records = read_records(journal)
    if not records:
        return 0, 0
    logs = {item.id: item.log for item in meeting.agenda}
    with _ShapeErrors(journal, None):
        _, added = replay(logs, records, 0, _uid_of, lambda uid, data: _entry_from(data, uid, "journal"))
    left_out = sum(1 for record in records if record.get("op") == "append" and log_of(logs, record.get("item")) is None)
    return added, left_out


def meeting_from_bytes(raw: bytes, source: Path | str) -> Meeting:
    """The meeting in a meeting file's bytes (a restore checks a zip with this)."""
    return _meeting_from_tables(decode_tables(raw, source, KIND_MEETING), source, None)


def load_meeting_readonly(path: Path | str, backup_finder: BackupFinder | None = None) -> Meeting:
    """Load a meeting file (and its journal) for reading only (list, export): no lock, never writes.

    Raises :class:`FileNotFoundError` for a missing file and
    :class:`DamagedFileError` for an unreadable one.
    """
    return read_meeting_file(path, backup_finder)


def merged_meeting_bytes(path: Path | str) -> bytes:
    """The meeting file's bytes with its journal folded in (for a zip backup), read as a consistent pair.

    A file without a journal is given as it is. :class:`FileNotFoundError`
    for a missing file, :class:`DamagedFileError` for an unreadable one,
    :class:`~storage.errors.LinkRefusedError` for a link and :class:`ValueError`
    for a device or a file too large to be a meeting (never read).
    """
    path = Path(path)
    for _ in range(READ_ATTEMPTS):
        with open_data_file(path) as handle:  # a link planted for a meeting is refused, not read through
            before = _identity(os.fstat(handle.fileno()))
            raw = handle.read()
        if journal_path(path).exists():
            break
        if _identity(os.stat(path)) == before:
            return raw  # no journal after the file was read: the file holds everything
    del raw
    meeting, last, _, _ = _read_meeting(path)
    return encode_meeting(meeting, last)


# -- the store --------------------------------------------------------------------


class MeetingStore:
    """One open meeting file: ``.meeting`` in memory, and atomic saves of its parts.

    ``MeetingStore(path)`` opens an existing file (:class:`FileNotFoundError`
    if there is none, :class:`DamagedFileError` if it cannot be read);
    ``MeetingStore(path, meeting=m)`` writes a new file for ``m`` (refusing
    with :class:`FileExistsError` if one exists). Hold the data folder's write
    lock while a store is open (:meth:`storage.datadir.DataDir.open_meeting`
    does this).

    ``backups`` (a :class:`storage.backups.Backups`) takes a backup on open and
    at most every few minutes after saves; ``on_saved(kind)`` is called after
    each successful save, with ``kind`` one of ``"create"``, ``"item"``,
    ``"header"``, ``"people"``, ``"agenda"``, ``"all"`` (the data folder
    refreshes its index there),
    ``on_close`` by :meth:`close`. A failure of that follow-up work (a backup,
    the index) never fails the save, whose meeting file is written: it is kept
    in ``.secondary_error`` (``None`` after a clean save) for the UI to show.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        meeting: Meeting | None = None,
        meeting_id: str | None = None,
        backups: Any = None,
        backup_finder: BackupFinder | None = None,
        on_saved: Callable[[str], None] | None = None,
        on_close: Callable[[MeetingStore], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.id = meeting_id or self.path.stem
        self._backups = backups
        self._on_saved = on_saved
        self._on_close = on_close
        self._mutex = threading.RLock()
        self.closed = False
        #: Set when a save failed: the file then lags behind ``.meeting`` and the next save writes everything.
        self.needs_full_save = False
        self.secondary_error: StorageError | None = None
        self._last_full_write = time.monotonic()
        if meeting is None:
            self.meeting, last, records, version = _read_meeting(self.path, backup_finder)
            #: The agenda's item ids as the file holds them.
            self._written_agenda = [item.id for item in self.meeting.agenda]
            self._journal = Journal(self.path, folded=last, records=records)
            #: The copy of the file as it was before a migration to the current schema, if one was made.
            self.migrated_from: Path | None = None
            fold_error: StorageError | None = None
            if version < SCHEMA_VERSION:
                self._migrate(version)
            elif self._journal.count:
                # Entries of a crashed session: fold them into the file now (the
                # index row follows at the next save or at close).
                try:
                    self._write_file()
                    self._journal.clear()
                except StorageError as error:
                    self.needs_full_save = True
                    fold_error = error
            self._after_save("open")
            if fold_error is not None and self.secondary_error is None:
                # _after_save starts from no error: the failed fold must still reach the clerk.
                self.secondary_error = fold_error
        else:
            if self.path.exists():
                raise FileExistsError(self.path)
            self.meeting = meeting
            self._journal = Journal(self.path)  # a stale one's records are numbered below the file's
            self._write_file()
            self._journal.clear()
            self._after_save("create")

    # -- saves ---------------------------------------------------------------
    def save_item(self, item: Item) -> None:
        """Save one agenda item with its whole log (an edit, a vote; the file is rewritten whole).

        Saved as a change of the agenda (``on_saved("agenda")``) when the item
        is new or the items moved since the file was last written.
        """
        self._order_of(item)

        def write() -> str:
            moved = [other.id for other in self.meeting.agenda] != self._written_agenda
            return self._write_file("agenda" if moved else "item")

        self._save(write)

    def append_entry(self, item: Item, entry: Entry) -> None:
        """Save a new entry at the end of an item: one fsynced line in the journal.

        The fast path of Enter. Every so often (and whenever the journal is
        long or old) it rewrites the whole file instead, which empties the
        journal. On failure nothing is saved and the error is raised.
        """
        with self._mutex:
            if self.closed:
                raise ValueError(f"{self.path} is closed")
            if not item.log or item.log[-1] is not entry:
                raise ValueError("append_entry saves the last entry of the item")
            stale = (
                self.needs_full_save
                or self._journal.count >= JOURNAL_LIMIT
                or time.monotonic() - self._last_full_write > JOURNAL_MAX_AGE
            )
            if stale or item.id not in self._written_agenda:
                self.save_item(item)
                return
            self._journal.append({"op": "append", "item": item.id, **_entry_line(entry)})
            self.secondary_error = None

    def save_change(self, splices: Iterable[Any], *, undone: bool = False) -> None:
        """Save a change to the logs: one fsynced journal record of the size of the change.

        ``splices`` are the change's splices, in the order they were made (each
        with ``item_id``, ``start``, ``removed`` and ``inserted``, as
        :class:`minutes.editing.Splice` has them); ``undone`` saves the undo of
        that change (the opposite splices, last first). Like
        :meth:`append_entry`, it rewrites the whole file instead when the
        journal is long or old or a save failed before. On failure nothing is
        saved and the error is raised.
        """
        splices = list(splices)
        if undone:
            steps = [(sp.item_id, sp.start, sp.inserted, sp.removed) for sp in reversed(splices)]
        else:
            steps = [(sp.item_id, sp.start, sp.removed, sp.inserted) for sp in splices]
        with self._mutex:
            if self.closed:
                raise ValueError(f"{self.path} is closed")
            moved = [item.id for item in self.meeting.agenda] != self._written_agenda
            stale = (
                self.needs_full_save
                or moved
                or self._journal.count >= JOURNAL_LIMIT
                or time.monotonic() - self._last_full_write > JOURNAL_MAX_AGE
            )
            if stale:
                self._save(lambda: self._write_file("agenda" if moved else "item"))
                return
            self._journal.append(splice_record(steps, _entry_data, _uid_of))
            self.secondary_error = None

    def fold_soon(self) -> bool:
        """True when the journal is nearly long or old enough for a change to rewrite the whole file.

        (Or when a save failed and the next one writes everything.) Nothing to
        fold is never due: a meeting left open without changes stays as it is.
        """
        with self._mutex:
            if self.closed:
                return False
            if self.needs_full_save:
                return True
            count = self._journal.count
            return bool(count) and (
                count >= JOURNAL_LIMIT * FOLD_EARLY
                or time.monotonic() - self._last_full_write > JOURNAL_MAX_AGE * FOLD_EARLY
            )

    def fold(self) -> None:
        """Write the whole meeting now and empty the journal, as the change that finds it full would.

        For a moment when the clerk is not typing. On failure the journal is
        kept (its records are on disk), the next change writes everything, and
        the error is raised.
        """
        self._save(lambda: self._write_file("item"))

    @property
    def journal_length(self) -> int:
        """How many entries wait in the journal for the next rewrite of the file."""
        return self._journal.count

    def save_header(self) -> None:
        """Save the meeting's top-level fields (date, times, place, status, extra …)."""
        self._save(lambda: self._write_file("header"))

    def save_people(self) -> None:
        """Save the attendance list (people and their order)."""
        self._save(lambda: self._write_file("people"))

    def save_agenda(self) -> None:
        """Save the agenda: every item, its order and its log."""
        self._save(lambda: self._write_file("agenda"))

    def save_all(self) -> None:
        """Save everything: header, people and agenda."""
        self._save(self._write_file)

    def close(self) -> None:
        """Fold the journal into the file, close it and call ``on_close``.

        Everything committed is on disk already; if the final rewrite fails
        (a full disk), the journal stays and the next open folds it in.
        """
        if self.closed:
            return
        if self._journal.count:
            try:
                self._save(self._write_file)
            except StorageError as error:
                self.secondary_error = error
        self.closed = True
        if self._on_close is not None:
            self._on_close(self)

    def __enter__(self) -> MeetingStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------
    def _migrate(self, version: int) -> None:
        """Keep a copy of a file of an older schema, then rewrite it (journal folded in) at the current one.

        The copy comes first and the rewrite is atomic: a failure at any point
        leaves the old file as it was (and the next open tries again).
        """
        old = self.path.read_bytes()
        if self._backups is not None:
            self.migrated_from = self._backups.keep_copy(self.id, old, f"schema{version}")
        else:
            self.migrated_from = self.path.with_name(f"{self.path.stem}.schema{version}.bak")
            atomic_write_bytes(self.migrated_from, old)
        self._write_file()
        self._journal.clear()

    def _save(self, write: Callable[[], str]) -> None:
        """Run one save (one file write); after a failed save the next one writes everything."""
        with self._mutex:
            if self.closed:
                raise ValueError(f"{self.path} is closed")
            if self.needs_full_save:
                write = self._write_file
            try:
                kind = write()
            except BaseException:
                self.needs_full_save = True
                raise
            self.needs_full_save = False
            self._last_full_write = time.monotonic()
            if self._journal.count or self._journal.path.exists():
                try:
                    self._journal.clear()
                except StorageError:
                    pass  # replaying it is harmless: its entries are in the file
            self._after_save(kind)

    def _write_file(self, kind: str = "all") -> str:
        """Write the whole meeting, atomically, with the number of the journal's last record (all are in it)."""
        agenda = [item.id for item in self.meeting.agenda]
        atomic_write_bytes(self.path, encode_meeting(self.meeting, self._journal.seq))
        self._written_agenda = agenda
        return kind

    def _order_of(self, item: Item) -> int:
        for order, other in enumerate(self.meeting.agenda):
            if other is item:
                return order
        raise ValueError(f"item {item.id!r} is not on this meeting's agenda")

    def _after_save(self, kind: str) -> None:
        """The follow-up of a save: a backup if due, then ``on_saved``; failures kept, not raised."""
        self.secondary_error = None
        try:
            if self._backups is not None:
                if kind == "open":
                    self._backups.backup_on_open(self.id, self.path)
                else:
                    self._backups.maybe_backup(self.id, self.path)
            if self._on_saved is not None and kind != "open":
                self._on_saved(kind)
        except StorageError as error:
            self.secondary_error = error
