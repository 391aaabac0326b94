"""What the exports print, independent of their markup: labels, votes, title, header and content.

Both renderers (:mod:`minutes.render_text`, :mod:`minutes.render_markdown`) and
the user interface build on these functions, so that a speaker, a vote or a
header line reads the same everywhere. The rules follow
``shared/meeting-format.md`` ("How the official text prints it") and the seed
minutes.

- Speakers (:func:`speaker_label`): by default the 要録 custom: the chair is
  ``会長``, every other member ``委員``, secretariat staff ``事務局``, other staff
  their department, a label itself. ``named=True``: members ``村千鶴子委員``
  (name + title), staff ``市川課長`` (family name + post).
- Votes (:func:`vote_lines`): one line per ballot in the order of ``people``
  (``委員`` / ``承認します。``), or with ``votes="summary"`` one line without a
  label: ``(採決の結果、全員承認)``.
- Header (:func:`header_lines`): 開催日時, 開催場所, 出席者, 傍聴者, 会次第, 内容,
  numbered 1 to 6, with their (1)(2)… sub-lines; 配布資料, 署名委員 and
  公開・非公開 after 傍聴者 when the meeting has them (the numbers after them move).
- Content (:func:`content`): every agenda item, numbered (1)(2)… across the
  whole agenda, with its turns as ``(label, paragraphs)``. A note prints on its
  own line in the record's brackets ``(「異議なし」の声あり)``, an event as
  ``午前10時9分休憩``, a vote by its method (:func:`vote_lines`).

Markdown needs escaping (:func:`md_escape`); plain text is never escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from minutes.era import fiscal_year_label, format_date_line, format_time
from minutes.model import (
    ABSTAIN,
    APPROVE,
    DISAPPROVE,
    GROUP_MEMBER,
    GROUP_SECRETARIAT,
    KNOWN_GROUPS,
    RULE_MAJORITY,
    RULE_TWO_THIRDS,
    RULE_UNANIMOUS,
    METHOD_BALLOT,
    METHOD_CONSENSUS,
    METHOD_HANDS,
    METHOD_NO_OBJECTION,
    METHOD_ROLL,
    Event,
    Item,
    Meeting,
    Note,
    Person,
    Speech,
    Vote,
)
from minutes.votes import is_tie, vote_tally

#: ``ExportOptions.votes`` values.
VOTES_ROLL = "roll"
VOTES_SUMMARY = "summary"
VOTE_STYLES = (VOTES_ROLL, VOTES_SUMMARY)

#: What a ballot prints as, in the roll style.
BALLOT_TEXT = {
    APPROVE: "承認します。",
    DISAPPROVE: "承認しません。",
    ABSTAIN: "保留します。",
}


@dataclass(frozen=True)
class ExportOptions:
    """How an export prints.

    - ``named``: speakers and voters by name (``村千鶴子委員``, ``市川課長``)
      instead of the 要録 labels (``委員``, ``資源循環課``).
    - ``votes``: ``"roll"`` (one line per ballot, as the seed) or
      ``"summary"`` (one line per vote).
    - ``width``: plain text only: wrap lines at this many columns (East Asian
      width, with kinsoku); ``None`` keeps one paragraph per line.
    """

    named: bool = False
    votes: str = VOTES_ROLL
    width: int | None = None

    def __post_init__(self) -> None:
        if self.votes not in VOTE_STYLES:
            raise ValueError(f"votes must be one of {VOTE_STYLES}: {self.votes!r}")
        if self.width is not None and (
            not isinstance(self.width, int) or isinstance(self.width, bool) or self.width < 1
        ):
            raise ValueError(f"width must be a positive integer or None: {self.width!r}")


# -- small formatting helpers ---------------------------------------------------
def _safe_time(value: str) -> str:
    """``午後6時``; the value itself if it is not a valid time (an export never crashes)."""
    try:
        return format_time(value)
    except ValueError:
        return str(value)


def circled(number: int) -> str:
    """``①`` … ``⑳``, ``㉑`` … ``㊿``; beyond 50 (or below 1) ``(n)``."""
    if 1 <= number <= 20:
        return chr(0x2460 + number - 1)
    if 21 <= number <= 35:
        return chr(0x3251 + number - 21)
    if 36 <= number <= 50:
        return chr(0x32B1 + number - 36)
    return f"({number})"


def paren_number(number: int) -> str:
    """``(1)``: the numbering of sub-lines and of the items under 内容 (half-width, as the seed)."""
    return f"({number})"


# -- speakers ---------------------------------------------------------------------
def name_with_title(person: Person) -> str:
    """``昼間守仁会長``, ``市川課長``: how the attendance list and the named option print a person."""
    return f"{person.name}{person.title or ''}"


def person_label(person: Person, named: bool = False) -> str:
    """How a person prints as a speaker or voter.

    By default: the chair ``会長``; other members ``委員``; the secretariat
    ``事務局``; other staff their department (their group when they have
    none). ``named``: name + title for everyone.
    """
    if named:
        return name_with_title(person)
    if person.is_member:
        return person.title if person.is_chair else GROUP_MEMBER
    if person.group == GROUP_SECRETARIAT:
        return GROUP_SECRETARIAT
    return person.department or person.group


def speaker_label(meeting: Meeting, speech: Speech, named: bool = False) -> str:
    """How the speaker of a speech prints: see :func:`person_label`; a label prints as itself.

    An id that names nobody prints as the id itself (an export never crashes).
    """
    if speech.label is not None:
        return speech.label
    if speech.speaker_id is None:
        return ""
    person = meeting.person(speech.speaker_id)
    if person is None:
        return speech.speaker_id
    return person_label(person, named)


# -- votes --------------------------------------------------------------------------
#: How a summary names a rule other than the majority rule.
_REQUIREMENTS = {RULE_TWO_THIRDS: "3分の2以上の賛成を要する", RULE_UNANIMOUS: "全会一致を要する"}


#: What a show of hands and standing are called in a summary.
_SEEN = {METHOD_HANDS: "挙手", "standing": "起立"}


def vote_summary(vote: Vote, chair: str = "会長") -> str:
    """``(採決の結果、全員承認)``, ``(採決の結果、賛成2、反対1、保留0により承認)``.

    A tie under the majority rule says that the chair decided:
    ``(採決の結果、賛成2、反対2、保留1、可否同数のため会長裁決により承認)``.
    Another rule is named, so that the counts read right:
    ``(3分の2以上の賛成を要する採決の結果、賛成3、反対2、保留0により不承認)``.
    """
    words = vote.result_words
    if vote.method == METHOD_NO_OBJECTION:
        return f"(異議なく{words})"
    if vote.method == METHOD_CONSENSUS:
        return f"(全会一致により{words})"
    counts = vote_tally(vote)
    if counts is None:
        seen = _SEEN.get(vote.method, "")
        if vote.tally:
            return f"(採決の結果、{seen}{vote.tally}により{words})"
        return f"(採決の結果、{seen}により{words})" if seen else f"(採決の結果、{words})"
    if counts.unanimous_approval and vote.result == APPROVE and vote.method == METHOD_ROLL and not vote.result_text:
        return "(採決の結果、全員承認)"
    numbers = f"賛成{counts.approve}、反対{counts.disapprove}、保留{counts.abstain}"
    if vote.rule == RULE_MAJORITY and is_tie(vote.rule, counts):
        decided = vote.result_text or vote.chair_decides or vote.result
        return f"(採決の結果、{numbers}、可否同数のため{chair}裁決により{decided})"
    if vote.rule != RULE_MAJORITY:
        requirement = _REQUIREMENTS.get(vote.rule, vote.rule)
        return f"({requirement}採決の結果、{numbers}により{words})"
    return f"(採決の結果、{numbers}により{words})"


def _ballot_order(meeting: Meeting, vote: Vote) -> list[str]:
    """Voter ids in the order of ``people``; ids that name nobody after them, as given."""
    known = [p.id for p in meeting.people if p.id in vote.ballots]
    listed = set(known)
    return known + [pid for pid in vote.ballots if pid not in listed]


def vote_lines(meeting: Meeting, vote: Vote, options: ExportOptions | None = None) -> list[tuple[str, str]]:
    """The lines a vote prints as: ``[(label, text), …]``.

    Roll (default): one ``(voter label, 承認します。/承認しません。/保留します。)``
    per ballot in the order of ``people``. Summary: one ``("", "(採決の結果、…)")``.
    A vote taken otherwise (a show of hands, no objection …) is always one
    summary line; a secret ballot with ballots prints them like a roll.
    """
    options = options or ExportOptions()
    roll = vote.method == METHOD_ROLL or (vote.method == METHOD_BALLOT and vote.ballots)
    if options.votes == VOTES_SUMMARY or not roll:
        chair = meeting.chair
        return [("", vote_summary(vote, chair.title if chair is not None and chair.title else "会長"))]
    lines = []
    for pid in _ballot_order(meeting, vote):
        person = meeting.person(pid)
        label = person_label(person, options.named) if person is not None else pid
        ballot = vote.ballots[pid]
        lines.append((label, BALLOT_TEXT.get(ballot, ballot)))
    return lines


# -- title ---------------------------------------------------------------------------
def title_lines(meeting: Meeting) -> list[str]:
    """The title as printed on its lines: ``["令和3年度第3回…会議録", "(要録)"]``, or ``[title]``.

    The composed title is ``{和暦年度}第{session}回{body}会議録`` with the record
    style on a line of its own, as the seed; parts whose keys are absent are
    left out. A ``title`` given in the meeting replaces both lines.
    """
    if meeting.title:
        return [meeting.title]
    main = ""
    if meeting.fiscal_year is not None:
        try:
            main += fiscal_year_label(meeting.fiscal_year)
        except ValueError:
            main += f"{meeting.fiscal_year}年度"
    if meeting.session is not None:
        main += f"第{meeting.session}回"
    main += f"{meeting.body}会議録"
    lines = [main]
    if meeting.record_style:
        lines.append(f"({meeting.record_style})")
    return lines


def composed_title(meeting: Meeting) -> str:
    """The title on one line: ``令和3年度第3回小平市…審議会会議録(要録)``, or the meeting's ``title``."""
    return "".join(title_lines(meeting))


