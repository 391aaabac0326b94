"""Reading, validating and writing the meeting interchange format (versions 1 and 2).

The format is described in ``shared/meeting-format.md``: one meeting as one
UTF-8 JSON file. This module turns such a file into a :class:`~minutes.model.Meeting`
(:func:`parse_meeting`, :func:`meeting_from_dict`) and a meeting back into the
format (:func:`meeting_to_dict`, :func:`dumps_meeting`).

Import is strict: the first problem found is raised as a :class:`FormatError`
that names the file, the JSON path (``agenda[1].log[4].speaker``) and, in
Japanese, what was expected. Problems are looked for in a fixed order: the
document as a whole (UTF-8, JSON syntax, duplicate keys, NaN/Infinity), then
``format`` and ``version``, then for every object its unknown keys (in the
order they appear), its missing required keys and its values (both in the
order of the format page's tables), so that the same file always gives the
same message. Cross references (speakers, ballots) are checked against the
``people`` list, which comes before ``agenda``; ``end`` is checked against
``start``; a vote's result is checked against its ballots after the vote's
own keys.

Choices made here (beyond the format page):

- A UTF-8 byte order mark at the start of the file is tolerated and dropped
  (Windows editors write one); a UTF-16 file is refused with its own message.
- ``NaN``, ``Infinity`` and numbers too large for a double are refused: they
  are not JSON.
- ``null`` is accepted only where the format names it (``end``,
  ``chair_decides``); any other optional key must be left out instead.
- Text may contain ``\\t`` everywhere, ``\\n`` only in a speech's ``text``
  (the vote ``question`` is one line, like every other text); other C0
  controls, DEL, C1 controls (U+0080–U+009F) and lone surrogates are refused.
- Names, ids, titles, groups, departments, sections, the body and speaker
  labels must not be empty or blank; ``place``, ``reading``, ``kind``, speech
  ``text`` and ``question`` may be empty.
- ``date`` must be on or after 1926-12-25 (昭和元年), the first day the
  printed minutes can write in the Japanese era; ``fiscal_year`` is 1926..9999;
  ``session``, ``serial`` are 1..999999, ``observers`` 0..999999.
- ``chair_decides`` must be ``null`` unless the vote is a tie under the
  ``majority`` rule (then it is required and must equal ``result``).
- A ballot is refused from an absent person first, then from a person with
  no voting right (:attr:`Person.has_vote`).

- Version 1 and version 2 files are read alike (a version 1 file has the
  same meaning in version 2); the writer always writes version 2, spelling
  out each member's ``role`` and everyone's ``online``.
- A staff member's ``title`` (their post) may be left out; it is written
  back only when there is one.
- A vote's ``ballots`` are written for a ``roll`` vote and whenever there are
  some; an empty ``ballots`` on a ``ballot`` vote is refused (leave it out, or
  give ``counts``), so that the file means one thing.
- A vote with neither ballots nor counts cannot name ``chair_decides`` (there
  is no tie to decide).
- Every signer is listed once.

This module is pure Python: it imports neither Textual nor TinyDB.
"""

from __future__ import annotations

import codecs
import copy
import datetime
import difflib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from minutes.model import (
    BALLOT_METHODS,
    BALLOT_VALUES,
    COUNT_METHODS,
    DISCLOSURE_OPEN,
    DISCLOSURES,
    EVENTS,
    GROUP_MEMBER,
    METHOD_BALLOT,
    METHOD_ROLL,
    METHODS,
    RECORD_STYLES,
    RESULT_VALUES,
    ROLES,
    RULE_MAJORITY,
    RULE_NAMES,
    RULES,
    SECTION_AGENDA,
    STATUSES,
    TALLIES,
    TALLY_METHODS,
    Disclosure,
    Document,
    Entry,
    Event,
    Item,
    Meeting,
    Note,
    Person,
    Speech,
    Vote,
)
from minutes.votes import chair_title, decide, is_tie, tally, tally_counts

__all__ = [
    "FORMAT",
    "VERSION",
    "FormatError",
    "EntryContext",
    "parse_meeting",
    "meeting_from_dict",
    "meeting_to_dict",
    "dumps_meeting",
    "person_to_dict",
    "person_from_dict",
    "item_to_dict",
    "item_from_dict",
    "entry_to_dict",
    "entry_from_dict",
]

FORMAT = "kaigiroku.meeting"
#: The version written; every version in :data:`VERSIONS` is read.
VERSION = 2
VERSIONS = (1, 2)

#: The earliest date the printed minutes can write in the Japanese era (昭和元年).
EARLIEST_DATE = datetime.date(1926, 12, 25)
FISCAL_YEAR_RANGE = (1926, 9999)
COUNT_MAX = 999_999

# Keys of each object, in the order of the format page's tables.
TOP_KEYS = (
    "format", "version", "body", "fiscal_year", "session", "serial",
    "record_style", "title", "date", "start", "end", "place", "observers",
    "status", "people", "agenda", "style", "disclosure", "documents", "signers", "extra",
)
TOP_REQUIRED = ("format", "version", "body", "date", "start", "place", "people", "agenda")
PERSON_KEYS = (
    "id", "name", "reading", "group", "title", "role", "family_name", "online",
    "department", "present", "arrived", "left", "votes",
)
PERSON_REQUIRED = ("id", "name", "group")
ITEM_KEYS = ("id", "section", "title", "kind", "departments", "log")
ITEM_REQUIRED = ("id", "title")
SPEECH_KEYS = ("speaker", "text", "time")
SPEECH_REQUIRED = ("speaker", "text")
VOTE_ENTRY_KEYS = ("vote",)
VOTE_KEYS = (
    "method", "ballots", "counts", "tally", "result", "result_text", "rule",
    "chair_decides", "question", "time",
)
VOTE_REQUIRED = ("result",)
NOTE_KEYS = ("note", "time")
EVENT_KEYS = ("event", "time")
DISCLOSURE_KEYS = ("status", "reason")
DOCUMENT_KEYS = ("label", "title")
SPEAKER_KEYS = ("label",)

