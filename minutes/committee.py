"""Committees (会議体): the standing facts of a council, and new meetings made from them.

A :class:`Committee` holds what stays the same from meeting to meeting: its
name and usual place and opening time, the roster of members, the secretariat,
the departments that usually attend with their staff, the vote rule and
quorum, its stock phrases, the speakers of F6–F9 and the export defaults.

- :meth:`Committee.to_dict` / :meth:`Committee.from_dict`: the stored form (a
  plain dict, JSON-safe); ``from_dict`` checks everything and raises
  :class:`CommitteeError` with a Japanese message that says what is wrong.
- :func:`next_numbers`: the fiscal year, 第N回 and 通算第N回 of the next meeting.
- :func:`meeting_from_committee`: a new meeting with the roster filled in.
- :func:`committee_from_meeting`: a committee from an existing meeting (the demo).
- :func:`speaker_keys_for`, :func:`phrases_for`: what the minute-taking screen
  takes as ``speaker_keys=`` and ``phrases=`` (:func:`committee_for_meeting`
  finds the committee); :func:`meeting_rule`, :func:`meeting_quorum` and
  :func:`export_defaults`: the vote rule, quorum and export options a meeting
  took from its committee.
- :class:`Attendance`: who attended (members, staff per item, observers), read
  from and applied to a meeting.

A meeting made from a committee remembers it, and the rules that apply to it,
in ``meeting.extra["committee"]`` (see :func:`committee_settings`); the staff
who attended each item are in ``meeting.extra["item_staff"]``.

Pure Python: no Textual, no TinyDB.
"""

from __future__ import annotations

import copy
import re
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from minutes.era import fiscal_year_of
from minutes.model import (
    GROUP_DEPARTMENT,
    GROUP_MEMBER,
    GROUP_SECRETARIAT,
    RULE_MAJORITY,
    RULE_NAMES,
    RULES,
    TITLE_CHAIR,
    TITLE_MEMBER,
    TITLE_VICE_CHAIR,
    ROLE_CHAIR,
    ROLE_MEMBER,
    ROLES,
    default_role,
    Item,
    Meeting,
    Person,
    Vote,
)
from minutes.phrases import BUILTIN_PHRASES, Phrase
from minutes.speakers import MEMBER_UNNAMED, SpeakerRef
from minutes.meeting_settings import (  # noqa: F401 - the settings a meeting carries, re-exported
    EXPORT_VOTES,
    EXTRA_COMMITTEE,
    committee_export_style,
    export_defaults,
    find_committee,
    meeting_quorum,
    meeting_rule,
)

#: Titles offered for a member (any other title may be typed): 会長 and 委員長 chair the
#: meeting by default, 副会長 … stand in (see minutes.model.default_role).
MEMBER_TITLES = (TITLE_CHAIR, TITLE_VICE_CHAIR, TITLE_MEMBER, "委員長", "副委員長", "議長", "副議長", "職務代理者")
#: A member's role as the roster editor offers it ("" = as the title says).
ROLE_CHOICES = (
    ("肩書きのとおり", ""),
    ("議事を主宰(委員長・会長。採決に加わらず、可否同数を決める)", ROLE_CHAIR),
    ("副委員長・副会長", "vice_chair"),
    ("委員", ROLE_MEMBER),
)

#: The function keys a committee assigns (F2–F5 are fixed by the minute-taking screen).
SPEAKER_KEY_NUMBERS = (6, 7, 8, 9)

#: Export defaults: votes one line per ballot, or one summary line.
EXPORT_VOTES_NAMES = {"roll": "1人1行", "summary": "結果の1行"}

#: Where a meeting keeps its committee's settings and the staff per item.
EXTRA_ITEM_STAFF = "item_staff"

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


