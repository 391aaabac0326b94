"""The minute-taking screen through Pilot: each feature as the clerk uses it."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from minutes.model import Speech, Vote
from screens.chair_decision import ChairDecision
from screens.entry_editor import EntryEditor
from screens.help import HelpScreen
from screens.meeting import MeetingScreen
from screens.phrase_picker import PhrasePicker
from screens.speaker_picker import SpeakerPicker
from screens.time_field import TimeField
from storage.errors import WriteFailedError
from tests.functional.appkit import (
    add_meeting,
    demo_dict,
    empty_demo_dict,
    load,
    log_lines,
    make_app,
    paste,
)
from tui.widgets.entry_bar import EntryText
from tui.widgets.vote_pane import VotePane

SIZE = (120, 36)


@pytest.fixture
def empty_id(root):
    return add_meeting(root, empty_demo_dict())


@pytest.fixture
def demo_meeting_id(root):
    return add_meeting(root, demo_dict())


async def test_opens_with_cursor_in_entry_bar_and_chair_speaking(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert isinstance(app.focused, EntryText)
        assert "会長 昼間守仁" in str(app.screen.bar.query_one("#speaker").render())


async def test_enter_commits_to_disk_then_log_and_keeps_speaker(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("f3")
        await paste(pilot, "1点目、調査項目の回答方法を教えてください。")
        await pilot.press("enter")
        await pilot.pause()
        on_disk = load(root, empty_id)
        entry = on_disk.agenda[0].log[0]
        assert entry == Speech(
            text="1点目、調査項目の回答方法を教えてください。", label="委員", time="18:05:30"
        )
        assert any("委員　1点目、調査項目" in line for line in log_lines(screen))
        assert screen.bar.text == ""
        assert screen.bar.speaker == "委員(氏名なし)"
        await paste(pilot, "続けて質問します。")
        await pilot.press("enter")
        await pilot.pause()
        assert [e.label for e in load(root, empty_id).agenda[0].log] == ["委員", "委員"]


async def test_failed_save_keeps_text_in_bar_and_says_what_to_do(root, empty_id, monkeypatch):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen

        def disk_full(*args):
            raise WriteFailedError(screen.store.path, OSError(28, "No space left on device"))

        monkeypatch.setattr(screen.store, "save_item", disk_full)
        monkeypatch.setattr(screen.store, "append_entry", disk_full)
        await paste(pilot, "消えてはいけない発言。")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.bar.text == "消えてはいけない発言。"
        assert screen.meeting.agenda[0].log == []
        assert not any("消えてはいけない" in line for line in log_lines(screen))
        messages = [n.message for n in app._notifications]
        assert any("空き" in m for m in messages), messages
        monkeypatch.undo()
        await pilot.press("enter")
        await pilot.pause()
        assert load(root, empty_id).agenda[0].log[0].text == "消えてはいけない発言。"
        assert screen.bar.text == ""


async def test_paragraph_break_and_append_to_previous(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await paste(pilot, "それでは、御説明いたします。")
        await pilot.press("ctrl+j")
        await paste(pilot, "資料1を御覧ください。")
        await pilot.press("enter")
        await paste(pilot, "説明は以上でございます。")
        await pilot.press("ctrl+o")
        await pilot.pause()
        entry = load(root, empty_id).agenda[0].log[0]
        assert entry.label == "資源循環課"
        assert entry.text == "それでは、御説明いたします。\n資料1を御覧ください。\n説明は以上でございます。"
        assert len(load(root, empty_id).agenda[0].log) == 1


async def test_text_is_kept_exactly_as_typed(root, empty_id):
    app = make_app(root, empty_id)
    text = "  前後の空白 [/] [b]太字[/b] **強調** \\n バックスラッシュ \x1b[31m赤\x1b[0m 😀 が\u202e  "
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("f3")  # a label alone (no name beside it): the lines wrap where the checks expect
        await paste(pilot, text)
        await pilot.press("enter")
        await pilot.pause()
        # A paste is words, never keys: its ESC is stored as the visible ␛ (the clerk is told);
        # everything else is kept exactly, the bidi control included.
        assert load(root, empty_id).agenda[0].log[0].text == text.replace("\x1b", "␛")
        lines = "\n".join(log_lines(screen))
        assert "[/] [b]太字[/b] **強調**" in lines
        assert "␛[31m赤␛[0m" in lines
        assert "\x1b" not in lines and "\u202e" not in lines
        assert "\\u202e" in lines


async def test_speaker_keys(root):
    data = empty_demo_dict()
    data["agenda"][0]["departments"] = ["資源循環課", "総務課"]
    meeting_id = add_meeting(root, data)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.screen.bar
        await pilot.press("f2")
        assert bar.speaker == "会長 昼間守仁"
        await pilot.press("f3")
        assert bar.speaker == "委員(氏名なし)"
        await pilot.press("f4")
        assert bar.speaker == "資源循環課"
        await pilot.press("f4")
        assert bar.speaker == "総務課"
        await pilot.press("f4")
        assert bar.speaker == "資源循環課"
        await pilot.press("f5")
        assert bar.speaker == "事務局"
        await pilot.press("f6")
        assert bar.speaker == "副会長 大川強"
        await pilot.press("f9")
        assert bar.speaker == "副会長 大川強"  # unassigned: unchanged, with a message
        assert any("F9" in n.message for n in app._notifications)


async def test_speaker_picker_filters_by_name_reading_title_department(root):
    data = empty_demo_dict()
    data["people"][2]["reading"] = "むらちづこ"
    meeting_id = add_meeting(root, data)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        assert isinstance(app.screen, SpeakerPicker)
        await paste(pilot, "むらち")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.bar.speaker == "委員 村千鶴子"
        await pilot.press("tab")
        await paste(pilot, "子育て")
        await pilot.pause()
        picker = app.screen
        assert all("子育て" in text or "子育て" in keys for text, keys, _ in picker.choices if _ in picker._shown)
        await pilot.press("enter")
        await pilot.pause()
        assert "子育て支援課" in app.screen.bar.speaker
        await pilot.press("tab")
        await paste(pilot, "副会長")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.bar.speaker == "副会長 大川強"


async def test_stock_phrase_filled_from_current_item(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, PhrasePicker)
        await paste(pilot, "議事の開始")
        await pilot.press("enter")
        await pilot.pause()
        title = screen.meeting.agenda[0].title
        assert screen.bar.text == (
            f"議事の1番目「{title}」の諮問です。それでは、諮問内容について、担当課から説明をお願いします。"
        )
        screen.bar.set_text("")
        await pilot.press("alt+down", "alt+down")
        await pilot.press("f10")
        await paste(pilot, "議事の開始")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.bar.text.startswith("議事の3番目「子育て世帯への")
        assert "の報告です。それでは、報告内容について" in screen.bar.text


async def test_agenda_keys_move_the_current_item_and_entries_follow(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.current_index == 0
        await pilot.press("alt+down")
        assert screen.current_index == 1
        await paste(pilot, "二つ目の議事の発言。")
        await pilot.press("enter")
        await pilot.press("ctrl+pagedown", "ctrl+pagedown", "ctrl+pagedown")
        assert screen.current_index == 3
        await pilot.press("alt+up")
        assert screen.current_index == 2
        await pilot.pause()
        on_disk = load(root, empty_id)
        assert [len(i.log) for i in on_disk.agenda] == [0, 1, 0, 0]
        lines = log_lines(screen)
        assert any(line.startswith("(2) 地域センター") for line in lines)


async def test_log_edit_delete_move_insert_and_undo_redo(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        for text in ("一つ目。", "二つ目。", "三つ目。"):
            await paste(pilot, text)
            await pilot.press("enter")
        await pilot.pause()

        def texts():
            return [e.text for e in load(root, empty_id).agenda[0].log]

        assert texts() == ["一つ目。", "二つ目。", "三つ目。"]
        await pilot.press("ctrl+l")  # the last entry is selected
        assert screen.log_view.cursor == (0, 2)
        await pilot.press("up")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryEditor)
        editor = app.screen.query_one("#editor")
        editor.load_text("二つ目(訂正)。\n段落を足した。")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert texts() == ["一つ目。", "二つ目(訂正)。\n段落を足した。", "三つ目。"]
        await pilot.press("f5")  # change the selected entry's speaker
        await pilot.pause()
        assert load(root, empty_id).agenda[0].log[1].label == "事務局"
        await pilot.press("ctrl+up")
        await pilot.pause()
        assert texts() == ["二つ目(訂正)。\n段落を足した。", "一つ目。", "三つ目。"]
        await pilot.press("delete")
        await pilot.pause()
        assert texts() == ["一つ目。", "三つ目。"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert texts() == ["二つ目(訂正)。\n段落を足した。", "一つ目。", "三つ目。"]
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert texts() == ["一つ目。", "三つ目。"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        screen.log_view.cursor = (0, 2)
        await pilot.press("insert")
        await pilot.pause()
        assert isinstance(app.screen, EntryEditor)
        app.screen.query_one("#editor").load_text("後から補った発言。")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert texts() == ["二つ目(訂正)。\n段落を足した。", "一つ目。", "後から補った発言。", "三つ目。"]
        screen.log_view.cursor = (0, 3)
        await pilot.press("ctrl+right")
        await pilot.pause()
        await paste(pilot, "その他")
        await pilot.press("enter")
        await pilot.pause()
        on_disk = load(root, empty_id)
        assert [e.text for e in on_disk.agenda[3].log] == ["三つ目。"]
        assert len(on_disk.agenda[0].log) == 3
        await pilot.press("ctrl+z")
        await pilot.pause()
        on_disk = load(root, empty_id)
        assert [e.text for e in on_disk.agenda[0].log][-1] == "三つ目。"
        assert on_disk.agenda[3].log == []


async def test_all_approve_in_one_key_prints_like_the_seed(root, empty_id):
    from minutes.render_text import render_text

    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
    vote = load(root, empty_id).agenda[0].log[0]
    assert isinstance(vote, Vote)
    assert vote.ballots == {f"p{n}": "承認" for n in range(2, 7)}
    assert vote.result == "承認"
    text = render_text(load(root, empty_id))
    assert text.count("委員　承認します。") == 5


async def test_vote_per_voter_with_tie_and_chair_decision(root):
    data = empty_demo_dict()
    data["people"][5]["present"] = False  # 4 voters left: p2..p5
    meeting_id = add_meeting(root, data)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("f12")
        await pilot.pause()
        pane = screen.query_one(VotePane)
        assert app.focused is pane
        assert set(pane.ballots) == {"p2", "p3", "p4", "p5"}
        await pilot.press("down", "right")  # p3: 不承認
        await pilot.press("down", "right")  # p4: 不承認
        rendered = str(pane.render())
        assert "可否同数" in rendered
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChairDecision)
        await pilot.press("f2")
        await pilot.pause()
    vote = load(root, meeting_id).agenda[0].log[0]
    assert vote.ballots == {"p2": "承認", "p3": "不承認", "p4": "不承認", "p5": "承認"}
    assert (vote.result, vote.chair_decides) == ("承認", "承認")


async def test_recorded_vote_can_be_opened_and_changed(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("ctrl+r")
        await pilot.press("ctrl+l")
        await pilot.press("enter")
        await pilot.pause()
        pane = screen.query_one(VotePane)
        assert app.focused is pane and pane.editing_uid is not None
        await pilot.press("right", "down", "right", "right")
        await pilot.press("enter")
        await pilot.pause()
    log = load(root, empty_id).agenda[0].log
    assert len(log) == 1
    assert log[0].ballots == {"p2": "不承認", "p3": "保留", "p4": "承認", "p5": "承認", "p6": "承認"}
    assert log[0].result == "承認"


async def test_clock_keys_set_opening_and_closing(root, empty_id):
    # ctrl+b / ctrl+g open a field with now filled in: Enter takes it (two keys).
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+b", "enter")
        await pilot.pause()
        assert load(root, empty_id).start == "18:05"
        await pilot.press("ctrl+g", "enter")
        await pilot.pause()
        assert load(root, empty_id).end == "18:05"
        header = str(app.screen.query_one("#meeting-header").render())
        assert "18:05〜18:05" in header


async def test_a_typed_closing_time_replaces_now_and_ctrl_z_takes_it_back(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, TimeField)
        assert app.screen.query_one(Input).value == "18:05"
        await pilot.press("1", "9", "4", "5", "enter")
        await pilot.pause()
        assert load(root, empty_id).end == "19:45"
        assert isinstance(app.focused, EntryText)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert load(root, empty_id).end is None


async def test_a_time_that_cannot_be_is_refused_and_the_field_stays(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("2", "5", "7", "0", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TimeField)
        assert any("ありえない時刻" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert load(root, empty_id).end is None


async def test_opening_after_the_closing_is_refused_with_the_reason(root, empty_id):
    # ctrl+b after ctrl+g once printed 午前10時から午前9時59分まで and showed 所要-1:59.
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("1", "8", "0", "0", "enter")
        await pilot.pause()
        assert load(root, empty_id).end == "18:00"
        await pilot.press("ctrl+b", "enter")  # now, 18:05: after the closing
        await pilot.pause()
        assert load(root, empty_id).start == "17:30"
        assert any("開会 18:05 が閉会 18:00 より後" in str(n.message) for n in app._notifications)
        assert "所要-" not in str(app.screen.query_one("#meeting-header").render())


async def test_a_meeting_of_another_day_is_not_stamped_with_todays_clock(root):
    data = empty_demo_dict()
    data["date"] = "2022-03-01"  # the frozen clock says 2022-03-15
    meeting_id = add_meeting(root, data)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = str(app.screen.query_one("#meeting-header").render())
        assert "開会前" not in header and "経過" not in header
        await paste(pilot, "遅れて書き起こした発言")
        await pilot.press("enter")
        await pilot.pause()
        assert load(root, meeting_id).agenda[0].log[0].time is None
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen.query_one(Input).value == ""  # not today's clock
        await pilot.press("1", "9", "0", "5", "enter")
        await pilot.pause()
        assert load(root, meeting_id).end == "19:05"
        assert "所要" in str(app.screen.query_one("#meeting-header").render())


async def test_an_entrys_time_is_changed_from_the_log(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, "発言です")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+l", "ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, TimeField)
        assert app.screen.query_one(Input).value == "18:05"
        await pilot.press("1", "7", "4", "0", "enter")
        await pilot.pause()
        assert load(root, empty_id).agenda[0].log[0].time == "17:40:00"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert load(root, empty_id).agenda[0].log[0].time == "18:05:30"


async def test_draft_saved_and_restored_after_a_crash(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, "途中まで打った文章")
        await pilot.pause(1.0)
        from storage import DataDir

        assert DataDir(root).load_draft(empty_id) == "途中まで打った文章"
        app.datadir.release_lock()  # as if the process died: the OS drops the lock
    app2 = make_app(root, empty_id)
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app2.screen.bar.text == "途中まで打った文章"
        await pilot.press("enter")
        await pilot.pause()
    from storage import DataDir

    assert DataDir(root).load_draft(empty_id) in (None, "")
    assert load(root, empty_id).agenda[0].log[0].text == "途中まで打った文章"


async def test_help_lists_every_key_in_japanese(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        for binding in MeetingScreen.BINDINGS:
            if binding.action.startswith("speaker_key(") or binding.action.split("(")[0] in MeetingScreen._LOG_ACTIONS:
                continue  # the speaker keys are listed by whom they set; the log's keys just below
            base = binding.action.split("(")[0]
            if base in ("undo", "redo"):
                continue  # said as the rule, below
            assert MeetingScreen.HELP_TEXT.get(base, binding.description) in shown
        for keys, rule in MeetingScreen.UNDO_RULE:
            assert rule in shown
        assert "発言者: 会長 昼間守仁" in shown and "発言者: 副会長 大川強" in shown
        assert "発言者: 未設定" in shown
        for keys, description in MeetingScreen.LOG_KEYS:
            assert description in shown
        await pilot.press("escape")
        assert isinstance(app.screen, MeetingScreen)


async def test_palette_offers_screen_actions_in_japanese(root, empty_id):
    from tui.commands import screen_commands

    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = [name for name, _, _ in screen_commands(app.screen)]
        assert "全員承認" in names and "定型文" in names and "開会の時刻を今にする" in names
        # F6-F9 are named by whom they set (F6 is the vice chair unless the committee says otherwise).
        assert "発言者: 副会長 大川強(F6)" in names
        assert "発言者: F7(割り当てなし: 会議体の設定で決めます)" in names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await paste(pilot, "全員承認")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
    assert isinstance(load(root, empty_id).agenda[0].log[0], Vote)


async def test_ctrl_q_saves_the_draft_and_quits(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, "終了直前の文章")
        await pilot.press("ctrl+q")
        await pilot.pause()
    from storage import DataDir

    assert DataDir(root).load_draft(empty_id) == "終了直前の文章"


async def test_final_minutes_open_read_only(root):
    data = demo_dict()
    data["status"] = "final"
    meeting_id = add_meeting(root, data)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.read_only
        assert not screen.bar.display
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert any("確定済み" in n.message for n in app._notifications)
    assert len(load(root, meeting_id).agenda[0].log) == len(data["agenda"][0]["log"])


async def test_second_copy_opens_read_only(root, demo_meeting_id):
    first = make_app(root, demo_meeting_id)
    async with first.run_test(size=SIZE):
        second = make_app(root, demo_meeting_id)
        async with second.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert second.screen.read_only
            assert any("別のkaigiroku" in n.message for n in second._notifications)
        second.release()


async def test_member_who_left_early_does_not_vote_afterwards(root):
    data = empty_demo_dict()
    data["people"][5]["left"] = "18:00"  # 村田明美 left before the frozen 18:05:30
    meeting_id = add_meeting(root, data)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
    vote = load(root, meeting_id).agenda[0].log[0]
    assert set(vote.ballots) == {"p2", "p3", "p4", "p5"}


async def test_attendance_and_agenda_open_from_the_meeting_screen(root, empty_id):
    from screens.agenda_editor import AgendaEditor
    from screens.attendance import AttendanceScreen

    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+s")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("alt+k")
        await pilot.pause()
        assert isinstance(app.screen, AgendaEditor)
        await pilot.press("ctrl+down")  # the first item moves down one place
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
    assert [item.id for item in load(root, empty_id).agenda] == ["a2", "a1", "a3", "a4"]


async def test_committee_phrases_and_f_keys_reach_the_screen(root, demo_meeting_id):
    from minutes.committee import committee_from_meeting
    from minutes.demo import load_demo
    from minutes.phrases import Phrase
    from storage import DataDir

    committee = committee_from_meeting(load_demo())
    committee.phrases = [Phrase("休憩", "ここで{件名}の審議を中断し、休憩とします。", "会長")]
    committee.speaker_keys = {7: "村千鶴子", 8: "事務局"}
    datadir = DataDir(root)
    with datadir.write_lock():
        datadir.save_committee(committee)
    app = make_app(root, demo_meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("f7")
        assert screen.bar.speaker == "委員 村千鶴子"
        await pilot.press("f8")
        assert screen.bar.speaker == "事務局"
        await pilot.press("f10")
        await paste(pilot, "休憩")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.bar.text == "ここでその他の審議を中断し、休憩とします。"


async def test_back_to_the_list_closes_the_meeting(root, demo_meeting_id):
    from screens.meeting_list import MeetingListScreen

    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MeetingListScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        store = app.screen.store
        await paste(pilot, "一覧へ戻る前の発言。")
        await pilot.press("enter")
        await pilot.press("alt+l")
        await pilot.pause()
        assert isinstance(app.screen, MeetingListScreen)
        assert store.closed
    assert load(root, demo_meeting_id).agenda[-1].log[-1].text == "一覧へ戻る前の発言。"


async def test_a_meeting_opened_from_the_command_line_is_the_first_screen_and_leaves_for_the_list(root, demo_meeting_id):
    # `kaigiroku open ID` makes the meeting the app's first screen, with no blank
    # screen under it: going to the list from it, and back, works as from a pushed one.
    from screens.meeting_list import MeetingListScreen

    app = make_app(root, demo_meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [type(screen) for screen in app.screen_stack] == [MeetingScreen]
        store = app.screen.store
        await paste(pilot, "最初の画面での発言。")
        await pilot.press("enter")
        await pilot.press("alt+l")
        await pilot.pause()
        assert [type(screen) for screen in app.screen_stack] == [MeetingListScreen]
        assert store.closed
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.meeting.agenda[-1].log[-1].text == "最初の画面での発言。"
        await pilot.press("alt+l")
        await pilot.pause()
        assert isinstance(app.screen, MeetingListScreen)
    assert load(root, demo_meeting_id).agenda[-1].log[-1].text == "最初の画面での発言。"


async def test_a_recorded_vote_is_shown_in_the_log(root, demo_meeting_id):
    # The demo's last item ends below a full log: the new vote's line must come into view
    # (it stayed below the view until the next Enter).
    app = make_app(root, demo_meeting_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        log = screen.log_view
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("enter")  # all 承認
        await pilot.pause()
        await pilot.pause()
        rows = [row for row in range(log.row_count) if "採決" in log.row_text(row)]
        assert rows, "the vote is in the log"
        top = round(log.scroll_y)
        assert top <= rows[-1] < top + log.size.height


@pytest.mark.parametrize("letter, screen_name", [("s", "AttendanceScreen"), ("k", "AgendaEditor"), ("l", "MeetingListScreen")])
async def test_alt_keys_from_a_real_terminal_reach_the_screen_not_the_bar(root, demo_meeting_id, letter, screen_name):
    # A terminal sends alt+s as ESC s: Textual makes it Key("alt+s", character "s"), printable.
    # The entry bar typed the "s" and the screen's alt+s never ran (Pilot's press sends no character).
    from textual import events

    app = make_app(root, demo_meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        entry = app.screen.query_one(EntryText)
        await paste(pilot, "入力中")
        app.post_message(events.Key(f"alt+{letter}", letter))
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == screen_name
        assert entry.text == "入力中"  # nothing typed into the entry


async def test_text_typed_right_after_enter_is_kept(root, empty_id):
    # Enter is handled as a message after its key: what is typed straight after it (an IME
    # committing the next phrase) could reach the bar first, and emptying the bar wiped it.
    from textual import events

    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await paste(pilot, "最初の発言です。")
        app.post_message(events.Key("enter", "\r"))
        app.post_message(events.Paste("次の発言の始め"))  # in the same moment, before the commit is handled
        for _ in range(3):
            await pilot.pause()
        assert [entry.text for entry in screen.meeting.agenda[0].log] == ["最初の発言です。"]
        assert screen.bar.text == "次の発言の始め"
        await pilot.press("enter")
        await pilot.pause()
    assert [entry.text for entry in load(root, empty_id).agenda[0].log] == ["最初の発言です。", "次の発言の始め"]


async def test_the_key_bar_shows_the_selected_entrys_keys_while_the_log_has_focus(root, demo_meeting_id):
    from screens.entry_editor import EntryEditor
    from tui.widgets.key_bar import KeyBar

    app = make_app(root, demo_meeting_id)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        screen = app.screen

        def bar() -> str:
            return screen.query_one(KeyBar).render_line(0).text

        assert "削除" not in bar()  # typing: Delete deletes a character
        await pilot.press("ctrl+l", "up")
        await pilot.pause()
        assert screen.log_view.cursor is not None
        assert "del 削除" in bar() and "^n 前に挿入" in bar() and "別の議事へ" in bar()
        # ctrl+n (laptops have no Insert key) writes an entry before the selected one.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, EntryEditor)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # back to the entry bar
        await pilot.pause()
        assert "削除" not in bar()


async def test_ctrl_z_in_the_entry_bar_undoes_the_record_when_empty_and_typing_first(root, empty_id):
    # The TextArea's own ctrl+z/ctrl+y used to take the keys: undo worked only from the log.
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await paste(pilot, "一つ目の発言")
        await pilot.press("enter")
        await paste(pilot, "追記の段落")
        await pilot.press("ctrl+o")
        await pilot.press("ctrl+r")
        await pilot.pause()
        log = load(root, empty_id).agenda[0].log
        assert [type(e).__name__ for e in log] == ["Speech", "Vote"]
        assert log[0].text == "一つ目の発言\n追記の段落"
        assert isinstance(app.focused, EntryText) and screen.bar.text == ""
        # text in the bar: ctrl+z takes back the typing, the record stays
        await paste(pilot, "打ちかけ")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.bar.text == ""
        assert len(load(root, empty_id).agenda[0].log) == 2
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert screen.bar.text == "打ちかけ"
        await pilot.press("ctrl+z")
        await pilot.pause()
        # empty bar: ctrl+z takes back the vote (ctrl+r), then the append (ctrl+o), then the speech
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [type(e).__name__ for e in load(root, empty_id).agenda[0].log] == ["Speech"]
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert load(root, empty_id).agenda[0].log[0].text == "一つ目の発言"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert load(root, empty_id).agenda[0].log == []
        assert isinstance(app.focused, EntryText)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert load(root, empty_id).agenda[0].log[0].text == "一つ目の発言"


async def test_help_says_the_undo_rule_in_one_notation(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        shown = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert "入力欄に文字があれば入力を、空なら記録の最後の変更を戻す" in shown
        assert "^" not in shown and "escape" not in shown and "tab " not in shown
        assert "Esc" in shown and "alt+↓ / ctrl+PageDown" in shown


async def test_a_recovered_draft_keeps_its_speaker_and_item(root, empty_id):
    # A draft typed for 委員 (F3) under the second item came back under 会長 and the last item.
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+down")
        await pilot.press("f6")  # 副会長 大川強, a person
        await paste(pilot, "副会長の途中の発言")
        await pilot.pause(1.0)
        app.datadir.release_lock()  # as if the process died: the OS drops the lock
    app2 = make_app(root, empty_id)
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app2.screen
        assert screen.bar.text == "副会長の途中の発言"
        assert screen.bar.speaker == "副会長 大川強"
        assert screen.current_index == 1
        await pilot.press("enter")
        await pilot.pause()
    entry = load(root, empty_id).agenda[1].log[0]
    assert (entry.speaker_id, entry.text) == ("p2", "副会長の途中の発言")


async def test_changing_the_speaker_alone_updates_the_draft(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, "途中")
        await pilot.pause(1.0)
        await pilot.press("f3")
        await pilot.pause(1.0)
        record = app.datadir.load_draft_record(empty_id)
        assert (record.text, record.label, record.speaker_id) == ("途中", "委員", None)


async def test_a_name_the_roster_does_not_have_is_taken_as_a_label_with_enter(root, empty_id):
    # Enter with nothing matching used to leave the picker open, and the next words went into its filter.
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        await paste(pilot, "参考人 山田")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.bar.speaker == "参考人 山田"
        await paste(pilot, "参考人として申し上げます。")
        await pilot.press("enter")
        await pilot.pause()
        entry = load(root, empty_id).agenda[0].log[0]
        assert (entry.label, entry.speaker_id, entry.text) == ("参考人 山田", None, "参考人として申し上げます。")


async def test_a_new_person_is_added_to_the_meeting_from_the_picker(root, empty_id):
    from screens.add_person import AddPerson

    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        await paste(pilot, "小林")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AddPerson)
        await paste(pilot, "課長")
        await pilot.press("enter")
        await paste(pilot, "都市計画課")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert app.screen.bar.speaker == "都市計画課 小林課長"
        await paste(pilot, "説明します。")
        await pilot.press("enter")
        await pilot.pause()
        saved = load(root, empty_id)
        person = saved.people[-1]
        assert (person.name, person.group, person.title, person.department) == ("小林", "関係課", "課長", "都市計画課")
        assert saved.agenda[0].log[0].speaker_id == person.id


async def test_f4_on_an_item_without_a_department_says_so_and_opens_the_picker(root, empty_id):
    # It used to pick another item's department without a word.
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("alt+down", "alt+down", "alt+down")
        await pilot.pause()
        assert not screen.current_item.departments
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, SpeakerPicker)
        assert any("この議事には担当課が決められていません" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.bar.speaker == "会長 昼間守仁"


async def test_ctrl_o_straight_after_a_vote_says_the_true_reason(root, empty_id):
    # It said 追記できる前の発言がこの議事にありません though the item had one.
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await paste(pilot, "採決します。")
        await pilot.press("enter", "ctrl+r")
        await pilot.pause()
        await paste(pilot, "追記したい文")
        await pilot.press("ctrl+o")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("直前の記録は採決なので、追記できません" in m for m in messages)
        assert not any("前の発言がこの議事にありません" in m for m in messages)
        assert screen.bar.text == "追記したい文"
        assert load(root, empty_id).agenda[0].log[0].text == "採決します。"


@pytest.mark.parametrize("key", ["alt+k", "alt+s"])
async def test_the_discard_question_names_only_keys_it_shows(root, empty_id, monkeypatch, key):
    # It told the clerk to go back with a 「いいえ」 button the dialog does not have.
    from screens.agenda_editor import AgendaEditor
    from screens.attendance import AttendanceScreen
    from screens.confirm import Confirm

    for screen_class in (AgendaEditor, AttendanceScreen):
        monkeypatch.setattr(screen_class, "changed", property(lambda self: True))
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        question = app.screen.question
        assert "いいえ" not in question and "Esc で戻って" in question
        keys = str(app.screen.query(".keys").first().render())
        assert "Esc" in keys


async def test_a_vote_with_no_ballots_or_a_voter_left_out_says_what_is_missing(root, empty_id):
    # Both were refused as 可否同数 and put to the chair (ChairDecision).
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        pane = screen.query_one(VotePane)
        pane.focus()  # the pane, with no vote begun
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ChairDecision)
        assert any("票が1つもない" in str(n.message) for n in app._notifications)
        await pilot.press("f12")
        await pilot.pause()
        screen.meeting.people[0].votes = True  # the roster changed after the vote began: the chair votes here
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ChairDecision)
        assert any("昼間守仁の票がありません" in str(n.message) for n in app._notifications)
        assert load(root, empty_id).agenda[0].log == []


async def test_insert_before_takes_f2_to_f5_and_gives_the_entry_a_time(root, empty_id):
    # The insert dialog (ctrl+l, ctrl+n) ignored F2–F5 and gave the entry no time.
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, "後の発言")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+l", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, EntryEditor)
        await pilot.press("f3")
        await pilot.pause()
        assert "委員(氏名なし)" in app.screen.query_one("Vertical").border_title
        await paste(pilot, "先にあった委員の発言")
        await pilot.press("ctrl+s")
        await pilot.pause()
        first, second = load(root, empty_id).agenda[0].log
        assert (first.label, first.text, first.time) == ("委員", "先にあった委員の発言", "18:05:30")
        assert second.text == "後の発言"


async def test_the_agenda_count_follows_enter_in_the_next_frame(root, empty_id):
    # The count lagged 1–2 s behind Enter (0件 beside a visible speech).
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        from tui.widgets.agenda import AgendaPane

        await paste(pilot, "一件目")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        pane = app.screen.query_one(AgendaPane)
        assert " 1件" in str(pane.get_option_at_index(0).prompt)


@pytest.mark.parametrize("where", ["report", "closed"])
async def test_ctrl_r_asks_first_on_a_report_or_after_the_closing(root, where):
    # ctrl+r recorded 全員承認 in one key even on a 報告 item or after 閉会.
    from screens.confirm import Confirm

    data = empty_demo_dict()
    if where == "closed":
        data["end"] = "18:00"
    meeting_id = add_meeting(root, data)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        if where == "report":
            await pilot.press("alt+down", "alt+down")  # (3) 子育て世帯への… (報告)
            await pilot.pause()
            assert app.screen.current_item.kind == "報告"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert ("報告" if where == "report" else "閉会(18:00)のあと") in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert all(not item.log for item in load(root, meeting_id).agenda)
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert sum(len(item.log) for item in load(root, meeting_id).agenda) == 1


async def test_ctrl_r_is_one_key_elsewhere(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert load(root, empty_id).agenda[0].log[0].result == "承認"


async def test_the_log_shows_the_persons_name_dimmed_beside_the_label_and_exports_do_not(root, empty_id):
    # The log showed only the 要録 label (委員): the clerk could not see whom they had picked.
    from minutes.render import ExportOptions
    from minutes.render_text import render_text

    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("tab")
        await paste(pilot, "村千鶴子")
        await pilot.press("enter")
        await paste(pilot, "質問があります。")
        await pilot.press("enter")
        await pilot.pause()
        lines = log_lines(screen)
        [line] = [line for line in lines if "質問があります" in line]
        assert "委員 村千鶴子　質問があります。" in line
        log = screen.log_view
        row = next(i for i in range(log.row_count) if "質問があります" in log.row_text(i))
        strip = log.render_line(row - round(log.scroll_y))
        styles = {segment.text.strip(): segment.style for segment in strip if segment.text.strip()}
        assert styles["村千鶴子"].dim or styles["村千鶴子"].color != styles["委員"].color
    text = render_text(load(root, empty_id), ExportOptions())
    assert "委員　質問があります。" in text and "村千鶴子　質問" not in text


async def test_words_typed_straight_after_enter_in_the_picker_go_to_the_entry_bar(root, empty_id):
    # In a real terminal the words typed after Enter went into the picker's filter (and into the
    # free label), and the second Enter chose twice: the app ended with ScreenStackError.
    from textual import events

    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("tab")
        await pilot.pause()
        await paste(pilot, "参考人 山田")
        app.post_message(events.Key("enter", "\r"))
        app.post_message(events.Paste("続けた言葉"))
        app.post_message(events.Key("enter", "\r"))
        for _ in range(4):
            await pilot.pause()
        assert app.screen is screen and app.is_running
        assert screen.bar.speaker == "参考人 山田"
        entry = load(root, empty_id).agenda[0].log[0]
        assert (entry.label, entry.text) == ("参考人 山田", "続けた言葉")