#: What each key is called in messages.
_LABELS = {
    "format": "形式の印(format)",
    "version": "形式の版(version)",
    "body": "会議体(body)",
    "fiscal_year": "年度(fiscal_year)",
    "session": "回(session)",
    "serial": "通算の回(serial)",
    "record_style": "記録の種類(record_style)",
    "date": "日付(date)",
    "start": "開始時刻(start)",
    "end": "終了時刻(end)",
    "place": "場所(place)",
    "observers": "傍聴者の数(observers)",
    "status": "状態(status)",
    "people": "出席者一覧(people)",
    "agenda": "会次第(agenda)",
    "extra": "独自の情報(extra)",
    "id": "id",
    "name": "名前(name)",
    "reading": "読み(reading)",
    "group": "区分(group)",
    "department": "部署(department)",
    "present": "出席(present)",
    "arrived": "遅参の時刻(arrived)",
    "left": "早退の時刻(left)",
    "votes": "投票権(votes)",
    "section": "見出し(section)",
    "kind": "種別(kind)",
    "departments": "出席する部署の一覧(departments)",
    "log": "記録(log)",
    "speaker": "発言者(speaker)",
    "text": "発言(text)",
    "time": "時刻(time)",
    "vote": "採決(vote)",
    "ballots": "票(ballots)",
    "result": "結果(result)",
    "rule": "採決の規則(rule)",
    "chair_decides": "会長の決定(chair_decides)",
    "question": "問い(question)",
    "label": "呼び名(label)",
    "style": "書き出しの様式(style)",
    "disclosure": "公開・非公開(disclosure)",
    "documents": "配布資料(documents)",
    "signers": "署名委員(signers)",
    "role": "役割(role)",
    "family_name": "姓(family_name)",
    "online": "オンライン出席(online)",
    "method": "採決の方法(method)",
    "counts": "賛否の数(counts)",
    "tally": "挙手・起立の見た目(tally)",
    "result_text": "宣告の言葉(result_text)",
    "note": "発言でない記録(note)",
    "event": "会議の出来事(event)",
    "reason": "理由(reason)",
}
_TITLE_LABELS = {
    "meeting": "表題(title)",
    "person": "肩書き(title)",
    "item": "議題名(title)",
}
_PERSON_LABELS = {"id": "id(ファイルの中で一意な文字列)", "title": _TITLE_LABELS["person"]}
_ITEM_LABELS = {"id": "id(ファイルの中で一意な文字列)", "title": _TITLE_LABELS["item"]}


# ---------------------------------------------------------------------------
# The error


class FormatError(ValueError):
    """A file or dict that is not a valid meeting in the interchange format.

    ``source`` is the file name as given, ``path`` the JSON path of the
    problem (``""`` for the whole document), ``message`` what was expected,
    in Japanese.
    """

    def __init__(self, source: str, path: str, message: str) -> None:
        self.source = source
        self.path = path
        self.message = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        if self.path:
            return f"{self.source}: {self.path}: {self.message}"
        return f"{self.source}: {self.message}"

    def __str__(self) -> str:
        return self._compose()

    def __reduce__(self):
        return (FormatError, (self.source, self.path, self.message))


# ---------------------------------------------------------------------------
# Small helpers for paths and messages

_BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SIMPLE_KEY = re.compile("[^\\s.\\[\\]\"'\\\\\x00-\x1f\x7f-\x9f\ud800-\udfff]+")
_DATE_RE = re.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})")
_HHMM_RE = re.compile("([0-9]{2}):([0-9]{2})")
_HHMMSS_RE = re.compile("([0-9]{2}):([0-9]{2}):([0-9]{2})")


