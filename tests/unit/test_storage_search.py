"""storage.search: what a search finds, how it is cached, and how fast it is on 1,000 meetings.

:func:`build_library` (also used by the start-screen and search Pilot tests)
writes a library of many demo-sized meetings quickly: the meeting files
through :class:`~storage.meetings.MeetingStore`, the library in one write,
with fixed ids, and fsync switched off while it builds (a test folder need
not survive a power cut).
"""

from __future__ import annotations

import dataclasses
import json
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest

from minutes.demo import load_demo_dict
from minutes.interchange import meeting_from_dict
from minutes.model import Speech
from storage import DataDir
from storage.atomic import atomic_write_bytes, ensure_private_dir
from storage.meetings import MeetingStore
from storage.paths import LIBRARY_FILE, MEETINGS_DIR
from storage.search import (
    KIND_ITEM,
    KIND_MEETING_TITLE,
    KIND_SPEECH,
    SNIPPET_LENGTH,
    SearchIndex,
    clean_word,
    fold,
    make_snippet,
    match_spans,
)
from storage.tinystore import KIND_LIBRARY, encode_tables

BODIES = [
    "小平市情報公開・個人情報保護・公文書管理審議会",
    "小平市都市計画審議会",
    "小平市環境審議会",
    "小平市図書館協議会",
    "小平市防災会議",
]


@contextmanager
def _no_fsync():
    with mock.patch("os.fsync", lambda fd: None):
        yield


def build_library(root: Path, count: int, plant: dict[int, str] | None = None, first_day: date = date(2001, 4, 2)) -> list[str]:
    """``count`` demo-sized meetings (58 entries each), one a week from ``first_day``; their ids, oldest first.

    ``plant`` puts a text in the first speech of meeting ``i``. Bodies cycle
    through :data:`BODIES`; the ids are ``YYYYMMDD-<i in hex>``.
    """
    plant = plant or {}
    template = meeting_from_dict(load_demo_dict(), "demo")
    datadir = DataDir(root)
    ensure_private_dir(root / MEETINGS_DIR)
    ids: list[str] = []
    rows = {}
    with _no_fsync():
        for index in range(count):
            day = first_day + timedelta(days=7 * index)
            fiscal = day.year if day.month >= 4 else day.year - 1
            meeting = dataclasses.replace(
                template, date=day.isoformat(), body=BODIES[index % len(BODIES)], fiscal_year=fiscal, session=index % 9 + 1
            )
            if index in plant:
                meeting = meeting_from_dict(load_demo_dict(), "demo")
                meeting.date, meeting.body, meeting.fiscal_year = day.isoformat(), BODIES[index % len(BODIES)], fiscal
                meeting.agenda[0].log[0].text = plant[index]
            meeting_id = f"{day:%Y%m%d}-{index:04x}"
            MeetingStore(root / MEETINGS_DIR / f"{meeting_id}.json", meeting=meeting, meeting_id=meeting_id).close()
            rows[str(index + 1)] = datadir.index_row(meeting_id, meeting)
            ids.append(meeting_id)
        atomic_write_bytes(root / LIBRARY_FILE, encode_tables({"meetings": rows}, KIND_LIBRARY))
    return ids


@pytest.fixture(scope="module")
def big_library(tmp_path_factory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("big") / "data"
    ids = build_library(root, 1000, plant={500: "ここに珍しい単語ズワイガニがあります。"})
    return root, ids


@pytest.fixture
def root(tmp_path) -> Path:
    return tmp_path / "data"


def _add(root: Path, data: dict) -> str:
    datadir = DataDir(root)
    with datadir.write_lock():
        return datadir.add_meeting(meeting_from_dict(data, "test"))


def _demo(**changes) -> dict:
    data = json.loads(json.dumps(load_demo_dict()))
    data.update(changes)
    return data


# -- folding and spans -------------------------------------------------------------
def test_fold_matches_width_and_case_variants():
    assert fold("ＡＢＣ") == fold("abc") == fold("AbC")
    assert fold("ｶﾞｲﾄﾞ") == fold("ガイド")
    assert fold("①") == "1"
    long = "これは長い文章です。" * 10 + "（括弧）" + "続きの文章です。" * 5
    assert fold(long) == long.replace("（", "(").replace("）", ")")


def test_clean_word_drops_blanks_and_controls():
    assert clean_word("  個人情報\x1b ") == "個人情報"
    assert clean_word("   ") == ""


def test_match_spans_map_back_through_folding():
    text = "…資料（ＡＢＣ）を御覧ください。ABC"
    spans = match_spans(text, fold("abc"))
    assert [text[s:e] for s, e in spans] == ["ＡＢＣ", "ABC"]
    text = "ﾃﾞｰﾀの確認とデータの保存"
    assert [text[s:e] for s, e in match_spans(text, fold("データ"))] == ["ﾃﾞｰﾀ", "データ"]


def test_snippet_cuts_long_lines_around_the_first_match():
    line = "あ" * 100 + "個人情報" + "い" * 100
    spans = [(100, 104)]
    snippet, inside = make_snippet(line, spans)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) == SNIPPET_LENGTH + 2
    (start, end), = inside
    assert snippet[start:end] == "個人情報"
    assert make_snippet("短い行", [(0, 2)]) == ("短い行", ((0, 2),))


