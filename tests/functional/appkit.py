"""Helpers for driving the app with Pilot.

``Pilot.press`` cannot type Japanese punctuation (。、「」 have no key names),
so text goes in the way an IME or a paste delivers it: :func:`paste` posts an
``events.Paste`` to the app, which forwards it to the focused widget.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from textual import events

from minutes.demo import load_demo_dict
from minutes.interchange import meeting_from_dict
from storage import DataDir

#: The frozen clock of the tests: the seed meeting's day, during the meeting.
FROZEN_NOW = datetime(2022, 3, 15, 18, 5, 30)


def frozen_clock() -> datetime:
    """Always :data:`FROZEN_NOW`."""
    return FROZEN_NOW


def add_meeting(root: Path, data: dict) -> str:
    """Add a meeting (an interchange dict) to a data folder; its id."""
    datadir = DataDir(root)
    with datadir.write_lock():
        return datadir.add_meeting(meeting_from_dict(data, "test"))


def demo_dict() -> dict:
    """The demo meeting as an interchange dict (a fresh copy)."""
    return json.loads(json.dumps(load_demo_dict()))


def empty_demo_dict() -> dict:
    """The demo meeting with every log empty and no closing time: the meeting about to start."""
    data = demo_dict()
    for item in data["agenda"]:
        item["log"] = []
    data["end"] = None
    return data


def load(root: Path, meeting_id: str):
    """The meeting as it is on disk now (read through a separate DataDir)."""
    return DataDir(root).load_meeting(meeting_id)


async def paste(pilot, text: str) -> None:
    """Deliver text as an IME commit or a paste would."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def log_lines(screen) -> list[str]:
    """The text of every line of the speaker log, as drawn."""
    log = screen.log_view
    log.settle_all()
    return [log.row_text(i) for i in range(log.row_count)]


def make_app(root: Path, meeting_id: str | None = None, **kwargs):
    """The real app on a data folder, with the frozen clock."""
    from tui.app import KaigirokuApp

    kwargs.setdefault("clock", frozen_clock)
    return KaigirokuApp(root, meeting_id, **kwargs)


def demo_meeting_app(tmp_path: Path, **kwargs):
    """The real app opened on the demo meeting, in a new data folder ``tmp_path / "data"``."""
    root = tmp_path / "data"
    return make_app(root, add_meeting(root, demo_dict()), **kwargs)

