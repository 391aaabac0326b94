"""The Word export read back with python-docx: the words of the text export, the layout a clerk expects."""

from __future__ import annotations

import io
import unicodedata

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from minutes.demo import load_council, load_demo
from minutes.model import Speech
from minutes.formats import FORMATS
from minutes.render import ExportOptions
from minutes.style import load_preset
from minutes.view import view_of
from tests import seedtools

SP = "\u3000"


def export(meeting, style_name: str):
    style = load_preset(style_name)
    data = FORMATS["docx"].produce(meeting, ExportOptions(), style)
    text = FORMATS["text"].produce(meeting, ExportOptions(), style)
    return Document(io.BytesIO(data)), text


def docx_lines(document) -> list[str]:
    """Every line of the document: a paragraph, or a line break inside one."""
    return [line for paragraph in document.paragraphs for line in paragraph.text.split("\n")]


@pytest.fixture(scope="module")
def seed():
    return export(load_demo(), "要録")


@pytest.fixture(scope="module")
def council():
    return export(load_council(), "議会")


def test_the_seed_prints_every_line_of_the_text_export_in_order(seed):
    document, text = seed
    assert docx_lines(document) == text.rstrip("\n").split("\n")


def test_the_seed_carries_every_turn_of_the_seed_minutes_with_its_label_as_first_run(seed):
    document, _ = seed
    speeches = [p for p in document.paragraphs if len(p.runs) > 1 and p.paragraph_format.first_line_indent is not None]
    printed = [(p.runs[0].text, p.runs[1].text.lstrip(SP)) for p in speeches]
    expected = [(label, paragraphs[0]) for item in seedtools.seed_turns() for label, paragraphs in item]
    # every seed turn, in order, is a hanging paragraph whose first run is the label
    position = 0
    for label, first in expected:
        while position < len(printed) and printed[position] != (label, first):
            position += 1
        assert position < len(printed), f"turn missing or out of order: {label}　{first[:20]}"
        position += 1
    for paragraph in speeches:
        indent = paragraph.paragraph_format
        assert indent.left_indent > 0 and indent.first_line_indent == -indent.left_indent


def test_further_paragraphs_of_a_speech_stay_in_its_paragraph(seed):
    document, _ = seed
    turns = [t for item in seedtools.seed_turns() for t in item if len(t[1]) > 1]
    assert turns, "the seed has speeches of several paragraphs"
    label, paragraphs = turns[0]
    found = [p for p in document.paragraphs if p.runs and p.runs[0].text == label and paragraphs[0] in p.text]
    assert found and all(part in found[0].text for part in paragraphs)


