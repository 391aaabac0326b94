"""The bare Textual app the benchmark compares kaigiroku with: one Static, nothing else.

::

    python bench/baseline_app.py                            # runs until killed (or ctrl+q)
    python bench/baseline_app.py --exit-after-first-frame   # exits once its first frame is drawn

It imports only what any Textual app imports, so "kaigiroku over this app"
is the cost kaigiroku adds to Textual itself: its imports, its data and its
widgets. The text it shows, :data:`MARKER`, is what the benchmark waits for
in the terminal's output.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Static

#: The text of the first frame (the benchmark looks for it in the output).
MARKER = "kaigiroku-bench-baseline"


class BaselineApp(App):
    """One Static; optionally exits right after its first frame."""

    def __init__(self, exit_after_first_frame: bool = False) -> None:
        super().__init__()
        self.exit_after_first_frame = exit_after_first_frame

    def compose(self) -> ComposeResult:
        yield Static(MARKER)

    def on_mount(self) -> None:
        if self.exit_after_first_frame:
            # After the next refresh: the first frame has been composed and written.
            self.call_after_refresh(self.exit)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    BaselineApp(exit_after_first_frame="--exit-after-first-frame" in argv).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
