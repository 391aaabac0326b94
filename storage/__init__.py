"""Everything that touches disk: the data folder, TinyDB files, locking, backups."""

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

__all__ = [
    "Backups",
    "DamagedFileError",
    "DataDir",
    "DataDirLock",
    "DataDirLockedError",
    "Library",
    "LockRequiredError",
    "MeetingStore",
    "NewerSchemaError",
    "RestoreRefusedError",
    "StorageError",
    "UnknownMeetingError",
    "WriteFailedError",
    "ZipReport",
    "atomic_write_bytes",
    "load_meeting_readonly",
    "resolve_data_dir",
]
