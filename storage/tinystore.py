"""Our TinyDB storage: readable UTF-8 JSON, atomic writes, a schema version, read once.

:class:`AtomicJSONStorage` is what every TinyDB file of kaigiroku (the library
and each meeting) goes through:

* On disk a file is one JSON object, UTF-8 with Japanese unescaped and indented,
  of TinyDB's tables plus one table of our own, ``_schema``, holding one
  document: ``{"_schema": {"1": {"kind": "meeting", "version": 1}}, "meta":
  {...}, ...}``. The storage adds ``_schema`` on write and takes it out on
  read, so TinyDB only ever sees its own tables.
* The file is read once, when the storage is opened, and kept in memory:
  :meth:`~AtomicJSONStorage.read` returns the cached tables and
  :meth:`~AtomicJSONStorage.write` updates the cache, then writes the whole
  file with :func:`~storage.atomic.atomic_write_bytes`. Within
  :meth:`~AtomicJSONStorage.batch` the writes only update the cache and the
  file is written once, at the end: that is how one save of several tables is
  one atomic write. After a failed write (or a batch that raised) the cache is
  set back to what the disk holds, so memory and disk never drift apart.
* A file that cannot be read (not UTF-8, bad or truncated JSON, empty, not an
  object, no or a wrong ``_schema``, a newer version) raises
  :class:`~storage.errors.DamagedFileError` (or its subclass
  :class:`~storage.errors.NewerSchemaError`) when opened. No storage object
  exists for it then, so nothing can write over it.

No caller outside ``storage/`` sees TinyDB: :func:`open_db` is used by
:mod:`storage.meetings` and :mod:`storage.library`, which wrap it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.atomic import atomic_write_bytes
from storage.errors import DamagedFileError, NewerSchemaError, StorageError, os_error_reason

if TYPE_CHECKING:  # pragma: no cover
    from tinydb import TinyDB

#: The table that holds the file's kind and schema version.
SCHEMA_TABLE = "_schema"
KIND_MEETING = "meeting"
KIND_LIBRARY = "library"
KIND_LABELS = {KIND_MEETING: "会議", KIND_LIBRARY: "会議一覧(ライブラリ)"}

#: The schema version of each kind of file this kaigiroku writes, and the newest it reads.
#: Meeting files are at 2 (notes, events, votes by method …); a version 1 file
#: reads as it is and is rewritten at 2 when opened for writing, after a copy of it
#: is kept (storage.meetings). The library is still at 1.
SCHEMA_VERSIONS = {KIND_MEETING: 2, KIND_LIBRARY: 1}
#: The library's schema version (kept under its old name for the library's readers).
SCHEMA_VERSION = SCHEMA_VERSIONS[KIND_LIBRARY]


def schema_version(kind: str) -> int:
    """The schema version this kaigiroku writes for ``kind``."""
    return SCHEMA_VERSIONS.get(kind, 1)

BackupFinder = Callable[[], "Path | None"]


def encode_tables(tables: dict[str, Any] | None, kind: str) -> bytes:
    """The file content for ``tables``: the schema table first, then the tables, as UTF-8 JSON."""
    document: dict[str, Any] = {SCHEMA_TABLE: {"1": {"kind": kind, "version": schema_version(kind)}}}
    for name, table in (tables or {}).items():
        if name != SCHEMA_TABLE:
            document[name] = table
    try:
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a broken paste) has no UTF-8 form: write \uXXXX
        # escapes for this file instead, which read back to the same text.
        return (json.dumps(document, ensure_ascii=True, indent=2) + "\n").encode("ascii")


def decode_tables(
    raw: bytes, path: Path | str, kind: str, backup_finder: BackupFinder | None = None
) -> dict[str, dict[str, Any]]:
    """The tables in a file's bytes (without ``_schema``); :class:`DamagedFileError` if unreadable."""
    return decode_document(raw, path, kind, backup_finder)[0]


