"""The vote tally pane (採決): voters, ballots, counts, rule, quorum and result, live.

The voters are the present members with a voting right. While the pane has
focus, up/down choose a voter and left/right (or space) change the ballot:
承認 → 不承認 → 保留. Enter asks to record the vote; Escape leaves the pane.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
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
        height = self.styles.height
        self.refresh(layout=height is None or height.is_auto)

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
    def render(self) -> Content:
        meeting = self.meeting
        members = meeting.members
        present = sum(1 for m in members if m.present)
        required = self.quorum or quorum_required(len(members))
        quorum = "成立" if quorum_present(meeting, required) else "不成立"
        lines: list[Content] = [
            Content(f"出席委員 {present}/{len(members)}名"),
            Content(f"定足数 {required}名 {quorum}"),
            Content(f"規則 {RULE_NAMES.get(self.rule, self.rule)}"),
            Content(""),
        ]
        voting = self.voting
        ballots = self.ballots if voting else (self.last_vote.ballots if self.last_vote else {})
        shown = self._shown_voters() if voting else (
            [p for p in meeting.people if p.id in ballots] if self.last_vote else self.voters
        )
        for index, person in enumerate(shown):
            ballot = ballots.get(person.id, "")
            marker = "▸" if voting and index == self.cursor and self.has_focus else " "
            style = "reverse" if voting and index == self.cursor and self.has_focus else ""
            lines.append(
                Content.assemble(
                    marker,
                    (BALLOT_MARKS.get(ballot, NO_BALLOT), "bold"),
                    " ",
                    (visible(person.name), style),
                )
            )
        lines.append(Content(""))
        if voting:
            counts = tally(ballots)
            lines.append(Content(f"承認{counts.approve} 不承認{counts.disapprove} 保留{counts.abstain}"))
            result = decide(self.rule, counts)
            if result is None and is_tie(self.rule, counts):
                lines.append(Content.styled(f"可否同数: {visible(chair_title(meeting.people))}の決定が必要", "bold"))
            else:
                lines.append(Content.assemble("結果 ", (result or "", "bold")))
            lines.append(Content.styled("Enter 記録 ・ m 挙手など ・ Esc 戻る", "dim"))
        elif self.last_vote is not None and self.last_vote.method != METHOD_ROLL:
            lines.append(Content(visible(vote_summary(self.last_vote))))
            lines.append(Content.assemble("記録済み ", (visible(self.last_vote.result_words), "bold")))
        elif self.last_vote is not None:
            counts = tally(self.last_vote.ballots)
            lines.append(Content(f"承認{counts.approve} 不承認{counts.disapprove} 保留{counts.abstain}"))
            lines.append(Content.assemble("記録済み ", (self.last_vote.result, "bold")))
        else:
            lines.append(Content.styled("F12 採決 ・ ctrl+r 全員承認", "dim"))
        return Content("\n").join(lines)
