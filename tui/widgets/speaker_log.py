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

import dataclasses
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from rich.cells import chop_cells
from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from minutes.model import Meeting, Vote
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


def vote_line(vote: Vote) -> str:
    """One line describing a recorded vote, for the log."""
    counts = tally(vote.ballots)
    text = f"承認{counts.approve}・不承認{counts.disapprove}・保留{counts.abstain} → {vote.result}"
    if vote.chair_decides:
        text += "(可否同数・会長裁決)"
    return text


def estimate_cells(text: str) -> int:
    """Roughly how many terminal cells ``text`` takes: fast, and exact for kana, kanji and ASCII.

    A character of one UTF-8 byte (ASCII) takes one cell and one of three
    bytes (kana, kanji, full-width forms) two, so (bytes + characters) / 2
    counts both at C speed.
    """
    return (len(text.encode("utf-8", "surrogatepass")) + len(text)) // 2


#: Characters that should not start a line (行頭禁則).
NO_LINE_START = frozenset("、。，．・：；？！）」』】〕〉》｝］ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.)]}:;?!")


def wrap_cells(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` terminal cells.

    A line that would start with 、。」 and the like takes the last character
    of the line before it along (追い出し), as Japanese typesetting does.

    One pass, line by line (issue #6: a 100,000-character speech must not
    freeze the screen; pushing characters down line by line was quadratic).
    """
    width = max(width, 2)
    if not text:
        return [""]
    lines: list[str] = []
    position, length = 0, len(text)
    while position < length:
        if lines and text[position] in NO_LINE_START and len(lines[-1]) > 1 and lines[-1][-1] not in NO_LINE_START:
            lines[-1] = lines[-1][:-1]
            position -= 1
        line = _first_line(text, position, width)
        lines.append(line)
        position += len(line)
    return lines


def _first_line(text: str, start: int, width: int) -> str:
    """The longest start of ``text[start:]`` that fits in ``width`` cells (whole graphemes; one character at least)."""
    window = 2 * width + 32
    while True:
        chunk = text[start : start + window]
        first = chop_cells(chunk, width)[0] if chunk else ""
        if start + window >= len(text) or len(first) + 16 <= len(chunk):
            return first or text[start : start + 1]
        window *= 2


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
        overflow-x: hidden;
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
        self._width = -1
        #: One block per item heading (entry index -1) and per entry, in order.
        self._blocks: list[tuple[int, int]] = []
        self._heights: list[int] = []
        #: ``_starts[b]`` is the first screen line of block ``b``; one more at the end.
        self._starts: list[int] = [0]
        self._block_of: dict[tuple[int, int], int] = {}
        #: Laid-out rows per entry object (entries are replaced, never changed, on edit).
        self._rows_cache: dict[int, tuple[object, int, list[Row]]] = {}
        self._estimate_cache: dict[int, tuple[object, int, int]] = {}

    # -- layout -------------------------------------------------------------
    # Laying out every entry exactly takes seconds at 10,000 entries, so the
    # log estimates each block's height from its text (cheap), lays out exactly
    # only what is drawn, and corrects the heights as it goes, keeping the
    # lines in view where they are.

    def _text_width(self) -> int:
        # Leave room for the vertical scrollbar whether it shows yet or not, so
        # that its appearing never changes the layout (nor adds a horizontal one).
        gutter = self.styles.gutter.width
        return max(self.size.width - gutter - self.styles.scrollbar_size_vertical - 1, 10)

    def rebuild(self) -> None:
        """Lay the log out again (after the meeting changed) and redraw."""
        width = self._text_width()
        if width != self._width:
            self._rows_cache.clear()
            self._estimate_cache.clear()
            self._width = width
        blocks: list[tuple[int, int]] = []
        heights: list[int] = []
        block_of: dict[tuple[int, int], int] = {}
        for item_index, item in enumerate(self.meeting.agenda):
            block_of[(item_index, -1)] = len(blocks)
            blocks.append((item_index, -1))
            heights.append(len(self._heading_rows(item_index)))
            for entry_index, entry in enumerate(item.log):
                block_of[(item_index, entry_index)] = len(blocks)
                blocks.append((item_index, entry_index))
                heights.append(self._height_of(entry))
        self._blocks = blocks
        self._heights = heights
        self._block_of = block_of
        self._recount()
        self.refresh()

    def entry_appended(self, item_index: int) -> None:
        """The last entry of an item is new: add its block without walking the whole log."""
        item = self.meeting.agenda[item_index]
        entry_index = len(item.log) - 1
        previous = self._block_of.get((item_index, entry_index - 1), self._block_of.get((item_index, -1)))
        if self._width < 0 or previous is None or (item_index, entry_index) in self._block_of:
            self.rebuild()
            return
        block = previous + 1
        self._blocks.insert(block, (item_index, entry_index))
        self._heights.insert(block, self._height_of(item.log[entry_index]))
        for index in range(block, len(self._blocks)):
            self._block_of[self._blocks[index]] = index
        self._recount()
        self.refresh()

    def _recount(self) -> None:
        self._starts = [0, *accumulate(self._heights)]
        self.virtual_size = Size(self._width, self._starts[-1])

    def _paragraphs(self, entry) -> tuple[str, list[str]]:
        if isinstance(entry, Vote):
            return "採決", [vote_line(entry)]
        return visible(speaker_label(self.meeting, entry)), entry.paragraphs

    def _height_of(self, entry) -> int:
        """The entry's height: exact if laid out already, else an estimate from its text."""
        key = id(entry)
        cached = self._rows_cache.get(key)
        if cached is not None and cached[0] is entry and cached[1] == self._width:
            return len(cached[2])
        estimate = self._estimate_cache.get(key)
        if estimate is not None and estimate[0] is entry and estimate[1] == self._width:
            return estimate[2]
        label, paragraphs = self._paragraphs(entry)
        avail = max(self._width - TIME_WIDTH, 8)
        height = 0
        for index, paragraph in enumerate(paragraphs):
            cells = estimate_cells(paragraph) + (estimate_cells(label) + 2 if index == 0 else 2)
            height += max(1, -(-cells // avail))
        self._estimate_cache[key] = (entry, self._width, height)
        return height

    def _heading_rows(self, item_index: int) -> list[Row]:
        item = self.meeting.agenda[item_index]
        heading = item.title if item.is_bare_heading else item.heading
        rows = [Row("blank", item_index, -1, "", "", "", False)] if item_index else []
        for index, line in enumerate(wrap_cells(visible(f"({item_index + 1}) {heading}"), self._width)):
            rows.append(Row("heading", item_index, -1, "", "", line, index == 0))
        return rows

    def _entry_rows(self, item_index: int, entry_index: int, entry) -> list[Row]:
        key = id(entry)
        cached = self._rows_cache.get(key)
        if cached is not None and cached[0] is entry and cached[1] == self._width:
            rows = cached[2]
            if rows and (rows[0].item, rows[0].entry) == (item_index, entry_index):
                return rows
            rows = [dataclasses.replace(row, item=item_index, entry=entry_index) for row in rows]
            self._rows_cache[key] = (entry, self._width, rows)
            return rows
        time = (entry.time or "")[:5]
        label, paragraphs = self._paragraphs(entry)
        rows: list[Row] = []
        avail = max(self._width - TIME_WIDTH, 8)
        for p_index, paragraph in enumerate(paragraphs):
            head = f"{label}　" if p_index == 0 else "　"
            for line in wrap_cells(head + visible(paragraph), avail):
                first = not rows
                rows.append(
                    Row("entry", item_index, entry_index, time if first else "", label if first else "", line, first)
                )
        self._rows_cache[key] = (entry, self._width, rows)
        return rows

    def _block_rows(self, block: int) -> list[Row]:
        item_index, entry_index = self._blocks[block]
        if entry_index < 0:
            return self._heading_rows(item_index)
        return self._entry_rows(item_index, entry_index, self.meeting.agenda[item_index].log[entry_index])

    def _block_at(self, y: int) -> int:
        return max(0, min(bisect_right(self._starts, y) - 1, len(self._blocks) - 1))

    def _settle(self, first_line: int, last_line: int) -> None:
        """Lay out exactly the blocks covering these lines; keep the view still if heights change."""
        if not self._blocks:
            return
        scroll_y = round(self.scroll_y)
        anchor = self._block_at(scroll_y)
        anchor_offset = scroll_y - self._starts[anchor]
        for _ in range(4):
            changed = False
            block = self._block_at(first_line)
            while block < len(self._blocks) and self._starts[block] <= last_line:
                height = len(self._block_rows(block))
                if height != self._heights[block]:
                    self._heights[block] = height
                    changed = True
                block += 1
            if not changed:
                return
            self._recount()
            target = self._starts[anchor] + anchor_offset
            if target != scroll_y:
                self.set_reactive(ScrollView.scroll_y, float(target))
                self.set_reactive(ScrollView.scroll_target_y, float(target))
                scroll_y = target
            first_line = scroll_y
            last_line = scroll_y + self.size.height

    def on_resize(self) -> None:
        if self._text_width() != self._width:
            self.rebuild()

    def on_mount(self) -> None:
        if self.size.width:
            self.rebuild()  # otherwise the first resize lays it out, at its real width

    # -- drawing ----------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        scroll_y = round(self.scroll_y)
        self._settle(scroll_y + crop.y, scroll_y + crop.bottom)
        if self.show_vertical_scrollbar and self.vertical_scrollbar.position != self.scroll_y:
            # The view may have moved (settling, or before the scrollbar showed): keep the thumb with it.
            self.vertical_scrollbar.position = self.scroll_y
        # The styles of this paint, looked up once rather than for every line.
        base = self.rich_style
        self._paint_styles = {
            name: base + self.get_component_rich_style(f"speaker-log--{name}")
            for name in ("time", "label", "heading", "vote", "cursor")
        }
        self._paint_styles["base"] = base
        try:
            return super().render_lines(crop)
        finally:
            self._paint_styles = None

    _paint_styles: dict | None = None

    def _styles(self, selected: bool) -> dict:
        styles = self._paint_styles
        if styles is None:  # render_line called on its own
            base = self.rich_style
            styles = {
                name: base + self.get_component_rich_style(f"speaker-log--{name}")
                for name in ("time", "label", "heading", "vote", "cursor")
            }
            styles["base"] = base
        if not selected:
            return styles
        cursor = styles["cursor"]
        return {name: (style + cursor if name != "base" else cursor) for name, style in styles.items()}

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if not self._blocks or index >= self._starts[-1]:
            return Strip.blank(width, self._styles(False)["base"])
        block = self._block_at(index)
        rows = self._block_rows(block)
        offset = index - self._starts[block]
        if offset >= len(rows):
            return Strip.blank(width, self._styles(False)["base"])
        row = rows[offset]
        selected = self.cursor is not None and row.kind == "entry" and (row.item, row.entry) == self.cursor
        styles = self._styles(selected)
        base = styles["base"]
        segments: list[Segment] = []
        if row.kind == "heading":
            segments.append(Segment(row.text, styles["heading"]))
        elif row.kind == "entry":
            segments.append(Segment(f"{row.time:<{TIME_WIDTH}}", styles["time"]))
            if row.first and row.label and row.text.startswith(row.label):
                segments.append(Segment(row.label, styles["label"]))
                rest = row.text[len(row.label):]
                entry = self.meeting.agenda[row.item].log[row.entry]
                segments.append(Segment(rest, styles["vote"] if isinstance(entry, Vote) else base))
            else:
                segments.append(Segment(row.text, base))
        strip = Strip(segments)
        strip = strip.extend_cell_length(max(width, self.virtual_size.width), base)
        return strip.crop(scroll_x, scroll_x + width)

    # -- cursor -----------------------------------------------------------
    def _entry_keys(self) -> list[tuple[int, int]]:
        return [key for key in self._blocks if key[1] >= 0]

    def watch_cursor(self, old: tuple[int, int] | None, new: tuple[int, int] | None) -> None:
        self.refresh()
        if new is not None:
            self.scroll_to_entry(*new)

    def _scroll_to_block(self, block: int, *, top: bool = False) -> None:
        start = self._starts[block]
        self._settle(start, start + self._heights[block])
        start = self._starts[block]
        height = self._heights[block]
        if top:
            self.scroll_to(y=start, animate=False, force=True)
        else:
            self.scroll_to_region(Region(0, start, 1, max(height, 1)), animate=False, force=True)

    def scroll_to_entry(self, item: int, entry: int, *, animate: bool = False) -> None:
        """Bring an entry into view."""
        block = self._block_of.get((item, entry))
        if block is not None:
            self._scroll_to_block(block)

    def scroll_to_item(self, item: int, *, animate: bool = False) -> None:
        """Bring an item's heading to the top of the view."""
        block = self._block_of.get((item, -1))
        if block is not None:
            self._scroll_to_block(block, top=True)

    def scroll_to_bottom(self) -> None:
        """Show the newest lines."""
        if self._blocks:
            total = self._starts[-1]
            self._settle(max(0, total - self.size.height * 2), total)
        self.scroll_end(animate=False, force=True)

    def _move(self, delta: int) -> None:
        keys = self._entry_keys()
        if not keys:
            return
        if self.cursor not in self._block_of or (self.cursor is not None and self.cursor[1] < 0):
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
        """How many screen lines the log has (exact after :meth:`settle_all`)."""
        return self._starts[-1] if self._blocks else 0

    def settle_all(self) -> None:
        """Lay out every block exactly (tests; the screen never needs it)."""
        if self._blocks:
            self._heights = [len(self._block_rows(block)) for block in range(len(self._blocks))]
            self._recount()

    def row_text(self, index: int) -> str:
        """The plain text of one screen line, as drawn."""
        block = self._block_at(index)
        rows = self._block_rows(block)
        offset = index - self._starts[block]
        if offset >= len(rows):
            return ""
        row = rows[offset]
        if row.kind == "entry":
            return f"{row.time:<{TIME_WIDTH}}{row.text}"
        return row.text
