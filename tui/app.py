"""The kaigiroku Textual app."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from screens.meeting import MeetingScreen
from screens.meeting_list import MeetingListScreen
from storage import DataDir
from storage.errors import StorageError


class KaigirokuApp(App):
    """Take the minutes of a council meeting, live, in the terminal."""

    CSS_PATH = "kaigiroku.tcss"
    TITLE = "会議録"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "終了", priority=True),
    ]

    def __init__(self, data_dir: Path, meeting_id: str | None = None) -> None:
        super().__init__()
        self.datadir = DataDir(Path(data_dir))
        self.start_meeting_id = meeting_id

    def on_mount(self) -> None:
        if self.start_meeting_id is None:
            self.push_screen(MeetingListScreen(self.datadir.list_meetings()))
        else:
            self.open_meeting(self.start_meeting_id)

    def open_meeting(self, meeting_id: str) -> None:
        """Show one meeting."""
        try:
            meeting = self.datadir.load_meeting(meeting_id)
        except StorageError as error:
            self.notify(error.message, title="開けません", severity="error", timeout=10)
            return
        self.push_screen(MeetingScreen(meeting, meeting_id))
