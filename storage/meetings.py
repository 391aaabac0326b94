"""One meeting file: the whole :class:`~minutes.model.Meeting` in memory, saved piece by piece.

A meeting file (``meetings/<id>.json``) is a TinyDB database over
:class:`~storage.tinystore.AtomicJSONStorage` with these tables::

    _schema  {"1": {"kind": "meeting", "version": 1}}       (the storage's own)
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
refuses. Each entry's internal ``uid`` (which the interchange format never
carries) is stored next to its dictionary and set back on the loaded entry, so
the UI's references to entries survive a reload.

:class:`MeetingStore` loads the meeting once; the UI changes
``store.meeting`` in memory and then calls one ``save_*`` method. Each save is
one atomic write of the whole file (the tables it touches are changed in one
batch of the storage).
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from minutes import interchange
from minutes.model import RULE_MAJORITY, SECTION_AGENDA, Entry, Item, Meeting, Person, Speech, Vote
from storage.errors import DamagedFileError, StorageError
from storage.journal import Journal, apply_records, journal_path, read_records
from storage.tinystore import KIND_MEETING, BackupFinder, decode_tables, open_db

META = "meta"
PEOPLE = "people"
ITEMS = "items"

#: A journal of this many entries is folded into the meeting file by the next commit.
JOURNAL_LIMIT = 256
#: Seconds after which the next commit rewrites the meeting file (and a backup may follow).
JOURNAL_MAX_AGE = 300.0


# -- the tables of a meeting ----------------------------------------------------


def _header_doc(meeting: Meeting) -> dict[str, Any]:
    header = interchange.meeting_to_dict(dataclasses.replace(meeting, people=[], agenda=[]))
    del header["people"], header["agenda"]
    return header


def _person_dict(person: Person) -> dict[str, Any]:
    data = interchange.person_to_dict(person)
    if person.votes is None:
        # person_to_dict spells out the default voting right; keep "default" as it is.
        data.pop("votes", None)
    return data


def _people_docs(meeting: Meeting) -> list[dict[str, Any]]:
    return [{"order": order, "person": _person_dict(person)} for order, person in enumerate(meeting.people)]


def _item_doc(item: Item, order: int) -> dict[str, Any]:
    item_dict = interchange.item_to_dict(item, with_log=False)
    item_dict.pop("log", None)
    return {
        "id": item.id,
        "order": order,
        "item": item_dict,
        "log": [{"uid": entry.uid, "entry": interchange.entry_to_dict(entry)} for entry in item.log],
    }


def _item_docs(meeting: Meeting) -> list[dict[str, Any]]:
    return [_item_doc(item, order) for order, item in enumerate(meeting.agenda)]


def _replace_table(db: TinyDB, name: str, docs: list[dict[str, Any]]) -> None:
    table = db.table(name)
    table.truncate()
    if docs:
        table.insert_multiple(docs)


def _write_all(db: TinyDB, meeting: Meeting) -> None:
    _replace_table(db, META, [_header_doc(meeting)])
    _replace_table(db, PEOPLE, _people_docs(meeting))
    _replace_table(db, ITEMS, _item_docs(meeting))


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
    "title": (_TEXT, _REQUIRED),
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
}
_VOTE_KEYS = {
    "ballots": ((dict,), _REQUIRED),
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


def _entry_from(data: object, uid: object, where: str) -> Entry:
    if not isinstance(uid, str) or not uid:
        raise _Shape(f"{where}.uid", "発言の識別子(uid)がありません")
    if isinstance(data, Mapping) and "vote" in data:
        vote = _fields(data["vote"], _VOTE_KEYS, f"{where}.vote")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in vote["ballots"].items()):
            raise _Shape(f"{where}.vote.ballots", "の形が違います")
        vote["ballots"] = dict(vote["ballots"])
        return Vote(uid=uid, **vote)
    speech = _fields(data, {"speaker": ((str, dict), _REQUIRED), "text": (_TEXT, _REQUIRED),
                            "time": ((str, type(None)), None)}, where)
    speaker = speech.pop("speaker")
    if isinstance(speaker, str):
        return Speech(speaker_id=speaker, uid=uid, **speech)
    label = speaker.get("label")
    if not isinstance(label, str):
        raise _Shape(f"{where}.speaker.label", "がありません")
    return Speech(label=label, uid=uid, **speech)


def _meeting_from_tables(
    tables: dict[str, dict[str, Any]] | None, path: Path | str, backup_finder: BackupFinder | None
) -> Meeting:
    """Rebuild the meeting, with its entry uids, from the tables of a meeting file."""
    tables = tables or {}
    try:
        metas = list(tables.get(META, {}).values())
        if len(metas) != 1:
            raise _Shape(META, "会議の見出しがありません")
        header = _fields(metas[0], _HEADER_KEYS, META)
        if header["extra"] is not None:
            header["extra"] = copy.deepcopy(header["extra"])
        people = [
            Person(**_fields(doc.get("person"), _PERSON_KEYS, f"people[{index}]"))
            for index, doc in enumerate(_by_order(tables.get(PEOPLE, {}).values()))
        ]
        agenda = []
        for index, doc in enumerate(_by_order(tables.get(ITEMS, {}).values())):
            where = f"agenda[{index}]"
            item_data = doc.get("item")
            item = Item(**_fields(item_data, _ITEM_KEYS, where))
            item.departments = _text_list(item_data.get("departments", []), f"{where}.departments")
            log = doc.get("log")
            if not isinstance(log, list):
                raise _Shape(f"{where}.log", "配列ではありません")
            for position, record in enumerate(log):
                if not isinstance(record, Mapping):
                    raise _Shape(f"{where}.log[{position}]", "オブジェクトではありません")
                item.log.append(_entry_from(record.get("entry"), record.get("uid"), f"{where}.log[{position}]"))
            agenda.append(item)
    except _Shape as error:
        raise DamagedFileError(path, f"会議の表の形が正しくありません: {error}", backup_finder() if backup_finder else None) from None
    except (KeyError, TypeError, AttributeError) as error:
        raise DamagedFileError(path, f"会議の表の形が正しくありません: {error!r}", backup_finder() if backup_finder else None) from None
    return Meeting(people=people, agenda=agenda, **header)


def meeting_from_bytes(raw: bytes, source: Path | str) -> Meeting:
    """The meeting in a meeting file's bytes (a restore checks a zip with this)."""
    return _meeting_from_tables(decode_tables(raw, source, KIND_MEETING), source, None)


