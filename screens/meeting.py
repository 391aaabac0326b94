"""The meeting screen: agenda (議事), speaker log (発言) and vote tally (採決)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList

from minutes.model import Meeting, Vote
from tui.widgets.agenda import AgendaPane
from tui.widgets.meeting_header import MeetingHeader
from tui.widgets.speaker_log import SpeakerLog
from tui.widgets.vote_pane import VotePane


class MeetingScreen(Screen):
    """One meeting: its agenda, its log and the vote of the current item."""

    BINDINGS = [
        Binding("ctrl+pagedown,alt+down", "next_item", "次の議事"),
        Binding("ctrl+pageup,alt+up", "previous_item", "前の議事"),
        Binding("escape", "close", "一覧へ"),
    ]

    def __init__(self, meeting: Meeting, meeting_id: str, *, read_only: bool = True) -> None:
        super().__init__()
        self.meeting = meeting
        self.meeting_id = meeting_id
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        yield MeetingHeader(self.meeting, id="meeting-header")
        with Horizontal(id="panes"):
            with Vertical(id="agenda-pane", classes="pane") as agenda:
                agenda.border_title = "議事"
                yield AgendaPane(self.meeting, id="agenda")
            with Vertical(id="log-pane", classes="pane") as log:
                log.border_title = "発言"
                yield SpeakerLog(self.meeting, id="log")
            with Vertical(id="vote-pane", classes="pane") as votes:
                votes.border_title = "採決"
                yield VotePane(self.meeting, id="votes")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SpeakerLog).focus()
        self._show_item(0)

    @property
    def current_item(self) -> int:
        """Index of the current agenda item."""
        return self.query_one(AgendaPane).current

    def _show_item(self, index: int) -> None:
        if not self.meeting.agenda:
            return
        index = max(0, min(index, len(self.meeting.agenda) - 1))
        self.query_one(AgendaPane).current = index
        log = self.query_one(SpeakerLog)
        log.call_after_refresh(log.scroll_to_item, index)
        item = self.meeting.agenda[index]
        votes = [entry for entry in item.log if isinstance(entry, Vote)]
        self.query_one(VotePane).show_vote(votes[-1] if votes else None)

    def action_next_item(self) -> None:
        """Move to the next agenda item."""
        self._show_item(self.current_item + 1)

    def action_previous_item(self) -> None:
        """Move to the previous agenda item."""
        self._show_item(self.current_item - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, AgendaPane):
            self._show_item(event.option_index)

    def action_close(self) -> None:
        """Back to the list of meetings (or quit when opened directly)."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
