"""The garbage collector around the first frame (issue #5).

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
    otherwise stall a keystroke now and then. Cheap to call again.
    """
    gc.collect()
    gc.freeze()
    gc.enable()
