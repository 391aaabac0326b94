"""The 議会 and 要点 presets follow the rules of the format page ("Export styles").

The example council meeting has what format v2 adds: a chair titled 委員長,
family names, notes, events, votes by show of hands and without objection, a
declared result (原案のとおり可決), documents.
"""

from __future__ import annotations

import pytest

from minutes.formats import FORMATS
from minutes.model import Document, Event, Item, Meeting, Note, Person, Speech, Vote
from minutes.render import ExportOptions
from minutes.style import load_preset


def council_meeting() -> Meeting:
    people = [
        Person("p1", "山川昌美", "委員", "委員長", family_name="山川"),
        Person("p2", "肥田茂", "委員", "副委員長", family_name="肥田"),
        Person("p3", "佐藤真一", "委員", "委員", family_name="佐藤"),
        Person("p4", "北野道子", "委員", "委員", present=False),
        Person("s1", "飯田", "事務局", "係長", department="議会事務局"),
        Person("r1", "田中", "関係課", "課長", department="道路課"),
    ]
    a1 = Item("a1", "市道の認定について", kind="議案", departments=["道路課"], log=[
        Speech("ただいまから委員会を開会いたします。", speaker_id="p1"),
        Speech("資料1に基づき御説明いたします。\n以上です。", speaker_id="r1"),
        Speech("質問します。", speaker_id="p3"),
        Note("「異議なし」と呼ぶ者あり"),
        Event("休憩", "10:09"),
        Event("再開", "10:20:30"),
        Vote({}, "承認", method="hands", tally="全員", result_text="原案のとおり可決"),
    ])
    a2 = Item("a2", "請願の審査について", kind="請願", log=[
        Speech("お諮りします。", speaker_id="p1"),
        Vote({"p2": "承認", "p3": "不承認"}, result="承認", rule="majority", chair_decides="承認"),
        Vote({}, "承認", method="no_objection"),
    ])
    return Meeting(
        body="小平市議会総務委員会", date="2023-06-12", start="10:00", end="11:30", place="第1委員会室",
        people=people, agenda=[a1, a2], fiscal_year=2023, session=2, record_style="全文",
        documents=[Document("資料1", "市道路線図"), Document("", "位置図")],
    )


def text(style: str, **options) -> str:
    return FORMATS["text"].produce(council_meeting(), ExportOptions(**options), load_preset(style))


def markdown(style: str) -> str:
    return FORMATS["markdown"].produce(council_meeting(), ExportOptions(), load_preset(style))


# -- 議会 -----------------------------------------------------------------------------
def test_gikai_header():
    lines = text("議会").splitlines()
    assert "1.日　時　令和5年6月12日(月曜日)午前10時から午前11時30分まで" in lines
    assert "1.場　所　第1委員会室" in lines
    assert "1.出席委員　◎山川昌美　○肥田茂　佐藤真一各委員" in lines
    assert "1.欠席委員　北野道子委員" in lines  # 各委員 only after more than one
    assert "1.出席説明員　田中課長（道路課）" in lines
    assert "1.事務局員　飯田係長（議会事務局）" in lines
    assert lines.index("1.議　題") + 1 == lines.index("　①　市道の認定について(議案)")


def test_gikai_speakers_notes_events_and_votes():
    lines = text("議会").splitlines()
    assert "◎山川委員長　ただいまから委員会を開会いたします。" in lines
    assert "○田中課長　資料1に基づき御説明いたします。" in lines
    assert "　以上です。" in lines
    assert "○佐藤委員　質問します。" in lines
    assert "　　（「異議なし」と呼ぶ者あり）" in lines
    assert "午前10時9分休憩" in lines and "午前10時20分再開" in lines
    assert "　　（賛成者挙手）" in lines
    assert not any("原案のとおり可決" in line or "全員" in line for line in lines)  # the chair's words carry them
    assert "○肥田副委員長　賛成" in lines and "○佐藤委員　反対" in lines
    assert lines.count("　　（「異議なし」と呼ぶ者あり）") == 2  # the note and the vote without objection


def test_gikai_separates_items_with_diamonds():
    lines = text("議会").splitlines()
    separators = [n for n, line in enumerate(lines) if "◇" in line]
    assert len(separators) == 1
    assert lines[separators[0] + 2] == "　(2)　請願の審査について(請願)"
    assert lines.index("　(1)　市道の認定について(議案)") < separators[0]


def test_gikai_markdown_carries_the_same_words():
    md = markdown("議会")
    for words in ("◎山川委員長", "○佐藤委員", "（「異議なし」と呼ぶ者あり）", "午前10時9分休憩", "（賛成者挙手）", "◇", "北野道子委員"):
        assert words in md


def test_gikai_prints_a_votes_note_once_when_the_clerk_noted_it_just_before():
    meeting = council_meeting()
    log = meeting.agenda[0].log
    log.insert(len(log) - 1, Note("賛成者挙手"))  # right before the show of hands
    lines = FORMATS["text"].produce(meeting, ExportOptions(), load_preset("議会")).splitlines()
    assert lines.count("　　（賛成者挙手）") == 1
    markdown = FORMATS["markdown"].produce(meeting, ExportOptions(), load_preset("議会"))
    assert markdown.count("（賛成者挙手）") == 1


# -- 要点 ----------------------------------------------------------------------------------
def test_yoten_numbered_sections_counts_absent_and_documents():
    lines = text("要点").splitlines()
    sections = [line for line in lines if line[:1].isdigit()]
    assert [s.split("　")[0:2] for s in sections] == [
        ["1", "日時"], ["2", "場所"], ["3", "出席者"], ["4", "欠席者"], ["5", "配布資料"], ["6", "会議の結果"],
    ]
    assert "　委員：山川昌美、肥田茂、佐藤真一（3名）" in lines
    assert "　事務局：係長　飯田" in lines
    assert "　傍聴者：0名" in lines
    assert "4　欠席者　北野道子" in lines
    assert lines[lines.index("5　配布資料") + 1 : lines.index("5　配布資料") + 3] == ["　資料1　市道路線図", "　位置図"]


def test_yoten_speakers_and_decisions():
    lines = text("要点").splitlines()
    assert "（委員長）ただいまから委員会を開会いたします。" in lines
    assert "（道路課）資料1に基づき御説明いたします。" in lines
    assert "（委員）質問します。" in lines
    assert "-「異議なし」と呼ぶ者あり-" in lines
    assert "-原案のとおり可決-" in lines
    assert lines.count("-承認-") == 2  # the roll vote and the one without objection, whatever the method


def test_yoten_without_documents_or_absentees():
    meeting = council_meeting()
    meeting.documents = []
    meeting.people[3].present = True
    lines = FORMATS["text"].produce(meeting, ExportOptions(), load_preset("要点")).splitlines()
    assert "4　欠席者　なし" in lines
    assert lines[lines.index("5　配布資料") + 1] == "　なし"


@pytest.mark.parametrize("style", ["議会", "要点"])
def test_wrapping_keeps_every_line_within_the_width(style):
    from minutes.textwidth import display_width

    for line in text(style, width=40).splitlines():
        assert display_width(line) <= 40, line
