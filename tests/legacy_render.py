"""The text and Markdown exports as they were before styles: the oracle the 要録 preset must match.

Frozen on purpose (tests/unit/test_style_yoroku_equivalence.py): the preset may
change only together with a deliberate change here.
"""

from __future__ import annotations

from minutes.model import Meeting
from minutes.render import (
    ExportOptions,
    content,
    header_lines,
    md_escape,
    serial_line,
    title_lines,
)
from minutes.textwidth import display_width, pad_to, wrap_lines

SP = "\u3000"  # full-width space: the separator and the indent
PARAGRAPH_INDENT = SP


def _hanging(prefix: str, value: str) -> tuple[str, str]:
    """``(prefix + value, indent under value)``."""
    return prefix + value, pad_to(display_width(prefix))


def header_text_lines(meeting: Meeting) -> list[tuple[str, ...]]:
    """The numbered header as ``(line, continuation indent, prefer_after)``: lists of names break after 、."""
    out: list[tuple[str, ...]] = []
    for head in header_lines(meeting):
        if head.value:
            out.append(_hanging(f"{head.number}{SP}{head.label}{SP}", head.value))
        else:
            out.append(_hanging(f"{head.number}{SP}", head.label))
        for sub in head.subs:
            if sub.lines:
                prefix = f"{SP}{sub.number}{SP}{sub.label}{SP}"
                first, indent = _hanging(prefix, sub.lines[0])
                out.append((first, indent))
                out.extend((indent + value, indent) for value in sub.lines[1:])
            else:
                out.append(_hanging(f"{SP}{sub.number}{SP}", sub.label))
            for mark, heading in sub.items:
                out.append(_hanging(f"{SP}{SP}{mark}{SP}", heading))
    return [(line, indent, "、") for line, indent in out]


def body_text_lines(meeting: Meeting, options: ExportOptions) -> list[tuple[str, str]]:
    """The items under 内容 with their turns as ``(line, continuation indent)`` pairs."""
    out: list[tuple[str, str]] = []
    for item in content(meeting, options):
        out.append(_hanging(f"{SP}{item.number}{SP}", item.heading))
        for turn in item.turns:
            first, *rest = turn.paragraphs
            if turn.label:
                out.append((f"{turn.label}{SP}{first}" if first else turn.label, ""))
            else:
                out.append((first, ""))
            out.extend((PARAGRAPH_INDENT + more, "") for more in rest)
    return out


def render_text(meeting: Meeting, options: ExportOptions | None = None) -> str:
    """The meeting as plain text (see the module docstring for the layout)."""
    options = options or ExportOptions()
    top = [(line, "") for line in title_lines(meeting)]
    serial = serial_line(meeting)
    if serial:
        top.append((serial, ""))
    rest = header_text_lines(meeting) + body_text_lines(meeting, options)
    lines = wrap_lines(top, options.width) + [""] + wrap_lines(rest, options.width)
    return "\n".join(lines) + "\n"


HARD_BREAK = "  "


def _inline(text: str) -> str:
    """Escape text that follows something on its line."""
    return md_escape(text, line_start=False)


def render_header(meeting: Meeting) -> list[str]:
    """The numbered header as a Markdown list, line by line."""
    out: list[str] = []
    for head in header_lines(meeting):
        line = f"- {head.number} {_inline(head.label)}"
        if head.value:
            line += f" {_inline(head.value)}"
        out.append(line)
        for sub in head.subs:
            first = f"  - {sub.number} {_inline(sub.label)}"
            if sub.lines:
                first += f" {_inline(sub.lines[0])}"
            rest = [md_escape(value) for value in sub.lines[1:]]
            block = [first] + rest
            # hard breaks between the lines of one sub-line (lazy continuation lines, as the seed)
            out.extend(line + HARD_BREAK for line in block[:-1])
            out.append(block[-1])
            for mark, heading in sub.items:
                out.append(f"    - {mark} {_inline(heading)}")
    return out


def render_markdown(meeting: Meeting, options: ExportOptions | None = None) -> str:
    """The meeting as Markdown (see the module docstring for the layout)."""
    options = options or ExportOptions()
    blocks: list[str] = []
    titles = [md_escape(line) for line in title_lines(meeting)]
    blocks.append((HARD_BREAK + "\n").join(titles))
    serial = serial_line(meeting)
    if serial:
        blocks.append(md_escape(serial))
    blocks.append("\n".join(render_header(meeting)))
    for item in content(meeting, options):
        blocks.append(f"{item.number} {_inline(item.heading)}")
        for turn in item.turns:
            first, *rest = turn.paragraphs
            label = turn.label.strip()
            if label:
                paragraph = f"**{_inline(label)}**"
                if first:
                    paragraph += f" {_inline(first)}"
            else:
                paragraph = md_escape(first)
            if paragraph:
                blocks.append(paragraph)
            for more in rest:
                escaped = md_escape(more)
                if escaped:
                    blocks.append(escaped)
    return "\n\n".join(blocks) + "\n"
