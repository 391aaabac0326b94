"""The meeting-details form (alt+d): every header fact can be fixed after the fact, checked, saved, undone."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from minutes.render import composed_title
from screens.meeting import MeetingScreen
from screens.meeting_details import MeetingDetails, field_id
from tests.functional.appkit import add_meeting, demo_dict, empty_demo_dict, load, make_app, paste
from tui.commands import screen_commands

SIZE = (120, 36)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "data"


def field(screen, key: str):
    return screen.query_one(f"#{field_id(key)}")


async def open_details(pilot) -> MeetingDetails:
    """alt+d on the meeting screen: the form."""
    await pilot.pause()
    await pilot.press("alt+d")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MeetingDetails)
    return pilot.app.screen


async def test_alt_d_edits_every_header_fact_saves_and_ctrl_z_undoes(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_details(pilot)
        assert field(form, "place").value == "市役所3階 庁議室"
        assert field(form, "end").value == ""
        changes = {
            "body": "テスト審議会",
            "fiscal_year": "2022",
            "session": "1",
            "serial": "",
            "date": "2022/4/20",
            "start": "１０：００",
            "end": "1205",
            "place": "第二会議室",
            "observers": "3",
        }
        for key, value in changes.items():
            field(form, key).value = value
        field(form, "record_style").value = "要点"
        field(form, "title").focus()
        await paste(pilot, "特別な題名")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        saved = load(root, meeting_id)
        assert (saved.body, saved.fiscal_year, saved.session, saved.serial) == ("テスト審議会", 2022, 1, None)
        assert (saved.date, saved.start, saved.end, saved.place) == ("2022-04-20", "10:00", "12:05", "第二会議室")
        assert (saved.record_style, saved.observers, saved.title) == ("要点", 3, "特別な題名")
        assert "特別な題名" in str(app.screen.query_one("#meeting-header").render())
        # the list of meetings shows the new facts too
        assert app.datadir.meeting_row(meeting_id)["date"] == "2022-04-20"
        await pilot.press("ctrl+z")
        await pilot.pause()
        back = load(root, meeting_id)
        assert (back.body, back.date, back.start, back.end, back.place, back.title) == (
            "小平市情報公開・個人情報保護・公文書管理審議会", "2022-03-15", "17:30", None, "市役所3階 庁議室", None,
        )
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert load(root, meeting_id).end == "12:05"


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("end", "17:00", "閉会の時刻 17:00 が開会の時刻 17:30 より前"),
        ("date", "2022-02-30", "ありえない日付"),
        ("start", "25:00", "ありえない時刻"),
        ("place", "  ", "開催場所を入れてください"),
        ("session", "0", "第N回は1以上"),
        ("observers", "三", "傍聴者は数字で"),
    ],
)
async def test_a_wrong_field_is_refused_with_its_reason_and_focused(root, key, value, words):
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_details(pilot)
        field(form, key).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert app.focused is field(form, key)
        assert any(words in str(n.message) for n in app._notifications)
        assert load(root, meeting_id).place == "市役所3階 庁議室"


async def test_a_title_left_empty_is_the_composed_one(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_details(pilot)
        field(form, "session").value = "4"
        await pilot.pause()
        shown = str(form.query_one("#details-title").render())
        assert "第4回" in shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = load(root, meeting_id)
        assert saved.title is None and composed_title(saved).startswith("令和3年度第4回")


async def test_a_final_meeting_refuses_the_form_and_says_how_to_change_it(root):
    data = demo_dict()
    data["status"] = "final"
    meeting_id = add_meeting(root, data)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("alt+d")
        await pilot.pause()
        assert not isinstance(app.screen, MeetingDetails)
        assert any("確定済み" in str(n.message) and "F9" in str(n.message) for n in app._notifications)


async def test_the_palette_offers_the_form_and_the_list_opens_it(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("alt+d")
        for _ in range(10):
            await pilot.pause()
        assert isinstance(app.screen, MeetingDetails)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        names = [name for name, _, _ in screen_commands(app.screen)]
        assert any(name.startswith("会議の情報") for name in names)
        assert app.screen.meeting_id == meeting_id


async def test_escape_after_a_change_asks_before_throwing_it_away(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_details(pilot)
        field(form, "place").value = "別の部屋"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not form and not isinstance(app.screen, MeetingScreen)  # the question
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert load(root, meeting_id).place == "市役所3階 庁議室"
