"""Text over other widgets keeps its full-width characters (a fix of Textual 8's compositor).

Textual composes each line of the screen from pieces cut at every widget edge
on that line, front to back, and divides the line of each widget at every cut
inside it. A full-width character across a cut is replaced by two spaces. A
notification (or a tooltip, a menu) over the panes then loses a character at
each pane border and at the log's scrollbar under it: 「データフォ    (…)」
for 「データフォルダ(…)」, in the very message that tells the clerk what is
wrong (textual#6357, open).

:func:`apply` changes two methods of :class:`textual._compositor.Compositor`:

- ``_render_chops`` divides a widget's line only where the widget in front
  changes. The pieces a widget wins in a row become one piece, kept at the first
  of them; the others hold an empty strip (so no widget behind takes them).
- ``render_partial_update`` tells the partial update where each piece ends by
  its width rather than by the next cut (a joined piece runs past it), and
  writes every piece it touches whole: cropped at the edge of the region to
  update (the log's scrollbar under a notification, on every Enter), a piece
  could end in half a full-width character, and the terminal blanks the whole.

A partial update also draws less than Textual's: Textual draws every line of
every widget in the box around all the regions to update, so that an edit
which changes one line of the log, the vote pane and the entry bar drew the
agenda and the whole log too. Here a widget draws only the lines where it
meets one of those regions; on the other lines its pieces are held (empty),
so that no widget behind takes them.

A line without overlapping widgets has no cut inside any widget: it is composed
as before (a partial update may write a few more cells of it). Only Textual 8's compositor is changed (the methods are
private; :func:`apply` checks their shape first); the tests check the patch is
in place for the Textual installed (pinned in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence

from rich.console import Console
from rich.control import Control
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

#: Held by the pieces a widget in front won together with the one before them.
_EMPTY = Strip([], 0)

_applied = False


def _render_chops(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip | None]]:
    return _chops(self, crop, is_rendered_line, None)


def _chops(
    self: Compositor,
    crop: Region,
    is_rendered_line: Callable[[int], bool],
    regions: Collection[Region] | None,
) -> Sequence[Mapping[int, Strip | None]]:
    """The pieces of each line (see :func:`_render_chops`); with ``regions``, drawn as :func:`_renders` says."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    intersection = Region.intersection
    for region, clip, render_region, strips in _renders(self, crop, regions):
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            line_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            count = len(line_cuts) - 1  # pieces of this widget's line
            if count < 1:
                continue
            # Painting front to back: a piece still empty is this widget's.
            free = [line.get(line_cuts[index]) is None for index in range(count)]
            if strip is None:
                # Not drawn (nothing of it changed on this line): its pieces are held, so that
                # no widget behind takes them and joins them into a piece that is written.
                for index in range(count):
                    if free[index]:
                        line[line_cuts[index]] = _EMPTY
                continue
            # Divide only where that changes (and at the end).
            ends = [index for index in range(1, count) if free[index] != free[index - 1]] + [count]
            pieces = strip.divide([line_cuts[end] - render_x for end in ends])
            start = 0
            for end, piece in zip(ends, pieces):
                if free[start]:
                    line[line_cuts[start]] = piece
                    for index in range(start + 1, end):
                        line[line_cuts[index]] = _EMPTY
                start = end
    return chops


def _renders(
    self: Compositor, crop: Region, regions: Collection[Region] | None
) -> Iterator[tuple[Region, Region, Region, Sequence[Strip | None]]]:
    """Each visible widget in ``crop``, front to back: its region, clip, the screen region drawn and its lines.

    With ``regions`` (a partial update), a widget draws only the lines where it
    meets one of them; its other lines in ``crop`` are ``None`` (not drawn). An
    edit that changes two lines of the log and the vote pane no longer draws
    every line of every widget across the screen: the update's crop is the
    box around all its regions.
    """
    intersection = Region.intersection
    if regions is None:
        for region, clip, strips in self._get_renders(crop):
            yield region, clip, intersection(region, clip), strips
        return
    for widget, (region, clip) in self.visible_widgets.items():
        shown = intersection(region, clip)
        # Whole lines of the widget, never cut at the crop's sides (a piece cut there could
        # end in half a full-width character); only the lines outside the crop are dropped.
        # A widget beside the crop is kept too: its pieces are held like those of one
        # that did not change.
        first, last = max(shown.y, crop.y), min(shown.bottom, crop.bottom)
        if last <= first or not shown.width:
            continue
        shown = Region(shown.x, first, shown.width, last - first)
        top = bottom = None
        for dirty in regions:
            meet = intersection(shown, dirty)
            if meet:
                top = meet.y if top is None else min(top, meet.y)
                bottom = meet.bottom if bottom is None else max(bottom, meet.bottom)
        if top is None:
            yield region, clip, shown, [None] * shown.height
            continue
        x, _, width, _ = shown
        drawn = widget.render_lines(Region(x - region.x, top - region.y, width, bottom - top))
        lines: list[Strip | None] = [None] * (top - shown.y)
        lines.extend(drawn)
        yield region, clip, shown, lines


class WholePieces(ChopsUpdate):
    """A partial update that writes each piece of a line it touches whole, never cropped."""

    def render_segments(self, console: Console) -> str:
        """The update as terminal data: for each line, the pieces that meet the region to update."""
        sequences: list[str] = []
        append = sequences.append
        move_to = Control.move_to
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items()):
                if strip is None or x >= x2 or end <= x1:  # spans end before x2
                    continue
                append(move_to(x, y).segment.text)
                append(strip.render(console))
            if y != last_y:
                append("\n")
        return "".join(sequences)


def _render_partial_update(self: Compositor) -> ChopsUpdate | None:
    screen_region = self.size.region
    update_regions = self._dirty_regions.copy()
    self._dirty_regions.clear()
    if not update_regions:
        return None
    crop = Region.from_union(update_regions).intersection(screen_region)
    spans = list(self._regions_to_spans(update_regions))
    is_rendered_line = {y for y, _, _ in spans}.__contains__
    chops = _chops(self, crop, is_rendered_line, update_regions)
    chop_ends = [
        [x + strip.cell_length if strip is not None else end for (x, strip), end in zip(line.items(), cut_set[1:])]
        for line, cut_set in zip(chops, self.cuts)
    ]
    return WholePieces(chops, spans, chop_ends)


def _fits() -> bool:
    """True when Textual's compositor is the one the methods above were written from (Textual 8).

    (Not ``textual.__version__``: reading it imports importlib.metadata, 7 ms of the start.)
    """
    names = ("_render_chops", "_get_renders", "_regions_to_spans", "cuts", "render_partial_update")
    parameters = ChopsUpdate.__init__.__code__.co_varnames[1:4]
    return all(hasattr(Compositor, name) for name in names) and parameters == ("chops", "spans", "chop_ends")


def apply() -> bool:
    """Put the two methods in place (once); False when Textual's compositor is not the expected one (left as it is)."""
    global _applied
    if _applied:
        return True
    if not _fits():
        return False
    Compositor._render_chops = _render_chops  # type: ignore[method-assign]
    Compositor.render_partial_update = _render_partial_update  # type: ignore[method-assign]
    _applied = True
    return True