class CommitteeError(ValueError):
    """A committee that cannot be stored or used; ``message`` says what is wrong, in Japanese."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# -- small parsing helpers -------------------------------------------------------------
def normalize_time(value: str) -> str:
    """``"18:30"`` from ``"18:30"``, ``"9:05"``, ``"１８：３０"`` (IME full-width) or ``"1830"``.

    Raises :class:`ValueError` with a Japanese message for anything else.
    """
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"\d{3,4}", text):
        text = f"{text[:-2]}:{text[-2:]}"
    match = _HHMM.match(text)
    if not match:
        raise ValueError(f"時刻「{value}」は 18:30 のように 時:分 で書いてください。")
    hour, minute = int(match.group(1)), int(match.group(2))
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"時刻「{value}」はありえない時刻です。0:00 から 23:59 の間で書いてください。")
    return f"{hour:02d}:{minute:02d}"


def parse_count(value: str, what: str, *, minimum: int = 0) -> int:
    """A whole number typed by the clerk (full-width digits too); Japanese :class:`ValueError` otherwise."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"{what}は数字で書いてください(いまは「{value}」)。")
    number = int(text)
    if number < minimum:
        raise ValueError(f"{what}は{minimum}以上にしてください(いまは{number})。")
    return number


def parse_date_text(value: str) -> date:
    """A date typed as ``2022-04-20``, ``2022/4/20`` or in full-width digits; Japanese :class:`ValueError`."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if not match:
        raise ValueError(f"日付「{value}」は 2022-04-20 のように 年-月-日 で書いてください。")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueError(f"日付「{value}」はありえない日付です。") from None


def new_committee_id() -> str:
    """A new committee id, ``c1a2b3c``."""
    return f"c{os.urandom(3).hex()}"


# -- the committee -----------------------------------------------------------------------
@dataclass
class Member:
    """One member (委員) of the roster; the roster's order is the list's order."""

    name: str
    title: str = TITLE_MEMBER
    reading: str = ""
    votes: bool | None = None
    """The voting right; ``None``: the default (every member but the chair)."""
    role: str | None = None
    """chair, vice_chair or member; ``None``: as the title says."""

    @property
    def effective_role(self) -> str:
        return self.role if self.role is not None else default_role(self.title)

    @property
    def is_chair(self) -> bool:
        return self.effective_role == ROLE_CHAIR

    @property
    def has_vote(self) -> bool:
        """The voting right, explicit or by default."""
        if self.votes is not None:
            return self.votes
        return not self.is_chair


@dataclass
class Staff:
    """A staff member: secretariat (with their department) or of a department that attends."""

    name: str
    post: str = ""
    department: str = ""


@dataclass
class Committee:
    """A council or committee (会議体) and what its meetings share."""

    id: str
    name: str
    place: str = ""
    start: str = ""
    """The usual opening time ``HH:MM``; empty: the time the meeting is made."""
    members: list[Member] = field(default_factory=list)
    secretariat: list[Staff] = field(default_factory=list)
    departments: dict[str, list[Staff]] = field(default_factory=dict)
    """Department name → its staff (each :class:`Staff` has that department)."""
    rule: str = RULE_MAJORITY
    quorum: int | None = None
    """Members who must be present; ``None``: more than half."""
    phrases: list[Phrase] = field(default_factory=list)
    """The committee's stock phrases; empty: the built-in ones."""
    speaker_keys: dict[int, str] = field(default_factory=dict)
    """F6–F9 → a member's name, a title (会長, 副会長) or a label (委員, 事務局, a department)."""
    export_named: bool = False
    export_votes: str = "roll"
    export_style: str = ""
    """The style its meetings print with unless a meeting names its own; empty: 要録."""

    @classmethod
    def new(cls, name: str = "") -> Committee:
        """An empty committee with a fresh id and the built-in phrases to start from."""
        return cls(id=new_committee_id(), name=name, phrases=list(BUILTIN_PHRASES))

    # -- derived -----------------------------------------------------------------
    @property
    def quorum_required(self) -> int:
        """Members who must be present for a meeting to stand."""
        if self.quorum is not None:
            return self.quorum
        return len(self.members) // 2 + 1

    def department_names(self) -> list[str]:
        """The departments, in order."""
        return list(self.departments)

    def speaker_choices(self) -> list[tuple[str, str]]:
        """What F6–F9 may stand for: ``(shown text, stored value)``."""
        choices = [(f"{m.title} {m.name}", m.name) for m in self.members if m.name]
        choices += [("委員(氏名なし)", "委員"), ("事務局", "事務局")]
        choices += [(name, name) for name in self.departments]
        return choices

    # -- stored form ---------------------------------------------------------------
    def to_dict(self) -> dict:
        """The stored form (JSON-safe; dict order is kept as lists)."""
        return {
            "id": self.id,
            "name": self.name,
            "place": self.place,
            "start": self.start,
            "members": [
                {"name": m.name, "reading": m.reading, "title": m.title, "votes": m.votes, "order": n}
                | ({"role": m.role} if m.role is not None else {})
                for n, m in enumerate(self.members, start=1)
            ],
            "secretariat": [{"name": s.name, "post": s.post, "department": s.department} for s in self.secretariat],
            "departments": [
                {"name": name, "staff": [{"name": s.name, "post": s.post} for s in staff]}
                for name, staff in self.departments.items()
            ],
            "rule": self.rule,
            "quorum": self.quorum,
            "phrases": [{"name": p.name, "text": p.text, "speaker": p.speaker} for p in self.phrases],
            "speaker_keys": {str(k): v for k, v in sorted(self.speaker_keys.items())},
            "export_named": self.export_named,
            "export_votes": self.export_votes,
            # only when chosen, so that committees stored before styles read back the same
            **({"export_style": self.export_style} if self.export_style else {}),
        }

    @classmethod
    def from_dict(cls, data: object) -> Committee:
        """Check a stored committee and build it; :class:`CommitteeError` says what is wrong."""
        return _Reader().committee(data)

    def validate(self) -> Committee:
        """Check this committee as :meth:`from_dict` would; returns it, or raises :class:`CommitteeError`."""
        return Committee.from_dict(self.to_dict())


