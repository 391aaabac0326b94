"""Where the data folder is, and the names inside it.

The data folder is ``--data-dir DIR`` when given, else ``$KAIGIROKU_DATA_DIR``,
else the platform's user data folder (``~/.local/share/kaigiroku`` on Linux).
:func:`resolve_data_dir` only computes the path; the folder is created (0700
on POSIX) on the first write, so ``list`` and ``export`` never create it.

Layout::

    library.json          index of meetings, committees, settings (TinyDB)
    meetings/<id>.json    one TinyDB file per meeting
    backups/<id>/…        rotating backups of each meeting file
    drafts/<id>.json      the entry-bar draft of a meeting (a tiny JSON file)
    trash/                files moved aside (by a restore), never read back
    lock                  the write lock (an OS-level file lock)
    lock.info             who holds the lock: PID, host, start time
    keys.toml             the clerk's own keys (written by the clerk, only read here)
    styles/<name>/…       the clerk's own export styles (storage/styles.py)
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import platformdirs

APP_NAME = "kaigiroku"
ENV_DATA_DIR = "KAIGIROKU_DATA_DIR"

LIBRARY_FILE = "library.json"
MEETINGS_DIR = "meetings"
BACKUPS_DIR = "backups"
DRAFTS_DIR = "drafts"
TRASH_DIR = "trash"
LOCK_FILE = "lock"
LOCK_INFO_FILE = "lock.info"
MEETING_SUFFIX = ".json"
KEYS_FILE = "keys.toml"
STYLES_DIR = "styles"

#: A meeting id is a safe file name: letters, digits, "-" and "_", at most 100.
MEETING_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}"
_MEETING_ID = re.compile(MEETING_ID_PATTERN)


def backup_zip_name(when: datetime) -> str:
    """The default name of a zip backup made at ``when``: ``kaigiroku-backup-20220315-180530.zip``."""
    return f"{APP_NAME}-backup-{when:%Y%m%d-%H%M%S}.zip"


def is_valid_meeting_id(meeting_id: object) -> bool:
    """True for an id that can name ``meetings/<id>.json`` (no separators, no dots)."""
    return isinstance(meeting_id, str) and _MEETING_ID.fullmatch(meeting_id) is not None


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir``, then ``$KAIGIROKU_DATA_DIR``, then the platform default.

    ``~`` is expanded and the result made absolute; nothing is created.
    """
    if cli_value is not None and str(cli_value) != "":
        chosen = Path(cli_value)
    elif os.environ.get(ENV_DATA_DIR):
        chosen = Path(os.environ[ENV_DATA_DIR])
    else:
        chosen = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return Path(os.path.abspath(chosen.expanduser()))
