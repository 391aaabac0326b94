"""The facts a style arranges: a meeting turned into plain values for a template.

A style (:mod:`minutes.styles`) never sees the model: it sees what
:func:`view_of` prepares here, already worded the Japanese official way
(era dates, 午前/午後 times, 要録 labels, vote lines) and nothing else. The
model can change shape without breaking a clerk's style, and a template
cannot call into the model.

Every entry of an item's log becomes one :class:`Block` with a ``kind``:
``speech``, ``vote``, ``note`` or ``event``. Each block also carries
``turns``: how the 要録 custom prints it, as ``(label, paragraphs)`` lines,
so that a style that wants the seed's layout needs one loop. A new kind of
entry is one more branch of :func:`_block`.

The full list of what a style sees is in ``docs/styles.md``; keep the two in
step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from minutes.era import format_era_date, format_time, format_weekday
from minutes.model import GROUP_MEMBER, GROUP_SECRETARIAT, Event, Meeting, Note, Person, Speech, Vote
from minutes.render import (
    ExportOptions,
    HeaderLine,
    Turn,
    _ballot_order,
    agenda_outline,
    attendance,
    circled,
    composed_title,
    date_line,
    event_line,
    header_lines,
    item_heading,
    name_with_title,
    note_line,
    observers_text,
    paren_number,
    person_label,
    serial_line,
    speaker_label,
    speech_paragraphs,
    title_lines,
    vote_lines,
    vote_summary,
)
from minutes.votes import vote_tally


def _safe_time(value: str | None) -> str:
    """``午後5時30分``; ``""`` for none; the value itself if it is not a time (an export never crashes)."""
    if not value:
        return ""
    try:
        return format_time(value)
    except ValueError:
        return str(value)


@dataclass(frozen=True)
class PersonView:
    """Someone on the attendance list, as a style may print them."""

    id: str
    name: str
    family_name: str
    title: str
    role: str
    group: str
    department: str
    present: bool
    online: bool
    arrived: str
    left: str
    label: str
    """The 要録 label: 会長 / 委員 / 事務局 / the department."""
    named: str
    """Name and title: ``村千鶴子委員``, ``市川課長``."""


def person_view(person: Person) -> PersonView:
    return PersonView(
        id=person.id,
        name=person.name,
        family_name=person.short_name,
        title=person.title or "",
        role=person.effective_role or "",
        group=person.group,
        department=person.department or "",
        present=person.present,
        online=person.online,
        arrived=_safe_time(person.arrived),
        left=_safe_time(person.left),
        label=person_label(person),
        named=name_with_title(person),
    )


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot: ``value`` is 承認, 不承認 or 保留 (a style words it: 賛成・反対)."""

    label: str
    value: str
    person: PersonView | None


@dataclass
class Block:
    """One entry of an item's log, as a style prints it.

    ``kind`` says which fields mean something:

    - ``speech``: ``label`` (as the options ask: 要録 or named), ``speaker``
      (a :class:`PersonView`, ``None`` for a free label), ``paragraphs``;
    - ``vote``: ``method``, ``result``, ``declared`` (``result_text`` or the
      result), ``ballots``, ``approve``/``disapprove``/``abstain`` counts,
      ``tally``, ``summary`` (``(採決の結果、…)``), ``question``;
    - ``note``: ``text`` (without brackets);
    - ``event``: ``text`` (開会, 休憩 …) and ``time`` (``午前10時9分``).

    ``turns``: the 要録 lines of the block, ``[(label, paragraphs)]``.
    """

    kind: str
    turns: list[Turn]
    label: str = ""
    speaker: PersonView | None = None
    paragraphs: list[str] = field(default_factory=list)
    text: str = ""
    raw_time: str | None = None
    """The time as recorded (``HH:MM:SS``); styles print :attr:`time`."""
    method: str = ""
    result: str = ""
    declared: str = ""
    ballots: list[Ballot] = field(default_factory=list)
    approve: int | None = None
    disapprove: int | None = None
    abstain: int | None = None
    tally: str = ""
    summary: str = ""
    question: str = ""

    @property
    def time(self) -> str:
        """``午前10時9分`` (worded only when a style asks: most never print it)."""
        return _safe_time(self.raw_time)


