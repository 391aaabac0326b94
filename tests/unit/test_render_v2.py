"""The 要録 layout of version 2's facts: notes, events, votes by method, 配布資料, 署名委員, 公開・非公開."""

from __future__ import annotations

import copy

from minutes.interchange import meeting_from_dict
from minutes.render import ExportOptions
from minutes.render_markdown import render_markdown
from minutes.render_text import render_text
from tests.unit.test_interchange_v2 import council


def text_of(data: dict, **options) -> list[str]:
    return render_text(meeting_from_dict(data, "t.json"), ExportOptions(**options)).splitlines()


def test_the_council_prints_notes_events_and_votes_by_method_where_they_stand():
    lines = text_of(council())
    body = lines[lines.index("　(1)　議案第1号 架空市職員定数条例の一部を改正する条例", 15) + 1 :]
    assert body == [
        "午前10時開会",
        "委員長　ただいまから総務委員会を開会いたします。",
        "(「異議なし」と呼ぶ者あり)",
        "午前10時9分休憩",
        "午前10時13分再開",
        "(賛成者挙手)",
        "(採決の結果、挙手全員により原案のとおり可決)",
        "(採決の結果、賛成2、反対1、保留0により承認)",
        "(採決の結果、賛成1、反対1、保留0、可否同数のため委員長裁決により不承認)",
        "(異議なく採択)",
        "(全会一致により承認)",
        "委員　承認します。",
        "委員　承認します。",
        "委員　承認しません。",
    ]


def test_the_header_gains_documents_signers_and_disclosure_after_observers():
    lines = text_of(council())
    start = lines.index("4　傍聴者　なし")
    assert lines[start : start + 7] == [
        "4　傍聴者　なし",
        "5　配布資料",
        "　(1)　資料1　条例案新旧対照表",
        "　(2)　参考資料",
        "6　署名委員　肥田茂副委員長、佐藤真一委員",
        "7　公開・非公開　一部非公開(個人情報を含むため)",
        "8　会次第",
    ]
    assert "9　内容(全文)" in lines
    assert "　(1)　委員　山川昌美委員長、肥田茂副委員長、佐藤真一委員(オンライン)、北野道子委員(欠席 南雲次郎委員)" in lines
    assert "　(2)　事務局　田中(議会事務局)" in lines  # staff without a post: the name alone


def test_a_meeting_without_them_keeps_the_six_header_lines():
    data = council()
    for key in ("documents", "signers", "disclosure"):
        del data[key]
    lines = text_of(data)
    assert "5　会次第" in lines and "6　内容(全文)" in lines
    assert not any("配布資料" in line or "署名委員" in line or "公開" in line for line in lines)


def test_show_of_hands_and_standing_without_a_tally_and_the_summary_option():
    data = council()
    data["agenda"][0]["log"] = [
        {"vote": {"method": "hands", "result": "承認"}},
        {"vote": {"method": "standing", "tally": "多数", "result": "承認", "result_text": "可決"}},
        {"vote": {"method": "ballot", "counts": {"承認": 2, "不承認": 1, "保留": 0}, "result": "承認", "result_text": "認定"}},
        {"vote": {"ballots": {"m2": "承認", "m3": "承認", "m4": "承認"}, "result": "承認"}},
    ]
    lines = text_of(data)
    assert lines[-6:] == [
        "(採決の結果、挙手により承認)",
        "(採決の結果、起立多数により可決)",
        "(採決の結果、賛成2、反対1、保留0により認定)",
        "委員　承認します。",
        "委員　承認します。",
        "委員　承認します。",
    ]
    assert text_of(data, votes="summary")[-1] == "(採決の結果、全員承認)"


def test_the_chair_labels_by_role_and_prints_the_title():
    data = council()
    data["people"][0]["role"] = "member"
    data["people"][1]["role"] = "chair"  # the 副委員長 chairs: labelled by the title
    data["agenda"][0]["log"] = [{"speaker": "m2", "text": "開会します。"}, {"speaker": "m1", "text": "質問です。"}]
    assert text_of(data)[-2:] == ["副委員長　開会します。", "委員　質問です。"]


def test_markdown_carries_the_same_words():
    meeting = meeting_from_dict(council(), "t.json")
    markdown = render_markdown(meeting)
    for words in ("(「異議なし」と呼ぶ者あり)", "午前10時9分休憩", "(採決の結果、挙手全員により原案のとおり可決)",
                  "(異議なく採択)", "- 5 配布資料", "  - (1) 資料1 条例案新旧対照表", "- 6 署名委員 肥田茂副委員長、佐藤真一委員",
                  "- 7 公開・非公開 一部非公開(個人情報を含むため)"):
        assert words in markdown, words


def test_an_event_with_seconds_prints_without_them():
    data = copy.deepcopy(council())
    data["agenda"][0]["log"] = [{"event": "散会", "time": "12:05:59"}]
    assert text_of(data)[-1] == "午後0時5分散会"
