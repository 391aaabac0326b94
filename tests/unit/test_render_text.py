"""The shared render helpers (minutes/render.py) and the plain-text export (minutes/render_text.py).

The meetings here are built from the model classes: a small copy of the format
page's example, plus variations. ``sample_meeting`` is also used by
``test_render_markdown.py``.
"""

from __future__ import annotations

import pytest

from minutes.model import Item, Meeting, Person, Speech, Vote
from minutes.render import (
    ExportOptions,
    agenda_outline,
    attendance,
    circled,
    composed_title,
    content,
    header_lines,
    observers_text,
    person_label,
    serial_line,
    speaker_label,
    title_lines,
    vote_lines,
    vote_summary,
)
from minutes.render_text import render_text
from minutes.textwidth import NO_LINE_END, NO_LINE_START, clusters, display_width

SP = "\u3000"

A1_TITLE = "(仮称)小平市一般廃棄物処理基本計画策定に係る市民アンケート調査における個人情報の本人以外からの収集及び目的外利用について"
A2_TITLE = "地域センター等貸出し業務への公共施設予約システム導入に伴うオンライン結合による個人情報の提供について"


def sample_people() -> list[Person]:
    return [
        Person("p1", "昼間守仁", "委員", "会長"),
        Person("p2", "大川強", "委員", "副会長"),
        Person("p3", "村千鶴子", "委員", "委員"),
        Person("p4", "原田美知子", "委員", "委員"),
        Person("s1", "飯田", "事務局", "係長", "総務課"),
        Person("s2", "高橋", "事務局", "主任", "総務課"),
        Person("r1", "市川", "関係課", "課長", "資源循環課"),
        Person("r2", "長峯", "関係課", "課長補佐", "資源循環課"),
        Person("r4", "松尾", "関係課", "課長", "市民協働・男女参画推進課"),
    ]


def sample_meeting() -> Meeting:
    """The format page's example, a little extended (a second department, a 不承認, a speech by id)."""
    agenda = [
        Item(
            "a1",
            A1_TITLE,
            kind="諮問",
            departments=["資源循環課"],
            log=[
                Speech("議事の1番目の諮問です。それでは、担当課から説明をお願いします。", speaker_id="p1"),
                Speech("それでは、御説明いたします。\n資料1を御覧ください。", label="資源循環課"),
                Speech("1点目、調査項目について教えてください。", label="委員"),
                Speech("1点目の回答方法については、選択項目を選んでいただきます。", speaker_id="r1"),
                Speech("それでは、この諮問を承認してよいかどうかについていかがでしょうか。", speaker_id="p1"),
                Vote({"p4": "承認", "p2": "承認", "p3": "不承認"}, "承認"),
                Speech("それでは、承認することといたします。\n担当課の方は、ありがとうございました。", speaker_id="p1"),
            ],
        ),
        Item(
            "a2",
            A2_TITLE,
            kind="諮問",
            log=[Speech("説明をお願いします。", speaker_id="p1"), Speech("資料2を御覧ください。", speaker_id="r4")],
        ),
        Item("a9", "その他", section="その他", log=[Speech("特になし。", label="事務局")]),
    ]
    return Meeting(
        body="小平市情報公開・個人情報保護・公文書管理審議会",
        date="2022-03-15",
        start="17:30",
        end="19:00",
        place="市役所3階 庁議室",
        people=sample_people(),
        agenda=agenda,
        fiscal_year=2021,
        session=3,
        serial=54,
    )


def speech_by(speaker_id: str | None = None, label: str | None = None) -> Speech:
    return Speech("…", speaker_id=speaker_id, label=label)


# -- ExportOptions ---------------------------------------------------------------------
def test_export_options_defaults():
    options = ExportOptions()
    assert (options.named, options.votes, options.width) == (False, "roll", None)


@pytest.mark.parametrize("kwargs", [{"votes": "table"}, {"width": 0}, {"width": -3}, {"width": "40"}, {"width": True}])
def test_export_options_refuse_nonsense(kwargs):
    with pytest.raises(ValueError):
        ExportOptions(**kwargs)


