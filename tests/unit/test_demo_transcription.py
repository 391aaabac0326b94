"""The demo meeting is the seed minutes, transcribed faithfully.

These tests read the seed text with ``tests/seedtools.py`` and compare it with
``minutes/data/seed_meeting.json`` directly, without any renderer: every entry
of the JSON is mapped to the turns the 要録 prints for it, and the turn lists
must be equal item by item, paragraph by paragraph, character for character.
"""

from __future__ import annotations

import json
import re

import pytest

from minutes import demo
from tests import seedtools

BALLOT_TEXT = {"承認": "承認します。", "不承認": "承認しません。", "保留": "保留します。"}
GROUP_ORDER = ("委員", "事務局", "関係課")
#: Posts and member titles as they follow a name in the attendance lines, longest first.
TITLES = ("課長補佐", "副会長", "会長", "委員", "課長", "係長", "主任", "主事")


@pytest.fixture(scope="module")
def data() -> dict:
    return demo.load_demo_dict()


@pytest.fixture(scope="module")
def people(data) -> dict:
    return {person["id"]: person for person in data["people"]}


def person_label(person: dict) -> str:
    """The 要録 label of a listed person."""
    if person["group"] == "委員":
        return "会長" if person["title"] == "会長" else "委員"
    if person["group"] == "事務局":
        return "事務局"
    return person["department"]


def printed_turns(item: dict, people: dict) -> list[tuple[str, list[str]]]:
    """The turns the 要録 prints for one agenda item of the JSON."""
    turns = []
    for entry in item.get("log", []):
        if "vote" in entry:
            ballots = entry["vote"]["ballots"]
            for person_id in people:  # the order of `people`
                if person_id in ballots:
                    turns.append((person_label(people[person_id]), [BALLOT_TEXT[ballots[person_id]]]))
            continue
        speaker = entry["speaker"]
        label = speaker["label"] if isinstance(speaker, dict) else person_label(people[speaker])
        turns.append((label, entry["text"].split("\n")))
    return turns


# -- seedtools on a small sample ---------------------------------------------

SAMPLE = """

令和9年度第1回テスト審議会会議録  
(要録)

- 1 開催日時 令和9年4月1日(木曜日)午前10時から午前11時まで
- 2 出席者
  - (1) 委員 甲会長、乙委員
  - (2) 関係課 丙課長(テスト課)  
丁係長(別の課)
- 3 会次第
  - (1) 議事
    - ① 何かについて(諮問)
  - (2) その他
- 4 内容(要録)
  - (1) 何かについて(諮問)  
**会長** 説明をお願いします。  
**テスト課** 資料のリサイクルにつ

いて御説明します。「適正に処分する」

ことについては、後で申し上げます。

(4)パソコンは、施錠します。



なお、「以上です。」

**委員** 承認します。

(2) その他

**事務局** 特になし。"""


def test_seedtools_parses_a_sample_with_page_break_splits():
    assert seedtools.seed_header_lines(SAMPLE) == [
        "令和9年度第1回テスト審議会会議録",
        "(要録)",
        "1 開催日時 令和9年4月1日(木曜日)午前10時から午前11時まで",
        "2 出席者",
        "(1) 委員 甲会長、乙委員",
        "(2) 関係課 丙課長(テスト課)",
        "丁係長(別の課)",
        "3 会次第",
        "(1) 議事",
        "① 何かについて(諮問)",
        "(2) その他",
    ]
    assert seedtools.seed_item_headings(SAMPLE) == ["何かについて(諮問)", "その他"]
    assert seedtools.seed_turns(SAMPLE) == [
        [
            ("会長", ["説明をお願いします。"]),
            (
                "テスト課",
                [
                    "資料のリサイクルについて御説明します。「適正に処分する」ことについては、後で申し上げます。",
                    "(4)パソコンは、施錠します。",
                    "なお、「以上です。」",
                ],
            ),
            ("委員", ["承認します。"]),
        ],
        [("事務局", ["特になし。"])],
    ]
    assert seedtools.seed_page_break_joins(SAMPLE) == [
        ("資料のリサイクルにつ", "いて御説明します。「適正に処分する」"),
        ("資料のリサイクルについて御説明します。「適正に処分する」", "ことについては、後で申し上げます。"),
    ]


def test_ends_sentence():
    assert seedtools.ends_sentence("以上です。")
    assert seedtools.ends_sentence("本当ですか？")
    assert seedtools.ends_sentence("「以上です。」")
    assert not seedtools.ends_sentence("「適正に処分する」")
    assert not seedtools.ends_sentence("メリッ")
    assert not seedtools.ends_sentence("」")


