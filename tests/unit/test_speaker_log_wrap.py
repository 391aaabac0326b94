"""The speaker log's own wrapping: terminal cells, and no line starting with 、。」."""

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
@given(st.text(alphabet="あいうえおかきくけこ、。」ー abcXYZ😀", max_size=120), st.integers(4, 40))
def test_wrap_keeps_text_and_width(text, width):
    lines = wrap_cells(text, width)
    assert "".join(lines) == text
    assert all(cell_len(line) <= width for line in lines)
