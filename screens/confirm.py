"""A yes/no question: F2 (or Enter) yes, Escape no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class Confirm(ModalScreen[bool]):
    """Ask before doing something that cannot simply be undone."""

    BINDINGS = [
        Binding("f2,enter", "answer(True)", "はい"),
        Binding("escape", "answer(False)", "いいえ"),
    ]

    DEFAULT_CSS = """
    Confirm {
        align: center middle;
    }
    Confirm > Vertical {
        width: 70;
        max-width: 90%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    Confirm .keys {
        margin-top: 1;
        color: $text-muted;
    }
    """

    def __init__(self, question: str, title: str = "確認", yes: str = "はい") -> None:
        super().__init__()
        self.question = question
        self.title_text = title
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(Content(self.question))
            yield Static(Content(f"Enter / F2 {self.yes} ・ Esc やめる"), classes="keys")

    def action_answer(self, answer: bool) -> None:
        """Close with the answer."""
        self.dismiss(answer)


def close_asking_if_changed(screen, changed: bool, question: str, yes: str) -> None:
    """Dismiss ``screen`` with ``None``; when something changed, ask first with ``question``."""
    if not changed:
        screen.dismiss(None)
        return

    def answered(answer: bool | None) -> None:
        if answer:
            screen.dismiss(None)

    screen.app.push_screen(Confirm(question, yes=yes), answered)
