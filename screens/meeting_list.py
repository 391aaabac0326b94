"""The start screen: every meeting in the data folder, newest first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from minutes.safe_text import visible


class MeetingListScreen(Screen):
    """The list of meetings; Enter opens the highlighted one."""

    BINDINGS = [
        Binding("enter", "open", "開く"),
        Binding("ctrl+q", "app.quit", "終了"),
    ]

    def __init__(self, rows: list[dict]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(" 会議録 kaigiroku ─ 会議の一覧", "bold"), id="list-title")
        if not self.rows:
            yield Static(
                "会議はまだありません。kaigiroku demo でデモの会議を追加するか、"
                "kaigiroku import で交換形式のファイルを取り込んでください。",
                id="empty",
            )
        options = [
            Option(
                Content.assemble(
                    (f"{row['date']}  ", "dim"),
                    visible(str(row["title"])),
                    (f"  {row.get('entry_count', 0)}件", "dim"),
                ),
                id=str(row["id"]),
            )
            for row in self.rows
        ]
        yield OptionList(*options, id="meetings")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#meetings", OptionList).focus()

    def action_open(self) -> None:
        """Open the highlighted meeting."""
        meetings = self.query_one("#meetings", OptionList)
        if meetings.highlighted is None:
            return
        option = meetings.get_option_at_index(meetings.highlighted)
        self.app.open_meeting(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_meeting(event.option.id)
