"""The minute-taking screen through Pilot: each feature as the clerk uses it."""

from __future__ import annotations

import pytest

from minutes.model import Speech, Vote
from screens.chair_decision import ChairDecision
from screens.entry_editor import EntryEditor
from screens.help import HelpScreen
from screens.meeting import MeetingScreen
from screens.phrase_picker import PhrasePicker
from screens.speaker_picker import SpeakerPicker
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
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert load(root, empty_id).start == "18:05"
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert load(root, empty_id).end == "18:05"
        header = str(app.screen.query_one("#meeting-header").render())
        assert "18:05〜18:05" in header


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
            assert binding.description in shown
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