def _escape_char(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def _show(value: str, limit: int = 40) -> str:
    """A user string made safe to print inside a message: controls escaped, long text cut."""
    if len(value) > limit:
        value = value[:limit] + "…"
    return _UNSHOWABLE.sub(_escape_char, value)


def _quote(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _UNSHOWABLE.sub(_escape_char, escaped) + '"'


def _child(path: str, key: str) -> str:
    """The path of ``key`` inside the object at ``path``."""
    if _SIMPLE_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{_quote(key)}]"


def _index(path: str, index: int) -> str:
    return f"{path}[{index}]"


def _describe(value: object) -> str:
    """What a JSON value is, in Japanese, for 'いまは…' in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "真偽値 true" if value else "真偽値 false"
    if isinstance(value, int):
        if value.bit_length() > 64:
            return "とても大きな整数"
        return f"整数 {value}"
    if isinstance(value, float):
        return f"小数 {value!r}"
    if isinstance(value, str):
        return f"文字列「{_show(value)}」"
    if isinstance(value, (list, _Pairs)):
        return "配列"
    if isinstance(value, dict):
        return "オブジェクト"
    return f"JSONにない値({type(value).__name__})"


def _label(key: str) -> str:
    return _LABELS.get(key, key)


def _counts_text(counts) -> str:
    return f"賛成{counts.approve}、反対{counts.disapprove}、保留{counts.abstain}"


def _choices(values: Iterable[str]) -> str:
    return "".join(f"「{v}」" for v in values)


# ---------------------------------------------------------------------------
# Context for entries


@dataclass
class EntryContext:
    """What :func:`entry_from_dict` needs to know about the rest of the meeting.

    ``people`` maps each person id of the meeting to its :class:`Person`
    (``None`` as a value means "known id, details unknown": ballots are then
    only checked for the id). ``item_title`` names the item in messages about
    votes (``議題「…」``).
    """

    people: Mapping[str, Person | None] = field(default_factory=dict)
    item_title: str | None = None

    @classmethod
    def of(cls, context: object, item_title: str | None = None) -> "EntryContext":
        """Make a context from a Meeting, a mapping id → Person, Persons or ids."""
        if isinstance(context, EntryContext):
            if item_title is not None and context.item_title != item_title:
                return cls(context.people, item_title)
            return context
        return cls(_people_map(context), item_title)


def _people_map(people: object) -> dict[str, Person | None]:
    if people is None:
        return {}
    if isinstance(people, Meeting):
        return {p.id: p for p in people.people}
    if isinstance(people, EntryContext):
        return dict(people.people)
    if isinstance(people, Mapping):
        return dict(people)
    result: dict[str, Person | None] = {}
    for p in people:  # type: ignore[union-attr]
        if isinstance(p, Person):
            result[p.id] = p
        else:
            result[str(p)] = None
    return result


# ---------------------------------------------------------------------------
# Reading


class _Reader:
    """Validates plain data (dicts, lists, str, int …) and builds model objects."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> NoReturn:
        raise FormatError(self.source, path, message)

    # -- shapes ----------------------------------------------------------------
    def obj(
        self,
        value: object,
        path: str,
        what: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
        labels: Mapping[str, str] | None = None,
    ) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"{what}はオブジェクト({{…}})で書いてください(いまは{_describe(value)})。")
        self.keys(value, path, allowed)
        for key in required:
            if key not in value:
                label = (labels or {}).get(key) or _label(key)
                self.fail(_child(path, key), f"必須のキー「{key}」がありません。{what}には{label}が必要です。")
        return value

    def keys(self, value: dict, path: str, allowed: tuple[str, ...]) -> None:
        for key in value:
            if not isinstance(key, str):
                self.fail(path, f"キーは文字列で書いてください(いまは{_describe(key)})。")
            if key not in allowed:
                self.unknown(path, key, allowed)

    def unknown(self, path: str, key: str, allowed: tuple[str, ...]) -> NoReturn:
        message = "このキーは形式にありません。綴りを確認してください(独自の情報は extra の中に入れられます)。"
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            message += f"「{close[0]}」の書き間違いではありませんか。"
        self.fail(_child(path, key), message)

    def list_(self, value: object, path: str, what: str) -> list:
        if not isinstance(value, list):
            self.fail(path, f"{what}は配列([…])で書いてください(いまは{_describe(value)})。")
        return value

    # -- scalars ---------------------------------------------------------------
    def text(
        self,
        value: object,
        path: str,
        what: str,
        *,
        nonempty: bool = False,
        multiline: bool = False,
    ) -> str:
        if not isinstance(value, str):
            self.fail(path, f"{what}は文字列で書いてください(いまは{_describe(value)})。")
        bad = _BAD_CHAR.search(value)
        newline = -1 if multiline else value.find("\n")
        if newline >= 0 and (bad is None or newline < bad.start()):
            self.fail(
                path,
                f"{newline + 1}文字目に改行があります。{what}には改行を入れられません"
                "(改行を使えるのは発言の text だけです)。",
            )
        if bad is not None:
            pos = bad.start() + 1
            code = ord(bad.group())
            if 0xD800 <= code <= 0xDFFF:
                self.fail(
                    path,
                    f"{pos}文字目に対になっていないサロゲート(U+{code:04X})があります。"
                    "UTF-8で表せる文字だけを使ってください。",
                )
            self.fail(
                path,
                f"{pos}文字目に制御文字(U+{code:04X})があります。制御文字は使えません"
                "(使えるのはタブと、発言の text の中の改行だけです)。",
            )
        if nonempty and not value.strip():
            self.fail(path, f"{what}を空にはできません。")
        return value

    def integer(self, value: object, path: str, what: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"{what}は整数で書いてください(いまは{_describe(value)})。")
        if not low <= value <= high:
            self.fail(path, f"{what}は{low}以上{high}以下の整数で書いてください(いまは{_describe(value)})。")
        return value

    def boolean(self, value: object, path: str, what: str) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"{what}は true か false で書いてください(いまは{_describe(value)})。")
        return value

    def choice(self, value: object, path: str, what: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in choices:
            self.fail(path, f"{what}は{_choices(choices)}のどれかで書いてください(いまは{_describe(value)})。")
        return value

    def date(self, value: object, path: str) -> str:
        what = _label("date")
        text = self.text(value, path, what)
        match = _DATE_RE.fullmatch(text)
        if match is None:
            self.fail(path, f"日付は「YYYY-MM-DD」の形の実在する日付で書いてください(いまは「{_show(text)}」)。")
        try:
            day = datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            self.fail(path, f"日付は「YYYY-MM-DD」の形の実在する日付で書いてください(「{text}」は存在しません)。")
        if day < EARLIEST_DATE:
            self.fail(
                path,
                f"日付は昭和元年(1926-12-25)以降にしてください(いまは「{text}」)。"
                "それより前の日付は和暦で書けません。",
            )
        return text

    def hhmm(self, value: object, path: str, what: str) -> str:
        text = self.text(value, path, what)
        match = _HHMM_RE.fullmatch(text)
        if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            self.fail(
                path,
                f"{what}は「HH:MM」(24時間制、00:00から23:59まで、2桁ずつ)で書いてください(いまは「{_show(text)}」)。",
            )
        return text

    def hhmmss(self, value: object, path: str, what: str) -> str:
        text = self.text(value, path, what)
        match = _HHMMSS_RE.fullmatch(text)
        if (
            match is None
            or int(match.group(1)) > 23
            or int(match.group(2)) > 59
            or int(match.group(3)) > 59
        ):
            self.fail(
                path,
                f"{what}は「HH:MM:SS」(24時間制、00:00:00から23:59:59まで、2桁ずつ)で書いてください"
                f"(いまは「{_show(text)}」)。",
            )
        return text

    # -- the meeting -------------------------------------------------------------
    def meeting(self, data: object) -> Meeting:
        if not isinstance(data, dict):
            self.fail("", f"会議ファイルの中身はJSONのオブジェクト({{…}})でなければなりません(いまは{_describe(data)})。")
        if "format" not in data:
            self.fail("format", f"「format」がありません。kaigirokuの会議ファイルには \"format\": \"{FORMAT}\" が必要です。")
        if data["format"] != FORMAT or not isinstance(data["format"], str):
            self.fail(
                "format",
                f"format は「{FORMAT}」でなければなりません(いまは{_describe(data['format'])})。"
                "kaigirokuの会議ファイルではないようです。",
            )
        if "version" not in data:
            self.fail("version", f"「version」がありません。この形式の版は {VERSION} です(\"version\": {VERSION})。")
        version = data["version"]
        if isinstance(version, bool) or not isinstance(version, int):
            self.fail("version", f"形式の版(version)は整数 1 か {VERSION} で書いてください(いまは{_describe(version)})。")
        if version not in VERSIONS:
            if version > VERSION:
                self.fail(
                    "version",
                    f"このファイルは形式の版{version if version.bit_length() <= 64 else '(とても大きな数)'}です。"
                    f"このアプリが読めるのは版1と版{VERSION}です。"
                    "新しい版のkaigirokuで書き出したファイルかもしれません。",
                )
            self.fail("version", f"形式の版(version)は 1 か {VERSION} です(いまは{_describe(version)})。")
        self.obj(data, "", "会議", TOP_KEYS, TOP_REQUIRED)

        body = self.text(data["body"], "body", _label("body"), nonempty=True)
        fiscal_year = session = serial = None
        if "fiscal_year" in data:
            fiscal_year = self.integer(data["fiscal_year"], "fiscal_year", "年度(fiscal_year、年度の始まる西暦年)", *FISCAL_YEAR_RANGE)
        if "session" in data:
            session = self.integer(data["session"], "session", _label("session"), 1, COUNT_MAX)
        if "serial" in data:
            serial = self.integer(data["serial"], "serial", _label("serial"), 1, COUNT_MAX)
        record_style = RECORD_STYLES[0]
        if "record_style" in data:
            record_style = self.text(data["record_style"], "record_style", _label("record_style"), nonempty=True)
        title = None
        if "title" in data:
            title = self.text(data["title"], "title", _TITLE_LABELS["meeting"], nonempty=True)
        date = self.date(data["date"], "date")
        start = self.hhmm(data["start"], "start", _label("start"))
        end = None
        if "end" in data and data["end"] is not None:
            end = self.hhmm(data["end"], "end", "終了時刻(end、会議中は null)")
            if end < start:
                self.fail("end", f"終了時刻「{end}」が開始時刻「{start}」より前です。")
        place = self.text(data["place"], "place", _label("place"))
        observers = 0
        if "observers" in data:
            observers = self.integer(data["observers"], "observers", _label("observers"), 0, COUNT_MAX)
        status = STATUSES[0]
        if "status" in data:
            status = self.choice(data["status"], "status", _label("status"), STATUSES)

        people = self.people(data["people"], "people")
        people_map = {p.id: p for p in people}
        chair_seen: int | None = None
        for index, person in enumerate(people):
            if person.is_chair:
                if chair_seen is not None:
                    self.fail(
                        _child(_index("people", index), "role" if person.role is not None else "title"),
                        f"議事を主宰する人(role が chair)が2人います: people[{chair_seen}] と people[{index}]。"
                        "委員長・会長は1人にして、ほかの人には \"role\": \"member\" か \"vice_chair\" を書いてください。",
                    )
                chair_seen = index

        agenda_data = self.list_(data["agenda"], "agenda", _label("agenda"))
        agenda: list[Item] = []
        item_seen: dict[str, int] = {}
        for index, item_data in enumerate(agenda_data):
            path = _index("agenda", index)
            item = self.item(item_data, path, people_map)
            if item.id in item_seen:
                self.fail(
                    _child(path, "id"),
                    f"議題のid「{_show(item.id)}」は agenda[{item_seen[item.id]}] でも使われています。"
                    "議題のidはファイルの中で重ならないようにしてください。",
                )
            item_seen[item.id] = index
            agenda.append(item)

        style = None
        if "style" in data:
            style = self.text(data["style"], "style", _label("style"), nonempty=True)
        disclosure = None
        if "disclosure" in data:
            disclosure = self.disclosure(data["disclosure"], "disclosure")
        documents: list[Document] = []
        if "documents" in data:
            for index, doc in enumerate(self.list_(data["documents"], "documents", _label("documents"))):
                dpath = _index("documents", index)
                self.obj(doc, dpath, "配布資料", DOCUMENT_KEYS, DOCUMENT_KEYS, {"title": "資料の題名(title)"})
                label = self.text(doc["label"], _child(dpath, "label"), "資料の番号(label)")
                doc_title = self.text(doc["title"], _child(dpath, "title"), "資料の題名(title)", nonempty=True)
                documents.append(Document(label=label, title=doc_title))
        signers: list[str] = []
        if "signers" in data:
            for index, signer in enumerate(self.list_(data["signers"], "signers", _label("signers"))):
                spath = _index("signers", index)
                signer = self.text(signer, spath, "署名委員のid", nonempty=True)
                person = people_map.get(signer)
                if person is None:
                    self.fail(spath, f"出席者一覧(people)にないid「{_show(signer)}」が指定されています。")
                if not person.is_member or not person.present:
                    self.fail(
                        spath,
                        f"署名委員は出席した委員から選んでください: {_show(signer)}({_show(person.name)})は"
                        + ("欠席(present が false)です。" if person.is_member else f"委員ではありません(区分「{_show(person.group)}」)。"),
                    )
                if signer in signers:
                    self.fail(spath, f"署名委員「{_show(signer)}」が2回書かれています。")
                signers.append(signer)

        extra = None
        if "extra" in data:
            extra = self.extra(data["extra"], "extra")

        return Meeting(
            body=body,
            date=date,
            start=start,
            place=place,
            people=people,
            agenda=agenda,
            fiscal_year=fiscal_year,
            session=session,
            serial=serial,
            record_style=record_style,
            title=title,
            end=end,
            observers=observers,
            status=status,
            extra=extra,
            style=style,
            disclosure=disclosure,
            documents=documents,
            signers=signers,
        )

    def disclosure(self, value: object, path: str) -> Disclosure:
        self.obj(value, path, "公開・非公開", DISCLOSURE_KEYS, ("status",), {"status": "公開・非公開の別(status)"})
        assert isinstance(value, dict)
        status = self.choice(value["status"], _child(path, "status"), "公開・非公開の別(status)", DISCLOSURES)
        reason = None
        if "reason" in value:
            reason = self.text(value["reason"], _child(path, "reason"), _label("reason"), nonempty=True)
        elif status != DISCLOSURE_OPEN:
            self.fail(
                _child(path, "reason"),
                f"必須のキー「reason」がありません。「{status}」のときは理由(reason)を書いてください。",
            )
        return Disclosure(status=status, reason=reason)

    def people(self, value: object, path: str) -> list[Person]:
        people_data = self.list_(value, path, _label("people"))
        people: list[Person] = []
        seen: dict[str, int] = {}
        for index, person_data in enumerate(people_data):
            person_path = _index(path, index)
            person = self.person(person_data, person_path)
            if person.id in seen:
                self.fail(
                    _child(person_path, "id"),
                    f"id「{_show(person.id)}」は people[{seen[person.id]}] でも使われています。"
                    "出席者のidはファイルの中で重ならないようにしてください。",
                )
            seen[person.id] = index
            people.append(person)
        return people

    def person(self, data: object, path: str) -> Person:
        self.obj(data, path, "出席者", PERSON_KEYS, PERSON_REQUIRED, _PERSON_LABELS)
        assert isinstance(data, dict)
        pid = self.text(data["id"], _child(path, "id"), "出席者のid", nonempty=True)
        name = self.text(data["name"], _child(path, "name"), _label("name"), nonempty=True)
        reading = None
        if "reading" in data:
            reading = self.text(data["reading"], _child(path, "reading"), _label("reading"))
        group = self.text(data["group"], _child(path, "group"), _label("group"), nonempty=True)
        title = ""
        if "title" in data:
            title = self.text(data["title"], _child(path, "title"), _TITLE_LABELS["person"], nonempty=True)
        elif group == GROUP_MEMBER:
            self.fail(
                _child(path, "title"),
                "必須のキー「title」がありません。委員には肩書き(title: 委員長、会長、委員 …)が必要です。",
            )
        role = None
        if "role" in data:
            rpath = _child(path, "role")
            if group != GROUP_MEMBER:
                self.fail(
                    rpath,
                    f"役割(role)は委員にだけ書けます(この人の区分は「{_show(group)}」です)。"
                    "事務局や関係課の人には role を書かないでください。",
                )
            role = self.choice(data["role"], rpath, _label("role"), ROLES)
        family_name = None
        if "family_name" in data:
            family_name = self.text(data["family_name"], _child(path, "family_name"), _label("family_name"), nonempty=True)
        online = False
        if "online" in data:
            online = self.boolean(data["online"], _child(path, "online"), _label("online"))
        department = None
        if "department" in data:
            department = self.text(data["department"], _child(path, "department"), _label("department"), nonempty=True)
        elif group != GROUP_MEMBER:
            self.fail(
                _child(path, "department"),
                f"必須のキー「department」がありません。委員以外の人(区分「{_show(group)}」)には部署(department)が必要です。",
            )
        present = True
        if "present" in data:
            present = self.boolean(data["present"], _child(path, "present"), _label("present"))
        arrived = left = None
        if "arrived" in data:
            arrived = self.hhmm(data["arrived"], _child(path, "arrived"), _label("arrived"))
        if "left" in data:
            left = self.hhmm(data["left"], _child(path, "left"), _label("left"))
        votes = None
        if "votes" in data:
            votes = self.boolean(data["votes"], _child(path, "votes"), _label("votes"))
        return Person(
            id=pid,
            name=name,
            group=group,
            title=title,
            department=department,
            reading=reading,
            present=present,
            arrived=arrived,
            left=left,
            votes=votes,
            role=role,
            family_name=family_name,
            online=online,
        )

    def item(self, data: object, path: str, people: Mapping[str, Person | None], *, with_log: bool = True) -> Item:
        self.obj(data, path, "議題", ITEM_KEYS, ITEM_REQUIRED, _ITEM_LABELS)
        assert isinstance(data, dict)
        iid = self.text(data["id"], _child(path, "id"), "議題のid", nonempty=True)
        section = SECTION_AGENDA
        if "section" in data:
            section = self.text(data["section"], _child(path, "section"), _label("section"), nonempty=True)
        title = self.text(data["title"], _child(path, "title"), _TITLE_LABELS["item"], nonempty=True)
        kind = ""
        if "kind" in data:
            kind = self.text(data["kind"], _child(path, "kind"), _label("kind"))
        departments: list[str] = []
        if "departments" in data:
            dpath = _child(path, "departments")
            for index, dep in enumerate(self.list_(data["departments"], dpath, _label("departments"))):
                departments.append(self.text(dep, _index(dpath, index), "部署名", nonempty=True))
        log: list[Entry] = []
        if "log" in data and with_log:
            lpath = _child(path, "log")
            context = EntryContext(people, title)
            for index, entry_data in enumerate(self.list_(data["log"], lpath, _label("log"))):
                log.append(self.entry(entry_data, _index(lpath, index), context))
        return Item(id=iid, title=title, section=section, kind=kind, departments=departments, log=log)

    def entry(self, data: object, path: str, context: EntryContext) -> Entry:
        if not isinstance(data, dict):
            self.fail(path, f"記録の1件は発言・採決・注記・出来事のオブジェクト({{…}})で書いてください(いまは{_describe(data)})。")
        kinds = [k for k in ("speaker", "vote", "note", "event") if k in data]
        if "text" in data and "speaker" not in kinds:
            kinds.insert(0, "speaker")
        if len(kinds) > 1:
            names = {"speaker": "発言(speaker、text)", "vote": "採決(vote)", "note": "注記(note)", "event": "出来事(event)"}
            self.fail(
                path,
                "1件の記録が" + "と".join(names[k] for k in kinds) + "の両方になっています。1件には1つだけ書いてください。",
            )
        if "note" in data:
            self.keys(data, path, NOTE_KEYS)
            text = self.text(data["note"], _child(path, "note"), "注記(note、括弧を除いた文)", nonempty=True)
            time = None
            if "time" in data:
                time = self.hhmmss(data["time"], _child(path, "time"), _label("time"))
            return Note(text=text, time=time)
        if "event" in data:
            self.obj(data, path, "出来事", EVENT_KEYS, EVENT_KEYS)
            kind = self.choice(data["event"], _child(path, "event"), _label("event"), EVENTS)
            tpath = _child(path, "time")
            time_text = self.text(data["time"], tpath, _label("time"))
            if _HHMMSS_RE.fullmatch(time_text):
                time = self.hhmmss(time_text, tpath, _label("time"))
            else:
                time = self.hhmm(time_text, tpath, "出来事の時刻(time、「HH:MM」か「HH:MM:SS」)")
            return Event(kind=kind, time=time)
        is_vote = "vote" in data
        is_speech = "speaker" in data or "text" in data
        if is_vote and is_speech:
            self.fail(
                path,
                "1件の記録が発言(speaker、text)と採決(vote)の両方になっています。"
                "発言と採決は別々の記録にしてください。",
            )
        if is_vote:
            self.keys(data, path, VOTE_ENTRY_KEYS)
            return self.vote(data["vote"], _child(path, "vote"), context)
        if is_speech:
            return self.speech(data, path, context)
        self.keys(data, path, SPEECH_KEYS + VOTE_ENTRY_KEYS + NOTE_KEYS + EVENT_KEYS)
        self.fail(
            path,
            "記録の1件は発言(speaker と text)、採決(vote)、注記(note)、出来事(event)のどれかです。どれでもありません。",
        )

    def speech(self, data: dict, path: str, context: EntryContext) -> Speech:
        self.obj(data, path, "発言", SPEECH_KEYS, SPEECH_REQUIRED)
        spath = _child(path, "speaker")
        speaker = data["speaker"]
        speaker_id = label = None
        if isinstance(speaker, str):
            speaker_id = self.text(speaker, spath, "発言者のid", nonempty=True)
            if speaker_id not in context.people:
                self.fail(spath, f"出席者一覧(people)にないid「{_show(speaker_id)}」が指定されています。")
        elif isinstance(speaker, dict):
            self.obj(speaker, spath, "一覧にない発言者", SPEAKER_KEYS, SPEAKER_KEYS)
            label = self.text(speaker["label"], _child(spath, "label"), "発言者の呼び名(label)", nonempty=True)
        else:
            self.fail(
                spath,
                "発言者(speaker)は出席者のid(文字列)か {\"label\": \"…\"} で書いてください"
                f"(いまは{_describe(speaker)})。",
            )
        text = self.text(data["text"], _child(path, "text"), _label("text"), multiline=True)
        time = None
        if "time" in data:
            time = self.hhmmss(data["time"], _child(path, "time"), _label("time"))
        return Speech(text=text, speaker_id=speaker_id, label=label, time=time)

    def vote(self, data: object, path: str, context: EntryContext) -> Vote:
        method_data = data.get("method", METHOD_ROLL) if isinstance(data, dict) else METHOD_ROLL
        required = ("ballots", "result") if method_data == METHOD_ROLL else VOTE_REQUIRED
        self.obj(data, path, "採決", VOTE_KEYS, required)
        assert isinstance(data, dict)
        method = METHOD_ROLL
        if "method" in data:
            method = self.choice(data["method"], _child(path, "method"), _label("method"), METHODS)
        ballots: dict[str, str] = {}
        if "ballots" in data:
            ballots = self.ballots(data["ballots"], _child(path, "ballots"), context, method)
        counts_data = None
        if "counts" in data:
            counts_data = self.counts(data["counts"], _child(path, "counts"), context, method, "ballots" in data)
        tally_word = None
        if "tally" in data:
            tpath = _child(path, "tally")
            if method not in TALLY_METHODS:
                self.fail(tpath, f"挙手・起立の見た目(tally)は方法{_choices(TALLY_METHODS)}の採決にだけ書けます(この採決は「{method}」)。")
            if "ballots" in data or "counts" in data:
                self.fail(tpath, "tally は票(ballots)も数(counts)もないときだけ書けます。どちらか1つにしてください。")
            tally_word = self.choice(data["tally"], tpath, _label("tally"), TALLIES)
        result = self.choice(data["result"], _child(path, "result"), _label("result"), RESULT_VALUES)
        result_text = None
        if "result_text" in data:
            result_text = self.text(data["result_text"], _child(path, "result_text"), _label("result_text"), nonempty=True)
        rule = RULE_MAJORITY
        if "rule" in data:
            rule = self.choice(data["rule"], _child(path, "rule"), _label("rule"), RULES)
        chair = chair_title(context.people.values())
        chair_decides = None
        cpath = _child(path, "chair_decides")
        if "chair_decides" in data and data["chair_decides"] is not None:
            chair_decides = self.choice(
                data["chair_decides"], cpath, f"{chair}の決定(chair_decides、なければ null)", RESULT_VALUES
            )
        question = None
        if "question" in data:
            question = self.text(data["question"], _child(path, "question"), _label("question"))
        time = None
        if "time" in data:
            time = self.hhmmss(data["time"], _child(path, "time"), _label("time"))

        vote = Vote(
            ballots=ballots,
            result=result,
            rule=rule,
            chair_decides=chair_decides,
            question=question,
            time=time,
            method=method,
            counts=counts_data,
            tally=tally_word,
            result_text=result_text,
        )
        if "ballots" in data or method == METHOD_ROLL:
            counts = tally(ballots)
        elif counts_data is not None:
            counts = tally_counts(counts_data)
        else:
            # No ballots and no counts: the result is taken as the chair declared it.
            if chair_decides is not None:
                self.fail(
                    cpath,
                    f"票(ballots)も数(counts)もない採決は可否同数になりえないので、{chair}の決定(chair_decides)は null にしてください。",
                )
            return vote
        what = f"議題「{_show(context.item_title, 60)}」の採決" if context.item_title else "この採決"
        counted = _counts_text(counts)
        if is_tie(rule, counts):
            if chair_decides is None:
                self.fail(
                    cpath,
                    f"{what}は可否同数({counted})です。可否同数のときは{chair}の決定"
                    "(chair_decides に「承認」か「不承認」)を書いてください。",
                )
            if result != chair_decides:
                self.fail(
                    _child(path, "result"),
                    f"{what}は可否同数({counted})で{chair}の決定は「{chair_decides}」ですが、"
                    f"結果(result)が「{result}」になっています。",
                )
        else:
            if chair_decides is not None:
                self.fail(
                    cpath,
                    f"{what}は可否同数ではない({counted}、{RULE_NAMES[rule]})ので、"
                    f"{chair}の決定(chair_decides)は null にしてください。",
                )
            expected = decide(rule, counts)
            if expected != result:
                self.fail(
                    _child(path, "result"),
                    f"{what}の結果(result)が{'票' if ballots or method == METHOD_ROLL else '数'}と合いません: "
                    f"{counted}は{RULE_NAMES[rule]}の規則では「{expected}」ですが、result は「{result}」です。",
                )
        return vote

    def ballots(self, ballots_data: object, bpath: str, context: EntryContext, method: str) -> dict[str, str]:
        if method not in BALLOT_METHODS:
            self.fail(
                bpath,
                f"票(ballots)は方法{_choices(BALLOT_METHODS)}の採決にだけ書けます(この採決は「{method}」)。"
                "挙手・起立の数は counts に、見た目は tally に書いてください。",
            )
        if not isinstance(ballots_data, dict):
            self.fail(
                bpath,
                f"票(ballots)は出席者のid → 「承認」「不承認」「保留」のオブジェクトで書いてください(いまは{_describe(ballots_data)})。",
            )
        if method == METHOD_BALLOT and not ballots_data:
            self.fail(bpath, "投票(ballot)の票(ballots)が空です。票を書くか、ballots を省いて数(counts)を書いてください。")
        ballots: dict[str, str] = {}
        for voter, value in ballots_data.items():
            if not isinstance(voter, str):
                self.fail(bpath, f"キーは文字列で書いてください(いまは{_describe(voter)})。")
            vpath = _child(bpath, voter)
            if voter not in context.people:
                self.fail(vpath, f"出席者一覧(people)にないid「{_show(voter)}」が指定されています。")
            person = context.people[voter]
            if person is not None:
                who = f"{_show(voter)}({_show(person.name)}、{_show(person.title)})"
                if not person.present:
                    self.fail(vpath, f"{who}は欠席(present が false)なので投票できません。")
                if not person.has_vote:
                    self.fail(
                        vpath,
                        f"{who}には投票権がありません(votes が false か、委員長・会長か、委員以外の人です)。",
                    )
            ballots[voter] = self.choice(value, vpath, "票", BALLOT_VALUES)
        return ballots

    def counts(
        self, value: object, path: str, context: EntryContext, method: str, has_ballots: bool
    ) -> dict[str, int]:
        if method not in COUNT_METHODS:
            self.fail(path, f"賛否の数(counts)は方法{_choices(COUNT_METHODS)}の採決にだけ書けます(この採決は「{method}」)。")
        if has_ballots:
            self.fail(path, "票(ballots)と数(counts)の両方は書けません。票があるときは counts を省いてください。")
        self.obj(value, path, "賛否の数", BALLOT_VALUES, BALLOT_VALUES)
        assert isinstance(value, dict)
        counts = {key: self.integer(value[key], _child(path, key), f"「{key}」の数", 0, COUNT_MAX) for key in BALLOT_VALUES}
        people = list(context.people.values())
        if people and all(p is not None for p in people):
            voters = sum(1 for p in people if p.can_vote)
            total = sum(counts.values())
            if total > voters:
                self.fail(
                    path,
                    f"賛否の数の合計({total})が、出席して投票権のある人の数({voters})より多くなっています。",
                )
        return counts

    def extra(self, value: object, path: str) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"独自の情報(extra)はオブジェクト({{…}})で書いてください(いまは{_describe(value)})。")
        return self.json_value(value, path)

    def json_value(self, value: object, path: str) -> Any:
        """A deep copy of ``value``, refused if it cannot be written as UTF-8 JSON."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            if value.bit_length() > 10_000:
                self.fail(path, "桁数の多すぎる整数はJSONに書けません。")
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                self.fail(path, f"NaN や Infinity はJSONの値ではありません(いまは{value!r})。")
            return value
        if isinstance(value, str):
            self.unicode(value, path)
            return value
        if isinstance(value, list):
            return [self.json_value(v, _index(path, i)) for i, v in enumerate(value)]
        if isinstance(value, dict):
            copied = {}
            for key, v in value.items():
                if not isinstance(key, str):
                    self.fail(path, f"キーは文字列で書いてください(いまは{_describe(key)})。")
                kpath = _child(path, key)
                self.unicode(key, kpath)
                copied[key] = self.json_value(v, kpath)
            return copied
        self.fail(path, f"JSONの値ではありません({_describe(value)})。")

    def unicode(self, value: str, path: str) -> None:
        for pos, ch in enumerate(value, 1):
            if 0xD800 <= ord(ch) <= 0xDFFF:
                self.fail(
                    path,
                    f"{pos}文字目に対になっていないサロゲート(U+{ord(ch):04X})があります。"
                    "UTF-8で表せる文字だけを使ってください。",
                )


# ---------------------------------------------------------------------------
# Parsing a file


class _Pairs(list):
    """A JSON object as parsed: its (key, value) pairs, duplicates included."""


class _NotJSON:
    """A number Python's json accepts but JSON does not (NaN, Infinity, 1e400)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _parse_constant(text: str) -> _NotJSON:
    return _NotJSON(text)


