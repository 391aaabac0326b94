"""Keys and pastes are handled one at a time, in the order they were typed.

Textual hands a key to the focused widget, which takes letters and pastes at
once; a key it does not take itself bubbles up, widget by widget, and its
binding (backspace, ←, ctrl+u in a field, a screen's key) runs only when it
reaches the app. When the app is busy for a moment (a save, a frame), the
keys typed meanwhile reach it together, and the words behind such a key were
put in before it ran: 「あいう」 backspace 「え」 gave あいう, 「ですす」
backspace Enter 「次の発言」 committed ですす and wiped 言, ctrl+u then a
paste in a field emptied it of the paste, and words typed straight after
Enter in a dialog went into the dialog that Enter was closing.

:class:`KeyOrder` holds a key or paste that comes while an earlier one is
still at work, and lets it go once that one is done:

1. its way: taken by the app (a priority binding, Tab in a form), stopped by
   a widget, or back at the app after its bindings ran;
2. what it set off: the messages it made the widgets on its way post (a
   field's Submitted that closes a dialog) and the screen it opened or closed,
   followed up the widgets it went through, then up the widget that has the
   focus now, then through the app's own queue (where a new focus is set).

Each step is a callback queued behind the key at a widget (a widget handles
its messages in order). Nothing is followed while keys come one by one: when
the next key comes and every widget concerned has handled all its messages,
the earlier key is done; the following starts only when a key has to wait. Nothing waits for ever: after
:data:`OVERDUE` seconds the next key goes anyway.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque

from textual import events
from textual.dom import DOMNode

#: Seconds after which the keys behind one that is still at work are let go.
#: (A key that opens the largest screen takes well under this.)
OVERDUE = 1.0


class KeyOrder:
    """The keys and pastes of one app, let through one at a time."""

    def __init__(self, app) -> None:
        self.app = app
        #: The key or paste at work (None: the next one goes at once).
        self.in_flight: events.Event | None = None
        #: The widget it was handed to (None: the app took it). Weak: the last key of a closed
        #: screen must not keep the screen, and the meeting it shows, in memory.
        self._target: weakref.ref[DOMNode] | None = None
        #: Its way is over (taken, stopped or back at the app); what it set off may not be.
        self.way_over = False
        #: Those that came while one was at work, oldest first.
        self.held: deque[events.Event] = deque()
        #: The held one that was let go and posted to the app again.
        self._released: events.Event | None = None
        #: The following under way (a new object each time one starts: older steps stop).
        self._walk: object | None = None
        self._overdue: asyncio.TimerHandle | None = None

    # -- what the app tells ----------------------------------------------------------
    def admit(self, event: events.Event) -> bool:
        """True if ``event`` (from the terminal) may be handled now; False: held, handled later."""
        if event is self._released:
            self._released = None
            return True
        if self.in_flight is not None and not self.held and self._settled():
            self.in_flight = None  # long done, with all it set off: no need to follow it
        if self.in_flight is not None:
            self.held.append(event)
            if self._walk is None:
                self._follow_in_flight()
            return False
        self.in_flight, self._target, self.way_over = event, None, False
        return True

    def handed_to(self, event: events.Event, target: DOMNode | None) -> None:
        """The app has handled ``event``: handed it to ``target``, or taken it (``target`` None)."""
        if event is not self.in_flight:
            return
        self._target = None if target is None else weakref.ref(target)
        self.way_over = target is None
        if self.held:
            self._follow_in_flight()

    def back_at_the_app(self, event: events.Event) -> None:
        """``event`` has bubbled back to the app and its bindings ran."""
        if event is not self.in_flight:
            return
        self.way_over = True
        if self.held:
            self._follow_in_flight()

    def _settled(self) -> bool:
        """True when the key at work cannot have anything left to do.

        The usual case, keys typed one by one: no widget on its way or on the
        focus's way has a message waiting, and the app has nothing waiting
        behind the key now in hand. (A widget's handlers run one at a time, and
        while the app runs no other handler is running unless it awaits: one
        that awaits a new screen leaves that screen's messages waiting.) Then
        following the key up would only cost time: about a millisecond of hops
        for each key typed.
        """
        app = self.app
        if app.message_queue_size:
            return False
        target = self._target() if self._target is not None else None
        for node in (target, app.focused or app.screen):
            while node is not None and node is not app:
                if node.message_queue_size:
                    return False
                node = node.parent
        return True

    # -- following ---------------------------------------------------------------------
    def _follow_in_flight(self) -> None:
        walk = self._walk = object()
        if self._overdue is None:
            self._overdue = asyncio.get_running_loop().call_later(OVERDUE, self._release, None)
        start = self._target() if self._target is not None else None
        if start is None:
            start = self.app.focused or self.app.screen
        if self.way_over:
            self._queue_after(walk, start, 0)
        else:
            self._queue_on_way(walk, start)

    def _queue_on_way(self, walk: object, node: DOMNode) -> None:
        if not node.call_later(self._on_way, walk, node):
            self._way_ends(walk)  # the widget is closing: the key goes no further

    def _on_way(self, walk: object, node: DOMNode) -> None:
        """Queued behind the key at ``node``: the node has handled it."""
        if walk is not self._walk:
            return
        parent = node.parent
        if self.in_flight._stop_propagation or parent is None or not (node.is_parent_active and node.is_attached):
            self._way_ends(walk)
        elif parent is not self.app:
            self._queue_on_way(walk, parent)
        # else: it has bubbled to the app, which says so (back_at_the_app)

    def _way_ends(self, walk: object) -> None:
        self.way_over = True
        self._follow_in_flight()

    def _queue_after(self, walk: object, node: DOMNode, stage: int) -> None:
        if not node.call_later(self._after, walk, node, stage):
            self._after(walk, node, stage)  # a closed widget has nothing left to do

    def _after(self, walk: object, node: DOMNode, stage: int) -> None:
        """Queued behind what the key set off at ``node`` (stage 0: its way up; 1: the focus now)."""
        if walk is not self._walk:
            return
        parent = node.parent
        if parent is not None and parent is not self.app:
            self._queue_after(walk, parent, stage)
        elif stage == 0:
            self._queue_after(walk, self.app.focused or self.app.screen, 1)
        elif not self.app.call_later(self._release, walk):
            self._release(walk)

    def _release(self, walk: object | None) -> None:
        """Let the next held key go (``walk`` None: it waited too long)."""
        if walk is not None and walk is not self._walk:
            return
        self._walk = None
        if self._overdue is not None:
            self._overdue.cancel()
            self._overdue = None
        self.in_flight, self._target, self.way_over = None, None, False
        if self.held:
            following = self.held.popleft()
            self.in_flight = self._released = following
            self.app.post_message(following)
