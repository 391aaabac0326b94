"""Edit the text of one entry in a multi-line editor (or write one to insert, with its speaker)."""

from __future__ import annotations

from collections.abc import Callable

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
        # Only with speaker_for_key (inserting an entry); priority: the TextArea would take them first.
        *(Binding(f"f{n}", f"speaker_key({n})", f"F{n}", show=False, priority=True, id=f"editor.speaker.f{n}") for n in range(2, 10)),
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

    def __init__(self, text: str, title: str, *, speaker_for_key: Callable[[int], tuple[object, str] | None] | None = None) -> None:
        """``speaker_for_key``: F2–F9 choose the speaker (key number → (speaker, shown name), or ``None``)."""
        super().__init__()
        self.original = text
        self.title_text = title
        self.speaker_for_key = speaker_for_key
        self.speaker: object | None = None
        """The speaker chosen with F2–F9 here, if any."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield TextArea(self.original, soft_wrap=True, id="editor")
            yield Static("Enter 改段落 ・ ctrl+s 保存 ・ Esc 取消", classes="hint")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "speaker_key":
            return self.speaker_for_key is not None
        return True

    def action_speaker_key(self, number: int) -> None:
        """Choose the speaker of the entry being written (F2–F9, as on the meeting screen)."""
        found = self.speaker_for_key(number) if self.speaker_for_key is not None else None
        if found is None:
            self.notify(f"F{number} に発言者が割り当てられていません。", severity="warning")
            return
        self.speaker, name = found
        self.query_one(Vertical).border_title = f"{self.title_text.split(':')[0]}: {name}"

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
