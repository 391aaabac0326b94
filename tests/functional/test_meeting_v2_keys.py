"""Notes, recess and resumption, and votes by method, entered by keys on the meeting screen (Pilot)."""

from __future__ import annotations

import pytest

from minutes.model import Event, Note, Vote
from minutes.render_text import render_text
from screens.phrase_picker import PhrasePicker
from screens.record_details import RecordDetailsScreen, documents_from_text
from screens.vote_method import VoteMethodDialog
from tests.functional.appkit import add_meeting, empty_demo_dict, load, log_lines, make_app, paste
from tui.widgets.meeting_header import MeetingHeader

SIZE = (120, 36)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def empty_id(root):
    return add_meeting(root, empty_demo_dict())


def exported(root, meeting_id) -> list[str]:
    return render_text(load(root, meeting_id)).splitlines()


async def test_alt_n_records_the_bar_as_a_note_on_disk_and_in_the_export(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, "「異議なし」と呼ぶ者あり")
        await pilot.press("alt+n")
        await pilot.pause()
        assert app.screen.bar.text == ""
        log = load(root, empty_id).agenda[0].log
        assert isinstance(log[-1], Note) and log[-1].text == "「異議なし」と呼ぶ者あり" and log[-1].time == "18:05:30"
        assert any("(「異議なし」と呼ぶ者あり)" in line for line in log_lines(app.screen))
        # typed with its brackets: stored without them (the style prints them)
        await paste(pilot, "(賛成者挙手)")
        await pilot.press("alt+n")
        await pilot.pause()
        assert load(root, empty_id).agenda[0].log[-1].text == "賛成者挙手"
    lines = exported(root, empty_id)
    assert "(「異議なし」と呼ぶ者あり)" in lines and "(賛成者挙手)" in lines


