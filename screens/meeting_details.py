"""The meeting's head (開催日、開会・閉会、場所、回数、題名、種類、傍聴者、会議体), edited after the fact.

The form is built from :data:`minutes.meeting_details.DETAIL_FIELDS`: one input
per field (a choice for a field with fixed values), side by side where fields
share a ``row``. ctrl+s checks every field (:func:`~minutes.meeting_details.parse_details`)
and closes with the new values; a wrong field gets the focus and the reason.
The caller saves them (one undoable change). Escape closes, asking first if
something was changed.
"""

from __future__ import annotations

import dataclasses
from itertools import groupby

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from minutes.meeting_details import DETAIL_FIELDS, DetailField, DetailsError, field_values, parse_details
from minutes.model import Meeting
from minutes.render import composed_title
from minutes.safe_text import visible
from screens.confirm import close_asking_if_changed


def field_id(key: str) -> str:
    """The widget id of a field."""
    return f"detail-{key.replace('_', '-')}"


class MeetingDetails(ModalScreen[dict | None]):
    """Edit the facts at the head of a meeting; dismissed with the new values, or ``None``."""

    BINDINGS = [
        Binding("ctrl+s", "save", "保存", priority=True, id="details.save"),
        Binding("escape", "cancel", "取消", id="details.cancel"),
    ]

    DEFAULT_CSS = """
    MeetingDetails {
        align: center middle;
    }
    MeetingDetails > Vertical {
        width: 96;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    MeetingDetails VerticalScroll {
        height: auto;
        max-height: 1fr;
    }
    MeetingDetails .detail-label {
        color: $text-muted;
        margin-top: 1;
    }
    MeetingDetails Input, MeetingDetails Select {
        background: $boost;
    }
    MeetingDetails .detail-row {
        height: auto;
    }
    MeetingDetails .detail-row > Vertical {
        width: 1fr;
        height: auto;
        padding-right: 1;
    }
    MeetingDetails .detail-field {
        height: auto;
    }
    MeetingDetails #details-title, MeetingDetails #details-hint {
        height: auto;
        color: $text-muted;
    }
    """

    def __init__(self, meeting: Meeting, fields: tuple[DetailField, ...] = DETAIL_FIELDS) -> None:
        super().__init__()
        self.meeting = meeting
        self.fields = fields
        self.original = field_values(meeting, fields)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "会議の情報"
            with VerticalScroll():
                for row, group in groupby(self.fields, key=lambda f: f.row or f.key):
                    group = list(group)
                    if len(group) == 1:
                        yield from self._field(group[0])
                    else:
                        with Horizontal(classes="detail-row"):
                            for f in group:
                                with Vertical(classes="detail-field"):
                                    yield from self._field(f)
                yield Static("", id="details-title")
            yield Static("Tab 次の欄 ・ ctrl+s 保存(ctrl+z で元に戻せます) ・ Esc 取消", id="details-hint")

    def _field(self, f: DetailField) -> ComposeResult:
        yield Label(f.label, classes="detail-label")
        value = self.original[f.key]
        if f.choices:
            options = [(choice, choice) for choice in dict.fromkeys((*f.choices, value) if value else f.choices)]
            yield Select(options, value=value or f.choices[0], allow_blank=False, id=field_id(f.key), compact=True)
        else:
            yield Input(value, placeholder=f.hint, id=field_id(f.key), compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{field_id(self.fields[0].key)}").focus()
        self._show_title()

    # -- the form ------------------------------------------------------------------
    def texts(self) -> dict[str, str]:
        """What each field holds now."""
        values = {}
        for f in self.fields:
            widget = self.query_one(f"#{field_id(f.key)}")
            values[f.key] = str(widget.value) if isinstance(widget, Select) else widget.value
        return values

    def _show_title(self) -> None:
        try:
            values = parse_details(self.meeting, self.texts(), self.fields)
        except DetailsError:
            return
        probe = dataclasses.replace(self.meeting, people=[], agenda=[], **values)
        self.query_one("#details-title", Static).update(Content(f"題名: {visible(composed_title(probe))}"))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_title()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_title()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # -- actions -----------------------------------------------------------------------
    def action_save(self) -> None:
        """Check every field; close with the new values, or say what is wrong where."""
        try:
            values = parse_details(self.meeting, self.texts(), self.fields)
        except DetailsError as error:
            if error.key:
                self.query_one(f"#{field_id(error.key)}").focus()
            self.notify(error.message, title="保存できません", severity="error", timeout=12)
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        """Close without saving (asking first when something was changed)."""
        close_asking_if_changed(self, self.texts() != self.original, "変更を保存せずに閉じますか?", "閉じる")
