"""Textual's styling of a widget's lines, remembered per line of content.

Textual draws a widget's line in two steps: the widget's content line, then a
pass that lays the widget's CSS over it (background, border, padding, tint,
opacity, hatch; ``StylesCache.render_line``, about 40 µs a line). Textual
remembers the styled lines by their row on screen, so a widget whose lines all
move (the log after Enter: every line in view moves up one) pays the second
step for every line, though each content line was styled the same a moment
before.

:class:`StyledLines` does the second step with Textual's own code, and
remembers its result by the content line it was given (the same object:
widgets that keep their content lines, like the log, give the same object for
an unchanged line). A content row's styling depends on nothing else (the
widget's styles and colours aside, which empty the memory when they change);
the rows of the border, outline and padding above and below depend on their
row (a title, a corner), and are styled anew each time, as Textual does.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


class StyledLines:
    """The styled lines of one widget, by the content line they were made from (the most recent ``kept``)."""

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._lines: dict[int, tuple[Strip, Strip]] = {}
        self._made_with: tuple | None = None

    def clear(self) -> None:
        """Forget every styled line (the widget's styles changed)."""
        self._lines.clear()
        self._made_with = None

    def render(self, widget: Widget, crop: Region, content_line: Callable[[int], Strip]) -> list[Strip] | None:
        """The lines of ``crop`` as Textual's ``Widget.render_lines`` draws them; ``None`` where that needs Textual."""
        if widget.auto_links and widget.hover_style._link_id:
            # Textual restyles a hovered link over the finished lines; its own pass keeps
            # lines by row, which may be from before the lines drawn here.
            widget._styles_cache.clear()
            return None
        styles = widget.styles
        base_background, background = widget.background_colors
        app = widget.app
        size = widget.region.size
        width, height = size
        content_size = widget.content_region.size
        padding = styles.padding
        opacity = widget.opacity
        ansi_theme = app.ansi_theme
        native_ansi = app.native_ansi_color
        border_title = widget._border_title
        border_subtitle = widget._border_subtitle
        titles = (
            None if border_title is None else (border_title, *widget._get_title_style_information(base_background)),
            None if border_subtitle is None else (border_subtitle, *widget._get_subtitle_style_information(base_background)),
        )
        made_with = (base_background, background, size, content_size, padding, opacity, id(ansi_theme), native_ansi)
        lines = self._lines
        if made_with != self._made_with:
            lines.clear()
            self._made_with = made_with
        cache = widget._styles_cache
        cache._simple_strip = None  # a padding row kept from another paint (Textual resets it per paint too)
        style_line = cache.render_line
        filters = widget.get_line_filters()
        gutter = styles.gutter
        # Rows drawn by their row: the border's, the padding's above and below, and the first and
        # last (an outline's).
        first_content, end_content = max(gutter.top, 1), min(height - gutter.bottom, height - 1)
        strips: list[Strip] = []
        for y in crop.line_range:
            if first_content <= y < end_content:
                content = content_line(y - gutter.top)
                found = lines.get(id(content))
                if found is not None and found[0] is content:
                    strip = found[1]
                else:
                    strip = style_line(
                        styles, y, size, content_size, padding, base_background, background,
                        lambda _y, content=content: content, *titles, opacity, ansi_theme, native_ansi,
                    )  # fmt: skip
                    lines[id(content)] = (content, strip)
                    if len(lines) > self._kept:
                        del lines[next(iter(lines))]  # the oldest
            else:
                strip = style_line(
                    styles, y, size, content_size, padding, base_background, background,
                    content_line, *titles, opacity, ansi_theme, native_ansi,
                )  # fmt: skip
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips
