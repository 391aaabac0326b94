"""Encode exported text for Windows: UTF-8 or Shift_JIS (cp932), LF or CRLF.

Pure Python (no Textual, no TinyDB): the command line and the export screen
both call :func:`encode_export`.

* **cp932 neighbours.** Some characters have a twin that Windows uses instead
  (the "wave dash problem"): text typed on Linux or macOS holds 〜 U+301C where
  Windows holds ～ U+FF5E. For cp932, :data:`WINDOWS_MAP` turns each into the
  character Windows writes, so the text decodes on Windows to what a Windows
  user would have typed. (Python's cp932 codec already folds six of them into
  the same bytes; the map makes that explicit and adds the ones it refuses,
  such as — U+2014.)
* **Never a silent loss.** A character that the encoding cannot hold (𠮷,
  emoji) makes :func:`encode_export` raise :class:`UnencodableError`, which
  lists each one with its line and column, unless the caller passes a
  replacement mark; then the returned problems list says what was replaced.
* **Bytes as Windows writes them.** Where cp932 has two codes for one
  character (the IBM extension kanji such as 髙 and 﨑 are also in the
  "NEC-selected" block), Python picks the NEC-selected code and Windows the IBM
  one; we write Windows' code (both decode to the same text everywhere).
* UTF-8 is written without a BOM; newlines are ``\\n`` (lf) or ``\\r\\n`` (crlf).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

#: The encodings :func:`encode_export` writes, as the command line spells them.
ENCODINGS: tuple[str, ...] = ("utf-8", "cp932")
#: The newline styles: ``lf`` (``\n``) or ``crlf`` (``\r\n``, Windows).
NEWLINES: tuple[str, ...] = ("lf", "crlf")
#: What to call each encoding in messages and on screen.
ENCODING_LABELS: dict[str, str] = {"utf-8": "UTF-8", "cp932": "Shift_JIS(cp932)"}
NEWLINE_LABELS: dict[str, str] = {"lf": "LF", "crlf": "CRLF(Windows)"}
#: The mark that the messages suggest (げた記号, the customary mark for a missing character).
DEFAULT_MARK = "〓"

_ALIASES = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
}

#: Characters replaced before encoding to cp932, by the character Windows
#: writes in their place. The first six are the pairs where JIS (Linux, macOS)
#: and Microsoft decode the same Shift_JIS code differently; the others have no
#: cp932 code of their own and a full-width neighbour that has one.
WINDOWS_MAP: dict[str, str] = {
    "\u301c": "\uff5e",  # 〜 WAVE DASH            -> ～ FULLWIDTH TILDE        (81 60)
    "\u2016": "\u2225",  # ‖ DOUBLE VERTICAL LINE  -> ∥ PARALLEL TO            (81 61)
    "\u2212": "\uff0d",  # − MINUS SIGN            -> － FULLWIDTH HYPHEN-MINUS (81 7C)
    "\u00a2": "\uffe0",  # ¢ CENT SIGN             -> ￠ FULLWIDTH CENT SIGN    (81 91)
    "\u00a3": "\uffe1",  # £ POUND SIGN            -> ￡ FULLWIDTH POUND SIGN   (81 92)
    "\u00ac": "\uffe2",  # ¬ NOT SIGN              -> ￢ FULLWIDTH NOT SIGN     (81 CA)
    "\u2014": "\u2015",  # — EM DASH               -> ― HORIZONTAL BAR         (81 5C)
    "\u00a6": "\uffe4",  # ¦ BROKEN BAR            -> ￤ FULLWIDTH BROKEN BAR   (FA 55)
    "\u00a5": "\uffe5",  # ¥ YEN SIGN              -> ￥ FULLWIDTH YEN SIGN    (81 8F)
    "\u203e": "\uffe3",  # ‾ OVERLINE              -> ￣ FULLWIDTH MACRON      (81 50)
}

_TO_WINDOWS = str.maketrans(WINDOWS_MAP)

#: Code points that belong to the character before them (an emoji's skin tone
#: or variation selector, a joiner, a combining mark): reported and replaced
#: together with it.
_EXTENDERS = re.compile(
    "[\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\U000e0100-\U000e01ef\u20e3]"
)


class Problem(NamedTuple):
    """One character (or emoji sequence) that the encoding cannot hold.

    ``line`` and ``column`` count from 1; ``column`` counts characters (code
    points). ``char`` is the text itself; ``code`` its code points
    (``"U+20BB7"``, ``"U+2764 U+FE0F"``).
    """

    line: int
    column: int
    char: str
    code: str

    @property
    def names(self) -> str:
        """The Unicode names of the code points, ``"; "``-separated."""
        return "; ".join(unicodedata.name(c, f"U+{ord(c):04X}") for c in self.char)

    def describe(self) -> str:
        """``3行12文字目「𠮷」(U+20BB7)``; an invisible character is named instead of shown."""
        where = f"{self.line}行{self.column}文字目"
        if _printable(self.char):
            return f"{where}「{self.char}」({self.code})"
        return f"{where}の見えない文字({self.code} {self.names})"


def _printable(cluster: str) -> bool:
    first = cluster[0]
    category = unicodedata.category(first)
    return category[0] not in "CZM"


class UnencodableError(ValueError):
    """The text holds characters that the encoding cannot hold; nothing was written.

    ``.problems`` lists each (line, column, char, code); ``.encoding`` is the
    encoding asked for. ``str()`` is the Japanese message, one line per
    character, then ``advice`` (by default, the command line's options).
    """

    def __init__(self, problems: list[Problem], encoding: str, advice: str | None = None) -> None:
        self.problems = list(problems)
        self.encoding = encoding
        label = ENCODING_LABELS.get(encoding, encoding)
        if advice is None:
            # UTF-8 cannot hold only a lone surrogate (a broken paste): no other encoding helps.
            rewrite = "文字を書き換えてください。" if encoding == "utf-8" else (
                "文字を書き換えるか、--encoding utf-8 で書き出してください。"
            )
            advice = (
                "書き出しはやめました(何も書き出していません)。"
                f"{rewrite}"
                f"置き換える場合は --replace {DEFAULT_MARK} のように文字を指定してください。"
            )
        lines = [f"{problem.describe()} は{label}で書けません。" for problem in self.problems]
        self.message = "\n".join(lines + [advice])
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class BadMarkError(ValueError):
    """The replacement mark cannot be used (empty, a newline, or itself unencodable)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def normalize_encoding(name: str) -> str:
    """``"utf-8"`` or ``"cp932"`` for ``name`` and its usual spellings; ValueError otherwise."""
    found = _ALIASES.get((name or "").strip().lower().replace("_", "-"))
    if found is None:
        raise ValueError(
            f"文字コード「{name}」には書き出せません。{'、'.join(ENCODINGS)} のどれかを指定してください。"
        )
    return found


def to_windows(text: str) -> str:
    """``text`` with every :data:`WINDOWS_MAP` character replaced by its Windows neighbour."""
    return text.translate(_TO_WINDOWS)


def _can_encode(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def find_unencodable(text: str, encoding: str = "utf-8") -> list[Problem]:
    """Every character of ``text`` that ``encoding`` cannot hold, in order.

    ``text`` is taken as it will be encoded (apply :func:`to_windows` first
    for cp932). Newlines are ``\\n``; a ``\\r`` before one is ignored.
    """
    encoding = normalize_encoding(encoding)
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        pass
    else:
        return []
    bad = {char for char in set(text) if not _can_encode(char, encoding)}
    problems: list[Problem] = []
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not bad.intersection(line):
            continue
        index = 0
        while index < len(line):
            if line[index] not in bad:
                index += 1
                continue
            end = index + 1
            while end < len(line) and line[end] in bad:
                # a modifier, selector or joiner, or the character a joiner joins
                if not (_EXTENDERS.match(line[end]) or line[end - 1] == "\u200d"):
                    break
                end += 1
            cluster = line[index:end]
            code = " ".join(f"U+{ord(c):04X}" for c in cluster)
            problems.append(Problem(line_no, index + 1, cluster, code))
            index = end
    return problems


def _check_mark(mark: str, encoding: str) -> str:
    label = ENCODING_LABELS[encoding]
    if not mark:
        raise BadMarkError(
            f"置き換える文字が空です。文字を消さずに残すため、{DEFAULT_MARK} のように1文字以上指定してください。"
        )
    if any(unicodedata.category(c)[0] == "C" or c in "\n\r\u2028\u2029" for c in mark):
        raise BadMarkError("置き換える文字に改行や制御文字は使えません。")
    if encoding == "cp932":
        mark = to_windows(mark)
    if find_unencodable(mark, encoding):
        raise BadMarkError(
            f"置き換える文字「{mark}」も{label}で書けません。{DEFAULT_MARK} や ? などを指定してください。"
        )
    return mark


def _replace(text: str, problems: list[Problem], mark: str) -> str:
    lines = text.split("\n")
    by_line: dict[int, list[Problem]] = {}
    for problem in problems:
        by_line.setdefault(problem.line, []).append(problem)
    for line_no, found in by_line.items():
        line = lines[line_no - 1]
        for problem in reversed(found):
            start = problem.column - 1
            line = line[:start] + mark + line[start + len(problem.char) :]
        lines[line_no - 1] = line
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _windows_codes() -> tuple[dict[str, bytes], re.Pattern[str]]:
    """The characters that Python encodes in the NEC-selected block, with Windows' IBM code."""
    table: dict[str, bytes] = {}
    for code in range(0xFA40, 0xFC4C):
        raw = code.to_bytes(2, "big")
        try:
            char = raw.decode("cp932")
        except UnicodeDecodeError:
            continue
        if 0xED40 <= int.from_bytes(char.encode("cp932"), "big") <= 0xEEFC:
            table.setdefault(char, raw)
    pattern = re.compile("([" + "".join(re.escape(char) for char in sorted(table)) + "])")
    return table, pattern


def encode_cp932(text: str) -> bytes:
    """``text`` in cp932 with the codes Windows picks (strict: raises UnicodeEncodeError)."""
    table, pattern = _windows_codes()
    parts = pattern.split(text)
    return b"".join(table[part] if index % 2 else part.encode("cp932") for index, part in enumerate(parts))


def encode_export(
    text: str, encoding: str = "utf-8", newline: str = "lf", replace: str | None = None
) -> tuple[bytes, list[Problem]]:
    """Encode exported ``text``; return the bytes and the characters that were replaced.

    ``encoding`` is ``"utf-8"`` (no BOM) or ``"cp932"`` (Shift_JIS as Windows
    writes it, after :data:`WINDOWS_MAP`). ``newline`` is ``"lf"`` or
    ``"crlf"``. A character that the encoding cannot hold raises
    :class:`UnencodableError`, unless ``replace`` is given: then each one (an
    emoji sequence counts as one) becomes ``replace`` and is listed in the
    returned problems. A ``replace`` that is empty, holds a newline or cannot
    be encoded itself raises :class:`BadMarkError`. The problems list is empty
    when nothing was replaced.
    """
    encoding = normalize_encoding(encoding)
    if newline not in NEWLINES:
        raise ValueError(f"改行「{newline}」は使えません。{'、'.join(NEWLINES)} のどちらかを指定してください。")
    mark = _check_mark(replace, encoding) if replace is not None else None
    text = text.replace("\r\n", "\n")
    if encoding == "cp932":
        text = to_windows(text)
    problems = find_unencodable(text, encoding)
    if problems:
        if mark is None:
            raise UnencodableError(problems, encoding)
        text = _replace(text, problems, mark)
    if newline == "crlf":
        text = text.replace("\n", "\r\n")
    data = encode_cp932(text) if encoding == "cp932" else text.encode("utf-8")
    return data, problems


def describe_replacements(problems: list[Problem], encoding: str, mark: str) -> str:
    """The Japanese report of what :func:`encode_export` replaced (empty if nothing)."""
    if not problems:
        return ""
    label = ENCODING_LABELS.get(normalize_encoding(encoding), encoding)
    shown = to_windows(mark) if normalize_encoding(encoding) == "cp932" else mark
    head = f"{label}で書けない文字を「{shown}」に置き換えました({len(problems)}か所):"
    return "\n".join([head] + [f"  {problem.describe()}" for problem in problems])