@dataclass
class ItemView:
    """An agenda item under the content heading."""

    index: int
    number: str
    """``(1)``: numbered across the whole agenda."""
    section: str
    title: str
    kind: str
    heading: str
    """``…について(諮問)``; a bare heading (その他) its title alone."""
    bare: bool
    departments: list[str]
    blocks: list[Block]

    @property
    def turns(self) -> list[Turn]:
        """Every block's 要録 turns, in order."""
        return [turn for block in self.blocks for turn in block.turns]


@dataclass(frozen=True)
class OutlineSection:
    """A section of the 会次第 with its item headings (``mark`` ①②…, ``number`` 1 2 …)."""

    number: int
    name: str
    headings: list[tuple[str, str]]


@dataclass(frozen=True)
class Document:
    """A distributed document (配布資料): label (may be empty) and title."""

    label: str
    title: str


@dataclass
class MeetingView:
    """Everything a style sees (``docs/styles.md`` lists it)."""

    body: str
    title: str
    title_lines: list[str]
    record_style: str
    serial: str
    serial_number: int | None
    session: int | None
    date_line: str
    date: str
    weekday: str
    start: str
    end: str
    place: str
    observers: int
    observers_text: str
    status: str
    people: list[PersonView]
    members: list[PersonView]
    present_members: list[PersonView]
    absent_members: list[PersonView]
    secretariat: list[PersonView]
    staff: list[PersonView]
    attendance: list[tuple[str, list[str]]]
    header: list[HeaderLine]
    outline: list[OutlineSection]
    items: list[ItemView]
    documents: list[Document]
    signers: list[PersonView]
    disclosure_status: str
    disclosure_reason: str
    named: bool
    votes: str
    width: int | None


# -- blocks --------------------------------------------------------------------
def _vote_block(meeting: Meeting, vote: Vote, options: ExportOptions, views: dict[str, PersonView]) -> Block:
    ballots = []
    for pid in _ballot_order(meeting, vote):
        person = meeting.person(pid)
        label = person_label(person, options.named) if person is not None else pid
        ballots.append(Ballot(label, vote.ballots[pid], views.get(pid) if person is not None else None))
    counts = vote_tally(vote)
    chair = meeting.chair
    summary = vote_summary(vote, chair.title if chair is not None and chair.title else "会長")
    return Block(
        "vote",
        [Turn(label, [text]) for label, text in vote_lines(meeting, vote, options)],
        method=vote.method,
        result=vote.result,
        declared=vote.result_words,
        ballots=ballots,
        approve=counts.approve if counts is not None else None,
        disapprove=counts.disapprove if counts is not None else None,
        abstain=counts.abstain if counts is not None else None,
        tally=vote.tally or "",
        summary=summary,
        question=vote.question or "",
        raw_time=vote.time,
    )


def _speech_block(meeting: Meeting, speech: Speech, options: ExportOptions, views: dict[str, PersonView]) -> Block:
    label = speaker_label(meeting, speech, options.named)
    paragraphs = speech_paragraphs(speech)
    return Block(
        "speech",
        [Turn(label, paragraphs)],
        label=label,
        speaker=views.get(speech.speaker_id) if speech.speaker_id is not None else None,
        paragraphs=paragraphs,
        raw_time=speech.time,
    )


def _block(meeting: Meeting, entry, options: ExportOptions, views: dict[str, PersonView]) -> Block:
    if isinstance(entry, Speech):
        return _speech_block(meeting, entry, options, views)
    if isinstance(entry, Vote):
        return _vote_block(meeting, entry, options, views)
    if isinstance(entry, Note):
        return Block("note", [Turn("", [note_line(entry)])], text=entry.text, raw_time=entry.time)
    if isinstance(entry, Event):
        # seconds never print
        return Block("event", [Turn("", [event_line(entry)])], text=entry.kind, raw_time=entry.time[:5])
    raise TypeError(f"an entry of a kind the export does not know: {type(entry).__name__}")


