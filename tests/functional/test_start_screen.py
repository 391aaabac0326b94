"""The start screen (会議の一覧) through Pilot: rows, opening, filters, the keys to other screens, speed."""

from __future__ import annotations

import time

import pytest

from screens.confirm import Confirm
from screens.meeting import MeetingScreen
from screens.meeting_list import CommitteeFilter, MeetingListScreen, YearFilter
from tests.functional.appkit import add_meeting, demo_dict, make_app, paste
from tests.unit.test_storage_search import build_library

SIZE = (120, 36)
CITY_PLANNING = "小平市都市計画審議会"


@pytest.fixture
def three(root):
    """Three meetings: 2022-03-15 (demo), 2023-04-20 (demo, final), 2019-05-10 (another body)."""
    demo = add_meeting(root, demo_dict())
    newer = demo_dict()
    newer.update(date="2023-04-20", fiscal_year=2023, session=1, status="final")
    newest = add_meeting(root, newer)
    other = demo_dict()
    other.update(date="2019-05-10", fiscal_year=2019, body=CITY_PLANNING)
    oldest = add_meeting(root, other)
    return {"2023": newest, "2022": demo, "2019": oldest}


def rows(screen: MeetingListScreen) -> list[str]:
    return [screen.table.row_text(i) for i in range(screen.table.row_count)]


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_kaigiroku_opens_on_the_list_newest_first_with_every_column(root, three):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingListScreen)
        assert app.focused is screen.table
        lines = rows(screen)
        assert len(lines) == 3
        assert lines[0].lstrip().startswith("令和5年4月20日")
        assert lines[1].lstrip().startswith("令和4年3月15日")
        assert lines[2].lstrip().startswith("令和元年5月10日")
        assert "令和5年度第1回小平市情報公開" in lines[0]
        assert "確定" in lines[0] and "下書き" in lines[1] and "下書き" in lines[2]
        assert CITY_PLANNING in lines[2]
        assert lines[1].rstrip().endswith("58"), "the number of entries"
        assert "全3件" in str(screen.query_one("#list-filters").render())


async def test_enter_opens_the_highlighted_meeting(root, three):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.meeting_id == three["2022"]


async def test_the_final_meeting_opens_read_only(root, three):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.meeting_id == three["2023"]
        assert app.screen.read_only


async def test_filter_by_committee_and_fiscal_year_and_clear(root, three):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("f3")
        assert isinstance(app.screen, CommitteeFilter)
        await paste(pilot, "都市計画")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert [r["id"] for r in screen.shown] == [three["2019"]]
        assert "1件 / 全3件" in str(screen.query_one("#list-filters").render())

        await pilot.press("escape")
        await pilot.pause()
        assert len(screen.shown) == 3

        await pilot.press("f4")
        assert isinstance(app.screen, YearFilter)
        await paste(pilot, "令和3年度")  # fiscal 2021: April 2021 to March 2022
        await pilot.press("enter")
        await pilot.pause()
        assert [r["id"] for r in screen.shown] == [three["2022"]]
        assert "令和3年度" in str(screen.query_one("#list-filters").render())

        # Both filters together: nothing of the city planning council in fiscal 2021.
        await pilot.press("f3")
        await paste(pilot, "都市計画")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.shown == []
        assert "条件に合う会議はありません" in str(screen.query_one("#list-empty").render())
        # Escape in a picker cancels it and keeps the filter.
        await pilot.press("f4")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.fiscal_year == 2021
        await pilot.press("escape")
        await pilot.pause()
        assert len(screen.shown) == 3


async def test_an_empty_library_says_what_to_do(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#list-empty").render())
        assert "会議はまだありません" in text and "F2" in text
        await pilot.press("enter", "delete", "f9", "f5")
        await pilot.pause()
        assert isinstance(app.screen, MeetingListScreen)
        assert any("会議が選ばれていません" in m for m in messages(app))


async def test_new_and_duplicate_open_the_new_meeting_screen(root, three):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        try:
            from screens.new_meeting import NewMeetingScreen
        except ImportError:
            await pilot.press("f2")
            await pilot.pause()
            assert isinstance(app.screen, MeetingListScreen)
            assert messages(app)[-1] == "準備中です"
            await pilot.press("f5")
            await pilot.pause()
            assert isinstance(app.screen, MeetingListScreen)
            return
        pushed = []
        push = app.push_screen

        def spy(screen, *args, **kwargs):
            pushed.append(screen)
            return push(screen, *args, **kwargs)

        app.push_screen = spy
        listing = app.screen
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(pushed[0], NewMeetingScreen) and pushed[0].previous_meeting_id is None
        if app.screen is not listing:  # without committees it goes back at once, saying so
            app.screen.dismiss(None)
            await pilot.pause()
        assert app.screen is listing

        # F5: the next meeting after the highlighted one; creating it opens it, and the list has it.
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, NewMeetingScreen)
        assert app.screen.previous_meeting_id == three["2023"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        new_id = app.screen.meeting_id
        assert new_id not in three.values()
        assert listing.table.row_count == 4
        assert listing.highlighted_id() == new_id


async def test_f8_opens_the_committees(root, three):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        try:
            from screens.committees import CommitteesScreen
        except ImportError:
            await pilot.press("f8")
            await pilot.pause()
            assert messages(app)[-1] == "準備中です"
            return
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, CommitteesScreen)


async def test_a_read_only_folder_refuses_changes_but_opens(root, three):
    app = make_app(root, take_lock=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert "読み取り専用" in str(screen.query_one("#list-title").render())
        for key in ("delete", "f9", "f2", "f5"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
            assert "変更はできません" in messages(app)[-1]
        assert len(app.datadir.list_meetings()) == 3
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and app.screen.read_only


async def test_f1_lists_the_keys(root, three):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        from screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingListScreen)


async def test_confirm_escape_does_nothing(root, three):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen.shown) == 3


async def test_a_thousand_meetings_open_fast_and_scroll(tmp_path, capsys):
    root = tmp_path / "data"
    ids = build_library(root, 1000)
    started = time.perf_counter()
    app = make_app(root)
    first_frame: list[float] = []
    display = app._display

    def timed_display(*args, **kwargs):
        if not first_frame and isinstance(app.screen, MeetingListScreen) and app.screen.table.row_count:
            first_frame.append(time.perf_counter() - started)
        return display(*args, **kwargs)

    app._display = timed_display
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ready = time.perf_counter() - started
        screen = app.screen
        assert screen.table.row_count == 1000
        assert screen.highlighted_id() == ids[-1], "newest first"
        await pilot.press("end")
        assert screen.highlighted_id() == ids[0]
        await pilot.press("pageup", "up")
        await pilot.pause()
        index = screen.table.cursor
        assert screen.table.scroll_y <= index <= screen.table.scroll_y + screen.table.size.height
        started_open = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.meeting_id == ids[999 - index]
        opened = time.perf_counter() - started_open
    with capsys.disabled():
        print(
            f"\n[start screen, 1,000 meetings] first frame {first_frame[0] * 1000:.0f} ms after the app was made, "
            f"settled {ready * 1000:.0f} ms; opening one from the list {opened * 1000:.0f} ms"
        )
    assert first_frame  # a frame showed the rows (how soon: bench/run.py, library_1k_open_ratio)


async def test_f10_opens_the_files_screen_for_the_highlighted_meeting(tmp_path):
    from screens.files import FilesScreen
    from tests.functional.appkit import add_meeting, demo_dict, make_app

    root = tmp_path / "data"
    meeting_id = add_meeting(root, demo_dict())
    app = make_app(root)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, FilesScreen)
        assert app.screen.meeting_id == meeting_id
