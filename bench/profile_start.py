"""Profile a kaigiroku command from the interpreter's start to its first frame (a diagnosis aid).

::

    python bench/profile_start.py OUT.txt -- --data-dir D open ID
    python bench/profile_start.py OUT.txt -- --data-dir D            # the start screen

Runs ``tui.cli.main`` under pyinstrument (``pip install pyinstrument``) in a
pseudo-terminal, exits the app right after its first frame of a screen of
kaigiroku's own (the frame is really written to the terminal), and writes the
profile as text to OUT.txt (and HTML beside it; ``BENCH_PROFILE_ALL=1`` shows
the library frames too). Imports are included: the
profiler starts before ``tui.cli`` is imported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def child(out: str, args: list[str]) -> int:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    sys.path.insert(0, str(REPO))
    from textual.app import App
    from textual.screen import Screen

    original = App._display

    def display(self, screen, renderable) -> None:
        original(self, screen, renderable)
        if renderable is not None and type(screen) is not Screen and not getattr(self, "_bench_exiting", False):
            self._bench_exiting = True
            self.exit()

    App._display = display
    from tui import cli

    try:
        code = cli.main(args)
    finally:
        profiler.stop()
        text = profiler.output_text(unicode=True, color=False, show_all=bool(os.environ.get("BENCH_PROFILE_ALL")))
        Path(out).write_text(text, encoding="utf-8")
        Path(out).with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    return code


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3:])
    if len(sys.argv) < 3 or sys.argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    import ptyrun

    out = str(Path(sys.argv[1]).resolve())
    run = ptyrun.until_exit([sys.executable, __file__, "--child", out, *sys.argv[3:]], timeout=300)
    print(f"{run.seconds * 1000:.0f} ms under the profiler (exit {run.exit_code}); profile in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
