"""Search across meetings: every speech, agenda item and meeting title that holds a word.

:class:`SearchIndex` keeps, in memory, the searchable text of each meeting
file, keyed by the file's inode, modification time (ns) and size, and those of its
journal (``meetings/<id>.journal``: entries committed since the file was last
rewritten, which the search reads too). A search looks at each file with
``os.stat`` and reads again only the meetings that changed since the last
search (a save replaces the file: new inode, new time; an entry grows the
journal); the first search of a process reads them all. Nothing is written: the
index needs no lock and never touches the data folder.

Matching is a substring test on *folded* text: NFKC (full-width ``ＡＢＣ`` and
``ABC``, half-width ``ｶﾞ`` and ``ガ``, ``①`` and ``1`` match each other) and
then case folding (``Abc`` and ``aBC``). Each meeting's folded text is one
string, so a search is one ``str.find`` loop per meeting.

A hit is one title or one speech (however often the word occurs in it); it
names the meeting, the item, the entry's uid and its speaker, and holds the
paragraph with the word (``line``) and the places of the word in it
(``spans``), plus a short excerpt of it (``snippet``, ``snippet_spans``).

Meeting files are read straight from their tables (the layout of
:mod:`storage.meetings`) without building the whole meeting, which is about
three times faster; a file whose tables look unusual is read by the storage's
own loader instead, and a file that cannot be read is reported in
``SearchResult.skipped`` and left out.
"""

from __future__ import annotations

import os
import re
import threading
import time
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minutes.model import Meeting, Person, Speech
from minutes.render import item_heading, person_label, speaker_label
from storage.errors import StorageError, os_error_reason
from storage.journal import apply_records, journal_path, read_records
from storage.meetings import ITEMS, PEOPLE, READ_ATTEMPTS, journal_number, load_meeting_readonly
from storage.paths import MEETING_SUFFIX, MEETINGS_DIR
from storage.tinystore import KIND_MEETING, decode_document, read_file_once

#: What a hit is in.
KIND_MEETING_TITLE = "meeting"
KIND_ITEM = "item"
KIND_SPEECH = "speech"

#: Default most hits returned by one search.
DEFAULT_LIMIT = 500

#: The excerpt: characters kept before the first match, and its length at most.
SNIPPET_BEFORE = 16
SNIPPET_LENGTH = 72

_SEPARATOR = "\x00"
_SENTENCE_END = re.compile("(?<=[。\n])")
_CHUNKED_FROM = 80


# -- folding -------------------------------------------------------------------
def fold(text: str) -> str:
    """The form text is compared in: NFKC, then case-folded.

    NFKC is slow on Japanese text (about 0.1 µs a character), and most text
    is normalized already, which is quick to check: a long text that is not
    is normalized sentence by sentence, only the sentences that need it.
    Splitting after ``。`` or a newline changes nothing (no character combines
    with them).
    """
    if unicodedata.is_normalized("NFKC", text):
        return text.casefold()
    if len(text) > _CHUNKED_FROM:
        parts = _SENTENCE_END.split(text)
        text = "".join(
            part if unicodedata.is_normalized("NFKC", part) else unicodedata.normalize("NFKC", part)
            for part in parts
        )
    else:
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def clean_word(word: str) -> str:
    """The folded search word: blanks at the ends and control characters dropped."""
    return fold("".join(ch for ch in word if ch >= " " and ch != "\x7f").strip())


