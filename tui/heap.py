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
    minutes are taken. A frozen object in a reference cycle is never freed
    (a closed screen is one: its widgets point at it and back), so a screen
    that closes thaws the heap (:func:`forget_closed_screens`) and the next
    screen freezes it again.
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
    that shows a change of the log (a new entry, an edit) is out
    (:class:`SpeakerLog.EntryDrawn`), when no
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


def forget_closed_screens(app) -> int:
    """Let go of closed screens: thaw the heap and collect; return how many watchers were dropped.

    Besides the freeze (:func:`settle_heap`), two things in Textual 8 keep a
    closed screen, and so the meeting it showed, reachable (opening and
    closing 50 meetings of 1,000 entries grew the process from 49 to 135 MB;
    now 49 to 52 MB, the same as never freezing or freezing once):

    * A widget that watches an app attribute (Textual's TextArea watches
      ``app.theme``) is put in a list on the app, which Textual prunes only when
      the attribute next changes. Pruned here by Textual's own rule (the
      watcher's node is closing).
    * ``StylesCache.get_inner_outer`` is an ``lru_cache`` on a method: its keys
      hold the last 1,024 widgets' style caches, with every line they drew.
      Emptied here (it only saves an addition of two colours).
    """
    watchers = getattr(app, "__watchers", None)
    dropped = 0
    if isinstance(watchers, dict):
        for entries in watchers.values():
            kept = [(node, callback) for node, callback in entries if not getattr(node, "_closing", False)]
            dropped += len(entries) - len(kept)
            entries[:] = kept
    from textual._styles_cache import StylesCache

    cache_clear = getattr(StylesCache.get_inner_outer, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()
    # The closed screen was frozen with everything else: thaw, and free its cycles now
    # (one full collection, while screens change, not while the clerk types).
    gc.unfreeze()
    gc.collect()
    return dropped
