"""The Markdown export (minutes/render_markdown.py) and Markdown escaping (minutes/render.py: md_escape)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minutes.model import Item, Meeting, Person, Speech, Vote
from minutes.render import MD_SPECIAL, ExportOptions, md_escape
from minutes.render_markdown import render_markdown
from tests.unit.test_render_text import A1_TITLE, A2_TITLE, sample_meeting

EXPECTED_MARKDOWN = f"""\
令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録  
(要録)

(通算第54回)

- 1 開催日時 令和4年3月15日(火曜日)午後5時30分から午後7時まで
- 2 開催場所 市役所3階 庁議室
- 3 出席者
  - (1) 委員 昼間守仁会長、大川強副会長、村千鶴子委員、原田美知子委員
  - (2) 事務局 飯田係長、高橋主任(総務課)
  - (3) 関係課 市川課長、長峯課長補佐(資源循環課)  
松尾課長(市民協働・男女参画推進課)
- 4 傍聴者 なし
- 5 会次第
  - (1) 議事
    - ① {A1_TITLE}(諮問)
    - ② {A2_TITLE}(諮問)
  - (2) その他
- 6 内容(要録)

(1) {A1_TITLE}(諮問)

**会長** 議事の1番目の諮問です。それでは、担当課から説明をお願いします。

**資源循環課** それでは、御説明いたします。

資料1を御覧ください。

**委員** 1点目、調査項目について教えてください。

**資源循環課** 1点目の回答方法については、選択項目を選んでいただきます。

**会長** それでは、この諮問を承認してよいかどうかについていかがでしょうか。

**委員** 承認します。

**委員** 承認しません。

**委員** 承認します。

**会長** それでは、承認することといたします。

担当課の方は、ありがとうございました。

(2) {A2_TITLE}(諮問)

**会長** 説明をお願いします。

**市民協働・男女参画推進課** 資料2を御覧ください。

(3) その他

**事務局** 特になし。
"""


def test_markdown_export_of_the_sample():
    assert render_markdown(sample_meeting()) == EXPECTED_MARKDOWN


def test_markdown_export_named_and_summary():
    md = render_markdown(sample_meeting(), ExportOptions(named=True, votes="summary"))
    assert "\n**昼間守仁会長** 議事の1番目の諮問です。" in md
    assert "\n**市川課長** 1点目の回答方法については" in md
    assert "\n**委員** 1点目、調査項目について" in md  # a label stays a label
    assert "\n\n(採決の結果、賛成2、反対1、保留0により承認)\n\n" in md
    assert "承認します。" not in md


def test_markdown_export_named_roll():
    md = render_markdown(sample_meeting(), ExportOptions(named=True))
    assert "\n\n**大川強副会長** 承認します。\n\n**村千鶴子委員** 承認しません。\n\n**原田美知子委員** 承認します。\n\n" in md


def test_markdown_export_unanimous_summary():
    meeting = sample_meeting()
    meeting.agenda[0].log[5] = Vote({"p2": "承認", "p3": "承認", "p4": "承認"}, "承認")
    md = render_markdown(meeting, ExportOptions(votes="summary"))
    assert "\n\n(採決の結果、全員承認)\n\n" in md


def test_markdown_ignores_the_width():
    assert render_markdown(sample_meeting(), ExportOptions(width=20)) == EXPECTED_MARKDOWN


def test_markdown_without_serial_and_with_a_title():
    meeting = sample_meeting()
    meeting.serial = None
    meeting.title = "特別会議録"
    assert render_markdown(meeting).startswith("特別会議録\n\n- 1 開催日時 ")


# -- escaping --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "line_start", "escaped"),
    [
        ("普通の文。", True, "普通の文。"),
        ("[b]太字[/b]", True, "\\[b\\]太字\\[/b\\]"),
        ("[/]", False, "\\[/\\]"),
        ("**強調**", False, "\\*\\*強調\\*\\*"),
        ("a\\b", False, "a\\\\b"),
        ("<b>x</b>", False, "\\<b\\>x\\</b\\>"),
        ("# 見出し", True, "\\# 見出し"),
        ("- 項目", True, "\\- 項目"),
        ("- 項目", False, "- 項目"),
        ("+ 項目", True, "\\+ 項目"),
        ("1. 番号", True, "1\\. 番号"),
        ("12) 番号", True, "12\\) 番号"),
        ("> 引用", True, "\\> 引用"),
        ("===", True, "\\==="),
        ("`code`", False, "\\`code\\`"),
        ("_x_ ~~s~~ a|b !x &amp;", False, "\\_x\\_ \\~\\~s\\~\\~ a\\|b \\!x \\&amp;"),
        ("    字下げ4つ", True, "字下げ4つ"),
        ("\u3000全角字下げ", True, "\u3000全角字下げ"),
        ("(1)の地域センター", True, "(1)の地域センター"),
        ("令和4年3月15日", True, "令和4年3月15日"),
        ("2,000件。", True, "2,000件。"),
    ],
)
def test_md_escape(text, line_start, escaped):
    assert md_escape(text, line_start=line_start) == escaped


def md_unescape(text: str) -> str:
    """CommonMark's rule: a backslash before ASCII punctuation makes it literal and disappears."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