def load_meeting_readonly(path: Path | str, backup_finder: BackupFinder | None = None) -> Meeting:
    """Load a meeting file for reading only (list, export): no lock, never writes.

    Raises :class:`FileNotFoundError` for a missing file and
    :class:`DamagedFileError` for an unreadable one.
    """
    path = Path(path)
    db = open_db(path, kind=KIND_MEETING, backup_finder=backup_finder, read_only=True, must_exist=True)
    try:
        tables = db.storage.read()
        records = read_records(journal_path(path))
        if records and tables:
            apply_records(tables, records, ITEMS)
        return _meeting_from_tables(tables, path, backup_finder)
    finally:
        db.close()


def merged_meeting_bytes(path: Path | str) -> bytes | None:
    """The meeting file's bytes with its journal folded in (for a zip backup); ``None`` without a journal."""
    from storage.tinystore import encode_tables, read_file_once

    records = read_records(journal_path(path))
    if not records:
        return None
    tables = decode_tables(read_file_once(Path(path)), path, KIND_MEETING)
    if not tables or not apply_records(tables, records, ITEMS):
        return None
    return encode_tables(tables, KIND_MEETING)


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
            self._db = open_db(self.path, kind=KIND_MEETING, backup_finder=backup_finder, must_exist=True)
            tables = self._db.storage.read()
            records = read_records(journal_path(self.path))
            if records and tables:
                apply_records(tables, records, ITEMS)
            self.meeting = _meeting_from_tables(tables, self.path, backup_finder)
            self._journal = Journal(self.path)
            if self._journal.count:
                # Entries of a crashed session: fold them into the file now (the
                # index row follows at the next save or at close).
                try:
                    self._write_all()
                    self._journal.clear()
                except StorageError as error:
                    self.needs_full_save = True
                    self.secondary_error = error
            self._after_save("open")
        else:
            if self.path.exists():
                raise FileExistsError(self.path)
            self._db = open_db(self.path, kind=KIND_MEETING, backup_finder=backup_finder)
            self.meeting = meeting
            with self._db.storage.batch():
                _write_all(self._db, meeting)
            self._journal = Journal(self.path)
            self._journal.clear()
            self._after_save("create")

    # -- saves ---------------------------------------------------------------
    def save_item(self, item: Item) -> None:
        """Save one agenda item with its whole log (what committing a speech calls).

        If the stored agenda no longer matches the in-memory one (the item is
        new, or items moved), the whole agenda is saved instead: still one write.
        """
        order = self._order_of(item)

        def write() -> str:
            items = self._db.table(ITEMS)
            stored = [doc["id"] for doc in _by_order(items.all())]
            if stored != [other.id for other in self.meeting.agenda]:
                return self._write_agenda()
            items.update(_item_doc(item, order), Query()["id"] == item.id)
            return "item"

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
            if stale:
                self.save_item(item)
                return
            record = {"uid": entry.uid, "entry": interchange.entry_to_dict(entry)}
            self._journal.append({"op": "append", "item": item.id, **record})
            tables = self._db.storage.read() or {}
            for doc in (tables.get(ITEMS) or {}).values():
                if doc.get("id") == item.id:
                    doc["log"].append(record)
                    break
            self._db.table(ITEMS).clear_cache()
            self.secondary_error = None

    @property
    def journal_length(self) -> int:
        """How many entries wait in the journal for the next rewrite of the file."""
        return self._journal.count

    def save_header(self) -> None:
        """Save the meeting's top-level fields (date, times, place, status, extra …)."""
        self._save(lambda: self._write_tables("header", META, [_header_doc(self.meeting)]))

    def save_people(self) -> None:
        """Save the attendance list (people and their order)."""
        self._save(lambda: self._write_tables("people", PEOPLE, _people_docs(self.meeting)))

    def save_agenda(self) -> None:
        """Save the agenda: every item, its order and its log."""
        self._save(self._write_agenda)

    def save_all(self) -> None:
        """Save everything: header, people and agenda."""
        self._save(self._write_all)

    def close(self) -> None:
        """Fold the journal into the file, close it and call ``on_close``.

        Everything committed is on disk already; if the final rewrite fails
        (a full disk), the journal stays and the next open folds it in.
        """
        if self.closed:
            return
        if self._journal.count:
            try:
                self._save(self._write_all)
            except StorageError as error:
                self.secondary_error = error
        self.closed = True
        self._db.close()
        if self._on_close is not None:
            self._on_close(self)

    def __enter__(self) -> MeetingStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------
    def _save(self, write: Callable[[], str]) -> None:
        """Run one save (one file write); after a failed save the next one writes everything."""
        with self._mutex:
            if self.closed:
                raise ValueError(f"{self.path} is closed")
            if self.needs_full_save:
                write = self._write_all
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

    def _write_tables(self, kind: str, name: str, docs: list[dict[str, Any]]) -> str:
        with self._db.storage.batch():
            _replace_table(self._db, name, docs)
        return kind

    def _write_agenda(self) -> str:
        return self._write_tables("agenda", ITEMS, _item_docs(self.meeting))

    def _write_all(self) -> str:
        with self._db.storage.batch():
            _write_all(self._db, self.meeting)
        return "all"

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
