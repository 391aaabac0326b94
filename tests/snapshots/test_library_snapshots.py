"""Snapshots of the committee editor and the attendance screen (pytest-textual-snapshot).

The clock is frozen by ``make_app``. Update them after a deliberate change of the
look with ``pytest --snapshot-update`` and look at the report before committing.
"""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Input

from minutes.committee import committee_from_meeting
from minutes.demo import load_demo
from screens.attendance import AttendanceScreen
from screens.committees import CommitteesScreen
from storage import DataDir
from tests.functional.appkit import add_meeting, empty_demo_dict, make_app

SIZE = (120, 36)


@pytest.fixture
def committee_app(tmp_path):
    """The app on a folder with the demo's committee (a fixed id), showing the committee list."""
    root = tmp_path / "data"
    datadir = DataDir(root)
    committee = dataclasses.replace(committee_from_meeting(load_demo()), id="c000001", quorum=4)
    committee.members[3].reading = "はらだみちこ"
    committee.speaker_keys = {7: "村千鶴子", 8: "事務局"}
    with datadir.write_lock():
        datadir.save_committee(committee)
    return make_app(root)


async def steady(pilot) -> None:
    """No blinking cursors: a slow machine must not catch one half-way through a blink."""
    for screen in pilot.app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False
    await pilot.pause()


async def open_editor(pilot) -> None:
    await pilot.pause()  # the start screen first (it is pushed once the app has mounted)
    pilot.app.push_screen(CommitteesScreen())
    await pilot.pause()
    await pilot.press("enter")
    await steady(pilot)


def test_committee_list(snap_compare, committee_app):
    async def run_before(pilot):
        await pilot.pause()  # the start screen first (it is pushed once the app has mounted)
        pilot.app.push_screen(CommitteesScreen())
        await pilot.pause()

    assert snap_compare(committee_app, terminal_size=SIZE, run_before=run_before)


def test_committee_editor_basic(snap_compare, committee_app):
    assert snap_compare(committee_app, terminal_size=SIZE, run_before=open_editor)


@pytest.mark.parametrize("tab", ["f3", "f5", "f7"], ids=["members", "departments", "keys"])
def test_committee_editor_tabs(snap_compare, committee_app, tab):
    async def run_before(pilot):
        await open_editor(pilot)
        await pilot.press(tab)
        await pilot.pause()

    assert snap_compare(committee_app, terminal_size=SIZE, run_before=run_before)


def test_committee_editor_member_form(snap_compare, committee_app):
    async def run_before(pilot):
        await open_editor(pilot)
        await pilot.press("f3", "down", "enter")
        await steady(pilot)

    assert snap_compare(committee_app, terminal_size=SIZE, run_before=run_before)


@pytest.fixture
def attendance_app(tmp_path):
    root = tmp_path / "data"
    meeting_id = add_meeting(root, empty_demo_dict())
    return make_app(root, meeting_id)


@pytest.mark.parametrize("size", [(100, 30), SIZE], ids=lambda s: f"{s[0]}x{s[1]}")
def test_attendance_screen(snap_compare, attendance_app, size):
    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(AttendanceScreen(pilot.app.screen.meeting))
        await pilot.pause()
        # 浅野薫 absent, 村田明美 arrived late (the frozen clock: 18:05); the second item's staff shown.
        await pilot.press("down", "down", "down", "down", "enter", "down", "f3")
        await pilot.press("tab", "tab", "down")
        await steady(pilot)

    assert snap_compare(attendance_app, terminal_size=size, run_before=run_before)
