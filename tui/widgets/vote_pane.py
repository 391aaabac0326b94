"""The vote tally pane (採決): voters, ballots, counts, rule, quorum and result, live.

The voters are the present members with a voting right. While the pane has
focus, up/down choose a voter and left/right (or space) change the ballot:
承認 → 不承認 → 保留. Enter asks to record the vote; Escape leaves the pane.
"""

from __future__ import annotations

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from minutes.model import (
    ABSTAIN,
    APPROVE,
    BALLOT_VALUES,
    DISAPPROVE,
    METHOD_ROLL,
    RULE_MAJORITY,
    RULE_NAMES,
    Meeting,
    Vote,
)
from minutes.render import vote_summary
from minutes.safe_text import visible
from minutes.votes import chair_title, decide, is_tie, quorum_present, quorum_required, tally
from tui.widgets.messages import WidgetMessage
from tui.widgets.styled_lines import StyledLines

#: A line of the pane: its pieces, each (text, style): "" plain, or "bold", "reverse", "dim".
Line = tuple[tuple[str, str], ...]

#: The pieces' styles, over the pane's own.
PIECE_STYLES = {"": Style(), "bold": Style(bold=True), "reverse": Style(reverse=True), "dim": Style(dim=True)}

#: Ballots as the pane shows them, padded to one width so the names line up.
BALLOT_MARKS = {APPROVE: "承認  ", DISAPPROVE: "不承認", ABSTAIN: "保留  "}
NO_BALLOT = "―     "