def serial_line(meeting: Meeting) -> str | None:
    """``(通算第54回)``, or ``None`` without a serial number."""
    if meeting.serial is None:
        return None
    return f"(通算第{meeting.serial}回)"


# -- header --------------------------------------------------------------------------
def date_line(meeting: Meeting) -> str:
    """``令和4年3月15日(火曜日)午後5時30分から午後7時まで``."""
    try:
        return format_date_line(meeting.date, meeting.start, meeting.end)
    except ValueError:
        end = f"から{meeting.end}まで" if meeting.end else "から"
        return f"{meeting.date} {meeting.start}{end}"


def observers_text(meeting: Meeting) -> str:
    """``なし`` or ``3名``."""
    return "なし" if not meeting.observers else f"{meeting.observers}名"


def _with_times(person: Person) -> str:
    """``浅野薫委員``, ``浅野薫委員(午後6時出席)``, ``…(午後6時出席、午後7時退席)``."""
    notes = []
    if person.online:
        notes.append("オンライン")
    if person.arrived:
        notes.append(f"{_safe_time(person.arrived)}出席")
    if person.left:
        notes.append(f"{_safe_time(person.left)}退席")
    text = name_with_title(person)
    if notes:
        text += "(" + "、".join(notes) + ")"
    return text


def _member_line(members: list[Person]) -> str:
    """``昼間守仁会長、大川強副会長、村千鶴子委員(欠席 浅野薫委員)``."""
    present = "、".join(_with_times(p) for p in members if p.present)
    absent = [name_with_title(p) for p in members if not p.present]
    if absent:
        present += "(欠席 " + "、".join(absent) + ")"
    return present


