"""Draft and final (下書き・確定): marking minutes final, reopening them, and the record of both.

Final minutes (``meeting.status == "final"``) are read-only. Each change of
the status is recorded in ``meeting.extra["kaigiroku_history"]`` (``extra`` is
kept as it is by the interchange format, so the record travels with the
meeting)::

    {"kaigiroku_history": [
        {"action": "確定", "at": "2022-03-20T10:15:00+09:00"},
        {"action": "確定の取消", "at": "2022-03-21T09:00:00+09:00"}
    ]}

:func:`finalize` and :func:`reopen` change the meeting in memory; saving it
is the caller's business (``store.save_header()``).

This module is pure Python.
"""

from __future__ import annotations

from datetime import datetime

from minutes.model import Meeting

DRAFT = "draft"
FINAL = "final"

#: The key in ``meeting.extra`` that holds the record.
HISTORY_KEY = "kaigiroku_history"

ACTION_FINALIZE = "確定"
ACTION_REOPEN = "確定の取消"

#: How each status reads on screen.
STATUS_LABELS = {DRAFT: "下書き", FINAL: "確定"}


def status_label(status: str) -> str:
    """``下書き`` or ``確定`` (an unknown status prints as itself)."""
    return STATUS_LABELS.get(status, status)


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def history(meeting: Meeting) -> list[dict]:
    """The recorded status changes, oldest first (records of a wrong shape are left out)."""
    extra = meeting.extra if isinstance(meeting.extra, dict) else {}
    records = extra.get(HISTORY_KEY)
    if not isinstance(records, list):
        return []
    return [
        dict(record)
        for record in records
        if isinstance(record, dict) and isinstance(record.get("action"), str) and isinstance(record.get("at"), str)
    ]


def _record(meeting: Meeting, action: str, when: datetime) -> dict:
    record = {"action": action, "at": _stamp(when)}
    extra = dict(meeting.extra) if isinstance(meeting.extra, dict) else {}
    records = extra.get(HISTORY_KEY)
    records = list(records) if isinstance(records, list) else []
    records.append(record)
    extra[HISTORY_KEY] = records
    meeting.extra = extra
    return dict(record)


def finalize(meeting: Meeting, when: datetime) -> dict:
    """Mark the minutes final and record when; returns the record.

    :class:`ValueError` (in Japanese) if they are final already.
    """
    if meeting.status == FINAL:
        raise ValueError("この会議録はすでに確定しています。")
    meeting.status = FINAL
    return _record(meeting, ACTION_FINALIZE, when)


def reopen(meeting: Meeting, when: datetime) -> dict:
    """Make final minutes a draft again (to change them) and record when; returns the record.

    :class:`ValueError` (in Japanese) if they are not final.
    """
    if meeting.status != FINAL:
        raise ValueError("この会議録は確定していません(下書きです)。")
    meeting.status = DRAFT
    return _record(meeting, ACTION_REOPEN, when)


def set_status(meeting: Meeting, status: str, when: datetime) -> dict:
    """:func:`finalize` for ``"final"``, :func:`reopen` for ``"draft"``."""
    if status == FINAL:
        return finalize(meeting, when)
    if status == DRAFT:
        return reopen(meeting, when)
    raise ValueError(f"状態は draft か final です: {status!r}")


def last_change(meeting: Meeting, action: str | None = None) -> dict | None:
    """The newest record (of ``action`` if given), or ``None``."""
    for record in reversed(history(meeting)):
        if action is None or record["action"] == action:
            return record
    return None


def finalized_at(meeting: Meeting) -> str | None:
    """When final minutes were marked final (ISO text), or ``None`` for a draft or no record."""
    if meeting.status != FINAL:
        return None
    record = last_change(meeting, ACTION_FINALIZE)
    return record["at"] if record else None
