"""Vote rules: counting ballots, deciding the result, and the quorum.

- ``majority``: 承認 wins when the ballots for outnumber the ballots against;
  保留 counts toward neither side. A tie is decided by the chair
  (可否同数のときは会長の決するところ).
- ``two_thirds``: 承認 needs at least two thirds of the ballots cast for or
  against (保留 again counts toward neither side), and at least one.
- ``unanimous``: 承認 needs at least one ballot for and none against.

Counts of a show of hands, of standing or of a secret ballot follow the same
rules as ballots. A vote with neither ballots nor counts (no objection,
consensus, a show of hands seen as 全員/多数/少数) is taken as declared.

The chair (会長, 委員長, 議長 …, by role, not by title) does not vote by default
and decides a tie (可否同数のときは委員長の決するところ). A chair who has been
given a vote (``votes: true``, as some 審議会 rules say) casts a ballot like any
member, counted with the others, and a tie is still the chair's to decide:
version 1 files meant exactly that, and they keep their meaning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from minutes.model import (
    ABSTAIN,
    APPROVE,
    DISAPPROVE,
    METHOD_ROLL,
    Person,
    RULE_MAJORITY,
    RULE_TWO_THIRDS,
    RULES,
    Meeting,
)


@dataclass(frozen=True)
class Tally:
    """How many ballots were cast each way."""

    approve: int = 0
    disapprove: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        """Ballots cast for or against (保留 excluded)."""
        return self.approve + self.disapprove

    @property
    def total(self) -> int:
        """Every ballot, 保留 included."""
        return self.approve + self.disapprove + self.abstain

    @property
    def unanimous_approval(self) -> bool:
        """Every ballot is 承認 (and there is at least one)."""
        return self.approve > 0 and self.disapprove == 0 and self.abstain == 0


def tally(ballots: dict[str, str]) -> Tally:
    """Count the ballots of a vote."""
    values = list(ballots.values())
    return Tally(
        approve=values.count(APPROVE),
        disapprove=values.count(DISAPPROVE),
        abstain=values.count(ABSTAIN),
    )


def tally_counts(counts: dict[str, int]) -> Tally:
    """A :class:`Tally` from a vote's ``counts`` (承認/不承認/保留 → n)."""
    return Tally(
        approve=counts.get(APPROVE, 0),
        disapprove=counts.get(DISAPPROVE, 0),
        abstain=counts.get(ABSTAIN, 0),
    )


def vote_tally(vote) -> Tally | None:
    """The numbers of a vote: from its ballots, or its counts; ``None`` when it has neither."""
    if vote.ballots or vote.method == METHOD_ROLL:
        return tally(vote.ballots)
    if vote.counts is not None:
        return tally_counts(vote.counts)
    return None


def chair_title(people: Iterable[Person | None]) -> str:
    """What the chair is called in messages about a casting vote: 会長, 委員長, 議長 …"""
    for person in people:
        if person is not None and person.is_chair:
            return person.title or "会長"
    return "会長"


def is_tie(rule: str, counts: Tally) -> bool:
    """True when the rule cannot decide and the chair must (only under ``majority``)."""
    return rule == RULE_MAJORITY and counts.approve == counts.disapprove


def decide(rule: str, counts: Tally, chair_decides: str | None = None) -> str | None:
    """The result the ballots give under ``rule``: 承認, 不承認, or ``None`` for an undecided tie."""
    if rule not in RULES:
        raise ValueError(f"unknown rule: {rule!r}")
    if rule == RULE_MAJORITY:
        if counts.approve > counts.disapprove:
            return APPROVE
        if counts.approve < counts.disapprove:
            return DISAPPROVE
        return chair_decides
    if rule == RULE_TWO_THIRDS:
        if counts.approve > 0 and counts.approve * 3 >= counts.cast * 2:
            return APPROVE
        return DISAPPROVE
    # unanimous
    if counts.approve > 0 and counts.disapprove == 0:
        return APPROVE
    return DISAPPROVE


def quorum_required(member_count: int) -> int:
    """Members who must be present for the meeting to stand: more than half (過半数)."""
    return member_count // 2 + 1


def quorum_present(meeting: Meeting, required: int | None = None) -> bool:
    """Whether enough members are present (by default more than half of them)."""
    members = meeting.members
    if required is None:
        required = quorum_required(len(members))
    return sum(1 for m in members if m.present) >= required
