"""Add someone to the meeting's attendance list from the speaker picker (a 説明員 who was not expected).

Name, group (関係課・事務局・委員 or a group of one's own such as 参考人),
title and department; checked as the interchange format checks a person (a
title always, a department for anyone but a 委員). Dismissed with the new
:class:`~minutes.model.Person` (a fresh id), or ``None``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from minutes.interchange import FormatError, person_from_dict
from minutes.model import GROUP_DEPARTMENT, Meeting, Person

FIELDS = (
    ("name", "氏名", ""),
    ("group", "区分(委員・事務局・関係課、または 参考人 など)", GROUP_DEPARTMENT),
    ("title", "肩書き(課長、係長、委員 …)", ""),
    ("department", "所属(課の名前など。委員は空でよい)", ""),
)


class AddPerson(ModalScreen[Person | None]):
    """A small form for one new person of the meeting."""

    BINDINGS = [
        Binding("ctrl+s", "save", "加える", priority=True, id="person.save"),
        Binding("escape", "cancel", "取消", id="person.cancel"),
    ]

    DEFAULT_CSS = """
    AddPerson {
        align: center middle;
    }
    AddPerson > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    AddPerson Label, AddPerson .hint {
        color: $text-muted;
    }
    """

    def __init__(self, meeting: Meeting, name: str = "") -> None:
        super().__init__()
        self.meeting = meeting
        self.name_text = name

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "出席者に加える"
            for key, label, default in FIELDS:
                yield Label(label)
                yield Input(self.name_text if key == "name" else default, id=f"person-{key}", compact=True)
            yield Static("Enter 次の欄(最後の欄で加える)・ctrl+s 加える・Esc 取消", classes="hint")

    def on_mount(self) -> None:
        # The name is typed already (from the picker): the next thing to say is the title.
        self.query_one("#person-title" if self.name_text else "#person-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "person-department":
            self.action_save()
        else:
            self.focus_next()

    def _new_id(self) -> str:
        taken = {p.id for p in self.meeting.people}
        n = 1
        while f"x{n}" in taken:
            n += 1
        return f"x{n}"

    def action_save(self) -> None:
        """Check the fields and close with the new person."""
        data = {"id": self._new_id()}
        for key, _, _ in FIELDS:
            value = self.query_one(f"#person-{key}", Input).value.strip()
            if value:
                data[key] = value
        for key, what in (("name", "氏名"), ("group", "区分"), ("title", "肩書き")):
            if key not in data:
                self.query_one(f"#person-{key}", Input).focus()
                self.notify(f"{what}を入れてください。", title="加えられません", severity="error")
                return
        try:
            person = person_from_dict(data, "出席者", "")
        except FormatError as error:
            self.notify(error.message, title="加えられません", severity="error", timeout=12)
            return
        self.dismiss(person)

    def action_cancel(self) -> None:
        """Close without adding anyone."""
        self.dismiss(None)
