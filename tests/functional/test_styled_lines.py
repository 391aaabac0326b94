"""Widgets that style their own lines draw exactly what Textual would have drawn.

The log and the vote pane lay their CSS over their lines with Textual's own
code but remember the result per content line (``tui/widgets/styled_lines.py``),
so that lines which only move are not styled again. A remembered line kept past
a change of focus, theme, size or border would show the clerk an old colour or
a border in the wrong place. Each check draws the widget both ways, its own and
Textual's (with Textual's memory of lines emptied), and compares every cell.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.widget import Widget

from tests.functional.appkit import demo_meeting_app, paste
from tui.widgets.vote_pane import VotePane

SIZE = (120, 36)


def _textual_lines(widget: Widget, crop: Region) -> list:
    widget._styles_cache.clear()
    return Widget.render_lines(widget, crop)


def _assert_drawn_as_textual_draws(widget: Widget, what: str) -> None:
    width, height = widget.outer_size
    for crop in (Region(0, 0, width, height), Region(2, 1, max(width - 5, 1), max(height - 3, 1))):
        own = widget.render_lines(crop)
        textual = _textual_lines(widget, crop)
        assert len(own) == len(textual) == crop.height
        for y, (mine, theirs) in enumerate(zip(own, textual)):
            assert list(mine) == list(theirs), f"{type(widget).__name__}, {what}, crop {crop}, line {y}:\n{mine!r}\n{theirs!r}"


async def test_the_log_and_the_vote_pane_draw_what_textual_draws_in_every_state(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        log = screen.log_view
        votes = screen.query_one(VotePane)

        async def check(what: str) -> None:
            for _ in range(3):
                await pilot.pause()
            for widget in (log, votes):
                # Once drawn, then again from what it remembers: both as Textual draws.
                widget.render_lines(Region(0, 0, *widget.outer_size))
                _assert_drawn_as_textual_draws(widget, what)

        await check("opening")
        await pilot.press("ctrl+l")  # the log's border takes the focus colour
        await check("the log focused")
        for _ in range(3):
            await pilot.press("up")
        await check("the cursor moved up")
        await pilot.press("escape")
        await paste(pilot, "ただいまの説明について、ご質問はございませんか。")
        await pilot.press("enter")
        await check("an entry added")
        await pilot.press("f12")  # a roll-call vote: the pane is focused, its lines change
        await check("the vote pane focused")
        await pilot.press("right")
        await check("a ballot changed")
        await pilot.press("enter")
        await check("the vote recorded")
        app.theme = "textual-light"
        await check("another theme")
        await pilot.resize_terminal(100, 30)
        await check("a smaller terminal")


async def test_the_vote_pane_breaks_its_lines_where_textual_breaks_them(tmp_path):
    # The pane lays out its own rows (pieces of text) instead of a Content: each line must
    # break where Textual's Content would have broken it, at every width the pane can have.
    from textual.content import Content

    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE):
        pane = app.screen.query_one(VotePane)
        lines = [
            (("F12 採決 ・ ctrl+r 全員承認", "dim"),),
            (("承認12 不承認3 保留1", ""),),
            (("▸", ""), ("承認  ", "bold"), (" ", ""), ("長谷川左右衛門之助 太郎兵衛", "reverse")),
            (("挙手により採決 賛成多数(賛成 12、反対 3)", ""),),
            (("記録済み ", ""), ("原案のとおり可決", "bold")),
            (("Enter 記録 ・ m 挙手など ・ Esc 戻る", "dim"),),
            (),
        ]
        pane._lines = lines
        for width in range(4, 40):
            pane._rows = None
            rows = pane.rows(width)
            expected = [
                row.plain for line in lines for row in Content.assemble(*(text for text, _ in line)).wrap(width)
            ]
            assert ["".join(text for text, _ in row) for row in rows] == expected, f"width {width}"
            # Each piece keeps its style across a break.
            for row in rows:
                for text, style in row:
                    assert any(text in piece and style == kind for line in lines for piece, kind in line)
