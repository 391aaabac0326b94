"""A modal list that filters as you type: the base of the speaker, phrase and item pickers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from minutes.safe_text import visible

T = TypeVar("T")


class FilterInput(Input):
    """The filter: Enter chooses the moment it comes, and keys typed after it go on to where the focus is then.

    Keys typed in one burst (an IME committing, a fast typist) are all handed to
    this field before it handles the first of them. Through Input's Submitted
    message, Enter was handled after the words typed behind it: they went into
    the filter (and into a free label), and a second Enter chose twice.
    """

    on_enter: Callable[[], None] | None = None

    def _picker_closed(self) -> bool:
        return self.screen is not self.app.screen

    def _pass_on(self, event: events.Event) -> None:
        event.stop()
        event.prevent_default()
        if isinstance(event, events.Key):
            self.app.post_message(events.Key(event.key, event.character))
        elif isinstance(event, events.Paste):
            self.app.post_message(events.Paste(event.text))

    async def _on_key(self, event: events.Key) -> None:
        if self._picker_closed():
            self._pass_on(event)  # typed after the Enter that closed the picker: the next field's
            return
        if event.key == "enter" and self.on_enter is not None:
            event.stop()
            event.prevent_default()
            self.on_enter()
            return
        # Otherwise Input's own _on_key follows (Textual calls each class's handler in turn).

    def _on_paste(self, event: events.Paste) -> None:
        if self._picker_closed():
            self._pass_on(event)  # (prevents Input's own _on_paste, which Textual calls next otherwise)


class FilterPicker(ModalScreen[T | None], Generic[T]):
    """Type to filter, up/down to move, Enter to choose, Escape to cancel."""

    BINDINGS = [
        Binding("escape", "cancel", "取消"),
        Binding("down", "move(1)", "次", show=False),
        Binding("up", "move(-1)", "前", show=False),
    ]

    DEFAULT_CSS = """
    FilterPicker {
        align: center middle;
    }
    FilterPicker > Vertical {
        width: 70%;
        max-width: 90;
        height: auto;
        max-height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    FilterPicker OptionList {
        height: auto;
        max-height: 20;
    }
    FilterPicker .hint {
        color: $text-muted;
    }
    """

    title_text = "選択"
    hint_text = "文字を入力して絞り込み、↑↓で選び、Enterで決定、Escで取消"

    def __init__(self, choices: list[tuple[str, str, T]]) -> None:
        """``choices``: (shown text, text the filter searches, value)."""
        super().__init__()
        self.choices = choices
        self._shown: list[T] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            field = FilterInput(placeholder="絞り込み", id="filter")
            field.on_enter = self._enter
            yield field
            yield OptionList(id="choices")
            yield Static(self.hint_text, classes="hint")

    def on_mount(self) -> None:
        self._refilter("")
        self.query_one("#filter", Input).focus()

    def matches(self, query: str, keys: str) -> bool:
        """True if every word of ``query`` occurs in ``keys``."""
        haystack = keys.casefold()
        return all(word.casefold() in haystack for word in query.split())

    _query: str | None = None

    def _refilter(self, query: str) -> None:
        self._query = query
        options = self.query_one("#choices", OptionList)
        options.clear_options()
        self._shown = []
        for text, keys, value in self.choices:
            if self.matches(query, keys):
                self._shown.append(value)
                options.add_option(Option(Content(visible(text))))
        matched = len(self._shown)
        for text, value in self.extra_choices(query):
            self._shown.append(value)
            options.add_option(Option(Content(visible(text))))
        if self._shown:
            # Nothing matched: the first extra choice, so that Enter takes what was typed.
            options.highlighted = 0 if matched else matched

    def extra_choices(self, query: str) -> list[tuple[str, T]]:
        """Choices offered after the matches for what is typed (none here; see SpeakerPicker)."""
        return []

    def choose(self, value: T) -> None:
        """Close with the chosen value (once: a second Enter already on its way does nothing)."""
        if self.app.screen is self:
            self.dismiss(value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value != self._query:
            self._refilter(event.value)

    def action_move(self, delta: int) -> None:
        """Move the highlight while the cursor stays in the filter."""
        options = self.query_one("#choices", OptionList)
        if not self._shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(current + delta, len(self._shown) - 1))

    def _enter(self) -> None:
        """Enter in the filter: choose from what the filter holds now (its Changed may still be on its way)."""
        query = self.query_one("#filter", Input).value
        if query != self._query:
            self._refilter(query)
        self._choose_highlighted()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose_highlighted()

    def _choose_highlighted(self) -> None:
        highlighted = self.query_one("#choices", OptionList).highlighted
        if highlighted is None or not self._shown:
            self.app.bell()
            return
        self.choose(self._shown[highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(self._shown[event.option_index])

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