# -- the meeting -------------------------------------------------------------------
def _date_parts(meeting: Meeting) -> tuple[str, str]:
    try:
        return format_era_date(meeting.date), format_weekday(meeting.date)
    except ValueError:
        return str(meeting.date), ""


def view_of(meeting: Meeting, options: ExportOptions | None = None) -> MeetingView:
    """The facts of ``meeting`` for a style, worded as ``options`` ask (named, votes, width)."""
    options = options or ExportOptions()
    people = [person_view(p) for p in meeting.people]
    by_id: dict[str, PersonView] = {}
    for view in people:
        by_id.setdefault(view.id, view)  # the first of a repeated id, as Meeting.person finds it
    members = [p for p in people if p.group == GROUP_MEMBER]
    date, weekday = _date_parts(meeting)
    outline = [
        OutlineSection(n, section, [(circled(k), heading) for k, heading in enumerate(headings, start=1)])
        for n, (section, headings) in enumerate(agenda_outline(meeting), start=1)
    ]
    items = [
        ItemView(
            index=n,
            number=paren_number(n),
            section=item.section,
            title=item.title,
            kind=item.kind,
            heading=item_heading(item),
            bare=item.is_bare_heading,
            departments=list(item.departments),
            blocks=[_block(meeting, entry, options, by_id) for entry in item.log],
        )
        for n, item in enumerate(meeting.agenda, start=1)
    ]
    documents = [Document(d.label, d.title) for d in meeting.documents]
    signers = [by_id[pid] for pid in meeting.signers if pid in by_id]
    disclosure = meeting.disclosure
    return MeetingView(
        body=meeting.body,
        title=composed_title(meeting),
        title_lines=title_lines(meeting),
        record_style=meeting.record_style,
        serial=serial_line(meeting) or "",
        serial_number=meeting.serial,
        session=meeting.session,
        date_line=date_line(meeting),
        date=date,
        weekday=weekday,
        start=_safe_time(meeting.start),
        end=_safe_time(meeting.end),
        place=meeting.place,
        observers=meeting.observers,
        observers_text=observers_text(meeting),
        status=meeting.status,
        people=people,
        members=members,
        present_members=[p for p in members if p.present],
        absent_members=[p for p in members if not p.present],
        secretariat=[p for p in people if p.group == GROUP_SECRETARIAT and p.present],
        staff=[p for p in people if p.group not in (GROUP_MEMBER, GROUP_SECRETARIAT) and p.present],
        attendance=attendance(meeting),
        header=header_lines(meeting),
        outline=outline,
        items=items,
        documents=documents,
        signers=signers,
        disclosure_status=disclosure.status if disclosure is not None else "",
        disclosure_reason=(disclosure.reason or "") if disclosure is not None else "",
        named=options.named,
        votes=options.votes,
        width=options.width,
    )


def sample_view() -> MeetingView:
    """The demo meeting with an entry of every kind and every optional section: what a style is tried on.

    A template fails only on the lines it reaches, so a style is checked
    against facts that reach every branch a style is likely to have (notes,
    events, each vote method, documents, signers, disclosure).
    """
    from minutes.demo import load_demo
    from minutes.model import Disclosure
    from minutes.model import Document as StoredDocument

    meeting = load_demo()
    if meeting.agenda:
        meeting.agenda[0].log.extend([
            Note("「異議なし」の声あり"),
            Event("休憩", "18:10"),
            Event("再開", "18:20:30"),
            Vote({}, "承認", method="hands", tally="全員"),
            Vote({}, "承認", method="standing", tally="多数", result_text="原案のとおり可決"),
            Vote({}, "承認", method="no_objection"),
            Vote({}, "承認", method="consensus"),
            Vote({}, "承認", method="ballot", counts={"承認": 3, "不承認": 1, "保留": 0}),
        ])
    meeting.documents = [StoredDocument("資料1", "諮問書"), StoredDocument("", "参考資料")]
    meeting.signers = [p.id for p in meeting.members if p.present and not p.is_chair][:2]
    meeting.disclosure = Disclosure("一部非公開", "個人情報を含むため")
    return view_of(meeting)
