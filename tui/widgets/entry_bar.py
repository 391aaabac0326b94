"""The entry bar: where the clerk types, with the current speaker beside it.

Enter commits the text; ctrl+j starts a new paragraph inside
the entry. Both keys pass through a Japanese IME that is on, unlike plain
letter keys. Text is kept exactly as typed: nothing is trimmed or converted.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.segment import Segment
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static, TextArea

from minutes.safe_text import visible

#: Characters the terminal would act on, or cannot encode (see EntryText.render_line).
_UNDRAWABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def _undrawn(match: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else ""


class EntryText(TextArea):
    """A TextArea where Enter commits (through :attr:`key_handlers`) instead of breaking the line."""

    BINDINGS = [
        # alt+enter too where the terminal tells it from Enter (the kitty keyboard protocol);
        # most send it as ESC + Enter, which Textual reads as Enter: not offered in the help.
        Binding("ctrl+j", "paragraph", "改段落", show=False),
    ]

    DEFAULT_CSS = """
    EntryText {
        /* A fixed height: the panes above never jump while a long speech is
           typed, and clearing the bar after Enter repaints only the bar. */
        height: 3;
        border: none;
        padding: 0;
        /* The scrollbar is always there (one column): a speech reaching its
           fourth line is not wrapped again narrower as the scrollbar appears,
           and the Enter that empties the bar does not lay the screen out again
           (a scrollbar that comes and goes does, every other Enter). */
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        /* Its track is the bar's own colour: only the thumb of a long speech shows. */
        scrollbar-background: $surface;
        scrollbar-background-hover: $surface;
        scrollbar-background-active: $surface;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            "",
            id=id,
            soft_wrap=True,
            compact=True,
            show_line_numbers=False,
            tab_behavior="focus",
            highlight_cursor_line=False,
        )
        #: Keys the screen handles the moment they come, in typing order (Enter: commit).
        #: Through a message or a binding, they were handled after the keys typed just
        #: after them: a fast typist's next words were wiped or merged into the entry.
        self.key_handlers: dict[str, Callable[[], object]] = {}

    async def _on_key(self, event: events.Key) -> None:
        handler = self.key_handlers.get(event.key)
        if handler is not None:
            event.stop()
            event.prevent_default()
            handler()
            return
        if event.key == "enter":
            event.stop()  # never a line break: Enter commits (the screen's handler), or does nothing
            event.prevent_default()
            return
        if event.key in ("ctrl+j", "alt+enter"):
            # A new paragraph now, before the keys typed after it (its binding would run
            # only once the key had bubbled up to the app).
            event.stop()
            event.prevent_default()
            self.action_paragraph()
            return
        if event.key.startswith("alt+"):
            # A command, never text: a terminal sends alt+s as ESC s, which Textual marks
            # printable ("s"), and the TextArea typed it instead of letting the screen's
            # alt+s (出欠), alt+k (会次第) and alt+l (一覧へ) have it. (No default handling:
            # the TextArea's own would type it; not stopped: it bubbles to the bindings.)
            event.prevent_default()
            return
        await super()._on_key(event)

    #: What the theme's styles were last taken from (see :meth:`render_lines`).
    _theme_styled_from: tuple | None = None

    def render_lines(self, crop):
        """Draw as TextArea does, taking the theme's styles from the CSS only when they can have changed.

        TextArea re-reads them (``TextAreaTheme.apply_css``: the bar's style and
        six component styles, each a walk up the DOM) before every paint: about
        0.7 ms of every Enter and of every letter's echo, for styles that change
        only with the CSS, the focus or the theme. They are re-read whenever any
        of what they are made of is not the very object it was: the theme, the
        bar's pseudo-classes, its style (which takes in its ancestors'), and its
        component styles, which Textual makes anew each time it applies the CSS.
        """
        theme = self._theme
        if theme:
            made_of = (
                theme,
                self.app.current_theme,
                self._pseudo_classes_cache_key,
                self.rich_style,
                *self._component_styles.values(),
            )
            styled_from = self._theme_styled_from
            if styled_from is None or len(styled_from) != len(made_of) or not all(
                old is new or (index in (2, 3) and old == new)
                for index, (old, new) in enumerate(zip(styled_from, made_of))
            ):
                theme.apply_css(self)
                self._theme_styled_from = made_of
        # TextArea.render_lines is the apply_css above and then this.
        return super(TextArea, self).render_lines(crop)

    def notify_style_update(self) -> None:
        self._theme_styled_from = None
        super().notify_style_update()

    def watch_has_focus(self, has_focus: bool) -> None:
        """Do not apply the style sheet to the bar again when the focus comes or goes.

        Textual's watcher applies the whole sheet to the bar, its nine component
        styles and its scrollbar's at each change of focus: about 3 ms of
        recording a vote or of Escape from the log, to reach the same styles.
        Nothing of the bar's look depends on its focus (compact: no focus
        border), in any theme (a test applies the sheet both ways); only the
        cursor does, which TextArea draws from ``has_focus`` in the redraw that
        Textual asks for on focus and blur.
        """

    # -- what is typed is kept exactly, but never reaches the terminal raw ------------------
    def render_line(self, y: int) -> Strip:
        """The line as TextArea draws it, minus what a terminal would act on.

        Control characters, ESC and bidi controls take no cell, so they are
        left out of the drawing (the text keeps them; the log shows them as
        escapes); a lone surrogate, which the terminal cannot even encode, is
        drawn as U+FFFD in its one cell. The layout and the cursor stay put.
        """
        strip = super().render_line(y)
        if not any(_UNDRAWABLE.search(segment.text) for segment in strip):
            return strip
        return Strip(
            [Segment(_UNDRAWABLE.sub(_undrawn, text), style, control) for text, style, control in strip],
            strip.cell_length,
        )


    def _refresh_size(self) -> None:
        """Update the scrollable height after the text changed, without a layout of the whole screen.

        TextArea sets ``virtual_size``, a reactive that asks the screen for a
        layout pass (about 1 ms; on every Enter, as the bar is emptied, and on
        every keystroke that wraps a line). The bar has a fixed height, so that
        layout only ever updates the bar's own scrollbar: :meth:`_scroll_update`
        does that here, as the layout would. When the scrollbar appears or
        disappears, that change still asks for the layout that places it.
        """
        if not self.soft_wrap or not self.size or not self.container_size:
            super()._refresh_size()
            return
        size = Size(0, self.wrapped_document.height)
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self.refresh()
            self._scroll_update(size)
        else:
            self._refresh_scrollbars()

    def clear_text(self) -> None:
        """Empty the bar (after Enter), with an empty undo history, as :meth:`load_text` would, but cheaper.

        ``load_text("")`` builds a new document and its wrapping; deleting the
        text keeps them. Only where the document's line break is ``\n`` (a
        restored draft may have brought ``\r\n``), so that the text of the next
        entry is joined the same way.
        """
        if self.document.newline != "\n":
            self.load_text("")
            return
        self.clear()
        self.history.clear()

    def action_paragraph(self) -> None:
        """Insert a paragraph break at the cursor."""
        start, end = self.selection
        self.replace("\n", start, end, maintain_selection_offset=False)