BLOCK_START = re.compile(
    r"^(?: {4}| {0,3}(?:[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|>|=+[ \t]*$|-+[ \t]*$|```|~~~|<))"
)


def unescaped_specials(text: str) -> list[int]:
    """Positions of characters of MD_SPECIAL that no backslash protects."""
    positions = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in MD_SPECIAL | set("-+=.)"):
            i += 2
            continue
        if text[i] in MD_SPECIAL:
            positions.append(i)
        i += 1
    return positions


markupish = st.text(
    alphabet="ab会議 \t\u3000\\`*_[]<>#|~!&-+=.)(1234567890/:;", max_size=40
).filter(lambda s: "\n" not in s)


@settings(max_examples=500, deadline=None)
@given(markupish)
def test_md_escape_reads_literally(text):
    """Tiny CommonMark reasoning: nothing special is left unprotected, and unescaping gives the text back."""
    escaped = md_escape(text)
    assert unescaped_specials(escaped) == []
    assert not BLOCK_START.match(escaped), escaped
    assert md_unescape(escaped) == text.lstrip(" \t")
    inline = md_escape(text, line_start=False)
    assert unescaped_specials(inline) == []
    assert md_unescape(inline) == text


# -- markup-like speech through the whole export ------------------------------------------------
MARKUP_PARAGRAPHS = [
    "[b]太字[/b] [/] **強調** バックスラッシュ\\ <b>タグ</b>",
    "# 見出しではない",
    "- 箇条書きではない",
    "1. 番号ではない",
    "> 引用ではない",
    "`code` _x_ &amp; a|b ~~s~~ ![i](u) [l](http://example.com)",
    "+ プラス",
    "===",
    "<div>html</div>",
]


def markup_meeting() -> Meeting:
    meeting = sample_meeting()
    meeting.agenda[0].log.append(Speech("\n".join(MARKUP_PARAGRAPHS), label="委員"))
    meeting.agenda[0].log.append(Speech("**太字の発言**", speaker_id="p1"))
    meeting.place = "[b]庁議室[/b] **3階** <i>"
    meeting.people.append(Person("x1", "[山田]", "関係課", "*課長*", "_課_"))
    return meeting


def test_markup_in_speech_is_escaped():
    md = render_markdown(markup_meeting())
    expected = (
        "**委員** \\[b\\]太字\\[/b\\] \\[/\\] \\*\\*強調\\*\\* バックスラッシュ\\\\ \\<b\\>タグ\\</b\\>\n\n"
        "\\# 見出しではない\n\n"
        "\\- 箇条書きではない\n\n"
        "1\\. 番号ではない\n\n"
        "\\> 引用ではない\n\n"
        "\\`code\\` \\_x\\_ \\&amp; a\\|b \\~\\~s\\~\\~ \\!\\[i\\](u) \\[l\\](http://example.com)\n\n"
        "\\+ プラス\n\n"
        "\\===\n\n"
        "\\<div\\>html\\</div\\>\n\n"
        "**会長** \\*\\*太字の発言\\*\\*\n\n"
    )
    assert expected in md
    assert "- 2 開催場所 \\[b\\]庁議室\\[/b\\] \\*\\*3階\\*\\* \\<i\\>\n" in md
    assert "\\[山田\\]\\*課長\\*(\\_課\\_)" in md


