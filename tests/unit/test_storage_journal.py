"""The journal: Enter's fast path stays durable, folds into the file, and survives torn lines."""

from __future__ import annotations

from pathlib import Path
import os

import pytest

from minutes.demo import load_demo
from minutes.model import Speech
from storage import DataDir
from storage.errors import WriteFailedError
from storage.journal import encode_record, journal_path, read_records
from storage.meetings import JOURNAL_LIMIT, MeetingStore, load_meeting_readonly


@pytest.fixture
def opened(tmp_path):
    datadir = DataDir(tmp_path / "data")
    datadir.acquire_lock()
    meeting_id = datadir.add_meeting(load_demo())
    store = datadir.open_meeting(meeting_id)
    yield datadir, meeting_id, store
    if not store.closed:
        store.close()
    datadir.release_lock()


def add(store, text):
    item = store.meeting.agenda[-1]
    entry = Speech(text=text, label="事務局", time="18:00:00")
    item.log.append(entry)
    store.append_entry(item, entry)
    return entry


def test_append_goes_to_the_journal_not_the_file(opened):
    datadir, meeting_id, store = opened
    before = store.path.read_bytes()
    entry = add(store, "追加の発言。")
    assert store.path.read_bytes() == before  # the big file is not rewritten
    assert journal_path(store.path).exists()
    # a reader (export while the app runs) sees the entry, with its uid
    seen = load_meeting_readonly(store.path)
    assert seen.agenda[-1].log[-1] == entry and seen.agenda[-1].log[-1].uid == entry.uid


def test_close_folds_the_journal_into_the_file(opened):
    datadir, meeting_id, store = opened
    entry = add(store, "閉じる前の発言。")
    store.close()
    assert not journal_path(store.path).exists()
    assert load_meeting_readonly(store.path).agenda[-1].log[-1] == entry


def test_a_crashed_session_is_folded_in_at_the_next_open(opened, tmp_path):
    datadir, meeting_id, store = opened
    entries = [add(store, f"発言{n}。") for n in range(3)]
    # the process dies: no close(); a torn half line is left at the end
    with open(journal_path(store.path), "ab") as handle:
        handle.write(encode_record({"op": "append", "item": "a4", "uid": "x", "entry": {}})[:20])
    reopened = MeetingStore(store.path)
    assert reopened.meeting.agenda[-1].log[-3:] == entries
    assert not journal_path(store.path).exists()
    reopened.close()


def test_other_saves_write_everything_and_empty_the_journal(opened):
    datadir, meeting_id, store = opened
    entry = add(store, "発言。")
    store.meeting.end = "19:30"
    store.save_header()
    assert not journal_path(store.path).exists()
    on_disk = load_meeting_readonly(store.path)
    assert on_disk.end == "19:30" and on_disk.agenda[-1].log[-1] == entry


def test_a_long_journal_is_folded_by_the_next_commit(opened):
    datadir, meeting_id, store = opened
    for n in range(JOURNAL_LIMIT):
        add(store, f"発言{n}")
    assert store.journal_length == JOURNAL_LIMIT
    add(store, "もう一つ")
    assert store.journal_length == 0 and not journal_path(store.path).exists()
    assert len(load_meeting_readonly(store.path).agenda[-1].log) == 3 + JOURNAL_LIMIT + 1


def test_replay_is_idempotent_and_skips_torn_lines(tmp_path):
    path = tmp_path / "j.journal"
    good = encode_record({"op": "append", "item": "a1", "uid": "u1", "entry": {"text": "あ"}})
    path.write_bytes(good + b"deadbeef {broken\n" + good[:-5] + b"\n" + good)
    assert len(read_records(path)) == 2  # the same record twice; applying it twice adds it once


def test_failed_append_leaves_the_journal_as_it_was(opened, monkeypatch):
    datadir, meeting_id, store = opened
    add(store, "一つ目。")
    size = journal_path(store.path).stat().st_size
    real_write = os.write

    def full(fd, data):
        real_write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("storage.journal.os.write", full)
    item = store.meeting.agenda[-1]
    entry = Speech(text="書けない発言。", label="事務局")
    item.log.append(entry)
    with pytest.raises(WriteFailedError) as raised:
        store.append_entry(item, entry)
    assert "空き" in raised.value.message
    assert journal_path(store.path).stat().st_size == size
    monkeypatch.undo()
    store.append_entry(item, entry)  # space is back: the next Enter saves it
    assert load_meeting_readonly(store.path).agenda[-1].log[-1].text == "書けない発言。"


def test_zip_backup_includes_journaled_entries(opened, tmp_path):
    datadir, meeting_id, store = opened
    add(store, "まだ日誌にだけある発言。")
    datadir.backup_zip(tmp_path / "b.zip")
    other = DataDir(tmp_path / "other")
    with other.write_lock():
        other.restore(tmp_path / "b.zip")
    assert other.load_meeting(meeting_id).agenda[-1].log[-1].text == "まだ日誌にだけある発言。"


