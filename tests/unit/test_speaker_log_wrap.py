"""The speaker log's wrapping: the exports' engine counted in terminal cells, and the log's blocks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from minutes.kinsoku import NO_LINE_END, NO_LINE_START
from minutes.textwidth import wrap
from tui.widgets.cells import wrap_cells


def test_punctuation_does_not_start_a_line():
    text = "会長　報告は終わりました。この件について、本来であれば"
    lines = wrap_cells(text, 24)
    assert "".join(lines) == text
    assert all(line[:1] not in NO_LINE_START for line in lines[1:])
    assert all(cell_len(line) <= 24 for line in lines)


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


# -- one engine for the log and the exports ----------------------------------------
# Ambiguous-width characters (…, ①, ○) are the only ones whose width differs between a
# Japanese font (the exports: 2) and the terminal (Rich, Textual: 1): text without them
# must break exactly where the export breaks it.
_SHARED = "会議録の委員長副会長報告あいうえおアイウ、。」「（）(ー・っゃ LGWAN 2,000 第54回 午後5時30分abcXYZ019"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_SHARED, max_size=160), st.integers(2, 60))
def test_the_log_breaks_where_the_export_breaks(text, width):
    assert wrap_cells(text, width) == wrap(text, width)


def test_the_log_breaks_a_demo_speech_as_the_export_does():
    from minutes.demo import load_demo

    paragraphs = [p for item in load_demo().agenda for entry in item.log for p in getattr(entry, "paragraphs", [])]
    same = [p for p in paragraphs if not any(ch in p for ch in "…①②③○×※―‥“”‘’")]
    assert len(same) > 20
    for paragraph in same:
        for width in (20, 37, 58, 74):
            assert wrap_cells(paragraph, width) == wrap(paragraph, width), (paragraph, width)


def test_ambiguous_characters_take_one_cell_in_the_log_and_two_columns_in_the_export():
    text = "①②③④⑤⑥"
    assert wrap_cells(text, 6) == ["①②③④⑤⑥"]  # the terminal draws each in one cell
    assert wrap(text, 6) == ["①②③", "④⑤⑥"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="あいうえおかきくけこ漢字、。」「(ー…①○ abcXYZ😀\u3099\u0301\ufe0f\u200d", max_size=120), st.integers(2, 40))
def test_the_log_keeps_the_text_and_the_cells(text, width):
    lines = wrap_cells(text, width)
    assert "".join(lines) == text
    assert all(cell_len(line) <= width for line in lines)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="あいう漢字、。」』「(ー…①○ abc", max_size=120), st.integers(2, 40))
def test_the_log_breaks_against_kinsoku_only_where_no_break_keeps_it(text, width):
    lines = wrap_cells(text, width)
    for line, after in zip(lines, lines[1:]):
        if after[0] in NO_LINE_START or line[-1] in NO_LINE_END:
            # every place in the line would have broken a rule too
            joined = line + after[0]
            assert all(joined[k] in NO_LINE_START or joined[k - 1] in NO_LINE_END for k in range(1, len(joined))), lines


def test_a_speech_of_combining_marks_alone_is_wrapped_not_a_crash():
    assert "".join(wrap_cells("\u0301\u0301\u3099", 10)) == "\u0301\u0301\u3099"


def test_the_log_never_narrows_below_a_wide_character():
    assert wrap_cells("会議録", 1) == ["会", "議", "録"]
    assert wrap_cells("会議録", 0) == ["会", "議", "録"]


# -- the log on screen breaks its entries with the engine ----------------------------
async def test_the_log_on_screen_shows_each_speech_as_the_engine_breaks_it(tmp_path):
    from minutes.safe_text import visible
    from minutes.textwidth import SIMPLE
    from tests.functional.appkit import demo_meeting_app, log_lines
    from tui.widgets.speaker_log import TIME_WIDTH

    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        log = screen.log_view
        lines = [line[TIME_WIDTH:] for line in log_lines(screen)]
        avail = max(log._text_width() - TIME_WIDTH, 8)
        shown = 0
        for entry in screen.meeting.agenda[0].log[:12]:
            if not getattr(entry, "paragraphs", None) or len(entry.paragraphs) != 1:
                continue
            label = log._paragraphs(entry)[0]
            text = f"{label}　{visible(entry.text)}"
            expected = wrap_cells(text, avail)
            start = lines.index(expected[0])
            assert lines[start : start + len(expected)] == expected
            if len(expected) > 1 and SIMPLE.fullmatch(text):
                assert expected == wrap(text, avail)  # and where the widths agree, as the export breaks it
                shown += 1
        assert shown >= 3
