"""Ask for a file path, prefilled with a sensible default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class PathDialog(ModalScreen[str | None]):
    """Enter to accept the path, Escape to cancel."""

    BINDINGS = [Binding("escape", "cancel", "やめる")]

    DEFAULT_CSS = """
    PathDialog {
        align: center middle;
    }
    PathDialog > Vertical {
        width: 90%;
        max-width: 110;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    PathDialog .hint {
        color: $text-muted;
    }
    """

    def __init__(self, title: str, default: str, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.hint = hint or "Enter で決定 ・ Esc でやめる"

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Input(self.default, id="path")
            yield Static(Content(self.hint), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value:
            self.app.bell()
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        """Close without a path."""
        self.dismiss(None)


def save_where_chosen(screen, value: str | None, name: str, write: Callable[[Path], object]) -> None:
    """After a :class:`PathDialog`: write to the path given (a folder gets ``name`` in it).

    An existing file is overwritten only after asking; a path in the data folder is refused
    (it could be a meeting file); Esc in the dialog (``None``) does nothing.
    """
    from screens.confirm import Confirm

    if not value:
        return
    path = Path(value).expanduser()
    if path.is_dir():
        path = path / name
    from storage.errors import StorageError

    try:
        screen.app.datadir.refuse_inside(path)  # never over a meeting file or the library
    except StorageError as error:
        screen.notify(error.message, title="書き出せません", severity="error", timeout=15)
        return
    if path.exists():

        def answered(yes: bool | None) -> None:
            if yes:
                write(path)

        screen.app.push_screen(Confirm(f"「{path}」はもうあります。上書きしますか。", "上書きの確認", "上書きする"), answered)
        return
    write(path)