class _Reader:
    """Checks a stored committee field by field, with messages that name the row."""

    def fail(self, message: str) -> None:
        raise CommitteeError(message)

    def text(self, value: object, what: str, *, required: bool = False, multiline: bool = False) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.fail(f"{what}は文字で書いてください。")
        if _CONTROL.search(value) or (not multiline and "\n" in value):
            self.fail(f"{what}に使えない文字(改行や制御文字)が入っています。書き直してください。")
        if required and not value.strip():
            self.fail(f"{what}を入れてください。")
        return value

    def committee(self, data: object) -> Committee:
        if not isinstance(data, Mapping):
            self.fail("会議体の記録が壊れています(オブジェクトではありません)。")
        known = {
            "id", "name", "place", "start", "members", "secretariat", "departments", "rule", "quorum",
            "phrases", "speaker_keys", "export_named", "export_votes", "export_style",
        }
        unknown = [key for key in data if key not in known]
        if unknown:
            self.fail(f"会議体の記録に知らない項目があります: {', '.join(map(str, unknown))}")
        committee_id = self.text(data.get("id"), "会議体のID", required=True)
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", committee_id):
            self.fail(f"会議体のID「{committee_id}」は英数字で書いてください。")
        name = self.text(data.get("name"), "会議体の名称", required=True).strip()
        place = self.text(data.get("place"), "既定の開催場所").strip()
        start = self.text(data.get("start"), "既定の開会時刻").strip()
        if start:
            try:
                start = normalize_time(start)
            except ValueError as error:
                self.fail(f"既定の開会時刻: {error}")
        members = self.members(data.get("members", []))
        secretariat = self.secretariat(data.get("secretariat", []))
        departments = self.departments(data.get("departments", []))
        rule = data.get("rule", RULE_MAJORITY)
        if rule not in RULES:
            names = "、".join(RULE_NAMES[r] for r in RULES)
            self.fail(f"採決の規則「{rule}」は使えません。{names}のどれかにしてください。")
        quorum = data.get("quorum")
        if quorum is not None:
            if not isinstance(quorum, int) or isinstance(quorum, bool) or quorum < 1:
                self.fail("定足数は1以上の数にしてください(空にすると委員の過半数)。")
            if members and quorum > len(members):
                self.fail(f"定足数({quorum}名)が委員の人数({len(members)}名)より多くなっています。")
        phrases = self.phrases(data.get("phrases", []))
        keys = self.speaker_keys(data.get("speaker_keys", {}))
        named = data.get("export_named", False)
        if not isinstance(named, bool):
            self.fail("書き出しの発言者の既定(export_named)は true か false にしてください。")
        votes = data.get("export_votes", "roll")
        if votes not in EXPORT_VOTES:
            self.fail("書き出しの採決の既定は「1人1行」か「結果の1行」にしてください。")
        style = self.text(data.get("export_style"), "書き出しのスタイルの既定").strip()
        return Committee(
            id=committee_id, name=name, place=place, start=start, members=members, secretariat=secretariat,
            departments=departments, rule=rule, quorum=quorum, phrases=phrases, speaker_keys=keys,
            export_named=named, export_votes=votes, export_style=style,
        )

    def rows(self, value: object, what: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"{what}は一覧(配列)で書いてください。")
        return value

    def members(self, value: object) -> list[Member]:
        rows = self.rows(value, "委員の名簿")
        keyed = []
        seen: set[str] = set()
        chairs = 0
        for n, row in enumerate(rows, start=1):
            where = f"委員の{n}行目"
            if not isinstance(row, Mapping):
                self.fail(f"{where}が壊れています。")
            name = self.text(row.get("name"), f"{where}の氏名", required=True).strip()
            if name in seen:
                self.fail(f"委員「{name}」が名簿に2回あります。同じ氏名は1回だけにしてください。")
            seen.add(name)
            title = self.text(row.get("title", TITLE_MEMBER), f"{where}({name})の肩書き").strip()
            if not title:
                self.fail(f"{where}({name})の肩書きを入れてください(委員長、会長、委員 など)。")
            role = row.get("role")
            if role is not None and role not in ROLES:
                self.fail(f"{where}({name})の役割が正しくありません。名簿の編集で選び直してください。")
            chairs += (role or default_role(title)) == ROLE_CHAIR
            if chairs > 1:
                self.fail("議事を主宰する委員(委員長・会長)が2人います。1人だけにしてください。")
            votes = row.get("votes")
            if votes is not None and not isinstance(votes, bool):
                self.fail(f"{where}({name})の議決権は「あり」か「なし」にしてください。")
            order = row.get("order", n)
            if not isinstance(order, (int, float)) or isinstance(order, bool):
                self.fail(f"{where}({name})の順番が数ではありません。")
            reading = self.text(row.get("reading"), f"{where}({name})の読み").strip()
            keyed.append((order, n, Member(name=name, title=title, reading=reading, votes=votes, role=role)))
        return [member for _, _, member in sorted(keyed, key=lambda t: (t[0], t[1]))]

    def secretariat(self, value: object) -> list[Staff]:
        result = []
        for n, row in enumerate(self.rows(value, "事務局"), start=1):
            where = f"事務局の{n}行目"
            if not isinstance(row, Mapping):
                self.fail(f"{where}が壊れています。")
            name = self.text(row.get("name"), f"{where}の氏名", required=True).strip()
            post = self.text(row.get("post"), f"{where}({name})の職").strip()
            department = self.text(row.get("department"), f"{where}({name})の課", required=True).strip()
            result.append(Staff(name, post, department))
        return result

    def departments(self, value: object) -> dict[str, list[Staff]]:
        if isinstance(value, Mapping):  # {name: [staff, …]} is accepted too
            value = [{"name": name, "staff": staff} for name, staff in value.items()]
        result: dict[str, list[Staff]] = {}
        for n, row in enumerate(self.rows(value, "関係課"), start=1):
            where = f"関係課の{n}番目"
            if not isinstance(row, Mapping):
                self.fail(f"{where}が壊れています。")
            name = self.text(row.get("name"), f"{where}の課の名前", required=True).strip()
            if name in result:
                self.fail(f"関係課「{name}」が2回あります。")
            staff = []
            for k, person in enumerate(self.rows(row.get("staff", []), f"{name}の職員"), start=1):
                if isinstance(person, (list, tuple)) and len(person) == 2:
                    person = {"name": person[0], "post": person[1]}
                if not isinstance(person, Mapping):
                    self.fail(f"{name}の職員の{k}行目が壊れています。")
                staff_name = self.text(person.get("name"), f"{name}の職員の{k}行目の氏名", required=True).strip()
                post = self.text(person.get("post"), f"{name}の職員「{staff_name}」の職").strip()
                staff.append(Staff(staff_name, post, name))
            result[name] = staff
        return result

    def phrases(self, value: object) -> list[Phrase]:
        result = []
        for n, row in enumerate(self.rows(value, "定型文"), start=1):
            where = f"定型文の{n}行目"
            if not isinstance(row, Mapping):
                self.fail(f"{where}が壊れています。")
            name = self.text(row.get("name"), f"{where}の名前", required=True).strip()
            text = self.text(row.get("text"), f"{where}({name})の文章", required=True, multiline=True)
            speaker = self.text(row.get("speaker"), f"{where}({name})の発言者").strip()
            result.append(Phrase(name, text, speaker))
        return result

    def speaker_keys(self, value: object) -> dict[int, str]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail("発言者キー(F6〜F9)の記録が壊れています。")
        result = {}
        for key, ref in value.items():
            try:
                number = int(key)
            except (TypeError, ValueError):
                number = 0
            if number not in SPEAKER_KEY_NUMBERS:
                self.fail(f"発言者キー「{key}」は F6〜F9 のどれかにしてください。")
            ref = self.text(ref, f"F{number} の発言者").strip()
            if ref:
                result[number] = ref
        return result