def _staff_lines(staff: list[Person]) -> list[str]:
    """One line per department, in order of first appearance: ``飯田係長、高橋主任(総務課)``.

    Staff marked absent are left out (the list is of those who attended).
    """
    by_department: dict[str | None, list[Person]] = {}
    for person in staff:
        if person.present:
            by_department.setdefault(person.department, []).append(person)
    lines = []
    for department, people in by_department.items():
        line = "、".join(_with_times(p) for p in people)
        if department:
            line += f"({department})"
        lines.append(line)
    return lines


def attendance(meeting: Meeting) -> list[tuple[str, list[str]]]:
    """The 出席者 list: ``[(group heading, lines), …]``.

    Groups in the order 委員, 事務局, 関係課, then any other group in order of
    first appearance; groups with nobody to print are skipped. Members are one
    line, absent ones at its end as ``(欠席 …)``; staff one line per department.
    """
    groups: list[str] = [g for g in KNOWN_GROUPS]
    for person in meeting.people:
        if person.group not in groups:
            groups.append(person.group)
    result = []
    for group in groups:
        people = [p for p in meeting.people if p.group == group]
        if not people:
            continue
        if group == GROUP_MEMBER:
            lines = [_member_line(people)]
        else:
            lines = _staff_lines(people)
        if lines:
            result.append((group, lines))
    return result