# -- what a search finds --------------------------------------------------------------
def test_finds_speeches_items_and_titles_with_where_they_are(root):
    older = _add(root, _demo(date="2021-03-15"))
    newer = _add(root, _demo(date="2022-06-01", title="特別な臨時の会議録"))
    datadir = DataDir(root)
    result = datadir.search("個人情報")
    assert result.meetings == 2 and not result.truncated and not result.skipped
    assert [hit.meeting_id for hit in result.hits][:1] == [newer], "newest meeting first"
    kinds = {hit.kind for hit in result.hits}
    assert kinds == {KIND_SPEECH, KIND_ITEM, KIND_MEETING_TITLE}
    # The meeting title hit is the older meeting's (the newer one has its own title).
    titles = [hit for hit in result.hits if hit.kind == KIND_MEETING_TITLE]
    assert [hit.meeting_id for hit in titles] == [older]

    meeting = datadir.load_meeting(older)
    speech_hits = [hit for hit in result.hits if hit.meeting_id == older and hit.kind == KIND_SPEECH]
    speeches = [
        (item_index, entry)
        for item_index, item in enumerate(meeting.agenda)
        for entry in item.log
        if isinstance(entry, Speech) and "個人情報" in entry.text
    ]
    assert [hit.entry_uid for hit in speech_hits] == [entry.uid for _, entry in speeches]
    for hit, (item_index, entry) in zip(speech_hits, speeches):
        assert hit.item_index == item_index
        assert hit.item_title == meeting.agenda[item_index].heading
        assert hit.date == "2021-03-15"
        assert hit.meeting_title == datadir.list_meetings()[1]["title"]
        assert hit.line in entry.text.split("\n")
        assert all(hit.line[s:e] == "個人情報" for s, e in hit.spans)
        assert all(hit.snippet[s:e] == "個人情報" for s, e in hit.snippet_spans)
    chair = next(hit for hit in speech_hits if hit.speaker == "昼間守仁会長")
    assert chair.speaker == "昼間守仁会長", "speakers are named"
    assert any(hit.speaker == "資源循環課" for hit in speech_hits), "labels print as themselves"


def test_one_hit_per_speech_and_the_paragraph_that_holds_the_word(root):
    data = _demo()
    data["agenda"][0]["log"] = [
        {"speaker": {"label": "委員"}, "text": "最初の段落です。\n二つ目の段落でズワイガニとズワイガニの話をします。"}
    ]
    meeting_id = _add(root, data)
    hits = DataDir(root).search("ずわいがに").hits + DataDir(root).search("ズワイガニ").hits
    assert len(hits) == 1, "katakana and hiragana are different words; one hit for the speech"
    (hit,) = hits
    assert hit.meeting_id == meeting_id and hit.line == "二つ目の段落でズワイガニとズワイガニの話をします。"
    assert [hit.line[s:e] for s, e in hit.spans] == ["ズワイガニ", "ズワイガニ"]
    assert hit.speaker == "委員"


def test_empty_word_and_no_hits(root):
    _add(root, _demo())
    datadir = DataDir(root)
    assert datadir.search("   ").hits == []
    result = datadir.search("存在しない言葉")
    assert result.hits == [] and result.meetings == 1


def test_limit_truncates(root):
    _add(root, _demo())
    result = DataDir(root).search("。", limit=5)
    assert len(result.hits) == 5 and result.truncated


def test_cache_reads_only_changed_files_and_sees_changes(root):
    first = _add(root, _demo(date="2021-03-15"))
    _add(root, _demo(date="2022-03-15"))
    datadir = DataDir(root)
    assert datadir.search("個人情報").files_read == 2
    assert datadir.search("個人情報").files_read == 0
    assert datadir.search("新しく記録した発言").hits == []
    with datadir.write_lock():
        store = datadir.open_meeting(first)
        store.meeting.agenda[0].log.append(Speech(text="新しく記録した発言です。", label="委員"))
        store.save_item(store.meeting.agenda[0])
        store.close()
    result = datadir.search("新しく記録した発言")
    assert result.files_read == 1
    assert [hit.meeting_id for hit in result.hits] == [first]