# -- numbering ---------------------------------------------------------------------------
def next_numbers(previous: Meeting | None, today: date | datetime | str) -> tuple[int, int, int | None]:
    """``(fiscal_year, session, serial)`` of the meeting after ``previous``, held ``today``.

    The fiscal year runs April to March. 通算 (serial) is the previous one plus
    one (``None`` when the previous meeting has none). 第N回 (session) is the
    previous one plus one within the same fiscal year, and 1 in a new one.
    Without a previous meeting: ``(fiscal year, 1, 1)``.
    """
    fiscal_year = fiscal_year_of(today if not isinstance(today, str) else parse_date_text(today))
    if previous is None:
        return fiscal_year, 1, 1
    previous_year = previous.fiscal_year
    if previous_year is None:
        try:
            previous_year = fiscal_year_of(parse_date_text(previous.date))
        except ValueError:
            previous_year = None
    if previous_year == fiscal_year and previous.session:
        session = previous.session + 1
    else:
        session = 1
    serial = previous.serial + 1 if previous.serial else None
    return fiscal_year, session, serial


# -- meetings from committees and back ---------------------------------------------------
def committee_settings(committee: Committee) -> dict:
    """What a meeting keeps of its committee in ``extra["committee"]``."""
    return {
        "id": committee.id,
        "rule": committee.rule,
        "quorum": committee.quorum,
        "export_named": committee.export_named,
        "export_votes": committee.export_votes,
        **({"export_style": committee.export_style} if committee.export_style else {}),
    }


