"""A tie under the majority rule: the chair decides (可否同数のときは会長の決するところ)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from minutes.model import APPROVE, DISAPPROVE


class ChairDecision(ModalScreen[str | None]):
    """Ask for the chair's casting vote: F2 承認, F3 不承認, Escape back to the ballots."""

    BINDINGS = [
        Binding("f2,y", "decide('承認')", "承認"),
        Binding("f3,n", "decide('不承認')", "不承認"),
        Binding("escape", "cancel", "戻る"),
    ]

    DEFAULT_CSS = """
    ChairDecision {
        align: center middle;
    }
    ChairDecision > Vertical {
        width: 60;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    """

    def __init__(self, counts_text: str, chair: str = "会長") -> None:
        super().__init__()
        self.counts_text = counts_text
        self.chair = chair

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "可否同数"
            yield Static(f"{self.counts_text}で可否同数です。{self.chair}の決定を選んでください。")
            yield Static("F2 承認 ・ F3 不承認 ・ Esc 投票に戻る")

    def action_decide(self, result: str) -> None:
        """Record the chair's decision."""
        if result in (APPROVE, DISAPPROVE):
            self.dismiss(result)

    def action_cancel(self) -> None:
        """Back to the ballots."""
        self.dismiss(None)
