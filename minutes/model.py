"""The meeting model: people, agenda items and their logs of speeches and votes.

The model mirrors the interchange format (``shared/meeting-format.md``) closely:
one :class:`Meeting` holds its :class:`Person` list and its agenda of
:class:`Item` objects, and each item holds a log of :class:`Speech` and
:class:`Vote` entries in the order they happened.

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

RECORD_STYLES = ("要録", "要点", "全文")
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
    title: str
    department: str | None = None
    reading: str | None = None
    present: bool = True
    arrived: str | None = None
    left: str | None = None
    votes: bool | None = None
    """The voting right as written in the file; ``None`` means the default."""

    @property
    def is_member(self) -> bool:
        """True for members of the council (委員)."""
        return self.group == GROUP_MEMBER

    @property
    def is_chair(self) -> bool:
        """True for the chair (会長)."""
        return self.is_member and self.title == TITLE_CHAIR

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


# Entries have __slots__: a full day's verbatim record is 10,000 of them (issue #5, memory).
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
    """A vote (採決): one ballot per voter, and the result the chair declared."""

    ballots: dict[str, str]
    result: str
    rule: str = RULE_MAJORITY
    chair_decides: str | None = None
    question: str | None = None
    time: str | None = None
    uid: str = field(default_factory=new_uid, compare=False, repr=False)


Entry = Union[Speech, Vote]


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
        """The chair (会長), if the list has one."""
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
        """How many entries (speeches and votes) the meeting holds."""
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

    def find_entry(self, uid: str) -> tuple[Item, int] | None:
        """The item holding the entry with this uid, and its index in the log."""
        for item in self.agenda:
            for index, entry in enumerate(item.log):
                if entry.uid == uid:
                    return item, index
        return None
