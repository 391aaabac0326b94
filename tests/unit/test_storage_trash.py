"""storage.trash and the draft/final status: delete, list, restore, and marking minutes final."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from minutes import status
from minutes.demo import load_demo_dict
from minutes.interchange import meeting_from_dict, meeting_to_dict
from storage import DataDir
from storage.errors import LockRequiredError, UnknownMeetingError, WriteFailedError
from storage.paths import DRAFTS_DIR, MEETINGS_DIR, TRASH_DIR
from storage.trash import DRAFT_FILE, MEETING_FILE, RECORD_FILE, TrashError

JST = timezone(timedelta(hours=9))
WHEN = datetime(2026, 1, 5, 10, 15, tzinfo=JST)


@pytest.fixture
def root(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def datadir(root):
    folder = DataDir(root)
    folder.acquire_lock()
    yield folder
    folder.release_lock()


def _demo(**changes) -> dict:
    data = json.loads(json.dumps(load_demo_dict()))
    data.update(changes)
    return data


def _add(datadir: DataDir, **changes) -> str:
    return datadir.add_meeting(meeting_from_dict(_demo(**changes), "test"))


def _meeting_file(root: Path, meeting_id: str) -> Path:
    return root / MEETINGS_DIR / f"{meeting_id}.json"


# -- delete and restore ------------------------------------------------------------------
def test_delete_moves_file_draft_and_row_and_restore_puts_them_back(root, datadir):
    meeting_id = _add(datadir, date="2022-03-15")
    other = _add(datadir, date="2023-03-15")
    datadir.save_draft(meeting_id, "入力途中の文章")
    original = _meeting_file(root, meeting_id).read_bytes()
    row = datadir.library.get_row(meeting_id)

    entry = datadir.delete_meeting(meeting_id, WHEN)
    assert entry.key == meeting_id and entry.meeting_id == meeting_id
    assert entry.deleted == "2026-01-05T10:15:00+09:00"
    assert entry.row == row and entry.has_draft
    assert not _meeting_file(root, meeting_id).exists()
    assert not (root / DRAFTS_DIR / f"{meeting_id}.json").exists()
    assert [r["id"] for r in datadir.list_meetings()] == [other]
    folder = root / TRASH_DIR / meeting_id
    assert (folder / MEETING_FILE).read_bytes() == original
    assert json.loads((folder / DRAFT_FILE).read_text(encoding="utf-8"))["text"] == "入力途中の文章"
    record = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
    assert record["id"] == meeting_id and record["deleted"] == entry.deleted and record["row"] == row
    with pytest.raises(UnknownMeetingError):
        datadir.load_meeting(meeting_id)

    assert [e.key for e in datadir.trash_list()] == [meeting_id]
    restored = datadir.restore_from_trash(meeting_id)
    assert restored.meeting_id == meeting_id
    assert _meeting_file(root, meeting_id).read_bytes() == original
    assert datadir.load_draft(meeting_id) == "入力途中の文章"
    assert datadir.library.get_row(meeting_id) == row
    assert [r["id"] for r in datadir.list_meetings()] == [other, meeting_id]
    assert datadir.trash_list() == []
    assert not folder.exists()
    # The library on disk agrees (a fresh read).
    assert [r["id"] for r in DataDir(root).library.list_meetings()] == [other, meeting_id]


def test_trash_lists_newest_deletion_first_and_reads_without_lock(root, datadir):
    first = _add(datadir, date="2022-03-15")
    second = _add(datadir, date="2021-03-15")
    datadir.delete_meeting(first, WHEN)
    datadir.delete_meeting(second, WHEN + timedelta(hours=1))
    assert [e.meeting_id for e in DataDir(root).trash_list()] == [second, first]


def test_things_in_the_trash_that_are_not_entries_are_ignored(root, datadir):
    meeting_id = _add(datadir)
    trash = root / TRASH_DIR
    trash.mkdir()
    (trash / f"{meeting_id}-20260101T000000.json").write_text("{}", encoding="utf-8")  # a restore's leftover
    (trash / ".half.partial").mkdir()
    (trash / "junk").mkdir()
    (trash / "bad-record").mkdir()
    (trash / "bad-record" / RECORD_FILE).write_text("not json", encoding="utf-8")
    assert datadir.trash_list() == []
    datadir.delete_meeting(meeting_id, WHEN)
    assert [e.key for e in datadir.trash_list()] == [meeting_id]


def test_restore_is_refused_when_the_id_exists_again(root, datadir):
    meeting_id = _add(datadir)
    datadir.delete_meeting(meeting_id, WHEN)
    # The same id comes back (a backup restored under that id, say).
    data = (root / TRASH_DIR / meeting_id / MEETING_FILE).read_bytes()
    _meeting_file(root, meeting_id).write_bytes(data)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    with pytest.raises(TrashError) as caught:
        datadir.restore_from_trash(meeting_id)
    assert "すでにある" in caught.value.message and "何も変えていません" in caught.value.message
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def test_a_second_deletion_of_the_same_id_gets_its_own_folder(root, datadir):
    meeting_id = _add(datadir)
    datadir.delete_meeting(meeting_id, WHEN)
    # A later meeting drew the same id.
    (root / MEETINGS_DIR / f"{meeting_id}.json").write_bytes((root / TRASH_DIR / meeting_id / MEETING_FILE).read_bytes())
    datadir.update_index(meeting_id, datadir.load_meeting(meeting_id))
    entry = datadir.delete_meeting(meeting_id, WHEN + timedelta(minutes=1))
    assert entry.key == f"{meeting_id}~2"
    assert [e.key for e in datadir.trash_list()] == [f"{meeting_id}~2", meeting_id]
    datadir.restore_from_trash(f"{meeting_id}~2")
    with pytest.raises(TrashError):
        datadir.restore_from_trash(meeting_id)


def test_unknown_ids_and_keys(root, datadir):
    with pytest.raises(UnknownMeetingError):
        datadir.delete_meeting("20220315-ffff", WHEN)
    with pytest.raises(UnknownMeetingError):
        datadir.delete_meeting("../etc", WHEN)
    with pytest.raises(TrashError) as caught:
        datadir.restore_from_trash("20220315-ffff")
    assert "ごみ箱に「20220315-ffff」はありません" in caught.value.message
    with pytest.raises(TrashError):
        datadir.restore_from_trash("../../etc")


def test_delete_and_restore_need_the_lock(root, datadir):
    meeting_id = _add(datadir)
    datadir.release_lock()
    reader = DataDir(root)
    with pytest.raises(LockRequiredError):
        reader.delete_meeting(meeting_id, WHEN)
    with pytest.raises(LockRequiredError):
        reader.restore_from_trash(meeting_id)
    with pytest.raises(LockRequiredError):
        reader.set_status(meeting_id, "final", WHEN)
    datadir.acquire_lock()


def test_a_failed_index_write_puts_everything_back(root, datadir, monkeypatch):
    meeting_id = _add(datadir)
    datadir.save_draft(meeting_id, "下書き")
    library = datadir.library

    def fail(*args, **kwargs):
        raise WriteFailedError(root / "library.json", OSError(28, "No space left on device"))

    monkeypatch.setattr(library, "remove_row", fail)
    with pytest.raises(WriteFailedError):
        datadir.delete_meeting(meeting_id, WHEN)
    assert _meeting_file(root, meeting_id).exists()
    assert datadir.load_draft(meeting_id) == "下書き"
    assert datadir.library.get_row(meeting_id) is not None
    assert datadir.trash_list() == []
    assert [p.name for p in (root / TRASH_DIR).iterdir()] == []
    monkeypatch.undo()

    datadir.delete_meeting(meeting_id, WHEN)
    monkeypatch.setattr(library, "update_row", fail)
    with pytest.raises(WriteFailedError):
        datadir.restore_from_trash(meeting_id)
    assert not _meeting_file(root, meeting_id).exists()
    assert [e.key for e in datadir.trash_list()] == [meeting_id]
    assert (root / TRASH_DIR / meeting_id / DRAFT_FILE).exists()


def test_a_delete_that_stopped_half_way_can_be_restored(root, datadir):
    """A crash after the file moved but before the row went: the row without its file is no obstacle."""
    meeting_id = _add(datadir)
    row = datadir.library.get_row(meeting_id)
    datadir.delete_meeting(meeting_id, WHEN)
    datadir.library.add_row(row)  # as if the row had never been removed
    datadir.restore_from_trash(meeting_id)
    assert datadir.load_meeting(meeting_id).body == _demo()["body"]
    assert [r["id"] for r in datadir.list_meetings()] == [meeting_id]


def test_a_meeting_whose_file_was_missing_can_be_deleted_and_restored(root, datadir):
    meeting_id = _add(datadir)
    _meeting_file(root, meeting_id).unlink()
    entry = datadir.delete_meeting(meeting_id, WHEN)
    assert entry.file_missing
    assert datadir.list_meetings() == []
    datadir.restore_from_trash(meeting_id)
    assert [r["id"] for r in datadir.list_meetings()] == [meeting_id]


def test_a_naive_time_is_taken_as_local_time(root, datadir):
    meeting_id = _add(datadir)
    entry = datadir.delete_meeting(meeting_id, datetime(2022, 3, 15, 18, 5, 30))
    at = entry.deleted_at
    assert at is not None and at.tzinfo is not None
    assert at.astimezone().replace(tzinfo=None) == datetime(2022, 3, 15, 18, 5, 30)


# -- draft and final ---------------------------------------------------------------------
def test_status_functions_record_each_change():
    meeting = meeting_from_dict(_demo(extra={"other": 1}), "test")
    assert status.history(meeting) == [] and status.finalized_at(meeting) is None
    record = status.finalize(meeting, WHEN)
    assert record == {"action": "確定", "at": "2026-01-05T10:15:00+09:00"}
    assert meeting.status == "final" and meeting.is_final
    assert status.finalized_at(meeting) == "2026-01-05T10:15:00+09:00"
    with pytest.raises(ValueError, match="すでに確定"):
        status.finalize(meeting, WHEN)
    status.reopen(meeting, WHEN + timedelta(days=1))
    assert meeting.status == "draft" and status.finalized_at(meeting) is None
    with pytest.raises(ValueError, match="確定していません"):
        status.reopen(meeting, WHEN)
    assert [r["action"] for r in status.history(meeting)] == ["確定", "確定の取消"]
    assert meeting.extra["other"] == 1
    # The record travels with the interchange format.
    again = meeting_from_dict(meeting_to_dict(meeting), "test")
    assert status.history(again) == status.history(meeting)
    assert status.status_label("final") == "確定" and status.status_label("draft") == "下書き"


def test_set_status_saves_the_file_and_the_index(root, datadir):
    meeting_id = _add(datadir)
    record = datadir.set_status(meeting_id, "final", WHEN)
    assert record["action"] == "確定"
    on_disk = DataDir(root).load_meeting(meeting_id)
    assert on_disk.status == "final"
    assert status.history(on_disk) == [{"action": "確定", "at": "2026-01-05T10:15:00+09:00"}]
    assert datadir.library.get_row(meeting_id)["status"] == "final"
    with pytest.raises(ValueError):
        datadir.set_status(meeting_id, "final", WHEN)
    datadir.set_status(meeting_id, "draft", WHEN + timedelta(hours=2))
    on_disk = DataDir(root).load_meeting(meeting_id)
    assert on_disk.status == "draft"
    assert [r["action"] for r in status.history(on_disk)] == ["確定", "確定の取消"]
    assert DataDir(root).library.get_row(meeting_id)["status"] == "draft"


def test_a_failed_status_save_changes_nothing(root, datadir, monkeypatch):
    meeting_id = _add(datadir)
    from storage.meetings import MeetingStore

    def fail(self):
        raise WriteFailedError(self.path, OSError(28, "No space left on device"))

    monkeypatch.setattr(MeetingStore, "save_header", fail)
    with pytest.raises(WriteFailedError):
        datadir.set_status(meeting_id, "final", WHEN)
    assert datadir.load_meeting(meeting_id).status == "draft"
    assert datadir.library.get_row(meeting_id)["status"] == "draft"


def test_a_journal_left_by_a_crash_goes_to_the_trash_and_back(root, datadir):
    from minutes.model import Speech
    from storage.journal import journal_path

    meeting_id = _add(datadir)
    store = datadir.open_meeting(meeting_id)
    item = store.meeting.agenda[0]
    entry = Speech(text="落ちる直前の発言。", label="委員")
    item.log.append(entry)
    store.append_entry(item, entry)
    journal = journal_path(_meeting_file(root, meeting_id))
    assert journal.exists()
    # the app "crashed": the store is never closed, the journal stays

    datadir.delete_meeting(meeting_id, WHEN)
    assert not journal.exists()
    assert (root / TRASH_DIR / meeting_id / "meeting.journal").exists()
    datadir.restore_from_trash(meeting_id)
    assert journal.exists()
    assert datadir.load_meeting(meeting_id).agenda[0].log[-1].text == "落ちる直前の発言。"


# -- records the trash does not take as entries, and how the list reads the ones it does -----------------
def _deleted(root: Path, datadir: DataDir) -> tuple[str, Path, dict]:
    meeting_id = _add(datadir)
    datadir.delete_meeting(meeting_id, WHEN)
    folder = root / TRASH_DIR / meeting_id
    return meeting_id, folder, json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))


def _write_record(folder: Path, record) -> None:
    (folder / RECORD_FILE).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def test_the_record_is_version_1_in_readable_utf8(root, datadir):
    meeting_id, folder, record = _deleted(root, datadir)
    assert record["kind"] == "trash" and record["version"] == 1 and record["file_missing"] is False
    text = (folder / RECORD_FILE).read_text(encoding="utf-8")
    assert record["row"]["title"] in text  # Japanese as it is, for a clerk who opens the file


UNREAD_RECORDS = {
    "not_an_object": lambda record: [record],
    "another_kind": lambda record: {**record, "kind": "backup"},
    "no_kind": lambda record: {k: v for k, v in record.items() if k != "kind"},
    "newer_version": lambda record: {**record, "version": 2},
    "version_0": lambda record: {**record, "version": 0},
    "version_as_text": lambda record: {**record, "version": "1"},
    "version_true": lambda record: {**record, "version": True},
    "bad_id": lambda record: {**record, "id": "../meetings"},
    "deleted_not_text": lambda record: {**record, "deleted": 20260105},
    "row_not_an_object": lambda record: {**record, "row": ["a"]},
    "row_with_a_wrong_field": lambda record: {**record, "row": {**record["row"], "entry_count": "42"}},
}


@pytest.mark.parametrize("damage", sorted(UNREAD_RECORDS))
def test_a_record_this_kaigiroku_cannot_read_is_not_an_entry_and_restores_nothing(root, datadir, damage):
    meeting_id, folder, record = _deleted(root, datadir)
    _write_record(folder, UNREAD_RECORDS[damage](record))
    assert datadir.trash_list() == []
    with pytest.raises(TrashError):
        datadir.restore_from_trash(meeting_id)
    assert (folder / MEETING_FILE).exists() and not _meeting_file(root, meeting_id).exists()


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("planted", ["pipe", "link"])
def test_a_record_planted_as_a_pipe_or_a_link_is_not_an_entry_and_is_not_waited_on(root, datadir, tmp_path, planted):
    import os

    from tests.conftest import PipeWatchdog

    meeting_id, folder, record = _deleted(root, datadir)
    (folder / RECORD_FILE).unlink()
    if planted == "link":
        outside = tmp_path / "record.json"
        outside.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.symlink(outside, folder / RECORD_FILE)
        assert datadir.trash_list() == []
    else:
        with PipeWatchdog(folder / RECORD_FILE) as pipe:
            assert datadir.trash_list() == []
        assert not pipe.came, "the trash's list waited for a writer to the pipe"
    with pytest.raises(TrashError):
        datadir.restore_from_trash(meeting_id)
    assert (folder / MEETING_FILE).exists() and not _meeting_file(root, meeting_id).exists()


def test_file_missing_counts_only_when_it_is_true(root, datadir):
    meeting_id, folder, record = _deleted(root, datadir)
    (folder / MEETING_FILE).unlink()
    _write_record(folder, {**record, "file_missing": "yes"})
    assert datadir.trash_list() == []  # its file should be there and is not: a delete that stopped half-way


def test_the_row_of_an_entry_holds_the_index_fields_only(root, datadir):
    meeting_id, folder, record = _deleted(root, datadir)
    _write_record(folder, {**record, "row": {**record["row"], "note": "手で書き足した欄"}})
    [entry] = datadir.trash_list()
    assert entry.row == record["row"]
    datadir.restore_from_trash(meeting_id)
    assert datadir.library.get_row(meeting_id) == record["row"]


def test_an_entry_whose_time_cannot_be_read_is_listed_last(root, datadir):
    first = _add(datadir, date="2022-03-15")
    second = _add(datadir, date="2021-03-15")
    datadir.delete_meeting(first, WHEN)
    datadir.delete_meeting(second, WHEN - timedelta(days=1))
    folder = root / TRASH_DIR / first
    record = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
    _write_record(folder, {**record, "deleted": "昨日の夕方"})
    entries = datadir.trash_list()
    assert [e.meeting_id for e in entries] == [second, first]
    assert entries[1].deleted_at is None and entries[1].deleted == "昨日の夕方"


def test_a_key_that_leads_out_of_the_trash_is_refused(root, datadir):
    # An entry planted beside the data folder, complete with its record and file: never read, never moved.
    meeting_id, folder, record = _deleted(root, datadir)
    outside = root.parent / "planted"
    outside.mkdir()
    for name in (RECORD_FILE, MEETING_FILE):
        (outside / name).write_bytes((folder / name).read_bytes())
    (folder / MEETING_FILE).unlink()
    (folder / RECORD_FILE).unlink()
    with pytest.raises(TrashError):
        datadir.restore_from_trash("../../planted")
    assert (outside / MEETING_FILE).exists() and not _meeting_file(root, meeting_id).exists()


def test_a_deletion_without_a_draft_says_so(root, datadir):
    meeting_id = _add(datadir)
    entry = datadir.delete_meeting(meeting_id, WHEN)
    assert entry.has_draft is False
    assert datadir.trash_list()[0].has_draft is False


def test_a_newer_draft_typed_under_the_same_id_is_kept_on_restore(root, datadir):
    meeting_id = _add(datadir)
    datadir.save_draft(meeting_id, "消す前の下書き")
    datadir.delete_meeting(meeting_id, WHEN)
    datadir.save_draft(meeting_id, "あとで打った下書き")
    datadir.restore_from_trash(meeting_id)
    assert datadir.load_draft(meeting_id) == "あとで打った下書き"
    left = json.loads((root / TRASH_DIR / meeting_id / DRAFT_FILE).read_text(encoding="utf-8"))
    assert left["text"] == "消す前の下書き"  # the older one stays in the trash folder


def test_a_restore_recreates_the_meetings_and_drafts_folders(root, datadir):
    meeting_id = _add(datadir)
    datadir.save_draft(meeting_id, "下書き")
    datadir.delete_meeting(meeting_id, WHEN)
    (root / MEETINGS_DIR).rmdir()
    (root / DRAFTS_DIR).rmdir()
    datadir.restore_from_trash(meeting_id)
    assert datadir.load_meeting(meeting_id).body == _demo()["body"]
    assert datadir.load_draft(meeting_id) == "下書き"


# -- failures put everything back; successes are made durable ----------------------------------------------
def _refuse_library_write(monkeypatch, datadir, method: str) -> None:
    def fail(*args, **kwargs):
        raise WriteFailedError(datadir.root / "library.json", OSError(28, "No space left on device"))

    monkeypatch.setattr(datadir.library, method, fail)


def _spy_fsync(monkeypatch) -> list[Path]:
    from storage import trash

    synced: list[Path] = []
    real = trash.fsync_dir
    monkeypatch.setattr(trash, "fsync_dir", lambda folder: (synced.append(Path(folder)), real(folder)))
    return synced


def test_a_delete_and_a_restore_make_every_move_durable(root, datadir, monkeypatch):
    meeting_id = _add(datadir)
    datadir.save_draft(meeting_id, "下書き")
    synced = _spy_fsync(monkeypatch)
    datadir.delete_meeting(meeting_id, WHEN)
    trash, folder = root / TRASH_DIR, root / TRASH_DIR / meeting_id
    assert {trash, folder, root / MEETINGS_DIR, root / DRAFTS_DIR} <= set(synced)
    assert synced.index(trash) < synced.index(folder)  # the entry's folder is named for good before files move in
    synced.clear()
    datadir.restore_from_trash(meeting_id)
    assert {trash, folder, root / MEETINGS_DIR, root / DRAFTS_DIR} <= set(synced)
    assert synced[-1] == trash  # its emptied folder gone for good


def test_a_move_that_fails_half_way_puts_file_journal_and_draft_back(root, datadir, monkeypatch):
    from storage import trash
    from storage.journal import journal_path

    meeting_id = _add(datadir)
    datadir.save_draft(meeting_id, "下書き")
    journal = journal_path(_meeting_file(root, meeting_id))
    journal.write_bytes(b"")  # (its content is not read here)
    (root / TRASH_DIR).mkdir()
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    real = trash._replace

    def replace(source, target):
        if Path(target).name == DRAFT_FILE:
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(trash, "_replace", replace)
    synced = _spy_fsync(monkeypatch)
    with pytest.raises(WriteFailedError):
        datadir.delete_meeting(meeting_id, WHEN)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before
    assert datadir.library.get_row(meeting_id) is not None
    assert {root / MEETINGS_DIR, root / DRAFTS_DIR, root / TRASH_DIR} <= set(synced)


def test_a_record_that_cannot_be_written_leaves_no_trace(root, datadir, monkeypatch):
    from tests.unit.test_storage_support import Boom, fail_at

    meeting_id = _add(datadir)
    (root / TRASH_DIR).mkdir()
    fail_at(monkeypatch, "fsynced")
    with pytest.raises(Boom):
        datadir.delete_meeting(meeting_id, WHEN)
    monkeypatch.undo()
    assert list((root / TRASH_DIR).iterdir()) == []
    assert _meeting_file(root, meeting_id).exists()
    assert [r["id"] for r in datadir.list_meetings()] == [meeting_id]


def test_a_restore_that_fails_puts_file_and_journal_back_in_the_trash(root, datadir, monkeypatch):
    from storage.journal import journal_path

    meeting_id = _add(datadir)
    journal = journal_path(_meeting_file(root, meeting_id))
    journal.write_bytes(b"")
    datadir.delete_meeting(meeting_id, WHEN)
    folder = root / TRASH_DIR / meeting_id
    synced = _spy_fsync(monkeypatch)
    _refuse_library_write(monkeypatch, datadir, "update_row")
    with pytest.raises(WriteFailedError):
        datadir.restore_from_trash(meeting_id)
    assert not _meeting_file(root, meeting_id).exists() and not journal.exists()
    assert (folder / MEETING_FILE).exists() and (folder / "meeting.journal").exists()
    assert {root / MEETINGS_DIR, folder} <= set(synced)


def test_the_data_folder_may_be_given_as_text(root, datadir):
    from storage.trash import move_to_trash, restore_from_trash

    meeting_id = _add(datadir)
    entry = move_to_trash(str(root), datadir.library, meeting_id, WHEN)
    assert entry.key == meeting_id and not _meeting_file(root, meeting_id).exists()
    restore_from_trash(str(root), datadir.library, meeting_id)
    assert _meeting_file(root, meeting_id).exists()


def test_a_data_folder_without_a_trash_lists_nothing(root, datadir):
    _add(datadir)
    assert not (root / TRASH_DIR).exists()
    assert datadir.trash_list() == []


def test_a_library_row_whose_id_leads_out_of_the_folder_moves_nothing(root, datadir):
    # A library.json brought in by hand or by a restore can hold any id: deleting it must not move a file outside.
    meeting_id = _add(datadir)
    row = datadir.library.get_row(meeting_id)
    datadir.library.add_row({**row, "id": "../../outside"})
    outside = root.parent / "outside.json"
    outside.write_text("{}", encoding="utf-8")
    with pytest.raises(UnknownMeetingError):
        datadir.delete_meeting("../../outside", WHEN)
    assert outside.read_text(encoding="utf-8") == "{}"
    assert not (root / TRASH_DIR).exists() or list((root / TRASH_DIR).iterdir()) == []


@pytest.mark.skipif(not hasattr(__import__("os"), "symlink"), reason="links")
@pytest.mark.parametrize("linked", [DRAFTS_DIR, MEETINGS_DIR])
def test_a_delete_through_a_linked_folder_is_refused_and_moves_nothing(root, datadir, linked):
    import os
    import shutil

    from storage.errors import LinkRefusedError

    meeting_id = _add(datadir)
    datadir.save_draft(meeting_id, "下書き")
    outside = root.parent / "elsewhere"
    shutil.move(str(root / linked), str(outside))
    os.symlink(outside, root / linked)
    before = sorted(p.name for p in outside.iterdir())
    with pytest.raises(LinkRefusedError):
        datadir.delete_meeting(meeting_id, WHEN)
    assert sorted(p.name for p in outside.iterdir()) == before
    assert datadir.library.get_row(meeting_id) is not None


@pytest.mark.skipif(not hasattr(__import__("os"), "symlink"), reason="links")
def test_a_trash_entry_planted_as_a_link_is_not_restored(root, datadir):
    import os
    import shutil

    from storage.errors import LinkRefusedError

    meeting_id = _add(datadir)
    datadir.delete_meeting(meeting_id, WHEN)
    outside = root.parent / "planted"
    shutil.move(str(root / TRASH_DIR / meeting_id), str(outside))
    os.symlink(outside, root / TRASH_DIR / meeting_id)
    with pytest.raises(LinkRefusedError):
        datadir.restore_from_trash(meeting_id)
    assert sorted(p.name for p in outside.iterdir()) == [MEETING_FILE, RECORD_FILE]
    assert not _meeting_file(root, meeting_id).exists()


def _spy_moves_and_fsyncs(monkeypatch) -> list[tuple]:
    from storage import trash

    events: list[tuple] = []
    real_replace, real_fsync = trash._replace, trash.fsync_dir

    def replace(source, target):
        real_replace(source, target)
        events.append(("moved", Path(source).parent, Path(target).parent))

    def fsync(folder):
        events.append(("synced", Path(folder)))
        real_fsync(folder)

    monkeypatch.setattr(trash, "_replace", replace)
    monkeypatch.setattr(trash, "fsync_dir", fsync)
    return events


def _synced_after_the_last_move(events, folders) -> bool:
    last = max(index for index, event in enumerate(events) if event[0] == "moved")
    return set(folders) <= {event[1] for event in events[last:] if event[0] == "synced"}


def test_the_moves_back_of_a_failed_delete_are_made_durable(root, datadir, monkeypatch):
    meeting_id = _add(datadir)
    datadir.save_draft(meeting_id, "下書き")
    events = _spy_moves_and_fsyncs(monkeypatch)
    _refuse_library_write(monkeypatch, datadir, "remove_row")
    with pytest.raises(WriteFailedError):
        datadir.delete_meeting(meeting_id, WHEN)
    assert _synced_after_the_last_move(events, [root / MEETINGS_DIR, root / DRAFTS_DIR])
    assert events[-1] == ("synced", root / TRASH_DIR)  # the entry's folder, removed again, gone for good


def test_the_moves_back_of_a_failed_restore_are_made_durable(root, datadir, monkeypatch):
    meeting_id = _add(datadir)
    datadir.save_draft(meeting_id, "下書き")
    datadir.delete_meeting(meeting_id, WHEN)
    events = _spy_moves_and_fsyncs(monkeypatch)
    _refuse_library_write(monkeypatch, datadir, "update_row")
    with pytest.raises(WriteFailedError):
        datadir.restore_from_trash(meeting_id)
    assert _synced_after_the_last_move(events, [root / MEETINGS_DIR, root / DRAFTS_DIR, root / TRASH_DIR / meeting_id])
