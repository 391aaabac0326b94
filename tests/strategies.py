"""Hypothesis strategies for valid meetings (and their parts).

Everything generated here is valid under the interchange format
(``shared/meeting-format.md``) as :mod:`minutes.interchange` checks it:
``meeting_from_dict(meeting_to_dict(m))`` accepts every generated meeting.
Sizes are kept small so that tests stay fast; pass larger limits to
:func:`meetings` when you need them.

Main entry points:

- :func:`meetings` — :class:`~minutes.model.Meeting` objects;
- :func:`meeting_dicts` — the same, as interchange dicts;
- :func:`texts` / :func:`line_texts` / :func:`names` — user text (speech text
  with paragraphs and tabs, one-line text, non-blank one-line text) including
  markup-like pieces (``[b]``, ``[/]``, ``**``), backslashes, emoji and
  combining marks;
- :func:`hhmm`, :func:`hhmmss`, :func:`dates` — times and dates in the
  format's spelling;
- :func:`json_objects` — small JSON objects for ``extra``;
- parts: :func:`persons`, :func:`people_lists`, and, given a list of people,
  :func:`speeches`, :func:`votes`, :func:`notes`, :func:`events`,
  :func:`entries`, :func:`items`.

Version 2 is covered throughout: roles apart from titles (at most one chair),
``family_name``, ``online``, staff without a post, notes, events, votes by
every method (ballots, counts, a tally or nothing), ``result_text``,
``style``, ``disclosure``, ``documents``, ``signers`` and any record kind.

Example::

    from hypothesis import given
    from tests.strategies import meetings

    @given(meetings(max_people=4, max_items=2))
    def test_something(meeting): ...
"""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from minutes.model import (
    BALLOT_METHODS,
    BALLOT_VALUES,
    COUNT_METHODS,
    DISCLOSURE_OPEN,
    DISCLOSURES,
    EVENTS,
    METHOD_BALLOT,
    METHOD_ROLL,
    METHODS,
    ROLE_CHAIR,
    ROLE_MEMBER,
    ROLES,
    TALLIES,
    TALLY_METHODS,
    Disclosure,
    Document,
    Event,
    Note,
    GROUP_DEPARTMENT,
    GROUP_MEMBER,
    GROUP_SECRETARIAT,
    RECORD_STYLES,
    RESULT_VALUES,
    RULES,
    SECTION_AGENDA,
    STATUSES,
    TITLE_CHAIR,
    TITLE_MEMBER,
    TITLE_VICE_CHAIR,
    Item,
    Meeting,
    Person,
    Speech,
    Vote,
)
from minutes.votes import decide, is_tie, tally, tally_counts

# -- text -----------------------------------------------------------------------

#: Characters for any text: every assigned character but controls and
#: surrogates (combining marks, format characters such as U+200B/U+202E,
#: private use (外字), U+2028/U+2029 included). ``\t`` is added separately,
#: ``\n`` only in speech text.
_TEXT_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Cn"))

#: Pieces that tend to break renderers: markup, escapes, emoji, combining marks,
#: wide and narrow kana, full-width spaces.
SPECIAL_PIECES = (
    "[b]", "[/b]", "[/]", "[bold red]", "[link=x]", "**", "__", "`", "#", "> ",
    "\\", "\\n", "\\\\", "\\u0000", "%s", "{0}", "${x}", "<b>", "&amp;",
    "😀", "👨‍👩‍👧", "🇯🇵", "e\u0301", "か\u3099", "\u200b", "\u3000", "ｱｲｳ",
    "髙﨑", "𠮷", "①", "㍻", "―", "〜", "\u202e", "\"", "'",
)


