"""The meeting model: people, agenda items and their logs of speeches and votes.

The model mirrors the interchange format (``shared/meeting-format.md``) closely:
one :class:`Meeting` holds its :class:`Person` list and its agenda of
:class:`Item` objects, and each item holds a log of :class:`Speech`,
:class:`Vote`, :class:`Note` and :class:`Event` entries in the order they
happened.

Optional values that the format leaves out are ``None`` here, so that a file
that is imported and exported again keeps exactly the keys it had.

This module is pure Python: it imports neither Textual nor TinyDB.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from typing import Union

#: The groups the format knows, in the order the attendance list prints them.
GROUP_MEMBER = "委員"
GROUP_SECRETARIAT = "事務局"
GROUP_DEPARTMENT = "関係課"
KNOWN_GROUPS = (GROUP_MEMBER, GROUP_SECRETARIAT, GROUP_DEPARTMENT)

#: Titles of members.
TITLE_CHAIR = "会長"
TITLE_VICE_CHAIR = "副会長"
TITLE_MEMBER = "委員"

#: Roles of members: the chair decides ties and by default does not vote, whatever the title.
ROLE_CHAIR = "chair"
ROLE_VICE_CHAIR = "vice_chair"
ROLE_MEMBER = "member"
ROLES = (ROLE_CHAIR, ROLE_VICE_CHAIR, ROLE_MEMBER)
ROLE_NAMES = {ROLE_CHAIR: "委員長・会長(議事を主宰)", ROLE_VICE_CHAIR: "副委員長・副会長", ROLE_MEMBER: "委員"}
#: Titles that give a role when none is written.
CHAIR_TITLES = ("会長", "委員長", "議長", "座長")
VICE_CHAIR_TITLES = ("副会長", "副委員長", "副議長", "職務代理者")


def default_role(title: str) -> str:
    """The role a member's title gives when the role is not written."""
    if title in CHAIR_TITLES:
        return ROLE_CHAIR
    if title in VICE_CHAIR_TITLES:
        return ROLE_VICE_CHAIR
    return ROLE_MEMBER

#: Ballot values.
APPROVE = "承認"
DISAPPROVE = "不承認"
ABSTAIN = "保留"
BALLOT_VALUES = (APPROVE, DISAPPROVE, ABSTAIN)
RESULT_VALUES = (APPROVE, DISAPPROVE)

#: Vote rules.
RULE_MAJORITY = "majority"
RULE_TWO_THIRDS = "two_thirds"
RULE_UNANIMOUS = "unanimous"
RULES = (RULE_MAJORITY, RULE_TWO_THIRDS, RULE_UNANIMOUS)
RULE_NAMES = {
    RULE_MAJORITY: "過半数",
    RULE_TWO_THIRDS: "3分の2以上",
    RULE_UNANIMOUS: "全会一致",
}

#: How a vote was taken.
METHOD_ROLL = "roll"
METHOD_HANDS = "hands"
METHOD_STANDING = "standing"
METHOD_NO_OBJECTION = "no_objection"
METHOD_CONSENSUS = "consensus"
METHOD_BALLOT = "ballot"
METHODS = (METHOD_ROLL, METHOD_HANDS, METHOD_STANDING, METHOD_NO_OBJECTION, METHOD_CONSENSUS, METHOD_BALLOT)
METHOD_NAMES = {
    METHOD_ROLL: "1人ずつ",
    METHOD_HANDS: "挙手",
    METHOD_STANDING: "起立",
    METHOD_NO_OBJECTION: "異議なし",
    METHOD_CONSENSUS: "全会一致(数えない)",
    METHOD_BALLOT: "投票",
}
#: Which methods take ballots, counts, a tally.
BALLOT_METHODS = (METHOD_ROLL, METHOD_BALLOT)
COUNT_METHODS = (METHOD_HANDS, METHOD_STANDING, METHOD_BALLOT)
TALLY_METHODS = (METHOD_HANDS, METHOD_STANDING)
#: What the chair saw at a show of hands or standing.
TALLY_ALL = "全員"
TALLY_MAJORITY = "多数"
TALLY_MINORITY = "少数"
TALLIES = (TALLY_ALL, TALLY_MAJORITY, TALLY_MINORITY)

#: Events: moments of the meeting with their time.
EVENT_OPEN = "開会"
EVENT_RECESS = "休憩"
EVENT_RESUME = "再開"
EVENT_CLOSE = "閉会"
EVENT_ADJOURN = "散会"
EVENTS = (EVENT_OPEN, EVENT_RECESS, EVENT_RESUME, EVENT_CLOSE, EVENT_ADJOURN)