def item_heading(item: Item) -> str:
    """The title as printed: ``…について(諮問)``; a bare-heading item (その他) its title alone."""
    if item.is_bare_heading:
        return item.title
    return item.heading


def agenda_outline(meeting: Meeting) -> list[tuple[str, list[str]]]:
    """The 会次第: ``[(section, [item heading, …]), …]``, sections in order of first appearance.

    A bare-heading item (section その他, title その他) adds its section and no line.
    """
    sections: dict[str, list[str]] = {}
    for item in meeting.agenda:
        headings = sections.setdefault(item.section, [])
        if not item.is_bare_heading:
            headings.append(item_heading(item))
    return list(sections.items())


@dataclass
class SubLine:
    """A numbered sub-line of the header: ``(1) 委員 …`` or ``(1) 議事`` with its ①②… items."""

    number: str
    label: str
    lines: list[str] = field(default_factory=list)
    """Values after the label; more than one for 関係課 with several departments."""
    items: list[tuple[str, str]] = field(default_factory=list)
    """``(①, heading)`` under a 会次第 section."""


@dataclass
class HeaderLine:
    """A numbered header line: ``1 開催日時 …``, with sub-lines for 出席者 and 会次第."""

    number: str
    label: str
    value: str = ""
    subs: list[SubLine] = field(default_factory=list)


def content_heading(meeting: Meeting) -> str:
    """``内容(要録)``."""
    return f"内容({meeting.record_style})" if meeting.record_style else "内容"


def header_lines(meeting: Meeting) -> list[HeaderLine]:
    """The numbered header, 1 開催日時 to 6 内容, as the seed prints it."""
    present = [
        SubLine(paren_number(n), group, lines)
        for n, (group, lines) in enumerate(attendance(meeting), start=1)
    ]
    outline = [
        SubLine(
            paren_number(n),
            section,
            items=[(circled(k), heading) for k, heading in enumerate(headings, start=1)],
        )
        for n, (section, headings) in enumerate(agenda_outline(meeting), start=1)
    ]
    lines = [
        HeaderLine("", "開催日時", date_line(meeting)),
        HeaderLine("", "開催場所", meeting.place),
        HeaderLine("", "出席者", subs=present),
        HeaderLine("", "傍聴者", observers_text(meeting)),
        *extra_header_lines(meeting),
        HeaderLine("", "会次第", subs=outline),
        HeaderLine("", content_heading(meeting)),
    ]
    for number, line in enumerate(lines, start=1):
        line.number = str(number)
    return lines


def signers_text(meeting: Meeting) -> str:
    """``大川強委員、村千鶴子委員``: the 署名委員 by name and title; an unknown id as itself."""
    names = []
    for pid in meeting.signers:
        person = meeting.person(pid)
        names.append(name_with_title(person) if person is not None else pid)
    return "、".join(names)


def disclosure_text(meeting: Meeting) -> str:
    """``公開``, ``非公開(理由)``."""
    disclosure = meeting.disclosure
    if disclosure is None:
        return ""
    if disclosure.reason:
        return f"{disclosure.status}({disclosure.reason})"
    return disclosure.status


