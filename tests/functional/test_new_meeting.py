"""New meetings through Pilot: from a committee (numbering across a fiscal-year change), as the next
meeting after an existing one, and the agenda editor (new and existing meetings)."""

from __future__ import annotations

from datetime import datetime

import pytest
from textual.widgets import Input

from minutes.committee import committee_from_meeting
from minutes.demo import load_demo
from minutes.model import Item, Speech
from screens.agenda_editor import AgendaEditor
from screens.confirm import Confirm
from screens.meeting import MeetingScreen
from screens.new_meeting import CommitteePicker, NewMeetingScreen
from screens.row_form import RowForm
from storage import DataDir
from tests.functional.appkit import add_meeting, demo_dict, load, make_app, paste
from tui.widgets.row_table import RowTable

SIZE = (120, 36)
DEMO_TITLE = "(仮称)小平市一般廃棄物処理基本計画策定に係る市民アンケート調査における個人情報の本人以外からの収集及び目的外利用について"


@pytest.fixture
def demo_id(root):
    """The demo meeting (令和3年度第3回, 通算第54回, 2022-03-15) and its committee."""
    meeting_id = add_meeting(root, demo_dict())
    datadir = DataDir(root)
    with datadir.write_lock():
        datadir.save_committee(committee_from_meeting(load_demo()))
    return meeting_id


def at(*args):
    return lambda: datetime(*args)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def field(app, wid: str) -> str:
    return app.screen.query_one(f"#{wid}", Input).value


def new_ids(root, *old: str) -> list[str]:
    return [row["id"] for row in DataDir(root).list_meetings() if row["id"] not in old]


async def typein(pilot, wid: str, text: str) -> None:
    """Put the cursor in a field, empty it, and type text as the IME delivers it."""
    box = pilot.app.screen.query_one(f"#{wid}", Input)
    box.focus()
    box.value = ""
    await paste(pilot, text)


async def start_new(pilot) -> NewMeetingScreen:
    pilot.app.push_screen(NewMeetingScreen())
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommitteePicker)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NewMeetingScreen)
    return pilot.app.screen


