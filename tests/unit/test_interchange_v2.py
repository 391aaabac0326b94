"""Format version 2: what it holds, and every refusal the format page names for it.

Each refusal is checked twice: by the reader (the JSON path and the Japanese
reason), and through ``kaigiroku import`` on a data folder that must stay
byte-for-byte as it was.
"""

from __future__ import annotations

import copy
import json
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from minutes.interchange import FormatError, meeting_from_dict, meeting_to_dict, parse_meeting
from minutes.model import Event, Note, Vote
from storage import DataDir
from tests.conftest import example_from_format_page, snapshot
from tui.cli import main as cli_main

SOURCE = "委員会.json"


def council() -> dict:
    """A version 2 city council committee: a 委員長, notes, a recess, a show of hands."""
    return {
        "format": "kaigiroku.meeting", "version": 2,
        "body": "架空市議会総務委員会", "record_style": "全文", "style": "議会",
        "date": "2024-06-10", "start": "10:00", "end": "11:30", "place": "第1委員会室",
        "people": [
            {"id": "m1", "name": "山川昌美", "family_name": "山川", "group": "委員", "title": "委員長"},
            {"id": "m2", "name": "肥田茂", "family_name": "肥田", "group": "委員", "title": "副委員長"},
            {"id": "m3", "name": "佐藤真一", "family_name": "佐藤", "group": "委員", "title": "委員", "online": True},
            {"id": "m4", "name": "北野道子", "family_name": "北野", "group": "委員", "title": "委員"},
            {"id": "m5", "name": "南雲次郎", "group": "委員", "title": "委員", "present": False},
            {"id": "s1", "name": "田中", "group": "事務局", "department": "議会事務局"},
            {"id": "r1", "name": "森", "group": "関係課", "title": "課長", "department": "総務課"},
        ],
        "agenda": [
            {"id": "a1", "title": "議案第1号 架空市職員定数条例の一部を改正する条例", "log": [
                {"event": "開会", "time": "10:00"},
                {"speaker": "m1", "text": "ただいまから総務委員会を開会いたします。"},
                {"note": "「異議なし」と呼ぶ者あり", "time": "10:05:10"},
                {"event": "休憩", "time": "10:09"},
                {"event": "再開", "time": "10:13:30"},
                {"note": "賛成者挙手"},
                {"vote": {"method": "hands", "tally": "全員", "result": "承認", "result_text": "原案のとおり可決"}},
                {"vote": {"method": "hands", "counts": {"承認": 2, "不承認": 1, "保留": 0}, "result": "承認"}},
                {"vote": {"method": "standing", "counts": {"承認": 1, "不承認": 1, "保留": 0},
                          "result": "不承認", "chair_decides": "不承認"}},
                {"vote": {"method": "no_objection", "result": "承認", "result_text": "採択"}},
                {"vote": {"method": "consensus", "result": "承認"}},
                {"vote": {"method": "ballot", "ballots": {"m2": "承認", "m3": "承認", "m4": "不承認"}, "result": "承認"}},
            ]},
        ],
        "disclosure": {"status": "一部非公開", "reason": "個人情報を含むため"},
        "documents": [{"label": "資料1", "title": "条例案新旧対照表"}, {"label": "", "title": "参考資料"}],
        "signers": ["m2", "m3"],
    }


def test_the_council_reads_with_every_v2_fact():
    meeting = meeting_from_dict(council(), SOURCE)
    chair = meeting.chair
    assert chair is not None and chair.title == "委員長" and not chair.has_vote
    assert meeting.person("m2").is_vice_chair and meeting.person("m3").online
    assert meeting.person("s1").title == "" and meeting.person("m1").short_name == "山川"
    log = meeting.agenda[0].log
    assert isinstance(log[0], Event) and log[0].time == "10:00" and log[4].time == "10:13:30"
    assert isinstance(log[2], Note) and log[2].text == "「異議なし」と呼ぶ者あり"
    hands = log[6]
    assert isinstance(hands, Vote) and hands.method == "hands" and hands.tally == "全員" and not hands.ballots
    assert hands.result_words == "原案のとおり可決"
    assert meeting.documents[1].label == "" and meeting.signers == ["m2", "m3"]
    assert meeting.disclosure.status == "一部非公開" and meeting.style == "議会" and meeting.record_style == "全文"


