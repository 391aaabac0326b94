"""Edit the text of one entry in a multi-line editor."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea


class EntryEditor(ModalScreen[str | None]):
    """A multi-line editor: Enter breaks paragraphs, ctrl+s saves, Escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存"),
        Binding("escape", "cancel", "取消"),
    ]

    DEFAULT_CSS = """
    EntryEditor {
        align: center middle;
    }
    EntryEditor > Vertical {
        width: 80%;
        height: 70%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    EntryEditor TextArea {
        height: 1fr;
    }
    EntryEditor .hint {
        color: $text-muted;
    }
    """

    def __init__(self, text: str, title: str) -> None:
        super().__init__()
        self.original = text
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield TextArea(self.original, soft_wrap=True, id="editor")
            yield Static("Enter 改段落 ・ ctrl+s 保存 ・ Esc 取消", classes="hint")

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_save(self) -> None:
        """Save the text (an empty text is refused: delete the entry instead)."""
        text = self.query_one(TextArea).text
        if not text.strip():
            self.notify("空の発言は保存できません。消すときは一覧で Delete キーを押してください。", severity="warning")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