class _Collector(HTMLParser):
    """Tags seen and the text of each <p> and <li>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.blocks: list[str] = []
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "p":
            self._depth += 1
            self._text = []

    def handle_endtag(self, tag):
        if tag == "p":
            self._depth -= 1
            self.blocks.append("".join(self._text))

    def handle_data(self, data):
        if self._depth:
            self._text.append(data)


def test_markup_renders_literally_in_a_commonmark_renderer():
    """Check with markdown-it-py (already installed with Textual/Rich; skipped if absent)."""
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    collector = _Collector()
    collector.feed(parser.render(render_markdown(markup_meeting())))
    # the only markup is ours: the header list, the bold labels, the hard breaks
    assert set(collector.tags) <= {"p", "ul", "li", "strong", "br"}
    assert "委員 " + MARKUP_PARAGRAPHS[0] in collector.blocks
    for paragraph in MARKUP_PARAGRAPHS[1:]:
        assert paragraph in collector.blocks, paragraph
    assert "会長 **太字の発言**" in collector.blocks
    # the labels are bold, and only they are
    html = parser.render(render_markdown(markup_meeting()))
    assert "<strong>委員</strong> [b]" in html.replace("&quot;", '"')


def test_sample_renders_as_the_intended_structure():
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").parse(render_markdown(sample_meeting()))
    # one bullet list (the header) at the top level, nested lists inside it; everything else paragraphs
    top = [t.type for t in tokens if t.level == 0]
    assert top.count("bullet_list_open") == 1
    assert "ordered_list_open" not in [t.type for t in tokens]
    assert "heading_open" not in [t.type for t in tokens]
    inline = [t.content for t in tokens if t.type == "inline" and t.level == 1]
    assert inline[:2] == ["令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録  \n(要録)", "(通算第54回)"]
    assert f"(1) {A1_TITLE}(諮問)" in inline
    assert "**会長** 説明をお願いします。" in inline
    # the second department is a hard-broken line of the 関係課 item
    assert any(
        t.content == "(3) 関係課 市川課長、長峯課長補佐(資源循環課)  \n松尾課長(市民協働・男女参画推進課)"
        for t in tokens
        if t.type == "inline"
    )


def test_leading_spaces_cannot_make_a_code_block():
    meeting = sample_meeting()
    meeting.agenda[2].log[0] = Speech("特になし。\n    コードではない", label="事務局")
    md = render_markdown(meeting)
    assert md.endswith("**事務局** 特になし。\n\nコードではない\n")


def test_empty_and_blank_paragraphs():
    meeting = sample_meeting()
    meeting.agenda[2].log[0] = Speech("", label="事務局")
    meeting.agenda[2].log.append(Speech("特になし。\n\n\u3000\nありがとうございました。", speaker_id="p1"))
    md = render_markdown(meeting)
    assert md.endswith("(3) その他\n\n**事務局**\n\n**会長** 特になし。\n\nありがとうございました。\n")


def test_other_sections_in_the_agenda():
    meeting = Meeting(
        body="審議会",
        date="2019-05-01",
        start="12:05",
        place="会議室",
        fiscal_year=2019,
        session=1,
        people=[Person("p1", "甲", "委員", "会長")],
        agenda=[
            Item("a", "一について", kind="諮問"),
            Item("b", "報告その一", section="報告事項", kind="報告"),
            Item("z", "その他", section="その他"),
        ],
    )
    md = render_markdown(meeting)
    assert md.startswith("令和元年度第1回審議会会議録  \n(要録)\n\n- 1 開催日時 令和元年5月1日(水曜日)午後0時5分から\n")
    assert "- 5 会次第\n  - (1) 議事\n    - ① 一について(諮問)\n  - (2) 報告事項\n    - ① 報告その一(報告)\n  - (3) その他\n- 6 内容(要録)\n" in md
    assert md.endswith("(1) 一について(諮問)\n\n(2) 報告その一(報告)\n\n(3) その他\n")


def test_line_breaks_in_header_values_stay_in_their_list_item():
    meeting = sample_meeting()
    meeting.place = "市役所\n- 3階\n\n庁議室"
    md = render_markdown(meeting)
    assert "- 2 開催場所 市役所\n\\- 3階\n庁議室\n- 3 出席者\n" in md
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").parse(md)
    assert any(t.type == "inline" and t.content == "2 開催場所 市役所\n\\- 3階\n庁議室" for t in tokens)
