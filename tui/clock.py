"""The app's clock: what every screen and widget asks for the time now.

The app holds a ``clock`` (tests freeze it); a screen shown under another app
(a test's small host app) falls back to the wall clock.
"""

from __future__ import annotations

from datetime import datetime


def app_now(app, *, aware: bool = False) -> datetime:
    """The app's time now, as its clock gives it (local, naive), or an aware local time with ``aware``.

    Times typed into the minutes (an entry's time, 開会, a vote) are the room's
    wall-clock time; what storage records (a deletion, 確定) carries its offset.
    """
    clock = getattr(app, "clock", None)
    now = clock() if callable(clock) else datetime.now()
    if aware and now.tzinfo is None:
        return now.astimezone()
    return now
