"""Notifications over the panes keep every full-width character (tui.overlay_text, textual#6357).

The screen is checked as the terminal shows it: every update the app writes is
played on a small terminal model (cursor moves, text, full-width characters
that a write into either half blanks, as terminals do).
"""

from __future__ import annotations

import re

from tests.functional.appkit import demo_meeting_app
from tests.functional.terminal_model import watch
from tui import overlay_text

#: Long enough to wrap over the log's scrollbar and the borders of the log and vote panes.
MESSAGE = (
    "別のkaigirokuがこのデータフォルダ(/tmp/kt)を使用中です(PID 28363、端末 vm、2026-11-29 05:14から)。"
    "そちらを終了してから開き直してください。閲覧と書き出し(list / export)はこのままでも使えます。"
)
SIZE = (120, 36)


def _squeezed(text: str) -> str:
    """The text without blanks and line breaks (the notification wraps it)."""
    return re.sub(r"\s+", "", text)


async def test_a_notification_over_the_panes_keeps_every_character(tmp_path):
    assert overlay_text.apply()  # in place for the Textual installed (the pinned release)
    app = demo_meeting_app(tmp_path)
    terminal = watch(app, *SIZE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.screen.query_one("#entry-bar").display = False  # as in read-only mode: the toast lies over the panes
        await pilot.pause()
        app.notify(MESSAGE, title="読み取り専用で開きました", timeout=30)
        for _ in range(4):
            await pilot.pause(0.1)
        toast = app.screen.query_one("Toast")
        log = app.screen.log_view
        x0, y0, width, height = toast.region
        assert x0 < log.region.right <= x0 + width  # it does lie across the log's edge and the vote pane

        def toast_text() -> str:
            # the cells of the toast, its left bar dropped
            return "".join(_squeezed(line).lstrip("▌") for line in terminal.region_text(x0, y0, width, height))

        assert _squeezed(MESSAGE) in toast_text()
        # Partial updates under it (the log moving: its lines and scrollbar) leave it whole.
        for y in (0, 40, 80, 200, 10_000):
            log.scroll_to(y=y, animate=False, force=True)
            await pilot.pause(0.05)
        await pilot.pause(0.1)
        assert _squeezed(MESSAGE) in toast_text()