def test_journal_file_is_private(opened):
    datadir, meeting_id, store = opened
    old = os.umask(0)
    try:
        add(store, "発言。")
    finally:
        os.umask(old)
    if os.name == "posix":
        assert journal_path(store.path).stat().st_mode & 0o777 == 0o600


def test_a_crashed_session_is_folded_in_when_the_data_folder_opens_it(opened):
    datadir, meeting_id, store = opened
    entry = add(store, "落ちる直前の発言。")
    # the process dies here: the store is never closed, the journal stays
    reopened = datadir.open_meeting(meeting_id)
    assert reopened.meeting.agenda[-1].log[-1] == entry
    assert not journal_path(reopened.path).exists()
    reopened.close()
    assert datadir.list_meetings()[0]["entry_count"] == 58 + 1


def test_restoring_a_backup_replays_the_journal_and_keeps_what_it_cannot_place(opened):
    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)  # taken on open, before the entries below
    entries = [add(store, f"バックアップのあと{n}。") for n in range(2)]
    with open(journal_path(store.path), "ab") as handle:  # an entry of an item the backup does not have
        handle.write(encode_record({"op": "append", "item": "no-such-item", "uid": "u-x", "entry": {"text": "x"}}))
    store.path.write_bytes(store.path.read_bytes()[:50])  # the meeting file is damaged
    store.closed = True  # (the process died)
    done = datadir.restore_meeting_backup(backup, meeting_id)
    assert (done.replayed, done.left_out) == (2, 1)
    assert "発言 2 件も、ジャーナルから戻しました" in done.message and "1 件は" in done.message
    assert done.journal_kept is not None and str(done.journal_kept) in done.message
    assert len(read_records(done.journal_kept)) == 3  # nothing thrown away
    restored = load_meeting_readonly(store.path)
    assert restored.agenda[-1].log[-2:] == entries
    assert not journal_path(store.path).exists()


def test_restoring_a_backup_whose_journal_is_all_replayed_says_only_that(opened):
    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)
    entries = [add(store, f"バックアップのあと{n}。") for n in range(2)]
    store.closed = True  # (the process died)
    done = datadir.restore_meeting_backup(backup, meeting_id)
    assert (done.replayed, done.left_out) == (2, 0) and done.journal_kept is not None
    # Nothing was left out: no sentence about entries that were not put back.
    assert done.message == (
        f"会議「{meeting_id}」をバックアップ「{backup}」から復元しました。"
        "バックアップのあとに記録された発言 2 件も、ジャーナルから戻しました。"
    )
    assert load_meeting_readonly(store.path).agenda[-1].log[-2:] == entries


def test_restoring_a_backup_with_an_unreadable_journal_says_so_and_keeps_it(opened):
    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)
    with open(journal_path(store.path), "ab") as handle:  # a record whose entry is not an entry
        handle.write(encode_record({"op": "append", "item": store.meeting.agenda[-1].id, "uid": "u", "entry": 5}))
    store.closed = True
    done = datadir.restore_meeting_backup(backup, meeting_id)
    assert (done.replayed, done.left_out) == (0, None)
    assert done.message == (
        f"会議「{meeting_id}」をバックアップ「{backup}」から復元しました。"
        f"ジャーナルが読めなかったため、そこにある発言は戻していません。「{done.journal_kept}」に残してあります。"
    )
    assert load_meeting_readonly(store.path).agenda[-1].log == load_meeting_readonly(backup).agenda[-1].log


def test_restoring_a_backup_keeps_an_edit_that_is_only_in_the_journal(opened):
    import dataclasses

    from minutes.editing import LogEditor

    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)  # taken on open, before the correction below
    item = store.meeting.agenda[0]
    corrected = dataclasses.replace(item.log[0], text="直した発言。")
    store.save_change(LogEditor(store.meeting).replace(item.id, 0, corrected).splices)
    store.path.write_bytes(store.path.read_bytes()[:50])  # the meeting file is damaged
    store.closed = True  # (the process died)
    done = datadir.restore_meeting_backup(backup, meeting_id)
    assert done.replayed == 1
    assert load_meeting_readonly(store.path).agenda[0].log[0].text == "直した発言。"


def test_the_entries_of_a_crashed_session_are_in_the_file_as_soon_as_it_is_opened_again(opened):
    datadir, meeting_id, store = opened
    entries = [add(store, f"発言{n}。") for n in range(3)]
    # the process dies: no close(); it is opened again, and dies again before any save
    reopened = MeetingStore(store.path)
    assert reopened.secondary_error is None and reopened.migrated_from is None
    assert not journal_path(store.path).exists()
    assert load_meeting_readonly(store.path).agenda[-1].log[-3:] == entries


