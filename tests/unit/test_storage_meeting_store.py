"""MeetingStore's life: what goes to the journal and when the file is rewritten, closing, and saves refused."""

from __future__ import annotations

import pytest

from minutes.model import Item, Speech
from storage import meetings as meetings_module
from storage.errors import DamagedFileError
from storage.journal import journal_path
from storage.meetings import JOURNAL_MAX_AGE, MeetingStore, load_meeting_readonly
from tests.unit.test_storage_support import make_meeting


class Clock:
    """time.monotonic for the store: moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(meetings_module.time, "monotonic", clock.monotonic)
    return clock


@pytest.fixture
def path(tmp_path):
    folder = tmp_path / "meetings"
    folder.mkdir()
    return folder / "20220315-abcd.json"


def add(store, text, item=None):
    item = item or store.meeting.agenda[0]
    entry = Speech(text, label="委員")
    item.log.append(entry)
    store.append_entry(item, entry)
    return entry


def test_an_old_journal_is_folded_by_the_next_enter(path, clock):
    # The file is rewritten at least every JOURNAL_MAX_AGE seconds of typing, so that a backup can follow it.
    store = MeetingStore(path, meeting=make_meeting())
    add(store, "一つ目。")
    clock.now += JOURNAL_MAX_AGE - 1
    add(store, "二つ目。")
    assert store.journal_length == 2 and journal_path(path).exists()
    clock.now += 2
    add(store, "三つ目。")
    assert store.journal_length == 0 and not journal_path(path).exists()
    assert [e.text for e in load_meeting_readonly(path).agenda[0].log[-3:]] == ["一つ目。", "二つ目。", "三つ目。"]
    add(store, "四つ目。")  # the age counts again from that rewrite
    assert store.journal_length == 1
    store.close()


def test_an_old_journal_is_folded_by_the_next_edit_too(path, clock):
    from minutes.editing import LogEditor

    store = MeetingStore(path, meeting=make_meeting())
    add(store, "直す前。")
    clock.now += JOURNAL_MAX_AGE + 1
    item = store.meeting.agenda[0]
    change = LogEditor(store.meeting).replace(item.id, len(item.log) - 1, Speech("直した後。", label="委員"))
    store.save_change(change.splices)
    assert store.journal_length == 0 and not journal_path(path).exists()
    assert load_meeting_readonly(path).agenda[0].log[-1].text == "直した後。"


def test_an_entry_of_an_item_the_file_does_not_have_yet_rewrites_the_file(path, clock):
    # The journal's records name their item: an item only in memory would have nothing to replay onto.
    store = MeetingStore(path, meeting=make_meeting())
    store.meeting.agenda.append(Item(id="a10", title="追加の議事"))
    add(store, "新しい議事の発言。", store.meeting.agenda[-1])
    assert store.journal_length == 0
    assert load_meeting_readonly(path).agenda[-1].log[-1].text == "新しい議事の発言。"
    add(store, "次の発言。", store.meeting.agenda[-1])  # now it is in the file: the journal again
    assert store.journal_length == 1


def test_append_entry_saves_only_the_last_entry_of_its_item(path):
    store = MeetingStore(path, meeting=make_meeting())
    item = store.meeting.agenda[0]
    before = path.read_bytes()
    with pytest.raises(ValueError):
        store.append_entry(item, item.log[0])
    empty = store.meeting.agenda[1]
    empty.log.clear()
    with pytest.raises(ValueError):
        store.append_entry(empty, item.log[0])
    assert store.journal_length == 0 and not journal_path(path).exists() and path.read_bytes() == before


def test_a_closed_store_saves_nothing(path):
    closes = []
    store = MeetingStore(path, meeting=make_meeting(), on_close=closes.append)
    store.close()
    before = path.read_bytes()
    item = store.meeting.agenda[0]
    entry = Speech("閉じた後の発言。", label="委員")
    item.log.append(entry)
    for save in (lambda: store.append_entry(item, entry), store.save_header, store.save_all,
                 lambda: store.save_item(item), lambda: store.save_change([])):
        with pytest.raises(ValueError):
            save()
    assert path.read_bytes() == before and not journal_path(path).exists()
    store.close()  # a second close does nothing, and says nothing again
    assert closes == [store]


def test_the_store_closes_at_the_end_of_a_with_block(path):
    closes = []
    with MeetingStore(path, meeting=make_meeting(), on_close=closes.append) as store:
        entry = add(store, "閉じる前の発言。")
        assert journal_path(path).exists()
    assert store.closed and closes == [store]
    assert not journal_path(path).exists()  # folded on closing
    assert load_meeting_readonly(path).agenda[0].log[-1] == entry


def test_a_folder_where_the_meeting_file_should_be_is_named_as_a_folder(path):
    path.mkdir()
    with pytest.raises(DamagedFileError) as caught:
        load_meeting_readonly(path)
    assert "ファイルではなくフォルダです" in caught.value.message
    with pytest.raises(DamagedFileError):
        MeetingStore(path)
    assert path.is_dir()


def test_a_reader_reads_again_when_the_journal_skips_numbers_on_a_disk_that_cannot_tell_two_files_apart(
    path, monkeypatch
):
    # On a disk whose clock is coarse (a FAT stick: two seconds) a rewrite of the same size can look like the
    # file already read. The journal's numbers still show the fold: a first record after a gap means the file
    # read is older than the journal, so export and backup read both again instead of losing what was folded.
    store = MeetingStore(path, meeting=make_meeting())
    add(store, "畳まれる発言。")  # journal record 1
    monkeypatch.setattr(meetings_module, "_identity", lambda stat: "the same as before")
    real = meetings_module.read_records
    folds = []

    def fold_meanwhile(journal):
        if not folds:
            folds.append(journal)
            store.save_header()  # the app folds record 1 into the file and removes the journal
            add(store, "その後の発言。")  # record 2 starts the next journal
        return real(journal)

    monkeypatch.setattr(meetings_module, "read_records", fold_meanwhile)
    loaded = load_meeting_readonly(path)
    assert folds
    assert [entry.text for entry in loaded.agenda[0].log[-2:]] == ["畳まれる発言。", "その後の発言。"]


def test_a_meeting_moved_away_while_it_is_read_is_said_to_be_gone(tmp_path, monkeypatch):
    from storage import DataDir
    from storage.errors import UnknownMeetingError

    datadir = DataDir(tmp_path / "data")
    datadir.acquire_lock()
    meeting_id = datadir.add_meeting(make_meeting())
    path = datadir.meeting_path(meeting_id)
    real = meetings_module.read_records

    def moved_meanwhile(journal):
        if path.exists():
            path.rename(tmp_path / "elsewhere.json")  # the app moves it to the trash between the two reads
        return real(journal)

    monkeypatch.setattr(meetings_module, "read_records", moved_meanwhile)
    with pytest.raises(UnknownMeetingError) as caught:
        datadir.load_meeting(meeting_id)
    assert meeting_id in caught.value.message
    datadir.release_lock()


class FlakyHandle:
    """A meeting file whose reading line by line fails partway (EIO: a USB stick pulled and put back)."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.handle.close()

    def fileno(self):
        return self.handle.fileno()

    def __iter__(self):
        yield next(self.handle)
        raise OSError(5, "Input/output error")


