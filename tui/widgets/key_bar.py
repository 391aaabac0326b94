"""The key bar: one line at the bottom with the keys that work now, as Textual's Footer shows them.

Textual's ``Footer`` is a container of one widget per key (fifteen on the
minute-taking screen), composed again whenever the focus moves: each of them
is styled, laid out and drawn. The key bar is a single widget that draws the
same line itself (the minute-taking screen's first frame came 13 ms
sooner, and 3 MiB lighter, without the sixteen widgets). It shows only whole
keys: one that does not fit is left out rather than cut in the middle, and the
command palette's key stays at the right end. A click on a key presses it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


@dataclass(frozen=True)
class Key:
    """One key of the bar: the key's name, how it is shown, what it does, and whether it works now."""

    key: str
    display: str
    description: str
    enabled: bool = True

    @property
    def cells(self) -> int:
        """Its width on screen: ``f2 会長`` (the space between included)."""
        return cell_len(self.display) + 1 + cell_len(self.description)


def _in_declared_order(items):
    """Active bindings node by node, each node's in the order of its own bindings before keys.toml.

    Textual moves a binding that keys.toml gave another key to the end of its node's
    bindings; the bar keeps it where the screen has it (F11 委員 where F3 委員 was).
    """
    nodes: dict[int, int] = {}
    ranks: dict[int, dict[str, int]] = {}

    def place(item) -> tuple[int, int]:
        node, binding = item[1][0], item[1][1]
        order = nodes.setdefault(id(node), len(nodes))
        rank = ranks.get(id(node))
        if rank is None:
            rank = ranks[id(node)] = {}
            for bindings in node._bindings.key_to_bindings.values():  # the node's own, no keymap applied
                for declared in bindings:
                    rank.setdefault(declared.action, len(rank))
        return order, rank.get(binding.action, len(rank))

    return sorted(items, key=place)


class KeyBar(Widget, can_focus=False):
    """The keys of the focused widget, its screen and the app that are marked ``show``."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--disabled {
            text-style: dim;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._keys: tuple[list[Key], Key | None] | None = None
        #: (first cell, end cell, key) of each key as last drawn, for clicks.
        self._spans: list[tuple[int, int, Key]] = []
        #: Words the screen puts in place of a binding's own description, by binding id:
        #: a binding's description is fixed when the class is made, what a key does may not be
        #: (F2 sets the chair, who is a 委員長 or 議長 in some councils).
        self._descriptions: dict[str, str] = {}

    @property
    def descriptions(self) -> dict[str, str]:
        return self._descriptions

    @descriptions.setter
    def descriptions(self, value: dict[str, str]) -> None:
        if value != self._descriptions:
            self._descriptions = dict(value)
            self._keys = None
            self.refresh()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self._keys = None
        self.refresh()

    def keys(self) -> tuple[list[Key], Key | None]:
        """The keys shown, in order, and the command palette's key (drawn at the right end)."""
        if self._keys is None:
            app = self.app
            shown: list[Key] = []
            actions: set[str] = set()
            palette: Key | None = None
            for key, (_node, binding, enabled, _tooltip) in _in_declared_order(self.screen.active_bindings.items()):
                if app.ENABLE_COMMAND_PALETTE and binding.action == "command_palette":  # on whatever key keys.toml gave it
                    palette = Key(key, app.get_key_display(binding), binding.description, enabled)
                elif binding.show and binding.action not in actions:
                    actions.add(binding.action)
                    description = self._descriptions.get(binding.id or "", binding.description)
                    shown.append(Key(key, app.get_key_display(binding), description, enabled))
            self._keys = (shown, palette)
        return self._keys

    def render_line(self, y: int) -> Strip:
        """The bar's one line, drawn straight as segments.

        (A ``Text`` returned from ``render`` would go through Textual's content
        pipeline, wrapping included, for a line that never wraps: about 2 ms of
        the first frame.)
        """
        width = self.size.width
        base = self.rich_style
        if y != 0:
            return Strip.blank(width, base)
        shown, palette = self.keys()
        key_style = base + self.get_component_rich_style("key-bar--key")
        text_style = base + self.get_component_rich_style("key-bar--description")
        dim = self.get_component_rich_style("key-bar--disabled", partial=True)
        right = palette.cells + 1 if palette is not None else 0
        segments: list[Segment] = []
        spans: list[tuple[int, int, Key]] = []
        x = 0
        for key in shown:
            if x + key.cells + 1 > width - right:
                break  # whole keys only: the rest would not fit
            segments.append(Segment(" ", base))
            segments.append(Segment(key.display, key_style if key.enabled else key_style + dim))
            segments.append(Segment(f" {key.description}", text_style if key.enabled else text_style + dim))
            spans.append((x, x + key.cells + 1, key))
            x += key.cells + 1
        if palette is not None and x + right <= width:
            segments.append(Segment(" " * (width - x - right), base))
            segments.append(Segment("▏", text_style))
            segments.append(Segment(palette.display, key_style))
            segments.append(Segment(f" {palette.description}", text_style))
            spans.append((width - right, width, palette))
            x = width
        self._spans = spans
        return Strip(segments, x).adjust_cell_length(width, base)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