class EntryBar(Horizontal):
    """The speaker badge and the text being typed."""

    DEFAULT_CSS = """
    EntryBar {
        height: auto;
        border: round $accent;
        border-title-color: $text;
        padding: 0 1;
    }
    EntryBar #speaker {
        width: auto;
        max-width: 24;
        height: 1;
        padding: 0 1;
        margin-right: 1;
        background: $accent;
        color: $text;
        text-style: bold;
    }
    EntryBar.-readonly #speaker {
        background: $warning;
    }
    """

    speaker: reactive[str] = reactive("")
    """The label of the current speaker."""

    def compose(self) -> ComposeResult:
        yield Static(id="speaker")
        yield EntryText(id="entry-text")

    def on_mount(self) -> None:
        self.border_title = "入力 (Enter 確定・ctrl+j 改段落・Tab 発言者)"

    def watch_speaker(self, speaker: str) -> None:
        self.query_one("#speaker", Static).update(Content(visible(speaker) or "発言者なし"))

    @property
    def text_area(self) -> EntryText:
        """The text area of the bar."""
        return self.query_one(EntryText)

    @property
    def text(self) -> str:
        """What is typed now."""
        return self.text_area.text

    def set_text(self, text: str) -> None:
        """Replace what is typed (e.g. with a restored draft), cursor at the end."""
        area = self.text_area
        if not text:
            area.clear_text()
            return
        area.load_text(text)
        area.move_cursor(area.document.end)

    def insert(self, text: str) -> None:
        """Insert text at the cursor."""
        self.text_area.insert(text)