def people_from_committee(committee: Committee) -> list[Person]:
    """The attendance list of a new meeting: members (p1…), secretariat (s1…), departments' staff (r1…)."""
    people: list[Person] = []
    for n, member in enumerate(committee.members, start=1):
        default = not member.is_chair
        votes = None if member.votes is None or member.votes == default else member.votes
        people.append(
            Person(
                id=f"p{n}", name=member.name, group=GROUP_MEMBER, title=member.title,
                reading=member.reading or None, votes=votes, role=member.role,
            )
        )
    for n, staff in enumerate(committee.secretariat, start=1):
        people.append(
            Person(id=f"s{n}", name=staff.name, group=GROUP_SECRETARIAT, title=staff.post, department=staff.department)
        )
    n = 0
    for department, staff_list in committee.departments.items():
        for staff in staff_list:
            n += 1
            people.append(Person(id=f"r{n}", name=staff.name, group=GROUP_DEPARTMENT, title=staff.post, department=department))
    return people


def meeting_from_committee(
    committee: Committee, today: date | datetime, previous: Meeting | None = None
) -> Meeting:
    """A new meeting of the committee held ``today``.

    The roster, secretariat and departments' staff are filled in (everyone
    present); the numbers follow ``previous`` (:func:`next_numbers`); the date
    is ``today``, the place the committee's, the opening time the committee's
    usual one, else the time of ``today`` when it is a datetime (else 00:00).
    The agenda is empty.
    """
    day = today.date() if isinstance(today, datetime) else today
    if committee.start:
        start = committee.start
    elif isinstance(today, datetime):
        start = today.strftime("%H:%M")
    else:
        start = "00:00"
    fiscal_year, session, serial = next_numbers(previous, day)
    return Meeting(
        body=committee.name,
        date=day.isoformat(),
        start=start,
        place=committee.place,
        people=people_from_committee(committee),
        agenda=[],
        fiscal_year=fiscal_year,
        session=session,
        serial=serial,
        extra={EXTRA_COMMITTEE: committee_settings(committee)},
    )