def test_a_fold_that_fails_on_opening_keeps_the_journal_and_says_so(opened, monkeypatch):
    import errno

    from storage import atomic

    datadir, meeting_id, store = opened
    entries = [add(store, f"発言{n}。") for n in range(2)]
    journal = journal_path(store.path).read_bytes()

    def full(step):
        if step == "written":
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "_fault_hook", full)
    reopened = MeetingStore(store.path)  # the disk is full: the file cannot be rewritten
    monkeypatch.undo()
    assert reopened.meeting.agenda[-1].log[-2:] == entries
    assert isinstance(reopened.secondary_error, WriteFailedError)  # the clerk is told
    assert journal_path(store.path).read_bytes() == journal  # nothing was thrown away
    assert reopened.needs_full_save
    reopened.close()  # the disk has room again: everything is written
    assert load_meeting_readonly(store.path).agenda[-1].log[-2:] == entries


def test_a_meeting_made_where_a_stale_journal_lay_does_not_take_its_entries(tmp_path):
    from tests.unit.test_storage_support import make_meeting

    path = tmp_path / "m.json"
    stale = {"seq": 7, "op": "append", "item": "a1", "uid": "u-stale", "entry": {"speaker": {"label": "委員"}, "text": "前の会議の発言。"}}
    journal_path(path).write_bytes(encode_record(stale))
    MeetingStore(path, meeting=make_meeting())
    assert not journal_path(path).exists()
    assert "前の会議の発言。" not in [entry.text for entry in load_meeting_readonly(path).agenda[0].log if hasattr(entry, "text")]


def test_restoring_a_backup_when_there_is_no_journal_says_nothing_of_one(opened):
    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)
    store.close()  # folded: no journal left
    assert not journal_path(store.path).exists()
    done = datadir.restore_meeting_backup(backup, meeting_id)
    assert (done.replayed, done.left_out, done.journal_kept) == (0, 0, None)
    assert "ジャーナル" not in done.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_at_the_journal_s_place_is_refused_not_read_as_empty(tmp_path):
    # Read as an empty journal, the meeting would open, and its first entry's append wait on the pipe.
    from storage.errors import DamagedFileError
    from tests.conftest import PipeWatchdog

    def descriptors() -> int:
        return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0

    before = descriptors()
    with PipeWatchdog(tmp_path / "m.journal") as pipe:
        for _ in range(3):  # (a search looks at it again each time)
            with pytest.raises(DamagedFileError) as caught:
                read_records(pipe.path)
    assert not pipe.came, "the open waited on the pipe"
    assert descriptors() == before, "the pipe's descriptor is closed"
    assert caught.value.message == (
        f"ファイル「{pipe.path}」を読めません(通常のファイルではありません(装置やパイプなど))。"
        "このファイルには書き込みません。このファイルのバックアップはありません。"
    )


def test_a_journal_too_large_to_be_the_apps_is_refused_unread(tmp_path, monkeypatch):
    # The app folds its journal every 256 changes; a planted journal of gigabytes was read whole into memory.
    import storage.journal
    from storage.errors import DamagedFileError

    line = encode_record({"seq": 1, "op": "append", "item": "a1", "uid": "u1", "entry": {"text": "発言"}})
    monkeypatch.setattr(storage.journal, "MAX_FILE_BYTES", 3 * len(line))
    path = tmp_path / "m.journal"
    path.write_bytes(line * 3)
    assert len(read_records(path)) == 3  # exactly the limit: read whole
    path.write_bytes(line * 3 + b"x")
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    for _ in range(3):
        with pytest.raises(DamagedFileError) as caught:
            read_records(path)
    assert (len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0) == before
    assert str(path) in caught.value.message and "大きすぎます" in caught.value.message


def test_a_journal_is_read_where_there_is_no_o_nonblock(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_NONBLOCK", raising=False)  # as on Windows, which has no pipes in folders
    path = tmp_path / "m.journal"
    path.write_bytes(encode_record({"seq": 1, "op": "append", "item": "a1", "uid": "u1", "entry": {"text": "発言"}}))
    assert [record["uid"] for record in read_records(path)] == ["u1"]


def test_a_meeting_file_that_cannot_be_set_aside_stops_the_restore_and_a_retry_finishes(opened, monkeypatch):
    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)
    entry = add(store, "バックアップのあとの発言。")
    store.path.write_bytes(store.path.read_bytes()[:50])  # the meeting file is damaged
    store.closed = True  # (the process died)
    damaged, journal = store.path.read_bytes(), journal_path(store.path).read_bytes()
    real_replace = os.replace

    def refused(source, target, *args, **kwargs):
        if str(source) == str(store.path):
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(WriteFailedError) as caught:
        datadir.restore_meeting_backup(backup, meeting_id)
    monkeypatch.undo()
    assert caught.value.path == store.path and "権限がありません" in caught.value.message
    # Nothing was written over the damaged file (it is not lost), nor the journal set aside.
    assert (store.path.read_bytes(), journal_path(store.path).read_bytes()) == (damaged, journal)
    assert list((datadir.root / "trash").iterdir()) == []
    done = datadir.restore_meeting_backup(backup, meeting_id)  # again, with the file movable
    assert done.replayed == 1
    assert load_meeting_readonly(store.path).agenda[-1].log[-1] == entry


