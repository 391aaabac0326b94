"""A day of meetings: a meeting closed is a meeting freed (the figure itself is the bench's day_rss_growth_ratio)."""

from __future__ import annotations

import gc
import weakref

from screens.meeting import MeetingScreen
from screens.meeting_list import MeetingListScreen
from tests.functional.appkit import add_meeting, demo_dict, make_app

SIZE = (120, 36)


async def _wait_for(pilot, kind) -> object:
    for _ in range(100):
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, kind) and (kind is not MeetingScreen or screen.log_view.row_count):
            return screen
    raise AssertionError(f"{kind.__name__} did not come up")


async def test_closed_meetings_and_their_screens_are_freed(tmp_path):
    root = tmp_path / "data"
    ids = [add_meeting(root, demo_dict()) for _ in range(3)]
    app = make_app(root, None)
    async with app.run_test(size=SIZE) as pilot:
        await _wait_for(pilot, MeetingListScreen)
        refs = []
        for meeting_id in ids:
            app.open_meeting(meeting_id)
            screen = await _wait_for(pilot, MeetingScreen)
            await pilot.pause(0.1)  # its first frame is out: the heap is frozen with the meeting in it
            assert gc.get_freeze_count() > 0
            # The meeting, the screen, and what its widgets drew (each widget's cache of lines).
            refs.append((weakref.ref(screen.meeting), weakref.ref(screen), weakref.ref(screen.bar),
                         weakref.ref(screen.log_view._styles_cache)))
            del screen
            await pilot.press("alt+l")
            await _wait_for(pilot, MeetingListScreen)
            await pilot.pause(0.1)
            gc.collect()
            alive = [i for i, group in enumerate(refs) if any(ref() is not None for ref in group)]
            assert alive == [], f"closed meetings still in memory: {alive} of {len(refs)}"
