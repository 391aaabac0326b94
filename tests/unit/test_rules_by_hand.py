"""Rules written out by hand, so that a fault in the module cannot hide behind the module itself.

Mutation testing found the kinsoku sets compared only with themselves (56 of 60
characters could be removed unnoticed), the two-thirds rule's "at least one
承認" unguarded, and the era module's fallbacks and type guards untested.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time

import pytest

from minutes import era, kinsoku
from minutes.model import ABSTAIN, APPROVE, DISAPPROVE, RULE_MAJORITY, RULE_TWO_THIRDS, RULE_UNANIMOUS
from minutes.textwidth import wrap
from minutes.votes import Tally, decide, is_tie

# -- kinsoku ----------------------------------------------------------------------------

#: 行頭禁則, one character a line, as JIS X 4051 and the city's documents have them.
LINE_START_BY_HAND = (
    "、 。 ， ． , . ： ； : ; ！ ？ ! ? ) ） ] ］ } ｝ 」 』 】 〕 〉 》 〗 〙 〟 ’ ” ｠ » "
    "・ ー ‐ ゠ – 〜 ～ … ‥ "
    "ぁ ぃ ぅ ぇ ぉ っ ゃ ゅ ょ ゎ ゕ ゖ ァ ィ ゥ ェ ォ ッ ャ ュ ョ ヮ ヵ ヶ "
    "ㇰ ㇱ ㇲ ㇳ ㇴ ㇵ ㇶ ㇷ ㇸ ㇹ ㇺ ㇻ ㇼ ㇽ ㇾ ㇿ "
    "ｧ ｨ ｩ ｪ ｫ ｯ ｬ ｭ ｮ ｰ "
    "々 〻 ゝ ゞ ヽ ヾ "
    "％ % ‰ ℃ ° ′ ″"
).split(" ")
#: 行末禁則.
LINE_END_BY_HAND = "( （ [ ［ { ｛ 「 『 【 〔 〈 《 〖 〘 〝 ‘ “ ｟ «".split(" ")


def test_the_line_start_set_is_exactly_the_one_written_out_here():
    assert kinsoku.NO_LINE_START == frozenset(LINE_START_BY_HAND) | {"\u0020"}  # and a space (ASCII)
    assert len(LINE_START_BY_HAND) == len(set(LINE_START_BY_HAND))  # (no slip in the list above)


def test_the_line_end_set_is_exactly_the_one_written_out_here():
    assert kinsoku.NO_LINE_END == frozenset(LINE_END_BY_HAND)


@pytest.mark.parametrize("mark", LINE_START_BY_HAND)
def test_no_line_starts_with_a_line_start_mark(mark):
    # The mark falls exactly where a 10-column line would break: it must not open the next line.
    lines = wrap("あいうえお" + mark + "かきくけこ", 10)
    assert all(not line.startswith(mark) for line in lines[1:]), lines


@pytest.mark.parametrize("mark", LINE_END_BY_HAND)
def test_no_line_ends_with_a_line_end_mark(mark):
    lines = wrap("あいう" + "え" + mark + "かきくけこさしすせそ", 10)
    assert all(not line.endswith(mark) for line in lines[:-1]), lines


# -- votes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "result"),
    [
        (Tally(approve=1, abstain=4), APPROVE),  # one 承認 and the rest 保留: 1 of 1 cast
        (Tally(abstain=5), DISAPPROVE),  # no 承認 at all
        (Tally(approve=2, disapprove=1), APPROVE),  # exactly two thirds
        (Tally(approve=1, disapprove=1), DISAPPROVE),
        (Tally(approve=3, disapprove=2, abstain=9), DISAPPROVE),  # 3 of 5 cast
        (Tally(approve=4, disapprove=2, abstain=1), APPROVE),
    ],
)
def test_two_thirds_by_hand(counts, result):
    assert decide(RULE_TWO_THIRDS, counts) == result
    assert not is_tie(RULE_TWO_THIRDS, counts)


@pytest.mark.parametrize(
    ("rule", "counts", "chair", "result"),
    [
        (RULE_MAJORITY, Tally(approve=2, disapprove=2), APPROVE, APPROVE),
        (RULE_MAJORITY, Tally(approve=2, disapprove=2), None, None),
        (RULE_MAJORITY, Tally(approve=1, abstain=5), None, APPROVE),
        (RULE_MAJORITY, Tally(disapprove=1, abstain=5), None, DISAPPROVE),
        (RULE_UNANIMOUS, Tally(approve=5, abstain=1), None, APPROVE),
        (RULE_UNANIMOUS, Tally(approve=5, disapprove=1), None, DISAPPROVE),
        (RULE_UNANIMOUS, Tally(abstain=3), None, DISAPPROVE),
    ],
)
def test_the_other_rules_by_hand(rule, counts, chair, result):
    assert decide(rule, counts, chair) == result


def test_counts_by_hand():
    counts = Tally(approve=2, disapprove=1, abstain=3)
    assert (counts.cast, counts.total, counts.unanimous_approval) == (3, 6, False)
    assert Tally(approve=3).unanimous_approval and not Tally(approve=3, abstain=1).unanimous_approval
    assert Tally(approve=1).unanimous_approval  # one member present, one 承認
    assert decide(RULE_UNANIMOUS, Tally(approve=1)) == APPROVE
    with pytest.raises(dataclasses.FrozenInstanceError):  # a recorded count is never changed in place
        counts.approve = 5
    assert not Tally().unanimous_approval
    assert is_tie(RULE_MAJORITY, Tally(approve=1, disapprove=1, abstain=2))
    assert ABSTAIN  # (保留 is a value of its own)
    with pytest.raises(ValueError):
        decide("show_of_hands", counts)


# -- era ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 20220315, 3.5, ["2022-03-15"], b"2022-03-15T18:05:00"])
def test_a_timestamp_that_is_not_text_is_returned_as_it_is(value):
    # A damaged row of the list (deleted/final stamps): shown as it is, never a crash
    # (the list screen catches only ValueError).
    assert era.format_era_timestamp(value) == value


def test_a_timestamp_before_meiji_is_printed_in_the_western_calendar():
    assert era.format_era_timestamp("1850-06-01T09:30:00") == "1850-06-01 09:30"
    assert era.format_era_timestamp("1868-01-25T00:00:00") == "明治元年1月25日 00:00"


def test_a_timestamp_with_a_time_zone_is_shown_in_local_time(monkeypatch):
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX")
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert era.format_era_timestamp("2022-03-15T09:05:00+00:00") == "令和4年3月15日 18:05"
        assert era.format_era_timestamp("2022-03-15T18:05:00+09:00") == "令和4年3月15日 18:05"
        assert era.format_era_timestamp("2019-04-30T15:30:00Z") == "令和元年5月1日 00:30"  # across the era's first day
        assert era.format_era_timestamp("2022-03-15T09:05:00") == "令和4年3月15日 09:05"  # naive: as it is
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
        assert os.environ.get("TZ") is None


@pytest.mark.parametrize("value", [None, 20220315, ["2022-03-15"], 3.5])
def test_a_date_that_is_not_text_is_a_value_error(value):
    with pytest.raises(ValueError):
        era.parse_date(value)
    with pytest.raises(ValueError):
        era.parse_hhmm(value)


@pytest.mark.parametrize("value", ["2021", True, 2021.0, None])
def test_a_fiscal_year_that_is_not_an_int_is_a_value_error(value):
    with pytest.raises(ValueError):
        era.fiscal_year_label(value)


def test_datetimes_are_taken_as_their_date_and_time():
    moment = dt.datetime(2022, 3, 15, 17, 30, 45)
    assert era.parse_date(moment) == dt.date(2022, 3, 15)
    assert era.parse_hhmm(moment) == dt.time(17, 30, 45)
    assert era.format_time(dt.time(0, 0)) == "午前0時" and era.format_time("12:05") == "午後0時5分"
    assert era.format_time("0:30") == "午前0時30分" and era.format_time("00:00:00") == "午前0時"
    assert era.format_time("23:59:59") == "午後11時59分"
    for impossible in ("24:00", "12:60", "12:00:60", "-1:00"):
        with pytest.raises(ValueError):
            era.parse_hhmm(impossible)
    assert era.fiscal_year_label(1868) == "明治元年度" and era.fiscal_year_label(1926) == "昭和元年度"
    assert era.fiscal_year_label(1925) == "大正14年度"
    with pytest.raises(ValueError):
        era.fiscal_year_label(1867)
    with pytest.raises(ValueError):
        era.era_of("1868-01-24")


def test_the_numbers_of_a_vote_by_hand():
    from minutes.model import METHOD_HANDS, METHOD_NO_OBJECTION, METHOD_ROLL, Vote
    from minutes.votes import tally_counts, vote_tally

    assert tally_counts({APPROVE: 4, DISAPPROVE: 1}) == Tally(approve=4, disapprove=1, abstain=0)
    assert tally_counts({ABSTAIN: 2}) == Tally(abstain=2)
    roll = Vote(ballots={"p1": APPROVE, "p2": ABSTAIN}, result=APPROVE, method=METHOD_ROLL)
    assert vote_tally(roll) == Tally(approve=1, abstain=1)
    assert vote_tally(Vote(ballots={}, result=APPROVE, method=METHOD_ROLL)) == Tally()  # a roll call, no one yet
    hands = Vote(ballots={}, result=APPROVE, method=METHOD_HANDS, counts={APPROVE: 5, DISAPPROVE: 2})
    assert vote_tally(hands) == Tally(approve=5, disapprove=2)
    assert vote_tally(Vote(ballots={}, result=APPROVE, method=METHOD_NO_OBJECTION)) is None


def test_the_chairs_title_by_hand():
    from minutes.model import GROUP_MEMBER, GROUP_SECRETARIAT, Person
    from minutes.votes import chair_title

    member = Person(id="p2", name="委員の人", group=GROUP_MEMBER, title="委員")
    chair = Person(id="p1", name="山川", group=GROUP_MEMBER, title="委員長")
    clerk = Person(id="s1", name="事務の人", group=GROUP_SECRETARIAT, title="委員長")  # staff: never the chair
    assert chair_title([None, member, clerk, chair]) == "委員長"
    assert chair_title([member, clerk]) == "会長"
    assert chair_title([]) == "会長"
    untitled = Person(id="p3", name="名前", group=GROUP_MEMBER, title="", role="chair")
    assert chair_title([untitled]) == "会長"
