"""Read the seed minutes (the real 要録 the app is modelled on) for the tests.

The seed is ``shared/reference/000_91341abae3eadc37.txt`` next to the
repository: a markdown-ish rendering of the official PDF.  It has a header
(title, 開催日時, 出席者 …, 会次第) and then, under ``6 内容(要録)``, one
heading per agenda item followed by the printed turns, each ``**label** text``
with further paragraphs until the next turn or heading.

The PDF's page breaks survive as blank lines that can cut a paragraph, even a
word, in two (``…リサイクルにつ`` / ``いて、4食品ロス…``).  The parser joins
them: a paragraph that does not end a sentence is continued by the next line.
A sentence ends with 。？！ (or ?!), optionally followed by closing brackets:
``…です。」`` ends a paragraph, a bare quotation such as ``「適正に処分する」``
does not.

Nothing here knows about the app: the tests compare what they get from here
with the demo meeting and with the renderers' output.
"""

from __future__ import annotations

import re
from pathlib import Path

SEED_NAME = "000_91341abae3eadc37.txt"

#: The seed text, next to the repository: <repo>/../shared/reference/<name>.
SEED_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / SEED_NAME

#: Characters that end a sentence, and the closing brackets that may follow them.
SENTENCE_ENDS = "。？！?!"
CLOSERS = "」』）)】〕"

#: ``**会長** text``: a printed turn.
TURN_RE = re.compile(r"^\*\*(?P<label>[^*]+)\*\*[ \u3000]*(?P<text>.*)$")

#: An item heading in 内容: ``  - (1) …(諮問)`` or ``(2) …（諮問）`` or ``(4) その他``.
#: The space after the number tells a heading from a paragraph such as
#: ``(4)パソコンは、…``; the parser also requires the numbers to run 1, 2, 3 ….
HEADING_RE = re.compile(r"^[ \u3000]*(?:- )?\((?P<number>\d+)\)[ \u3000]+(?P<title>\S.*)$")

#: The line that opens 内容 (after list markers are stripped): ``6 内容(要録)``.
CONTENTS_RE = re.compile(r"^\d+ 内容")

Turn = tuple[str, list[str]]


def seed_text(path: Path | None = None) -> str:
    """The seed minutes as text."""
    return (path or SEED_PATH).read_text(encoding="utf-8")


def ends_sentence(paragraph: str) -> bool:
    """True if ``paragraph`` ends a sentence, i.e. a page break after it is a real break."""
    stripped = paragraph.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_ENDS


def _normalise(line: str) -> str:
    """A header line without list markers, leading and trailing spaces."""
    line = line.strip(" \u3000")
    while line.startswith("- "):
        line = line[2:].lstrip(" \u3000")
    return line


def _split(text: str) -> tuple[list[str], list[str]]:
    """The raw lines before the 内容 line, and the raw lines after it."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if CONTENTS_RE.match(_normalise(line)):
            return lines[:index], lines[index + 1 :]
    raise ValueError("the seed has no '6 内容' line")


def seed_header_lines(text: str | None = None) -> list[str]:
    """The header from the title down to the end of 会次第, one normalised line each.

    Markdown list markers (``- ``) and leading spaces are stripped, trailing
    spaces are stripped and empty lines dropped.
    """
    header, _ = _split(seed_text() if text is None else text)
    return [line for line in map(_normalise, header) if line]


def _parse_contents(text: str | None) -> tuple[list[str], list[list[Turn]], list[tuple[str, str]]]:
    """Headings, turns per item and the page-break joins of 内容."""
    if text is None:
        text = seed_text()
    _, body = _split(text)
    headings: list[str] = []
    items: list[list[Turn]] = []
    joins: list[tuple[str, str]] = []
    paragraphs: list[str] | None = None  # the paragraphs of the current turn

    for raw in body:
        line = raw.strip(" \u3000")
        if not line:
            continue
        heading = HEADING_RE.match(raw)
        if heading and int(heading["number"]) == len(headings) + 1:
            headings.append(heading["title"].rstrip(" \u3000"))
            items.append([])
            paragraphs = None
            continue
        turn = TURN_RE.match(line)
        if turn:
            if not items:
                raise ValueError(f"a turn before the first item heading: {line!r}")
            paragraphs = [turn["text"].rstrip(" \u3000")]
            items[-1].append((turn["label"].strip(), paragraphs))
            continue
        if paragraphs is None:
            raise ValueError(f"text outside any turn: {line!r}")
        if ends_sentence(paragraphs[-1]):
            paragraphs.append(line)
        else:
            joins.append((paragraphs[-1], line))
            paragraphs[-1] += line
    return headings, items, joins


def seed_turns(text: str | None = None) -> list[list[Turn]]:
    """Per agenda item of 内容, the printed turns in order: ``(label, paragraphs)``."""
    return _parse_contents(text)[1]


def seed_item_headings(text: str | None = None) -> list[str]:
    """The item headings of 内容 as printed, without their ``(n)`` number."""
    return _parse_contents(text)[0]


def seed_page_break_joins(text: str | None = None) -> list[tuple[str, str]]:
    """Every pair (paragraph so far, continuation) that the parser joined."""
    return _parse_contents(text)[2]