# -- speakers --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("speaker_id", "plain", "named"),
    [
        ("p1", "会長", "昼間守仁会長"),
        ("p2", "委員", "大川強副会長"),
        ("p3", "委員", "村千鶴子委員"),
        ("s1", "事務局", "飯田係長"),
        ("r1", "資源循環課", "市川課長"),
        ("r2", "資源循環課", "長峯課長補佐"),
        ("r4", "市民協働・男女参画推進課", "松尾課長"),
        ("nobody", "nobody", "nobody"),
    ],
)
def test_speaker_label(speaker_id, plain, named):
    meeting = sample_meeting()
    assert speaker_label(meeting, speech_by(speaker_id)) == plain
    assert speaker_label(meeting, speech_by(speaker_id), named=True) == named


@pytest.mark.parametrize("label", ["委員", "事務局", "資源循環課", "傍聴者A"])
def test_label_speakers_print_as_themselves(label):
    meeting = sample_meeting()
    assert speaker_label(meeting, speech_by(label=label)) == label
    assert speaker_label(meeting, speech_by(label=label), named=True) == label


def test_person_label_of_other_groups():
    observer = Person("o1", "山田", "オブザーバー", "教授")
    assert person_label(observer) == "オブザーバー"
    assert person_label(observer, named=True) == "山田教授"
    adviser = Person("o2", "佐藤", "専門委員", "弁護士", "法律事務所")
    assert person_label(adviser) == "法律事務所"


# -- votes -----------------------------------------------------------------------------
def test_vote_roll_in_the_order_of_people():
    meeting = sample_meeting()
    vote = Vote({"p4": "承認", "p2": "保留", "p3": "不承認"}, "承認")
    assert vote_lines(meeting, vote) == [("委員", "保留します。"), ("委員", "承認しません。"), ("委員", "承認します。")]
    assert vote_lines(meeting, vote, ExportOptions(named=True)) == [
        ("大川強副会長", "保留します。"),
        ("村千鶴子委員", "承認しません。"),
        ("原田美知子委員", "承認します。"),
    ]


def test_vote_roll_with_an_unknown_voter_does_not_crash():
    meeting = sample_meeting()
    vote = Vote({"ghost": "承認", "p2": "承認"}, "承認")
    assert vote_lines(meeting, vote) == [("委員", "承認します。"), ("ghost", "承認します。")]


def test_vote_summary_names_a_rule_other_than_majority():
    two_thirds = Vote({"a": "承認", "b": "承認", "c": "承認", "d": "不承認", "e": "不承認"}, "不承認", rule="two_thirds")
    assert vote_summary(two_thirds) == "(3分の2以上の賛成を要する採決の結果、賛成3、反対2、保留0により不承認)"
    unanimous = Vote({"a": "承認", "b": "承認", "c": "保留"}, "承認", rule="unanimous")
    assert vote_summary(unanimous) == "(全会一致を要する採決の結果、賛成2、反対0、保留1により承認)"
    everyone = Vote({"a": "承認", "b": "承認"}, "承認", rule="two_thirds")
    assert vote_summary(everyone) == "(採決の結果、全員承認)"


@pytest.mark.parametrize(
    ("ballots", "result", "chair", "text"),
    [
        ({"p2": "承認", "p3": "承認", "p4": "承認"}, "承認", None, "(採決の結果、全員承認)"),
        ({"p2": "承認", "p3": "承認", "p4": "不承認"}, "承認", None, "(採決の結果、賛成2、反対1、保留0により承認)"),
        ({"p2": "承認", "p3": "承認", "p4": "保留"}, "承認", None, "(採決の結果、賛成2、反対0、保留1により承認)"),
        ({"p2": "不承認", "p3": "不承認", "p4": "承認"}, "不承認", None, "(採決の結果、賛成1、反対2、保留0により不承認)"),
        ({"p2": "不承認", "p3": "不承認"}, "不承認", None, "(採決の結果、賛成0、反対2、保留0により不承認)"),
        (
            {"a": "承認", "b": "承認", "c": "不承認", "d": "不承認", "e": "保留"},
            "承認",
            "承認",
            "(採決の結果、賛成2、反対2、保留1、可否同数のため会長裁決により承認)",
        ),
        (
            {"a": "承認", "b": "不承認"},
            "不承認",
            "不承認",
            "(採決の結果、賛成1、反対1、保留0、可否同数のため会長裁決により不承認)",
        ),
    ],
)
def test_vote_summary(ballots, result, chair, text):
    vote = Vote(ballots, result, chair_decides=chair)
    assert vote_summary(vote) == text
    assert vote_lines(sample_meeting(), vote, ExportOptions(votes="summary")) == [("", text)]


