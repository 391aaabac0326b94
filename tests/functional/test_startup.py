"""How the app starts (issue #5): the first frame first, then what can wait."""

from __future__ import annotations

import gc

import pytest

from screens.meeting import MeetingScreen
from screens.meeting_list import MeetingListScreen
from tests.functional.appkit import add_meeting, demo_dict, make_app


@pytest.fixture
def collector_off():
    """The state ``kaigiroku`` starts the app in: the garbage collector off."""
    gc.disable()
    yield
    gc.enable()
    gc.unfreeze()


@pytest.mark.parametrize("start", ["meeting", "list"])
async def test_the_collector_is_on_again_once_the_first_screen_is_drawn(tmp_path, collector_off, start):
    root = tmp_path / "data"
    meeting_id = add_meeting(root, demo_dict())
    app = make_app(root, meeting_id if start == "meeting" else None)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.pause()
        expected = MeetingScreen if start == "meeting" else MeetingListScreen
        assert isinstance(app.screen, expected)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what lives all session is kept out of collections


async def test_the_committee_settings_are_read_after_the_first_frame_and_on_demand(tmp_path):
    from minutes.committee import committee_from_meeting
    from storage import DataDir

    root = tmp_path / "data"
    meeting_id = add_meeting(root, demo_dict())
    datadir = DataDir(root)
    with datadir.write_lock():
        meeting = datadir.load_meeting(meeting_id)
        committee = committee_from_meeting(meeting)
        committee.speaker_keys = {7: "事務局"}
        datadir.save_committee(committee)
    app = make_app(root, meeting_id)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await pilot.pause()
        assert screen._settings_loader is None  # read once the first frame was drawn
        await pilot.press("f7")
        assert screen.speaker.label == "事務局"
