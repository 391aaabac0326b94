"""Snapshots of the minute-taking screen (pytest-textual-snapshot).

Update them after a deliberate change of the look with ``pytest --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

import pytest

from tests.functional.appkit import add_meeting, demo_dict, make_app

SIZES = [(100, 30), (160, 45)]


@pytest.fixture
def demo_app(tmp_path):
    root = tmp_path / "data"
    meeting_id = add_meeting(root, demo_dict())
    return make_app(root, meeting_id)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_meeting(snap_compare, demo_app, size):
    assert snap_compare(demo_app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_vote_in_progress(snap_compare, demo_app, size):
    # F12 opens the ballots (all 承認), then the second voter is set to 不承認 and the third to 保留.
    assert snap_compare(demo_app, terminal_size=size, press=["f12", "down", "right", "down", "right", "right"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, demo_app, size):
    assert snap_compare(demo_app, terminal_size=size, press=["f1"])


def test_export_screen(snap_compare, demo_app, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path))
    assert snap_compare(demo_app, terminal_size=(120, 36), press=["ctrl+s", "f5", "f6"])


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_meeting_details_screen(snap_compare, demo_app, size):
    # alt+d: the meeting's head as a form (the demo's facts filled in).
    assert snap_compare(demo_app, terminal_size=size, press=["alt+d"])