#: 公開・非公開.
DISCLOSURE_OPEN = "公開"
DISCLOSURE_CLOSED = "非公開"
DISCLOSURE_PARTLY = "一部非公開"
DISCLOSURES = (DISCLOSURE_OPEN, DISCLOSURE_CLOSED, DISCLOSURE_PARTLY)

#: Record kinds offered first; any other non-empty word is a kind too.
RECORD_STYLES = ("要録", "要点", "全文", "速記録", "議事概要")
STATUSES = ("draft", "final")
SECTION_AGENDA = "議事"

_uid_counter = itertools.count(1)
_uid_prefix = os.urandom(4).hex()


def new_uid() -> str:
    """Return an identifier for an entry, unique within this process and across runs."""
    return f"e{_uid_prefix}{next(_uid_counter):x}"


@dataclass
class Person:
    """Someone who attends the meeting or may speak at it."""

    id: str
    name: str
    group: str
    title: str = ""
    """Members: 会長, 委員長, 委員 …; staff: their post, or empty for staff without one."""
    department: str | None = None
    reading: str | None = None
    present: bool = True
    arrived: str | None = None
    left: str | None = None
    votes: bool | None = None
    """The voting right as written in the file; ``None`` means the default."""
    role: str | None = None
    """A member's role as written; ``None``: the one the title gives (:func:`default_role`)."""
    family_name: str | None = None
    """The part of the name that ``◎山川委員長`` uses; ``None``: the whole name."""
    online: bool = False

    @property
    def is_member(self) -> bool:
        """True for members of the council (委員)."""
        return self.group == GROUP_MEMBER

    @property
    def effective_role(self) -> str | None:
        """chair, vice_chair or member for a member (written or by title); ``None`` for staff."""
        if not self.is_member:
            return None
        return self.role if self.role is not None else default_role(self.title)

    @property
    def is_chair(self) -> bool:
        """True for the chair (会長, 委員長, 議長 … or whoever has the chair's role)."""
        return self.is_member and self.effective_role == ROLE_CHAIR

    @property
    def is_vice_chair(self) -> bool:
        """True for the vice-chair (副会長, 副委員長, 職務代理者 …)."""
        return self.is_member and self.effective_role == ROLE_VICE_CHAIR

    @property
    def short_name(self) -> str:
        """The family name used in labels such as ``山川委員長``."""
        return self.family_name or self.name

    @property
    def has_vote(self) -> bool:
        """The voting right: explicit, or by default every member but the chair."""
        if self.votes is not None:
            return self.votes
        return self.is_member and not self.is_chair

    @property
    def can_vote(self) -> bool:
        """True if this person may cast a ballot now: present and with a voting right."""
        return self.present and self.has_vote


# Entries have __slots__: a full day's verbatim record is 10,000 of them.
@dataclass(slots=True)
class Speech:
    """One speaker turn: who spoke and what was said.

    Exactly one of ``speaker_id`` (a :class:`Person` id) and ``label`` (a
    speaker who is not a listed person: 委員, 事務局, a department) is set.
    Paragraphs of ``text`` are separated by ``\\n``.
    """

    text: str
    speaker_id: str | None = None
    label: str | None = None
    time: str | None = None
    uid: str = field(default_factory=new_uid, compare=False, repr=False)

    @property
    def paragraphs(self) -> list[str]:
        """The text split into its paragraphs."""
        return self.text.split("\n")


@dataclass(slots=True)
class Vote:
    """A vote (採決): how it was taken, its ballots, counts or tally, and the result the chair declared.

    ``ballots`` is empty for a vote without ballots (a show of hands, no
    objection …); ``counts`` maps 承認/不承認/保留 to numbers; ``tally`` is
    what the chair saw (全員, 多数, 少数). ``result_text`` holds the declared
    words when they are not simply 承認/不承認 (原案のとおり可決).
    """

    ballots: dict[str, str]
    result: str
    rule: str = RULE_MAJORITY
    chair_decides: str | None = None
    question: str | None = None
    time: str | None = None
    uid: str = field(default_factory=new_uid, compare=False, repr=False)
    method: str = METHOD_ROLL
    counts: dict[str, int] | None = None
    tally: str | None = None
    result_text: str | None = None

    @property
    def result_words(self) -> str:
        """The result as declared: ``result_text`` if given, else 承認/不承認."""
        return self.result_text or self.result

    @property
    def is_counted(self) -> bool:
        """True when the vote has ballots or counts (its result follows from them)."""
        return bool(self.ballots) or self.counts is not None or self.method == METHOD_ROLL


@dataclass(slots=True)
class Note:
    """A line no one speaks: an interjection or a stage direction (「異議なし」の声あり), without brackets."""

    text: str
    time: str | None = None
    uid: str = field(default_factory=new_uid, compare=False, repr=False)

    @property
    def paragraphs(self) -> list[str]:
        return [self.text]


