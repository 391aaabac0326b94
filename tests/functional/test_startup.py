"""How the app starts: the first frame first, then what can wait."""

from __future__ import annotations

import gc

import pytest

from screens.meeting import MeetingScreen
from screens.meeting_list import MeetingListScreen
from tests.functional.appkit import add_meeting, demo_dict, make_app


@pytest.fixture
def collector_off():
    """The state ``kaigiroku`` starts the app in: the garbage collector off, nothing frozen yet."""
    gc.unfreeze()  # earlier tests in this process froze their heaps
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


async def test_the_committee_settings_are_read_after_the_first_frame_and_on_demand(tmp_path, monkeypatch):
    from textual.app import App

    from minutes.committee import committee_from_meeting
    from storage import DataDir
    from tui.app import KaigirokuApp

    root = tmp_path / "data"
    meeting_id = add_meeting(root, demo_dict())
    datadir = DataDir(root)
    with datadir.write_lock():
        meeting = datadir.load_meeting(meeting_id)
        committee = committee_from_meeting(meeting)
        committee.speaker_keys = {7: "事務局"}
        datadir.save_committee(committee)
    frames: list[object] = []  # meeting-screen frames drawn so far
    reads: list[int] = []  # how many there were when the settings were read
    display, settings = App._display, KaigirokuApp._committee_settings

    def counting_display(self, screen, renderable):
        display(self, screen, renderable)
        if isinstance(screen, MeetingScreen) and renderable is not None:
            frames.append(renderable)

    def counting_settings(self, meeting):
        reads.append(len(frames))
        return settings(self, meeting)

    monkeypatch.setattr(App, "_display", counting_display)
    monkeypatch.setattr(KaigirokuApp, "_committee_settings", counting_settings)
    app = make_app(root, meeting_id)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await pilot.pause()
        assert screen._settings_loader is None  # read once the first frame was drawn
        assert len(reads) == 1 and reads[0] >= 1  # read once, after a frame of the screen
        await pilot.press("f7")
        assert screen.speaker.label == "事務局"


async def test_the_first_frame_of_a_meeting_shows_the_end_of_its_log(tmp_path):
    from textual.app import App

    root = tmp_path / "data"
    meeting_id = add_meeting(root, demo_dict())
    frames: list[list[str]] = []
    app = make_app(root, meeting_id)
    original = App._display

    def display(self, screen, renderable):
        original(self, screen, renderable)
        if isinstance(screen, MeetingScreen) and renderable is not None and not frames:
            log = screen.log_view
            top = round(log.scroll_y)
            frames.append([log.row_text(top + y) for y in range(log.size.height)])

    App._display = display
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
    finally:
        App._display = original
    assert frames, "no frame of the meeting screen was drawn"
    first = "".join(frames[0])
    assert "以上で本日の会議を終了します。" in first  # the demo's last speech, not its first lines
    assert "諮問理由" not in first
