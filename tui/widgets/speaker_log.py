"""The speaker log (発言): a line-based view of every entry of a meeting.

A :class:`~textual.scroll_view.ScrollView` that draws its own lines, so that a
log of ten thousand entries scrolls as smoothly as one of ten (Textual's
``ListView`` makes one widget per item and takes many seconds at that size).

Each entry shows its time, its speaker label and its text wrapped to the
width of the pane; item headings separate the agenda items. User text is
never parsed as markup: it is drawn as plain segments, with control
characters made visible (:func:`minutes.safe_text.visible`).

This module imports only Textual, Rich and :mod:`minutes`; it never touches
storage.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from minutes.model import Meeting, Speech, Vote
from minutes.render import speaker_label
from minutes.safe_text import visible
from minutes.votes import tally

#: Columns before the text of an entry: ``17:30 `` (time) is drawn in them.
TIME_WIDTH = 6
#: Indent of the first line of each further paragraph (one full-width space).
PARAGRAPH_INDENT = 2


@dataclass(frozen=True)
class Row:
    """One screen line of the log."""

    kind: str
    """``heading``, ``entry`` or ``blank``."""
    item: int
    """Index of the agenda item."""
    entry: int
    """Index of the entry in the item's log, or -1 for a heading."""
    time: str
    label: str
    text: str
    first: bool
    """True on the first line of an entry (where the time and label show)."""


def vote_summary(meeting: Meeting, vote: Vote) -> str:
    """One line describing a recorded vote, for the log."""
    counts = tally(vote.ballots)
    text = f"承認{counts.approve}・不承認{counts.disapprove}・保留{counts.abstain} → {vote.result}"
    if vote.chair_decides:
        text += "(可否同数・会長裁決)"
    return text


#: Characters that should not start a line (行頭禁則).
NO_LINE_START = frozenset("、。，．・：；？！）」』】〕〉》｝］ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.)]}:;?!")


