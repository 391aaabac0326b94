"""The speaker log's own wrapping: terminal cells, and no line starting with 、。」."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.widgets.speaker_log import NO_LINE_START, wrap_cells


def test_punctuation_does_not_start_a_line():
    text = "会長　報告は終わりました。この件について、本来であれば"
    lines = wrap_cells(text, 24)
    assert "".join(lines) == text
    assert all(line[:1] not in NO_LINE_START for line in lines[1:])
    assert all(cell_len(line) <= 24 for line in lines)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="あいうえおかきくけこ、。」「(ー abcXYZ😀", max_size=120), st.integers(4, 40))
def test_wrap_keeps_text_and_width(text, width):
    lines = wrap_cells(text, width)
    assert "".join(lines) == text
    assert all(cell_len(line) <= width for line in lines)


def test_an_opening_bracket_does_not_end_a_line():
    text = "子育て世帯への臨時特別給付金事業における個人情報の本人以外からの収集について(報告)"
    lines = wrap_cells(text, 2 * text.index("(") + 2)  # the bracket would be the last of the first line
    assert "".join(lines) == text
    assert not any(line.endswith("(") for line in lines[:-1])
    assert lines[1].startswith("(報告)")


# -- the log's index of blocks (no tuple or dict slot per entry) --------------------
def _as_list(counts: list[int]) -> list[tuple[int, int]]:
    return [key for item, count in enumerate(counts) for key in [(item, -1), *((item, e) for e in range(count))]]


def _blocks(counts: list[int]):
    from tui.widgets.speaker_log import Blocks

    first, total = [], 0
    for count in counts:
        first.append(total)
        total += 1 + count
    return Blocks(first, total)


@pytest.mark.parametrize("counts", [[], [0], [3], [2, 0, 5], [0, 0, 0], [1, 4, 0, 2]])
def test_blocks_are_the_list_of_headings_and_entries_they_stand_for(counts):
    blocks = _blocks(counts)
    expected = _as_list(counts)
    assert list(blocks) == expected
    assert len(blocks) == len(expected)
    assert [blocks[n] for n in range(len(expected))] == expected
    if expected:
        assert blocks[-1] == expected[-1]
    for number, (item, entry) in enumerate(expected):
        assert blocks.index_of(item, entry) == number
    for item, entry in [(-1, -1), (len(counts), -1), (0, -2), *((i, c) for i, c in enumerate(counts)), ("0", 0)]:
        assert blocks.index_of(item, entry) is None
    with pytest.raises(IndexError):
        blocks[len(expected)]


def test_an_entry_added_to_an_item_moves_the_blocks_after_it():
    counts = [2, 0, 3]
    blocks = _blocks(counts)
    number = blocks.insert_entry(1)
    counts[1] += 1
    assert list(blocks) == _as_list(counts)
    assert blocks[number] == (1, 0)


# -- the fast path of the first frame's wrapping ---------------------------------
def _chop_first_line(text: str, width: int) -> str:
    """What rich's grapheme-aware chopping makes the first line (the slow path)."""
    from rich.cells import chop_cells

    chopped = chop_cells(text, width)
    return (chopped[0] if chopped else "") or text[:1]


def test_every_simple_character_is_its_own_grapheme_of_the_estimated_width():
    import unicodedata

    from tui.widgets.speaker_log import _SIMPLE, estimate_cells

    simple = [chr(code) for code in range(0x20, 0x10000) if _SIMPLE.fullmatch(chr(code))]
    assert len(simple) > 20000  # ASCII, kana, the CJK block, full-width forms
    for char in simple:
        assert unicodedata.category(char) not in ("Mn", "Me", "Cf", "Cc"), hex(ord(char))
        assert cell_len(char) == estimate_cells(char), hex(ord(char))


# Simple characters, and ones that are not (combining marks, an emoji with a variation
# selector, a ZWJ sequence, a half-width katakana, a narrow symbol outside ASCII).
_MIXED = "aZ 1~あア漢、。」ー〰　！ｶ\u3099\u0301\u302a😀\ufe0f\u200d👍é±"


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=_MIXED, max_size=160), st.integers(2, 50), st.integers(0, 40))
def test_the_fast_first_line_is_the_one_rich_would_chop(text, width, start):
    from tui.widgets.speaker_log import _first_line

    start = min(start, max(len(text) - 1, 0))
    if not text:
        return
    assert _first_line(text, start, width) == _chop_first_line(text[start:], width)


def test_a_speech_of_combining_marks_alone_is_wrapped_not_a_crash():
    # rich chops a string of zero-width marks into no lines at all: the log drew nothing
    # for it but raised IndexError (found by the property test above).
    assert "".join(wrap_cells("\u0301\u0301\u3099", 10)) == "\u0301\u0301\u3099"


@pytest.mark.parametrize("width", [2, 3, 7, 40, 41])
def test_the_fast_path_fills_a_line_of_mixed_widths_exactly(width):
    from tui.widgets.speaker_log import _first_line

    text = "会長 ABCあいう12、漢字かなカナｱ" * 20  # the half-width ｱ sends the tail to the slow path
    for start in range(0, 60):
        assert _first_line(text, start, width) == _chop_first_line(text[start:], width)