async def test_an_empty_bar_records_no_note(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+n")
        await pilot.pause()
    assert load(root, empty_id).agenda[0].log == []


async def test_a_stock_note_from_the_phrase_list_is_recorded_at_once(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, PhrasePicker)
        await paste(pilot, "賛成者起立")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.bar.text == ""
    log = load(root, empty_id).agenda[0].log
    assert isinstance(log[-1], Note) and log[-1].text == "賛成者起立"


async def test_recess_and_resume_in_one_key_each_shown_in_log_header_and_export(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        header = app.screen.query_one(MeetingHeader)
        assert not header.in_recess
        await pilot.press("alt+r")
        await pilot.pause()
        assert header.in_recess and "休憩中" in str(header.render())
        assert any("午後6時5分休憩" in line for line in log_lines(app.screen))
        await pilot.press("alt+r")  # already in recess: refused, nothing added
        await pilot.pause()
        assert len(load(root, empty_id).agenda[0].log) == 1
        await pilot.press("alt+e")
        await pilot.pause()
        assert not header.in_recess and "休憩中" not in str(header.render())
        # the time is editable: Enter on the event in the log
        await pilot.press("ctrl+l")
        await pilot.press("up")
        await pilot.press("enter")
        await pilot.pause()
        area = app.screen.query_one("TextArea")
        area.text = "18:09"
        await pilot.press("ctrl+s")
        await pilot.pause()
    log = load(root, empty_id).agenda[0].log
    assert [(type(e), e.kind, e.time) for e in log] == [(Event, "休憩", "18:09"), (Event, "再開", "18:05")]
    lines = exported(root, empty_id)
    assert "午後6時9分休憩" in lines and "午後6時5分再開" in lines


async def test_show_of_hands_with_a_tally_and_typed_result_words(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+h")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, VoteMethodDialog) and dialog.method == "hands"
        await pilot.press("down", "down")  # 数え方 → 見た目
        await pilot.press("right")  # 全員 → 多数
        await pilot.press("down", "down")  # 結果 → 宣告の言葉
        await paste(pilot, "原案のとおり可決")
        await pilot.press("enter")
        await pilot.pause()
    vote = load(root, empty_id).agenda[0].log[-1]
    assert isinstance(vote, Vote) and vote.method == "hands" and vote.tally == "多数"
    assert vote.ballots == {} and vote.result == "承認" and vote.result_text == "原案のとおり可決"
    assert "(採決の結果、挙手多数により原案のとおり可決)" in exported(root, empty_id)


async def test_show_of_hands_with_counts_decided_by_the_rule(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+h")
        await pilot.pause()
        await pilot.press("down", "right")  # 数え方: 見た目 → 人数
        await pilot.press("down")
        await pilot.press("3", "down", "1", "down", "0")
        await pilot.press("enter")
        await pilot.pause()
    vote = load(root, empty_id).agenda[0].log[-1]
    assert vote.counts == {"承認": 3, "不承認": 1, "保留": 0} and vote.result == "承認"
    assert "(採決の結果、賛成3、反対1、保留0により承認)" in exported(root, empty_id)


async def test_counts_above_the_voters_are_refused_in_the_dialog(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+h")
        await pilot.pause()
        await pilot.press("down", "right", "down")
        await pilot.press("9", "9")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VoteMethodDialog)  # still open, nothing recorded
        await pilot.press("escape")
    assert load(root, empty_id).agenda[0].log == []


async def test_no_objection_and_consensus_in_one_key(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+o")
        await pilot.pause()
        await pilot.press("alt+c")
        await pilot.pause()
    log = load(root, empty_id).agenda[0].log
    assert [(v.method, v.result) for v in log] == [("no_objection", "承認"), ("consensus", "承認")]
    lines = exported(root, empty_id)
    assert "(異議なく承認)" in lines and "(全会一致により承認)" in lines


async def test_undo_takes_back_a_recess_and_the_header_follows(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+r")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not app.screen.query_one(MeetingHeader).in_recess
    assert load(root, empty_id).agenda[0].log == []


async def test_documents_signers_and_disclosure_edited_and_exported(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecordDetailsScreen)
        screen.query_one("#documents").text = "資料1　市民アンケート調査票(案)\n参考資料"
        await pilot.press("tab")  # the signers list
        await pilot.press("down", "space")  # 大川強副会長
        await pilot.press("tab")  # 公開・非公開
        await pilot.press("down", "down", "enter")  # 非公開
        await pilot.press("tab")
        await paste(pilot, "個人情報を扱うため")
        await pilot.press("ctrl+s")
        await pilot.pause()
    meeting = load(root, empty_id)
    assert [(d.label, d.title) for d in meeting.documents] == [("資料1", "市民アンケート調査票(案)"), ("", "参考資料")]
    assert meeting.signers == ["p2"]
    assert meeting.disclosure.status == "非公開" and meeting.disclosure.reason == "個人情報を扱うため"
    lines = exported(root, empty_id)
    assert "5　配布資料" in lines and "　(1)　資料1　市民アンケート調査票(案)" in lines
    assert "6　署名委員　大川強副会長" in lines and "7　公開・非公開　非公開(個人情報を扱うため)" in lines


def test_documents_are_read_one_per_line():
    docs = documents_from_text("資料1　表\n\n　参考資料\n資料2 案 その2")
    assert [(d.label, d.title) for d in docs] == [("資料1", "表"), ("", "参考資料"), ("資料2", "案 その2")]


async def test_attendance_takes_online_and_any_title_with_a_role(root, empty_id):
    from screens.attendance import AttendanceScreen
    from screens.row_form import RowForm

    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+s")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        await pilot.press("down", "down")  # 村千鶴子委員
        await pilot.press("f6")  # online
        await pilot.pause()
        await pilot.press("up", "up", "f7")  # 昼間守仁: 会長 → 委員長
        await pilot.pause()
        assert isinstance(app.screen, RowForm)
        app.screen.query_one("Input").value = "委員長"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")  # keep the attendance
        await pilot.pause()
    meeting = load(root, empty_id)
    assert meeting.person("p3").online and meeting.person("p3").present
    chair = meeting.person("p1")
    assert chair.title == "委員長" and chair.is_chair and not chair.has_vote
    lines = exported(root, empty_id)
    assert any("昼間守仁委員長" in line and "村千鶴子委員(オンライン)" in line for line in lines)


async def test_staff_without_a_post(root, empty_id):
    from screens.attendance import AttendanceScreen

    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+s")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        await pilot.press("tab")  # the staff list: 飯田係長 first
        await pilot.press("f7")
        await pilot.pause()
        app.screen.query_one("Input").value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    meeting = load(root, empty_id)
    assert meeting.person("s1").title == ""
    assert any(line.startswith("　(2)　事務局　飯田、") for line in exported(root, empty_id))


async def test_the_vote_pane_chooses_the_method(root, empty_id):
    app = make_app(root, empty_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("m")  # in the vote pane: another method
        await pilot.pause()
        assert isinstance(app.screen, VoteMethodDialog)
        await pilot.press("right")  # 挙手 → 起立
        await pilot.press("enter")
        await pilot.pause()
    vote = load(root, empty_id).agenda[0].log[-1]
    assert vote.method == "standing" and vote.tally == "全員" and vote.result == "承認"
    assert "(採決の結果、起立全員により承認)" in exported(root, empty_id)


async def test_a_tie_in_counts_goes_to_the_chairs_casting_vote_under_a_committee_chair(root):
    from minutes.demo import COUNCIL_PATH, load_demo_dict
    from screens.chair_decision import ChairDecision

    meeting_id = add_meeting(root, load_demo_dict(COUNCIL_PATH))
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+h")
        await pilot.pause()
        await pilot.press("down", "right", "down")  # 人数
        await pilot.press("2", "down", "2", "down", "0")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChairDecision)
        assert "委員長の決定を選んでください" in str(app.screen.query("Static").first().render())
        await pilot.press("f3")  # 不承認
        await pilot.pause()
    vote = next(e for _, e in load(root, meeting_id).entries() if isinstance(e, Vote) and e.counts)
    assert vote.counts == {"承認": 2, "不承認": 2, "保留": 0} and vote.chair_decides == "不承認" and vote.result == "不承認"
    assert "(採決の結果、賛成2、反対2、保留0、可否同数のため委員長裁決により不承認)" in exported(root, meeting_id)