def _pieces(chars: st.SearchStrategy[str], max_pieces: int, extra: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    piece = st.one_of(
        st.text(chars, min_size=1, max_size=8),
        st.sampled_from(SPECIAL_PIECES + extra),
    )
    return st.lists(piece, max_size=max_pieces).map("".join)


def line_texts(max_pieces: int = 4) -> st.SearchStrategy[str]:
    """One-line text (tabs allowed, no newline); may be empty."""
    return _pieces(st.one_of(_TEXT_CHARS, st.just("\t")), max_pieces)


def texts(max_pieces: int = 6) -> st.SearchStrategy[str]:
    """Speech text: paragraphs separated by ``\\n`` (empty paragraphs too), tabs."""
    return _pieces(st.one_of(_TEXT_CHARS, st.sampled_from(["\n", "\t"])), max_pieces, ("\n", "\n\n", "\t"))


def names(max_pieces: int = 3) -> st.SearchStrategy[str]:
    """Non-blank one-line text (names, titles, ids, labels …)."""
    japanese = st.sampled_from(["昼間守仁", "大川強", "村千鶴子", "飯田", "市川", "委員", "事務局", "総務課"])
    return st.one_of(
        japanese,
        line_texts(max_pieces).filter(lambda s: s.strip() != ""),
    )


def ids() -> st.SearchStrategy[str]:
    """Person and item ids: mostly plain (``p1``), sometimes any non-blank text."""
    return st.one_of(
        st.builds(lambda prefix, n: f"{prefix}{n}", st.sampled_from("psrax"), st.integers(0, 99)),
        names(2),
    )


# -- dates and times --------------------------------------------------------------

EARLIEST = datetime.date(1926, 12, 25)


def dates(
    min_value: datetime.date = EARLIEST, max_value: datetime.date = datetime.date(9999, 12, 31)
) -> st.SearchStrategy[str]:
    """``YYYY-MM-DD`` from 昭和元年 on (every era boundary is reachable)."""
    boundaries = st.sampled_from(
        ["1926-12-25", "1989-01-07", "1989-01-08", "2019-04-30", "2019-05-01", "2024-02-29", "2022-03-15"]
    )
    return st.one_of(boundaries, st.dates(min_value, max_value).map(lambda d: d.isoformat()))


def hhmm(min_value: str = "00:00") -> st.SearchStrategy[str]:
    """``HH:MM`` at or after ``min_value``."""
    low = int(min_value[:2]) * 60 + int(min_value[3:])
    return st.integers(low, 23 * 60 + 59).map(lambda m: f"{m // 60:02d}:{m % 60:02d}")


def hhmmss() -> st.SearchStrategy[str]:
    """``HH:MM:SS``."""
    return st.integers(0, 24 * 3600 - 1).map(lambda s: f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}")


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


# -- JSON for extra ------------------------------------------------------------------


def json_values(max_leaves: int = 6) -> st.SearchStrategy:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**63), 2**63),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=6),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(st.text(st.characters(blacklist_categories=("Cs",)), max_size=4), children, max_size=3),
        ),
        max_leaves=max_leaves,
    )


def json_objects(max_leaves: int = 6) -> st.SearchStrategy[dict]:
    """A small JSON object (for ``extra``): any keys, any JSON values, no lone surrogates."""
    return st.dictionaries(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=6),
        json_values(max_leaves),
        max_size=3,
    )


# -- people -------------------------------------------------------------------------

STAFF_TITLES = ("係長", "課長", "主任", "部長", "主事")
DEPARTMENTS = ("総務課", "資源循環課", "情報政策課", "市民課")

