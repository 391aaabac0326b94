"""Notifications over the panes keep every full-width character (tui.overlay_text, textual#6357).

The screen is checked as the terminal shows it: every update the app writes is
played on a small terminal model (cursor moves, text, full-width characters
that a write into either half blanks, as terminals do).
"""

from __future__ import annotations

import re

from rich.cells import cell_len

from tests.functional.appkit import demo_meeting_app
from tui import overlay_text

#: Long enough to wrap over the log's scrollbar and the borders of the log and vote panes.
MESSAGE = (
    "別のkaigirokuがこのデータフォルダ(/tmp/kt)を使用中です(PID 28363、端末 vm、2026-11-29 05:14から)。"
    "そちらを終了してから開き直してください。閲覧と書き出し(list / export)はこのままでも使えます。"
)
SIZE = (120, 36)
_CONTROL = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


class Terminal:
    """Cells of a screen, written as a terminal writes them (SGR ignored)."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.cells = [[" "] * width for _ in range(height)]
        self.x = self.y = 0

    def _blank_halves(self, x: int) -> None:
        row = self.cells[self.y]
        if row[x] == "" and x > 0:  # the right half of a wide character: the character goes
            row[x - 1] = " "
        if x + 1 < self.width and row[x + 1] == "" and cell_len(row[x]) == 2:  # the left half
            row[x + 1] = " "

    def put(self, char: str) -> None:
        width = cell_len(char)
        if width == 0 or self.x >= self.width:
            return
        self._blank_halves(self.x)
        if width == 2 and self.x + 1 < self.width:
            self._blank_halves(self.x + 1)
        self.cells[self.y][self.x] = char
        if width == 2 and self.x + 1 < self.width:
            self.cells[self.y][self.x + 1] = ""
        self.x += width

    def feed(self, data: str) -> None:
        position = 0
        for match in _CONTROL.finditer(data):
            for char in data[position : match.start()]:
                if char == "\n":
                    self.y, self.x = min(self.y + 1, len(self.cells) - 1), 0
                elif char != "\r":
                    self.put(char)
            position = match.end()
            if match.group(2) == "H":
                row, _, column = match.group(1).partition(";")
                self.y, self.x = int(row or 1) - 1, int(column or 1) - 1
        for char in data[position:]:
            if char == "\n":
                self.y, self.x = min(self.y + 1, len(self.cells) - 1), 0
            elif char != "\r":
                self.put(char)

    def region_text(self, x: int, y: int, width: int, height: int) -> list[str]:
        """The lines of a region of the screen, cell by cell."""
        return ["".join(row[x : x + width]) for row in self.cells[y : y + height]]


def _squeezed(text: str) -> str:
    """The text without blanks and line breaks (the notification wraps it)."""
    return re.sub(r"\s+", "", text)


async def test_a_notification_over_the_panes_keeps_every_character(tmp_path):
    assert overlay_text.apply()  # in place for the Textual installed (the pinned release)
    app = demo_meeting_app(tmp_path)
    terminal = Terminal(*SIZE)
    display = app._display

    def shown(screen, update) -> None:
        display(screen, update)
        if update is not None:
            terminal.feed(update.render_segments(app.console))

    app._display = shown
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