def next_meeting_from(previous: Meeting, today: date | datetime, committee: Committee | None = None) -> Meeting:
    """"Duplicate as the next meeting": the people and agenda of ``previous``, every log empty.

    Attendance starts afresh (everyone present, no times, no observers); the
    numbers follow ``previous``; date, place and start as
    :func:`meeting_from_committee` (from ``committee`` when given, else from
    ``previous``).
    """
    day = today.date() if isinstance(today, datetime) else today
    fiscal_year, session, serial = next_numbers(previous, day)
    people = [
        Person(
            id=p.id, name=p.name, group=p.group, title=p.title, department=p.department,
            reading=p.reading, votes=p.votes,
        )
        for p in previous.people
    ]
    agenda = [
        Item(id=item.id, title=item.title, section=item.section, kind=item.kind, departments=list(item.departments))
        for item in previous.agenda
    ]
    extra = {}
    if previous.extra and isinstance(previous.extra.get(EXTRA_COMMITTEE), dict):
        extra[EXTRA_COMMITTEE] = copy.deepcopy(previous.extra[EXTRA_COMMITTEE])
    if committee is not None:
        extra[EXTRA_COMMITTEE] = committee_settings(committee)
    start = (committee.start if committee and committee.start else "") or previous.start
    return Meeting(
        body=committee.name if committee else previous.body,
        date=day.isoformat(),
        start=start,
        place=(committee.place if committee and committee.place else previous.place),
        people=people,
        agenda=agenda,
        fiscal_year=fiscal_year,
        session=session,
        serial=serial,
        record_style=previous.record_style,
        extra=extra or None,
    )


def _most_common_rule(meeting: Meeting) -> str:
    rules = [entry.rule for _, entry in meeting.entries() if isinstance(entry, Vote)]
    if not rules:
        return RULE_MAJORITY
    return max(RULES, key=rules.count)


