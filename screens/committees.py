"""The committees (会議体) of the data folder: new, edit, delete, make one from a meeting.

Keys: Insert / F2 new, Enter edit, Delete / F8 delete (asks first), F3 make
one from a meeting (its roster and staff, so nothing is typed twice), F5 a
new meeting of the highlighted committee, Escape back.

Everything goes through ``app.datadir``; when the folder is read-only
(``app.read_only_reason``) changes are refused with a message.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from minutes.committee import Committee, committee_from_meeting
from minutes.model import RULE_NAMES
from minutes.safe_text import visible
from screens.committee_editor import CommitteeEditor
from screens.confirm import Confirm
from screens.filter_picker import FilterPicker
from storage.errors import StorageError
from tui.read_only import refuse_if_read_only
from tui.widgets.key_bar import KeyBar


class MeetingPicker(FilterPicker[str]):
    """Choose a meeting of the data folder (returns its id)."""

    title_text = "会議を選ぶ(その会議の名簿から会議体を作ります)"


class CommitteesScreen(Screen):
    """The list of committees."""

    BINDINGS = [
        Binding("f2,insert", "new", "新規"),  # F2 first: the key bar shows it (many laptops have no Insert key)
        Binding("enter", "edit", "編集", show=False),
        Binding("f3", "from_meeting", "会議から作る"),
        Binding("f5", "new_meeting", "新しい会議"),
        Binding("delete,f8", "delete", "削除"),
        Binding("escape", "back", "戻る"),
    ]

    DEFAULT_CSS = """
    CommitteesScreen #committees-title {
        height: 1;
        background: $panel;
    }
    CommitteesScreen #committees {
        height: 1fr;
    }
    CommitteesScreen #committees-message {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    CommitteesScreen #committees-problems {
        height: auto;
        padding: 0 1;
        color: $error;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.committees: list[Committee] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(" 会議録 kaigiroku ─ 会議体の一覧", "bold"), id="committees-title")
        yield OptionList(id="committees")
        yield Static("", id="committees-problems")
        yield Static(
            "Enter 編集 ・ Insert/F2 新規 ・ F3 会議から作る ・ F5 この会議体で新しい会議 ・ Delete/F8 削除 ・ Esc 戻る",
            id="committees-message",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#committees", OptionList).focus()

    # -- data ------------------------------------------------------------------------------
    @property
    def datadir(self):
        return self.app.datadir

    def reload(self, select_id: str | None = None) -> None:
        """Read the committees again and show them."""
        problems: list[str] = []
        try:
            self.committees, problems = self.datadir.committees_and_problems()
        except StorageError as error:
            self.committees = []
            problems = [error.message]
        options = self.query_one("#committees", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for committee in self.committees:
            options.add_option(Option(self._line(committee), id=committee.id))
        if not self.committees:
            options.add_option(
                Option(Content("会議体はまだありません。Insert(F2)で新しく作るか、F3 で会議の名簿から作ってください。"), disabled=True)
            )
        self.query_one("#committees-problems", Static).update(Content("\n".join(problems)))
        if self.committees:
            index = highlighted or 0
            if select_id is not None:
                index = next((n for n, c in enumerate(self.committees) if c.id == select_id), index)
            options.highlighted = max(0, min(index, len(self.committees) - 1))

    @staticmethod
    def _line(committee: Committee) -> Content:
        staff = len(committee.secretariat) + sum(len(s) for s in committee.departments.values())
        details = f"  委員{len(committee.members)}名・職員{staff}名・{RULE_NAMES.get(committee.rule, committee.rule)}"
        if committee.place:
            details += f"・{committee.place}"
        return Content.assemble(visible(committee.name), (visible(details), "dim"))

    @property
    def current(self) -> Committee | None:
        """The highlighted committee."""
        index = self.query_one("#committees", OptionList).highlighted
        if index is None or not self.committees or index >= len(self.committees):
            return None
        return self.committees[index]

    def _refuse_if_read_only(self) -> bool:
        return refuse_if_read_only(self, "会議体は変更できません", timeout=10)

    def _changeable_current(self) -> Committee | None:
        """The highlighted committee, if it may be changed (a bell without one, a message when read-only)."""
        committee = self.current
        if committee is None:
            self.app.bell()
            return None
        if self._refuse_if_read_only():
            return None
        return committee

    # -- actions ----------------------------------------------------------------------------
    def _open_editor(self, committee: Committee | None, is_new: bool) -> None:
        def done(saved: Committee | None) -> None:
            self.reload(saved.id if saved else None)

        self.app.push_screen(CommitteeEditor(committee, is_new=is_new), done)

    def action_new(self) -> None:
        """A new, empty committee."""
        if self._refuse_if_read_only():
            return
        self._open_editor(None, True)

    def action_edit(self) -> None:
        """Edit the highlighted committee."""
        committee = self._changeable_current()
        if committee is None:
            return
        self._open_editor(committee, False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()

    def action_delete(self) -> None:
        """Delete the highlighted committee after asking (its meetings stay)."""
        committee = self._changeable_current()
        if committee is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.datadir.delete_committee(committee.id)
            except StorageError as error:
                self.notify(error.message, title="削除できませんでした", severity="error", timeout=15)
                return
            self.notify(f"会議体「{committee.name}」を削除しました。")
            self.reload()

        self.app.push_screen(
            Confirm(
                f"会議体「{committee.name}」を削除しますか?\nこの会議体の会議録は消えません。",
                title="会議体の削除",
                yes="削除する",
            ),
            answered,
        )

    def action_from_meeting(self) -> None:
        """Make a committee from a meeting's attendance list (e.g. the demo)."""
        if self._refuse_if_read_only():
            return
        try:
            rows = self.datadir.list_meetings()
        except StorageError as error:
            self.notify(error.message, title="会議の一覧を読めません", severity="error", timeout=15)
            return
        if not rows:
            self.notify("会議がありません。kaigiroku demo でデモの会議を追加するか、会議体を新しく作ってください。", severity="warning")
            return
        choices = [
            (f"{row['date']}  {row['title']}", f"{row['date']} {row['title']} {row['body']}", row["id"]) for row in rows
        ]

        def chosen(meeting_id: str | None) -> None:
            if meeting_id is None:
                return
            try:
                meeting = self.datadir.load_meeting(meeting_id)
            except StorageError as error:
                self.notify(error.message, title="会議を開けません", severity="error", timeout=15)
                return
            committee = committee_from_meeting(meeting)
            if any(c.name == committee.name for c in self.committees):
                self.notify(
                    f"会議体「{committee.name}」はもうあります。名前を変えてから保存してください。",
                    severity="warning",
                    timeout=10,
                )
            self._open_editor(committee, True)

        self.app.push_screen(MeetingPicker(choices), chosen)

    def action_new_meeting(self) -> None:
        """A new meeting of the highlighted committee."""
        committee = self._changeable_current()
        if committee is None:
            return
        from screens.new_meeting import NewMeetingScreen

        self.app.push_screen(NewMeetingScreen(committee_id=committee.id))

    def action_back(self) -> None:
        """Back to where the list was opened from."""
        self.dismiss(None)