async def test_new_meeting_in_a_new_fiscal_year(root, demo_id):
    app = make_app(root, clock=at(2022, 4, 20, 10, 0))
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        # 令和3年度第3回 通算54 on 2022-03-15 → 令和4年度第1回 通算55.
        assert [field(app, w) for w in ("fiscal-year", "session", "serial")] == ["2022", "1", "55"]
        assert [field(app, w) for w in ("date", "start", "place")] == ["2022-04-20", "17:30", "市役所3階 庁議室"]
        assert "令和4年度" in str(app.screen.query_one("#fiscal-year-label").render())
        assert "通算第54回" in str(app.screen.query_one("#numbers-note").render())
        # The agenda: one 諮問 for 資源循環課, and その他.
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, AgendaEditor)
        await pilot.press("insert")
        await pilot.pause()
        assert isinstance(app.screen, RowForm)
        await paste(pilot, "ごみ収集に関する個人情報の目的外利用について")
        await pilot.press("tab", "tab")
        await paste(pilot, "諮問")
        await pilot.press("tab", "enter")  # the first department: 資源循環課
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("f2")  # その他
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewMeetingScreen)
        assert "① ごみ収集に関する" in str(app.screen.query_one("#agenda-summary").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        [meeting_id] = new_ids(root, demo_id)
        assert app.screen.meeting_id == meeting_id
        assert meeting_id.startswith("20220420-")
    meeting = load(root, meeting_id)
    assert (meeting.fiscal_year, meeting.session, meeting.serial) == (2022, 1, 55)
    assert (meeting.date, meeting.start, meeting.place) == ("2022-04-20", "17:30", "市役所3階 庁議室")
    assert [p.name for p in meeting.people] == [p.name for p in load_demo().people]
    assert [(i.section, i.kind, i.title, i.departments) for i in meeting.agenda] == [
        ("議事", "諮問", "ごみ収集に関する個人情報の目的外利用について", ["資源循環課"]),
        ("その他", "", "その他", []),
    ]
    assert meeting.agenda[0].id != meeting.agenda[1].id
    assert meeting.extra["committee"]["rule"] == "majority"
    row = DataDir(root).library.get_row(meeting_id)
    assert row["title"] == "令和4年度第1回小平市情報公開・個人情報保護・公文書管理審議会会議録(要録)"


async def test_within_the_fiscal_year_and_the_numbers_follow_the_date(root, demo_id):
    app = make_app(root, clock=at(2022, 3, 25, 9, 0))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_new(pilot)
        assert [field(app, w) for w in ("fiscal-year", "session", "serial")] == ["2021", "4", "55"]
        # Another date, in the next fiscal year: the numbers follow.
        await typein(pilot, "date", "2022-04-01")
        await pilot.pause()
        assert [field(app, w) for w in ("fiscal-year", "session", "serial")] == ["2022", "1", "55"]
        # Once the clerk changes a number, the date no longer changes them.
        await typein(pilot, "serial", "60")
        await typein(pilot, "date", "2022-03-30")
        await pilot.pause()
        assert [field(app, w) for w in ("fiscal-year", "session", "serial")] == ["2022", "1", "60"]
        # An impossible date is refused, nothing is made.
        await typein(pilot, "date", "2022-02-30")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert any("ありえない日付" in m for m in notes(app))
        await typein(pilot, "date", "2022-03-30")
        await typein(pilot, "start", "夕方")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert any("時:分" in m for m in notes(app))
        assert new_ids(root, demo_id) == []
        # No agenda yet: asked before making it.
        await typein(pilot, "start", "１８：００")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
    [meeting_id] = new_ids(root, demo_id)
    meeting = load(root, meeting_id)
    assert (meeting.fiscal_year, meeting.session, meeting.serial, meeting.date, meeting.start) == (
        2022, 1, 60, "2022-03-30", "18:00",
    )


async def test_duplicate_as_the_next_meeting(root, demo_id):
    app = make_app(root, clock=at(2022, 5, 10, 9, 0))
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(NewMeetingScreen(previous_meeting_id=demo_id))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NewMeetingScreen)
        assert [field(app, w) for w in ("fiscal-year", "session", "serial", "date")] == ["2022", "1", "55", "2022-05-10"]
        assert "② 地域センター" in str(screen.query_one("#agenda-summary").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
    [meeting_id] = new_ids(root, demo_id)
    meeting, demo = load(root, meeting_id), load_demo()
    assert [(i.id, i.title, i.kind, i.departments) for i in meeting.agenda] == [
        (i.id, i.title, i.kind, i.departments) for i in demo.agenda
    ]
    assert all(item.log == [] for item in meeting.agenda)
    assert [(p.id, p.name) for p in meeting.people] == [(p.id, p.name) for p in demo.people]
    assert load(root, demo_id).entry_count() == demo.entry_count()  # the original is untouched


async def test_without_committees_it_says_where_to_make_one(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        before = app.screen
        app.push_screen(NewMeetingScreen())
        await pilot.pause()
        await pilot.pause()
        assert app.screen is before
        assert any("会議体がありません" in m and "F8" in m for m in notes(app))  # says which key leads there


async def test_escape_from_the_committee_choice_goes_back(root, demo_id):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        before = app.screen
        app.push_screen(NewMeetingScreen())
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is before


async def test_read_only_folder_makes_no_meeting(root, demo_id):
    app = make_app(root, take_lock=False)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewMeetingScreen)
        assert any("新しい会議は作れません" in m for m in notes(app))
    assert new_ids(root, demo_id) == []


# -- the agenda editor on an existing meeting ---------------------------------------------------------
async def test_agenda_editor_reorders_edits_and_removes(root, demo_id):
    app = make_app(root, demo_id)
    results = []
    async with app.run_test(size=SIZE) as pilot:
        meeting = app.screen.meeting
        app.push_screen(AgendaEditor(meeting.agenda, ["資源循環課", "子育て支援課"]), results.append)
        await pilot.pause()
        editor = app.screen
        table = editor.query_one(RowTable)
        assert app.focused is table and table.row_count == 4
        # Move the 3rd item (報告) up, before the 2nd.
        await pilot.press("down", "down", "ctrl+up")
        # Edit its title.
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RowForm)
        form.query_one("#field-title", Input).value = "子育て世帯への給付金について"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Remove the first item: it has entries, so it asks.
        await pilot.press("home", "delete")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "件あります" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 4
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert table.row_count == 3
        # Insert a new item after the one under the cursor (now the first).
        await pilot.press("insert")
        await pilot.pause()
        await paste(pilot, "追加の報告について")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not editor
    [agenda] = results
    demo = load_demo()
    assert [i.title for i in agenda] == [
        "子育て世帯への給付金について",
        "追加の報告について",
        demo.agenda[1].title,
        "その他",
    ]
    assert [i.id for i in agenda] == ["a3", "a5", "a2", "a4"]
    assert agenda[0].log == demo.agenda[2].log  # entries stay with their item
    assert agenda[1].log == [] and agenda[1].section == "議事"
    assert meeting.agenda[0].title == DEMO_TITLE  # the meeting itself is unchanged until the caller applies it


async def test_agenda_editor_escape_asks_when_changed(root, demo_id):
    app = make_app(root, demo_id)
    results = []
    async with app.run_test(size=SIZE) as pilot:
        meeting = app.screen.meeting
        app.push_screen(AgendaEditor(meeting.agenda, []), results.append)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]
        app.push_screen(AgendaEditor(meeting.agenda, []), results.append)
        await pilot.pause()
        await pilot.press("ctrl+down", "escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")
        await pilot.pause()
        assert results == [None, None]
        assert [i.id for i in meeting.agenda] == ["a1", "a2", "a3", "a4"]
        # その他 only once.
        app.push_screen(AgendaEditor(meeting.agenda, []), results.append)
        await pilot.pause()
        await pilot.press("f2")
        assert any("「その他」はもうあります" in m for m in notes(app))


def test_new_items_get_unused_ids():
    from screens.agenda_editor import new_item_id

    assert new_item_id([]) == "a1"
    assert new_item_id([Item(id="a2", title="x"), Item(id="a3", title="y")]) == "a4"
    assert new_item_id([Item(id="a3", title="x"), Item(id="a4", title="y", log=[Speech("z")])]) == "a5"


async def test_at_80_columns_the_year_label_is_whole(root, demo_id):
    # At 80 columns the label (with its era) was cut.
    from rich.cells import cell_len

    app = make_app(root, clock=at(2022, 4, 20, 10, 0))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_new(pilot)
        label = app.screen.query_one("#fiscal-year-label")
        text = str(label.render())
        assert text.endswith("令和4年度")
        assert cell_len(text) <= label.content_region.width
