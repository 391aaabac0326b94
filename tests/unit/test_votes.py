"""Vote rules (minutes/votes.py): tally, decide, ties and the quorum."""

from __future__ import annotations

import pytest

from minutes.model import ABSTAIN, APPROVE, DISAPPROVE, Meeting, Person
from minutes.votes import Tally, decide, is_tie, quorum_present, quorum_required, tally

A, D, H = APPROVE, DISAPPROVE, ABSTAIN


def ballots(*values: str) -> dict[str, str]:
    return {f"p{n}": value for n, value in enumerate(values, start=2)}


# -- tally ----------------------------------------------------------------------------
def test_tally_counts_each_way():
    counts = tally(ballots(A, A, D, H, H))
    assert counts == Tally(approve=2, disapprove=1, abstain=2)
    assert counts.cast == 3
    assert counts.total == 5
    assert not counts.unanimous_approval


def test_tally_of_no_ballots():
    counts = tally({})
    assert counts == Tally()
    assert counts.cast == 0 and counts.total == 0
    assert not counts.unanimous_approval


# -- majority ---------------------------------------------------------------------------
def test_unanimous_approval():
    counts = tally(ballots(A, A, A, A, A))
    assert counts.unanimous_approval
    assert decide("majority", counts) == APPROVE
    assert not is_tie("majority", counts)


def test_majority_with_one_disapproval():
    counts = tally(ballots(A, A, A, D))
    assert not counts.unanimous_approval
    assert decide("majority", counts) == APPROVE


def test_majority_against():
    assert decide("majority", tally(ballots(A, D, D))) == DISAPPROVE


def test_abstentions_count_toward_neither_side():
    # 1 for, 0 against, 3 保留: 承認 although most ballots are not 承認
    counts = tally(ballots(A, H, H, H))
    assert counts.cast == 1
    assert not counts.unanimous_approval  # 保留 is not approval
    assert decide("majority", counts) == APPROVE
    # 1 for, 2 against, 3 保留: 不承認
    assert decide("majority", tally(ballots(A, D, D, H, H, H))) == DISAPPROVE


def test_abstentions_do_not_break_a_tie():
    counts = tally(ballots(A, A, D, D, H))
    assert is_tie("majority", counts)
    assert decide("majority", counts) is None


def test_tie_without_the_chair_is_undecided():
    counts = tally(ballots(A, D))
    assert is_tie("majority", counts)
    assert decide("majority", counts) is None
    assert decide("majority", counts, chair_decides=None) is None


@pytest.mark.parametrize("chair", [APPROVE, DISAPPROVE])
def test_tie_decided_by_the_chair(chair):
    counts = tally(ballots(A, A, D, D))
    assert decide("majority", counts, chair_decides=chair) == chair


def test_chair_decision_is_ignored_without_a_tie():
    counts = tally(ballots(A, A, D))
    assert decide("majority", counts, chair_decides=DISAPPROVE) == APPROVE


def test_only_abstentions_is_a_tie_for_the_chair():
    # 0 for and 0 against: the majority rule cannot decide; the chair does.
    counts = tally(ballots(H, H))
    assert is_tie("majority", counts)
    assert decide("majority", counts) is None
    assert decide("majority", counts, chair_decides=DISAPPROVE) == DISAPPROVE


# -- two thirds ---------------------------------------------------------------------------
def test_two_thirds_just_reached():
    assert decide("two_thirds", tally(ballots(A, A, A, A, D, D))) == APPROVE  # 4 of 6
    assert decide("two_thirds", tally(ballots(A, A, D))) == APPROVE  # 2 of 3


def test_two_thirds_just_missed():
    assert decide("two_thirds", tally(ballots(A, A, A, D, D))) == DISAPPROVE  # 3 of 5 = 60 %
    assert decide("two_thirds", tally(ballots(A, A, A, A, A, A, D, D, D, D))) == DISAPPROVE  # 6 of 10


def test_two_thirds_ignores_abstentions():
    assert decide("two_thirds", tally(ballots(A, A, D, H, H, H))) == APPROVE  # 2 of 3 cast


def test_two_thirds_has_no_tie_and_needs_one_approval():
    counts = tally(ballots(A, D))
    assert not is_tie("two_thirds", counts)
    assert decide("two_thirds", counts) == DISAPPROVE
    assert decide("two_thirds", tally(ballots(H, H))) == DISAPPROVE
    assert decide("two_thirds", tally({})) == DISAPPROVE


# -- unanimous ---------------------------------------------------------------------------------
def test_unanimous_rule():
    assert decide("unanimous", tally(ballots(A, A, A))) == APPROVE


def test_unanimous_rule_with_one_disapproval():
    counts = tally(ballots(A, A, A, A, D))
    assert not is_tie("unanimous", counts)
    assert decide("unanimous", counts) == DISAPPROVE


def test_unanimous_rule_tolerates_abstentions_but_needs_an_approval():
    assert decide("unanimous", tally(ballots(A, A, H))) == APPROVE
    assert decide("unanimous", tally(ballots(H, H))) == DISAPPROVE


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown rule"):
        decide("plurality", tally(ballots(A)))


# -- quorum ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("members", "required"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4)])
def test_quorum_required_is_more_than_half(members, required):
    assert quorum_required(members) == required


def meeting_with(present: list[bool]) -> Meeting:
    people = [
        Person(f"p{n}", f"委員{n}", "委員", "会長" if n == 1 else "委員", present=flag)
        for n, flag in enumerate(present, start=1)
    ]
    # staff never count toward the quorum
    people += [Person("s1", "飯田", "事務局", "係長", "総務課"), Person("s2", "高橋", "事務局", "主任", "総務課")]
    return Meeting(body="審議会", date="2022-03-15", start="17:30", place="庁議室", people=people)


def test_quorum_present_counts_present_members_only():
    assert quorum_present(meeting_with([True, True, True, True, False, False]))  # 4 of 6
    assert not quorum_present(meeting_with([True, True, True, False, False, False]))  # 3 of 6
    assert quorum_present(meeting_with([True, True, True, False, False]))  # 3 of 5
    assert not quorum_present(meeting_with([True, True, False, False, False]))  # 2 of 5


def test_quorum_counts_the_chair():
    meeting = meeting_with([True, True, True, True, False, False])
    assert meeting.people[0].is_chair
    assert quorum_present(meeting)
    meeting.people[0].present = False
    assert not quorum_present(meeting)


def test_quorum_with_an_explicit_requirement():
    meeting = meeting_with([True, True, True, False, False, False])
    assert quorum_present(meeting, required=3)
    assert not quorum_present(meeting, required=4)
