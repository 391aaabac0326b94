"""The meeting as a Word document (.docx), in the words of the chosen style.

The document prints exactly the lines of the style's text export (the seed's
要録 keeps every turn and header line), so that what the clerk checked as
text is what goes to Word; only the typesetting is Word's:

- A4 with the usual margins; the body in 游明朝, with ＭＳ 明朝 named as the
  East Asian font (w:eastAsia), so that Word on any Japanese Windows finds a
  Mincho; the title and item headings in 游ゴシック.
- The title block (the lines before the first blank line) centred.
- A speech is one paragraph: its label is the first run and its further
  paragraphs follow as line breaks, hanging under the text after the label,
  so the label stands out at the margin as in a printed record.
- Notes, events and header lines stay paragraphs of their own. A line the
  style printed with ``hang`` (a header line, an item heading) hangs: when it
  wraps, it continues under its text, as the style's own wrapping does.
- A style with ``[word] header = "table"`` (要点) gets its header as a table of
  label and value instead; a section line (3　出席者) spans both columns.
- A speech labelled the 要点 way, ``（会長）text``, hangs under its text too.
- The footer carries a PAGE field (Word numbers the pages itself).

python-docx writes the OOXML; it is imported only when a .docx is asked for.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

from minutes.model import Meeting
from minutes.render import ExportOptions
from minutes.safe_text import visible
from minutes.textwidth import display_width

BODY_FONT = "游明朝"
BODY_FALLBACK = "ＭＳ 明朝"
HEADING_FONT = "游ゴシック"
BODY_SIZE = Pt(10.5)
#: One full-width character at the body size: the unit of Japanese indents.
EM = BODY_SIZE
#: The width of the text on A4 with 25 mm margins, and the label column of a header table.
TEXT_WIDTH = Mm(160)
LABEL_COLUMN = Mm(35)

_IDEOGRAPHIC_SPACE = "\u3000"
#: ``　(1)　…``: an item heading (or a numbered line of the header).
_ITEM_HEADING = re.compile(r"^\u3000\(\d+\)\u3000")
_LABEL_MARKS = "◎○"


def _set_fonts(run_or_style, latin: str, east_asian: str) -> None:
    """Name ``latin`` for Western text and ``east_asian`` for Japanese (w:eastAsia, which python-docx does not set)."""
    run_or_style.font.name = latin
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:ascii"), latin)


def _page_field(paragraph) -> None:
    """A PAGE field: Word fills in the page number on every page."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, shown, end):
        run._r.append(element)


def _speech_labels(view) -> set[str]:
    """Every label a speech or a vote line of this meeting may start with."""
    labels: set[str] = set()
    for item in view.items:
        for block in item.blocks:
            if block.kind == "speech" and block.label:
                labels.add(block.label)
            person = block.speaker
            if person is not None:  # the ways the presets name a speaker
                names = (person.label, person.named, person.family_name + person.title, person.name + person.title)
                labels.update(name for name in names if name)
            labels.update(turn.label for turn in block.turns if turn.label)
    return labels


def _speech_label(line: str, labels: set[str]) -> str | None:
    """The label a speech line starts with (``◎山川委員長``, ``（会長）``), or ``None`` when the line is not a speech."""
    if not line or line[0] == _IDEOGRAPHIC_SPACE:
        return None
    if line[0] == "（" and "）" in line:  # the 要点 way: （会長）text
        label = line[: line.index("）") + 1]
        return label if label[1:-1] in labels and len(label) < len(line) else None
    if _IDEOGRAPHIC_SPACE not in line:
        return None
    label = line.split(_IDEOGRAPHIC_SPACE, 1)[0]
    if label in labels or label.lstrip(_LABEL_MARKS) in labels:
        return label
    return None


def _continues_speech(line: str) -> bool:
    """A further paragraph of a speech: one 字下げ then text (a note is indented twice)."""
    return len(line) > 1 and line[0] == _IDEOGRAPHIC_SPACE and line[1] != _IDEOGRAPHIC_SPACE


def _document():
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    normal = document.styles["Normal"]
    # Japanese text takes the w:eastAsia name: ＭＳ 明朝 is on every Japanese
    # Windows, where 游明朝 (the Latin name) is missing on older ones.
    _set_fonts(normal, BODY_FONT, BODY_FALLBACK)
    normal.font.size = BODY_SIZE
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    for name in ("Title", "Heading 1", "Heading 2"):
        heading = document.styles[name]
        _set_fonts(heading, HEADING_FONT, HEADING_FONT)
        heading.font.color.rgb = None
    document.styles["Title"].font.size = Pt(14)
    document.styles["Heading 2"].font.size = BODY_SIZE
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)
    return document


def _plain(document, line: str, style: str | None = None, hang: str = ""):
    """A paragraph of its own; ``hang``: the prefix its wrapped lines align under (a header line, a heading)."""
    paragraph = document.add_paragraph(style=style)
    if line:
        paragraph.add_run(line)
    if hang:
        _hang(paragraph, _columns(display_width(hang)))
    return paragraph


class _Appender:
    """Adds paragraphs before an empty end mark, removed when done.

    ``Document.add_paragraph`` looks for the section settings among all of the
    body's paragraphs each time: a day of 10,000 entries took seconds
    (quadratic). Inserting before a paragraph is constant time.
    """

    def __init__(self, document) -> None:
        self._end = document.add_paragraph()

    def add_paragraph(self, style: str | None = None):
        return self._end.insert_paragraph_before(style=style)

    def close(self) -> None:
        end = self._end._p
        end.getparent().remove(end)


