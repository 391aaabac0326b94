"""A bracketed paste is text, never keys (a fix of Textual 8's input parser).

A terminal in bracketed-paste mode sends a paste as ``ESC [200~`` text
``ESC [201~``. Textual 8's :class:`~textual._xterm_parser.XTermParser` reads an
ESC inside that text as the start of a key sequence and sends what follows it
as key presses: a paste of ``vote`` + ESC + ctrl+R recorded a unanimous vote,
ESC + ctrl+G set the closing time, a CR after an ESC committed an entry.

:func:`apply` wraps ``XTermParser.feed`` (used by every driver: Linux, Windows,
inline). The text between the two markers is cleaned before the parser sees
it (:func:`minutes.safe_text.pasted`: line breaks become ``\\n``, every other
control character a visible symbol such as ␛), so the parser meets a paste
without an ESC in it and makes one :class:`~textual.events.Paste` of it, with
``controls_replaced`` set to the number of symbols put in (the app says so).

A marker cut between two reads of the terminal is put together first. When a
read holds several end markers, only the last one ends the paste: a pasted
text that carries a fake ``ESC [201~`` of its own, followed by keys, stays
text (terminals send the real marker at the end of the same write). Outside a
paste nothing is held back or changed, so the escape key and alt+letter are
read as before.
"""

from __future__ import annotations

from collections import deque

from textual import events
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser

from minutes.safe_text import pasted

START = BRACKETED_PASTE_START
END = BRACKETED_PASTE_END

_applied = False
_original_feed = XTermParser.feed


class PasteGuard:
    """Cleans the pastes in one parser's input, read by read."""

    def __init__(self) -> None:
        self.in_paste = False
        #: Input not yet passed on: the end of a read that may begin an end marker (or CR LF).
        self.held = ""
        #: The last characters passed on outside a paste (a start marker may begin there).
        self.tail = ""
        #: Control characters replaced so far in the paste being read.
        self.controls = 0
        #: For each paste whose end was passed on, the number of control characters replaced.
        self.finished: deque[int] = deque()

    def clean(self, data: str) -> str:
        """``data`` as the parser should see it (pastes cleaned)."""
        out: list[str] = []
        while data:
            if not self.in_paste:
                seen = self.tail + data
                found = seen.find(START)
                if found < 0:
                    out.append(data)
                    self.tail = seen[-(len(START) - 1):]
                    return "".join(out)
                after = found + len(START) - len(self.tail)
                out.append(data[:after])
                data = data[after:]
                self.tail = ""
                self.in_paste = True
                self.controls = 0
                continue
            data = self.held + data
            self.held = ""
            last_end = data.rfind(END)
            if last_end < 0:
                keep = _marker_prefix_at_end(data)
                if data[: len(data) - keep].endswith("\r"):
                    keep += 1  # a CR whose LF may come in the next read
                body, self.held = data[: len(data) - keep], data[len(data) - keep:]
                out.append(self._cleaned(body))
                return "".join(out)
            out.append(self._cleaned(data[:last_end]))
            out.append(END)
            self.finished.append(self.controls)
            self.in_paste = False
            data = data[last_end + len(END):]
        return "".join(out)

    def _cleaned(self, text: str) -> str:
        text, replaced = pasted(text)
        self.controls += replaced
        return text


def _marker_prefix_at_end(data: str) -> int:
    """The length of the longest end of ``data`` that begins the end marker (0 if none)."""
    for size in range(min(len(END) - 1, len(data)), 0, -1):
        if END.startswith(data[-size:]):
            return size
    return 0


def _guarded_feed(self: XTermParser, data: str):
    guard = self.__dict__.get("_paste_guard")
    if guard is None:
        guard = self.__dict__["_paste_guard"] = PasteGuard()
    if not data:  # end of input: whatever is held is text of an unfinished paste
        held, guard.held = guard.held, ""
        cleaned = guard._cleaned(held) if held else ""
        if cleaned:
            yield from _tokens(self, guard, cleaned)
        yield from _original_feed(self, data)
        return
    yield from _tokens(self, guard, guard.clean(data))


def _tokens(self: XTermParser, guard: PasteGuard, cleaned: str):
    if not cleaned:
        return
    for token in _original_feed(self, cleaned):
        if isinstance(token, events.Paste):
            token.controls_replaced = guard.finished.popleft() if guard.finished else 0
        yield token


def _fits() -> bool:
    """True when Textual's parser is the one this was written against (Textual 8).

    The wrapper relies on ``feed`` taking the raw input as a string and on the
    parser making one Paste of the text between the two markers.
    """
    code = XTermParser.parse.__code__
    return (
        XTermParser.feed.__code__.co_varnames[:2] == ("self", "data")
        and "bracketed_paste" in code.co_varnames
        and "paste_buffer" in code.co_varnames
        and START == "\x1b[200~"
        and END == "\x1b[201~"
    )


def apply() -> bool:
    """Put the guard in place (once); False when Textual's parser is not the expected one (left as it is)."""
    global _applied
    if _applied:
        return True
    if not _fits():
        return False
    XTermParser.feed = _guarded_feed  # type: ignore[method-assign]
    _applied = True
    return True