def _parse_float(text: str) -> float | _NotJSON:
    value = float(text)
    if not math.isfinite(value):
        return _NotJSON(text)
    return value


_JSON_MESSAGES = (
    ("Expecting value", "値がありません(書きかけか、余分な「,」があるかもしれません)"),
    ("Expecting property name enclosed in double quotes",
     "キーを二重引用符(\")で囲んで書いてください(最後の要素のあとに「,」は書けません)"),
    ("Expecting ',' delimiter", "「,」がありません"),
    ("Expecting ':' delimiter", "「:」がありません"),
    ("Unterminated string starting at", "文字列が閉じられていません(\" がありません)"),
    ("Invalid control character at", "文字列の中に制御文字があります(改行は \\n、タブは \\t と書いてください)"),
    ("Invalid \\uXXXX escape", "「\\u」のあとは16進数4桁で書いてください"),
    ("Invalid \\escape", "「\\」のあとの書き方が正しくありません"),
    ("Extra data", "JSONの値のあとに余分な文字があります"),
)


def _json_message(msg: str) -> str:
    for english, japanese in _JSON_MESSAGES:
        if msg.startswith(english):
            return japanese
    return msg


def _fail(source: str, path: str, message: str) -> NoReturn:
    raise FormatError(source, path, message)


def _plain(value: object, path: str, source: str) -> object:
    """Turn parsed :class:`_Pairs` into dicts, refusing duplicate keys and NaN."""
    if isinstance(value, _Pairs):
        result: dict[str, object] = {}
        for key, item in value:
            kpath = _child(path, key)
            if key in result:
                _fail(
                    source,
                    kpath,
                    f"キー「{_show(key)}」が同じオブジェクトの中に2回あります。"
                    "どちらを使えばよいか決められないので、1つにしてください。",
                )
            result[key] = _plain(item, kpath, source)
        return result
    if isinstance(value, list):
        return [_plain(item, _index(path, i), source) for i, item in enumerate(value)]
    if isinstance(value, _NotJSON):
        _fail(source, path, f"「{_show(value.text)}」はJSONの数ではありません(NaN や Infinity、大きすぎる数は書けません)。")
    return value