def test_the_title_is_centred_in_gothic_and_the_body_in_mincho_on_a4(seed):
    document, text = seed
    title = document.paragraphs[0]
    assert title.text == text.split("\n")[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:ascii")) == "游明朝"
    assert normal.get(qn("w:eastAsia")) == "ＭＳ 明朝"
    heading = title.style.element.rPr.rFonts
    assert heading.get(qn("w:ascii")) == "游ゴシック" and heading.get(qn("w:eastAsia")) == "游ゴシック"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_footer_numbers_the_pages(seed):
    document, _ = seed
    footer = document.sections[0].footer._element
    instructions = [node.text for node in footer.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions] == ["PAGE"]
    assert [n.get(qn("w:fldCharType")) for n in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]


def test_item_headings_are_in_gothic(seed):
    document, _ = seed
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    seed_headings = [unicodedata.normalize("NFKC", h) for h in seedtools.seed_item_headings()]
    assert [unicodedata.normalize("NFKC", h.split(SP, 2)[2]) for h in headings] == seed_headings


def test_the_council_example_carries_its_marks_and_recesses(council):
    document, text = council
    assert docx_lines(document) == text.rstrip("\n").split("\n")
    labels = [p.runs[0].text for p in document.paragraphs if len(p.runs) > 1]
    assert "◎山川委員長" in labels and "○田中課長" in labels and "○佐藤委員" in labels
    own = [p.text for p in document.paragraphs]
    assert "午前10時12分休憩" in own and "午前10時20分再開" in own
    assert f"{SP}{SP}（「なし」と呼ぶ者あり）" in own  # a note is a paragraph of its own


def test_control_characters_in_a_speech_are_shown_not_written():
    meeting = load_demo()
    speech = next(e for item in meeting.agenda for e in item.log if isinstance(e, Speech))
    speech.text = "資料\x1b[2J\x07を御覧ください。"
    document, _ = export(meeting, "要録")
    assert any("資料\\x1b[2J\\x07を御覧ください。" in p.text for p in document.paragraphs)


def _indent_columns(paragraph) -> float:
    """The hanging indent of ``paragraph`` in terminal columns (a full-width character is 2)."""
    indent = paragraph.paragraph_format
    assert indent.first_line_indent == -indent.left_indent, paragraph.text
    return indent.left_indent * 2 / Pt(10.5)


def test_wrapped_header_lines_hang_under_their_text(seed):
    document, _ = seed
    by_text = {p.text: p for p in document.paragraphs}
    date = next(p for t, p in by_text.items() if t.startswith(f"1{SP}開催日時{SP}"))
    assert _indent_columns(date) == 13  # 「1　開催日時　」: 6 full-width characters and a half-width 1
    members = next(p for t, p in by_text.items() if t.startswith(f"{SP}(1){SP}委員{SP}"))
    assert _indent_columns(members) == 13  # 「　(1)　委員　」: under the names, not at the margin
    more_staff = [p for t, p in by_text.items() if t.lstrip(SP + " ").startswith("松尾課長")]
    assert more_staff and _indent_columns(more_staff[0]) == 15  # the padded line of 関係課 hangs at its own padding
    outline = next(p for t, p in by_text.items() if t.startswith(f"{SP}{SP}①{SP}"))
    assert _indent_columns(outline) == 8
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 2")
    assert _indent_columns(heading) == 7  # 「　(1)　」: a long item heading wraps under its words


def test_the_council_header_hangs_under_its_values(council):
    document, _ = council
    present = next(p for p in document.paragraphs if p.text.startswith(f"1.出席委員{SP}"))
    assert _indent_columns(present) == 12


@pytest.fixture(scope="module")
def yoten():
    return export(load_council(), "要点")


def test_yoten_puts_its_header_in_a_table_of_label_and_value(yoten):
    document, text = yoten
    assert len(document.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    council = load_council()
    date_row = next(r for r in rows if r[0] == f"1{SP}日時")
    assert date_row[1].startswith("令和6年6月18日")
    assert [f"{SP}委員", f"{SP}事務局", f"{SP}傍聴者"] == [r[0] for r in rows if r[0] in (f"{SP}委員", f"{SP}事務局", f"{SP}傍聴者")]
    assert [f"3{SP}出席者"] * 2 in rows and [f"5{SP}配布資料"] * 2 in rows  # a section spans both columns
    documents = next(r for r in rows if r[1].startswith("資料1"))
    assert documents[1].split("\n") == [f"{d.label}{SP}{d.title}" for d in council.documents]
    # every header line of the text export is in the table, the content after it
    header = text.split("\n\n", 1)[1].split(f"6{SP}会議の結果")[0].rstrip("\n").split("\n")
    cells = "\n".join(cell for row in rows for cell in dict.fromkeys(row))
    for line in header:
        assert line.split("：")[-1].strip(SP).split(SP)[-1] in cells, line
    after = [p.text for p in document.paragraphs]
    assert f"6{SP}会議の結果" in after and not any(p.startswith(f"1{SP}日時") for p in after)


def test_yoten_speeches_hang_with_their_bracketed_label_as_first_run(yoten):
    document, _ = yoten
    speeches = [p for p in document.paragraphs if len(p.runs) > 1]
    labels = {p.runs[0].text for p in speeches}
    assert {"（委員長）", "（職員課）", "（委員）"} <= labels
    first = next(p for p in speeches if p.runs[0].text == "（委員長）")
    assert first.text.startswith("（委員長）ただいまから") and "\n" in first.text  # its second paragraph stays in it
    assert _indent_columns(first) == 10  # 「（委員長）」: 5 full-width characters
    own = [p.text for p in document.paragraphs]
    assert "-「なし」と呼ぶ者あり-" in own and "午前10時12分休憩" in own and "-原案のとおり可決-" in own


def test_yoten_of_the_seed_carries_every_turn(tmp_path):
    document, text = export(load_demo(), "要点")
    speeches = [(p.runs[0].text, p.runs[1].text) for p in document.paragraphs if len(p.runs) > 1]
    position = 0
    # 要点 words a vote as its result (-承認-), so the seed's speeches are its turns here
    said = [b for item in view_of(load_demo()).items for b in item.blocks if b.kind == "speech"]
    assert len(said) == len(speeches)
    for (label, first), block in zip(speeches, said):
        assert (label, first) == (f"（{block.label}）", block.paragraphs[0])
        assert block.label in {turn[0] for item in seedtools.seed_turns() for turn in item}
