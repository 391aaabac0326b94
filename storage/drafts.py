"""The entry-bar draft of a meeting: ``drafts/<id>.json``, a tiny file of its own.

The draft is what is typed but not yet committed; it is saved often (every few
keystrokes or seconds, as the UI decides), so it lives apart from the meeting
file, which it never touches. On disk::

    {"kind": "draft", "version": 1, "text": "…", "saved": "2026-01-01T12:00:00+09:00",
     "speaker": {"speaker_id": "p3"} or {"label": "委員"}, "item": "a1"}

``speaker`` and ``item`` say whom the words were typed for and under which
agenda item, so that a draft brought back after a crash is not committed in
the wrong mouth. Both are optional (older drafts have neither).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.atomic import atomic_write_bytes

DRAFT_KIND = "draft"
DRAFT_VERSION = 1


@dataclass(frozen=True)
class Draft:
    """A saved draft: the text, and whom and under which item it was typed for (if known)."""

    text: str
    speaker_id: str | None = None
    label: str | None = None
    item: str | None = None


def encode_draft(text: str, speaker_id: str | None = None, label: str | None = None, item: str | None = None) -> bytes:
    """The file content of a draft."""
    document: dict = {
        "kind": DRAFT_KIND,
        "version": DRAFT_VERSION,
        "text": text,
        "saved": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    if speaker_id is not None:
        document["speaker"] = {"speaker_id": speaker_id}
    elif label is not None:
        document["speaker"] = {"label": label}
    if item is not None:
        document["item"] = item
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def decode_draft_record(raw: bytes) -> Draft:
    """The draft of a file; :class:`ValueError` if it is not one we can read.

    A speaker or item of the wrong shape is left out (the text is what matters).
    """
    text = decode_draft(raw)
    document = json.loads(raw.decode("utf-8"))
    speaker = document.get("speaker")
    speaker_id = label = None
    if isinstance(speaker, dict):
        if isinstance(speaker.get("speaker_id"), str):
            speaker_id = speaker["speaker_id"]
        elif isinstance(speaker.get("label"), str):
            label = speaker["label"]
    item = document.get("item") if isinstance(document.get("item"), str) else None
    return Draft(text, speaker_id, label, item)


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


def write_draft(path: Path, text: str, speaker_id: str | None = None, label: str | None = None, item: str | None = None) -> None:
    """Save a draft atomically."""
    atomic_write_bytes(path, encode_draft(text, speaker_id, label, item))


def read_draft_record(path: Path) -> Draft | None:
    """The draft with its speaker and item; ``None`` if there is none or it cannot be read (a draft is expendable)."""
    from storage.limits import open_data_file

    try:
        with open_data_file(path) as handle:  # not through a link, not a device, not a huge file
            return decode_draft_record(handle.read())
    except (OSError, ValueError):
        return None


def read_draft(path: Path) -> str | None:
    """The draft's text; ``None`` if there is none or it cannot be read."""
    record = read_draft_record(path)
    return None if record is None else record.text
