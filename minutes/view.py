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
from minutes.model import GROUP_MEMBER, GROUP_SECRETARIAT, Meeting, Person, Speech, Vote
from minutes.render import (
    BALLOT_TEXT,
    ExportOptions,
    HeaderLine,
    Turn,
    _ballot_order,
    agenda_outline,
    attendance,
    circled,
    composed_title,
    date_line,
    header_lines,
    item_heading,
    name_with_title,
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
from minutes.votes import tally

#: Roles by title, for people whose record does not name one (format v2, Person ``role``).
CHAIR_TITLES = frozenset({"会長", "委員長", "議長", "座長"})
VICE_CHAIR_TITLES = frozenset({"副会長", "副委員長", "副議長", "職務代理者"})

#: How the 要録 custom words a decision that was not a roll call, by vote method.
_HANDS_WORDS = {"hands": "挙手", "standing": "起立"}


def _safe_time(value: str | None) -> str:
    """``午後5時30分``; ``""`` for none; the value itself if it is not a time (an export never crashes)."""
    if not value:
        return ""
    try:
        return format_time(value)
    except ValueError:
        return str(value)


def role_of(person: Person) -> str:
    """``chair``, ``vice_chair`` or ``member`` for a member (format v2 ``role``, else by title); ``""`` for staff."""
    if not person.is_member:
        return ""
    role = getattr(person, "role", None)  # the model names it from format v2 on
    if role in ("chair", "vice_chair", "member"):
        return role
    if person.title in CHAIR_TITLES:
        return "chair"
    if person.title in VICE_CHAIR_TITLES:
        return "vice_chair"
    return "member"


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
        family_name=getattr(person, "family_name", None) or person.name,
        title=person.title or "",
        role=role_of(person),
        group=person.group,
        department=person.department or "",
        present=person.present,
        online=bool(getattr(person, "online", False)),
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
def _vote_counts(vote: Vote) -> tuple[int | None, int | None, int | None]:
    if vote.ballots:
        counts = tally(vote.ballots)
        return counts.approve, counts.disapprove, counts.abstain
    given = getattr(vote, "counts", None)  # format v2: hands, standing, ballot without ballots
    if isinstance(given, dict):
        return given.get("承認"), given.get("不承認"), given.get("保留")
    return None, None, None


def declared_line(method: str, declared: str, tally_word: str, counts: tuple) -> str:
    """The 要録 line of a vote that was not a roll call (format page, "How the official text prints it")."""
    if method == "no_objection":
        return f"(異議なく{declared})"
    if method == "consensus":
        return f"(全会一致により{declared})"
    approve, disapprove, abstain = counts
    if approve is not None:
        return f"(採決の結果、賛成{approve}、反対{disapprove}、保留{abstain}により{declared})"
    how = _HANDS_WORDS.get(method, "")
    return f"(採決の結果、{how}{tally_word}により{declared})"


def _vote_block(meeting: Meeting, vote: Vote, options: ExportOptions, views: dict[str, PersonView]) -> Block:
    method = getattr(vote, "method", None) or "roll"
    declared = getattr(vote, "result_text", None) or vote.result
    tally_word = getattr(vote, "tally", None) or ""
    counts = _vote_counts(vote)
    ballots = []
    for pid in _ballot_order(meeting, vote):
        person = meeting.person(pid)
        label = person_label(person, options.named) if person is not None else pid
        ballots.append(Ballot(label, vote.ballots[pid], views.get(pid) if person is not None else None))
    if method == "roll" or (method == "ballot" and vote.ballots):
        turns = [Turn(label, [text]) for label, text in vote_lines(meeting, vote, options)]
        summary = vote_summary(vote)
    else:
        summary = declared_line(method, declared, tally_word, counts)
        turns = [Turn("", [summary])]
    return Block(
        "vote",
        turns,
        method=method,
        result=vote.result,
        declared=declared,
        ballots=ballots,
        approve=counts[0],
        disapprove=counts[1],
        abstain=counts[2],
        tally=tally_word,
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
    if isinstance(entry, Vote):
        return _vote_block(meeting, entry, options, views)
    if isinstance(entry, Speech):
        return _speech_block(meeting, entry, options, views)
    # Notes and events (format v2) by the keys the format gives them.
    note = getattr(entry, "note", None)
    if isinstance(note, str):
        return Block("note", [Turn("", [f"({note})"])], text=note, raw_time=getattr(entry, "time", None))
    event = getattr(entry, "event", None)
    if isinstance(event, str):
        when = getattr(entry, "time", None)
        return Block("event", [Turn("", [f"{_safe_time(when)}{event}"])], text=event, raw_time=when)
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
    # Format v2 keys, read where the model has them.
    documents = [
        Document(str(getattr(d, "label", None) or (d.get("label") if isinstance(d, dict) else "") or ""),
                 str(getattr(d, "title", None) or (d.get("title") if isinstance(d, dict) else "") or ""))
        for d in (getattr(meeting, "documents", None) or [])
    ]
    signers = [by_id[pid] for pid in (getattr(meeting, "signers", None) or []) if pid in by_id]
    disclosure = getattr(meeting, "disclosure", None)
    if isinstance(disclosure, dict):
        disclosure_status, disclosure_reason = disclosure.get("status", ""), disclosure.get("reason", "") or ""
    elif disclosure is not None:
        disclosure_status = getattr(disclosure, "status", "") or ""
        disclosure_reason = getattr(disclosure, "reason", "") or ""
    else:
        disclosure_status = disclosure_reason = ""
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
        disclosure_status=disclosure_status,
        disclosure_reason=disclosure_reason,
        named=options.named,
        votes=options.votes,
        width=options.width,
    )


def sample_view() -> MeetingView:
    """The demo meeting with one block of every kind and every optional section: what a style is tried on.

    A template fails only on the lines it reaches, so a style is checked
    against facts that reach every branch a style is likely to have (notes,
    events, each vote method, documents, signers, disclosure).
    """
    from minutes.demo import load_demo

    view = view_of(load_demo())
    people = view.present_members
    chair = next((p for p in people if p.role == "chair"), people[0] if people else None)
    extra = [
        Block("note", [Turn("", ["(「異議なし」の声あり)"])], text="「異議なし」の声あり"),
        Block("event", [Turn("", ["午後6時10分休憩"])], text="休憩", raw_time="18:10"),
        Block("event", [Turn("", ["午後6時20分再開"])], text="再開", raw_time="18:20:30"),
    ]
    for method, line in (
        ("hands", "(採決の結果、挙手全員により承認)"),
        ("standing", "(採決の結果、起立多数により原案のとおり可決)"),
        ("no_objection", "(異議なく承認)"),
        ("consensus", "(全会一致により承認)"),
        ("ballot", "(採決の結果、賛成3、反対1、保留0により承認)"),
    ):
        extra.append(
            Block("vote", [Turn("", [line])], method=method, result="承認", declared="承認", summary=line,
                  tally="全員" if method == "hands" else "", approve=3 if method == "ballot" else None,
                  disapprove=1 if method == "ballot" else None, abstain=0 if method == "ballot" else None)
        )
    if view.items:
        view.items[0].blocks.extend(extra)
    view.documents = [Document("資料1", "諮問書"), Document("", "参考資料")]
    view.signers = [chair] if chair is not None else []
    view.disclosure_status, view.disclosure_reason = "一部非公開", "個人情報を含むため"
    return view