def parse_meeting(data: bytes | str, source: str) -> Meeting:
    """Read one meeting from the bytes (UTF-8) or text of an interchange file.

    A UTF-8 byte order mark at the start is tolerated. Raises
    :class:`FormatError` for anything that is not a valid meeting.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        offset = 0
        if raw.startswith(codecs.BOM_UTF8):
            offset = len(codecs.BOM_UTF8)
        elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            _fail(source, "", "ファイルがUTF-16で保存されているようです。UTF-8で保存し直してください。")
        try:
            text = raw[offset:].decode("utf-8")
        except UnicodeDecodeError as exc:
            pos = offset + exc.start
            line = raw[:pos].count(b"\n") + 1
            _fail(
                source,
                "",
                f"{line}行目({pos + 1}バイト目)にUTF-8として読めないバイト 0x{raw[pos]:02X} があります。"
                "ファイルをUTF-8で保存してください(Shift_JIS などは読めません)。",
            )
    elif isinstance(data, str):
        text = data[1:] if data.startswith("\ufeff") else data
    else:
        raise TypeError(f"parse_meeting needs bytes or str, not {type(data).__name__}")

    if not text.strip():
        _fail(source, "", "ファイルが空です。会議のJSONオブジェクトが必要です。")
    try:
        parsed = json.loads(
            text,
            object_pairs_hook=_Pairs,
            parse_constant=_parse_constant,
            parse_float=_parse_float,
        )
    except json.JSONDecodeError as exc:
        _fail(source, "", f"JSONとして読めません({exc.lineno}行{exc.colno}列目: {_json_message(exc.msg)})。")
    except RecursionError:
        _fail(source, "", "入れ子(配列やオブジェクトの中の配列やオブジェクト)が深すぎて読めません。")
    except ValueError:
        # Python refuses integers of more than 4300 digits.
        _fail(source, "", "JSONとして読めません(桁数の多すぎる数があります)。")
    try:
        document = _plain(parsed, "", source)
    except RecursionError:
        _fail(source, "", "入れ子(配列やオブジェクトの中の配列やオブジェクト)が深すぎて読めません。")
    return meeting_from_dict(document, source)


def meeting_from_dict(data: object, source: str = "<data>") -> Meeting:
    """Validate plain data (as from ``json.loads``) and build the meeting.

    Raises the first problem, in a fixed order, as :class:`FormatError`.
    """
    try:
        return _Reader(source).meeting(data)
    except RecursionError:
        _fail(source, "", "入れ子(配列やオブジェクトの中の配列やオブジェクト)が深すぎて読めません。")


def person_from_dict(data: object, source: str = "<data>", path: str = "") -> Person:
    """One Person from its dict; ``path`` is where it stands (``people[3]``) for messages.

    Checks the person alone; unique ids are the meeting's business.
    """
    return _Reader(source).person(data, path)


def item_from_dict(
    data: object,
    source: str = "<data>",
    path: str = "",
    people: object = None,
    *,
    with_log: bool = True,
    people_ids: object = None,
) -> Item:
    """One agenda Item (with its log) from its dict.

    ``people`` is the context the log is checked against: a :class:`Meeting`,
    a mapping person id → :class:`Person`, an iterable of :class:`Person`, or
    an iterable of person ids (then ballots are only checked for the id, not
    for presence or voting right). With ``with_log=False`` the ``log`` key is
    allowed but not read (the item's log is left empty). ``people_ids`` is an
    alias of ``people`` for keyword callers.
    """
    if people is None:
        people = people_ids
    try:
        return _Reader(source).item(data, path, _people_map(people), with_log=with_log)
    except RecursionError:
        _fail(source, path, "入れ子が深すぎて読めません。")


def entry_from_dict(
    data: object,
    source: str = "<data>",
    path: str = "",
    meeting_context: object = None,
    *,
    item_title: str | None = None,
    uid: str | None = None,
) -> Entry:
    """One log Entry (a Speech or a Vote) from its dict.

    ``meeting_context`` is an :class:`EntryContext`, or anything
    :meth:`EntryContext.of` takes (a :class:`Meeting`, a mapping id → Person,
    Persons or ids). ``item_title`` names the item in vote messages. ``uid``,
    when given, becomes the entry's internal uid (it is not part of the format);
    otherwise a new one is made.
    """
    context = EntryContext.of(meeting_context, item_title)
    try:
        entry = _Reader(source).entry(data, path, context)
    except RecursionError:
        _fail(source, path, "入れ子が深すぎて読めません。")
    if uid is not None:
        entry.uid = uid
    return entry


# ---------------------------------------------------------------------------
# Writing


def person_to_dict(person: Person) -> dict:
    """A Person in the interchange format; ``votes`` is the effective voting right."""
    d: dict[str, object] = {"id": person.id, "name": person.name}
    if person.reading is not None:
        d["reading"] = person.reading
    d["group"] = person.group
    if person.title or person.is_member:
        d["title"] = person.title
    if person.is_member:
        d["role"] = person.effective_role
    if person.family_name is not None:
        d["family_name"] = person.family_name
    d["online"] = person.online
    if person.department is not None:
        d["department"] = person.department
    d["present"] = person.present
    if person.arrived is not None:
        d["arrived"] = person.arrived
    if person.left is not None:
        d["left"] = person.left
    d["votes"] = person.has_vote
    return d


def entry_to_dict(entry: Entry) -> dict:
    """A Speech, Vote, Note or Event in the interchange format (the internal uid is not written)."""
    if isinstance(entry, Speech):
        d: dict[str, object] = {}
        if entry.speaker_id is not None:
            d["speaker"] = entry.speaker_id
        else:
            d["speaker"] = {"label": entry.label}
        d["text"] = entry.text
        if entry.time is not None:
            d["time"] = entry.time
        return d
    if isinstance(entry, Vote):
        v: dict[str, object] = {"method": entry.method}
        if entry.ballots or entry.method == METHOD_ROLL:
            v["ballots"] = dict(entry.ballots)
        if entry.counts is not None:
            v["counts"] = dict(entry.counts)
        if entry.tally is not None:
            v["tally"] = entry.tally
        v["result"] = entry.result
        if entry.result_text is not None:
            v["result_text"] = entry.result_text
        v["rule"] = entry.rule
        v["chair_decides"] = entry.chair_decides
        if entry.question is not None:
            v["question"] = entry.question
        if entry.time is not None:
            v["time"] = entry.time
        return {"vote": v}
    if isinstance(entry, Note):
        n: dict[str, object] = {"note": entry.text}
        if entry.time is not None:
            n["time"] = entry.time
        return n
    if isinstance(entry, Event):
        return {"event": entry.kind, "time": entry.time}
    raise TypeError(f"not a log entry: {type(entry).__name__}")


def item_to_dict(item: Item, with_log: bool = True) -> dict:
    """An agenda Item in the interchange format; without ``log`` when ``with_log`` is false."""
    d: dict[str, object] = {
        "id": item.id,
        "section": item.section,
        "title": item.title,
        "kind": item.kind,
        "departments": list(item.departments),
    }
    if with_log:
        d["log"] = [entry_to_dict(e) for e in item.log]
    return d


def meeting_to_dict(meeting: Meeting) -> dict:
    """The meeting as an interchange dict, keys in the order of the format page."""
    d: dict[str, object] = {"format": FORMAT, "version": VERSION, "body": meeting.body}
    if meeting.fiscal_year is not None:
        d["fiscal_year"] = meeting.fiscal_year
    if meeting.session is not None:
        d["session"] = meeting.session
    if meeting.serial is not None:
        d["serial"] = meeting.serial
    d["record_style"] = meeting.record_style
    if meeting.title is not None:
        d["title"] = meeting.title
    d["date"] = meeting.date
    d["start"] = meeting.start
    d["end"] = meeting.end
    d["place"] = meeting.place
    d["observers"] = meeting.observers
    d["status"] = meeting.status
    d["people"] = [person_to_dict(p) for p in meeting.people]
    d["agenda"] = [item_to_dict(i) for i in meeting.agenda]
    if meeting.style is not None:
        d["style"] = meeting.style
    if meeting.disclosure is not None:
        disclosure: dict[str, object] = {"status": meeting.disclosure.status}
        if meeting.disclosure.reason is not None:
            disclosure["reason"] = meeting.disclosure.reason
        d["disclosure"] = disclosure
    d["documents"] = [{"label": doc.label, "title": doc.title} for doc in meeting.documents]
    d["signers"] = list(meeting.signers)
    if meeting.extra is not None:
        d["extra"] = copy.deepcopy(meeting.extra)
    return d


def dumps_meeting(meeting: Meeting) -> str:
    """The meeting as interchange JSON text (UTF-8 when encoded; Japanese not escaped).

    A lone surrogate (a broken paste the app stored as typed) has no UTF-8 form:
    it is written as its ``\\uXXXX`` escape, so the file is still UTF-8 and
    exact (an import refuses it, as it refuses control characters).
    """
    text = json.dumps(meeting_to_dict(meeting), ensure_ascii=False, indent=2) + "\n"
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