class VotePane(Widget, can_focus=True):
    """Shows and edits the ballots of a vote."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "前の委員", show=False),
        Binding("down", "cursor(1)", "次の委員", show=False),
        Binding("right,space", "cycle(1)", "賛否を変える", show=False),
        Binding("left", "cycle(-1)", "賛否を戻す", show=False),
        Binding("1", "set('承認')", "承認", show=False),
        Binding("2", "set('不承認')", "不承認", show=False),
        Binding("3", "set('保留')", "保留", show=False),
        Binding("enter", "record", "採決を記録"),
        Binding("m", "method", "挙手・起立など", show=False),
        Binding("escape", "leave", "入力へ戻る"),
    ]

    DEFAULT_CSS = """
    VotePane {
        height: auto;
        padding: 0 1;
    }
    VotePane:focus {
        background: $boost;
    }
    """

    cursor: reactive[int] = reactive(0)
    ballots: reactive[dict[str, str]] = reactive(dict, always_update=True)
    editing_uid: reactive[str | None] = reactive(None)
    """The uid of the recorded vote being changed, or ``None`` for a new vote."""

    class Record(WidgetMessage):
        """The clerk asked to record the ballots shown."""

        def __init__(self, pane: VotePane, ballots: dict[str, str], editing_uid: str | None) -> None:
            super().__init__(pane)
            self.ballots = ballots
            self.editing_uid = editing_uid

    class Leave(WidgetMessage):
        """The clerk left the pane without recording."""

    class ChooseMethod(WidgetMessage):
        """The clerk wants a vote taken otherwise than by roll call (show of hands, standing …)."""

    def __init__(
        self,
        meeting: Meeting,
        *,
        id: str | None = None,
        classes: str | None = None,
        rule: str = RULE_MAJORITY,
        quorum: int | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.meeting = meeting
        self.rule = rule
        """The vote rule of the committee (過半数 by default)."""
        self.quorum = quorum
        """Members needed for the meeting to stand (default: more than half)."""
        self.last_vote: Vote | None = None
        self.moment: str | None = None
        """The time of the vote being taken (``HH:MM``): who has left by then does not vote."""
        self._lines: list[Line] | None = None
        self._rows: tuple[int, list[Line]] | None = None
        #: Drawn rows by row (``None``: below the text), with the pane's style they were drawn in
        #: (a ballot changes one row).
        self._drawn: dict[Line | None, Strip] = {}
        self._drawn_in: Style | None = None
        self._styled = StyledLines(64)

    @property
    def voters(self):
        """The voters of the vote being taken."""
        return self.meeting.voters_at(self.moment)

    # -- state -----------------------------------------------------------
    def start(self, vote: Vote | None = None, moment: str | None = None) -> None:
        """Begin a new vote (all 承認 preset) or change a recorded one."""
        self.moment = vote.time if vote is not None and vote.time else moment
        voters = self.voters
        if vote is not None:
            voters = [p for p in self.meeting.people if p.id in vote.ballots or p in voters]
        if vote is None:
            self.editing_uid = None
            self.ballots = {p.id: APPROVE for p in voters}
        else:
            self.editing_uid = vote.uid
            self.rule = vote.rule
            self.ballots = {p.id: vote.ballots.get(p.id, APPROVE) for p in voters}
        self.cursor = 0

    def show_vote(self, vote: Vote | None) -> None:
        """Show the last recorded vote of the current item (when not voting)."""
        self.last_vote = vote
        self._content_changed()

    def watch_ballots(self) -> None:
        self._content_changed()

    def watch_editing_uid(self) -> None:
        self._content_changed()

    def _content_changed(self) -> None:
        # A pane of a fixed height (the meeting screen's) is only drawn again: a layout
        # of the whole screen (tens of milliseconds) is needed only when it sizes itself.
        self._lines = self._rows = None
        height = self.styles.height
        self.refresh(layout=height is None or height.is_auto)

    def watch_cursor(self) -> None:
        self._lines = self._rows = None

    def watch_has_focus(self, value: bool) -> None:
        super().watch_has_focus(value)
        self._lines = self._rows = None  # the chosen voter is marked only while the pane has focus

    @property
    def voting(self) -> bool:
        """True while ballots are being entered."""
        return bool(self.ballots) or self.editing_uid is not None

    def stop(self) -> None:
        """Leave voting mode."""
        self.editing_uid = None
        self.ballots = {}

    # -- actions ---------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        """Choose another voter."""
        count = len(self._shown_voters())
        if count:
            self.cursor = (self.cursor + delta) % count

    def _shown_voters(self):
        if self.voting and self.ballots:
            return [p for p in self.meeting.people if p.id in self.ballots]
        return self.voters

    def _voter_id(self) -> str | None:
        voters = self._shown_voters()
        if not voters:
            return None
        return voters[min(self.cursor, len(voters) - 1)].id

    def action_cycle(self, delta: int) -> None:
        """Change the chosen voter's ballot: 承認 → 不承認 → 保留."""
        voter = self._voter_id()
        if voter is None:
            return
        ballots = dict(self.ballots)
        current = ballots.get(voter, APPROVE)
        ballots[voter] = BALLOT_VALUES[(BALLOT_VALUES.index(current) + delta) % len(BALLOT_VALUES)]
        self.ballots = ballots

    def action_set(self, value: str) -> None:
        """Set the chosen voter's ballot."""
        voter = self._voter_id()
        if voter is not None:
            self.ballots = {**self.ballots, voter: value}
            self.action_cursor(1)

    def action_record(self) -> None:
        """Ask the screen to record the vote."""
        self.post_message(self.Record(self, dict(self.ballots), self.editing_uid))

    def action_method(self) -> None:
        """Ask the screen for a vote by another method (the roll call shown is dropped)."""
        self.post_message(self.ChooseMethod(self))

    def action_leave(self) -> None:
        """Back to the entry bar without recording."""
        self.post_message(self.Leave(self))

    # -- drawing ---------------------------------------------------------
    # The pane draws its rows itself, as a few pieces of text each, rather than as one
    # Content that Textual lays out: recording a vote moves the focus, which changes
    # every row's background, and Textual's layout of the whole pane was a millisecond
    # of the frame that shows the vote recorded. Rows are broken where Textual breaks them.
    def lines(self) -> list[Line]:
        """The pane's lines as they are shown now (before they are broken to its width)."""
        if self._lines is not None:
            return self._lines
        meeting = self.meeting
        members = meeting.members
        present = sum(1 for m in members if m.present)
        required = self.quorum or quorum_required(len(members))
        quorum = "成立" if quorum_present(meeting, required) else "不成立"
        lines: list[Line] = [
            ((f"出席委員 {present}/{len(members)}名", ""),),
            ((f"定足数 {required}名 {quorum}", ""),),
            ((f"規則 {RULE_NAMES.get(self.rule, self.rule)}", ""),),
            (),
        ]
        voting = self.voting
        ballots = self.ballots if voting else (self.last_vote.ballots if self.last_vote else {})
        shown = self._shown_voters() if voting else (
            [p for p in meeting.people if p.id in ballots] if self.last_vote else self.voters
        )
        focused = self.has_focus
        for index, person in enumerate(shown):
            chosen = voting and index == self.cursor and focused
            lines.append(
                (
                    ("▸" if chosen else " ", ""),
                    (BALLOT_MARKS.get(ballots.get(person.id, ""), NO_BALLOT), "bold"),
                    (" ", ""),
                    (visible(person.name), "reverse" if chosen else ""),
                )
            )
        lines.append(())
        if voting:
            counts = tally(ballots)
            lines.append(((f"承認{counts.approve} 不承認{counts.disapprove} 保留{counts.abstain}", ""),))
            result = decide(self.rule, counts)
            if result is None and is_tie(self.rule, counts):
                lines.append(((f"可否同数: {visible(chair_title(meeting.people))}の決定が必要", "bold"),))
            else:
                lines.append((("結果 ", ""), (result or "", "bold")))
            lines.append((("Enter 記録 ・ m 挙手など ・ Esc 戻る", "dim"),))
        elif self.last_vote is not None and self.last_vote.method != METHOD_ROLL:
            lines.append(((visible(vote_summary(self.last_vote)), ""),))
            lines.append((("記録済み ", ""), (visible(self.last_vote.result_words), "bold")))
        elif self.last_vote is not None:
            counts = tally(self.last_vote.ballots)
            lines.append(((f"承認{counts.approve} 不承認{counts.disapprove} 保留{counts.abstain}", ""),))
            lines.append((("記録済み ", ""), (self.last_vote.result, "bold")))
        else:
            lines.append((("F12 採決 ・ ctrl+r 全員承認", "dim"),))
        self._lines = lines
        return lines

    def render(self) -> Content:
        """The pane as text."""
        return Content("\n").join(
            Content.assemble(*((text, style) if style else text for text, style in line)) for line in self.lines()
        )

    def rows(self, width: int) -> list[Line]:
        """The lines broken to ``width`` cells, as Textual breaks text (at spaces, else anywhere)."""
        if self._rows is not None and self._rows[0] == width:
            return self._rows[1]
        rows: list[Line] = []
        for line in self.lines():
            text = "".join(piece for piece, _ in line)
            if cell_len(text) <= width:
                rows.append(line)
                continue
            bounds = [0, *divide_line(text, max(width, 1), fold=True), len(text)]
            for number, (start, end) in enumerate(zip(bounds, bounds[1:])):
                row: list[tuple[str, str]] = []
                offset = 0
                for piece, style in line:
                    part = piece[max(start - offset, 0) : max(end - offset, 0)]
                    if part:
                        row.append((part, style))
                    offset += len(piece)
                if number < len(bounds) - 2:
                    while row and not row[-1][0].rstrip():
                        row.pop()  # the spaces a row breaks at are not drawn
                    if row:
                        row[-1] = (row[-1][0].rstrip(), row[-1][1])
                rows.append(tuple(row))
        self._rows = (width, rows)
        return rows

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows(width))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn_in = None
        self._styled.clear()

    #: The pane's style and width for the rows of one paint (looked up once, not per row).
    _paint: tuple[Style, int] | None = None

    def render_line(self, y: int) -> Strip:
        base, width = self._paint or (self.rich_style, self.content_region.width)
        if base != self._drawn_in:
            self._drawn.clear()
            self._drawn_in = base
        rows = self.rows(width)
        row = rows[y] if y < len(rows) else None
        strip = self._drawn.get(row)
        if strip is None:
            if row is None:
                strip = Strip.blank(width, base)  # below the text, as Textual fills it
            else:
                strip = Strip([Segment(text, base + PIECE_STYLES[style]) for text, style in row if text])
                strip = strip.adjust_cell_length(width, Style(bgcolor=base.bgcolor))
            self._drawn[row] = strip
            if len(self._drawn) > 256:
                del self._drawn[next(iter(self._drawn))]  # the oldest
        return strip

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint = (self.rich_style, self.content_region.width)
        try:
            lines = self._styled.render(self, crop, self.render_line)
            return lines if lines is not None else super().render_lines(crop)
        finally:
            self._paint = None
