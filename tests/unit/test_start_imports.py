"""What opening a meeting loads (issue #5: the start waits for every module it imports)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from storage import DataDir
import tui.app, screens.meeting
datadir = DataDir(sys.argv[1])
datadir.acquire_lock()
store = datadir.open_meeting(sys.argv[2])
pass  # the committee settings come after the first frame
print(json.dumps(sorted(sys.modules)))
"""


def test_opening_a_meeting_loads_neither_tinydb_nor_the_interchange_format_nor_zip(tmp_path):
    from minutes.demo import load_demo
    from storage import DataDir

    datadir = DataDir(tmp_path / "data")
    with datadir.write_lock():
        meeting_id = datadir.add_meeting(load_demo())
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "data"), meeting_id],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", check=True,
    )
    loaded = set(json.loads(result.stdout))
    assert "storage.meetings" in loaded  # the probe did open the meeting
    for name in ("tinydb", "minutes.interchange", "minutes.committee", "zipfile", "secrets", "filelock", "screens.meeting_list"):
        assert name not in loaded, name
