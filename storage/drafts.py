"""The entry-bar draft of a meeting: ``drafts/<id>.json``, a tiny file of its own.

The draft is what is typed but not yet committed; it is saved often (every few
keystrokes or seconds, as the UI decides), so it lives apart from the meeting
file, which it never touches. On disk::

    {"kind": "draft", "version": 1, "text": "…", "saved": "2026-01-01T12:00:00+09:00"}
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from storage.atomic import atomic_write_bytes

DRAFT_KIND = "draft"
DRAFT_VERSION = 1


def encode_draft(text: str) -> bytes:
    """The file content of a draft."""
    document = {
        "kind": DRAFT_KIND,
        "version": DRAFT_VERSION,
        "text": text,
        "saved": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def decode_draft(raw: bytes) -> str:
    """The text of a draft file; :class:`ValueError` if it is not one we can read."""
    document = json.loads(raw.decode("utf-8"))
    if (
        not isinstance(document, dict)
        or document.get("kind") != DRAFT_KIND
        or not isinstance(document.get("version"), int)
        or document["version"] > DRAFT_VERSION
        or not isinstance(document.get("text"), str)
    ):
        raise ValueError("not a kaigiroku draft")
    return document["text"]


def write_draft(path: Path, text: str) -> None:
    """Save a draft atomically."""
    atomic_write_bytes(path, encode_draft(text))


def read_draft(path: Path) -> str | None:
    """The draft's text; ``None`` if there is none or it cannot be read (a draft is expendable)."""
    from storage.limits import open_data_file

    try:
        with open_data_file(path) as handle:  # not through a link, not a device, not a huge file
            return decode_draft(handle.read())
    except (OSError, ValueError):
        return None