# -- title, header -------------------------------------------------------------------------
def test_title():
    meeting = sample_meeting()
    assert composed_title(meeting) == "令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録(要録)"
    assert title_lines(meeting) == ["令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録", "(要録)"]
    assert serial_line(meeting) == "(通算第54回)"


def test_title_with_absent_parts():
    meeting = sample_meeting()
    meeting.fiscal_year = None
    meeting.session = None
    meeting.serial = None
    meeting.record_style = "全文"
    assert composed_title(meeting) == "小平市情報公開・個人情報保護・公文書管理審議会会議録(全文)"
    assert serial_line(meeting) is None
    meeting.fiscal_year = 2019
    assert composed_title(meeting) == "令和元年度小平市情報公開・個人情報保護・公文書管理審議会会議録(全文)"


def test_title_key_replaces_the_composed_title():
    meeting = sample_meeting()
    meeting.title = "臨時会議録"
    assert composed_title(meeting) == "臨時会議録"
    assert title_lines(meeting) == ["臨時会議録"]


def test_observers():
    meeting = sample_meeting()
    assert observers_text(meeting) == "なし"
    meeting.observers = 3
    assert observers_text(meeting) == "3名"


def test_attendance_of_the_sample():
    assert attendance(sample_meeting()) == [
        ("委員", ["昼間守仁会長、大川強副会長、村千鶴子委員、原田美知子委員"]),
        ("事務局", ["飯田係長、高橋主任(総務課)"]),
        ("関係課", ["市川課長、長峯課長補佐(資源循環課)", "松尾課長(市民協働・男女参画推進課)"]),
    ]


def test_attendance_absent_late_and_early():
    meeting = sample_meeting()
    meeting.person("p3").present = False
    meeting.person("p4").arrived = "18:00"
    meeting.person("p2").left = "18:30"
    meeting.person("r2").present = False  # absent staff are not listed
    members, _, departments = attendance(meeting)
    assert members == ("委員", ["昼間守仁会長、大川強副会長(午後6時30分退席)、原田美知子委員(午後6時出席)(欠席 村千鶴子委員)"])
    assert departments == ("関係課", ["市川課長(資源循環課)", "松尾課長(市民協働・男女参画推進課)"])
    meeting.person("p2").arrived = "17:45"
    assert "大川強副会長(午後5時45分出席、午後6時30分退席)" in attendance(meeting)[0][1][0]


def test_attendance_groups_order_and_departments_by_first_appearance():
    people = [
        Person("o1", "山田", "オブザーバー", "教授"),
        Person("r1", "市川", "関係課", "課長", "資源循環課"),
        Person("r4", "松尾", "関係課", "課長", "市民協働課"),
        Person("r2", "長峯", "関係課", "課長補佐", "資源循環課"),
        Person("p1", "昼間守仁", "委員", "会長"),
        Person("x1", "佐藤", "専門委員", "弁護士"),
    ]
    meeting = Meeting(body="審議会", date="2022-03-15", start="10:00", place="庁議室", people=people)
    assert attendance(meeting) == [
        ("委員", ["昼間守仁会長"]),
        ("関係課", ["市川課長、長峯課長補佐(資源循環課)", "松尾課長(市民協働課)"]),
        ("オブザーバー", ["山田教授"]),
        ("専門委員", ["佐藤弁護士"]),
    ]
    # no 事務局: the sub-numbers follow what is printed
    subs = header_lines(meeting)[2].subs
    assert [(s.number, s.label) for s in subs] == [("(1)", "委員"), ("(2)", "関係課"), ("(3)", "オブザーバー"), ("(4)", "専門委員")]


def test_circled_numbers():
    assert [circled(n) for n in (1, 2, 3, 10, 20)] == ["①", "②", "③", "⑩", "⑳"]
    assert [circled(n) for n in (21, 35, 36, 50)] == ["㉑", "㉟", "㊱", "㊿"]
    assert circled(51) == "(51)"


