"""The city's own Word template filled in: built here with python-docx as a clerk would write it, read back with python-docx."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.shared import Mm, Pt

from minutes.demo import load_council, load_demo
from minutes.docx_template import MAX_UNPACKED_BYTES, WordTemplateError, example_template, fill_word_template
from minutes.model import Speech
from minutes.view import view_of
from tests import seedtools

SP = "\u3000"


def template(*body: str, header: str = "", footer: str = "", table: list[tuple[str, str]] = ()) -> bytes:
    """A .docx with ``body`` paragraphs, a two-column ``table`` and its own header, footer and fonts."""
    document = Document()
    section = document.sections[0]
    section.left_margin = Mm(30)
    if header:
        section.header.paragraphs[0].text = header
    if footer:
        section.footer.paragraphs[0].text = footer
    document.styles["Normal"].font.name = "HG正楷書体-PRO"
    document.styles["Normal"].font.size = Pt(12)
    for line in body:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=0, cols=2)
        for left, right in table:
            cells = grid.add_row().cells
            cells[0].text, cells[1].text = left, right
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def fill(data: bytes, meeting=None, name: str = "様式.docx"):
    view = view_of(meeting if meeting is not None else load_demo())
    return Document(io.BytesIO(fill_word_template(data, name, view)))


SPEECH_LOOP = (
    "{%p for item in items %}",
    "{{ item.number }}{{ SP }}{{ item.heading }}",
    "{%p for block in item.blocks %}",
    "{%p for turn in block.turns %}",
    '{{ turn.label }}{{ SP }}{{ turn.paragraphs | join("\\n") }}',
    "{%p endfor %}",
    "{%p endfor %}",
    "{%p endfor %}",
)


def test_placeholders_in_body_and_table_are_filled_and_the_citys_header_footer_fonts_stay():
    data = template(
        "{{ title }}",
        "日時{{ SP }}{{ date_line }}",
        header="小平市 {{ body }}",
        footer="様式第3号(公文書)",
        table=[("場所", "{{ place }}"), ("{%tr for p in present_members %}", ""), ("{{ p.named }}", "{{ p.group }}"),
               ("{%tr endfor %}", "")],
    )
    document = fill(data)
    view = view_of(load_demo())
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == [view.title, f"日時{SP}{view.date_line}"]
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["場所", view.place]
    assert rows[1:] == [[p.named, p.group] for p in view.present_members]
    section = document.sections[0]
    assert section.header.paragraphs[0].text == f"小平市 {view.body}"
    assert section.footer.paragraphs[0].text == "様式第3号(公文書)"
    assert round(section.left_margin.mm) == 30
    assert document.styles["Normal"].font.name == "HG正楷書体-PRO"
    assert document.styles["Normal"].font.size == Pt(12)
    assert not any("{{" in t or "{%" in t for t in texts)


def test_the_japanese_names_fill_in_too_and_a_list_of_lines_keeps_its_line_breaks():
    document = fill(template("{{ 題名 }}", "日時{{ SP }}{{ 日時 }}", "{{ 出席者 }}", table=[("欠席委員", "{{ 欠席委員 }}")]))
    view = view_of(load_demo())
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == [view.title, f"日時{SP}{view.date_line}"]
    attending = texts[2].split("\n")  # one paragraph, a Word line break per line
    assert attending[0] == f"委員{SP}" + view.attendance[0][1][0]
    assert attending[-1].lstrip(SP) == "石野課長、鈴木係長(子育て支援課)" and attending[-1].startswith(SP * 4)
    assert document.tables[0].rows[0].cells[1].text == "なし"


def test_a_loop_over_the_speeches_carries_every_turn_of_the_seed_in_order():
    document = fill(template(*SPEECH_LOOP))
    lines = [p.text for p in document.paragraphs]
    expected = [(label, paragraphs) for item in seedtools.seed_turns() for label, paragraphs in item]
    position = 0
    for label, paragraphs in expected:
        wanted = f"{label}{SP}" + "\n".join(paragraphs)
        while position < len(lines) and lines[position] != wanted:
            position += 1
        assert position < len(lines), f"turn missing or out of order: {label}{SP}{paragraphs[0][:20]}"
    headings = [line for line in lines if line.startswith("(")]
    assert [h.split(SP, 1)[1] for h in headings] == [item.heading for item in view_of(load_demo()).items]


def test_the_council_example_keeps_its_recesses_and_notes():
    document = fill(template(*SPEECH_LOOP), load_council())
    lines = [p.text for p in document.paragraphs]
    assert f"{SP}午前10時12分休憩" in lines and f"{SP}午前10時20分再開" in lines


def test_speech_text_with_xml_characters_and_control_characters_stays_words():
    meeting = load_demo()
    speech = next(e for item in meeting.agenda for e in item.log if isinstance(e, Speech))
    speech.text = "A&B <w:p/> 資料\x07\x0cを御覧ください。"
    document = fill(template(*SPEECH_LOOP), meeting)
    assert any("A&B <w:p/> 資料\\x07\\x0cを御覧ください。" in p.text for p in document.paragraphs)


@pytest.mark.parametrize(
    "body, header, named",
    [
        (("{{ title }}", "{% if false %}{{ 会議名 }}{% endif %}"), "", "会議名"),  # even in a branch not taken
        (("{{ title }}",), "{{ kaigi_mei }}", "kaigi_mei"),  # in the header
        (("{%p for item in items %}", "{{ item.titel }}", "{%p endfor %}"), "", "titel"),
    ],
    ids=["unknown-in-branch", "unknown-in-header", "unknown-attribute"],
)
def test_an_unknown_placeholder_is_refused_by_name(body, header, named):
    with pytest.raises(WordTemplateError) as caught:
        fill(template(*body, header=header))
    assert f"「{named}」という項目はありません" in caught.value.message
    assert "様式.docx" in caught.value.message and "何も書き出していません" in caught.value.message


@pytest.mark.parametrize(
    "body, quoted",
    [
        (("{%p for item in items %}", "{{ item.title }}"), "for item in items"),  # a loop never closed
        (("{{ title }", ), "{{ title }"),
        (("{%p endfor %}",), "endfor"),
    ],
    ids=["unclosed-loop", "broken-braces", "stray-endfor"],
)
def test_a_broken_loop_or_tag_is_refused_quoting_the_place(body, quoted):
    with pytest.raises(WordTemplateError) as caught:
        fill(template(*body))
    message = caught.value.message
    assert "テンプレートの書き方に誤りがあります" in message and quoted in message and "のあたり" in message


@pytest.mark.parametrize("tag", ['{% include "/etc/passwd" %}', "{% import 'common.j2' as c %}"])
def test_a_template_reads_no_file(tag):
    with pytest.raises(WordTemplateError) as caught:
        fill(template(tag, "{{ title }}"))
    assert "ほかのファイルを読み込めません" in caught.value.message


def test_a_syntax_error_in_the_footer_is_named_as_such_not_as_an_unknown_placeholder():
    with pytest.raises(WordTemplateError) as caught:
        fill(template("{{ title }}", footer="{{ body }"))
    assert "テンプレートの書き方に誤りがあります" in caught.value.message


def test_python_internals_are_out_of_reach():
    with pytest.raises(WordTemplateError) as caught:
        fill(template("{{ title.__class__.__mro__ }}"))
    assert "使えない機能" in caught.value.message


@pytest.mark.parametrize(
    "data",
    [b"", b"plain text, not Word", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512],
    ids=["empty", "text", "old-doc"],
)
def test_a_file_that_is_not_a_docx_is_refused_in_japanese(data):
    with pytest.raises(WordTemplateError) as caught:
        fill(data)
    assert "Word 文書(.docx)ではありません" in caught.value.message


def test_a_zip_without_a_document_and_a_zip_bomb_are_refused_before_docxtpl_reads_them():
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as package:
        package.writestr("hello.txt", "hi")
    with pytest.raises(WordTemplateError, match="Word 文書"):
        fill(other.getvalue())
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template("{{ title }}"))) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        for member in source.infolist():
            package.writestr(member, source.read(member))
        package.writestr("word/media/huge.bin", b"\0" * (MAX_UNPACKED_BYTES + 1))
    with pytest.raises(WordTemplateError, match="展開すると大きすぎます"):
        fill(bomb.getvalue())


def test_the_example_template_fills_in_for_the_seed_and_the_council():
    data = example_template()
    blank = Document(io.BytesIO(data))
    assert blank.sections[0].header.paragraphs[0].text == "{{ 会議体 }}"
    document = fill(data)
    view = view_of(load_demo())
    rows = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert rows["開催日時"] == view.date_line and rows["開催場所"] == view.place
    assert rows["出席委員"] == "、".join(p.named for p in view.present_members)
    assert document.sections[0].header.paragraphs[0].text == view.body
    speeches = [p for p in document.paragraphs if p.runs and p.runs[0].bold]
    first_label, first_paragraphs = seedtools.seed_turns()[0][0]
    assert speeches[0].runs[0].text == first_label and first_paragraphs[0] in speeches[0].text
    council = [p.text for p in fill(data, load_council()).paragraphs]
    assert "午前10時12分休憩" in council and "午前10時20分再開" in council  # a turn without a label: no gap before it
    assert any(text.startswith(f"委員長{SP}") for text in council)