def test_deleted_meetings_are_not_searched(root):
    gone = _add(root, _demo(date="2021-03-15"))
    kept = _add(root, _demo(date="2022-03-15"))
    datadir = DataDir(root)
    assert {hit.meeting_id for hit in datadir.search("個人情報").hits} == {gone, kept}
    with datadir.write_lock():
        datadir.delete_meeting(gone)
    assert {hit.meeting_id for hit in datadir.search("個人情報").hits} == {kept}


def test_a_damaged_file_is_skipped_and_named(root):
    bad = _add(root, _demo(date="2021-03-15"))
    good = _add(root, _demo(date="2022-03-15"))
    (root / MEETINGS_DIR / f"{bad}.json").write_text("{ broken", encoding="utf-8")
    result = DataDir(root).search("個人情報")
    assert {hit.meeting_id for hit in result.hits} == {good}
    assert [meeting_id for meeting_id, _ in result.skipped] == [bad]
    assert "読めません" in result.skipped[0][1]


def test_unusual_tables_fall_back_to_the_storage_loader(root, monkeypatch):
    meeting_id = _add(root, _demo())
    import storage.search as search

    def unusual(tables):
        raise search._Unusual

    monkeypatch.setattr(search, "_fields_from_tables", unusual)
    fallback = SearchIndex(root).search(DataDir(root).list_meetings(), "個人情報").hits
    monkeypatch.undo()
    fast = SearchIndex(root).search(DataDir(root).list_meetings(), "個人情報").hits
    assert fallback == fast and fast and fast[0].meeting_id == meeting_id


def test_searching_needs_no_lock_and_writes_nothing(root):
    _add(root, _demo())

    def files() -> list[tuple[str, int]]:
        return sorted(
            (p.relative_to(root).as_posix(), p.stat().st_mtime_ns)
            for p in root.rglob("*")
            if p.name not in ("lock", "lock.info")
        )

    before = files()
    holder = DataDir(root).acquire_lock()  # another copy of the app holds the folder
    try:
        assert DataDir(root).search("個人情報").hits
    finally:
        holder.release_lock()
    assert files() == before


# -- 1,000 meetings ----------------------------------------------------------------------
def test_search_over_a_thousand_meetings(big_library, capsys):
    root, ids = big_library
    datadir = DataDir(root)
    started = time.perf_counter()
    cold = datadir.search("ズワイガニ")
    cold_seconds = time.perf_counter() - started
    assert [hit.meeting_id for hit in cold.hits] == [ids[500]]
    assert cold.meetings == 1000 and cold.files_read == 1000

    warm_times = []
    for word in ("ズワイガニ", "存在しない言葉", "個人情報", "ｱﾝｹｰﾄ"):
        started = time.perf_counter()
        result = datadir.search(word)
        warm_times.append(time.perf_counter() - started)
        assert result.files_read == 0
    with capsys.disabled():
        print(
            f"\n[search, 1,000 meetings of 58 entries] first search (reads every file) {cold_seconds * 1000:.0f} ms; "
            f"later searches {', '.join(f'{t * 1000:.0f}' for t in warm_times)} ms"
        )


def test_entries_still_in_the_journal_are_found(root):
    meeting_id = _add(root, _demo())
    datadir = DataDir(root)
    assert datadir.search("ジャーナルの発言").hits == []
    with datadir.write_lock():
        store = datadir.open_meeting(meeting_id)
        item = store.meeting.agenda[1]
        entries = []
        for text in ("ジャーナルの発言その一。", "ジャーナルの発言その二。"):
            entry = Speech(text=text, label="委員")
            item.log.append(entry)
            store.append_entry(item, entry)
            entries.append(entry)
            result = datadir.search("ジャーナルの発言")
            assert [hit.entry_uid for hit in result.hits] == [e.uid for e in entries]
            assert result.files_read == 1
        assert store.journal_length == 2, "the entries are in the journal, not yet in the file"
        assert all(hit.item_index == 1 for hit in result.hits)
        store.close()
    result = datadir.search("ジャーナルの発言")
    assert [hit.entry_uid for hit in result.hits] == [e.uid for e in entries]


def test_a_meeting_whose_journal_may_not_be_read_is_named_with_the_right_to_read(root, monkeypatch):
    import errno

    import storage.search

    meeting_id = _add(root, _demo())
    datadir = DataDir(root)
    with datadir.write_lock():
        store = datadir.open_meeting(meeting_id)
        item = store.meeting.agenda[1]
        entry = Speech(text="ジャーナルの発言。", label="委員")
        item.log.append(entry)
        store.append_entry(item, entry)

        def refused(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(storage.search, "read_records", refused)
        result = datadir.search("ジャーナルの発言")
        store.close()
    assert result.hits == []
    assert result.skipped == [(meeting_id, "読めません(読む権限がありません)")]