# Strategies are built once: building them inside every draw is what makes
# composite strategies slow.
_MINUTES = st.integers(0, 23 * 60 + 59)
_NAME = names()
_NAME2 = names(2)
_NAME3 = names(3)
_NAME4 = names(4)
_LINE2 = line_texts(2)
_LINE3 = line_texts(3)
_TEXT = texts()
_HHMMSS = hhmmss()
_ID = ids()
_BOOL = st.booleans()
_GROUP = st.one_of(st.sampled_from([GROUP_MEMBER, GROUP_MEMBER, GROUP_SECRETARIAT, GROUP_DEPARTMENT]), _NAME2)
_MEMBER_TITLE = st.one_of(
    st.sampled_from([TITLE_CHAIR, TITLE_VICE_CHAIR, TITLE_MEMBER, "委員長", "副委員長", "議長", "職務代理者"]), _NAME2
)
_STAFF_TITLE = st.one_of(st.sampled_from(STAFF_TITLES + ("",)), _NAME2)
_ROLE = st.sampled_from((None, None) + ROLES)
_OPT_FAMILY = st.one_of(st.none(), st.none(), _NAME2)
_DEPARTMENT = st.one_of(st.sampled_from(DEPARTMENTS), _NAME2)
_OPT_DEPARTMENT = st.one_of(st.none(), st.sampled_from(DEPARTMENTS))
_OPT_LINE2 = st.one_of(st.none(), _LINE2)
_OPT_LINE3 = st.one_of(st.none(), _LINE3)
_OPT_HHMMSS = st.one_of(st.none(), _HHMMSS)
_PRESENT = st.sampled_from([True, True, False])
_VOTES_FLAG = st.sampled_from([None, None, True, False])
_BALLOT = st.sampled_from((None,) + BALLOT_VALUES + BALLOT_VALUES[:2])
_TYPICAL = st.sampled_from([True, True, True, False])
_RULE = st.sampled_from(RULES)
_RESULT = st.sampled_from(RESULT_VALUES)
_LABEL = st.one_of(st.sampled_from(["委員", "事務局", "資源循環課"]), _NAME2)
_SECTION = st.one_of(st.sampled_from([SECTION_AGENDA, SECTION_AGENDA, "その他", "報告事項"]), _NAME2)
_KIND = st.one_of(st.sampled_from(["", "", "諮問", "報告", "協議"]), _LINE2)
_DEPARTMENTS = st.lists(_DEPARTMENT, max_size=2)
_ENTRY_KIND = st.sampled_from(["speech", "speech", "speech", "vote", "note", "event"])
_METHOD = st.sampled_from(METHODS)
_EVENT = st.sampled_from(EVENTS)
_TALLY = st.sampled_from(TALLIES)
_OPT_RESULT_TEXT = st.one_of(st.none(), st.sampled_from(["原案のとおり可決", "採択", "認定", "継続審査"]), _NAME2)
_OPT_STYLE = st.one_of(st.none(), st.sampled_from(["要録", "議会", "要点"]), _NAME2)
_BODY = st.one_of(st.just("小平市情報公開・個人情報保護・公文書管理審議会"), _NAME3)
_PLACE = st.one_of(st.just("市役所3階 庁議室"), _LINE3)
_DATE = dates()
_FISCAL_YEAR = st.one_of(st.none(), st.integers(1926, 9999))
_SESSION = st.one_of(st.none(), st.integers(1, 99))
_SERIAL = st.one_of(st.none(), st.integers(1, 999))
_RECORD_STYLE = st.one_of(st.sampled_from(RECORD_STYLES), _NAME2)
_STATUS = st.sampled_from(STATUSES)
_OBSERVERS = st.integers(0, 200)
_OPT_TITLE = st.one_of(st.none(), _NAME3)
_EXTRA = st.one_of(st.none(), json_objects())


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _draw_time_span(draw) -> tuple[str | None, str | None]:
    """Two optional HH:MM, the second not before the first."""
    first = draw(_MINUTES) if draw(_BOOL) else None
    second = draw(_MINUTES) if draw(_BOOL) else None
    if first is not None and second is not None and second < first:
        first, second = second, first
    return (None if first is None else _hhmm(first)), (None if second is None else _hhmm(second))


def _pick(draw, values: list):
    return values[draw(st.integers(0, len(values) - 1))] if len(values) > 1 else values[0]


def _draw_person(draw, person_id: str | None = None) -> Person:
    group = draw(_GROUP)
    if group == GROUP_MEMBER:
        title, department = draw(_MEMBER_TITLE), draw(_OPT_DEPARTMENT)
    else:
        title, department = draw(_STAFF_TITLE), draw(_DEPARTMENT)
    if not title.strip():
        title = ""  # staff without a post (a blank post is not a post)
    arrived, left = _draw_time_span(draw)
    return Person(
        id=person_id if person_id is not None else draw(_ID),
        name=draw(_NAME),
        group=group,
        title=title,
        department=department,
        reading=draw(_OPT_LINE2),
        present=draw(_PRESENT),
        arrived=arrived,
        left=left,
        votes=draw(_VOTES_FLAG),
        role=draw(_ROLE) if group == GROUP_MEMBER else None,
        family_name=draw(_OPT_FAMILY),
        online=draw(_BOOL),
    )


