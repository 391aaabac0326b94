"""The interchange format: the format page's example, export, defaults, key order."""

from __future__ import annotations

import copy
import json

import pytest

from minutes.interchange import (
    FORMAT,
    VERSION,
    EntryContext,
    FormatError,
    dumps_meeting,
    entry_from_dict,
    entry_to_dict,
    item_from_dict,
    item_to_dict,
    meeting_from_dict,
    meeting_to_dict,
    parse_meeting,
    person_from_dict,
    person_to_dict,
)
from minutes.model import Meeting, Person, Speech, Vote

# Copied from shared/meeting-format.md, "Example (abridged from the seed minutes)".
EXAMPLE = """\
{
  "format": "kaigiroku.meeting", "version": 1,
  "body": "小平市情報公開・個人情報保護・公文書管理審議会",
  "fiscal_year": 2021, "session": 3, "serial": 54, "record_style": "要録",
  "date": "2022-03-15", "start": "17:30", "end": "19:00",
  "place": "市役所3階 庁議室", "observers": 0,
  "people": [
    {"id": "p1", "name": "昼間守仁", "group": "委員", "title": "会長"},
    {"id": "p2", "name": "大川強", "group": "委員", "title": "副会長"},
    {"id": "p3", "name": "村千鶴子", "group": "委員", "title": "委員"},
    {"id": "s1", "name": "飯田", "group": "事務局", "title": "係長", "department": "総務課"},
    {"id": "r1", "name": "市川", "group": "関係課", "title": "課長", "department": "資源循環課"}
  ],
  "agenda": [
    {"id": "a1", "section": "議事", "kind": "諮問",
     "title": "(仮称)小平市一般廃棄物処理基本計画策定に係る市民アンケート調査における個人情報の本人以外からの収集及び目的外利用について",
     "departments": ["資源循環課"],
     "log": [
       {"speaker": "p1", "text": "議事の1番目…の諮問です。それでは、諮問内容について、担当課から説明をお願いします。"},
       {"speaker": {"label": "資源循環課"}, "text": "それでは、…\\n資料1を御覧ください。"},
       {"speaker": {"label": "委員"}, "text": "1点目、…"},
       {"vote": {"ballots": {"p2": "承認", "p3": "承認"}, "result": "承認"}},
       {"speaker": "p1", "text": "それでは、…は、承認することといたします。"}
     ]},
    {"id": "a9", "section": "その他", "title": "その他",
     "log": [{"speaker": {"label": "事務局"}, "text": "特になし。"}]}
  ]
}
"""


def example_dict() -> dict:
    return json.loads(EXAMPLE)


def assert_contains(exported: object, original: object, path: str = "") -> None:
    """Every key of ``original`` is in ``exported`` with the same value (recursively)."""
    if isinstance(original, dict):
        assert isinstance(exported, dict), path
        for key, value in original.items():
            assert key in exported, f"{path}.{key} was dropped"
            assert_contains(exported[key], value, f"{path}.{key}")
    elif isinstance(original, list):
        assert isinstance(exported, list), path
        assert len(exported) == len(original), path
        for index, (a, b) in enumerate(zip(exported, original)):
            assert_contains(a, b, f"{path}[{index}]")
    else:
        assert exported == original and type(exported) is type(original), path


def test_example_parses():
    meeting = parse_meeting(EXAMPLE.encode("utf-8"), "example.json")
    assert isinstance(meeting, Meeting)
    assert meeting.body == "小平市情報公開・個人情報保護・公文書管理審議会"
    assert (meeting.fiscal_year, meeting.session, meeting.serial) == (2021, 3, 54)
    assert (meeting.date, meeting.start, meeting.end) == ("2022-03-15", "17:30", "19:00")
    assert [p.id for p in meeting.people] == ["p1", "p2", "p3", "s1", "r1"]
    assert meeting.person("s1").department == "総務課"
    assert meeting.person("p1").votes is None and not meeting.person("p1").has_vote
    assert [i.id for i in meeting.agenda] == ["a1", "a9"]
    log = meeting.agenda[0].log
    assert isinstance(log[0], Speech) and log[0].speaker_id == "p1"
    assert isinstance(log[1], Speech) and log[1].label == "資源循環課"
    assert log[1].paragraphs == ["それでは、…", "資料1を御覧ください。"]
    assert isinstance(log[3], Vote)
    assert log[3].ballots == {"p2": "承認", "p3": "承認"}
    assert log[3].rule == "majority" and log[3].chair_decides is None
    assert meeting.agenda[1].is_bare_heading


def test_example_parses_from_str_too():
    assert parse_meeting(EXAMPLE, "x.json") == parse_meeting(EXAMPLE.encode(), "x.json")