def decode_document(
    raw: bytes, path: Path | str, kind: str, backup_finder: BackupFinder | None = None
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The tables in a file's bytes (without ``_schema``) and its ``_schema`` document."""

    def damaged(reason: str) -> DamagedFileError:
        return DamagedFileError(path, reason, backup_finder() if backup_finder else None)

    if not raw.strip():
        raise damaged("空のファイルです")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise damaged(f"UTF-8の文字として読めない箇所があります: {error.start + 1}バイト目") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise damaged(
            f"JSONとして壊れているか途中で切れています: {error.lineno}行{error.colno}列"
        ) from None
    if not isinstance(data, dict):
        raise damaged("中身がJSONのオブジェクトではありません")
    schema_table = data.get(SCHEMA_TABLE)
    schema = None
    if isinstance(schema_table, dict) and len(schema_table) == 1:
        schema = next(iter(schema_table.values()))
    if not isinstance(schema, dict) or "kind" not in schema or "version" not in schema:
        raise damaged("kaigirokuの形式の版の記録(_schema)がありません")
    version = schema["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise damaged(f"形式の版 {version!r} が正しくありません")
    if version > schema_version(kind):
        raise NewerSchemaError(path, version, schema_version(kind), backup_finder() if backup_finder else None)
    if schema["kind"] != kind:
        raise damaged(
            f"{KIND_LABELS.get(kind, kind)}のファイルではありません(種類: {schema['kind']})"
        )
    tables: dict[str, dict[str, Any]] = {}
    for name, table in data.items():
        if name == SCHEMA_TABLE:
            continue
        if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
            raise damaged(f"表「{name}」の形が正しくありません")
        tables[name] = table
    return tables, schema


def read_file_once(path: Path, backup_finder: BackupFinder | None = None) -> bytes:
    """The bytes of ``path``; an unreadable file (but not a missing one) is a :class:`DamagedFileError`."""
    from storage.limits import open_data_file

    try:
        with open_data_file(path) as handle:
            return handle.read()
    except FileNotFoundError:
        raise
    except ValueError as error:  # a device, a pipe, a file too large to be ours
        raise DamagedFileError(path, str(error), backup_finder() if backup_finder else None) from None
    except StorageError:  # a link (LinkRefusedError): said as it is
        raise
    except IsADirectoryError:
        raise DamagedFileError(path, "ファイルではなくフォルダです", backup_finder() if backup_finder else None) from None
    except OSError as error:
        reason = f"読み込みに失敗しました({os_error_reason(error, reading=True)})"
        raise DamagedFileError(path, reason, backup_finder() if backup_finder else None) from None


class AtomicJSONStorage:
    """A TinyDB storage over one JSON file: read once, written atomically, versioned.

    It has TinyDB's storage interface (``read``, ``write``, ``close``; TinyDB asks
    for no base class), so that this module, which the start of the app needs
    for its file functions, does not import TinyDB; :func:`open_db`
    does, when a TinyDB file is opened.

    ``TinyDB(path, storage=AtomicJSONStorage, kind="meeting")`` opens it.
    ``kind`` is checked against the file's ``_schema``. ``backup_finder``
    names the newest backup in a :class:`DamagedFileError`. A missing file is
    an empty database (created on the first write) unless ``must_exist``, when
    :class:`FileNotFoundError` is raised. ``read_only`` storages refuse to write.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        kind: str,
        backup_finder: BackupFinder | None = None,
        read_only: bool = False,
        must_exist: bool = False,
    ) -> None:
        self.path = Path(path)
        self.kind = kind
        self.read_only = read_only
        self._batch_depth = 0
        self._pending = False
        self._cache: dict[str, dict[str, Any]] | None = None
        #: Whether the file exists (as last read or written). After a failed write
        #: the cache is read back from the file; the bytes are not kept in memory
        #: (for a 10,000-entry meeting they would be megabytes held for a rare case).
        self._on_disk = False
        try:
            raw = read_file_once(self.path, backup_finder)
        except FileNotFoundError:
            if must_exist:
                raise
        else:
            self._cache = decode_tables(raw, self.path, kind, backup_finder)
            self._on_disk = True
            del raw

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The cached tables (``None`` for a new, empty file); never touches the disk."""
        return self._cache

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Update the cache, then write the whole file atomically (at the end of a batch)."""
        if self.read_only:
            # TinyDB has changed the cached tables in place already: take them back from the disk.
            self._revert()
            raise PermissionError(f"{self.path} is opened read-only")
        self._cache = data
        if self._batch_depth:
            self._pending = True
        else:
            self.flush()

    def flush(self) -> None:
        """Write the cached tables to the file, atomically."""
        if self.read_only:
            raise PermissionError(f"{self.path} is opened read-only")
        self._pending = False
        payload = encode_tables(self._cache, self.kind)
        try:
            atomic_write_bytes(self.path, payload)
        except BaseException:
            self._revert()
            raise
        self._on_disk = True

    def _revert(self) -> None:
        """Make the cache what the disk holds again (after a failed write or batch)."""
        self._pending = False
        try:
            # Read even when the file did not exist: a first write can fail after its rename (the folder's fsync).
            self._cache = decode_tables(read_file_once(self.path), self.path, self.kind)
            self._on_disk = True
        except FileNotFoundError:
            # Written once but gone now (the folder with it): keep the cache; the store writes
            # everything from its in-memory meeting at the next save.
            if not self._on_disk:
                self._cache = None  # never written: the empty database it was
        except StorageError:
            # Damaged meanwhile (read_file_once says every other OSError so too): keep the cache, as above.
            pass

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes: inside, writes only update the cache; one file write at the end.

        If the block raises, nothing is written and the cache is what the disk holds.
        """
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            if not self._batch_depth:
                self._revert()
            raise
        self._batch_depth -= 1
        if not self._batch_depth and self._pending:
            self.flush()

    def close(self) -> None:
        """Nothing to do: every write is already on disk."""


def open_db(
    path: Path | str,
    *,
    kind: str,
    backup_finder: BackupFinder | None = None,
    read_only: bool = False,
    must_exist: bool = False,
) -> TinyDB:
    """A TinyDB over :class:`AtomicJSONStorage` (for :mod:`storage` modules only)."""
    from tinydb import TinyDB

    return TinyDB(
        path,
        storage=AtomicJSONStorage,
        kind=kind,
        backup_finder=backup_finder,
        read_only=read_only,
        must_exist=must_exist,
    )
