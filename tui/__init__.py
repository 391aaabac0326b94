"""The Textual app, its widgets and style sheet, and the ``kaigiroku`` command line."""

import os

# Textual draws at most 60 frames a second by default, on a timer: when a frame
# was drawn just before (the header's clock, the cursor's blink, the echo of the
# last key), the timer sleeps to a tick one to two periods after it, so an Enter
# waits up to two periods for its frame, whatever the work it needs. A clerk
# types all day: at 240 that wait is at most 8.3 ms (Enter to the entry
# drawn, p99 18 ms at 60, 17-19 ms on about one run in two at 120, 9-11 ms at
# 240). Frames are drawn only when something changed, so an idle screen costs
# nothing more; only an animation (a scroll) draws more frames. Set before
# Textual is imported (it reads the variable once); a value set by the user wins.
os.environ.setdefault("TEXTUAL_FPS", "240")
