"""Attendance through Pilot: present/absent, late arrivals and early leaves, staff per item, observers."""

from __future__ import annotations

from textual.widgets import Input, SelectionList

from minutes.committee import Attendance
from minutes.render import attendance, observers_text
from screens.attendance import AttendanceScreen, PeopleTable
from screens.confirm import Confirm
from screens.row_form import RowForm
from tests.functional.appkit import add_meeting, demo_dict, empty_demo_dict, make_app, paste

SIZE = (120, 36)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_attendance(pilot, results: list) -> AttendanceScreen:
    await pilot.pause()
    pilot.app.push_screen(AttendanceScreen(pilot.app.screen.meeting), results.append)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, AttendanceScreen)
    return screen


async def test_mark_attendance_and_the_exports_follow(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root, meeting_id)  # the clock stands at 18:05:30
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        meeting = app.screen.meeting
        screen = await open_attendance(pilot, results)
        members = screen.query_one("#members", PeopleTable)
        assert app.focused is members
        # 浅野薫 (5th) absent; 村田明美 (6th) arrived late, now.
        await pilot.press("down", "down", "down", "down", "enter")
        await pilot.press("down", "f3")
        await pilot.pause()
        assert "出席委員 5/6名 ・ 定足数 4名 ・ 成立" in str(screen.query_one("#quorum").render())
        # 原田美知子 (4th) left at 18:45, typed in full width.
        await pilot.press("up", "up", "f5")
        await pilot.pause()
        assert isinstance(app.screen, RowForm)
        await pilot.press("tab")
        await paste(pilot, "１８：４５")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        # Staff: 高橋 (事務局, 2nd) absent.
        await pilot.press("tab")
        assert app.focused is screen.query_one("#staff", PeopleTable)
        await pilot.press("down", "enter")
        # Item 1 (資源循環課): 長峯 did not attend.
        await pilot.press("tab")
        assert app.focused.id == "items"
        await pilot.press("tab")
        staff = screen.query_one("#item-staff", SelectionList)
        assert app.focused is staff
        assert staff.selected == ["r1", "r2", "r3"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert staff.selected == ["r1", "r3"]
        # Item 2 (市民協働・男女参画推進課): only 松尾.
        await pilot.press("shift+tab", "down", "tab")
        await pilot.pause()
        assert staff.selected == ["r4", "r5"]
        await pilot.press("down", "enter")
        await pilot.pause()
        # Two observers.
        await pilot.press("tab")
        assert app.focused is screen.query_one("#observers", Input)
        await paste(pilot, "２")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not screen
    [record] = results
    assert isinstance(record, Attendance)
    by_id = {p.id: p for p in record.people}
    assert by_id["p5"].present is False
    assert (by_id["p6"].arrived, by_id["p4"].left) == ("18:05", "18:45")
    assert by_id["s2"].present is False
    assert record.observers == 2
    assert record.item_staff == {"a1": ["r1", "r3"], "a2": ["r4"], "a3": ["r6", "r7"]}
    assert meeting.people[4].present is True  # unchanged until applied
    record.apply_to(meeting)
    # The vote pane takes its voters from the meeting; the exports print the attendance.
    assert [p.name for p in meeting.voters] == ["大川強", "村千鶴子", "原田美知子", "村田明美"]
    lines = dict(attendance(meeting))
    assert lines["委員"] == [
        "昼間守仁会長、大川強副会長、村千鶴子委員、原田美知子委員(午後6時45分退席)、"
        "村田明美委員(午後6時5分出席)(欠席 浅野薫委員)"
    ]
    assert lines["事務局"] == ["飯田係長、榎本主事(総務課)"]
    assert observers_text(meeting) == "2名"


async def test_who_voted_cannot_be_marked_absent(root):
    meeting_id = add_meeting(root, demo_dict())
    app = make_app(root, meeting_id)
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attendance(pilot, results)
        await pilot.press("down", "down", "down", "down", "enter")
        await pilot.pause()
        assert screen.attendance.person("p5").present is True
        assert any("欠席にはできません" in m for m in notes(app))
        # The chair casts no ballot: absent is fine.
        await pilot.press("home", "enter")
        assert screen.attendance.person("p1").present is False
        await pilot.press("enter")
        assert screen.attendance.person("p1").present is True


async def test_times_are_checked(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root, meeting_id)
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attendance(pilot, results)
        await pilot.press("f5")
        await pilot.pause()
        form = app.screen
        await paste(pilot, "25:00")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert any("ありえない時刻" in m for m in notes(app))
        form.query_one("#field-arrived", Input).value = "18:30"
        form.query_one("#field-left", Input).value = "18:10"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert any("退席(18:10)が出席(18:30)より前" in m for m in notes(app))
        form.query_one("#field-left", Input).value = "17:00"
        form.query_one("#field-arrived", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("開会(17:30)より前" in m for m in notes(app))
        form.query_one("#field-left", Input).value = "18:50"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.attendance.person("p1").left == "18:50"
        # Observers must be a number.
        screen.query_one("#observers", Input).focus()
        screen.query_one("#observers", Input).value = ""
        await paste(pilot, "数名")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert any("傍聴者の人数は数字で" in m for m in notes(app))


async def test_escape_asks_when_changed(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root, meeting_id)
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        await open_attendance(pilot, results)
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]
        await open_attendance(pilot, results)
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert results == [None, None]
        assert app.screen.meeting.people[0].present is True
