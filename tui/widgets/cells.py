"""Line breaking on the terminal: the exports' engine, counted in the cells Textual draws.

The speaker log, the agenda pane and the export preview all break text here, so
that the screen and the exports keep the same kinsoku and keep words whole.
"""

from __future__ import annotations

from rich.cells import cell_len

from minutes.textwidth import SIMPLE, Widths, wrap

#: Cells on the terminal, as Textual counts them when it draws (Rich's table: …, ① and
#: ○ take one cell here where the exports' Japanese font takes two columns).
TERMINAL = Widths(cell_len, SIMPLE)


def wrap_cells(text: str, width: int, indent: str = "") -> list[str]:
    """Split ``text`` into lines of at most ``width`` terminal cells; continuation lines start with ``indent``.

    The exports' wrapping (:func:`minutes.textwidth.wrap`: kinsoku by 追い出し,
    words and numbers kept whole), counted in terminal cells. At least two
    cells: a line narrower than a wide character cannot show one.
    """
    return wrap(text, max(width, 2), indent, widths=TERMINAL)
