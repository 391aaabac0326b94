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
