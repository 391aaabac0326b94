"""Delete and restore, finalize and reopen, through Pilot on the start screen."""

from __future__ import annotations

import pytest

from minutes.status import history
from screens.confirm import Confirm
from screens.meeting import MeetingScreen
from screens.meeting_list import MeetingListScreen
from screens.trash import TrashScreen
from storage import DataDir
from storage.paths import MEETINGS_DIR, TRASH_DIR
from tests.functional.appkit import FROZEN_NOW, add_meeting, demo_dict, load, make_app

SIZE = (120, 36)


@pytest.fixture
def two(root):
    """Two meetings: 2023-04-20 (listed first) and 2022-03-15."""
    older = add_meeting(root, demo_dict())
    data = demo_dict()
    data.update(date="2023-04-20", fiscal_year=2023, session=1)
    newer = add_meeting(root, data)
    return newer, older


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def listed(root) -> list[str]:
    return [row["id"] for row in DataDir(root).list_meetings()]


async def test_delete_asks_then_moves_to_the_trash_and_restore_brings_it_back(root, two):
    newer, older = two
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        listing = app.screen
        assert listing.highlighted_id() == newer

        # Delete asks first; Escape keeps the meeting.
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "ごみ箱へ移しますか" in app.screen.question and "令和5年4月20日" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert listed(root) == [newer, older]

        # Enter (or F2) answers yes: the meeting leaves the list and the library, its file goes to the trash.
        await pilot.press("delete")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is listing
        assert listed(root) == [older]
        assert [row["id"] for row in listing.shown] == [older]
        assert listing.highlighted_id() == older
        assert not (root / MEETINGS_DIR / f"{newer}.json").exists()
        assert (root / TRASH_DIR / newer / "meeting.json").exists()
        assert any("ごみ箱へ移しました" in m and "F6" in m for m in messages(app))

        # F6: the trash lists it with when it was deleted (the app's clock).
        await pilot.press("f6")
        await pilot.pause()
        trash = app.screen
        assert isinstance(trash, TrashScreen)
        assert trash.table.row_count == 1
        row = trash.table.row_text(0)
        assert f"令和4年3月15日 {FROZEN_NOW:%H:%M}" in row and "令和5年4月20日" in row
        assert "令和5年度第1回" in row

        # Enter asks, Escape keeps it in the trash.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "一覧へ戻しますか" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert trash.table.row_count == 1 and listed(root) == [older]

        await pilot.press("enter")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is trash and trash.table.row_count == 0
        assert "ごみ箱は空です" in str(trash.query_one("#trash-help").render())
        assert listed(root) == [newer, older]
        assert (root / MEETINGS_DIR / f"{newer}.json").exists()

        # Back on the list the restored meeting is there and highlighted.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is listing
        assert [row["id"] for row in listing.shown] == [newer, older]
        assert listing.highlighted_id() == newer
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and app.screen.meeting_id == newer


async def test_restore_is_refused_when_the_id_is_back(root, two):
    newer, older = two
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("delete", "enter")
        await pilot.pause()
        # The same id appears again (for example a meeting backup restored under it).
        data = (root / TRASH_DIR / newer / "meeting.json").read_bytes()
        (root / MEETINGS_DIR / f"{newer}.json").write_bytes(data)
        await pilot.press("f6")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TrashScreen)
        assert app.screen.table.row_count == 1
        assert any("すでにある" in m and "元に戻せません" in m for m in messages(app))


async def test_the_trash_refuses_in_a_read_only_folder(root, two):
    newer, older = two
    datadir = DataDir(root)
    with datadir.write_lock():
        datadir.delete_meeting(newer)
    app = make_app(root, take_lock=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        assert app.screen.table.row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrashScreen)
        assert "元に戻すことはできません" in messages(app)[-1]
        assert listed(root) == [older]


async def test_finalize_then_reopen_each_asks_and_is_recorded(root, two):
    newer, older = two
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        listing = app.screen
        await pilot.press("down")  # the 2022 meeting
        assert listing.highlighted_id() == older

        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "確定しますか" in app.screen.question and "読み取り専用" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert load(root, older).status == "draft"

        await pilot.press("f9", "enter")
        await pilot.pause()
        assert app.screen is listing
        meeting = load(root, older)
        assert meeting.status == "final"
        stamp = FROZEN_NOW.astimezone().isoformat(timespec="seconds")
        assert history(meeting) == [{"action": "確定", "at": stamp}]
        assert DataDir(root).library.get_row(older)["status"] == "final"
        assert "確定" in listing.table.row_text(1)
        assert listing.highlighted_id() == older
        assert any("確定しました" in m for m in messages(app))

        # Final minutes open read-only.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and app.screen.read_only
        assert app.screen.meeting_id == older
        app.screen.close_meeting()
        app.pop_screen()
        await pilot.pause()
        assert app.screen is listing

        # Reopening asks too, and is recorded.
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "確定を取り消して" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        meeting = load(root, older)
        assert meeting.status == "draft"
        assert [r["action"] for r in history(meeting)] == ["確定", "確定の取消"]
        assert "下書き" in listing.table.row_text(1)
        assert any("確定を取り消しました" in m for m in messages(app))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and not app.screen.read_only


async def test_a_failed_finalize_says_so_and_changes_nothing(root, two, monkeypatch):
    newer, older = two
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        from storage.errors import WriteFailedError
        from storage.meetings import MeetingStore

        def full(self):
            raise WriteFailedError(self.path, OSError(28, "No space left on device"))

        monkeypatch.setattr(MeetingStore, "save_header", full)
        await pilot.press("f9", "enter")
        await pilot.pause()
        assert load(root, newer).status == "draft"
        assert "下書き" in app.screen.table.row_text(0)
        assert any("空き" in m for m in messages(app))
        assert isinstance(app.screen, MeetingListScreen)