def match_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """Where the folded ``needle`` occurs in ``text``, as (start, end) in ``text`` itself.

    Folding can change the length of text (``…`` is ``...``, ``ﾃﾞ`` is ``デ``),
    so positions are mapped back character by character (a character and the
    marks that combine with it fold together). Returns an empty list if the
    word is only found across such a boundary.
    """
    if not needle:
        return []
    folded = fold(text)
    if len(folded) == len(text) and unicodedata.is_normalized("NFKC", text):
        # Case folding never shortens text: same length means position for position.
        starts = _find_all(folded, needle)
        return [(start, start + len(needle)) for start in starts]
    pieces: list[str] = []
    owner: list[tuple[int, int]] = []  # for each folded character, the original cluster (start, end)
    for start, end in _clusters(text):
        piece = fold(text[start:end])
        pieces.append(piece)
        owner.extend([(start, end)] * len(piece))
    joined = "".join(pieces)
    spans = []
    for start in _find_all(joined, needle):
        end = start + len(needle) - 1
        spans.append((owner[start][0], owner[end][1]))
    return spans


#: Half-width sound marks: NFKC turns them into combining marks that join the kana before them.
_JOINING = {"\uff9e", "\uff9f"}


def _clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each character with the marks that combine with it (``ﾃﾞ``, ``か\u3099``)."""
    clusters: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index < len(text) and (text[index] in _JOINING or unicodedata.combining(text[index])):
            continue
        clusters.append((start, index))
        start = index
    return clusters


def _find_all(haystack: str, needle: str) -> list[int]:
    found = []
    position = haystack.find(needle)
    while position != -1:
        found.append(position)
        position = haystack.find(needle, position + len(needle))
    return found


# -- results ---------------------------------------------------------------------
@dataclass(frozen=True)
class SearchHit:
    """One title or speech that holds the word."""

    meeting_id: str
    date: str
    meeting_title: str
    body: str
    kind: str
    """:data:`KIND_MEETING_TITLE`, :data:`KIND_ITEM` or :data:`KIND_SPEECH`."""
    item_index: int | None
    item_title: str | None
    entry_uid: str | None
    speaker: str | None
    line: str
    """The paragraph (or title) that holds the word."""
    spans: tuple[tuple[int, int], ...]
    """Where the word is in ``line``."""
    snippet: str
    """``line`` cut to at most :data:`SNIPPET_LENGTH` characters around the first match (``…`` where cut)."""
    snippet_spans: tuple[tuple[int, int], ...]
    """Where the word is in ``snippet``."""


@dataclass
class SearchResult:
    """What one search found."""

    word: str
    hits: list[SearchHit] = field(default_factory=list)
    truncated: bool = False
    """True when there were more hits than the limit (only the first ones are in ``hits``)."""
    meetings: int = 0
    """How many meetings were searched."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(meeting id, Japanese reason) of meeting files that could not be read."""
    files_read: int = 0
    """How many files this search had to read (the others came from the cache)."""


def make_snippet(line: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """An excerpt of ``line`` around its first match, and the matches within it."""
    if len(line) <= SNIPPET_LENGTH:
        return line, tuple(spans)
    first = spans[0][0] if spans else 0
    start = max(0, first - SNIPPET_BEFORE)
    start = min(start, max(0, len(line) - SNIPPET_LENGTH))
    end = min(len(line), start + SNIPPET_LENGTH)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(line) else ""
    shift = len(prefix) - start
    inside = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if e > start and s < end
    )
    return prefix + line[start:end] + suffix, inside


# -- one meeting's searchable text ---------------------------------------------------
#: One searchable text: (kind, item index, item heading, entry uid, speaker, text).
#: A plain tuple: a meeting has hundreds, and a cold search builds them for every meeting.
_Field = tuple


@dataclass
class _Doc:
    key: tuple
    fields: list[_Field]
    folded: str
    starts: list[int]


class _Unusual(Exception):
    """The tables are not as :mod:`storage.meetings` writes them: use its loader."""