def test_the_council_round_trips_exactly():
    once = meeting_to_dict(meeting_from_dict(council(), SOURCE))
    for key, value in council().items():
        if key not in ("people", "agenda"):
            assert once[key] == value, key
    assert once["agenda"][0]["log"][4] == {"event": "再開", "time": "10:13:30"}
    assert once["people"][5] == {
        "id": "s1", "name": "田中", "group": "事務局", "online": False, "department": "議会事務局",
        "present": True, "votes": False,
    }
    twice = meeting_to_dict(meeting_from_dict(copy.deepcopy(once), SOURCE))
    assert twice == once


def test_a_version_1_file_keeps_its_meaning():
    v1 = example_from_format_page()
    meeting = meeting_from_dict(copy.deepcopy(v1), "v1.json")
    exported = meeting_to_dict(meeting)
    assert exported["version"] == 2
    again = meeting_from_dict(exported, "v2.json")
    assert meeting_to_dict(again) == exported  # the same meaning, defaults spelled out
    assert [p.has_vote for p in again.people] == [p.has_vote for p in meeting.people]
    assert meeting.chair.title == "会長" and meeting.chair.effective_role == "chair"
    vote = next(e for _, e in meeting.entries() if isinstance(e, Vote))
    assert vote.method == "roll" and vote.ballots == {"p2": "承認", "p3": "承認"}


def test_a_chair_given_a_vote_votes_and_still_decides_a_tie():
    data = council()
    data["people"][0]["votes"] = True
    data["agenda"][0]["log"] = [{"vote": {"ballots": {"m1": "承認", "m2": "承認", "m3": "不承認", "m4": "不承認"},
                                          "result": "承認", "chair_decides": "承認"}}]
    vote = meeting_from_dict(data, SOURCE).agenda[0].log[0]
    assert vote.ballots["m1"] == "承認" and vote.chair_decides == "承認"


def test_a_role_makes_the_chair_whatever_the_title():
    data = council()
    data["people"][0]["role"] = "member"
    data["people"][3]["role"] = "chair"  # 北野 (title 委員) chairs this meeting
    data["agenda"][0]["log"] = [{"vote": {"ballots": {"m1": "承認"}, "result": "承認"}}]
    meeting = meeting_from_dict(data, SOURCE)
    assert meeting.chair.id == "m4" and meeting.person("m1").has_vote


V = "agenda[0].log[6].vote"


