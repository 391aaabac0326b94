"""A small form for one row of a list (a member, a phrase, an agenda item): :class:`RowForm`.

Its fields are described by :class:`FormField`; the committee, agenda and
attendance editors open it to add or edit a row of a :class:`~tui.widgets.row_table.RowTable`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static, TextArea


@dataclass
class FormField:
    """One field of a :class:`RowForm`.

    ``kind``: ``text`` (one line), ``multiline``, ``choice`` (a list to pick
    one from; ``choices`` are ``(shown, value)``), ``check`` (yes/no) or
    ``multi`` (several of ``choices``).
    """

    key: str
    label: str
    kind: str = "text"
    choices: Sequence[tuple[str, Any]] = ()
    suggestions: Sequence[str] = ()
    placeholder: str = ""
    required: bool = False
    follows: tuple[tuple[str, ...], Callable[[dict[str, Any]], Any]] | None = None
    """(the keys of other fields, the form's values → this field's value): set again whenever one
    of those fields changes (the voting right follows the title and role: 会長 unticks it)."""


class RowForm(ModalScreen[dict | None]):
    """Edit the fields of one row: Tab or Enter to the next field, ctrl+s to keep, Escape to cancel.

    ``check`` is called with the values and returns a Japanese message when
    they cannot be kept (the form then stays open), else ``None``.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "決定", priority=True),
        Binding("escape", "cancel", "取消"),
    ]

    DEFAULT_CSS = """
    RowForm {
        align: center middle;
    }
    RowForm > Vertical {
        width: 76;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    RowForm VerticalScroll {
        height: auto;
        max-height: 30;
    }
    RowForm .form-label {
        margin-top: 1;
        color: $text-muted;
    }
    RowForm TextArea {
        height: 6;
    }
    RowForm SelectionList {
        height: auto;
        max-height: 8;
    }
    RowForm .hint {
        color: $text-muted;
        margin-top: 1;
    }
    """

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        values: dict[str, Any] | None = None,
        check: Callable[[dict[str, Any]], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.values = dict(values or {})
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            with VerticalScroll():
                for spec in self.fields:
                    label = spec.label + ("(必須)" if spec.required else "")
                    yield Label(label, classes="form-label")
                    yield self._widget(spec)
            yield Static("Tab / Enter 次の欄 ・ ctrl+s 決定 ・ Esc 取消", classes="hint")

    def _widget(self, spec: FormField):
        value = self.values.get(spec.key)
        wid = f"field-{spec.key}"
        if spec.kind == "multiline":
            return TextArea(str(value or ""), soft_wrap=True, id=wid, tab_behavior="focus")
        if spec.kind == "choice":
            values = [v for _, v in spec.choices]
            return Select(
                [(text, v) for text, v in spec.choices],
                value=value if value in values else Select.NULL,
                allow_blank=value not in values,
                prompt="選んでください",
                id=wid,
            )
        if spec.kind == "check":
            return Checkbox(spec.placeholder or spec.label, bool(value), id=wid)
        if spec.kind == "multi":
            chosen = set(value or [])
            return SelectionList(*[(text, v, v in chosen) for text, v in spec.choices], id=wid)
        suggester = SuggestFromList(list(spec.suggestions)) if spec.suggestions else None
        return Input(str(value or ""), placeholder=spec.placeholder, suggester=suggester, id=wid)

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#field-{self.fields[0].key}").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        last = self.fields[-1].key if self.fields else None
        if event.input.id == f"field-{last}":
            self.action_save()
        else:
            self.focus_next()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._follow((event.select.id or "").removeprefix("field-"), event.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._follow((event.input.id or "").removeprefix("field-"), event.value)

    def _follow(self, key: str, value: Any) -> None:
        """Set again the fields that follow ``key`` (not for the value the form opened with)."""
        if value == self.values.get(key) or value is Select.NULL:
            return  # the value the form opened with (a Select says so when it is mounted)
        self.values[key] = value
        for spec in self.fields:
            if spec.follows is not None and key in spec.follows[0]:
                self.query_one(f"#field-{spec.key}").value = spec.follows[1](self.read())

    def read(self) -> dict[str, Any]:
        """The values as the clerk has entered them."""
        result: dict[str, Any] = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.key}")
            if spec.kind == "multiline":
                result[spec.key] = widget.text
            elif spec.kind == "choice":
                result[spec.key] = None if widget.value is Select.NULL else widget.value
            elif spec.kind == "check":
                result[spec.key] = widget.value
            elif spec.kind == "multi":
                order = [v for _, v in spec.choices]
                result[spec.key] = sorted(widget.selected, key=order.index)
            else:
                result[spec.key] = widget.value.strip()
        return result

    def action_save(self) -> None:
        """Keep the values, if they are complete and valid."""
        values = self.read()
        for spec in self.fields:
            if spec.required and (values.get(spec.key) in (None, "") or not str(values.get(spec.key)).strip()):
                self.notify(f"{spec.label}を入れてください。", severity="warning")
                self.query_one(f"#field-{spec.key}").focus()
                return
        if self.check is not None:
            problem = self.check(values)
            if problem:
                self.notify(problem, severity="warning", timeout=10)
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        """Close without keeping anything."""
        self.dismiss(None)