@dataclass(slots=True)
class Event:
    """A moment of the meeting (開会, 休憩, 再開, 閉会, 散会) with its time (``HH:MM`` or ``HH:MM:SS``)."""

    kind: str
    time: str
    uid: str = field(default_factory=new_uid, compare=False, repr=False)


Entry = Union[Speech, Vote, Note, Event]


@dataclass
class Document:
    """One 配布資料: its label (資料1, may be empty) and title."""

    label: str
    title: str


@dataclass
class Disclosure:
    """公開・非公開 and the reason (required unless 公開)."""

    status: str
    reason: str | None = None


@dataclass
class Item:
    """One line of the 会次第 and the log of what was said and decided under it."""

    id: str
    title: str
    section: str = SECTION_AGENDA
    kind: str = ""
    departments: list[str] = field(default_factory=list)
    log: list[Entry] = field(default_factory=list)

    @property
    def is_bare_heading(self) -> bool:
        """An item such as その他 that prints as its section heading alone."""
        return self.section != SECTION_AGENDA and self.title == self.section

    @property
    def heading(self) -> str:
        """The title as printed, with the kind after it: ``…について(諮問)``."""
        if self.kind:
            return f"{self.title}({self.kind})"
        return self.title


@dataclass
class Meeting:
    """One meeting of a council or committee (会議体)."""

    body: str
    date: str
    start: str
    place: str
    people: list[Person] = field(default_factory=list)
    agenda: list[Item] = field(default_factory=list)
    fiscal_year: int | None = None
    session: int | None = None
    serial: int | None = None
    record_style: str = "要録"
    title: str | None = None
    end: str | None = None
    observers: int = 0
    status: str = "draft"
    extra: dict | None = None
    style: str | None = None
    """The export style this meeting prints with; ``None``: the committee's, else 要録."""
    disclosure: Disclosure | None = None
    documents: list[Document] = field(default_factory=list)
    signers: list[str] = field(default_factory=list)
    """Person ids of the 会議録署名委員."""

    # -- look-ups ---------------------------------------------------------
    def person(self, person_id: str) -> Person | None:
        """The person with this id, or ``None``."""
        for person in self.people:
            if person.id == person_id:
                return person
        return None

    def item(self, item_id: str) -> Item | None:
        """The agenda item with this id, or ``None``."""
        for item in self.agenda:
            if item.id == item_id:
                return item
        return None

    @property
    def members(self) -> list[Person]:
        """The members (委員) in the order of the attendance list."""
        return [p for p in self.people if p.is_member]

    @property
    def chair(self) -> Person | None:
        """The chair (会長, 委員長 …), if the list has one."""
        for person in self.people:
            if person.is_chair:
                return person
        return None

    @property
    def voters(self) -> list[Person]:
        """The people who may vote now: present, with a voting right, in list order."""
        return [p for p in self.people if p.can_vote]

    def voters_at(self, time: str | None) -> list[Person]:
        """The voters at a moment (``HH:MM`` or ``HH:MM:SS``): present, with a voting right,
        arrived by then and not yet left. ``None`` means any time (same as :attr:`voters`)."""
        if time is None:
            return self.voters
        moment = time[:5]
        return [
            p
            for p in self.people
            if p.can_vote and (p.arrived is None or p.arrived <= moment) and (p.left is None or p.left > moment)
        ]

    @property
    def is_final(self) -> bool:
        """Final minutes are read-only."""
        return self.status == "final"

    def entries(self) -> list[tuple[Item, Entry]]:
        """Every entry of the meeting with its item, in order."""
        return [(item, entry) for item in self.agenda for entry in item.log]

    def entry_count(self) -> int:
        """How many entries (speeches, votes, notes and events) the meeting holds."""
        return sum(len(item.log) for item in self.agenda)

    def agenda_number(self, item: Item) -> int:
        """The item's number within its section (議事の1番目 → 1)."""
        number = 0
        for other in self.agenda:
            if other.section == item.section:
                number += 1
            if other is item:
                return number
        raise ValueError("item is not on this meeting's agenda")

    @property
    def in_recess(self) -> bool:
        """True when the last 休憩 in the log has no 再開 after it."""
        for item in reversed(self.agenda):
            for entry in reversed(item.log):
                if isinstance(entry, Event) and entry.kind in (EVENT_RECESS, EVENT_RESUME):
                    return entry.kind == EVENT_RECESS
        return False

    def find_entry(self, uid: str) -> tuple[Item, int] | None:
        """The item holding the entry with this uid, and its index in the log."""
        for item in self.agenda:
            for index, entry in enumerate(item.log):
                if entry.uid == uid:
                    return item, index
        return None
