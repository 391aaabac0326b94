"""Committees: numbering across fiscal years, the stored form and its checks, meetings from committees, attendance."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from minutes.committee import (
    Attendance,
    Committee,
    CommitteeError,
    Member,
    Staff,
    committee_for_meeting,
    committee_from_meeting,
    export_defaults,
    meeting_from_committee,
    meeting_quorum,
    meeting_rule,
    next_meeting_from,
    next_numbers,
    normalize_time,
    parse_count,
    parse_date_text,
    phrases_for,
    speaker_keys_for,
    votes_cast,
)
from minutes.era import fiscal_year_of
from minutes.demo import load_demo
from minutes.interchange import meeting_from_dict, meeting_to_dict
from minutes.model import RULE_TWO_THIRDS, Meeting
from minutes.phrases import BUILTIN_PHRASES, Phrase
from minutes.render import ExportOptions, attendance
from minutes.speakers import MEMBER_UNNAMED, SpeakerRef
from storage import DataDir
from storage.committees import add_committee, delete_committee, read_committees, update_committee
from storage.errors import LockRequiredError


def previous(fiscal_year=2021, session=3, serial=54, day="2022-03-15") -> Meeting:
    return Meeting(body="審議会", date=day, start="17:30", place="庁議室", fiscal_year=fiscal_year, session=session, serial=serial)


def sample() -> Committee:
    return Committee(
        id="c1",
        name="小平市情報公開・個人情報保護・公文書管理審議会",
        place="市役所3階 庁議室",
        start="17:30",
        members=[
            Member("昼間守仁", "会長", "ひるましゅじん"),
            Member("大川強", "副会長"),
            Member("村千鶴子"),
            Member("原田美知子", votes=False),
        ],
        secretariat=[Staff("飯田", "係長", "総務課")],
        departments={"資源循環課": [Staff("市川", "課長", "資源循環課"), Staff("中野", "主任", "資源循環課")], "子育て支援課": []},
        quorum=3,
        phrases=[Phrase("開会", "ただいまから{会議体}を開会します。", "会長")],
        speaker_keys={7: "村千鶴子", 8: "事務局"},
    )


# -- numbering -------------------------------------------------------------------------------
def test_new_fiscal_year_starts_again_at_one_and_serial_goes_on():
    # 令和3年度第3回 通算54 on 2022-03-15 → on 2022-04-20: 令和4年度第1回 通算55.
    assert next_numbers(previous(), date(2022, 4, 20)) == (2022, 1, 55)


def test_within_a_fiscal_year_both_count_on():
    assert next_numbers(previous(), date(2022, 3, 25)) == (2021, 4, 55)
    assert next_numbers(previous(2022, 1, 55, "2022-04-20"), date(2023, 3, 31)) == (2022, 2, 56)


def test_january_to_march_belong_to_the_fiscal_year_before():
    assert fiscal_year_of(date(2023, 1, 10)) == 2022
    assert fiscal_year_of(date(2023, 3, 31)) == 2022
    assert fiscal_year_of(date(2023, 4, 1)) == 2023
    assert next_numbers(previous(2022, 2, 56, "2022-10-01"), date(2023, 1, 10)) == (2022, 3, 57)
    assert next_numbers(previous(2022, 3, 57, "2023-01-10"), date(2023, 4, 1)) == (2023, 1, 58)


def test_previous_without_numbers():
    assert next_numbers(None, date(2022, 4, 20)) == (2022, 1, 1)
    # No fiscal year stored: it follows from the previous meeting's date.
    assert next_numbers(previous(None, 2, 10, "2022-05-01"), date(2022, 6, 1)) == (2022, 3, 11)
    assert next_numbers(previous(2021, None, None), date(2022, 3, 20)) == (2021, 1, None)


def test_next_numbers_takes_datetimes_and_text():
    assert next_numbers(previous(), datetime(2022, 4, 20, 9, 0)) == (2022, 1, 55)
    assert next_numbers(previous(), "2022-04-20") == (2022, 1, 55)


# -- the stored form ----------------------------------------------------------------------------
def test_round_trip_through_json():
    committee = sample()
    data = json.loads(json.dumps(committee.to_dict(), ensure_ascii=False))
    again = Committee.from_dict(data)
    assert again == committee
    assert [m["order"] for m in data["members"]] == [1, 2, 3, 4]
    assert data["speaker_keys"] == {"7": "村千鶴子", "8": "事務局"}
    assert data["departments"][1] == {"name": "子育て支援課", "staff": []}


def test_members_are_read_in_their_order():
    data = sample().to_dict()
    data["members"][0]["order"], data["members"][3]["order"] = 4, 1
    assert [m.name for m in Committee.from_dict(data).members] == ["原田美知子", "大川強", "村千鶴子", "昼間守仁"]


def test_departments_as_a_mapping_of_pairs_are_accepted():
    data = sample().to_dict()
    data["departments"] = {"資源循環課": [["市川", "課長"]]}
    assert Committee.from_dict(data).departments == {"資源循環課": [Staff("市川", "課長", "資源循環課")]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(name="  "), "会議体の名称を入れてください"),
        (lambda d: d["members"].append({"name": "大川強", "title": "委員"}), "委員「大川強」が名簿に2回あります"),
        (lambda d: d["members"][1].update(title="会長"), "議事を主宰する委員(委員長・会長)が2人います"),
        (lambda d: d["members"][1].update(title="委員", role="chair"), "議事を主宰する委員(委員長・会長)が2人います"),
        (lambda d: d["members"][2].update(title=" "), "肩書きを入れてください"),
        (lambda d: d["members"][2].update(role="boss"), "役割が正しくありません"),
        (lambda d: d["members"][2].update(votes="yes"), "議決権"),
        (lambda d: d.update(rule="plurality"), "採決の規則「plurality」は使えません"),
        (lambda d: d.update(quorum=5), "定足数(5名)が委員の人数(4名)より多く"),
        (lambda d: d.update(quorum=0), "定足数は1以上"),
        (lambda d: d.update(speaker_keys={"5": "事務局"}), "F6〜F9"),
        (lambda d: d.update(start="25:00"), "既定の開会時刻"),
        (lambda d: d["members"][0].update(name="昼間\x1b守仁"), "使えない文字"),
        (lambda d: d["secretariat"][0].update(department=""), "課を入れてください"),
        (lambda d: d.update(export_votes="both"), "書き出しの採決"),
        (lambda d: d.update(colour="red"), "知らない項目があります: colour"),
        (lambda d: d.update(id="c 1"), "英数字"),
    ],
)
def test_refusals_say_what_is_wrong_in_japanese(change, message):
    data = sample().to_dict()
    change(data)
    with pytest.raises(CommitteeError) as caught:
        Committee.from_dict(data)
    assert message in caught.value.message


def test_a_phrase_may_have_paragraphs_but_a_name_may_not():
    data = sample().to_dict()
    data["phrases"][0]["text"] = "一段落目。\n二段落目。"
    assert Committee.from_dict(data).phrases[0].text == "一段落目。\n二段落目。"
    data["phrases"][0]["name"] = "開\n会"
    with pytest.raises(CommitteeError):
        Committee.from_dict(data)


def test_typed_values_from_an_ime():
    assert normalize_time("１８：３０") == "18:30"
    assert normalize_time("9:05") == "09:05"
    assert normalize_time("1830") == "18:30"
    with pytest.raises(ValueError, match="時:分"):
        normalize_time("夕方")
    with pytest.raises(ValueError, match="ありえない"):
        normalize_time("24:00")
    assert parse_count("３", "傍聴者の人数") == 3
    with pytest.raises(ValueError, match="傍聴者の人数は数字で"):
        parse_count("三", "傍聴者の人数")
    assert parse_date_text("２０２２/４/２０") == date(2022, 4, 20)
    with pytest.raises(ValueError, match="ありえない日付"):
        parse_date_text("2022-02-30")


# -- meetings from committees -------------------------------------------------------------------
def test_meeting_from_committee_fills_in_the_roster_and_numbers():
    committee = sample()
    meeting = meeting_from_committee(committee, datetime(2022, 4, 20, 9, 58), previous())
    assert (meeting.fiscal_year, meeting.session, meeting.serial) == (2022, 1, 55)
    assert (meeting.body, meeting.date, meeting.start, meeting.place) == (committee.name, "2022-04-20", "17:30", "市役所3階 庁議室")
    assert [(p.id, p.group, p.title, p.name) for p in meeting.people] == [
        ("p1", "委員", "会長", "昼間守仁"),
        ("p2", "委員", "副会長", "大川強"),
        ("p3", "委員", "委員", "村千鶴子"),
        ("p4", "委員", "委員", "原田美知子"),
        ("s1", "事務局", "係長", "飯田"),
        ("r1", "関係課", "課長", "市川"),
        ("r2", "関係課", "主任", "中野"),
    ]
    assert meeting.people[0].reading == "ひるましゅじん"
    assert [p.votes for p in meeting.people[:4]] == [None, None, None, False]  # explicit only when not the default
    assert [p.id for p in meeting.voters] == ["p2", "p3"]
    assert all(p.present for p in meeting.people)
    assert meeting.agenda == []
    assert meeting.extra["committee"]["id"] == "c1"
    assert meeting_quorum(meeting) == 3
    # A valid meeting of the interchange format.
    assert [p.has_vote for p in meeting_from_dict(meeting_to_dict(meeting)).people] == [p.has_vote for p in meeting.people]


def test_opening_time_without_a_usual_one_is_the_time_of_making():
    committee = sample()
    committee.start = ""
    assert meeting_from_committee(committee, datetime(2022, 4, 20, 9, 58)).start == "09:58"
    assert meeting_from_committee(committee, date(2022, 4, 20)).start == "00:00"


def test_committee_from_the_demo_meeting():
    demo = load_demo()
    committee = committee_from_meeting(demo)
    assert committee.name == demo.body
    assert [(m.title, m.name) for m in committee.members][:3] == [("会長", "昼間守仁"), ("副会長", "大川強"), ("委員", "村千鶴子")]
    assert len(committee.members) == 6
    assert committee.secretariat == [Staff("飯田", "係長", "総務課"), Staff("高橋", "主任", "総務課"), Staff("榎本", "主事", "総務課")]
    assert list(committee.departments) == ["資源循環課", "市民協働・男女参画推進課", "子育て支援課"]
    assert committee.departments["資源循環課"][0] == Staff("市川", "課長", "資源循環課")
    assert (committee.place, committee.start) == ("市役所3階 庁議室", "17:30")
    assert committee.phrases == list(BUILTIN_PHRASES)
    assert Committee.from_dict(committee.to_dict()) == committee
    # The next meeting made from it prints the same attendance list as the demo.
    meeting = meeting_from_committee(committee, date(2022, 4, 20), demo)
    assert attendance(meeting) == attendance(demo)
    assert (meeting.fiscal_year, meeting.session, meeting.serial) == (2022, 1, 55)


def test_duplicating_a_meeting_as_the_next_one():
    demo = load_demo()
    demo.people[4].present = False
    demo.people[5].arrived = "18:00"
    demo.observers = 2
    nxt = next_meeting_from(demo, date(2022, 4, 20))
    assert [p.name for p in nxt.people] == [p.name for p in demo.people]
    assert all(p.present and p.arrived is None for p in nxt.people)
    assert [i.title for i in nxt.agenda] == [i.title for i in demo.agenda]
    assert all(i.log == [] for i in nxt.agenda)
    assert demo.agenda[0].log  # the original is untouched
    assert (nxt.fiscal_year, nxt.session, nxt.serial, nxt.observers) == (2022, 1, 55, 0)
    assert meeting_from_dict(meeting_to_dict(nxt)).agenda == nxt.agenda


def test_speaker_keys_and_phrases_for_the_minute_taking_screen():
    committee = sample()
    committee.speaker_keys = {6: "副会長", 7: "村千鶴子", 8: "事務局", 9: "委員"}
    meeting = meeting_from_committee(committee, date(2022, 4, 20))
    assert speaker_keys_for(meeting, committee) == {
        6: SpeakerRef(speaker_id="p2"),
        7: SpeakerRef(speaker_id="p3"),
        8: SpeakerRef(label="事務局"),
        9: MEMBER_UNNAMED,
    }
    # A member who is not on this meeting's list: the key is left unassigned.
    meeting.people = [p for p in meeting.people if p.name != "村千鶴子"]
    assert 7 not in speaker_keys_for(meeting, committee)
    assert speaker_keys_for(meeting, None) == {}
    assert phrases_for(committee) == committee.phrases
    assert phrases_for(Committee(id="c2", name="x")) == list(BUILTIN_PHRASES)
    assert phrases_for(None) == list(BUILTIN_PHRASES)


def test_the_committee_of_a_meeting_and_its_rule():
    committee = sample()
    committee.rule = RULE_TWO_THIRDS
    other = Committee(id="c2", name="別の会議")
    meeting = meeting_from_committee(committee, date(2022, 4, 20))
    assert committee_for_meeting([other, committee], meeting) is committee
    assert meeting_rule(meeting) == RULE_TWO_THIRDS
    assert export_defaults(meeting) == {"named": False, "votes": "roll"}
    committee.export_named, committee.export_votes = True, "summary"
    assert ExportOptions(**export_defaults(meeting_from_committee(committee, date(2022, 4, 20)))) == ExportOptions(
        named=True, votes="summary"
    )
    demo = load_demo()
    by_name = Committee(id="c3", name=demo.body)
    assert committee_for_meeting([other, by_name], demo) is by_name
    assert committee_for_meeting([other], demo) is None
    assert meeting_rule(demo) == "majority"
    assert export_defaults(demo) == {"named": False, "votes": "roll"}
    assert meeting_quorum(demo) == 4


# -- attendance ---------------------------------------------------------------------------------
def test_who_has_voted_cannot_be_marked_absent():
    demo = load_demo()
    assert votes_cast(demo, "p5") == 2
    assert votes_cast(demo, "p1") == 0
    assert votes_cast(demo, "r1") == 0


def test_attendance_defaults_to_the_present_staff_of_each_items_departments():
    demo = load_demo()
    record = Attendance.of(demo)
    assert record.item_staff == {"a1": ["r1", "r2", "r3"], "a2": ["r4", "r5"], "a3": ["r6", "r7"]}
    assert record.observers == 0
    record.people[0].present = False
    assert demo.people[0].present  # a copy


def test_attendance_changes_and_applies():
    demo = load_demo()
    for item in demo.agenda:
        item.log = []
    record = Attendance.of(demo)
    record.set_present("p5", False)
    record.set_item_staff("a1", "r2", False)
    record.set_present("r3", False)
    record.set_item_staff("a2", "r1", True)
    record.observers = 3
    record.person("p6").arrived = "18:00"
    assert record.item_staff["a1"] == ["r1"]
    assert record.item_staff["a2"] == ["r1", "r4", "r5"]
    record.apply_to(demo)
    assert [p.id for p in demo.voters] == ["p2", "p3", "p4", "p6"]
    assert demo.observers == 3
    assert demo.extra["item_staff"]["a1"] == ["r1"]
    assert Attendance.of(demo).item_staff == record.item_staff
    # The exports follow it.
    lines = dict(attendance(demo))
    assert lines["委員"] == ["昼間守仁会長、大川強副会長、村千鶴子委員、原田美知子委員、村田明美委員(午後6時出席)(欠席 浅野薫委員)"]
    assert "中野主任" not in "".join(lines["関係課"])
    # It is still a valid meeting of the interchange format.
    assert meeting_from_dict(meeting_to_dict(demo)).extra == demo.extra


# -- storage ------------------------------------------------------------------------------------------
def test_committees_in_the_data_folder(tmp_path):
    datadir = DataDir(tmp_path / "data")
    with pytest.raises(LockRequiredError):
        datadir.save_committee(sample())
    with datadir.write_lock():
        assert datadir.committees() == []
        saved = datadir.save_committee(sample())
        assert saved == sample()
        second = Committee(id="c2", name="別の審議会")
        datadir.save_committee(second)
        with pytest.raises(CommitteeError, match="はもうあります"):
            datadir.save_committee(Committee(id="c3", name="別の審議会"))
        changed = sample()
        changed.place = "第二庁舎"
        datadir.save_committee(changed)
    # Read back without the lock, from disk.
    assert [(c.id, c.place) for c in DataDir(tmp_path / "data").committees()] == [("c1", "第二庁舎"), ("c2", "")]
    with datadir.write_lock():
        assert datadir.delete_committee("c1") is True
        assert datadir.delete_committee("c1") is False
    assert [c.id for c in DataDir(tmp_path / "data").committees()] == ["c2"]


def test_a_committee_that_cannot_be_read_is_reported_and_kept(tmp_path):
    datadir = DataDir(tmp_path / "data")
    with datadir.write_lock():
        library = datadir.library
        library.set_committees([{"id": "bad", "name": "壊れた会議体", "rule": "?"}, sample().to_dict()])
        committees, problems = read_committees(library)
        assert [c.id for c in committees] == ["c1"]
        assert problems and "壊れた会議体" in problems[0]
        update_committee(library, sample())
        add_committee(library, Committee(id="c9", name="三つ目"))
        with pytest.raises(CommitteeError):
            add_committee(library, Committee(id="c9", name="四つ目"))
        with pytest.raises(CommitteeError, match="見つかりません"):
            update_committee(library, Committee(id="zz", name="ない"))
        delete_committee(library, "c9")
        assert [d["id"] for d in library.committees()] == ["bad", "c1"]


def test_each_committee_that_cannot_be_read_is_named_by_name_or_place(tmp_path):
    datadir = DataDir(tmp_path / "data")
    with datadir.write_lock():
        datadir.library.set_committees(
            [sample().to_dict(), {"id": "x", "name": "", "rule": "?"}, {"id": "z", "name": 7, "rule": "?"},
             {"id": "y", "name": "規則が変", "rule": "?"}]
        )
        committees, problems = datadir.committees_and_problems()
        assert [c.id for c in committees] == ["c1"]
        assert [problem.split(": ", 1)[0] for problem in problems] == [
            "会議体2番目を読めません", "会議体3番目を読めません", "会議体「規則が変」を読めません",
        ]
        assert all(problem.split(": ", 1)[1] for problem in problems)  # and why
        assert [c.id for c in datadir.committees()] == ["c1"]  # with the library open
    assert [c.id for c in DataDir(tmp_path / "data").committees()] == ["c1"]  # read from the file too


def test_a_committee_keeps_its_place_and_its_own_name_when_edited(tmp_path):
    datadir = DataDir(tmp_path / "data")
    with datadir.write_lock():
        library = datadir.library
        library.set_committees([{"id": "bad", "name": "読めない", "rule": "?"}, {"id": "c0", "name": "最初の会議体"}])
        add_committee(library, sample())
        add_committee(library, Committee(id="c2", name="別の審議会"))
        changed = sample()
        changed.place = "第二庁舎"
        stored = update_committee(library, changed)  # the same name, its own: not "はもうあります"
        assert stored == changed
        assert [d["id"] for d in library.committees()] == ["bad", "c0", "c1", "c2"]
        assert library.committees()[2]["place"] == "第二庁舎"
        with pytest.raises(CommitteeError) as caught:
            update_committee(library, Committee(id="c2", name=sample().name))
        assert caught.value.message == (
            f"会議体「{sample().name}」はもうあります。名前を変えるか、今ある会議体を編集してください。"
        )
        with pytest.raises(CommitteeError) as caught:
            add_committee(library, Committee(id="c2", name="三つ目"))
        assert caught.value.message == "会議体のID「c2」はもう使われています。"
        with pytest.raises(CommitteeError) as caught:
            update_committee(library, Committee(id="zz", name="ない会議体"))
        assert caught.value.message == "会議体「ない会議体」が見つかりません。一覧を開き直してください。"
        assert delete_committee(library, "c0") is True
        assert delete_committee(library, "c0") is False
        assert [d["id"] for d in library.committees()] == ["bad", "c1", "c2"]
    assert [c.id for c in DataDir(tmp_path / "data").committees()] == ["c1", "c2"]


def test_previous_meeting_is_the_newest_of_the_body(tmp_path):
    datadir = DataDir(tmp_path / "data")
    with datadir.write_lock():
        assert datadir.previous_meeting("審議会") is None
        datadir.add_meeting(previous(2021, 2, 53, "2021-11-01"))
        newest = datadir.add_meeting(previous(2021, 3, 54, "2022-03-15"))
        other = previous(2022, 1, 9, "2022-04-01")
        other.body = "別の会議"
        datadir.add_meeting(other)
        found = datadir.previous_meeting("審議会")
        assert (found.session, found.serial) == (3, 54)
        assert datadir.previous_meeting("審議会", exclude=newest).serial == 53


def test_a_roster_takes_any_title_with_a_role():
    from minutes.committee import Member, people_from_committee

    committee = Committee(id="c9", name="みどり野市議会総務常任委員会", members=[
        Member("山川昌美", "委員長"),
        Member("肥田茂", "副委員長"),
        Member("佐藤真一", "委員"),
        Member("北野道子", "理事", role="member"),
    ])
    again = Committee.from_dict(committee.to_dict())
    assert [m.title for m in again.members] == ["委員長", "副委員長", "委員", "理事"]
    people = people_from_committee(again)
    assert people[0].is_chair and not people[0].has_vote and people[1].is_vice_chair
    assert [p.has_vote for p in people] == [False, True, True, True]
    # a member titled 委員 who chairs (role), and the 委員長 then only a member
    committee.members[0].role, committee.members[2].role = "member", "chair"
    people = people_from_committee(Committee.from_dict(committee.to_dict()))
    assert [p.is_chair for p in people] == [False, False, True, False]
    assert people[0].has_vote and not people[2].has_vote