def test_seed_page_breaks_are_the_known_five():
    """Exactly these paragraphs of the seed are cut by a page break, and joined."""
    joins = seedtools.seed_page_break_joins()
    expected = [
        ("…目的外利用に", "ついて」御説明いたします。"),
        ("…リサイクルにつ", "いて、4食品ロス…"),
        ("…「適正に処分する」", "ことについては、機密文書として溶解処理をします。"),
        ("…団体の情", "報をシステムの画面から…"),
        ("…メリッ", "ト・デメリットを検討の上、導入を判断していくものと思われます。"),
    ]
    assert len(joins) == len(expected)
    for (before, after), (tail, head) in zip(joins, expected):
        assert before.endswith(tail.removeprefix("…")), before
        assert after.startswith(head.removesuffix("…")), after
        if not head.endswith("…"):
            assert after == head


# -- the JSON against the seed --------------------------------------------------


def test_every_turn_is_transcribed_character_for_character(data, people):
    expected = seedtools.seed_turns()
    assert len(data["agenda"]) == len(expected) == 4
    for number, (item, seed_item) in enumerate(zip(data["agenda"], expected), start=1):
        got = printed_turns(item, people)
        for index, (turn, seed_turn) in enumerate(zip(got, seed_item)):
            assert turn[0] == seed_turn[0], f"item {number}, turn {index + 1}: label"
            assert len(turn[1]) == len(seed_turn[1]), f"item {number}, turn {index + 1}: paragraphs"
            for para, (mine, theirs) in enumerate(zip(turn[1], seed_turn[1]), start=1):
                assert mine == theirs, f"item {number}, turn {index + 1}, paragraph {para}"
        assert len(got) == len(seed_item), f"item {number}: number of turns"
        assert got == seed_item


def test_no_character_of_the_contents_is_lost(data, people):
    """Independently of the parser: the text of 内容 without markup and blank lines."""
    text = seedtools.seed_text()
    contents = text[re.search(r"^- 6 内容.*$", text, re.M).end() :]
    contents = re.sub(r"\*\*([^*]+)\*\* ", r"\1", contents)
    contents = re.sub(r"^(?:  - )?\(\d\) [^\n]*$", "", contents, flags=re.M)  # item headings
    seed_chars = re.sub(r"\s", "", contents)
    mine = "".join(
        label + "".join(paragraphs)
        for item in data["agenda"]
        for label, paragraphs in printed_turns(item, people)
    )
    assert re.sub(r"\s", "", mine) == seed_chars
    # spaces inside paragraphs (「1 諮問理由」, 市役所3階 庁議室 …) are kept too
    assert mine.count(" ") == sum(
        p.count(" ") for item in seedtools.seed_turns() for _, ps in item for p in ps
    )


def test_counts(data):
    entries = [entry for item in data["agenda"] for entry in item["log"]]
    speeches = [e for e in entries if "speaker" in e]
    votes = [e["vote"] for e in entries if "vote" in e]
    assert len(speeches) == 56
    assert len(votes) == 2
    assert [len(v["ballots"]) for v in votes] == [5, 5]
    assert len(speeches) + sum(len(v["ballots"]) for v in votes) == 66
    assert sum(len(item) for item in seedtools.seed_turns()) == 66


def test_votes_stand_where_the_approvals_stand(data):
    for item in data["agenda"][:2]:
        kinds = ["vote" if "vote" in e else "speech" for e in item["log"]]
        assert kinds.count("vote") == 1
        index = kinds.index("vote")
        assert item["log"][index - 1]["text"] == "それでは、この諮問を承認してよいかどうかについていかがでしょうか。"
        after = item["log"][index + 1]
        assert after["speaker"] == "p1"
        assert after["text"].startswith("それでは、「" + item["title"] + "」は、承認することといたします。")
        vote = item["log"][index]["vote"]
        assert vote == {
            "question": "この諮問を承認してよいか",
            "rule": "majority",
            "ballots": {"p2": "承認", "p3": "承認", "p4": "承認", "p5": "承認", "p6": "承認"},
            "result": "承認",
            "chair_decides": None,
        }
        assert list(vote["ballots"]) == ["p2", "p3", "p4", "p5", "p6"]
    assert all("vote" not in e for item in data["agenda"][2:] for e in item["log"])


def test_speakers(data, people):
    labels = {"委員", "事務局", "資源循環課", "市民協働・男女参画推進課", "子育て支援課"}
    for item in data["agenda"]:
        for entry in item["log"]:
            if "speaker" not in entry:
                continue
            speaker = entry["speaker"]
            if isinstance(speaker, dict):
                assert set(speaker) == {"label"}
                assert speaker["label"] in labels
            else:
                assert speaker == "p1"  # only the chair is identified


