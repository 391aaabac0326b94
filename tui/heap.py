"""The garbage collector around the first frame.

``kaigiroku`` (the command) turns the collector off while it imports and reads
the data folder: those make a few hundred thousand objects that all live for
the whole session, and the collections that would run meanwhile find nothing
to free yet cost tens of milliseconds before the first frame. Each screen the
app starts on calls :func:`settle_heap` once its first frame is drawn.
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Collect once, freeze what is left and turn the collector (back) on.

    Frozen objects (the meeting of hours of minutes, the modules, the widgets)
    are never scanned again: a full collection of half a million objects would
    otherwise stall a keystroke now and then. Frozen objects are still freed as
    usual when no longer used; collecting first leaves no garbage cycle frozen.
    Called when a screen is up and when the log has been laid out, not while
    minutes are taken: an object frozen while in use and left in a reference
    cycle afterwards (Textual's drawn lines can be) would never be freed.
    """
    gc.collect()
    gc.freeze()
    gc.enable()


def collect_garbage_if_due() -> None:
    """Run the collection the collector is about to run anyway, now (right after a frame).

    Python collects the older generations after so many collections of the
    younger ones (a full collection takes several milliseconds at 10,000
    entries). Left to itself it falls in the middle of drawing the next frame,
    where most objects are made: in the benchmark (bench/run.py) a full
    collection was in every one of the slowest commits. Called once the frame
    that shows a new entry is out (:class:`SpeakerLog.EntryDrawn`), when no
    frame is waiting, it runs the collection that is one or two young
    collections away: the same work, a little sooner and a little more often,
    out of the next keystroke's way.
    """
    _, threshold1, threshold2 = gc.get_threshold()
    _, count1, count2 = gc.get_count()
    if threshold2 and count2 >= threshold2 - 2:
        gc.collect()
    elif threshold1 and count1 >= threshold1 - 3:
        gc.collect(1)
