"""The library: ``library.json``, the index of the data folder's meetings, committees and settings.

A TinyDB file over :class:`~storage.tinystore.AtomicJSONStorage` (kind
``"library"``) with these tables::

    _schema     {"1": {"kind": "library", "version": 1}}   (the storage's own)
    meetings    one document per meeting, an index row (ROW_FIELDS):
                {"id": "20220315-1a2b", "date": "2022-03-15", "title": "令和3年度第3回…会議録(要録)",
                 "body": "…審議会", "status": "draft", "entry_count": 42,
                 "created": "2026-01-01T12:00:00+09:00", "updated": "…",
                 "file": "meetings/20220315-1a2b.json"}
    committees  one document per committee (a dict; its schema is for later)
    settings    one document: a dict of settings

The index is a cache of what the meeting files hold, for listing without
opening every meeting; the meeting file is the truth. Each method that changes
something is one atomic write of the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from storage.errors import DamagedFileError
from storage.tinystore import KIND_LIBRARY, SCHEMA_TABLE, SCHEMA_VERSION, BackupFinder, open_db, read_file_once

MEETINGS = "meetings"
COMMITTEES = "committees"
SETTINGS = "settings"


#: The keys of an index row, and the type of each.
ROW_FIELDS: dict[str, type] = {
    "id": str,
    "date": str,
    "title": str,
    "body": str,
    "status": str,
    "entry_count": int,
    "created": str,
    "updated": str,
    "file": str,
}


def check_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of an index row with exactly :data:`ROW_FIELDS`; :class:`ValueError` if one is wrong."""
    checked = {}
    for name, expected in ROW_FIELDS.items():
        value = row.get(name)
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ValueError(f"会議一覧の行の「{name}」が正しくありません: {value!r}")
        checked[name] = value
    return checked


def _sort_newest_first(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: (row["date"], row["created"], row["id"]), reverse=True)


def rows_from_tables(
    tables: dict[str, dict[str, Any]], source: Path | str, backup_finder: BackupFinder | None = None
) -> list[dict[str, Any]]:
    """The index rows of the library's tables, newest first; :class:`DamagedFileError` if one is wrong."""
    try:
        return _sort_newest_first(check_row(doc) for doc in tables.get(MEETINGS, {}).values())
    except (ValueError, AttributeError) as error:
        raise DamagedFileError(source, str(error), backup_finder() if backup_finder else None) from None


class Library:
    """``library.json``: read once when opened, every change written atomically.

    ``read_only`` libraries (for list and export, without the lock) refuse to write.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        backup_finder: BackupFinder | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self._db = open_db(self.path, kind=KIND_LIBRARY, backup_finder=backup_finder, read_only=read_only)
        rows = rows_from_tables(self._db.storage.read() or {}, self.path, backup_finder)
        self._rows: dict[str, dict[str, Any]] = {row["id"]: row for row in rows}

    # -- the meeting index ------------------------------------------------------
    def list_meetings(self) -> list[dict[str, Any]]:
        """Every meeting's index row (a fresh dict), newest date first."""
        return [dict(row) for row in _sort_newest_first(self._rows.values())]

    def get_row(self, meeting_id: str) -> dict[str, Any] | None:
        """A copy of a meeting's index row, or ``None``."""
        row = self._rows.get(meeting_id)
        return dict(row) if row is not None else None

    def add_row(self, row: Mapping[str, Any]) -> None:
        """Add a meeting to the index; :class:`ValueError` if its id is there already."""
        row = check_row(row)
        if row["id"] in self._rows:
            raise ValueError(f"meeting {row['id']!r} is already in the index")
        self._db.table(MEETINGS).insert(dict(row))
        self._rows[row["id"]] = row

    def update_row(self, row: Mapping[str, Any]) -> None:
        """Replace a meeting's row (or add it)."""
        row = check_row(row)
        from tinydb import Query

        self._db.table(MEETINGS).upsert(dict(row), Query()["id"] == row["id"])
        self._rows[row["id"]] = row

    def remove_row(self, meeting_id: str) -> None:
        """Take a meeting out of the index (a missing one is fine)."""
        if meeting_id not in self._rows:
            return
        from tinydb import Query

        self._db.table(MEETINGS).remove(Query()["id"] == meeting_id)
        del self._rows[meeting_id]

    # -- committees and settings -----------------------------------------------
    def committees(self) -> list[dict[str, Any]]:
        """The committees, in stored order (their schema is for later)."""
        return [dict(doc) for doc in self._db.table(COMMITTEES).all()]

    def set_committees(self, committees: list[dict[str, Any]]) -> None:
        """Replace the committees (one write)."""
        with self._db.storage.batch():
            table = self._db.table(COMMITTEES)
            table.truncate()
            if committees:
                table.insert_multiple([dict(c) for c in committees])

    def settings(self) -> dict[str, Any]:
        """The settings (an empty dict when none are stored)."""
        docs = self._db.table(SETTINGS).all()
        return dict(docs[0]) if docs else {}

    def set_settings(self, settings: dict[str, Any]) -> None:
        """Replace the settings (one write)."""
        with self._db.storage.batch():
            table = self._db.table(SETTINGS)
            table.truncate()
            table.insert(dict(settings))

    def close(self) -> None:
        """Close the file (every change is already on disk)."""
        self._db.close()


def committees_in_file(path: Path | str, backup_finder: BackupFinder | None = None) -> list[dict[str, Any]]:
    """The committees of a library file, read without building its index of meetings.

    The minute-taking screen needs only the committees, and the index of a
    thousand meetings is megabytes of objects. The file as
    :class:`~storage.tinystore.AtomicJSONStorage` writes it (indented by two
    spaces) has each table under a key at the start of a line, where no JSON
    string can put it: only the schema and the committees are parsed there.
    Any other layout, and anything amiss, is read by :class:`Library` (which
    raises :class:`DamagedFileError` for a damaged file).
    """
    path = Path(path)
    try:
        raw = read_file_once(path, backup_finder)
    except FileNotFoundError:
        return []
    decoder = json.JSONDecoder()

    def table_at(text: str, name: str) -> Any:
        key = f'\n  "{name}": '
        at = text.find(key)
        return None if at < 0 else decoder.raw_decode(text, at + len(key))[0]

    try:
        text = raw.decode("utf-8")
        if text.startswith(f'{{\n  "{SCHEMA_TABLE}": ') and text.endswith("\n}\n"):
            schema = table_at(text, SCHEMA_TABLE)
            if schema == {"1": {"kind": KIND_LIBRARY, "version": SCHEMA_VERSION}}:
                table = table_at(text, COMMITTEES)
                if table is None:
                    return []
                if isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values()):
                    return [dict(doc) for doc in table.values()]
    except ValueError:
        pass
    library = Library(path, backup_finder=backup_finder, read_only=True)
    try:
        return library.committees()
    finally:
        library.close()
