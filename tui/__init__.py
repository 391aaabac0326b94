"""The Textual app, its widgets and style sheet, and the ``kaigiroku`` command line."""

import os

# Textual draws at most 60 frames a second by default: a key that arrives just
# after a frame waits up to 16.7 ms for the next one, whatever the work it
# needs. A clerk types all day; at 120 the wait is at most 8.3 ms (issue #5:
# Enter to the entry drawn, p99 18 -> 12 ms). Frames are drawn only when
# something changed, so an idle screen costs nothing more. Set before Textual
# is imported (it reads the variable once); a value set by the user wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