def _by_order(table: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    docs = list(table.values())
    try:
        return sorted(docs, key=lambda doc: doc["order"])
    except (KeyError, TypeError):
        raise _Unusual from None


def _fields_from_tables(tables: dict[str, dict[str, Any]]) -> list[_Field]:
    """The searchable texts of a meeting file's tables (fast path; :class:`_Unusual` if odd)."""
    labels: dict[str, str] = {}
    for doc in tables.get(PEOPLE, {}).values():
        person = doc.get("person")
        if type(person) is not dict:
            raise _Unusual
        pid, name, group, title = person.get("id"), person.get("name"), person.get("group"), person.get("title")
        if type(pid) is not str or type(name) is not str or type(group) is not str or type(title) is not str:
            raise _Unusual
        labels[pid] = person_label(Person(id=pid, name=name, group=group, title=title), named=True)
    fields: list[_Field] = []
    append = fields.append
    for index, doc in enumerate(_by_order(tables.get(ITEMS, {}))):
        data = doc.get("item")
        log = doc.get("log")
        if type(data) is not dict or type(log) is not list:
            raise _Unusual
        title, section, kind = data.get("title"), data.get("section", "議事"), data.get("kind", "")
        if type(title) is not str or type(section) is not str or type(kind) is not str:
            raise _Unusual
        heading = title if (section != "議事" and title == section) else (f"{title}({kind})" if kind else title)
        append((KIND_ITEM, index, heading, None, None, heading))
        for record in log:
            if type(record) is not dict:
                raise _Unusual
            entry, uid = record.get("entry"), record.get("uid")
            if type(entry) is not dict or type(uid) is not str:
                raise _Unusual
            if "vote" in entry:
                continue
            text, speaker = entry.get("text"), entry.get("speaker")
            if type(text) is not str:
                raise _Unusual
            if type(speaker) is str:
                label = labels.get(speaker, speaker)
            elif type(speaker) is dict and type(speaker.get("label")) is str:
                label = speaker["label"]
            else:
                raise _Unusual
            append((KIND_SPEECH, index, heading, uid, label, text))
    return fields


def _fields_from_meeting(meeting: Meeting) -> list[_Field]:
    """The searchable texts of a loaded meeting (the slow, sure path)."""
    fields: list[_Field] = []
    for index, item in enumerate(meeting.agenda):
        heading = item_heading(item)
        fields.append((KIND_ITEM, index, heading, None, None, heading))
        for entry in item.log:
            if isinstance(entry, Speech):
                label = speaker_label(meeting, entry, named=True)
                fields.append((KIND_SPEECH, index, heading, entry.uid, label, entry.text))
    return fields


def _make_doc(key: tuple, fields: list[_Field]) -> _Doc:
    folded_parts = [fold(f[5]) for f in fields]
    starts = []
    position = 0
    for part in folded_parts:
        starts.append(position)
        position += len(part) + 1
    return _Doc(key, fields, _SEPARATOR.join(folded_parts), starts)


# -- the index -----------------------------------------------------------------------
class SearchIndex:
    """The searchable text of a data folder's meetings, kept in memory between searches."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._docs: dict[str, _Doc] = {}
        self._mutex = threading.Lock()

    def _path(self, row: Mapping[str, Any]) -> Path:
        return self.root / MEETINGS_DIR / f"{row['id']}{MEETING_SUFFIX}"

    def _doc(self, meeting_id: str, path: Path) -> tuple[_Doc, bool]:
        """The meeting's doc, read again only if the file changed; (doc, was it read)."""
        for _ in range(READ_ATTEMPTS):
            key = self._key(path)
            cached = self._docs.get(meeting_id)
            if cached is not None and cached.key == key:
                return cached, False
            raw = read_file_once(path)
            records = read_records(journal_path(path)) if key[-1] is not None else []
            if self._key(path) == key:
                break  # the file and the journal read are one consistent pair (the app did not fold meanwhile)
        try:
            tables, schema = decode_document(raw, path, KIND_MEETING)
            if records:
                apply_records(tables, records, ITEMS, journal_number(schema))
            fields = _fields_from_tables(tables)
        except _Unusual:
            fields = _fields_from_meeting(load_meeting_readonly(path))
        doc = _make_doc(key, fields)
        self._docs[meeting_id] = doc
        return doc, True

    @staticmethod
    def _key(path: Path) -> tuple:
        st = os.stat(path)
        try:
            jst = os.stat(journal_path(path))
        except FileNotFoundError:
            journal_key = None
        else:
            journal_key = (jst.st_ino, jst.st_mtime_ns, jst.st_size)
        return (st.st_ino, st.st_mtime_ns, st.st_size, journal_key)

    def warm(self, rows: Iterable[Mapping[str, Any]], pause: float = 0.0) -> int:
        """Read every meeting that is not cached (or changed); how many files were read.

        ``pause`` (seconds) is slept after each file read, outside the index's
        lock: run in a thread beside a user interface, that leaves the
        interpreter to the interface most of the time (a search that comes
        meanwhile goes ahead and reads what is still missing itself).
        """
        read = 0
        for row in rows:
            with self._mutex:
                try:
                    _, fresh = self._doc(str(row["id"]), self._path(row))
                except (OSError, StorageError):
                    continue
            read += fresh
            if fresh and pause:
                time.sleep(pause)
        return read

    def search(
        self, rows: Iterable[Mapping[str, Any]], word: str, limit: int = DEFAULT_LIMIT
    ) -> SearchResult:
        """Every title and speech of the meetings of ``rows`` (in their order) that holds ``word``."""
        result = SearchResult(word=word)
        needle = clean_word(word)
        rows = list(rows)
        if not needle:
            return result
        with self._mutex:
            live = {str(row["id"]) for row in rows}
            for gone in set(self._docs) - live:
                del self._docs[gone]  # deleted meetings: free their text
            for row in rows:
                meeting_id = str(row["id"])
                result.meetings += 1
                try:
                    doc, fresh = self._doc(meeting_id, self._path(row))
                except FileNotFoundError:
                    result.skipped.append((meeting_id, "会議のファイルが見つかりません"))
                    continue
                except StorageError as error:
                    result.skipped.append((meeting_id, error.message))
                    continue
                except OSError as error:
                    result.skipped.append((meeting_id, f"読めません({os_error_reason(error, reading=True)})"))
                    continue
                result.files_read += fresh
                if not self._search_one(row, doc, needle, result, limit):
                    break
        return result

    def _search_one(
        self, row: Mapping[str, Any], doc: _Doc, needle: str, result: SearchResult, limit: int
    ) -> bool:
        """Add the meeting's hits; False once more than ``limit`` were found."""

        def add(kind: str, item_index, item_title, uid, speaker, text: str) -> bool:
            if len(result.hits) >= limit:
                result.truncated = True
                return False
            line, spans = _line_with(text, needle)
            snippet, snippet_spans = make_snippet(line, spans)
            result.hits.append(
                SearchHit(
                    meeting_id=str(row["id"]),
                    date=str(row.get("date", "")),
                    meeting_title=str(row.get("title", "")),
                    body=str(row.get("body", "")),
                    kind=kind,
                    item_index=item_index,
                    item_title=item_title,
                    entry_uid=uid,
                    speaker=speaker,
                    line=line,
                    spans=tuple(spans),
                    snippet=snippet,
                    snippet_spans=snippet_spans,
                )
            )
            return True

        title = str(row.get("title", ""))
        if needle in fold(title):
            if not add(KIND_MEETING_TITLE, None, None, None, None, title):
                return False
        folded, starts = doc.folded, doc.starts
        position = folded.find(needle)
        while position != -1:
            index = bisect_right(starts, position) - 1
            if not add(*doc.fields[index]):
                return False
            if index + 1 >= len(starts):
                break
            position = folded.find(needle, starts[index + 1])
        return True


def _line_with(text: str, needle: str) -> tuple[str, list[tuple[int, int]]]:
    """The first paragraph of ``text`` that holds the word, and where it is in it."""
    paragraphs = text.split("\n")
    for paragraph in paragraphs:
        if needle in fold(paragraph):
            spans = match_spans(paragraph, needle)
            return paragraph, spans
    return paragraphs[0], []
