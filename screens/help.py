"""The help screen (F1): every key of the screen it was opened from."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


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
                width = max((len(keys) for keys, _ in rows), default=0) + 2
                for keys, description in rows:
                    yield Static(Content.assemble((f"{keys:<{width}}", "bold"), description))

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
