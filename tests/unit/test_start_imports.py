"""What opening a meeting loads (the start waits for every module it imports)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import asyncio, json, sys
from pathlib import Path
from textual.app import App
from tui.app import KaigirokuApp
from screens.meeting import MeetingScreen

seen = []
display = App._display

def first_frame(self, screen, renderable):
    display(self, screen, renderable)
    if isinstance(screen, MeetingScreen) and renderable is not None and not seen:
        seen.append(sorted(sys.modules))  # what the first frame of the meeting needed

App._display = first_frame

async def main():
    app = KaigirokuApp(Path(sys.argv[1]), sys.argv[2])
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
    finally:
        app.release()

asyncio.run(main())
print(json.dumps(seen[0]))
"""


def _modules_seen_by(probe: str, tmp_path) -> set[str]:
    """Run ``probe`` in a fresh Python on the demo meeting; the module names it printed."""
    from minutes.demo import load_demo
    from storage import DataDir

    datadir = DataDir(tmp_path / "data")
    with datadir.write_lock():
        meeting_id = datadir.add_meeting(load_demo())
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "data"), meeting_id],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", check=True,
    )
    return set(json.loads(result.stdout))


def test_opening_a_meeting_loads_neither_tinydb_nor_the_interchange_format_nor_zip_nor_word(tmp_path):
    loaded = _modules_seen_by(PROBE, tmp_path)
    assert "storage.meetings" in loaded and "screens.meeting" in loaded  # the probe did open the meeting
    for name in ("tinydb", "minutes.interchange", "minutes.committee", "zipfile", "secrets", "filelock", "screens.meeting_list",
                 "minutes.editing", "minutes.phrases", "docx", "lxml", "docxtpl", "minutes.docx_template"):
        assert name not in loaded, name


READY_PROBE = """
import asyncio, json, sys
from pathlib import Path
from tui.app import KaigirokuApp
import screens.meeting as meeting

before_enter = []
commit_text = meeting.MeetingScreen.commit_text

def first_enter(self, text):
    if not before_enter:
        before_enter.append(sorted(sys.modules))  # what was there when the clerk's first Enter came
    return commit_text(self, text)

meeting.MeetingScreen.commit_text = first_enter

async def main():
    app = KaigirokuApp(Path(sys.argv[1]), sys.argv[2])
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause(1.0)  # the clerk reads the meeting for a moment
            app.screen.bar.set_text("最初の発言です。")
            await pilot.press("enter")
            await pilot.pause()
    finally:
        app.release()

asyncio.run(main())
print(json.dumps(before_enter[0]))
"""


def test_what_the_first_enter_needs_is_loaded_once_the_first_frame_is_out(tmp_path):
    # minutes.interchange (about 30 ms) was imported by the first save: the clerk's first
    # Enter of the session waited for it. It is loaded half a second after the first frame
    # instead (not before: the frame that shows the log would wait for it).
    loaded = _modules_seen_by(READY_PROBE, tmp_path)
    assert {"minutes.interchange", "minutes.editing"} <= loaded