def committee_from_meeting(meeting: Meeting, name: str | None = None) -> Committee:
    """A committee with the roster, staff, place and time of an existing meeting (e.g. the demo).

    Members keep their titles, readings and explicit voting rights; the
    secretariat and the departments' staff keep their posts; departments named
    only on the agenda are added without staff. The phrases are the built-in
    ones; the rule is the one the meeting's votes used most.
    """
    committee = Committee.new(name if name is not None else meeting.body)
    committee.place = meeting.place
    try:
        committee.start = normalize_time(meeting.start)
    except ValueError:
        committee.start = ""
    for person in meeting.people:
        if person.group == GROUP_MEMBER:
            title = person.title or TITLE_MEMBER
            role = person.role
            if person.is_chair and any(m.is_chair for m in committee.members):
                role = ROLE_MEMBER
            if any(m.name == person.name for m in committee.members):
                continue
            committee.members.append(Member(person.name, title, person.reading or "", person.votes, role))
        elif person.group == GROUP_SECRETARIAT:
            committee.secretariat.append(Staff(person.name, person.title, person.department or GROUP_SECRETARIAT))
        elif person.department:
            committee.departments.setdefault(person.department, []).append(
                Staff(person.name, person.title, person.department)
            )
    for item in meeting.agenda:
        for department in item.departments:
            committee.departments.setdefault(department, [])
    committee.rule = _most_common_rule(meeting)
    settings = (meeting.extra or {}).get(EXTRA_COMMITTEE)
    if isinstance(settings, dict):
        if settings.get("rule") in RULES:
            committee.rule = settings["rule"]
        quorum = settings.get("quorum")
        if isinstance(quorum, int) and not isinstance(quorum, bool) and 1 <= quorum <= len(committee.members):
            committee.quorum = quorum
        if isinstance(settings.get("export_named"), bool):
            committee.export_named = settings["export_named"]
        if settings.get("export_votes") in EXPORT_VOTES:
            committee.export_votes = settings["export_votes"]
        committee.export_style = committee_export_style(meeting) or ""
    return committee


def committee_for_meeting(committees: Iterable[Committee], meeting: Meeting) -> Committee | None:
    """The committee a meeting belongs to: the one it was made from, else the one with its body's name."""
    return find_committee(committees, meeting, lambda committee: (committee.id, committee.name))


# -- what the minute-taking screen takes ---------------------------------------------------
def resolve_speaker(meeting: Meeting, ref: str) -> SpeakerRef | None:
    """The speaker a stored key value stands for in this meeting.

    A member's name (or any listed person's name) → that person; ``会長`` /
    ``副会長`` → the member with that title; ``委員`` → a member not named;
    anything else (``事務局``, a department) → that label. Empty → ``None``.
    """
    ref = ref.strip()
    if not ref:
        return None
    for group in (GROUP_MEMBER, None):
        for person in meeting.people:
            if person.name == ref and (group is None or person.group == group):
                return SpeakerRef(speaker_id=person.id)
    if ref in (TITLE_CHAIR, TITLE_VICE_CHAIR):
        # 会長 / 副会長 name the roles too: the 委員長 or 副委員長 of a council committee
        for person in meeting.members:
            if (person.is_chair if ref == TITLE_CHAIR else person.is_vice_chair):
                return SpeakerRef(speaker_id=person.id)
        return SpeakerRef(label=ref) if ref == TITLE_CHAIR else None
    if ref == GROUP_MEMBER:
        return MEMBER_UNNAMED
    for person in meeting.members:
        if person.title == ref:  # 委員長, 副委員長, 職務代理者 … : the member with that title
            return SpeakerRef(speaker_id=person.id)
    return SpeakerRef(label=ref)


def speaker_keys_for(meeting: Meeting, committee: Committee | None) -> dict[int, SpeakerRef]:
    """``speaker_keys=`` of the minute-taking screen: F6–F9 as the committee assigns them.

    Keys whose person is not in this meeting are left out (the screen then
    falls back: F6 to the vice-chair).
    """
    if committee is None:
        return {}
    result = {}
    listed = {p.name for p in meeting.people}
    people_names = {m.name for m in committee.members}
    people_names.update(s.name for s in committee.secretariat)
    for number, ref in sorted(committee.speaker_keys.items()):
        if ref in people_names and ref not in listed:
            continue  # a person of the committee who is not on this meeting's list
        speaker = resolve_speaker(meeting, ref)
        if speaker is not None:
            result[number] = speaker
    return result