def test_a_restore_names_the_file_and_journal_in_the_trash_for_good_before_it_writes_the_meeting(opened, monkeypatch):
    # The journal's entries the backup could not take live only in its copy in trash/: the move there
    # must be durable before the new file's write makes its leaving meetings/ durable.
    import storage.datadir

    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)
    add(store, "バックアップのあとの発言。")
    store.path.write_bytes(store.path.read_bytes()[:50])
    store.closed = True
    events = []
    real_fsync, real_write = storage.datadir.fsync_dir, storage.datadir.atomic_write_bytes
    monkeypatch.setattr(storage.datadir, "fsync_dir", lambda folder: (events.append(("fsync", Path(folder))), real_fsync(folder)))
    monkeypatch.setattr(
        storage.datadir, "atomic_write_bytes", lambda path, *a, **k: (events.append(("write", Path(path))), real_write(path, *a, **k))
    )
    datadir.restore_meeting_backup(backup, meeting_id)
    trash = datadir.root / "trash"
    assert ("fsync", trash) in events and ("write", store.path) in events
    assert events.index(("fsync", trash)) < events.index(("write", store.path))


def test_a_restored_meeting_is_listed_as_the_backup_has_it(opened):
    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)
    store.meeting.status = "final"  # after the backup: the header and the index say 確定
    store.save_header()
    store.close()
    assert datadir.meeting_row(meeting_id)["status"] == "final"
    # As text, without the meeting's id: the id is the backup's folder name.
    done = datadir.restore_meeting_backup(str(backup))
    assert done.meeting_id == meeting_id and str(backup) in done.message
    row = DataDir(datadir.root).meeting_row(meeting_id)
    restored = load_meeting_readonly(store.path)
    assert restored.status == "draft"
    assert (row["status"], row["entry_count"]) == ("draft", restored.entry_count())


def test_kaigiroku_restore_of_a_meeting_backup_or_a_zip_says_what_it_restored(opened, tmp_path):
    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)
    store.close()
    line = datadir.restore(str(backup))  # the command passes its argument as text
    assert line == f"会議「{meeting_id}」をバックアップ「{backup}」から復元しました。"
    datadir.add_meeting(load_demo())
    datadir.save_draft(meeting_id, "下書き")  # a draft is not a meeting: not counted
    datadir.backup_zip(tmp_path / "all.zip")
    line = datadir.restore(str(tmp_path / "all.zip"))
    assert line == f"「{tmp_path / 'all.zip'}」から復元しました(会議2件)。"



def _records_naming_their_item_by(store, *items) -> None:
    with open(journal_path(store.path), "ab") as journal:
        for item in items:
            journal.write(encode_record({"seq": 90, "op": "append", "item": item, "uid": "hand-1", "entry": {"text": "x"}}))
            journal.write(encode_record({"seq": 91, "op": "splice", "splices": [{"item": item, "at": 0, "remove": [], "insert": []}]}))


@pytest.mark.parametrize("item", [["i"], {"id": "i"}], ids=["list", "mapping"])
def test_a_record_naming_its_item_by_a_list_or_a_mapping_is_skipped_on_opening(opened, item):
    # A hand-edited journal: such a record refused the whole meeting, with
    # "TypeError("unhashable type: 'list'")" in the message.
    datadir, meeting_id, store = opened
    first = add(store, "最初の発言。")
    _records_naming_their_item_by(store, item)
    store.closed = True  # (the process died)
    last = add(MeetingStore(store.path), "あとの発言。")
    assert load_meeting_readonly(store.path).agenda[-1].log[-2:] == [first, last]


def test_a_restore_skips_a_record_naming_its_item_by_a_list(opened):
    # The restore stopped on such a record with a traceback.
    datadir, meeting_id, store = opened
    backup = datadir.backups.newest_backup(meeting_id)
    first = add(store, "最初の発言。")
    _records_naming_their_item_by(store, ["i"], {"id": "i"})
    store.path.write_bytes(store.path.read_bytes()[:50])  # damaged: the clerk restores the backup
    store.closed = True  # (the process died)
    done = datadir.restore_meeting_backup(backup, meeting_id)
    assert load_meeting_readonly(store.path).agenda[-1].log[-1] == first
    assert done.replayed == 1