def test_agenda_outline_sections_and_numbering():
    agenda = [
        Item("a1", "一について", kind="諮問"),
        Item("b1", "報告その一", section="報告事項", kind="報告"),
        Item("a2", "二について", kind="協議"),
        Item("b2", "報告その二", section="報告事項"),
        Item("z", "その他", section="その他"),
    ]
    meeting = Meeting(body="審議会", date="2022-03-15", start="10:00", place="庁議室", agenda=agenda)
    assert agenda_outline(meeting) == [
        ("議事", ["一について(諮問)", "二について(協議)"]),
        ("報告事項", ["報告その一(報告)", "報告その二"]),
        ("その他", []),
    ]
    outline = header_lines(meeting)[4]
    assert [(s.number, s.label, s.items) for s in outline.subs] == [
        ("(1)", "議事", [("①", "一について(諮問)"), ("②", "二について(協議)")]),
        ("(2)", "報告事項", [("①", "報告その一(報告)"), ("②", "報告その二")]),
        ("(3)", "その他", []),
    ]
    # 内容 numbers the items across the whole agenda, in agenda order
    assert [(c.number, c.heading) for c in content(meeting)] == [
        ("(1)", "一について(諮問)"),
        ("(2)", "報告その一(報告)"),
        ("(3)", "二について(協議)"),
        ("(4)", "報告その二"),
        ("(5)", "その他"),
    ]


# -- the text export -------------------------------------------------------------------------
EXPECTED_TEXT = f"""\
令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録
(要録)
(通算第54回)

1　開催日時　令和4年3月15日(火曜日)午後5時30分から午後7時まで
2　開催場所　市役所3階 庁議室
3　出席者
　(1)　委員　昼間守仁会長、大川強副会長、村千鶴子委員、原田美知子委員
　(2)　事務局　飯田係長、高橋主任(総務課)
　(3)　関係課　市川課長、長峯課長補佐(資源循環課)
　　　　　　　 松尾課長(市民協働・男女参画推進課)
4　傍聴者　なし
5　会次第
　(1)　議事
　　①　{A1_TITLE}(諮問)
　　②　{A2_TITLE}(諮問)
　(2)　その他
6　内容(要録)
　(1)　{A1_TITLE}(諮問)
会長　議事の1番目の諮問です。それでは、担当課から説明をお願いします。
資源循環課　それでは、御説明いたします。
　資料1を御覧ください。
委員　1点目、調査項目について教えてください。
資源循環課　1点目の回答方法については、選択項目を選んでいただきます。
会長　それでは、この諮問を承認してよいかどうかについていかがでしょうか。
委員　承認します。
委員　承認しません。
委員　承認します。
会長　それでは、承認することといたします。
　担当課の方は、ありがとうございました。
　(2)　{A2_TITLE}(諮問)
会長　説明をお願いします。
市民協働・男女参画推進課　資料2を御覧ください。
　(3)　その他
事務局　特になし。
"""


def test_text_export_of_the_sample():
    assert render_text(sample_meeting()) == EXPECTED_TEXT


def test_text_export_alignment_of_the_department_lines():
    lines = render_text(sample_meeting()).splitlines()
    first = next(line for line in lines if line.startswith(f"{SP}(3){SP}関係課"))
    second = lines[lines.index(first) + 1]
    # the second department starts in the same column as the first name
    column = display_width(f"{SP}(3){SP}関係課{SP}")
    assert display_width(second) - display_width(second.lstrip(f"{SP} ")) == column
    assert second.lstrip(f"{SP} ") == "松尾課長(市民協働・男女参画推進課)"
    assert set(second[: len(second) - len(second.lstrip(f"{SP} "))]) <= {SP, " "}
    assert second.count(" ") <= 1  # full-width spaces, one half-width space for the odd column


def test_text_export_named_and_summary():
    text = render_text(sample_meeting(), ExportOptions(named=True, votes="summary"))
    assert "昼間守仁会長　議事の1番目の諮問です。" in text
    assert "市川課長　1点目の回答方法については" in text
    assert "松尾課長　資料2を御覧ください。" in text
    assert "委員　1点目、調査項目について" in text  # a label stays a label
    assert "\n(採決の結果、賛成2、反対1、保留0により承認)\n" in text
    assert "承認します。" not in text


def test_text_export_named_roll():
    text = render_text(sample_meeting(), ExportOptions(named=True))
    assert "\n大川強副会長　承認します。\n村千鶴子委員　承認しません。\n原田美知子委員　承認します。\n" in text


def test_text_export_while_the_meeting_runs():
    meeting = sample_meeting()
    meeting.end = None
    assert "1　開催日時　令和4年3月15日(火曜日)午後5時30分から\n" in render_text(meeting)


