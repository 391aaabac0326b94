"""The header of the meeting screen: title, date, clock and the time since 開会."""

from __future__ import annotations

from datetime import date, datetime

from rich.cells import cell_len, chop_cells
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from minutes import era
from minutes.model import Meeting
from minutes.render import composed_title
from minutes.safe_text import visible
from tui.clock import app_now


def elapsed_text(start: str | None, end: str | None, now: datetime, *, today: bool = True) -> str:
    """``経過 1:05`` from the opening time to now (or to the closing time).

    A meeting held on another day (``today`` false) is not before its opening
    nor running now: without a closing time nothing is counted.
    """
    if start and end:
        sh, sm = (int(x) for x in start.split(":"))
        eh, em = (int(x) for x in end.split(":"))
        minutes = (eh * 60 + em) - (sh * 60 + sm)
        return f"閉会 所要{minutes // 60}:{minutes % 60:02d}"
    if not today:
        return "閉会の時刻なし(alt+d・ctrl+g)"
    if not start:
        return "開会前"
    sh, sm = (int(x) for x in start.split(":"))
    minutes = (now.hour * 60 + now.minute) - (sh * 60 + sm)
    if minutes < 0:
        return "開会前"
    return f"経過 {minutes // 60}:{minutes % 60:02d}"


class MeetingHeader(Widget):
    """One line: the meeting's title, its date in the Japanese era, the clock and elapsed time."""

    DEFAULT_CSS = """
    MeetingHeader {
        height: 1;
        background: $panel;
        color: $text;
    }
    """

    now: reactive[datetime] = reactive(datetime.now, layout=False)
    """The time shown; ticks every second from the app's ``clock`` (tests freeze it)."""

    in_recess: reactive[bool] = reactive(False, layout=False)
    """休憩中: set by the screen when a 休憩 has no 再開 after it."""

    def __init__(self, meeting: Meeting, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.meeting = meeting

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1, self._tick)

    def _tick(self) -> None:
        self.now = app_now(self.app)

    def render(self) -> Content:
        meeting = self.meeting
        day = date.fromisoformat(meeting.date)
        when = f"{era.format_era_date(day)}({era.format_weekday(day)})"
        times = f"{meeting.start}〜{meeting.end or ''}"
        today = meeting.date == self.now.date().isoformat()
        right = f"{when} {times}  {self.now:%H:%M:%S}  {elapsed_text(meeting.start, meeting.end, self.now, today=today)}"
        if self.in_recess:
            right = "休憩中  " + right
        if meeting.is_final:
            right = "確定済み(読み取り専用)  " + right
        title = " " + visible(composed_title(meeting))
        room = self.size.width - cell_len(right) - 2
        if cell_len(title) > room:
            title = chop_cells(title, max(room - 1, 1))[0] + "…"
        gap = max(self.size.width - cell_len(title) - cell_len(right) - 1, 1)
        return Content.assemble((title, "bold"), " " * gap, (right, ""))