def eio(*args):
    raise OSError(5, "Input/output error")


@pytest.mark.parametrize("fails", ["at-open", "partway"])
def test_a_read_that_fails_is_tried_once_more_whole(path, monkeypatch, fails):
    from storage import limits

    meeting = make_meeting()
    MeetingStore(path, meeting=meeting).close()
    flaky = eio if fails == "at-open" else (lambda p: FlakyHandle(limits.open_data_file(p)))
    monkeypatch.setattr(meetings_module, "open_data_file", flaky)
    assert load_meeting_readonly(path) == meeting  # the second, whole read went through

    monkeypatch.setattr(limits, "open_data_file", eio)
    with pytest.raises(DamagedFileError) as caught:
        load_meeting_readonly(path)
    assert "読み込みに失敗しました" in caught.value.message


def disk_full(monkeypatch):
    import errno

    from storage import atomic

    def full(step):
        if step == "written":
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "_fault_hook", full)


def test_opening_and_closing_a_meeting_without_a_change_leaves_its_file_alone(path, monkeypatch):
    meeting = make_meeting()
    MeetingStore(path, meeting=meeting).close()
    before = path.read_bytes()
    saved = []
    store = MeetingStore(path, on_saved=saved.append)
    disk_full(monkeypatch)  # any write would fail now
    store.close()
    assert store.closed and store.secondary_error is None and saved == []
    assert path.read_bytes() == before


