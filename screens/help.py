"""The help screen (F1): every key of the screen it was opened from."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


#: Key names as the keyboard prints them (one notation in every help: ctrl+r, alt+↓, F1, Esc).
_KEY_NAMES = {
    "escape": "Esc",
    "tab": "Tab",
    "enter": "Enter",
    "space": "Space",
    "delete": "Delete",
    "insert": "Insert",
    "backspace": "BackSpace",
    "home": "Home",
    "end": "End",
    "pageup": "PageUp",
    "pagedown": "PageDown",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}


def _one_key(key: str) -> str:
    key = key.strip()
    if key.startswith("^") and len(key) > 1:
        key = "ctrl+" + key[1:]
    *mods, name = key.split("+") if key not in ("+",) else [key]
    low = name.lower()
    if low in _KEY_NAMES:
        name = _KEY_NAMES[low]
    elif len(low) > 1 and low[0] == "f" and low[1:].isdigit():
        name = low.upper()
    return "+".join([*(m.lower() for m in mods), name])


def key_notation(keys: str) -> str:
    """``ctrl+r``, ``alt+↓ / ctrl+PageDown``, ``Esc``: the help's one way of writing keys."""
    parts = []
    for part in keys.replace(",", " / ").split(" / "):
        words = part.split(" ")
        parts.append(" ".join(_one_key(w) if w and not w.startswith(("〜", "(")) else w for w in words))
    return " / ".join(parts)


class HelpScreen(ModalScreen[None]):
    """Lists keys and what they do, in groups."""

    BINDINGS = [Binding("escape,f1,q", "close", "閉じる")]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen .group {
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    """

    def __init__(self, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        """``groups``: (heading, [(keys, description), …])."""
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = "キー一覧 (Esc で閉じる)"
            for heading, rows in self.groups:
                yield Static(Content(heading), classes="group")
                rows = [(key_notation(keys), description) for keys, description in rows]
                width = max((len(keys) for keys, _ in rows), default=0) + 2
                for keys, description in rows:
                    yield Static(Content.assemble((f"{keys:<{width}}", "bold"), description))

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
