"""The Word export read back with python-docx: the words of the text export, the layout a clerk expects."""

from __future__ import annotations

import io
import unicodedata

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from minutes.demo import load_council, load_demo
from minutes.model import Speech
from minutes.formats import FORMATS
from minutes.render import ExportOptions
from minutes.style import load_preset
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
    speeches = [p for p in document.paragraphs if p.runs and p.paragraph_format.first_line_indent is not None]
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
    labels = [p.runs[0].text for p in document.paragraphs if p.paragraph_format.first_line_indent is not None]
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
