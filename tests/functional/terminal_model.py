"""A small model of a terminal, to check the screen as the terminal shows it.

Every update the app writes (``render_segments``) is played on it: cursor
moves, text, full-width characters that a write into either half blanks (as
terminals do), and the SGR attributes each cell was written with. A line the
app forgot to redraw keeps what the terminal showed before, as on a real
screen.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

_CONTROL = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


class Terminal:
    """Cells of a screen, written as a terminal writes them, with the attributes of each."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.cells = [[" "] * width for _ in range(height)]
        #: The SGR parameters each cell was written with ("" for none).
        self.attributes = [[""] * width for _ in range(height)]
        self.x = self.y = 0
        self._sgr = ""

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
        self.attributes[self.y][self.x] = self._sgr
        if width == 2 and self.x + 1 < self.width:
            self.cells[self.y][self.x + 1] = ""
            self.attributes[self.y][self.x + 1] = self._sgr
        self.x += width

    def _text(self, text: str) -> None:
        for char in text:
            if char == "\n":
                self.y, self.x = min(self.y + 1, len(self.cells) - 1), 0
            elif char != "\r":
                self.put(char)

    def feed(self, data: str) -> None:
        position = 0
        for match in _CONTROL.finditer(data):
            self._text(data[position : match.start()])
            position = match.end()
            parameters, command = match.groups()
            if command == "H":
                row, _, column = parameters.partition(";")
                self.y, self.x = int(row or 1) - 1, int(column or 1) - 1
            elif command == "m":
                # Rich writes each run as ESC[<all its attributes>m … ESC[0m.
                self._sgr = "" if parameters in ("", "0") else parameters
        self._text(data[position:])

    def region_text(self, x: int, y: int, width: int, height: int) -> list[str]:
        """The lines of a region of the screen, cell by cell."""
        return ["".join(row[x : x + width]) for row in self.cells[y : y + height]]

    def lines(self) -> list[str]:
        """Every line of the screen, its text."""
        return ["".join(row) for row in self.cells]

    def styled_lines(self) -> list[list[tuple[str, str]]]:
        """Every line of the screen, cell by cell: (character, attributes)."""
        return [list(zip(row, attributes)) for row, attributes in zip(self.cells, self.attributes)]


def watch(app, width: int, height: int) -> Terminal:
    """A terminal that plays every update ``app`` writes (its ``_display`` wrapped), from now on."""
    terminal = Terminal(width, height)
    display = app._display

    def shown(screen, update) -> None:
        display(screen, update)
        if update is not None:
            terminal.feed(update.render_segments(app.console))

    app._display = shown
    return terminal
