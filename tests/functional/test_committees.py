"""Committees through Pilot: create one by keys, make one from a meeting, edit the roster, delete."""

from __future__ import annotations

from textual.widgets import Input, Select

from minutes.committee import Committee, Member, committee_from_meeting
from minutes.demo import load_demo
from screens.committee_editor import CommitteeEditor
from screens.committees import CommitteesScreen, MeetingPicker
from screens.confirm import Confirm
from screens.row_form import RowForm
from storage import DataDir
from tests.functional.appkit import add_meeting, demo_dict, make_app, paste
from tui.widgets.row_table import RowTable

SIZE = (120, 36)


def stored(root) -> list[Committee]:
    """The committees on disk, read by a separate DataDir."""
    return DataDir(root).committees()


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def save_committee(root, committee: Committee) -> None:
    datadir = DataDir(root)
    with datadir.write_lock():
        datadir.save_committee(committee)


async def open_list(pilot) -> CommitteesScreen:
    pilot.app.push_screen(CommitteesScreen())
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommitteesScreen)
    return pilot.app.screen


async def choose(pilot, downs: int) -> None:
    """Open the focused Select, move ``downs`` (negative: up) and choose."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*(["down"] * downs if downs > 0 else ["up"] * -downs))
    await pilot.press("enter")
    await pilot.pause()


async def add_member(pilot, name: str, reading: str = "", title: str = "", key: str = "insert", role_moves: int = 0) -> None:
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, RowForm)
    await paste(pilot, name)
    await pilot.press("tab")
    if reading:
        await paste(pilot, reading)
    await pilot.press("tab")
    if title:  # the title is typed (any title; the field starts on 委員)
        assert isinstance(pilot.app.focused, Input)
        pilot.app.focused.value = ""
        await paste(pilot, title)
    if role_moves:
        await pilot.press("tab")
        await choose(pilot, role_moves)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_create_a_committee_by_keys(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("f2")  # F2 (or Insert): a new committee; the key bar shows f2
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, CommitteeEditor)
        assert isinstance(app.focused, Input) and app.focused.id == "name"
        await paste(pilot, "小平市環境審議会")
        await pilot.press("tab")
        await paste(pilot, "市役所5階 大会議室")
        await pilot.press("tab")
        await paste(pilot, "１８：００")  # as the IME types it
        # The roster: 会長, 副会長, 委員 (the title list starts on 委員).
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.focused, RowTable)
        await add_member(pilot, "昼間守仁", "ひるましゅじん", title="会長")
        await add_member(pilot, "大川強", title="副会長")
        await add_member(pilot, "村千鶴子", key="ctrl+n")  # laptops without an Insert key
        # The secretariat and a department with its staff.
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("insert")
        await pilot.pause()
        await paste(pilot, "飯田")
        await pilot.press("tab")
        await paste(pilot, "係長")
        await pilot.press("tab")
        await paste(pilot, "環境政策課")
        await pilot.press("enter")  # Enter in the last field keeps the form
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("insert")
        await pilot.pause()
        await paste(pilot, "資源循環課")
        await pilot.press("tab")
        await paste(pilot, "市川")
        await pilot.press("tab")
        await paste(pilot, "課長")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # F7 stands for 村千鶴子: (未設定), 会長, 副会長, 村千鶴子 …
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("tab")
        assert app.focused.id == "key-7"
        await choose(pilot, 3)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CommitteesScreen), notes(app)
        assert "会議体「小平市環境審議会」を保存しました。" in notes(app)
    [committee] = stored(root)
    assert (committee.name, committee.place, committee.start) == ("小平市環境審議会", "市役所5階 大会議室", "18:00")
    assert [(m.title, m.name, m.reading) for m in committee.members] == [
        ("会長", "昼間守仁", "ひるましゅじん"),
        ("副会長", "大川強", ""),
        ("委員", "村千鶴子", ""),
    ]
    assert [(s.name, s.post, s.department) for s in committee.secretariat] == [("飯田", "係長", "環境政策課")]
    assert [(s.name, s.post) for s in committee.departments["資源循環課"]] == [("市川", "課長")]
    assert committee.speaker_keys == {7: "村千鶴子"}
    assert len(committee.phrases) == 9  # a new committee starts with the built-in phrases


async def test_make_a_committee_from_a_meeting_and_edit_its_roster(root):
    add_meeting(root, demo_dict())
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, MeetingPicker)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CommitteeEditor)
        await pilot.press("f3")
        await pilot.pause()
        table = app.focused
        assert isinstance(table, RowTable) and table.row_count == 6
        # Move 村千鶴子 (3rd) up to 2nd, remove 村田明美 (last), edit 原田美知子's reading.
        await pilot.press("down", "down", "ctrl+up")
        assert table.cursor_row == 1
        await pilot.press("end", "delete")
        await pilot.pause()
        assert table.row_count == 5
        await pilot.press("home", "down", "down", "down", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RowForm)
        assert form.query_one("#field-name", Input).value == "原田美知子"
        await pilot.press("tab")
        await paste(pilot, "はらだみちこ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # The vote rule on the basic tab: 3分の2以上.
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("#rule", Select).focus()
        await choose(pilot, 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.committees[0].name == load_demo().body
    [committee] = stored(root)
    assert [m.name for m in committee.members] == ["昼間守仁", "村千鶴子", "大川強", "原田美知子", "浅野薫"]
    assert committee.members[3].reading == "はらだみちこ"
    assert committee.rule == "two_thirds"
    assert len(committee.secretariat) == 3
    assert list(committee.departments) == ["資源循環課", "市民協働・男女参画推進課", "子育て支援課"]


async def test_form_and_save_refusals_say_what_to_do(root):
    save_committee(root, Committee(id="c1", name="既存の審議会", members=[Member("昼間守仁", "会長")]))
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("insert")
        await pilot.pause()
        editor = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor
        assert any("会議体の名称を入れてください" in m for m in notes(app))
        await paste(pilot, "既存の審議会")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor
        assert any("はもうあります" in m for m in notes(app))
        await pilot.press("tab", "tab", "tab", "tab", "tab")
        app.screen.query_one("#quorum", Input).focus()
        await paste(pilot, "多数")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("定足数は数字で書いてください" in m for m in notes(app))
        # A member twice, in the form: the form stays open and says so.
        await pilot.press("f3")
        await pilot.pause()
        await add_member(pilot, "大川強")
        await add_member(pilot, "大川強")
        assert isinstance(app.screen, RowForm)
        assert any("委員「大川強」はもう名簿にあります" in m for m in notes(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor
        assert editor.query_one("#table-members", RowTable).row_count == 1
    assert [c.name for c in stored(root)] == ["既存の審議会"]


async def test_escape_asks_before_dropping_changes(root):
    save_committee(root, Committee(id="c1", name="審議会"))
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        await pilot.press("insert")  # a new, empty committee left as it is: closes at once
        await pilot.pause()
        assert isinstance(app.screen, CommitteeEditor)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, CommitteeEditor)
        await pilot.press("escape")  # nothing changed: closes at once
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("enter")
        await pilot.pause()
        await paste(pilot, "改名した審議会")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "いいえ" not in app.screen.question and "Esc で戻って" in app.screen.question  # no such button
        await pilot.press("escape")  # Esc: back to the editor
        await pilot.pause()
        assert isinstance(app.screen, CommitteeEditor)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # はい: close without saving
        await pilot.pause()
        assert app.screen is screen
    assert [c.name for c in stored(root)] == ["審議会"]


async def test_delete_asks_first(root):
    save_committee(root, Committee(id="c1", name="一つ目"))
    save_committee(root, Committee(id="c2", name="二つ目"))
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("down", "delete")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "二つ目" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert len(stored(root)) == 2
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("f2")  # はい
        await pilot.pause()
        assert isinstance(app.screen, CommitteesScreen)
        assert "会議体「二つ目」を削除しました。" in notes(app)
    assert [c.name for c in stored(root)] == ["一つ目"]


async def test_read_only_folder_refuses_changes(root):
    save_committee(root, committee_from_meeting(load_demo()))
    app = make_app(root, take_lock=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        assert len(screen.committees) == 1  # it still lists them
        for key in ("insert", "delete", "f3", "enter"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
        assert any("会議体は変更できません" in m for m in notes(app))
    assert len(stored(root)) == 1


async def test_escape_goes_back(root):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        before = app.screen
        await open_list(pilot)
        assert "会議体はまだありません" in str(app.screen.query_one("#committees").get_option_at_index(0).prompt)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is before


async def test_choosing_the_chair_title_unticks_the_voting_right(root):
    # The box stayed ticked (labelled 会長は通常なし) and the chair was saved with a vote.
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await paste(pilot, "テスト委員会")
        await pilot.press("f3")
        await pilot.pause()
        await add_member(pilot, "昼間守仁", title="委員長")
        await add_member(pilot, "村千鶴子", title="副会長")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [committee] = stored(root)
    chair, vice = committee.members
    assert (chair.title, chair.has_vote, chair.votes) == ("委員長", False, None)
    assert (vice.title, vice.has_vote) == ("副会長", True)


async def test_text_typed_straight_after_tab_lands_in_the_next_field(root):
    # send-keys 'テスト委員会' Tab '場所X' gave the name テスト委員会場所X: Tab moved the focus only
    # once the key had reached the field, after the words typed behind it.
    from textual import events

    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("f2")
        await pilot.pause()
        app.post_message(events.Paste("テスト委員会"))
        app.post_message(events.Key("tab", "\t"))
        app.post_message(events.Paste("場所X"))
        for _ in range(3):
            await pilot.pause()
        assert app.screen.query_one("#name", Input).value == "テスト委員会"
        assert app.screen.query_one("#place", Input).value == "場所X"


async def test_the_committee_default_style_is_chosen_in_the_editor_and_the_export_screen_uses_it(root):
    from screens.export import ExportScreen

    meeting_id = add_meeting(root, demo_dict())
    save_committee(root, committee_from_meeting(load_demo()))
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CommitteeEditor)
        style = app.screen.query_one("#export-style", Select)
        assert style.value == ""  # 要録, the default
        style.focus()
        await choose(pilot, 2)  # 要録(既定) → 議会 → 要点
        await pilot.press("ctrl+s")
        await pilot.pause()
    [committee] = stored(root)
    assert committee.export_style == "要点"
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert "スタイル(F12): 要点" in str(screen.query_one("#options").render())
        assert "6　会議の結果" in screen.text
