"""The entry bar's draft (storage/drafts.py): what is kept of the words typed but not yet committed, and for
whom they were typed, across a crash; and which files are not taken for a draft."""

from __future__ import annotations

import json

import pytest

from storage import DataDir
from storage.drafts import Draft, encode_draft
from tests.unit.test_storage_support import data_dir, make_meeting  # noqa: F401


@pytest.fixture
def datadir(data_dir):
    datadir = DataDir(data_dir).acquire_lock()
    yield datadir
    datadir.release_lock()


@pytest.fixture
def meeting_id(datadir):
    return datadir.add_meeting(make_meeting())


def draft_file(datadir, meeting_id):
    return datadir.root / "drafts" / f"{meeting_id}.json"


def plant(datadir, meeting_id, document) -> None:
    path = draft_file(datadir, meeting_id)
    path.parent.mkdir(exist_ok=True)
    raw = document if isinstance(document, bytes) else json.dumps(document, ensure_ascii=False).encode("utf-8")
    path.write_bytes(raw)


@pytest.mark.parametrize(
    ("whom", "expected"),
    [
        ({"speaker_id": "p3", "item": "a2"}, Draft("村委員: 1点目、", "p3", None, "a2")),
        ({"label": "傍聴者"}, Draft("村委員: 1点目、", None, "傍聴者", None)),
        ({"speaker_id": "p3", "label": "傍聴者"}, Draft("村委員: 1点目、", "p3", None, None)),  # the person wins
        ({}, Draft("村委員: 1点目、", None, None, None)),
    ],
)
def test_a_draft_comes_back_for_the_speaker_and_item_it_was_typed_for(datadir, meeting_id, whom, expected):
    datadir.save_draft(meeting_id, "村委員: 1点目、", **whom)
    assert DataDir(datadir.root).load_draft_record(meeting_id) == expected  # as after a crash
    assert datadir.load_draft(meeting_id) == "村委員: 1点目、"


def test_a_draft_file_holds_the_words_as_written(datadir, meeting_id):
    # The draft is the only copy of words not yet committed: a person who opens the file finds them as typed.
    datadir.save_draft(meeting_id, "入力中の文章", label="傍聴者")
    document = json.loads(draft_file(datadir, meeting_id).read_text(encoding="utf-8"))
    assert "入力中の文章" in draft_file(datadir, meeting_id).read_text(encoding="utf-8")
    assert (document["kind"], document["version"], document["text"]) == ("draft", 1, "入力中の文章")
    assert document["speaker"] == {"label": "傍聴者"} and "item" not in document
    assert "T" in document["saved"]


def test_a_draft_written_by_hand_in_the_version_1_layout_is_read(datadir, meeting_id):
    plant(datadir, meeting_id, {"kind": "draft", "version": 1, "text": "手で書いた", "speaker": {"label": "委員"},
                                "item": "a1"})
    assert datadir.load_draft_record(meeting_id) == Draft("手で書いた", None, "委員", "a1")
    assert datadir.load_draft(meeting_id) == "手で書いた"


def test_an_older_draft_without_speaker_or_item_is_read(datadir, meeting_id):
    plant(datadir, meeting_id, {"kind": "draft", "version": 1, "text": "古い下書き"})
    assert datadir.load_draft_record(meeting_id) == Draft("古い下書き")


@pytest.mark.parametrize(
    "speaker, item",
    [({"speaker_id": 3}, 7), ({"label": ["委員"]}, None), ("p3", {"id": "a1"}), (None, None)],
)
def test_a_speaker_or_item_of_the_wrong_shape_is_left_out_and_the_words_kept(datadir, meeting_id, speaker, item):
    plant(datadir, meeting_id, {"kind": "draft", "version": 1, "text": "言葉は残す", "speaker": speaker, "item": item})
    assert datadir.load_draft_record(meeting_id) == Draft("言葉は残す")


@pytest.mark.parametrize(
    "document",
    [
        {"kind": "draft", "version": 2, "text": "新しい版"},  # a later kaigiroku's layout: not guessed at
        {"kind": "meeting", "version": 1, "text": "別物"},
        {"kind": "draft", "version": "1", "text": "版が文字"},
        {"kind": "draft", "text": "版がない"},
        {"kind": "draft", "version": 1, "text": ["文字でない"]},
        {"kind": "draft", "version": 1},
        ["draft", 1, "配列"],
        b"\xff\xfe",
        b"{ broken",
    ],
)
def test_what_is_not_a_draft_we_can_read_is_no_draft(datadir, meeting_id, document):
    plant(datadir, meeting_id, document)
    assert datadir.load_draft_record(meeting_id) is None
    assert datadir.load_draft(meeting_id) is None


def test_no_draft_file_is_no_draft(datadir, meeting_id):
    assert datadir.load_draft_record(meeting_id) is None
    assert datadir.load_draft(meeting_id) is None


def test_encoding_without_a_speaker_writes_none():
    document = json.loads(encode_draft("x", item="a1"))
    assert "speaker" not in document and document["item"] == "a1"
