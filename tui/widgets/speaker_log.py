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
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

from minutes.model import METHOD_NAMES, METHOD_ROLL, Event, Meeting, Note, Speech, Vote
from minutes.render import event_line, note_line, speaker_label
from minutes.safe_text import visible
from minutes.textwidth import bytes_width
from minutes.votes import vote_tally
from tui.widgets.cells import wrap_cells
from tui.widgets.messages import WidgetMessage
from tui.widgets.styled_lines import StyledLines

#: Columns before the text of an entry: ``17:30 `` (time) is drawn in them.
TIME_WIDTH = 6
#: Indent of the first line of each further paragraph (one full-width space).
PARAGRAPH_INDENT = 2
#: How many drawn lines the log keeps for reuse (a few screens; each costs about a kilobyte).
KEPT_STRIPS = 256
#: How many entries' laid-out lines the log keeps (those drawn last; their heights are kept for all).
KEPT_ROWS = 2048


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
    name: str = ""
    """The person's name shown dimmed after the label (the label alone says 委員 or 道路課)."""


def vote_line(vote: Vote) -> str:
    """One line describing a recorded vote, for the log: how it was taken, the numbers, the result."""
    counts = vote_tally(vote)
    method = "" if vote.method == METHOD_ROLL else f"{METHOD_NAMES.get(vote.method, vote.method)} "
    if counts is not None:
        text = f"{method}承認{counts.approve}・不承認{counts.disapprove}・保留{counts.abstain} → {vote.result_words}"
    elif vote.tally:
        text = f"{method}{vote.tally} → {vote.result_words}"
    else:
        text = f"{method}→ {vote.result_words}"
    if vote.chair_decides:
        text += "(可否同数のため裁決)"
    return text


class Blocks(Sequence):
    """The log's blocks in order, as ``(item, entry)`` (``entry`` -1 for an item's heading).

    Kept as the block number of each item's heading only: a 10,000-entry log
    holds no tuple or dictionary slot per entry, and a
    block's number, or the block at a number, is arithmetic and a bisection.
    """

    __slots__ = ("first", "total")

    def __init__(self, first: list[int] | None = None, total: int = 0) -> None:
        #: ``first[i]``: the block number of item ``i``'s heading.
        self.first: list[int] = first if first is not None else []
        self.total = total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, block: int) -> tuple[int, int]:  # type: ignore[override]
        if block < 0:
            block += self.total
        if not 0 <= block < self.total:
            raise IndexError(block)
        item = bisect_right(self.first, block) - 1
        return item, block - self.first[item] - 1

    def __iter__(self) -> Iterator[tuple[int, int]]:
        first = self.first
        for item, start in enumerate(first):
            end = first[item + 1] if item + 1 < len(first) else self.total
            yield item, -1
            for entry in range(end - start - 1):
                yield item, entry

    def entries_of(self, item: int) -> int:
        """How many entry blocks item ``item`` has."""
        first = self.first
        end = first[item + 1] if item + 1 < len(first) else self.total
        return end - first[item] - 1

    def index_of(self, item: object, entry: object) -> int | None:
        """The block number of ``(item, entry)``, or ``None`` if the log has no such block."""
        if type(item) is not int or type(entry) is not int or not 0 <= item < len(self.first):
            return None
        if not -1 <= entry < self.entries_of(item):
            return None
        return self.first[item] + 1 + entry

    def insert_entry(self, item: int) -> int:
        """One more entry block at the end of item ``item``; returns its block number."""
        block = self.first[item] + 1 + self.entries_of(item)
        self.resize(item, 1)
        return block

    def resize(self, item: int, delta: int) -> None:
        """Item ``item`` has ``delta`` more entry blocks (fewer if negative)."""
        first = self.first
        for later in range(item + 1, len(first)):
            first[later] += delta
        self.total += delta


