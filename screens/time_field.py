"""A small field for one time (開会・閉会・an entry's time): Enter accepts what it holds.

It opens with a suggestion filled in and selected (now, for 開会 and 閉会):
Enter takes it as it is, one more key; typing replaces it (``12:05``, ``1205``,
full-width digits). A time that cannot be one is refused with the reason and
the field stays open. ``allow_empty`` lets the clerk clear the time (an
entry's time, a closing time not yet known).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from minutes.committee import normalize_time


class TimeField(ModalScreen[str | None]):
    """Ask for a time ``HH:MM``; dismissed with it (``""`` for a cleared one), or ``None``."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="time.cancel")]

    DEFAULT_CSS = """
    TimeField {
        align: center middle;
    }
    TimeField > Vertical {
        width: 56;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    TimeField Input {
        width: 16;
    }
    TimeField .hint {
        color: $text-muted;
    }
    """

    def __init__(self, title: str, suggestion: str, *, note: str = "", allow_empty: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.suggestion = suggestion
        self.note = note
        self.allow_empty = allow_empty

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.note:
                yield Static(Content(self.note), classes="hint")
            yield Input(self.suggestion, placeholder="例 12:05", id="time")
            empty = "(空にして Enter で時刻なし)" if self.allow_empty else ""
            yield Static(Content(f"Enter 決定・12:05 のように打てば置き換え{empty}・Esc 取消"), classes="hint")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.select_all()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text and self.allow_empty:
            self.dismiss("")
            return
        try:
            value = normalize_time(text)
        except ValueError as error:
            self.notify(str(error), title="時刻", severity="error", timeout=10)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
