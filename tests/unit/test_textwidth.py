"""Display width and wrapping with kinsoku (minutes/textwidth.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minutes.textwidth import (
    NO_LINE_END,
    NO_LINE_START,
    clusters,
    JAPANESE,
    SIMPLE,
    Widths,
    display_width,
    pad_to,
    wrap,
)


# -- widths --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("", 0),
        ("abc", 3),
        ("会議録", 6),
        ("ｱｲｳ", 3),  # half-width katakana: H
        ("ＡＢ", 4),  # full-width Latin: F
        ("\u3000", 2),  # full-width space
        ("①②", 4),  # ambiguous: 2 in a Japanese context
        ("○×§", 6),  # ambiguous
        ("(1)", 3),
        ("が", 2),  # precomposed
        ("か\u3099", 2),  # か + combining dakuten
        ("e\u0301", 1),  # e + combining acute
        ("𠮷", 2),  # astral CJK (a surrogate pair in UTF-16)
        ("a\u200bb", 2),  # zero width space
        ("葛\U000E0100", 2),  # ideographic variation selector
    ],
)
def test_display_width(text, width):
    assert display_width(text) == width


def test_clusters_keep_marks_with_their_base():
    assert clusters("か\u3099き") == ["か\u3099", "き"]
    assert clusters("e\u0301\u0302x") == ["e\u0301\u0302", "x"]
    assert clusters("葛\U000E0100城") == ["葛\U000E0100", "城"]
    assert clusters("👨\u200d👩\u200d👧!") == ["👨\u200d👩\u200d👧", "!"]


def test_clusters_keep_raw_surrogate_pairs():
    raw = "a\ud842\udfb7b"  # 𠮷 as two UTF-16 code units, as a badly decoded string holds it
    assert clusters(raw) == ["a", "\ud842\udfb7", "b"]
    assert display_width("\ud842\udfb7") == 2


def test_pad_to():
    assert pad_to(0) == ""
    assert pad_to(4) == "\u3000\u3000"
    assert pad_to(15) == "\u3000" * 7 + " "
    for n in range(20):
        assert display_width(pad_to(n)) == n


# -- wrap, examples ------------------------------------------------------------------
def test_short_line_is_unchanged():
    assert wrap("会議録", 10) == ["会議録"]
    assert wrap("会議録", 6) == ["会議録"]
    assert wrap("", 4) == [""]
    assert wrap("長い長い長い長い", None) == ["長い長い長い長い"]


def test_wraps_at_the_width():
    assert wrap("あいうえおかきくけこ", 8) == ["あいうえ", "おかきく", "けこ"]


def test_continuation_indent():
    assert wrap("あいうえおかきくけこ", 8, "\u3000") == ["あいうえ", "\u3000おかき", "\u3000くけこ"]


def test_line_start_kinsoku_pushes_the_previous_character_down():
    # "。" would start line 2: "え" moves down with it (追い出し)
    assert wrap("あいうえ。かきく", 8) == ["あいう", "え。かき", "く"]
    assert wrap("あいうえ、かきく", 8) == ["あいう", "え、かき", "く"]
    assert wrap("あいうえ」かきく", 8) == ["あいう", "え」かき", "く"]
    assert wrap("あいうえっかきく", 8) == ["あいう", "えっかき", "く"]
    assert wrap("あいうえーかきく", 8) == ["あいう", "えーかき", "く"]
    # in a word that fills the line, kinsoku still wins over keeping the word together
    assert wrap("abcd)efgh", 4) == ["abc", "d)", "efgh"]


def test_line_start_kinsoku_over_several_characters():
    assert wrap("あいう」。かきく", 8) == ["あい", "う」。か", "きく"]


def test_line_end_kinsoku_pushes_the_opening_bracket_down():
    assert wrap("あいう「かきくけ", 8) == ["あいう", "「かきく", "け"]
    assert wrap("あいう（かきくけ", 8) == ["あいう", "（かきく", "け"]
    assert wrap("abc(defgh", 4) == ["abc", "(def", "gh"]


def test_words_and_numbers_stay_together():
    assert wrap("発送件数は2,000件です", 12) == ["発送件数は", "2,000件です"]
    assert wrap("規約はLGWAN-ASPの", 12) == ["規約はLGWAN-", "ASPの"]  # a hyphen is a break point
    assert wrap("これはabcdefghの", 10) == ["これは", "abcdefghの"]


def test_a_word_wider_than_the_line_is_broken():
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_a_unit_wider_than_the_width_stands_alone():
    assert wrap("会議", 1) == ["会", "議"]


def test_an_indent_as_wide_as_the_line_is_dropped():
    assert wrap("あいうえお", 4, "\u3000\u3000") == ["あい", "うえ", "お"]


def test_no_break_inside_a_combining_sequence():
    text = "か\u3099" * 5
    lines = wrap(text, 4)
    assert lines == ["か\u3099か\u3099", "か\u3099か\u3099", "か\u3099"]


def test_unbreakable_kinsoku_run_is_broken_at_the_width():
    # nothing but closing brackets: no break satisfies the rules, the width wins
    assert wrap("」」」」」」", 4) == ["」」", "」」", "」」"]


def test_wide_and_narrow_characters_at_the_width_boundary():
    # a wide character that would take the last column and one more goes down whole
    assert wrap("abcあいう", 4) == ["abc", "あい", "う"]
    assert wrap("aあいう", 4) == ["aあ", "いう"]
    assert wrap("あaいう", 4) == ["あa", "いう"]
    # width 2: one wide character, or two narrow ones, a line
    assert wrap("あいab", 2) == ["あ", "い", "ab"]
    # width 1: a wide character is wider than any line and stands alone on its own
    assert wrap("aあb", 1) == ["a", "あ", "b"]


def test_a_long_unbreakable_run_is_broken_at_the_width_line_after_line():
    run = "x" * 100_000
    lines = wrap(run, 70)
    assert lines[:-1] == ["x" * 70] * (len(lines) - 1) and lines[-1] == "x" * (100_000 % 70)
    assert wrap("会" * 50, 10, "\u3000") == ["会" * 5] + ["\u3000" + "会" * 4] * 11 + ["\u3000会"]


def test_empty_and_blank_lines():
    assert wrap("", 1) == [""]
    assert wrap("", 0) == [""]
    # a line of full-width spaces: each continuation holds its indent and one of them
    assert wrap("\u3000" * 6, 4, "\u3000") == ["\u3000\u3000"] * 5


def test_control_characters_as_the_log_shows_them_are_wrapped_as_text():
    from minutes.safe_text import visible

    shown = visible("議事\x1b[31m赤\x07\u202e終わり")
    assert shown == "議事\\x1b[31m赤\\x07\\u202e終わり"
    lines = wrap(shown, 10)
    assert "".join(lines) == shown
    assert all(display_width(line) <= 10 for line in lines)
    # an escape's letters and digits are a word: not split unless wider than the line
    assert lines == ["議事\\x1b", "[31m赤\\x07", "\\u202e終わ", "り"]


def test_widths_are_the_medium_s_own():
    cells = Widths(lambda unit: 1 if unit in "①②③④" else display_width(unit))
    assert wrap("①②③④", 4) == ["①②", "③④"]  # a Japanese font: two columns each
    assert wrap("①②③④", 4, widths=cells) == ["①②③④"]
    assert JAPANESE("①a") == 3 and cells("①a") == 2


def test_widths_measure_each_cluster_once():
    seen: list[str] = []

    def measure(unit: str) -> int:
        seen.append(unit)
        return display_width(unit)

    widths = Widths(measure)
    text = "会議録の会議録、か\u3099か\u3099"
    for width in (3, 5, 8):
        wrap(text, width, widths=widths)
    assert sorted(seen) == sorted(set(clusters(text)))


def test_every_simple_character_stands_alone_and_is_as_wide_as_its_utf8_length_says():
    import unicodedata

    from rich.cells import cell_len

    simple = [chr(code) for code in range(0x20, 0x10000) if SIMPLE.fullmatch(chr(code))]
    assert len(simple) > 20000  # ASCII, kana, the CJK block, full-width forms
    for char in simple:
        by_bytes = 1 if len(char.encode("utf-8")) == 1 else 2
        assert len(char.encode("utf-8")) in (1, 3), hex(ord(char))
        assert unicodedata.category(char) not in ("Mn", "Me", "Mc", "Cf", "Cc"), hex(ord(char))
        assert clusters("a" + char) == ["a", char], hex(ord(char))
        assert display_width(char) == by_bytes, hex(ord(char))  # the exports' font
        assert cell_len(char) == by_bytes, hex(ord(char))  # the terminal (what the log passes)


# Simple characters and ones that are not (combining marks, an emoji with a variation
# selector, a ZWJ sequence, half-width katakana, ambiguous ones, narrow symbols outside ASCII).
_MIXED = "aZ 1~,.あア漢第年、。」「(ー〰　！ｶ\u3099\u0301\u302a😀\ufe0f\u200d👍é±…①"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_MIXED, max_size=160), st.integers(1, 50), st.sampled_from(["", "\u3000", " "]))
def test_the_fast_path_for_simple_lines_breaks_where_measuring_every_character_does(text, width, indent):
    from rich.cells import cell_len

    from tui.widgets.cells import TERMINAL

    assert wrap(text, width, indent) == wrap(text, width, indent, widths=Widths(display_width))
    assert wrap(text, width, indent, widths=TERMINAL) == wrap(text, width, indent, widths=Widths(cell_len))


@pytest.mark.parametrize("width", [1, 2, 3, 7, 40, 41])
def test_a_simple_line_of_mixed_widths_is_filled_exactly(width):
    text = "会長 ABCあいう12、漢字かなカナ" * 20
    assert SIMPLE.fullmatch(text)
    for start in range(0, 40):
        line = text[start:]
        assert wrap(line, width) == wrap(line, width, widths=Widths(display_width))


# -- wrap, properties ----------------------------------------------------------------
ORDINARY = "あいうえおかきくけこ漢字会議録アイウabcXYZ019 "
KINSOKU_START = "。、」』）)ーっゃ・"
KINSOKU_END = "「『（(["
COMBINING = "\u3099\u0301"
ALPHABET = ORDINARY + KINSOKU_START + KINSOKU_END + COMBINING + "𠮷①"

texts = st.text(alphabet=ALPHABET, max_size=120)
indents = st.sampled_from(["", "\u3000", "\u3000 ", "  ", "\u3000\u3000"])


def strip_indent(lines: list[str], indent: str, width: int) -> str:
    if display_width(indent) >= width:
        indent = ""
    rest = []
    for line in lines[1:]:
        assert line.startswith(indent)
        rest.append(line[len(indent) :])
    return "".join(lines[:1] + rest)


@settings(max_examples=400, deadline=None)
@given(texts, st.integers(min_value=1, max_value=40), indents)
def test_joining_gives_back_the_text(text, width, indent):
    lines = wrap(text, width, indent)
    assert strip_indent(lines, indent, width) == text


@settings(max_examples=400, deadline=None)
@given(texts, st.integers(min_value=1, max_value=40), indents)
def test_no_line_wider_than_the_width_unless_one_unit_is(text, width, indent):
    for line in wrap(text, width, indent):
        if display_width(line) > width:
            body = line[len(indent) :] if line.startswith(indent) else line
            units = clusters(body)
            assert len(units) == 1, (line, width)


@settings(max_examples=400, deadline=None)
@given(texts, st.integers(min_value=1, max_value=40), indents)
def test_no_cluster_is_split(text, width, indent):
    lines = wrap(text, width, indent)
    expected = clusters(text)
    got = []
    for n, line in enumerate(lines):
        body = line if n == 0 else line[len(indent) if display_width(indent) < width else 0 :]
        got.extend(clusters(body))
    assert got == expected


# Text where kinsoku can always be kept: each kinsoku character stands between
# ordinary ones, so among any three consecutive break points one is allowed.
isolated = st.lists(
    st.tuples(
        st.text(alphabet="あいうえおかきくけこ漢字会議録", min_size=1, max_size=4),
        st.sampled_from(list(KINSOKU_START + KINSOKU_END) + [""]),
    ),
    max_size=40,
).map(lambda parts: "".join(a + b for a, b in parts))


@settings(max_examples=400, deadline=None)
@given(isolated, st.integers(min_value=10, max_value=40), st.sampled_from(["", "\u3000"]))
def test_kinsoku_holds(text, width, indent):
    lines = wrap(text, width, indent)
    for n, line in enumerate(lines):
        body = line[len(indent) :] if n else line
        if n:
            assert body[:1] not in NO_LINE_START, lines
        if n < len(lines) - 1:
            assert line[-1:] not in NO_LINE_END, lines
        assert display_width(line) <= width


@pytest.mark.parametrize(
    "line, width, first",
    [
        ("午後5時30分から", 6, "午後"),  # not 午後5 / 時30分
        ("令和4年3月15日", 9, "令和4年"),  # 3月 stays whole
        ("通算第54回の会議", 6, "通算"),  # 第54回 stays whole
        ("出席者は6名です", 10, "出席者は"),  # 6名 stays whole
    ],
)
def test_a_number_stays_with_its_unit(line, width, first):
    lines = wrap(line, width)
    assert lines[0] == first
    assert "".join(lines) == line


def test_a_list_breaks_after_its_commas_when_asked():
    line = "昼間守仁会長、大川強副会長、村千鶴子委員"
    assert wrap(line, 20, prefer_after="、") == ["昼間守仁会長、", "大川強副会長、", "村千鶴子委員"]
    assert wrap(line, 30, prefer_after="、") == ["昼間守仁会長、大川強副会長、", "村千鶴子委員"]
    # without the preference the line is filled to the width
    assert wrap(line, 20)[0] == "昼間守仁会長、大川強"