@st.composite
def persons(draw, person_id: str | None = None) -> Person:
    """One valid person (a member, secretariat, department staff or another group)."""
    return _draw_person(draw, person_id)


def _draw_people(draw, max_people: int) -> list[Person]:
    person_ids = draw(st.lists(_ID, max_size=max_people, unique=True)) if max_people > 0 else []
    people = [_draw_person(draw, pid) for pid in person_ids]
    if people and draw(_TYPICAL):
        # a typical council: the first is the chair, the next ones voting members
        people[0].group, people[0].title, people[0].department = GROUP_MEMBER, TITLE_CHAIR, None
        people[0].role = draw(st.sampled_from([None, ROLE_CHAIR]))
        for p in people[1:4]:
            p.group, p.title, p.votes, p.role = GROUP_MEMBER, TITLE_MEMBER, None, None
            p.present = p.present or draw(_BOOL)
    # At most one chair: a second one (by role or by title) is written down as a member.
    chair_seen = False
    for p in people:
        if p.is_chair:
            if chair_seen:
                p.role = ROLE_MEMBER
            chair_seen = True
    return people


@st.composite
def people_lists(draw, max_people: int = 6) -> list[Person]:
    """People with unique ids; often a chair and a few voting members."""
    return _draw_people(draw, max_people)


# -- log entries --------------------------------------------------------------------------


def _draw_speech(draw, people: list[Person]) -> Speech:
    if people and draw(_BOOL):
        speaker_id, label = _pick(draw, [p.id for p in people]), None
    else:
        speaker_id, label = None, draw(_LABEL)
    return Speech(text=draw(_TEXT), speaker_id=speaker_id, label=label, time=draw(_OPT_HHMMSS))


def _draw_vote(draw, people: list[Person]) -> Vote:
    method = draw(_METHOD)
    voters = [p.id for p in people if p.can_vote]
    shape = "none"
    if method in BALLOT_METHODS and (method == METHOD_ROLL or (voters and draw(_BOOL))):
        shape = "ballots"
    elif method in COUNT_METHODS and draw(_BOOL):
        shape = "counts"
    elif method in TALLY_METHODS and draw(_BOOL):
        shape = "tally"
    ballots: dict[str, str] = {}
    counts_data = None
    if shape == "ballots":
        for voter in voters:
            value = draw(_BALLOT)
            if value is not None:
                ballots[voter] = value
        if method == METHOD_BALLOT and not ballots:
            ballots[voters[0]] = draw(st.sampled_from(BALLOT_VALUES))
        numbers = tally(ballots)
    elif shape == "counts":
        left = len(voters)
        counts_data = {}
        for value in BALLOT_VALUES:
            counts_data[value] = draw(st.integers(0, left))
            left -= counts_data[value]
        numbers = tally_counts(counts_data)
    else:
        numbers = None
    rule = draw(_RULE)
    if numbers is None:
        chair_decides, result = None, draw(_RESULT)
    else:
        chair_decides = draw(_RESULT) if is_tie(rule, numbers) else None
        result = decide(rule, numbers, chair_decides)
    assert result is not None
    return Vote(
        ballots=ballots,
        result=result,
        rule=rule,
        chair_decides=chair_decides,
        question=draw(_OPT_LINE3),
        time=draw(_OPT_HHMMSS),
        method=method,
        counts=counts_data,
        tally=draw(_TALLY) if shape == "tally" else None,
        result_text=draw(_OPT_RESULT_TEXT),
    )


def _draw_note(draw) -> Note:
    return Note(text=draw(_NAME3), time=draw(_OPT_HHMMSS))


def _draw_event(draw) -> Event:
    time = draw(_HHMMSS)
    return Event(kind=draw(_EVENT), time=time[:5] if draw(_BOOL) else time)