def put(path: tuple, value):
    def mutate(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = copy.deepcopy(value)
        return d

    return mutate


def drop(path: tuple):
    def mutate(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return d

    return mutate


def vote_at(index: int, **fields):
    def mutate(d):
        vote = d["agenda"][0]["log"][index]["vote"]
        for key, value in fields.items():
            if value is ...:
                vote.pop(key, None)
            else:
                vote[key] = value
        return d

    return mutate


LOG = ("agenda", 0, "log")
CASES = [
    # two chairs; a role on someone who is not a member; unknown role
    ("two-chairs-by-title", put(("people", 1, "title"), "委員長"), "people[1].title", "議事を主宰する人(role が chair)が2人います"),
    ("two-chairs-by-role", put(("people", 3, "role"), "chair"), "people[3].role", "people[0] と people[3]"),
    ("role-on-staff", put(("people", 5, "role"), "member"), "people[5].role", "役割(role)は委員にだけ書けます"),
    ("role-unknown", put(("people", 2, "role"), "secretary"), "people[2].role", "「chair」「vice_chair」「member」のどれか"),
    ("member-without-title", drop(("people", 2, "title")), "people[2].title", "委員には肩書き"),
    ("online-not-bool", put(("people", 2, "online"), "yes"), "people[2].online", "true か false"),
    ("family-name-empty", put(("people", 0, "family_name"), ""), "people[0].family_name", "を空にはできません"),
    # signers
    ("signer-unknown", put(("signers",), ["m9"]), "signers[0]", "出席者一覧(people)にないid「m9」"),
    ("signer-absent", put(("signers",), ["m5"]), "signers[0]", "欠席(present が false)です"),
    ("signer-staff", put(("signers",), ["s1"]), "signers[0]", "委員ではありません"),
    ("signer-twice", put(("signers",), ["m2", "m2"]), "signers[1]", "2回書かれています"),
    # disclosure and documents
    ("disclosure-status", put(("disclosure", "status"), "秘密"), "disclosure.status", "「公開」「非公開」「一部非公開」のどれか"),
    ("disclosure-no-reason", drop(("disclosure", "reason")), "disclosure.reason", "理由(reason)を書いてください"),
    ("disclosure-unknown-key", put(("disclosure", "why"), "x"), "disclosure.why", "このキーは形式にありません"),
    ("document-no-title", drop(("documents", 0, "title")), "documents[0].title", "必須のキー「title」"),
    ("document-not-object", put(("documents", 0), "資料1"), "documents[0]", "オブジェクト"),
    ("style-empty", put(("style",), ""), "style", "を空にはできません"),
    # notes and events
    ("note-empty", put(LOG + (2, "note"), ""), "agenda[0].log[2].note", "を空にはできません"),
    ("note-control", put(LOG + (2, "note"), "異議\x1bなし"), "agenda[0].log[2].note", "制御文字(U+001B)"),
    ("note-newline", put(LOG + (2, "note"), "一\n二"), "agenda[0].log[2].note", "改行があります"),
    ("note-and-speech", put(LOG + (2, "speaker"), "m1"), "agenda[0].log[2]", "の両方になっています"),
    ("event-unknown", put(LOG + (3, "event"), "昼食"), "agenda[0].log[3].event", "「開会」「休憩」「再開」「閉会」「散会」のどれか"),
    ("event-no-time", drop(LOG + (3, "time")), "agenda[0].log[3].time", "必須のキー「time」"),
    ("event-bad-time", put(LOG + (3, "time"), "25:00"), "agenda[0].log[3].time", "「HH:MM」か「HH:MM:SS」"),
    ("event-unknown-key", put(LOG + (3, "text"), "x"), "agenda[0].log[3]", "両方になっています"),
    # votes by method
    ("method-unknown", vote_at(6, method="acclamation"), f"{V}.method", "「roll」「hands」「standing」「no_objection」「consensus」「ballot」のどれか"),
    ("tally-unknown", vote_at(6, tally="大多数"), f"{V}.tally", "「全員」「多数」「少数」のどれか"),
    ("tally-on-roll", vote_at(6, method="roll", ballots={"m2": "承認"}), f"{V}.tally", "方法「hands」「standing」の採決にだけ"),
    ("tally-with-counts", vote_at(6, counts={"承認": 1, "不承認": 0, "保留": 0}), f"{V}.tally", "票(ballots)も数(counts)もないときだけ"),
    ("ballots-on-hands", vote_at(6, tally=..., ballots={"m2": "承認"}), f"{V}.ballots", "方法「roll」「ballot」の採決にだけ"),
    ("counts-on-no-objection", vote_at(9, counts={"承認": 1, "不承認": 0, "保留": 0}), "agenda[0].log[9].vote.counts",
     "方法「hands」「standing」「ballot」の採決にだけ"),
    ("counts-with-ballots", vote_at(11, counts={"承認": 2, "不承認": 1, "保留": 0}), "agenda[0].log[11].vote.counts",
     "両方は書けません"),
    ("counts-missing-key", vote_at(7, counts={"承認": 2, "不承認": 1}), "agenda[0].log[7].vote.counts.保留", "必須のキー「保留」"),
    ("counts-negative", vote_at(7, counts={"承認": -1, "不承認": 1, "保留": 0}), "agenda[0].log[7].vote.counts.承認", "0以上"),
    ("counts-too-many", vote_at(7, counts={"承認": 3, "不承認": 1, "保留": 0}), "agenda[0].log[7].vote.counts",
     "賛否の数の合計(4)が、出席して投票権のある人の数(3)より多く"),
    ("counts-contradict", vote_at(7, result="不承認"), "agenda[0].log[7].vote.result",
     "結果(result)が数と合いません: 賛成2、反対1、保留0は過半数の規則では「承認」"),
    ("counts-tie-no-chair", vote_at(8, chair_decides=None), "agenda[0].log[8].vote.chair_decides",
     "可否同数(賛成1、反対1、保留0)です。可否同数のときは委員長の決定"),
    ("no-count-chair-decides", vote_at(10, chair_decides="承認"), "agenda[0].log[10].vote.chair_decides",
     "票(ballots)も数(counts)もない採決は可否同数になりえない"),
    ("ballot-empty", vote_at(11, ballots={}), "agenda[0].log[11].vote.ballots", "投票(ballot)の票(ballots)が空です"),
    ("ballot-from-chair", vote_at(11, ballots={"m1": "承認"}), "agenda[0].log[11].vote.ballots.m1", "投票権がありません"),
    ("roll-without-ballots", vote_at(6, method="roll", tally=...), f"{V}.ballots", "必須のキー「ballots」"),
    ("result-text-newline", vote_at(6, result_text="可決\nする"), f"{V}.result_text", "改行があります"),
    ("result-text-empty", vote_at(6, result_text=" "), f"{V}.result_text", "を空にはできません"),
    ("record-style-not-text", put(("record_style",), 1), "record_style", "文字列で書いてください"),
]


def test_the_council_is_valid():
    meeting_from_dict(council(), SOURCE)


def test_case_ids_are_unique():
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("mutate, path, fragment", [pytest.param(m, p, f, id=i) for i, m, p, f in CASES])
def test_refusal(mutate, path, fragment):
    with pytest.raises(FormatError) as info:
        meeting_from_dict(mutate(council()), SOURCE)
    error = info.value
    assert (error.source, error.path) == (SOURCE, path), error.message
    assert fragment in error.message, error.message


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("v2") / "data"
    with DataDir(root) as datadir:
        datadir.add_meeting(meeting_from_dict(council(), SOURCE))
    return root


@pytest.mark.parametrize("mutate, path, fragment", [pytest.param(m, p, f, id=i) for i, m, p, f in CASES])
def test_import_refuses_and_changes_nothing(data_folder, tmp_path, mutate, path, fragment):
    before = snapshot(data_folder)
    file = tmp_path / SOURCE
    file.write_text(json.dumps(mutate(council()), ensure_ascii=False), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(["--data-dir", str(data_folder), "import", str(file)])
    message = err.getvalue()
    assert code == 1 and out.getvalue() == ""
    assert str(file) in message and path in message and fragment in message, message
    assert "取り込みをやめました。データは何も変えていません。" in message
    assert snapshot(data_folder) == before


def test_import_then_export_json_carries_every_fact(data_folder, tmp_path):
    file = tmp_path / "in.json"
    file.write_text(json.dumps(council(), ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    with redirect_stdout(out), redirect_stderr(StringIO()):
        assert cli_main(["--data-dir", str(data_folder), "import", str(file)]) == 0
    meeting_id = out.getvalue().split()[-1]
    target = tmp_path / "out.json"
    with redirect_stdout(StringIO()), redirect_stderr(StringIO()):
        assert cli_main(["--data-dir", str(data_folder), "export", meeting_id, "--format", "json", "-o", str(target)]) == 0
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["version"] == 2
    assert exported == meeting_to_dict(meeting_from_dict(council(), SOURCE))
    assert meeting_to_dict(parse_meeting(target.read_bytes(), "out.json")) == exported
