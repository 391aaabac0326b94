"""Make user text safe to show on a terminal, without changing what is stored.

Speeches are kept and exported exactly as typed. On screen, characters that a
terminal would act on instead of print (control characters, ANSI escape
sequences, bidirectional overrides, lone surrogates) are shown as visible
escapes such as ``\\x1b`` so the clerk sees them and the terminal is safe.
"""

from __future__ import annotations

import re

#: Bidirectional controls that could reorder what the terminal shows.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f" + _BIDI + "\ud800-\udfff\u2028\u2029]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str, *, tab: str = "    ") -> str:
    """Return ``text`` with every unsafe character replaced by a visible escape.

    Newlines are escaped too: callers split paragraphs first. Tabs become
    ``tab`` (four spaces by default).
    """
    return _UNSAFE.sub(_escape, text.replace("\t", tab))


def has_unsafe(text: str) -> bool:
    """True if ``text`` holds a character that :func:`visible` would escape (newline aside)."""
    return _UNSAFE.search(text.replace("\n", "")) is not None


#: Pasted control characters, each shown by its symbol (U+2400 block; DEL ␡; a C1 control U+FFFD).
_PASTED_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control_picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def pasted(text: str) -> tuple[str, int]:
    """A pasted text as the app keeps it, and how many control characters were replaced.

    A paste is words, never keys: its printable characters stay exactly as
    they came, a line break (CR LF, CR or LF: terminals paste lines with CR)
    becomes ``\\n`` and a tab stays, as a typed paragraph break and tab do.
    Every other control character (ESC, ctrl+R, NUL, DEL, C1) becomes a
    visible symbol such as ␛ or ␒, so nothing is stored that the clerk cannot
    see, and the stored text still exports and imports (the format refuses
    control characters, not symbols).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _PASTED_CONTROLS.subn(_control_picture, text)


#: What a terminal would act on in an export: controls (line breaks and tabs aside), bidi controls, lone surrogates.
_TERMINAL_UNSAFE = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI + "\ud800-\udfff]")


def for_terminal(text: str, *, json: bool = False) -> tuple[str, int]:
    """``text`` made safe to write to a terminal, and how many characters were escaped.

    Line breaks (LF, CR LF) and tabs stay; every other control character,
    bidi control and lone surrogate becomes a visible escape: ``\\x1b`` in
    text, or ``\\u001b`` with ``json`` (a JSON escape, so the document still
    parses and means the same).
    """
    if json:
        return _TERMINAL_UNSAFE.subn(lambda match: f"\\u{ord(match.group()):04x}", text)
    return _TERMINAL_UNSAFE.subn(_escape, text)