def _columns(columns: int) -> Length:
    """``columns`` terminal columns as a length: a full-width character (2 columns) is one EM."""
    return Length(EM * columns // 2)


def _hang(paragraph, indent) -> None:
    """The first line at the margin, every wrapped line ``indent`` in (under the text after the label)."""
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.first_line_indent = -indent


_NUMBERING = re.compile(r"^(?:[0-9０-９]+[.．]?|[(（][0-9０-９]+[)）]|[\u2460-\u2473])$")
_PADDING = " \u3000"


@dataclass
class _Row:
    label: str
    value: str | None
    """``None``: a line across both columns (a section such as 出席者, an item of 会次第)."""


def _header_rows(lines: list[str], hangs: dict[str, str]) -> list[_Row]:
    """The header lines as table rows: label and value where the style printed a label (``hang``), else the whole line."""
    rows: list[_Row] = []
    for line in lines:
        if not line:
            continue
        prefix = hangs.get(line, "")
        if not line.startswith(prefix):
            prefix = ""
        label = prefix.strip(_PADDING)
        if prefix and not label:  # a wrapped value, or a list under a section: more lines of one value
            if rows and rows[-1].value is not None:
                rows[-1].value += "\n" + line[len(prefix):]
            else:
                rows.append(_Row("", line[len(prefix):]))
        elif label and not _NUMBERING.match(label):
            rows.append(_Row(prefix.rstrip(_PADDING + "：:"), line[len(prefix):]))
        else:
            rows.append(_Row(line, None))
    return rows


def _header_table(document, rows: list[_Row]) -> None:
    """A two-column table (label, value) with grid lines; a section line spans both columns."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    # The grid's widths (LibreOffice reads these) and each cell's (Word reads those).
    table.columns[0].width, table.columns[1].width = LABEL_COLUMN, TEXT_WIDTH - LABEL_COLUMN
    for row in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = LABEL_COLUMN, TEXT_WIDTH - LABEL_COLUMN
        if row.value is None:
            cells[0].merge(cells[1]).text = row.label
        else:
            cells[0].text, cells[1].text = row.label, row.value


def _header_end(lines: list[str], start: int, headings: set[int]) -> int:
    """Where the header ends: the first item heading, less the line just before it that opens the content (6　内容)."""
    end = min((h for h in headings if h >= start), default=len(lines))
    return end - 1 if end - 1 > start and lines[end - 1] else end


def docx_bytes(
    lines: list[str], labels: set[str], headings: set[int], hangs: dict[str, str] | None = None, *, header_table: bool = False
) -> bytes:
    """The lines of a text export as a Word document (see the module docstring).

    ``hangs``: line → the prefix its wrapped lines align under (from the
    style's ``hang``). ``header_table``: the header (between the title block
    and the content) as a table of label and value.
    """
    hangs = hangs or {}
    document = _document()
    index = 0
    while index < len(lines) and lines[index]:  # the title block
        paragraph = _plain(document, lines[index], "Title")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        index += 1
    if header_table:
        while index < len(lines) and not lines[index]:
            _plain(document, "")
            index += 1
        end = _header_end(lines, index, headings)
        rows = _header_rows(lines[index:end], hangs)
        if rows:
            _header_table(document, rows)
            _plain(document, "")  # a blank line between the table and the content, as the text has after the title
            index = end
    body = _Appender(document)
    while index < len(lines):
        line = lines[index]
        index += 1
        label = _speech_label(line, labels)
        if label is None or index - 1 in headings:
            _plain(body, line, "Heading 2" if index - 1 in headings else None, hangs.get(line, ""))
            continue
        paragraph = body.add_paragraph()
        paragraph.add_run(label)
        paragraph.add_run(line[len(label):])
        while index < len(lines) and index not in headings and _continues_speech(lines[index]):
            paragraph.add_run().add_break()
            paragraph.add_run(lines[index])
            index += 1
        _hang(paragraph, _columns(display_width(label if label.endswith("）") else label + _IDEOGRAPHIC_SPACE)))
    body.close()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _heading_lines(lines: list[str], items) -> set[int]:
    """The indexes of the item headings (``　(1)　title``).

    Matched from the end: the header may list the same words (会次第 has its
    own ``(2)　その他``), and the headings of 内容 are the last ones, in order.
    """
    found: set[int] = set()
    index = len(lines)
    for item in reversed(items):
        names = {item.heading, item.title}
        while index > 0:
            index -= 1
            match = _ITEM_HEADING.match(lines[index])
            if match and lines[index][match.end():] in names:
                found.add(index)
                break
    return found


def render_docx(meeting: Meeting, options: ExportOptions, style) -> bytes:
    """The meeting in ``style`` as the bytes of a .docx file."""
    from minutes.view import view_of

    view = view_of(meeting, options)
    printed: dict[str, str] = {}
    text = style.render("text", view, None, hangs=printed)
    # Word cannot hold control characters (the file would not open) and a
    # bidi override would reorder the words: shown as visible escapes, as on a terminal.
    lines = [visible(line) for line in text.rstrip("\n").split("\n")]
    hangs = {visible(line): visible(prefix) for line, prefix in printed.items()}
    return docx_bytes(
        lines, _speech_labels(view), _heading_lines(lines, view.items), hangs, header_table=style.word_header == "table"
    )
