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
import os
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
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


def _speak_to_the_journal(store, text: str) -> Speech:
    """A speech added to the meeting's second item, as Enter saves it: in the journal, not yet in the file."""
    item = store.meeting.agenda[1]
    entry = Speech(text=text, label="委員")
    item.log.append(entry)
    store.append_entry(item, entry)
    return entry


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
        entries = []
        for text in ("ジャーナルの発言その一。", "ジャーナルの発言その二。"):
            entries.append(_speak_to_the_journal(store, text))
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
        _speak_to_the_journal(store, "ジャーナルの発言。")

        def refused(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(storage.search, "read_records", refused)
        result = datadir.search("ジャーナルの発言")
        store.close()
    assert result.hits == []
    assert result.skipped == [(meeting_id, "読めません(読む権限がありません)")]


# -- the excerpt, by hand -------------------------------------------------------------------
# The numbers the search screen shows are written out here (16 characters before the word, 72 in all),
# so that a change to the module's constants is seen.
WORD = "個人情報"


@pytest.mark.parametrize(
    "before, after, snippet, inside",
    [
        # In the middle: 16 characters before the word, 72 in all, cut at both ends.
        (100, 100, "…" + "あ" * 16 + WORD + "い" * 52 + "…", ((17, 21),)),
        # Near the start: nothing cut before the word.
        (5, 100, "あ" * 5 + WORD + "い" * 63 + "…", ((5, 9),)),
        (16, 100, "あ" * 16 + WORD + "い" * 52 + "…", ((16, 20),)),
        (17, 100, "…" + "あ" * 16 + WORD + "い" * 52 + "…", ((17, 21),)),
        # Near the end: the excerpt still holds 72 characters, and nothing is cut after the word.
        (100, 3, "…" + "あ" * 65 + WORD + "い" * 3, ((66, 70),)),
        (100, 52, "…" + "あ" * 16 + WORD + "い" * 52, ((17, 21),)),
        # 72 characters are shown whole, 73 are cut.
        (0, 68, WORD + "い" * 68, ((0, 4),)),
        (0, 69, WORD + "い" * 68 + "…", ((0, 4),)),
    ],
)
def test_the_excerpt_keeps_16_characters_before_the_word_and_72_in_all(before, after, snippet, inside):
    line = "あ" * before + WORD + "い" * after
    assert make_snippet(line, [(before, before + 4)]) == (snippet, inside)


def test_only_the_words_inside_the_excerpt_are_highlighted():
    # The second word starts where the excerpt ends; the third is far after it.
    line = "あ" * 100 + WORD + "い" * 52 + WORD + "う" * 100 + WORD
    spans = [(100, 104), (156, 160), (264, 268)]
    assert make_snippet(line, spans) == ("…" + "あ" * 16 + WORD + "い" * 52 + "…", ((17, 21),))
    # A word cut by the excerpt's end is highlighted as far as it shows.
    line = "あ" * 100 + WORD + "い" * 50 + WORD + "う" * 100
    snippet, inside = make_snippet(line, [(100, 104), (154, 158)])
    assert inside == ((17, 21), (71, 73)) and snippet[71:73] == "個人"


def test_a_line_without_the_word_is_shown_from_its_start():
    line = "あ" * 100
    assert make_snippet(line, []) == ("あ" * 72 + "…", ())


def test_a_search_word_keeps_its_inner_blanks():
    assert clean_word("  個人 情報\x7f ") == "個人 情報"
    assert clean_word("\t個人\u3000情報\n") == "個人 情報"  # the ideographic space folds to a plain one


# -- highlighting where folding changes the length -------------------------------------------
def test_the_highlight_stays_on_the_word_when_folding_keeps_the_length_but_changes_the_text():
    # "…" folds to three characters and each half-width sound mark joins its kana: the folded text has
    # the same length as the text, but not position for position.
    text = "…ﾃﾞｰﾀﾍﾞｰｽ"
    assert len(fold(text)) == len(text)
    assert [text[s:e] for s, e in match_spans(text, fold("データ"))] == ["ﾃﾞｰﾀ"]
    assert [text[s:e] for s, e in match_spans(text, fold("ベース"))] == ["ﾍﾞｰｽ"]


def test_the_highlight_stays_on_the_word_when_case_folding_makes_the_text_longer():
    text = "Maße und Straße"  # normalized already, but ß folds to ss
    assert [text[s:e] for s, e in match_spans(text, fold("STRASSE"))] == ["Straße"]


def test_the_highlight_starts_on_the_words_first_character():
    text = "「ﾃﾞｰﾀ」と「データ」"
    assert [text[s:e] for s, e in match_spans(text, fold("データ"))] == ["ﾃﾞｰﾀ", "データ"]
    text = "aＡＢＣ"
    assert [text[s:e] for s, e in match_spans(text + "…", fold("abc"))] == ["ＡＢＣ"]


# -- the number of results ------------------------------------------------------------------------
def test_at_most_500_results_are_given(root):
    build_library(root, 12)
    datadir = DataDir(root)
    for result in (datadir.search("の"), SearchIndex(root).search(datadir.list_meetings(), "の")):
        assert len(result.hits) == 500 and result.truncated


def test_a_search_that_reaches_its_limit_reads_no_more_meetings(root):
    build_library(root, 3)
    result = DataDir(root).search("個人情報", limit=5)
    assert len(result.hits) == 5 and result.truncated
    assert result.files_read == 1 and result.meetings == 1


def test_a_search_that_reaches_its_limit_on_a_title_reads_no_more_meetings(root):
    # 平成13年度 is in every meeting's title (2001), in none of their speeches.
    ids = build_library(root, 3)
    result = DataDir(root).search("平成13年度", limit=1)
    assert [(hit.meeting_id, hit.kind) for hit in result.hits] == [(ids[2], KIND_MEETING_TITLE)]
    assert result.truncated and result.files_read == 2, "the second meeting's title is one too many"


def test_words_in_the_last_two_speeches_are_both_found(root):
    data = _demo()
    log = data["agenda"][-1]["log"]
    log[-2]["text"] = "最後から二つ目のズワイガニ。"
    log[-1]["text"] = "最後のズワイガニ。"
    meeting_id = _add(root, data)
    meeting = DataDir(root).load_meeting(meeting_id)
    result = DataDir(root).search("ズワイガニ")
    assert [hit.entry_uid for hit in result.hits] == [entry.uid for entry in meeting.agenda[-1].log[-2:]]


# -- what is read, and when -------------------------------------------------------------------------
def test_the_app_s_own_files_are_searched_without_loading_the_meeting(root, monkeypatch):
    # The quick reader of the tables handles everything the app writes: people named by id, labels, votes,
    # items of another section, items with and without a kind. Loading the whole meeting is three times slower.
    import storage.search as search

    meeting_id = _add(root, _demo())
    expected = SearchIndex(root).search(DataDir(root).list_meetings(), "の").hits

    def no_loader(path):
        raise AssertionError("the meeting was loaded")

    monkeypatch.setattr(search, "load_meeting_readonly", no_loader)
    hits = SearchIndex(root).search(DataDir(root).list_meetings(), "の").hits
    assert hits == expected and {hit.meeting_id for hit in hits} == {meeting_id}
    assert {hit.item_title for hit in hits} >= {"その他"}
    assert any(hit.speaker == "昼間守仁会長" for hit in hits) and any(hit.speaker == "資源循環課" for hit in hits)


def test_a_cold_search_reads_each_file_once(root, monkeypatch):
    import storage.search as search

    build_library(root, 3)
    reads = []
    real = search.read_file_once

    def counted(path):
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(search, "read_file_once", counted)
    datadir = DataDir(root)
    assert datadir.search("個人情報").files_read == 3
    assert sorted(reads) == sorted(f"{row['id']}.json" for row in datadir.list_meetings())


def test_a_fold_during_the_read_is_read_again(root, monkeypatch):
    # The app folds the journal into the file while the search reads them: the file read first lacks the
    # entry, the journal read after is gone. The search sees the pair changed and reads it again.
    import storage.search as search

    meeting_id = _add(root, _demo())
    datadir = DataDir(root)
    with datadir.write_lock():
        store = datadir.open_meeting(meeting_id)
        entry = _speak_to_the_journal(store, "畳む途中の発言。")
        real = search.read_file_once
        folded = []

        def read_then_fold(path):
            raw = real(path)
            if not folded:
                folded.append(True)
                store.close()  # the fold: the entry goes into the file, the journal is removed
            return raw

        monkeypatch.setattr(search, "read_file_once", read_then_fold)
        result = datadir.search("畳む途中の発言")
    assert [hit.entry_uid for hit in result.hits] == [entry.uid]


def test_a_missing_file_is_named_and_the_others_are_searched(root):
    gone = _add(root, _demo(date="2022-03-15"))
    kept = _add(root, _demo(date="2021-03-15"))
    (root / MEETINGS_DIR / f"{gone}.json").unlink()
    result = DataDir(root).search("個人情報")
    assert result.skipped == [(gone, "会議のファイルが見つかりません")]
    assert {hit.meeting_id for hit in result.hits} == {kept} and result.meetings == 2


def test_a_meeting_file_planted_as_a_link_is_not_read(root, tmp_path):
    linked = _add(root, _demo(date="2022-03-15"))
    kept = _add(root, _demo(date="2021-03-15"))
    outside = tmp_path / "outside.json"
    path = root / MEETINGS_DIR / f"{linked}.json"
    outside.write_bytes(path.read_bytes().replace("個人情報".encode(), "外の秘密情報".encode()))
    path.unlink()
    path.symlink_to(outside)
    result = DataDir(root).search("情報")
    assert {hit.meeting_id for hit in result.hits} == {kept}
    assert not any("外の秘密" in hit.line for hit in result.hits)
    assert [meeting_id for meeting_id, _ in result.skipped] == [linked]
    assert "リンク" in result.skipped[0][1]


def test_a_journal_planted_as_a_link_is_not_read(root, tmp_path):
    meeting_id = _add(root, _demo())
    outside = tmp_path / "outside.journal"
    outside.write_bytes(b"")
    journal = root / MEETINGS_DIR / f"{meeting_id}.journal"
    journal.symlink_to(outside)
    result = DataDir(root).search("個人情報")
    assert result.hits == [] and [m for m, _ in result.skipped] == [meeting_id]
    assert "リンク" in result.skipped[0][1]


def test_rows_may_be_given_once_as_an_iterator(root):
    meeting_id = _add(root, _demo())
    result = SearchIndex(root).search(iter(DataDir(root).list_meetings()), "個人情報")
    assert result.hits and {hit.meeting_id for hit in result.hits} == {meeting_id} and result.meetings == 1


def test_a_deleted_meeting_s_text_is_let_go(root):
    # Memory: the index keeps only the meetings still in the library.
    gone = _add(root, _demo(date="2021-03-15"))
    kept = _add(root, _demo(date="2022-03-15"))
    datadir = DataDir(root)
    index = SearchIndex(root)
    index.search(datadir.list_meetings(), "個人情報")
    assert set(index._docs) == {gone, kept}
    with datadir.write_lock():
        datadir.delete_meeting(gone)
    index.search(datadir.list_meetings(), "個人情報")
    assert set(index._docs) == {kept}


# -- reading ahead -----------------------------------------------------------------------------------
def test_warming_reads_each_meeting_once_and_a_search_after_reads_none(root):
    build_library(root, 3)
    datadir = DataDir(root)
    assert datadir.warm_search() == 3
    assert datadir.warm_search() == 0
    result = datadir.search("ズワイガニ")
    assert result.files_read == 0 and result.meetings == 3


def test_warming_passes_over_meetings_it_cannot_read(root):
    ids = build_library(root, 4)
    (root / MEETINGS_DIR / f"{ids[3]}.json").write_text("{ broken", encoding="utf-8")  # the newest: read first
    (root / MEETINGS_DIR / f"{ids[2]}.json").unlink()
    datadir = DataDir(root)
    assert datadir.warm_search() == 2
    result = datadir.search("個人情報")
    assert result.files_read == 0 and [m for m, _ in result.skipped] == [ids[3], ids[2]]


def test_warming_rests_after_each_file_it_reads(root, monkeypatch):
    import storage.search as search

    build_library(root, 2)
    datadir = DataDir(root)
    pauses = []
    monkeypatch.setattr(search, "time", SimpleNamespace(sleep=pauses.append))  # the module's rests only
    assert datadir.warm_search(pause=0.01) == 2
    assert pauses == [0.01, 0.01]
    assert datadir.warm_search(pause=0.01) == 0
    assert pauses == [0.01, 0.01], "nothing read, no rest"
    assert DataDir(root).warm_search() == 2
    assert pauses == [0.01, 0.01], "no pause asked, no rest"


# -- meeting files edited by hand ------------------------------------------------------------------
def _first_speech(tables):
    return next(record for record in tables["items"]["1"]["log"] if "vote" not in record["entry"])


_HAND_EDITS = {
    "a person that is not an object": (
        lambda t: t["people"]["1"].__setitem__("person", "昼間"),
        "people[0]: オブジェクトではありません",
    ),
    "a person's id": (
        lambda t: t["people"]["1"]["person"].__setitem__("id", 5),
        "people[0].id: の値 5 の型が違います",
    ),
    "a person's name": (
        lambda t: t["people"]["1"]["person"].__setitem__("name", 5),
        "people[0].name: の値 5 の型が違います",
    ),
    "a person's group": (
        lambda t: t["people"]["1"]["person"].__setitem__("group", None),
        "people[0].group: の値 None の型が違います",
    ),
    "a person's title": (
        lambda t: t["people"]["1"]["person"].__setitem__("title", []),
        "people[0].title: の値 [] の型が違います",
    ),
    "an item that is not an object": (
        lambda t: t["items"]["1"].__setitem__("item", "議題"),
        "agenda[0]: オブジェクトではありません",
    ),
    "a log that is not a list": (
        lambda t: t["items"]["1"].__setitem__("log", {}),
        "agenda[0].log: 配列ではありません",
    ),
    "an item's title": (
        lambda t: t["items"]["1"]["item"].__setitem__("title", 3),
        "agenda[0].title: の値 3 の型が違います",
    ),
    "an item's section": (
        lambda t: t["items"]["1"]["item"].__setitem__("section", 3),
        "agenda[0].section: の値 3 の型が違います",
    ),
    "an item's kind": (
        lambda t: t["items"]["1"]["item"].__setitem__("kind", 3),
        "agenda[0].kind: の値 3 の型が違います",
    ),
    "an entry that is not an object": (
        lambda t: t["items"]["1"]["log"].__setitem__(0, "発言"),
        "agenda[0].log[0]: オブジェクトではありません",
    ),
    "an entry's body that is not an object": (
        lambda t: t["items"]["1"]["log"][0].__setitem__("entry", "発言"),
        "agenda[0].log[0]: オブジェクトではありません",
    ),
    "an entry's uid": (
        lambda t: t["items"]["1"]["log"][0].__setitem__("uid", 3),
        "agenda[0].log[0].uid: 発言の識別子(uid)がありません",
    ),
    "a speech's text": (
        lambda t: _first_speech(t)["entry"].__setitem__("text", 3),
        "agenda[0].log[0].text: の値 3 の型が違います",
    ),
    "a speaker that is a number": (
        lambda t: _first_speech(t)["entry"].__setitem__("speaker", 3),
        "agenda[0].log[0].speaker: の値 3 の型が違います",
    ),
    "a speaker without a label": (
        lambda t: _first_speech(t)["entry"].__setitem__("speaker", {"name": "委員"}),
        "agenda[0].log[0].speaker.label: がありません",
    ),
    "an item without its order": (
        lambda t: t["items"]["1"].pop("order"),
        "表の順番(order)が正しくありません: KeyError",
    ),
    "orders of two types": (
        lambda t: t["items"]["1"].__setitem__("order", "0"),
        "表の順番(order)が正しくありません: TypeError",
    ),
}


def _edit_by_hand(root: Path, meeting_id: str, change) -> None:
    path = root / MEETINGS_DIR / f"{meeting_id}.json"
    tables = json.loads(path.read_text(encoding="utf-8"))
    change(tables)
    path.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("edit", list(_HAND_EDITS))
def test_a_meeting_file_edited_out_of_shape_is_named_with_what_is_wrong(root, edit):
    change, reason = _HAND_EDITS[edit]
    damaged = _add(root, _demo(date="2022-03-15"))
    kept = _add(root, _demo(date="2021-03-15"))
    _edit_by_hand(root, damaged, change)
    result = DataDir(root).search("個人情報")
    assert {hit.meeting_id for hit in result.hits} == {kept}
    ((meeting_id, message),) = result.skipped
    assert meeting_id == damaged and "を読めません(会議の表の形が正しくありません: " in message and reason in message


_WITHIN_SHAPE = {
    "no section": lambda t: t["items"]["4"]["item"].pop("section"),
    "no kind": lambda t: t["items"]["1"]["item"].pop("kind"),
    "a speaker not among the people": lambda t: _first_speech(t)["entry"].__setitem__("speaker", "p99"),
    # Headings: an item of another section prints its kind unless it is titled as its section (その他).
    "another section's item with a title and a kind":
        lambda t: t["items"]["4"]["item"].update(title="その他の連絡", kind="報告"),
    "a bare heading with a kind": lambda t: t["items"]["4"]["item"].update(kind="報告"),
    "an agenda item titled 議事": lambda t: t["items"]["3"]["item"].update(title="議事"),
}


@pytest.mark.parametrize("edit", list(_WITHIN_SHAPE))
def test_a_meeting_file_edited_within_its_shape_is_searched_as_the_app_reads_it(root, monkeypatch, edit):
    import storage.search as search

    meeting_id = _add(root, _demo())
    _edit_by_hand(root, meeting_id, _WITHIN_SHAPE[edit])
    words = ("の", "議事", "報告", "連絡")
    found = [SearchIndex(root).search(DataDir(root).list_meetings(), word).hits for word in words]
    monkeypatch.setattr(search, "_fields_from_tables", mock.Mock(side_effect=search._Unusual))
    loaded = [SearchIndex(root).search(DataDir(root).list_meetings(), word).hits for word in words]
    assert found == loaded and all(found[:3])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("place", ["file", "journal"])
def test_a_named_pipe_planted_at_a_meeting_s_place_is_named_not_waited_on(root, place):
    # Opening a pipe for reading waits for a writer: the search never came back.
    import threading

    piped = _add(root, _demo(date="2022-03-15"))
    kept = _add(root, _demo(date="2021-03-15"))
    path = root / MEETINGS_DIR / f"{piped}.{'json' if place == 'file' else 'journal'}"
    if place == "file":
        path.unlink()
    os.mkfifo(path)
    found = []
    search = threading.Thread(target=lambda: found.append(DataDir(root).search("個人情報")), daemon=True)
    search.start()
    search.join(10)
    if search.is_alive():  # let it go: a writer opens the pipe and closes it
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        search.join(10)
        pytest.fail("the search waited on the pipe")
    (result,) = found
    assert {hit.meeting_id for hit in result.hits} == {kept}
    assert result.skipped == [
        (piped, f"ファイル「{path}」を読めません(通常のファイルではありません(装置やパイプなど))。"
                "このファイルには書き込みません。このファイルのバックアップはありません。")
    ]