@st.composite
def speeches(draw, people: list[Person]) -> Speech:
    """A speech by one of ``people`` or by a label."""
    return _draw_speech(draw, people)


@st.composite
def votes(draw, people: list[Person]) -> Vote:
    """A vote whose ballots come from present voters among ``people`` and whose result follows its rule."""
    return _draw_vote(draw, people)


@st.composite
def notes(draw) -> Note:
    """A note (a line no one speaks)."""
    return _draw_note(draw)


@st.composite
def events(draw) -> Event:
    """An event (開会, 休憩 …) with a time in either spelling."""
    return _draw_event(draw)


def _draw_entry(draw, people: list[Person]):
    kind = draw(_ENTRY_KIND)
    if kind == "vote":
        return _draw_vote(draw, people)
    if kind == "note":
        return _draw_note(draw)
    if kind == "event":
        return _draw_event(draw)
    return _draw_speech(draw, people)


def entries(people: list[Person]) -> st.SearchStrategy:
    """A speech, a vote, a note or an event (speeches most often)."""
    return st.composite(lambda draw: _draw_entry(draw, people))()


def _draw_item(draw, people: list[Person], item_id: str | None, max_entries: int) -> Item:
    section = draw(_SECTION)
    if section != SECTION_AGENDA and draw(_BOOL):
        title = section  # a bare heading such as その他
    else:
        title = draw(_NAME4)
    item = Item(
        id=item_id if item_id is not None else draw(_ID),
        title=title,
        section=section,
        kind=draw(_KIND),
        departments=draw(_DEPARTMENTS),
    )
    count = draw(st.integers(0, max_entries)) if max_entries > 0 else 0
    item.log = [_draw_entry(draw, people) for _ in range(count)]
    return item


@st.composite
def items(draw, people: list[Person], item_id: str | None = None, max_entries: int = 5) -> Item:
    """An agenda item whose log refers only to ``people``."""
    return _draw_item(draw, people, item_id, max_entries)


# -- meetings -------------------------------------------------------------------------------


@st.composite
def meetings(draw, max_people: int = 6, max_items: int = 4, max_entries: int = 5) -> Meeting:
    """A valid meeting: consistent people, speakers, ballots and results."""
    people = _draw_people(draw, max_people)
    item_ids = draw(st.lists(_ID, max_size=max_items, unique=True))
    agenda = [_draw_item(draw, people, item_id, max_entries) for item_id in item_ids]
    start, end = _draw_time_span(draw)
    if start is None:
        start, end = end or _hhmm(draw(_MINUTES)), None
    disclosure = None
    if draw(_BOOL):
        status = draw(st.sampled_from(DISCLOSURES))
        reason = draw(_NAME3) if status != DISCLOSURE_OPEN or draw(_BOOL) else None
        disclosure = Disclosure(status=status, reason=reason)
    documents = [
        Document(label=draw(st.one_of(st.just(f"資料{n}"), st.just(""), _LINE2)), title=draw(_NAME3))
        for n in range(1, draw(st.integers(0, 3)) + 1)
    ]
    present_members = [p.id for p in people if p.is_member and p.present]
    signers = draw(st.lists(st.sampled_from(present_members), max_size=2, unique=True)) if present_members else []
    return Meeting(
        body=draw(_BODY),
        date=draw(_DATE),
        start=start,
        place=draw(_PLACE),
        people=people,
        agenda=agenda,
        fiscal_year=draw(_FISCAL_YEAR),
        session=draw(_SESSION),
        serial=draw(_SERIAL),
        record_style=draw(_RECORD_STYLE),
        title=draw(_OPT_TITLE),
        end=end,
        observers=draw(_OBSERVERS),
        status=draw(_STATUS),
        extra=draw(_EXTRA),
        style=draw(_OPT_STYLE),
        disclosure=disclosure,
        documents=documents,
        signers=signers,
    )


def meeting_dicts(**limits) -> st.SearchStrategy[dict]:
    """Valid meetings as interchange dicts (``meeting_to_dict``)."""
    from minutes.interchange import meeting_to_dict

    return meetings(**limits).map(meeting_to_dict)