def test_a_close_that_cannot_fold_keeps_the_journal_and_says_so(path, monkeypatch):
    from storage.errors import WriteFailedError

    store = MeetingStore(path, meeting=make_meeting())
    entry = add(store, "閉じる前の発言。")
    journal = journal_path(path).read_bytes()
    disk_full(monkeypatch)
    store.close()  # never raises: everything committed is on disk already
    monkeypatch.undo()
    assert store.closed
    assert isinstance(store.secondary_error, WriteFailedError) and "空き" in store.secondary_error.message
    assert journal_path(path).read_bytes() == journal
    assert load_meeting_readonly(path).agenda[0].log[-1] == entry
    reopened = MeetingStore(path)  # the disk has room again: folded on opening
    assert reopened.meeting.agenda[0].log[-1] == entry and not journal_path(path).exists()
    reopened.close()


@pytest.mark.parametrize("layout", ["indented", "version-1"])
def test_a_zip_backup_keeps_a_meeting_file_without_a_journal_byte_for_byte(tmp_path, layout):
    # Nothing to fold in: the backup is the file as it is, not the file rewritten by this kaigiroku.
    import json
    import zipfile

    from storage import DataDir
    from storage.backups import backup_zip

    datadir = DataDir(tmp_path / "data")
    datadir.acquire_lock()
    meeting_id = datadir.add_meeting(make_meeting())
    datadir.release_lock()
    path = datadir.meeting_path(meeting_id)
    tables = json.loads(path.read_text(encoding="utf-8"))
    if layout == "version-1":
        tables["_schema"]["1"]["version"] = 1
    path.write_text(json.dumps(tables, ensure_ascii=False, indent=2 if layout == "indented" else None),
                    encoding="utf-8")
    report = backup_zip(datadir.root, tmp_path / "backup.zip")
    assert report.skipped == []
    with zipfile.ZipFile(tmp_path / "backup.zip") as archive:
        assert archive.read(f"meetings/{meeting_id}.json") == path.read_bytes()


def test_a_journal_record_naming_its_item_by_a_list_is_skipped_like_any_damaged_record(path):
    # Only a hand-edited journal holds one (each record carries its checksum). It refused the whole
    # meeting, with a Python repr of TypeError in the message; it is skipped like a record whose item
    # is gone, and the records around it are applied.
    from storage.journal import encode_record

    MeetingStore(path, meeting=make_meeting()).close()
    entry = {"speaker": {"label": "委員"}, "text": "x"}
    records = [
        {"seq": 1, "op": "append", "item": ["a1"], "uid": "u1", "entry": entry},
        {"seq": 2, "op": "append", "item": "a1", "uid": "u2", "entry": {**entry, "text": "残る発言"}},
    ]
    journal_path(path).write_bytes(b"".join(encode_record(record) for record in records))
    for read in (load_meeting_readonly, lambda p: MeetingStore(p).meeting):
        texts = [e.text for item in read(path).agenda for e in item.log if getattr(e, "uid", None) in ("u1", "u2")]
        assert texts == ["残る発言"]


class FailingBackups:
    """Backups whose every copy fails (the disk is full)."""

    def __init__(self):
        from storage.errors import StorageError

        self.error = StorageError("バックアップを保存できませんでした(ディスクの空きが足りません)")

    def backup_on_open(self, meeting_id, source):
        raise self.error

    def maybe_backup(self, meeting_id, source):
        raise self.error


def test_when_the_fold_and_the_backup_on_opening_both_fail_the_backup_is_what_the_clerk_is_told_last(
    path, monkeypatch
):
    # The fold's failure is told when it is the only one; when the backup after it fails too, that later
    # failure is the one shown (the records stay in the journal either way, and the next save writes all).
    store = MeetingStore(path, meeting=make_meeting())
    entry = add(store, "落ちる前の発言。")
    disk_full(monkeypatch)
    backups = FailingBackups()
    reopened = MeetingStore(path, backups=backups)
    monkeypatch.undo()
    assert reopened.secondary_error is backups.error
    assert reopened.needs_full_save and journal_path(path).exists()
    assert reopened.meeting.agenda[0].log[-1] == entry


