"""The entry bar breaks a long speech as the log and the exports do (kinsoku, words whole)."""

from __future__ import annotations

from rich.cells import cell_len

from minutes.kinsoku import NO_LINE_END, NO_LINE_START
from tests.functional.appkit import demo_meeting_app, paste

SIZE = (120, 36)


def shown_lines(bar) -> list[str]:
    return [section for line in bar.wrapped_document.lines for section in line]


async def test_a_line_of_the_entry_bar_never_starts_with_a_full_stop_or_ends_with_an_opening_bracket(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.screen.query_one("EntryText")
        width = bar.wrap_width
        # Textual's own folding put 。 first on the second line, and 「 last on one.
        text = "あ" * (width // 2) + "。続けて、" + "い" * (width // 2 - 4) + "「第3回」の資料です。"
        await paste(pilot, text)
        lines = shown_lines(bar)
        assert "".join(lines) == text and len(lines) >= 3
        assert all(cell_len(line) <= width for line in lines)
        assert not any(line[0] in NO_LINE_START for line in lines[1:])
        assert not any(line[-1] in NO_LINE_END for line in lines[:-1])
        assert lines[1].startswith("あ。")


async def test_a_line_with_a_tab_is_broken_as_textual_breaks_it(tmp_path):
    from textual._wrap import compute_wrap_offsets

    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.screen.query_one("EntryText")
        text = "\t" + "あ" * bar.wrap_width + "。"
        await paste(pilot, text)
        lines = shown_lines(bar)
        offsets = compute_wrap_offsets(text, bar.wrap_width, bar.indent_width)
        assert [len(line) for line in lines[:-1]] == [b - a for a, b in zip([0, *offsets], offsets)]