def wrap_cells(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` terminal cells.

    A line that would start with 、。」 and the like takes the last character
    of the line before it along (追い出し), as Japanese typesetting does.
    """
    width = max(width, 2)
    if not text:
        return [""]
    lines = chop_cells(text, width)
    if len(lines) == 1:
        return lines
    index = 1
    while index < len(lines):
        line = lines[index]
        previous = lines[index - 1]
        if line[:1] in NO_LINE_START and len(previous) > 1 and previous[-1] not in NO_LINE_START:
            lines[index - 1] = previous[:-1]
            line = previous[-1] + line
        while cell_len(line) > width and len(line) > 1:
            if index + 1 < len(lines):
                lines[index + 1] = line[-1] + lines[index + 1]
            else:
                lines.append(line[-1])
            line = line[:-1]
        lines[index] = line
        index += 1
    return lines
    for index in range(1, len(lines)):
        line = lines[index]
        previous = lines[index - 1]
        if line[:1] in NO_LINE_START and len(previous) > 1 and previous[-1] not in NO_LINE_START:
            lines[index - 1] = previous[:-1]
            line = previous[-1] + line
            while cell_len(line) > width and len(line) > 1:
                if index + 1 < len(lines):
                    lines[index + 1] = line[-1] + lines[index + 1]
                else:
                    lines.append(line[-1])
                line = line[:-1]
            lines[index] = line
    return lines


class SpeakerLog(ScrollView, can_focus=True):
    """The log of speeches and votes of a meeting, item by item."""

    BINDINGS = [
        Binding("up", "cursor_up", "前の発言", show=False),
        Binding("down", "cursor_down", "次の発言", show=False),
        Binding("pageup", "page_up", "前のページ", show=False),
        Binding("pagedown", "page_down", "次のページ", show=False),
        Binding("home", "cursor_first", "最初", show=False),
        Binding("end", "cursor_last", "最後", show=False),
        Binding("enter", "select", "この発言を開く", show=False),
    ]

    COMPONENT_CLASSES = {
        "speaker-log--time",
        "speaker-log--label",
        "speaker-log--heading",
        "speaker-log--cursor",
        "speaker-log--vote",
    }

    DEFAULT_CSS = """
    SpeakerLog {
        background: $surface;
    }
    SpeakerLog > .speaker-log--time {
        color: $text-muted;
    }
    SpeakerLog > .speaker-log--label {
        color: $accent;
        text-style: bold;
    }
    SpeakerLog > .speaker-log--heading {
        color: $primary;
        text-style: bold;
    }
    SpeakerLog > .speaker-log--vote {
        color: $success;
    }
    SpeakerLog > .speaker-log--cursor {
        background: $boost;
    }
    SpeakerLog:focus > .speaker-log--cursor {
        background: $accent 30%;
    }
    """

    cursor: reactive[tuple[int, int] | None] = reactive(None, init=False)
    """The selected entry as (item index, entry index), or ``None``."""

    class Selected(Message):
        """The clerk chose an entry (Enter) to open it."""

        def __init__(self, item: int, entry: int) -> None:
            self.item = item
            self.entry = entry
            super().__init__()

    def __init__(
        self,
        meeting: Meeting,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.meeting = meeting
        self._rows: list[Row] = []
        self._rows_width = -1
        self._entry_first_row: dict[tuple[int, int], int] = {}
        self._heading_row: dict[int, int] = {}

    # -- building the rows ------------------------------------------------
    def _text_width(self) -> int:
        return max(self.scrollable_content_region.width - 1, 10)

    def rebuild(self) -> None:
        """Lay the rows out again (after the meeting changed) and redraw."""
        width = self._text_width()
        rows: list[Row] = []
        entry_first: dict[tuple[int, int], int] = {}
        heading_row: dict[int, int] = {}
        meeting = self.meeting
        number = 0
        for item_index, item in enumerate(meeting.agenda):
            number += 1
            heading = item.title if item.is_bare_heading else item.heading
            if rows:
                rows.append(Row("blank", item_index, -1, "", "", "", False))
            heading_row[item_index] = len(rows)
            for index, line in enumerate(wrap_cells(visible(f"({number}) {heading}"), width)):
                rows.append(Row("heading", item_index, -1, "", "", line, index == 0))
            for entry_index, entry in enumerate(item.log):
                entry_first[(item_index, entry_index)] = len(rows)
                rows.extend(self._entry_rows(item_index, entry_index, entry, width))
        self._rows = rows
        self._rows_width = width
        self._entry_first_row = entry_first
        self._heading_row = heading_row
        self.virtual_size = Size(width, len(rows))
        self.refresh()

    def _entry_rows(self, item_index: int, entry_index: int, entry, width: int) -> list[Row]:
        time = (entry.time or "")[:5]
        if isinstance(entry, Vote):
            label = "採決"
            paragraphs = [vote_summary(self.meeting, entry)]
        else:
            label = speaker_label(self.meeting, entry)
            paragraphs = entry.paragraphs
        label = visible(label)
        rows: list[Row] = []
        avail = max(width - TIME_WIDTH, 8)
        for p_index, paragraph in enumerate(paragraphs):
            if p_index == 0:
                head = f"{label}　"
                lines = wrap_cells(head + visible(paragraph), avail)
            else:
                lines = wrap_cells("　" + visible(paragraph), avail)
            for line in lines:
                first = not rows
                rows.append(Row("entry", item_index, entry_index, time if first else "", label if first else "", line, first))
        return rows

    def on_resize(self) -> None:
        if self._text_width() != self._rows_width:
            self.rebuild()

    def on_mount(self) -> None:
        self.rebuild()

    # -- drawing ----------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        selected = self.cursor is not None and row.kind == "entry" and (row.item, row.entry) == self.cursor
        if selected:
            base = base + self.get_component_rich_style("speaker-log--cursor")
        segments: list[Segment] = []
        if row.kind == "heading":
            segments.append(Segment(row.text, base + self.get_component_rich_style("speaker-log--heading")))
        elif row.kind == "entry":
            time_style = base + self.get_component_rich_style("speaker-log--time")
            segments.append(Segment(f"{row.time:<{TIME_WIDTH}}", time_style))
            if row.first and row.label and row.text.startswith(row.label):
                label_style = base + self.get_component_rich_style("speaker-log--label")
                segments.append(Segment(row.label, label_style))
                rest = row.text[len(row.label):]
                entry = self.meeting.agenda[row.item].log[row.entry]
                rest_style = base + self.get_component_rich_style("speaker-log--vote") if isinstance(entry, Vote) else base
                segments.append(Segment(rest, rest_style))
            else:
                segments.append(Segment(row.text, base))
        strip = Strip(segments)
        strip = strip.extend_cell_length(max(width, self.virtual_size.width), base)
        return strip.crop(scroll_x, scroll_x + width)

    # -- cursor -----------------------------------------------------------
    def _entry_keys(self) -> list[tuple[int, int]]:
        return list(self._entry_first_row)

    def watch_cursor(self, old: tuple[int, int] | None, new: tuple[int, int] | None) -> None:
        self.refresh()
        if new is not None:
            self.scroll_to_entry(*new)

    def scroll_to_entry(self, item: int, entry: int, *, animate: bool = False) -> None:
        """Bring an entry into view."""
        first = self._entry_first_row.get((item, entry))
        if first is None:
            return
        last = first
        while last + 1 < len(self._rows) and self._rows[last + 1].kind == "entry" and not self._rows[last + 1].first and self._rows[last + 1].item == item and self._rows[last + 1].entry == entry:
            last += 1
        self.scroll_to_region(Region(0, first, 1, last - first + 1), animate=animate, force=True)

    def scroll_to_item(self, item: int, *, animate: bool = False) -> None:
        """Bring an item's heading to the top of the view."""
        row = self._heading_row.get(item)
        if row is not None:
            self.scroll_to(y=row, animate=animate, force=True)

    def scroll_to_bottom(self) -> None:
        """Show the newest lines."""
        self.scroll_end(animate=False, force=True)

    def _move(self, delta: int) -> None:
        keys = self._entry_keys()
        if not keys:
            return
        if self.cursor not in self._entry_first_row:
            self.cursor = keys[-1] if delta < 0 else keys[0]
            return
        position = keys.index(self.cursor) + delta
        self.cursor = keys[max(0, min(position, len(keys) - 1))]

    def action_cursor_up(self) -> None:
        """Select the previous entry."""
        self._move(-1)

    def action_cursor_down(self) -> None:
        """Select the next entry."""
        self._move(1)

    def action_cursor_first(self) -> None:
        """Select the first entry."""
        keys = self._entry_keys()
        if keys:
            self.cursor = keys[0]

    def action_cursor_last(self) -> None:
        """Select the last entry."""
        keys = self._entry_keys()
        if keys:
            self.cursor = keys[-1]

    def action_select(self) -> None:
        """Open the selected entry."""
        if self.cursor is not None:
            self.post_message(self.Selected(*self.cursor))

    @property
    def row_count(self) -> int:
        """How many screen lines the log has (for tests and benchmarks)."""
        return len(self._rows)

    def row_text(self, index: int) -> str:
        """The plain text of one screen line, as drawn."""
        row = self._rows[index]
        if row.kind == "entry":
            return f"{row.time:<{TIME_WIDTH}}{row.text}"
        return row.text
