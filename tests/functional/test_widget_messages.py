"""Widgets post messages up with ``control`` set, so a screen can use ``@on(Message, "#id")``.

A widget never calls its screen: the row table's keys, a chosen row of a list
table, the log's and the vote pane's messages all name the widget they came from.
"""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.screen import Screen

from minutes.interchange import meeting_from_dict
from tests.functional.appkit import demo_dict
from tui.widgets.list_table import Column, ListTable
from tui.widgets.row_table import RowTable
from tui.widgets.speaker_log import SpeakerLog
from tui.widgets.vote_pane import VotePane


class TwoTables(App):
    """Two row tables; only the handlers for ``#second`` should hear the second one's keys."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[tuple[str, str, object]] = []

    def compose(self) -> ComposeResult:
        yield RowTable(id="first")
        yield RowTable(id="second")
        yield ListTable([Column("名前", 10)], id="list")

    def on_mount(self) -> None:
        for table in self.query(RowTable):
            table.add_column("名前")
            table.show_rows([("一",), ("二",), ("三",)])
        self.query_one(ListTable).set_rows([("k1", (("一", ""),)), ("k2", (("二", ""),))])

    @on(RowTable.AddRow, "#second")
    def added(self, message: RowTable.AddRow) -> None:
        self.heard.append(("add", message.control.id, None))

    @on(RowTable.RemoveRow, "#second")
    def removed(self, message: RowTable.RemoveRow) -> None:
        self.heard.append(("remove", message.control.id, None))

    @on(RowTable.MoveRow, "#second")
    def moved(self, message: RowTable.MoveRow) -> None:
        self.heard.append(("move", message.control.id, message.delta))

    @on(RowTable.EditRow, "#second")
    def edited(self, message: RowTable.EditRow) -> None:
        self.heard.append(("edit", message.control.id, message.control.cursor_row))

    @on(ListTable.Selected, "#list")
    def chosen(self, message: ListTable.Selected) -> None:
        self.heard.append(("chosen", message.control.id, message.key))


async def test_row_table_keys_post_messages_with_the_table_as_control():
    app = TwoTables()
    async with app.run_test() as pilot:
        app.query_one("#first", RowTable).focus()
        for key in ("insert", "delete", "ctrl+down", "enter"):
            await pilot.press(key)
        assert app.heard == []  # the first table's keys reach no handler for #second
        app.query_one("#second", RowTable).focus()
        await pilot.press("down")
        for key in ("insert", "ctrl+n", "delete", "ctrl+up", "ctrl+down", "enter"):
            await pilot.press(key)
        assert app.heard == [
            ("add", "second", None),
            ("add", "second", None),
            ("remove", "second", None),
            ("move", "second", -1),
            ("move", "second", 1),
            ("edit", "second", 1),
        ]


async def test_a_chosen_list_row_names_its_table():
    app = TwoTables()
    async with app.run_test() as pilot:
        table = app.query_one(ListTable)
        table.focus()
        await pilot.press("down")
        table.action_select()
        await pilot.pause()
        assert app.heard == [("chosen", "list", "k2")]


class LogAndVotesScreen(Screen):
    """A screen holding the log and the vote pane, listening as the meeting screen does.

    (A message the log posts while it is drawn stops at the screen: the screen is its sender.)
    """

    def __init__(self) -> None:
        super().__init__()
        self.meeting = meeting_from_dict(demo_dict(), "test")
        self.heard: list[tuple[str, object]] = []

    def compose(self) -> ComposeResult:
        yield SpeakerLog(self.meeting, id="log")
        yield VotePane(self.meeting, id="votes")

    @on(SpeakerLog.LaidOut, "#log")
    def laid_out(self, message: SpeakerLog.LaidOut) -> None:
        self.heard.append(("laid out", message.control))

    @on(VotePane.Record, "#votes")
    def record(self, message: VotePane.Record) -> None:
        self.heard.append(("record", message.control))

    @on(VotePane.Leave, "#votes")
    def left(self, message: VotePane.Leave) -> None:
        self.heard.append(("left", message.control))


class LogAndVotes(App):
    CSS = "SpeakerLog { height: 20; } VotePane { height: 16; }"

    def on_mount(self) -> None:
        self.push_screen(LogAndVotesScreen())


async def test_the_log_and_the_vote_pane_name_themselves_in_their_messages():
    app = LogAndVotes()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        pane = screen.query_one(VotePane)
        pane.focus()
        await pilot.press("enter", "escape")
        log = screen.query_one(SpeakerLog)
        assert screen.heard == [("laid out", log), ("record", pane), ("left", pane)]
