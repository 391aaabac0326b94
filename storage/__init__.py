"""Everything that touches disk: the data folder, TinyDB files, locking, backups.

The names below are imported on first use (PEP 562), so that ``import storage``
costs nothing and ``from storage import DataDir`` loads only what the data folder
needs: the start of the app waits for every module it imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: name → the module that defines it.
_WHERE = {
    "atomic_write_bytes": "storage.atomic",
    "Backups": "storage.backups",
    "ZipReport": "storage.backups",
    "DataDir": "storage.datadir",
    "DamagedFileError": "storage.errors",
    "DataDirLockedError": "storage.errors",
    "LockRequiredError": "storage.errors",
    "NewerSchemaError": "storage.errors",
    "RestoreRefusedError": "storage.errors",
    "StorageError": "storage.errors",
    "UnknownMeetingError": "storage.errors",
    "WriteFailedError": "storage.errors",
    "Library": "storage.library",
    "DataDirLock": "storage.lock",
    "MeetingStore": "storage.meetings",
    "load_meeting_readonly": "storage.meetings",
    "resolve_data_dir": "storage.paths",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'storage' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:  # pragma: no cover
    from storage.atomic import atomic_write_bytes
    from storage.backups import Backups, ZipReport
    from storage.datadir import DataDir
    from storage.errors import (
        DamagedFileError,
        DataDirLockedError,
        LockRequiredError,
        NewerSchemaError,
        RestoreRefusedError,
        StorageError,
        UnknownMeetingError,
        WriteFailedError,
    )
    from storage.library import Library
    from storage.lock import DataDirLock
    from storage.meetings import MeetingStore, load_meeting_readonly
    from storage.paths import resolve_data_dir