def extra_header_lines(meeting: Meeting) -> list[HeaderLine]:
    """配布資料, 署名委員, 公開・非公開: only those the meeting has (unnumbered here)."""
    lines = []
    if meeting.documents:
        subs = [
            SubLine(paren_number(n), doc.label, [doc.title]) if doc.label else SubLine(paren_number(n), doc.title)
            for n, doc in enumerate(meeting.documents, start=1)
        ]
        lines.append(HeaderLine("", "配布資料", subs=subs))
    if meeting.signers:
        lines.append(HeaderLine("", "署名委員", signers_text(meeting)))
    if meeting.disclosure is not None:
        lines.append(HeaderLine("", "公開・非公開", disclosure_text(meeting)))
    return lines


# -- content -------------------------------------------------------------------------
@dataclass
class Turn:
    """One printed turn: a speaker label and paragraphs; a ballot; or a vote summary (label ``""``)."""

    label: str
    paragraphs: list[str]


@dataclass
class ContentItem:
    """An agenda item under 内容: ``(1)``, its heading and its turns."""

    number: str
    heading: str
    turns: list[Turn] = field(default_factory=list)


def speech_paragraphs(speech: Speech) -> list[str]:
    """The paragraphs of a speech as printed: blank paragraphs dropped, at least one (maybe empty)."""
    paragraphs = [p for p in speech.paragraphs if p.strip()]
    return paragraphs or [""]


def item_turns(meeting: Meeting, item: Item, options: ExportOptions | None = None) -> list[Turn]:
    """The turns of one item, votes expanded as :func:`vote_lines` prints them."""
    options = options or ExportOptions()
    turns = []
    for entry in item.log:
        if isinstance(entry, Vote):
            turns.extend(Turn(label, [text]) for label, text in vote_lines(meeting, entry, options))
        elif isinstance(entry, Note):
            turns.append(Turn("", [note_line(entry)]))
        elif isinstance(entry, Event):
            turns.append(Turn("", [event_line(entry)]))
        else:
            turns.append(Turn(speaker_label(meeting, entry, options.named), speech_paragraphs(entry)))
    return turns


def note_line(note: Note) -> str:
    """``(「異議なし」の声あり)``: a note in the brackets the record uses elsewhere."""
    return f"({note.text})"


def event_line(event: Event) -> str:
    """``午前10時9分休憩``: the time (seconds never print) and the event."""
    return f"{_safe_time(event.time[:5])}{event.kind}"


def content(meeting: Meeting, options: ExportOptions | None = None) -> list[ContentItem]:
    """Every agenda item with its number ``(1)``… (across the whole agenda), heading and turns."""
    options = options or ExportOptions()
    return [
        ContentItem(paren_number(n), item_heading(item), item_turns(meeting, item, options))
        for n, item in enumerate(meeting.agenda, start=1)
    ]


# -- Markdown escaping -------------------------------------------------------------
#: ASCII punctuation that CommonMark (or GFM: ``|`` tables, ``~`` strikethrough)
#: may interpret anywhere in a line.
MD_SPECIAL = frozenset("\\`*_[]<>#|~!&")

_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def md_escape(text: str, line_start: bool = True) -> str:
    """``text`` as Markdown that renders as exactly this text.

    Every character of :data:`MD_SPECIAL` gets a backslash. When the text
    starts a line (``line_start``), leading spaces and tabs are dropped (they
    would make an indented code block, and a paragraph drops them anyway), and
    a leading ``-``, ``+``, ``=`` or ordered-list marker (``1.``, ``1)``) is
    escaped too. Text with line breaks (a title or a place should have none)
    has every further line escaped as a line start, and empty lines dropped,
    so that it stays within its paragraph or list item.
    """
    if "\n" in text:
        first, *rest = text.split("\n")
        lines = [md_escape(first, line_start)] + [md_escape(line) for line in rest]
        return "\n".join(line for line in lines if line.strip(" \t"))
    out = "".join("\\" + ch if ch in MD_SPECIAL else ch for ch in text)
    if line_start:
        out = out.lstrip(" \t")
        if out[:1] in ("-", "+", "="):
            out = "\\" + out
        else:
            match = _MD_ORDERED.match(out)
            if match:
                out = match.group(1) + "\\" + out[len(match.group(1)) :]
    return out