def test_a_clean_enter_or_edit_after_a_failed_backup_clears_the_warning(path):
    # The screen shows secondary_error after each save: once a save goes through cleanly, the warning goes.
    from minutes.editing import LogEditor

    meeting = make_meeting()
    MeetingStore(path, meeting=meeting).close()
    backups = FailingBackups()
    backups.backup_on_open = lambda meeting_id, source: None
    store = MeetingStore(path, backups=backups)
    store.save_header()
    assert store.secondary_error is backups.error
    add(store, "ちゃんと保存された発言。")
    assert store.journal_length == 1 and store.secondary_error is None
    store.save_header()
    assert store.secondary_error is backups.error
    item = store.meeting.agenda[0]
    editor = LogEditor(store.meeting)
    store.save_change(editor.replace(item.id, 0, Speech("直した発言。", label="委員")).splices)
    assert store.journal_length == 1 and store.secondary_error is None


def test_an_undo_given_as_any_iterable_of_splices_is_saved(path):
    from minutes.editing import LogEditor

    store = MeetingStore(path, meeting=make_meeting())
    item = store.meeting.agenda[0]
    editor = LogEditor(store.meeting)
    change = editor.replace(item.id, 0, Speech("直した発言。", label="委員"))
    store.save_change(iter(change.splices))
    undo = editor.undo()
    store.save_change((splice for splice in undo.splices), undone=True)
    assert store.journal_length == 2
    assert load_meeting_readonly(path).agenda[0].log[0].text == "議事の1番目の諮問です。\n担当課から説明をお願いします。"


def test_an_edit_that_finds_the_journal_full_rewrites_the_file(path):
    from minutes.editing import LogEditor

    from storage.meetings import JOURNAL_LIMIT

    store = MeetingStore(path, meeting=make_meeting())
    for n in range(JOURNAL_LIMIT):
        add(store, f"発言{n}。")
    assert store.journal_length == JOURNAL_LIMIT
    item = store.meeting.agenda[0]
    store.save_change(LogEditor(store.meeting).replace(item.id, 0, Speech("直した発言。", label="委員")).splices)
    assert store.journal_length == 0 and not journal_path(path).exists()
    assert load_meeting_readonly(path).agenda[0].log[0].text == "直した発言。"


def test_a_closed_store_that_could_not_fold_has_nothing_due(path, monkeypatch):
    # The screen's idle timer asks fold_soon: a closed store must never be asked to fold (fold would refuse).
    store = MeetingStore(path, meeting=make_meeting())
    add(store, "閉じる前の発言。")
    disk_full(monkeypatch)
    store.close()
    monkeypatch.undo()
    assert store.closed and store.needs_full_save and journal_path(path).exists()
    assert store.fold_soon() is False


def test_the_first_save_after_a_failed_one_is_reported_as_a_save_of_everything(path, monkeypatch):
    # The data folder refreshes the meeting's row in the list unless a save was only an item's: after a failed
    # header save, the next save, whatever it is, carries the header too and must be reported so.
    saved = []
    MeetingStore(path, meeting=make_meeting()).close()
    store = MeetingStore(path, on_saved=saved.append)
    store.meeting.title = "新しい題"
    disk_full(monkeypatch)
    with pytest.raises(Exception):
        store.save_header()
    monkeypatch.undo()
    store.save_item(store.meeting.agenda[0])
    assert saved == ["all"]
    assert load_meeting_readonly(path).title == "新しい題"


def test_opening_a_version_1_file_folds_its_journal_into_the_rewritten_file(path):
    store = MeetingStore(path, meeting=make_meeting())
    entry = add(store, "移行の前の発言。")  # only in the journal: the process dies here
    path.write_bytes(path.read_bytes().replace(b'"version": 2', b'"version": 1', 1))
    reopened = MeetingStore(path)
    assert reopened.migrated_from is not None
    assert reopened.journal_length == 0 and not journal_path(path).exists()
    assert load_meeting_readonly(path).agenda[0].log[-1] == entry


def test_a_journal_with_only_a_torn_line_is_removed_by_the_next_save(path):
    # A crash in the middle of the first Enter's write leaves half a record: nothing to replay, nothing to keep.
    from storage.journal import encode_record

    MeetingStore(path, meeting=make_meeting()).close()
    record = {"seq": 1, "op": "append", "item": "a1", "uid": "u1", "entry": {"speaker": {"label": "委員"}, "text": "x"}}
    journal_path(path).write_bytes(encode_record(record)[:20])
    store = MeetingStore(path)
    assert store.journal_length == 0 and journal_path(path).exists()
    store.meeting.place = "第二会議室"
    store.save_header()
    assert not journal_path(path).exists()
    assert load_meeting_readonly(path).place == "第二会議室"