def phrases_for(committee: Committee | None) -> list[Phrase]:
    """``phrases=`` of the minute-taking screen: the committee's phrases, else the built-in ones."""
    if committee is None or not committee.phrases:
        return list(BUILTIN_PHRASES)
    return list(committee.phrases)


# -- attendance -------------------------------------------------------------------------------
def votes_cast(meeting: Meeting, person_id: str) -> int:
    """How many recorded votes hold a ballot of this person (who then cannot be marked absent)."""
    return sum(1 for _, entry in meeting.entries() if isinstance(entry, Vote) and person_id in entry.ballots)


def staff_of_departments(meeting: Meeting, departments: Iterable[str]) -> list[Person]:
    """The 関係課 staff of these departments, in list order."""
    wanted = set(departments)
    return [p for p in meeting.people if p.group == GROUP_DEPARTMENT and p.department in wanted]


@dataclass
class Attendance:
    """Who attended: the people (with present, arrived, left), observers, and the staff per item.

    ``item_staff`` maps an item id to the ids of the 関係課 staff who attended
    for it. :meth:`of` reads it from a meeting (a fresh copy to change);
    :meth:`apply_to` puts it into a meeting (then save people and header).
    """

    people: list[Person]
    observers: int = 0
    item_staff: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, meeting: Meeting) -> Attendance:
        """A copy of the meeting's attendance; items without a record get their departments' present staff."""
        people = [copy.copy(p) for p in meeting.people]
        stored = (meeting.extra or {}).get(EXTRA_ITEM_STAFF)
        stored = stored if isinstance(stored, dict) else {}
        known = {p.id for p in people}
        item_staff: dict[str, list[str]] = {}
        for item in meeting.agenda:
            if not item.departments:
                continue
            if isinstance(stored.get(item.id), list):
                item_staff[item.id] = [pid for pid in stored[item.id] if pid in known]
            else:
                item_staff[item.id] = [p.id for p in staff_of_departments(meeting, item.departments) if p.present]
        return cls(people=people, observers=meeting.observers, item_staff=item_staff)

    def person(self, person_id: str) -> Person | None:
        for person in self.people:
            if person.id == person_id:
                return person
        return None

    def set_present(self, person_id: str, present: bool) -> None:
        """Mark someone present or absent; an absent person attends no item and has no times."""
        person = self.person(person_id)
        if person is None:
            return
        person.present = present
        if not present:
            person.arrived = None
            person.left = None
            for ids in self.item_staff.values():
                if person_id in ids:
                    ids.remove(person_id)

    def set_item_staff(self, item_id: str, person_id: str, attended: bool) -> None:
        """Record that a staff member attended (or not) for an item; attending marks them present."""
        ids = self.item_staff.setdefault(item_id, [])
        if attended:
            if person_id not in ids:
                order = [p.id for p in self.people]
                ids.append(person_id)
                ids.sort(key=lambda pid: order.index(pid) if pid in order else len(order))
            person = self.person(person_id)
            if person is not None:
                person.present = True
        elif person_id in ids:
            ids.remove(person_id)

    def members_present(self) -> int:
        return sum(1 for p in self.people if p.group == GROUP_MEMBER and p.present)

    def apply_to(self, meeting: Meeting) -> None:
        """Put this attendance into the meeting (people, observers, ``extra["item_staff"]``)."""
        meeting.people = [copy.copy(p) for p in self.people]
        meeting.observers = self.observers
        extra = dict(meeting.extra or {})
        extra[EXTRA_ITEM_STAFF] = {item_id: list(ids) for item_id, ids in self.item_staff.items()}
        meeting.extra = extra


def item_staff(meeting: Meeting) -> dict[str, list[str]]:
    """The staff who attended each item (item id → person ids), as :class:`Attendance` reads it."""
    return Attendance.of(meeting).item_staff