def test_export_contains_every_input_key_with_same_value():
    original = example_dict()
    assert original["version"] == 1
    exported = meeting_to_dict(meeting_from_dict(copy.deepcopy(original), "example.json"))
    # A version 1 file is written back as version 2 with the same meaning.
    assert exported["version"] == 2
    assert_contains(exported, {**original, "version": 2})


def test_second_round_trip_changes_nothing():
    once = meeting_to_dict(meeting_from_dict(example_dict()))
    twice = meeting_to_dict(meeting_from_dict(copy.deepcopy(once)))
    assert twice == once
    text = dumps_meeting(parse_meeting(EXAMPLE, "e.json"))
    assert dumps_meeting(parse_meeting(text, "e.json")) == text


def test_defaults_are_spelled_out():
    minimal = {
        "format": FORMAT, "version": VERSION, "body": "審議会",
        "date": "2022-03-15", "start": "17:30", "place": "庁議室",
        "people": [
            {"id": "p1", "name": "昼間", "group": "委員", "title": "会長"},
            {"id": "p2", "name": "大川", "group": "委員", "title": "委員"},
            {"id": "s1", "name": "飯田", "group": "事務局", "title": "係長", "department": "総務課"},
        ],
        "agenda": [
            {"id": "a1", "title": "議題",
             "log": [{"vote": {"ballots": {"p2": "承認"}, "result": "承認"}}]},
            {"id": "a2", "title": "その他"},
        ],
    }
    d = meeting_to_dict(meeting_from_dict(minimal))
    assert d["end"] is None
    assert d["observers"] == 0
    assert d["status"] == "draft"
    assert d["record_style"] == "要録"
    for key in ("fiscal_year", "session", "serial", "title", "extra"):
        assert key not in d
    assert [p["present"] for p in d["people"]] == [True, True, True]
    assert [p["votes"] for p in d["people"]] == [False, True, False]
    assert "reading" not in d["people"][0] and "department" not in d["people"][0]
    assert "arrived" not in d["people"][0] and "left" not in d["people"][0]
    item = d["agenda"][0]
    assert (item["section"], item["kind"], item["departments"]) == ("議事", "", [])
    assert d["agenda"][1]["log"] == []
    vote = item["log"][0]["vote"]
    assert vote["rule"] == "majority"
    assert "chair_decides" in vote and vote["chair_decides"] is None
    assert "question" not in vote and "time" not in vote


def test_explicit_votes_flag_is_kept():
    data = example_dict()
    data["people"][0]["votes"] = True  # the chair with a voting right
    data["people"][2]["votes"] = False
    data["agenda"][0]["log"][3]["vote"]["ballots"] = {"p1": "承認", "p2": "承認"}
    meeting = meeting_from_dict(data)
    assert meeting.person("p1").has_vote and not meeting.person("p3").has_vote
    exported = meeting_to_dict(meeting)
    assert [p["votes"] for p in exported["people"]] == [True, True, False, False, False]


def test_extra_kept_verbatim():
    data = example_dict()
    data["extra"] = {
        "会場メモ": "空調 [b]弱[/b]", "nested": {"list": [1, 2.5, None, True, "x\u0001"]},
        "anything": {"format": "not checked", "people": 3},
    }
    original_extra = copy.deepcopy(data["extra"])
    meeting = meeting_from_dict(data)
    assert meeting.extra == original_extra
    data["extra"]["nested"]["list"].append("mutated")
    assert meeting.extra == original_extra, "the model must not share the input's objects"
    exported = meeting_to_dict(meeting)
    assert exported["extra"] == original_extra
    assert list(exported)[-1] == "extra"
    text = dumps_meeting(meeting)
    assert json.loads(text)["extra"] == original_extra


def test_top_level_key_order():
    data = example_dict()
    data["title"] = "別の表題"
    data["extra"] = {}
    data["status"] = "final"
    shuffled = dict(reversed(list(data.items())))
    exported = meeting_to_dict(meeting_from_dict(shuffled))
    assert list(exported) == [
        "format", "version", "body", "fiscal_year", "session", "serial",
        "record_style", "title", "date", "start", "end", "place", "observers",
        "status", "people", "agenda", "documents", "signers", "extra",
    ]


