"""The vote tally pane (採決): the voters, the counts, the rule, the quorum and the result."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from minutes.model import RULE_NAMES, Meeting, Vote
from minutes.render import person_label
from minutes.safe_text import visible
from minutes.votes import decide, quorum_present, quorum_required, tally


class VotePane(Widget):
    """Shows the vote of the current item: each voter's ballot, the counts and the result."""

    DEFAULT_CSS = """
    VotePane {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, meeting: Meeting, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.meeting = meeting
        self.vote: Vote | None = None

    def show_vote(self, vote: Vote | None) -> None:
        """Show this vote (or, with ``None``, the voters and the quorum only)."""
        self.vote = vote
        self.refresh(layout=True)

    def render(self) -> Content:
        meeting = self.meeting
        voters = meeting.voters
        members = meeting.members
        present = sum(1 for m in members if m.present)
        quorum = "成立" if quorum_present(meeting) else "不成立"
        lines: list[Content] = [
            Content(f"出席委員 {present}/{len(members)}名 定足数{quorum_required(len(members))}名: {quorum}"),
        ]
        vote = self.vote
        ballots = vote.ballots if vote else {}
        for person in voters:
            ballot = ballots.get(person.id, "未")
            lines.append(Content.assemble(f"{visible(person_label(person, named=True))} ", (ballot, "bold")))
        if vote is None:
            lines.append(Content("(この議事の採決はまだありません)", ).stylize("dim"))
        else:
            counts = tally(vote.ballots)
            lines.append(Content(f"承認{counts.approve} 不承認{counts.disapprove} 保留{counts.abstain}"))
            lines.append(Content(f"規則: {RULE_NAMES.get(vote.rule, vote.rule)}"))
            result = decide(vote.rule, counts, vote.chair_decides)
            lines.append(Content.assemble("結果: ", (vote.result or result or "可否同数(会長の決定待ち)", "bold")))
        return Content("\n").join(lines)
