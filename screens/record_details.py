"""配布資料, 署名委員 and 公開・非公開 of one meeting (alt+m on the meeting screen).

Keyboard only: Tab moves between the three parts; 配布資料 are typed one per
line (label, a space, title: ``資料1　市民アンケート調査票``; a line without a
space is a title without a label); 署名委員 are ticked with Space among the
members present; 公開・非公開 is chosen with ↑↓ and Enter, the reason typed.
ctrl+s saves, Esc cancels. The result is ``(documents, signers, disclosure)``.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, SelectionList, Static, TextArea

from minutes.model import DISCLOSURE_OPEN, DISCLOSURES, Disclosure, Document, Meeting
from minutes.render import name_with_title
from minutes.safe_text import visible

#: The first choice of 公開・非公開: the minutes say nothing about it.
NOT_STATED = "記載しない"
_SPLIT = re.compile(r"[ \u3000\t]+")


def documents_from_text(text: str) -> list[Document]:
    """One document per non-blank line: label, whitespace, title; a line without whitespace is a title."""
    documents = []
    for line in text.splitlines():
        line = line.strip(" \u3000\t")
        if not line:
            continue
        parts = _SPLIT.split(line, maxsplit=1)
        if len(parts) == 2:
            documents.append(Document(label=parts[0], title=parts[1]))
        else:
            documents.append(Document(label="", title=line))
    return documents


def documents_to_text(documents: list[Document]) -> str:
    return "\n".join(f"{doc.label}\u3000{doc.title}" if doc.label else doc.title for doc in documents)


class RecordDetailsScreen(ModalScreen[tuple[list[Document], list[str], Disclosure | None] | None]):
    """Edit the meeting's 配布資料, 署名委員 and 公開・非公開."""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", priority=True),
        Binding("escape", "cancel", "取消"),
    ]

    DEFAULT_CSS = """
    RecordDetailsScreen {
        align: center middle;
    }
    RecordDetailsScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    RecordDetailsScreen #documents {
        height: 8;
    }
    RecordDetailsScreen SelectionList {
        height: auto;
        max-height: 8;
    }
    RecordDetailsScreen .label {
        text-style: bold;
        margin-top: 1;
    }
    RecordDetailsScreen .hint {
        color: $text-muted;
    }
    """

    def __init__(self, meeting: Meeting) -> None:
        super().__init__()
        self.meeting = meeting

    def compose(self) -> ComposeResult:
        meeting = self.meeting
        with Vertical() as box:
            box.border_title = "配布資料・署名委員・公開・非公開"
            with VerticalScroll():
                yield Static("配布資料(1行に1つ: 資料1　題名。番号のない資料は題名だけ)", classes="label")
                yield TextArea(documents_to_text(meeting.documents), id="documents", soft_wrap=True)
                yield Static("署名委員(出席した委員から Space で選ぶ)", classes="label")
                members = [p for p in meeting.people if p.is_member and p.present]
                yield SelectionList[str](
                    *[(visible(name_with_title(p)), p.id, p.id in meeting.signers) for p in members], id="signers"
                )
                yield Static("公開・非公開(↑↓で選び Enter)", classes="label")
                current = meeting.disclosure.status if meeting.disclosure else NOT_STATED
                with RadioSet(id="disclosure"):
                    for choice in (NOT_STATED, *DISCLOSURES):
                        yield RadioButton(choice, value=choice == current)
                yield Input(
                    (meeting.disclosure.reason or "") if meeting.disclosure else "",
                    placeholder="非公開・一部非公開の理由",
                    id="reason",
                )
            yield Static("Tab 次へ ・ ctrl+s 保存 ・ Esc 取消", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#documents", TextArea).focus()

    def _status(self) -> str:
        pressed = self.query_one("#disclosure", RadioSet).pressed_button
        return str(pressed.label) if pressed is not None else NOT_STATED

    def action_save(self) -> None:
        documents = documents_from_text(self.query_one("#documents", TextArea).text)
        signers = list(self.query_one("#signers", SelectionList).selected)
        # keep the order of the attendance list
        order = {p.id: n for n, p in enumerate(self.meeting.people)}
        signers.sort(key=lambda pid: order.get(pid, len(order)))
        status = self._status()
        reason = self.query_one("#reason", Input).value.strip() or None
        disclosure = None
        if status != NOT_STATED:
            if status != DISCLOSURE_OPEN and reason is None:
                self.notify(f"「{status}」のときは理由を書いてください。", severity="warning")
                self.query_one("#reason", Input).focus()
                return
            disclosure = Disclosure(status=status, reason=reason)
        self.dismiss((documents, signers, disclosure))

    def action_cancel(self) -> None:
        self.dismiss(None)