def test_nested_key_order():
    person = Person(id="p", name="名", group="委員", title="委員", department="課",
                    reading="めい", present=False, arrived="10:00", left="11:00", votes=True)
    assert list(person_to_dict(person)) == [
        "id", "name", "reading", "group", "title", "role", "online", "department", "present",
        "arrived", "left", "votes",
    ]
    data = example_dict()
    meeting = meeting_from_dict(data)
    assert list(item_to_dict(meeting.agenda[0])) == ["id", "section", "title", "kind", "departments", "log"]
    assert list(item_to_dict(meeting.agenda[0], with_log=False)) == ["id", "section", "title", "kind", "departments"]
    speech = Speech(text="t", speaker_id="p1", time="10:00:00")
    assert list(entry_to_dict(speech)) == ["speaker", "text", "time"]
    vote = Vote(ballots={"p2": "承認"}, result="承認", question="q", time="10:00:01")
    assert list(entry_to_dict(vote)) == ["vote"]
    assert list(entry_to_dict(vote)["vote"]) == ["method", "ballots", "result", "rule", "chair_decides", "question", "time"]


def test_entry_uid_is_not_written():
    meeting = parse_meeting(EXAMPLE, "e.json")
    for _, entry in meeting.entries():
        assert entry.uid
        assert "uid" not in json.dumps(entry_to_dict(entry))
    uids = [e.uid for _, e in meeting.entries()]
    assert len(set(uids)) == len(uids)


def test_dumps_is_readable_utf8_json():
    text = dumps_meeting(parse_meeting(EXAMPLE, "e.json"))
    assert text.endswith("}\n")
    assert "昼間守仁" in text and "\\u" not in text
    assert "\n  \"people\": [" in text  # indent=2
    raw = text.encode("utf-8")
    assert json.loads(raw.decode("utf-8")) == meeting_to_dict(parse_meeting(EXAMPLE, "e.json"))
    again = parse_meeting(raw, "again.json")
    assert meeting_to_dict(again) == meeting_to_dict(parse_meeting(EXAMPLE, "e.json"))
    # ``votes`` is written as the effective right, so it is explicit after one export.
    assert again.person("p1").votes is False


def test_markup_like_text_is_kept_literally():
    data = example_dict()
    weird = "[b]太字[/b] **強調** \\n ではない\\\\ 😀 é\tタブ\n次の段落"
    data["agenda"][0]["log"][0]["text"] = weird
    text = dumps_meeting(meeting_from_dict(data))
    assert parse_meeting(text, "w.json").agenda[0].log[0].text == weird


def test_bom_is_tolerated():
    with_bom = b"\xef\xbb\xbf" + EXAMPLE.encode("utf-8")
    assert parse_meeting(with_bom, "bom.json") == parse_meeting(EXAMPLE, "e.json")
    assert parse_meeting("\ufeff" + EXAMPLE, "bom.json") == parse_meeting(EXAMPLE, "e.json")


def test_format_error_str_and_attributes():
    err = FormatError("m.json", "agenda[1].log[4].speaker", "出席者一覧(people)にないid「p9」が指定されています。")
    assert str(err) == "m.json: agenda[1].log[4].speaker: 出席者一覧(people)にないid「p9」が指定されています。"
    assert isinstance(err, ValueError)
    whole = FormatError("m.json", "", "JSONとして読めません")
    assert str(whole) == "m.json: JSONとして読めません"
    import pickle

    again = pickle.loads(pickle.dumps(err))
    assert (again.source, again.path, again.message) == (err.source, err.path, err.message)


def test_per_part_helpers_round_trip():
    meeting = parse_meeting(EXAMPLE, "e.json")
    for index, person in enumerate(meeting.people):
        d = person_to_dict(person)
        back = person_from_dict(d, "e.json", f"people[{index}]")
        assert person_to_dict(back) == d
    for index, item in enumerate(meeting.agenda):
        d = item_to_dict(item)
        back = item_from_dict(d, "e.json", f"agenda[{index}]", meeting)
        assert item_to_dict(back) == d
        back_ids = item_from_dict(d, "e.json", f"agenda[{index}]", [p.id for p in meeting.people])
        assert item_to_dict(back_ids) == d
        without = item_from_dict(item_to_dict(item, with_log=False), "e.json", "agenda[0]", meeting)
        assert without.log == []
    item = meeting.agenda[0]
    for index, entry in enumerate(item.log):
        d = entry_to_dict(entry)
        back = entry_from_dict(d, "e.json", f"agenda[0].log[{index}]", meeting, item_title=item.title)
        assert back == entry
        ctx = EntryContext.of({p.id: p for p in meeting.people}, item.title)
        assert entry_from_dict(d, "e.json", "x", ctx, uid="keep-me").uid == "keep-me"


def test_entry_from_dict_checks_against_context():
    meeting = parse_meeting(EXAMPLE, "e.json")
    with pytest.raises(FormatError) as info:
        entry_from_dict({"vote": {"ballots": {"p1": "承認"}, "result": "承認"}}, "e.json", "agenda[0].log[9]", meeting)
    assert info.value.path == "agenda[0].log[9].vote.ballots.p1"
    assert "投票権がありません" in info.value.message