def test_no_time_keys(data):
    for item in data["agenda"]:
        for entry in item["log"]:
            assert "time" not in entry
            assert "time" not in entry.get("vote", {})


def test_header_facts(data):
    assert data["format"] == "kaigiroku.meeting"
    assert data["version"] == 1
    assert data["date"] == "2022-03-15"
    assert data["start"] == "17:30"
    assert data["end"] == "19:00"
    assert data["place"] == "市役所3階 庁議室"
    assert data["fiscal_year"] == 2021
    assert data["session"] == 3
    assert data["serial"] == 54
    assert data["record_style"] == "要録"
    assert data["observers"] == 0
    assert data["body"] == "小平市情報公開・個人情報保護・公文書管理審議会"
    assert "status" not in data or data["status"] == "draft"
    header = seedtools.seed_header_lines()
    assert header[0] == f"令和3年度第{data['session']}回{data['body']}会議録"
    assert header[1] == f"({data['record_style']})"
    assert header[2] == f"(通算第{data['serial']}回)"
    assert "1 開催日時 令和4年3月15日(火曜日)午後5時30分から午後7時まで" in header
    assert f"2 開催場所 {data['place']}" in header
    assert "4 傍聴者 なし" in header


def attendance(header: list[str]) -> list[tuple[str, str, str, str | None]]:
    """(group, name, title, department) for every person of the attendance lines."""
    lines = header[header.index("3 出席者") + 1 : next(i for i, l in enumerate(header) if l.startswith("4 傍聴者"))]
    result = []
    group = None
    for line in lines:
        match = re.fullmatch(r"\(\d\) (\S+) (.*)", line)
        if match:
            group, line = match[1], match[2]
        department = None
        dept = re.fullmatch(r"(.*)\((.+)\)", line)
        if dept:
            line, department = dept[1], dept[2]
        for entry in line.split("、"):
            title = next(t for t in TITLES if entry.endswith(t))
            result.append((group, entry[: -len(title)], title, department))
    return result


def test_people_are_the_attendance_list(data):
    expected = attendance(seedtools.seed_header_lines())
    assert len(expected) == 16
    got = [(p["group"], p["name"], p["title"], p.get("department")) for p in data["people"]]
    assert got == expected
    ids = [p["id"] for p in data["people"]]
    assert ids == ["p1", "p2", "p3", "p4", "p5", "p6", "s1", "s2", "s3", "r1", "r2", "r3", "r4", "r5", "r6", "r7"]
    for person in data["people"]:
        assert person.get("present", True) is True
        assert "votes" not in person
        assert set(person) <= {"id", "name", "group", "title", "department"}
    groups = [p["group"] for p in data["people"]]
    assert groups == sorted(groups, key=GROUP_ORDER.index)


def test_agenda_is_the_kaishidai(data):
    header = seedtools.seed_header_lines()
    headings = seedtools.seed_item_headings()
    agenda = data["agenda"]
    assert [a["id"] for a in agenda] == ["a1", "a2", "a3", "a4"]
    assert [a.get("section", "議事") for a in agenda] == ["議事", "議事", "議事", "その他"]
    assert [a.get("kind", "") for a in agenda] == ["諮問", "諮問", "報告", ""]
    assert [a.get("departments", []) for a in agenda] == [
        ["資源循環課"],
        ["市民協働・男女参画推進課"],
        ["子育て支援課"],
        [],
    ]
    lines = [line for line in header if line[:1] in "①②③"]
    assert len(lines) == 3  # the loop below checks each of them
    for mark, item, line, heading in zip("①②③", agenda, lines, headings):
        assert line == f"{mark} {item['title']}({item['kind']})"
        assert heading in (f"{item['title']}({item['kind']})", f"{item['title']}（{item['kind']}）")
    assert agenda[3]["title"] == "その他" and headings[3] == "その他"
    assert "(2) その他" in header


# -- the file itself -------------------------------------------------------------


def test_demo_file_is_in_the_package_and_formatted():
    assert demo.DEMO_PATH.name == "seed_meeting.json"
    assert demo.DEMO_PATH.parent.name == "data"
    assert demo.DEMO_PATH.parent.parent.name == "minutes"
    raw = demo.DEMO_PATH.read_bytes()
    text = raw.decode("utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert "会長" in text  # not \u escaped
    for char in text:
        assert char in "\n" or ord(char) >= 0x20


def test_load_demo_builds_the_meeting():
    pytest.importorskip("minutes.interchange")
    meeting = demo.load_demo()
    assert meeting.date == "2022-03-15"
    assert len(meeting.people) == 16
    assert meeting.entry_count() == 58
    assert [p.id for p in meeting.voters] == ["p2", "p3", "p4", "p5", "p6"]
