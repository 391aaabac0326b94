"""Display width of Japanese text, and line wrapping with kinsoku (禁則処理).

Widths follow Unicode East Asian Width in a Japanese context: Wide (W) and
Fullwidth (F) characters take 2 columns, and so do Ambiguous (A) ones (①, ○,
§, Greek and Cyrillic letters … are full-width in Japanese fonts); combining
marks, zero-width joiners and variation selectors take 0; everything else 1.

:func:`wrap` breaks a line into lines of at most ``width`` columns:

- it never breaks inside a character cluster (a base character with its
  combining marks, variation selectors and zero-width joiners, or a surrogate
  pair left in a string);
- it keeps runs of ASCII letters and digits together (``LGWAN``, ``2,000``,
  ``10.5``) unless a run alone is wider than a line;
- line-start kinsoku (行頭禁則): a line never starts with a closing bracket,
  ``、。，．``, small kana, ``ー`` and the like (:data:`NO_LINE_START`);
- line-end kinsoku (行末禁則): a line never ends with an opening bracket
  (:data:`NO_LINE_END`);
- both by 追い出し: the character before the break moves down to the next
  line (never ぶら下げ, which would overflow the width). When no break point in
  the line satisfies the rules (a line made only of such characters), the
  line is broken at the width regardless;
- continuation lines start with ``indent``; joining the lines after removing
  those indents gives back the line exactly (nothing is added or dropped).

The same engine wraps the exports and the screen; only the widths differ.
The exports count columns of a Japanese fixed-pitch font (:data:`JAPANESE`,
where ①, ○ and … take two); a terminal counts cells by its own table (the
speaker log passes Rich's, which Textual draws by, so that no line
overflows its cells).

The log wraps on its first frame and while scrolling, so the engine never
loops over characters in Python where it can help it: a line of ASCII, kana
and kanji alone (:data:`SIMPLE`, most speeches) is measured by the UTF-8
length of a few slices per output line; any other line has its characters
measured once (a :class:`Widths` remembers them) and each output line's end
found by a running sum and a bisection over a window, at C speed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

from minutes.kinsoku import NO_LINE_END, NO_LINE_START  # noqa: F401 (part of this module's interface)

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def _is_high_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udbff"


def _is_low_surrogate(ch: str) -> bool:
    return "\udc00" <= ch <= "\udfff"


def _is_extender(ch: str) -> bool:
    """True for code points that attach to the character before them."""
    if ch in "\u200d":
        return True
    if unicodedata.combining(ch):
        return True
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Mc"):
        return True
    code = ord(ch)
    # variation selectors, emoji modifiers (skin tones)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x1F3FB <= code <= 0x1F3FF


def char_width(ch: str) -> int:
    """Columns one code point takes: 2 for W, F and A; 0 for combining marks and the like; else 1."""
    if ch in _ZERO_WIDTH:
        return 0
    if _is_low_surrogate(ch):
        return 0  # counted with its high surrogate
    if _is_high_surrogate(ch):
        return 2  # astral characters in Japanese text are CJK extension B, emoji …: wide
    code = ord(ch)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return 0
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
        return 0
    if ch == "\t":
        return 1
    if unicodedata.category(ch) == "Cc":
        return 0
    if 0x1F3FB <= code <= 0x1F3FF:
        return 0  # emoji modifier: part of the emoji before it
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return 2
    return 1


def display_width(text: str) -> int:
    """Columns the text takes on a terminal or in a Japanese fixed-pitch font."""
    return sum(char_width(ch) for ch in text)


def clusters(text: str) -> list[str]:
    """The text split into units that must never be broken apart.

    A unit is a base code point with the combining marks, variation selectors
    and emoji modifiers that follow it; a zero-width joiner glues the next code
    point on as well; a surrogate pair (only possible in a string built from
    raw UTF-16) stays together.
    """
    units: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        if _is_high_surrogate(text[i]) and j < n and _is_low_surrogate(text[j]):
            j += 1
        while j < n:
            ch = text[j]
            if ch == "\u200d":
                j += 1
                if j < n:
                    j += 1
                    if _is_high_surrogate(text[j - 1]) and j < n and _is_low_surrogate(text[j]):
                        j += 1
                continue
            if _is_extender(ch):
                j += 1
                continue
            break
        units.append(text[i:j])
        i = j
    return units


def _is_word_char(unit: str) -> bool:
    return unit.isascii() and unit[:1].isalnum()


#: Units and counters kept on the line of the number before them (午後5時, 3月15日, 6名,
#: 第54回): a number is not split from what it counts (数字と単位を分けない).
UNITS = frozenset("年月日時分秒回名人件号条項円万億千百歳階期度週本枚台部席票")

_DIGITS = frozenset("0123456789０１２３４５６７８９")


#: What may stand before a place that :func:`_glued` keeps whole: ASCII letters and digits,
#: full-width digits, 第, and the separators inside a number.
_MAY_GLUE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,.:第") | _DIGITS


def _glued(units: list[str], k: int) -> bool:
    """True when no break may fall between ``units[k - 1]`` and ``units[k]`` inside a word or number."""
    before, after = units[k - 1], units[k]
    if before not in _MAY_GLUE:
        return False  # most places in Japanese text: no rule below can hold
    if _is_word_char(before) and _is_word_char(after):
        return True
    if before in _DIGITS and (after in UNITS or after in _DIGITS):
        return True
    if before == "第" and after in _DIGITS:
        return True
    # 2,000 / 10.5 / 17:30: a separator between two digits
    if after in ",.:" and before.isascii() and before.isdigit() and k + 1 < len(units):
        nxt = units[k + 1]
        return nxt.isascii() and nxt.isdigit()
    if before in ",.:" and after.isascii() and after.isdigit() and k >= 2:
        prev = units[k - 2]
        return prev.isascii() and prev.isdigit()
    return False


def _kinsoku_ok(units: list[str], k: int) -> bool:
    """True when a break before ``units[k]`` keeps both kinsoku rules."""
    return units[k][:1] not in NO_LINE_START and units[k - 1][:1] not in NO_LINE_END


#: How many measured characters (and clusters) a memo keeps before it starts again:
#: Japanese text uses a few thousand; a hostile file of every code point must not grow it without end.
_KEPT_MEASURES = 50_000

#: Characters seen so far that attach to the one before them (:func:`clusters`), and ones that do not.
_ATTACHING: set[str] = set()
_ALONE: set[str] = set()


def _units(line: str, chars: set[str]) -> str | list[str]:
    """The clusters of ``line`` (whose characters are ``chars``); the line itself when nothing attaches.

    Nearly every line of minutes has no combining mark, joiner or variation
    selector: it is then its own list of one-character clusters, and
    :func:`clusters` (a Python loop over every character) is not needed.
    """
    if len(_ALONE) > _KEPT_MEASURES:
        _ALONE.clear()
    for ch in chars - _ALONE - _ATTACHING:
        (_ATTACHING if _is_extender(ch) or _is_low_surrogate(ch) else _ALONE).add(ch)
    return line if chars.isdisjoint(_ATTACHING) else clusters(line)


def bytes_width(text: str) -> int:
    """The width of ``text`` from its UTF-8 length, at C speed: exact for ASCII, kana and kanji, else near.

    A character of one UTF-8 byte (ASCII) takes one column and one of three
    bytes (kana, kanji, full-width forms) two, so (bytes + characters) / 2
    counts both (exactly for a :data:`SIMPLE` text).
    """
    return (len(text.encode("utf-8", "surrogatepass")) + len(text)) // 2


#: Characters that are each a cluster of their own and as wide as their UTF-8 length says,
#: in a Japanese font and on a terminal alike: printable ASCII (one byte, 1 column), kana,
#: kanji, CJK punctuation and the full-width forms (three bytes, 2 columns). The combining
#: marks among them (U+302A–302F, U+3099–309A) are left out. Most speeches are made of
#: nothing else.
SIMPLE = re.compile("[\x20-\x7e\u3000-\u3029\u3030-\u303e\u3041-\u3096\u309b-\u30ff\u4e00-\u9fff\uff01-\uff60]*")


class Widths:
    """Columns each cluster takes on one medium: ``measure`` of the cluster, remembered.

    ``measure`` gives the width of one cluster (a character, or a base with
    the marks that attach to it). ``simple``: a pattern of characters that
    ``measure`` counts as :func:`bytes_width` does (:data:`SIMPLE`, where it
    does; the tests check it); a line of them alone is measured by slices,
    never character by character.
    """

    __slots__ = ("measure", "simple", "_known")

    def __init__(self, measure: Callable[[str], int], simple: re.Pattern[str] | None = None) -> None:
        self.measure = measure
        self.simple = simple
        self._known: dict[str, int] = {}

    def units(self, line: str) -> tuple[str | list[str], bool]:
        """The clusters of ``line``, each measured, and whether the line is simple (then nothing was measured)."""
        if self.simple is not None and self.simple.fullmatch(line):
            return line, True
        chars = set(line)
        units = _units(line, chars)
        known = self._known
        if units is not line:
            chars = set(units)
        missing = [unit for unit in chars if unit not in known]
        if missing:
            if len(known) > _KEPT_MEASURES:
                known.clear()
                missing = list(chars)
            measure = self.measure
            for unit in missing:
                known[unit] = measure(unit)
        return units, False

    def fit(self, units: str | list[str], start: int, room: int) -> int:
        """Where the longest run of ``units`` from ``start`` that fits in ``room`` ends (one unit at least).

        The units must have been measured (:meth:`units`). Only a window past
        ``start`` is summed, so a long speech costs in proportion to its length,
        not to its length times its lines.
        """
        width_of = self._known.__getitem__
        n = len(units)
        window = max(room, 0) + 1  # enough unless some units are zero-width: then wider
        while True:
            stop = min(n, start + window)
            end = start + bisect_right(list(accumulate(map(width_of, units[start:stop]))), room)
            if end < stop or stop >= n:
                return max(end, start + 1)
            window *= 2

    def __call__(self, text: str) -> int:
        """The width of ``text``."""
        units, simple = self.units(text)
        return bytes_width(text) if simple else sum(map(self._known.__getitem__, units))


#: Columns in a Japanese fixed-pitch font: what the text and Markdown exports are laid out in.
JAPANESE = Widths(display_width, SIMPLE)


def _fit_by_bytes(line: str, start: int, room: int) -> int:
    """Where the longest start of ``line[start:]`` that fits in ``room`` ends (one character at least).

    For a simple line (:data:`SIMPLE`): a few slices, each
    short enough to fit even if all its characters are wide.
    """
    n = len(line)
    count = min(room // 2, n - start)
    used = bytes_width(line[start : start + count])
    while start + count < n:
        left = room - used
        if left >= 2:
            step = left // 2
            used += bytes_width(line[start + count : start + count + step])
            count += step
        else:
            if left == 1 and line[start + count] < "\x80":
                count += 1  # one narrow character still fits
            break
    return min(start + max(count, 1), n)


def wrap(
    line: str, width: int | None, indent: str = "", prefer_after: str = "", widths: Widths = JAPANESE
) -> list[str]:
    """Break ``line`` into lines of at most ``width`` columns; continuation lines start with ``indent``.

    The first line carries no added indent (a line's own leading characters
    are part of it). A line is wider than ``width`` only when a single
    cluster is. If ``indent`` leaves no room (it is as wide as ``width`` or
    wider), continuation lines get no indent. ``width=None`` returns the line
    unchanged. ``prefer_after``: characters after which a line is broken when
    one is on it (``、`` in a list of names: no name is split between lines).
    ``widths``: how columns are counted (:data:`JAPANESE` for the exports,
    a terminal's cells on screen).
    """
    if width is None:
        return [line]
    indent_width = widths(indent) if indent else 0  # before the line: measuring may start the memo afresh
    units, simple = widths.units(line)
    if width < 1 or simple or not line:
        if (bytes_width(line) if simple else widths(line)) <= width:
            return [line]
        if width < 1:
            raise ValueError(f"width must be at least 1: {width}")
    if indent_width >= width:
        indent, indent_width = "", 0
    whole = type(units) is str  # one-character units: a slice of the line is the piece itself
    lines: list[str] = []
    start = 0
    prefix = ""
    room = width
    n = len(units)
    while start < n:
        # greedy: as many units as fit (zero-width ones after them too), at least one
        if simple:
            end = _fit_by_bytes(line, start, room)
        elif whole and widths.simple is not None and widths.simple.fullmatch(line, start, min(n, start + room + 1)):
            end = _fit_by_bytes(line, start, room)  # this line's part of a long speech is simple
        else:
            end = widths.fit(units, start, room)
        if end >= n:
            lines.append(prefix + (units[start:] if whole else "".join(units[start:])))
            break
        # a break before units[end]; move it back until both the word rule and kinsoku hold
        cut = end
        while cut > start and not (_kinsoku_ok(units, cut) and not _glued(units, cut)):
            cut -= 1
        if cut == start:
            # no break keeps the word together and kinsoku: keep kinsoku at least
            cut = end
            while cut > start and not _kinsoku_ok(units, cut):
                cut -= 1
            if cut == start:
                cut = end  # nothing satisfies the rules: break at the width
        if prefer_after:
            for better in range(cut, start, -1):
                if units[better - 1] in prefer_after and _kinsoku_ok(units, better):
                    cut = better
                    break
        lines.append(prefix + (units[start:cut] if whole else "".join(units[start:cut])))
        start = cut
        prefix = indent
        room = width - indent_width
    return lines


def wrap_lines(lines: list[tuple[str, ...]], width: int | None) -> list[str]:
    """Wrap each ``(line, continuation indent[, prefer_after])`` and return all the lines in order."""
    out: list[str] = []
    for line, indent, *prefer in lines:
        out.extend(wrap(line, width, indent, *prefer))
    return out


def pad_to(width: int) -> str:
    """Spaces that take ``width`` columns: full-width spaces (U+3000), plus one ASCII space when odd."""
    return "\u3000" * (width // 2) + " " * (width % 2)