def test_text_export_observers_absent_and_no_serial():
    meeting = sample_meeting()
    meeting.observers = 2
    meeting.serial = None
    meeting.person("p4").present = False
    text = render_text(meeting)
    assert "4　傍聴者　2名\n" in text
    assert "通算" not in text
    assert "(1)　委員　昼間守仁会長、大川強副会長、村千鶴子委員(欠席 原田美知子委員)\n" in text


MARKUP = "[b]太字[/b] [/] **強調** \\n バックスラッシュ\\ <b>タグ</b> `code` _x_ &amp; | ~~s~~ ![i](u)"


def test_text_export_prints_markup_verbatim():
    meeting = sample_meeting()
    meeting.agenda[0].log.append(
        Speech(f"{MARKUP}\n# 見出しではない\n- 箇条書きではない\n1. 番号ではない\n> 引用ではない", label="委員")
    )
    meeting.place = "[b]庁議室[/b] **3階**"
    text = render_text(meeting)
    assert f"\n委員　{MARKUP}\n　# 見出しではない\n　- 箇条書きではない\n　1. 番号ではない\n　> 引用ではない\n" in text
    assert "2　開催場所　[b]庁議室[/b] **3階**\n" in text


def test_text_export_drops_blank_paragraphs():
    meeting = sample_meeting()
    meeting.agenda[2].log[0] = Speech("特になし。\n\n\u3000\nありがとうございました。", label="事務局")
    assert render_text(meeting).endswith("事務局　特になし。\n　ありがとうございました。\n")


def test_text_export_has_one_blank_line_only():
    text = render_text(sample_meeting())
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert text.count("\n\n") == 1
    assert text.index("\n\n") == text.index("(通算第54回)") + len("(通算第54回)")


# -- wrapping ------------------------------------------------------------------------------------
@pytest.mark.parametrize("width", [20, 33, 40, 60, 80])
def test_wrapped_text_keeps_every_character_and_the_width(width):
    meeting = sample_meeting()
    plain = render_text(meeting)
    wrapped = render_text(meeting, ExportOptions(width=width))

    def squeeze(text: str) -> str:
        return text.replace("\n", "").replace(SP, "").replace(" ", "")

    assert squeeze(wrapped) == squeeze(plain)
    for line in wrapped.splitlines():
        assert display_width(line) <= width or len(clusters(line.strip(SP + " "))) == 1
    # no logical line of the sample starts or ends with a kinsoku character, so no line may
    for line in wrapped.splitlines():
        assert line.lstrip(SP + " ")[:1] not in NO_LINE_START, line
        assert line[-1:] not in NO_LINE_END, line


def test_wrapped_text_layout():
    meeting = sample_meeting()
    lines = render_text(meeting, ExportOptions(width=40)).splitlines()
    # a header line hangs under its value; a number stays with its unit (not 午後5 / 時30分)
    i = lines.index("1　開催日時　令和4年3月15日(火曜日)午後")
    assert lines[i + 1] == "　　　　　　 5時30分から午後7時まで"
    # an item heading hangs under its title
    j = lines.index("　(1)　(仮称)小平市一般廃棄物処理基本計")
    assert lines[j + 1].startswith("　　　 画策定に係る")
    # a turn's continuation starts at the margin
    k = next(n for n, line in enumerate(lines) if line.startswith("会長　それでは、この諮問を"))
    assert not lines[k + 1].startswith((SP, " "))
    # the paragraph indent stays on the first line only
    assert "　資料1を御覧ください。" in lines


def test_wrapped_attendance_splits_no_name():
    meeting = sample_meeting()
    lines = render_text(meeting, ExportOptions(width=40)).splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("　(1)　委員　"))
    end = next(n for n in range(start + 1, len(lines)) if not lines[n].startswith("　　　"))
    block = lines[start:end]
    assert len(block) > 1  # it does wrap at this width
    # every line of the list but the last ends after a name, and no name is cut in two
    assert all(line.endswith("、") for line in block[:-1])
    names = "".join(line.strip("　 ").removeprefix("(1)").strip("　 ").removeprefix("委員").strip("　 ") for line in block)
    persons = [p for p in meeting.people if p.group == "委員"]
    assert all(person.name in names for person in persons)


def test_wrapped_text_indent_wider_than_the_line():
    # at a very small width nothing crashes and nothing is lost
    text = render_text(sample_meeting(), ExportOptions(width=6))
    assert text.replace("\n", "").replace(SP, "").replace(" ", "") == render_text(sample_meeting()).replace(
        "\n", ""
    ).replace(SP, "").replace(" ", "")