class LogScrollBar(ScrollBar):
    """The log's vertical scrollbar: drawn again only when it would look different.

    Every Enter moves the log's end (its length and the position change), and
    Textual then draws the whole bar again (about 0.5 ms for 27 lines), though
    in a log of thousands of lines its thumb stays on the same cells. The bar's
    cells are worked out first (cheap); when they, and everything else the
    drawing depends on, are what was drawn last time, the last lines are reused.
    """

    _drawn: tuple[tuple, list[Strip]] | None = None

    def _drawing_key(self, crop: Region) -> tuple | None:
        renderable = self.render()
        if not isinstance(renderable, ScrollBarRender) or not self.vertical:
            return None
        style = renderable.style if isinstance(renderable.style, Style) else None
        if style is None:
            return None
        width, height = self.size
        bar = renderable.render_bar(
            size=height,
            window_size=renderable.window_size,
            virtual_size=renderable.virtual_size,
            position=renderable.position,
            vertical=True,
            thickness=width,
            back_color=style.bgcolor or Color.parse("#555555"),
            bar_color=style.color or Color.parse("bright_magenta"),
        )
        app = self.app
        filters = tuple((id(line_filter), line_filter.enabled) for line_filter in self.get_line_filters())
        return (
            crop,
            self.region.size,
            tuple(bar.segments),
            self.background_colors,
            self.opacity,
            filters,
            id(app.ansi_theme),
            app.native_ansi_color,
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        key = self._drawing_key(crop)
        drawn = self._drawn
        if key is not None and drawn is not None and drawn[0] == key:
            return drawn[1]
        lines = super().render_lines(crop)
        self._drawn = None if key is None else (key, lines)
        return lines

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn = None


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
        "speaker-log--name",
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
    SpeakerLog > .speaker-log--name {
        color: $text-muted;
        text-style: dim;
    }
    SpeakerLog > .speaker-log--cursor {
        background: $boost;
    }
    SpeakerLog:focus > .speaker-log--cursor {
        background: $accent 30%;
    }
    """

    cursor: reactive[tuple[int, int] | None] = reactive(None, init=False, repaint=False)
    """The selected entry as (item index, entry index), or ``None``.

    Not a repainting reactive: :meth:`watch_cursor` draws again only the lines
    of the entries that lose and gain the highlight.
    """

    class LaidOut(WidgetMessage):
        """The log was laid out for the first time (at its width), before it is first drawn."""

    class EntryDrawn(WidgetMessage):
        """A frame showing the log's last change has just been drawn.

        The change: an entry added (:meth:`entry_appended`), or entries replaced,
        moved or deleted (:meth:`entries_replaced`). Handled once the frame is out.
        """

    class Selected(WidgetMessage):
        """The clerk chose an entry (Enter) to open it."""

        def __init__(self, log: SpeakerLog, item: int, entry: int) -> None:
            super().__init__(log)
            self.item = item
            self.entry = entry

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
        self._blocks = Blocks()
        self._heights: list[int] = []
        #: ``_starts[b]`` is the first screen line of block ``b``; one more at the end.
        self._starts = array("q", [0])
        #: Laid-out rows per entry object (entries are replaced, never changed, on edit);
        #: the most recent :data:`KEPT_ROWS` entries.
        self._rows_cache: dict[int, tuple[object, int, list[Row]]] = {}
        #: The entry of each block (``None`` for a heading): a rebuild keeps the heights found so far.
        self._entries: list[object | None] = []
        self._label_cells: dict[tuple[str | None, str | None], int] = {}
        #: Drawn lines by (id of their row, selected): the row (rows are never changed, only replaced) and its strip.
        self._strips: dict[tuple[int, bool], tuple[Row, Strip]] = {}
        self._strips_drawn_with: tuple | None = None
        #: The drawn lines with the log's CSS laid over them, by drawn line.
        self._styled = StyledLines(KEPT_STRIPS)
        #: The styles a paint uses (:meth:`_paint_style_set`), until the log's styles change.
        self._paint_style_set: dict | None = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scrollbar (a :class:`LogScrollBar`), made as Textual makes it."""
        if self._vertical_scrollbar is None:
            self._vertical_scrollbar = LogScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            self._vertical_scrollbar.display = False
            self.app._start_widget(self, self._vertical_scrollbar)
        return self._vertical_scrollbar

    # -- layout -------------------------------------------------------------
    # Laying out every entry exactly takes seconds at 10,000 entries, so the
    # log estimates each block's height from its text (cheap), lays out exactly
    # only what is drawn, and corrects the heights as it goes, keeping the
    # lines in view where they are.

    def _text_width(self) -> int:
        # Leave room for the vertical scrollbar whether it shows yet or not, so
        # that its appearing never changes the layout (nor adds a horizontal one).
        # (``size`` is inside the border and padding already.)
        return max(self.size.width - self.styles.scrollbar_size_vertical - 1, 10)

    def rebuild(self) -> None:
        """Lay the log out again (after the meeting changed) and redraw."""
        width = self._text_width()
        first_layout = self._width < 0
        known: dict[int, int] = {}
        #: Estimated cells of each speaker's label (the attendance list may have changed).
        self._label_cells: dict[tuple[str | None, str | None], int] = {}
        if width != self._width:
            self._rows_cache.clear()
            self._width = width
        else:
            # The heights found so far (exact where drawn), by entry: the old blocks'
            # entries are alive until replaced below, so their ids are theirs.
            known = {id(entry): height for entry, height in zip(self._entries, self._heights) if entry is not None}
        firsts: list[int] = []
        heights: list[int] = []
        entries: list[object | None] = []
        height_of = self._height_of
        for item_index, item in enumerate(self.meeting.agenda):
            firsts.append(len(heights))
            heights.append(len(self._heading_rows(item_index)))
            entries.append(None)
            for entry in item.log:
                height = known.get(id(entry))
                heights.append(height_of(entry) if height is None else height)
            entries.extend(item.log)
        self._blocks = Blocks(firsts, len(heights))
        self._heights = heights
        self._entries = entries
        self._recount()
        self.refresh()
        if first_layout:
            self.post_message(self.LaidOut(self))

    def entry_appended(self, item_index: int) -> None:
        """The last entry of an item is new: add its block without walking the whole log."""
        item = self.meeting.agenda[item_index]
        entry_index = len(item.log) - 1
        blocks = self._blocks
        if self._width < 0 or not 0 <= item_index < len(blocks.first) or blocks.entries_of(item_index) != entry_index:
            self.rebuild()
            return
        block = blocks.insert_entry(item_index)
        entry = item.log[entry_index]
        self._heights.insert(block, self._height_of(entry))
        self._entries.insert(block, entry)
        self._recount(block)
        self.refresh()
        self._entry_to_announce = True

    def entries_replaced(self, item_index: int, start: int, removed: int, inserted: int) -> None:
        """Entries ``start`` to ``start + removed`` of an item were replaced by the ``inserted`` now there.

        An edit, a deletion, an insertion, a move: only those blocks are laid
        out again and only the lines from there on move (the rest of a
        10,000-entry log is not walked).
        """
        blocks = self._blocks
        item = self.meeting.agenda[item_index] if 0 <= item_index < len(self.meeting.agenda) else None
        if (
            self._width < 0
            or item is None
            or len(blocks.first) != len(self.meeting.agenda)
            or not 0 <= start <= start + removed <= blocks.entries_of(item_index)
            or blocks.entries_of(item_index) - removed + inserted != len(item.log)
        ):
            self.rebuild()
            return
        block = blocks.first[item_index] + 1 + start
        entries = item.log[start : start + inserted]
        height_of = self._height_of
        before = self._starts[block + removed] - self._starts[block]
        heights = [height_of(entry) for entry in entries]
        self._heights[block : block + removed] = heights
        self._entries[block : block + removed] = entries
        if inserted != removed:
            blocks.resize(item_index, inserted - removed)
        if inserted == removed and sum(heights) == before:
            # The blocks after these start where they did: only these starts are computed again
            # (not the rest of a 10,000-entry log).
            starts = self._starts
            for offset, height in enumerate(heights[:-1]):
                starts[block + offset + 1] = starts[block + offset] + height
        else:
            self._recount(block)
        if self._starts[block + inserted] - self._starts[block] == before:
            # The same lines in the same place (a changed vote, a speaker, a move): only
            # they are drawn again, not the whole pane.
            self._refresh_blocks(block, block + inserted)
        else:
            self._refresh_blocks(block, None)  # the lines below moved
        self._entry_to_announce = True

    def _refresh_blocks(self, first: int, end: int | None) -> None:
        """Draw again the lines of blocks ``first`` to ``end`` (``None``: to the bottom of the view).

        Textual then renders only those lines of the log (and of what is drawn
        over them), not the whole pane: an edit's frame stays small.
        """
        if not self._blocks or not self.size or not 0 <= first <= len(self._blocks):
            self.refresh()
            return
        top = self._starts[first]
        if end is None:
            bottom = max(top, round(self.scroll_y) + self.size.height)
        else:
            bottom = self._starts[min(end, len(self._blocks))]
        if bottom > top:
            self.refresh_lines(top, bottom - top)

    def _refresh_entry(self, cursor: tuple[int, int] | None) -> None:
        """Draw again the lines of the entry at ``cursor`` (item index, entry index), if it is one."""
        if cursor is None:
            return
        block = self._blocks.index_of(*cursor) if self._blocks else None
        if block is None:
            self.refresh()
        else:
            self._refresh_blocks(block, block + 1)

    def _recount(self, first: int = 0) -> None:
        """Recompute where each block starts, from block ``first`` on (the ones before it did not move)."""
        starts = self._starts
        if 0 < first < len(starts):
            tail = accumulate(self._heights[first:], initial=starts[first])
            next(tail)  # the initial value: where block ``first`` starts, unchanged
            starts[first + 1 :] = array("q", tail)
        else:
            self._starts = array("q", accumulate(self._heights, initial=0))
        self._set_virtual_size(Size(self._width, self._starts[-1]))

    def _set_virtual_size(self, size: Size) -> None:
        """Set the scrollable size without asking the screen for a layout pass where none is needed.

        ``virtual_size`` is a reactive that requests a layout of the whole screen
        when it changes (about 1 ms, on every Enter). For a scroll view, all that
        layout does with it is update the scrollbar (its length, and whether it
        shows): :meth:`_scroll_update` does exactly that here. When the scrollbar
        appears or disappears, its ``display`` and ``show_vertical_scrollbar``
        change, and those still request the layout that places it.
        """
        if size == self.virtual_size:
            return
        if not self.size or not self.container_size:
            self.virtual_size = size  # not laid out yet: the first layout sets everything up
            return
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)

    def _parts(self, entry) -> tuple[str, str, list[str]]:
        """The entry's label as the minutes print it, the person's name beside it (or ""), its paragraphs."""
        if isinstance(entry, Vote):
            return "採決", "", [vote_line(entry)]
        if isinstance(entry, Note):
            return "", "", [note_line(entry)]
        if isinstance(entry, Event):
            return "", "", [event_line(entry)]
        label = visible(speaker_label(self.meeting, entry))
        name = ""
        if entry.speaker_id is not None:
            person = self.meeting.person(entry.speaker_id)
            if person is not None and person.name not in label:
                # The 要録 label (委員, 道路課) does not say who: the clerk sees whom they picked.
                name = visible(person.name)
        return label, name, entry.paragraphs

    def _paragraphs(self, entry) -> tuple[str, list[str]]:
        """The head shown before the first paragraph (label and name), and the paragraphs."""
        label, name, paragraphs = self._parts(entry)
        return (f"{label} {name}" if name else label), paragraphs

    def _height_of(self, entry) -> int:
        """The entry's height: exact if laid out already, else an estimate from its text."""
        key = id(entry)
        cached = self._rows_cache.get(key)
        if cached is not None and cached[0] is entry and cached[1] == self._width:
            return len(cached[2])
        avail = max(self._width - TIME_WIDTH, 8)
        if type(entry) is Speech and "\n" not in entry.text:
            # The common case, 10,000 times at the first layout: one paragraph, and the
            # width of its speaker's label known from the speakers seen before.
            speaker = (entry.label, entry.speaker_id)
            label_cells = self._label_cells.get(speaker)
            if label_cells is None:
                label_cells = self._label_cells[speaker] = bytes_width(self._paragraphs(entry)[0])
            return max(1, -(-(bytes_width(entry.text) + label_cells + 2) // avail))
        label, paragraphs = self._paragraphs(entry)
        height = 0
        for index, paragraph in enumerate(paragraphs):
            cells = bytes_width(paragraph) + (bytes_width(label) + 2 if index == 0 else 2)
            height += max(1, -(-cells // avail))
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
            self._keep_rows(key, entry, rows)
            return rows
        time = (entry.time or "")[:5]
        label, name, paragraphs = self._parts(entry)
        rows: list[Row] = []
        avail = max(self._width - TIME_WIDTH, 8)
        for p_index, paragraph in enumerate(paragraphs):
            head = (f"{label} {name}" if name else label)
            head = (f"{head}　" if head else "") if p_index == 0 else "　"
            for line in wrap_cells(head + visible(paragraph), avail):
                first = not rows
                rows.append(
                    Row(
                        "entry",
                        item_index,
                        entry_index,
                        time if first else "",
                        label if first else "",
                        line,
                        first,
                        name if first else "",
                    )
                )
        self._keep_rows(key, entry, rows)
        return rows

    def _keep_rows(self, key: int, entry, rows: list[Row]) -> None:
        cache = self._rows_cache
        cache[key] = (entry, self._width, rows)
        if len(cache) > KEPT_ROWS:
            del cache[next(iter(cache))]  # the oldest laid out; its height stays in _heights
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
            changed = None
            block = self._block_at(first_line)
            while block < len(self._blocks) and self._starts[block] <= last_line:
                height = len(self._block_rows(block))
                if height != self._heights[block]:
                    self._heights[block] = height
                    if changed is None:
                        changed = block
                block += 1
            if changed is None:
                return
            self._recount(changed)
            self.refresh()  # lines below the block moved: none of the lines drawn before may be reused
            target = self._starts[anchor] + anchor_offset
            if target != scroll_y:
                self.set_reactive(ScrollView.scroll_y, float(target))
                self.set_reactive(ScrollView.scroll_target_y, float(target))
                scroll_y = target
            first_line = scroll_y
            last_line = scroll_y + self.size.height

    def _first_layout(self) -> None:
        """Lay out and go to the newest lines before the log is first drawn.

        Textual draws the first frame before the log's first resize event: laid
        out only then, the log would show blank, then its first entries, then
        jump to its end. Here the first frame already shows the end.
        """
        self.rebuild()
        total = self._starts[-1]
        height = self.size.height
        self._settle(max(0, total - height * 2), total)
        bottom = float(max(0, self._starts[-1] - height))
        self.set_reactive(ScrollView.scroll_y, bottom)
        self.set_reactive(ScrollView.scroll_target_y, bottom)

    def on_resize(self) -> None:
        if self._text_width() != self._width:
            self.rebuild()

    def on_mount(self) -> None:
        if self.size.width:
            self.rebuild()  # otherwise the first resize lays it out, at its real width

    # -- drawing ----------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        if self._width < 0 and self.size.width:
            self._first_layout()
        scroll_y = round(self.scroll_y)
        self._settle(scroll_y + crop.y, scroll_y + crop.bottom)
        if self.show_vertical_scrollbar and self.vertical_scrollbar.position != self.scroll_y:
            # The view may have moved (settling, or before the scrollbar showed): keep the thumb with it.
            self.vertical_scrollbar.position = self.scroll_y
        self._paint_styles = self._current_styles()
        # Lines drawn before are reused while they would be drawn the same: after Enter
        # the log moves up and every line in view is drawn again, most of them
        # unchanged. Anything a line's look depends on besides its row is in this key.
        drawn_with = (tuple(self._paint_styles.values()), self.size.width, self.virtual_size.width, self.scroll_offset.x)
        if drawn_with != self._strips_drawn_with:
            self._strips.clear()
            self._strips_drawn_with = drawn_with
        try:
            lines = self._styled.render(self, crop, self.render_line)
            return lines if lines is not None else super().render_lines(crop)
        finally:
            self._paint_styles = None
            if self._entry_to_announce:
                self._entry_to_announce = False
                self.post_message(self.EntryDrawn(self))  # handled once this frame is out

    _paint_styles: dict | None = None
    _entry_to_announce = False

    def _current_styles(self) -> dict:
        """The log's style and its parts' (time, label …) over it; looked up again only when the styles change."""
        styles = self._paint_style_set
        if styles is None:
            base = self.rich_style
            styles = {
                name: base + self.get_component_rich_style(f"speaker-log--{name}")
                for name in ("time", "label", "heading", "vote", "cursor", "name")
            }
            styles["base"] = base
            self._paint_style_set = styles
        return styles

    def notify_style_update(self) -> None:
        # Focus, theme, CSS: the parts' styles and the styled lines are made again.
        super().notify_style_update()
        self._paint_style_set = None
        self._styled.clear()

    def _styles(self, selected: bool) -> dict:
        styles = self._paint_styles
        if styles is None:  # render_line called on its own
            styles = self._current_styles()
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
        if self._paint_styles is None or row.kind != "entry":  # on its own (no reuse key), or a heading (rows made anew)
            return self._draw_row(row, selected, scroll_x, width)
        strips = self._strips
        key = (id(row), selected)
        cached = strips.get(key)
        if cached is not None and cached[0] is row:
            return cached[1]
        strip = self._draw_row(row, selected, scroll_x, width)
        strips[key] = (row, strip)
        if len(strips) > KEPT_STRIPS:
            del strips[next(iter(strips))]  # the oldest
        return strip

    def _draw_row(self, row: Row, selected: bool, scroll_x: int, width: int) -> Strip:
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
                if row.name and rest.startswith(f" {row.name}"):
                    segments.append(Segment(f" {row.name}", styles["name"]))
                    rest = rest[len(row.name) + 1 :]
                entry = self.meeting.agenda[row.item].log[row.entry]
                segments.append(Segment(rest, styles["vote"] if isinstance(entry, Vote) else base))
            else:
                segments.append(Segment(row.text, base))
        strip = Strip(segments)
        strip = strip.extend_cell_length(max(width, self.virtual_size.width), base)
        return strip.crop(scroll_x, scroll_x + width)

    # -- cursor -----------------------------------------------------------
    def _entry_block(self, block: int, step: int) -> int | None:
        """The first entry's block from ``block`` on, going ``step`` (±1); ``None`` past the end.

        (Arithmetic on the blocks: a key press does not walk a 10,000-entry log.)
        """
        blocks = self._blocks
        while 0 <= block < len(blocks):
            if blocks[block][1] >= 0:
                return block
            block += step
        return None

    def watch_cursor(self, old: tuple[int, int] | None, new: tuple[int, int] | None) -> None:
        # Only the entries that lose and gain the highlight change (a scroll redraws all).
        self._refresh_entry(old)
        self._refresh_entry(new)
        if (old is None) != (new is None):
            self.refresh_bindings()  # the keys for a selected entry come or go (the key bar)
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
        block = self._blocks.index_of(item, entry)
        if block is not None:
            self._scroll_to_block(block)

    def scroll_to_item(self, item: int, *, animate: bool = False) -> None:
        """Bring an item's heading to the top of the view."""
        block = self._blocks.index_of(item, -1)
        if block is not None:
            self._scroll_to_block(block, top=True)

    def scroll_to_bottom(self) -> None:
        """Show the newest lines."""
        if self._blocks:
            total = self._starts[-1]
            self._settle(max(0, total - self.size.height * 2), total)
        self.scroll_end(animate=False, force=True)

    def _move(self, delta: int) -> None:
        blocks = self._blocks
        current = blocks.index_of(*self.cursor) if self.cursor is not None else None
        if current is None or self.cursor[1] < 0:
            end = self._entry_block(len(blocks) - 1, -1) if delta < 0 else self._entry_block(0, 1)
            if end is not None:
                self.cursor = blocks[end]
            return
        step = 1 if delta > 0 else -1
        for _ in range(abs(delta)):  # entry by entry, stopping at the first and the last
            following = self._entry_block(current + step, step)
            if following is None:
                break
            current = following
        self.cursor = blocks[current]

    def action_cursor_up(self) -> None:
        """Select the previous entry."""
        self._move(-1)

    def action_cursor_down(self) -> None:
        """Select the next entry."""
        self._move(1)

    def action_cursor_first(self) -> None:
        """Select the first entry."""
        block = self._entry_block(0, 1)
        if block is not None:
            self.cursor = self._blocks[block]

    def action_cursor_last(self) -> None:
        """Select the last entry."""
        block = self._entry_block(len(self._blocks) - 1, -1)
        if block is not None:
            self.cursor = self._blocks[block]

    def action_select(self) -> None:
        """Open the selected entry."""
        if self.cursor is not None:
            self.post_message(self.Selected(self, *self.cursor))

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
