"""The formats a meeting exports to, in one table: the command line and the export screen read it.

Adding a format is adding one :class:`Format` to :data:`FORMATS`: the
``--format`` choices, the export screen's tabs and the default file name all
follow from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from minutes.model import Meeting
from minutes.render import ExportOptions

#: What an export screen tab shows: the text as it is, or Markdown rendered.
VIEW_TEXT = "text"
VIEW_MARKDOWN = "markdown"
#: A tab with no preview, only a note (a binary format: saved, never shown or copied).
VIEW_NOTE = "note"


@dataclass(frozen=True)
class Format:
    """One export format.

    - ``produce(meeting, options, style)``: the exported text (``style`` is a
      :class:`minutes.style.Style`; formats that are not styled ignore it);
    - ``styled``: printed through a style's template (``[templates]`` key ``key``);
    - ``wraps``: takes a wrap width (``--width``);
    - ``recodes``: may be saved in Shift_JIS or with CRLF (the interchange
      format is UTF-8 only);
    - ``binary``: ``produce`` returns bytes for a file (Word): never to a
      terminal, no encoding or newline choice;
    - ``views``: the export screen's tabs for it: ``(tab id, title, VIEW_…,
      preview widget id)``; none: not offered on the screen.
    """

    key: str
    label: str
    extension: str
    produce: Callable[[Meeting, ExportOptions, object], str | bytes]
    styled: bool = True
    wraps: bool = False
    recodes: bool = True
    binary: bool = False
    views: tuple[tuple[str, str, str, str], ...] = ()

    def file_name(self, meeting: Meeting) -> str:
        """``2022-03-15_第54回_会議録.txt``: the date, the number (通算, else 第N回), the kind."""
        number = meeting.serial or meeting.session
        middle = f"_第{number}回" if number else ""
        return f"{meeting.date}{middle}_会議録.{self.extension}"


def _styled(key: str, wraps: bool) -> Callable[[Meeting, ExportOptions, object], str]:
    def produce(meeting: Meeting, options: ExportOptions, style) -> str:
        from minutes.view import view_of

        if not wraps and options.width is not None:
            options = dataclasses.replace(options, width=None)
        return style.render(key, view_of(meeting, options), options.width)

    return produce


def _interchange(meeting: Meeting, options: ExportOptions, style) -> str:
    from minutes.interchange import dumps_meeting

    return dumps_meeting(meeting)


def _docx(meeting: Meeting, options: ExportOptions, style) -> bytes:
    from minutes.render_docx import render_docx  # python-docx and lxml load only for Word

    return render_docx(meeting, dataclasses.replace(options, width=None), style)


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format(
            "text", "公文書の文章", "txt", _styled("text", wraps=True), wraps=True,
            views=(("tab-text", "公文書の文章", VIEW_TEXT, "text-preview"),),
        ),
        Format(
            "markdown", "Markdown", "md", _styled("markdown", wraps=False),
            views=(
                ("tab-markdown", "Markdown(表示)", VIEW_MARKDOWN, "markdown-preview"),
                ("tab-source", "Markdown(原文)", VIEW_TEXT, "source-preview"),
            ),
        ),
        Format(
            "docx", "Word 文書", "docx", _docx, recodes=False, binary=True,
            views=(("tab-docx", "Word 文書", VIEW_NOTE, "docx-preview"),),
        ),
        Format("json", "交換形式(JSON)", "json", _interchange, styled=False, recodes=False),
    )
}
DEFAULT_FORMAT = "text"


def screen_formats() -> list[Format]:
    """The formats the export screen shows, in table order."""
    return [f for f in FORMATS.values() if f.views]
