"""The data folder: where it is, what is created when, the index, ids, drafts, and the error messages."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import platformdirs
import pytest

from storage import DataDir, Library, resolve_data_dir
from storage import datadir as datadir_module
from storage.errors import (
    DamagedFileError,
    UnknownMeetingError,
    WriteFailedError,
)
from tests.unit.test_storage_support import data_dir, make_meeting, snapshot  # noqa: F401


@pytest.fixture
def datadir(data_dir):
    datadir = DataDir(data_dir).acquire_lock()
    yield datadir
    datadir.release_lock()


# -- where the data folder is ----------------------------------------------------------


def test_the_command_line_wins_then_the_environment_then_the_platform(tmp_path, monkeypatch):
    monkeypatch.setenv("KAIGIROKU_DATA_DIR", str(tmp_path / "from-env"))
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "platform"))
    assert resolve_data_dir(str(tmp_path / "from-cli")) == tmp_path / "from-cli"
    assert resolve_data_dir(None) == tmp_path / "from-env"
    monkeypatch.delenv("KAIGIROKU_DATA_DIR")
    assert resolve_data_dir(None) == tmp_path / "platform"


def test_an_empty_data_dir_option_falls_back_to_the_environment(tmp_path, monkeypatch):
    # ``--data-dir "$FOLDER"`` with the variable unset passes "": not the current folder.
    monkeypatch.setenv("KAIGIROKU_DATA_DIR", str(tmp_path / "from-env"))
    assert resolve_data_dir("") == tmp_path / "from-env"


def test_a_zip_backup_is_named_by_the_moment_it_is_made():
    from datetime import datetime

    from storage.paths import backup_zip_name

    assert backup_zip_name(datetime(2022, 3, 5, 8, 5, 9)) == "kaigiroku-backup-20220305-080509.zip"


def test_a_meeting_id_is_a_plain_file_name():
    from storage.paths import is_valid_meeting_id

    assert is_valid_meeting_id("20220315-abcd") and is_valid_meeting_id("a" * 100)
    for bad in ("../20220315", "a/b", ".hidden", "-x", "a" * 101, "", "会議", None, 20220315):
        assert not is_valid_meeting_id(bad), bad


def test_the_platform_folder_is_asked_for_kaigiroku_without_an_author(monkeypatch):
    monkeypatch.delenv("KAIGIROKU_DATA_DIR", raising=False)
    asked = []
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: asked.append((a, k)) or "/x/kaigiroku")
    assert resolve_data_dir(None) == Path("/x/kaigiroku").absolute()
    assert asked == [(("kaigiroku",), {"appauthor": False})]


def test_a_relative_or_home_path_is_made_absolute(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_dir("rel") == tmp_path / "rel"
    assert resolve_data_dir("~/minutes") == tmp_path / "home" / "minutes"


def test_reading_creates_nothing(tmp_path):
    root = tmp_path / "nowhere" / "data"
    datadir = DataDir(root)
    assert datadir.list_meetings() == []
    with pytest.raises(UnknownMeetingError):
        datadir.load_meeting("20220315-abcd")
    assert datadir.load_draft("20220315-abcd") is None
    datadir.backup_zip(tmp_path / "empty.zip")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_the_first_write_creates_the_layout_privately(tmp_path):
    saved = os.umask(0o000)
    try:
        root = tmp_path / "data"
        with DataDir(root).write_lock() as datadir:
            meeting_id = datadir.add_meeting(make_meeting())
            datadir.save_draft(meeting_id, "下書き")
            datadir.open_meeting(meeting_id).close()
    finally:
        os.umask(saved)
    modes = {
        str(path.relative_to(root)): path.stat().st_mode & 0o777
        for path in [root, *root.rglob("*")]
    }
    for name, mode in modes.items():
        expected = 0o700 if (root / name).is_dir() or name == "." else 0o600
        assert mode == expected, f"{name}: {oct(mode)}"
    assert {"library.json", "meetings", "drafts", "backups", "lock"} <= set(os.listdir(root))


# -- meetings and the index ------------------------------------------------------------


def test_new_ids_are_the_date_and_random_hex_and_unique(datadir, monkeypatch):
    meeting_id = datadir.add_meeting(make_meeting())
    assert re.fullmatch(r"20220315-[0-9a-f]{4}", meeting_id)
    hexes = iter([meeting_id.split("-")[1], meeting_id.split("-")[1], "beef"])
    monkeypatch.setattr(datadir_module, "random_hex", lambda n: next(hexes))
    assert datadir.new_meeting_id("2022-03-15") == "20220315-beef"


def test_a_new_id_avoids_a_meeting_file_without_a_row_and_a_row_without_a_file(datadir, monkeypatch):
    # A crash can leave either half of a meeting: the new meeting takes neither's id.
    listed = datadir.add_meeting(make_meeting())
    datadir.meeting_path(listed).unlink()  # a row, no file
    stray = datadir.meeting_path("20220315-beef")
    stray.write_bytes(b"a file the index does not list")  # a file, no row
    hexes = iter([listed.split("-")[1], "beef", "cafe"])
    monkeypatch.setattr(datadir_module, "random_hex", lambda n: next(hexes))
    assert datadir.add_meeting(make_meeting()) == "20220315-cafe"
    assert stray.read_bytes() == b"a file the index does not list"
    assert {row["id"] for row in datadir.list_meetings()} == {listed, "20220315-cafe"}


def test_a_meeting_without_a_whole_date_is_named_by_the_day_it_is_added(datadir):
    from datetime import datetime

    for date in ("", "2022-3-5", "令和4年3月15日"):
        meeting = make_meeting()
        meeting.date = date
        before = datetime.now().strftime("%Y%m%d")
        meeting_id = datadir.add_meeting(meeting)
        after = datetime.now().strftime("%Y%m%d")
        assert re.fullmatch(r"[0-9]{8}-[0-9a-f]{4}", meeting_id), (date, meeting_id)
        assert meeting_id[:8] in (before, after)
        assert datadir.load_meeting(meeting_id).date == date


def test_ids_sort_by_meeting_date(datadir):
    ids = []
    for date in ("2021-12-01", "2022-03-15", "2022-01-20"):
        meeting = make_meeting()
        meeting.date = date
        ids.append(datadir.add_meeting(meeting))
    assert sorted(ids) == [ids[0], ids[2], ids[1]]
    assert [row["id"] for row in datadir.list_meetings()] == [ids[1], ids[2], ids[0]]


def test_add_meeting_writes_the_file_and_the_index_row(datadir):
    meeting = make_meeting()
    meeting_id = datadir.add_meeting(meeting, title="題名を渡す")
    row = datadir.library.get_row(meeting_id)
    assert row["title"] == "題名を渡す"
    assert row["file"] == f"meetings/{meeting_id}.json"
    assert row["entry_count"] == meeting.entry_count()
    assert (row["date"], row["body"], row["status"]) == ("2022-03-15", meeting.body, "draft")
    assert datadir.load_meeting(meeting_id) == meeting
    default = datadir.library.get_row(datadir.add_meeting(make_meeting()))
    assert default["title"] == "令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録(要録)"


def test_if_the_index_cannot_be_written_the_new_meeting_file_goes_again(datadir, monkeypatch):
    datadir.add_meeting(make_meeting())
    before = snapshot(datadir.root)

    def no_space(self, row):
        raise WriteFailedError(self.path, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(Library, "add_row", no_space)
    synced = []
    real_fsync_dir = datadir_module.fsync_dir
    monkeypatch.setattr(
        datadir_module, "fsync_dir", lambda folder: synced.append((folder, os.listdir(folder))) or real_fsync_dir(folder)
    )
    with pytest.raises(WriteFailedError):
        datadir.add_meeting(make_meeting())
    assert snapshot(datadir.root) == before
    # The removal is made durable: the folder is fsynced once the file is gone.
    assert synced == [(datadir.root / "meetings", os.listdir(datadir.root / "meetings"))]


def test_if_the_index_cannot_be_read_after_a_failed_write_the_new_meeting_file_goes_and_the_failure_is_told(
    datadir, monkeypatch
):
    datadir.add_meeting(make_meeting())
    meetings_before = sorted(os.listdir(datadir.root / "meetings"))

    def fails_and_leaves_it_damaged(self, row):
        self.path.write_bytes(b'{"meetings": ')
        raise WriteFailedError(self.path, OSError(errno.EIO, "Input/output error"))

    monkeypatch.setattr(Library, "add_row", fails_and_leaves_it_damaged)
    with pytest.raises(WriteFailedError) as caught:
        datadir.add_meeting(make_meeting())
    assert caught.value.errno == errno.EIO  # the write's failure, not the damage found after it
    assert sorted(os.listdir(datadir.root / "meetings")) == meetings_before


def test_a_failed_index_write_leaves_no_phantom_row(datadir, monkeypatch):
    from tests.unit.test_storage_support import fail_at

    fail_at(monkeypatch, "written", OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(WriteFailedError):
        datadir.add_meeting(make_meeting())
    monkeypatch.undo()
    datadir.library.set_settings({"named": True})  # a later write of the library
    assert datadir.list_meetings() == []
    assert DataDir(datadir.root).list_meetings() == []
    assert os.listdir(datadir.root / "meetings") == []


def test_an_index_write_that_fails_after_its_rename_keeps_the_meeting_it_lists(datadir, monkeypatch):
    from storage import atomic

    original = Library.add_row

    def add_row_failing_after_the_rename(self, row):
        def hook(step):
            if step == "replaced":  # library.json has its new row; the folder's fsync then fails
                raise OSError(errno.EIO, "Input/output error")

        monkeypatch.setattr(atomic, "_fault_hook", hook)
        try:
            original(self, row)
        finally:
            monkeypatch.setattr(atomic, "_fault_hook", lambda step: None)

    monkeypatch.setattr(Library, "add_row", add_row_failing_after_the_rename)
    meeting = make_meeting()
    with pytest.raises(WriteFailedError):
        datadir.add_meeting(meeting)
    monkeypatch.undo()
    # The row reached the disk: the meeting it names is kept, not a row pointing at nothing.
    rows = DataDir(datadir.root).list_meetings()
    assert len(rows) == 1
    assert DataDir(datadir.root).load_meeting(rows[0]["id"]) == meeting


def test_saves_refresh_the_index_and_close_does_too(datadir):
    meeting_id = datadir.add_meeting(make_meeting())
    store = datadir.open_meeting(meeting_id)
    store.meeting.status = "final"
    store.save_header()
    assert datadir.library.get_row(meeting_id)["status"] == "final"
    item = store.meeting.agenda[0]
    item.log.append(item.log[0].__class__(text="追加", speaker_id="p1"))
    store.save_item(item)
    store.close()
    row = DataDir(datadir.root).library.get_row(meeting_id)
    assert row["entry_count"] == store.meeting.entry_count()


def test_saving_a_speech_leaves_the_index_alone(datadir):
    # Enter saves one item: the index (titles, counts of every meeting) is not rewritten each time;
    # the count is refreshed by the next header save or at close.
    meeting_id = datadir.add_meeting(make_meeting())
    store = datadir.open_meeting(meeting_id)
    library = datadir.root / "library.json"
    before = (library.read_bytes(), library.stat().st_mtime_ns)
    item = store.meeting.agenda[0]
    item.log.append(item.log[0].__class__(text="一つ目の追加", speaker_id="p1"))
    store.save_item(item)
    item.log.append(item.log[0].__class__(text="二つ目の追加", speaker_id="p1"))
    store.append_entry(item, item.log[-1])
    assert (library.read_bytes(), library.stat().st_mtime_ns) == before
    store.close()
    assert datadir.library.get_row(meeting_id)["entry_count"] == make_meeting().entry_count() + 2


def test_a_meeting_closed_after_the_lock_was_given_up_closes_without_an_error(data_dir):
    datadir = DataDir(data_dir).acquire_lock()
    meeting_id = datadir.add_meeting(make_meeting())
    store = datadir.open_meeting(meeting_id)
    item = store.meeting.agenda[0]
    item.log.append(item.log[0].__class__(text="最後の発言", speaker_id="p1"))
    store.append_entry(item, item.log[-1])
    # release_lock wants open meetings closed first; one closed late still folds its journal, and raises nothing.
    datadir.release_lock()
    store.close()
    assert store.closed
    assert DataDir(data_dir).load_meeting(meeting_id).agenda[0].log[-1].text == "最後の発言"


def test_an_index_failure_after_a_save_does_not_fail_the_save(datadir, monkeypatch):
    meeting_id = datadir.add_meeting(make_meeting())
    store = datadir.open_meeting(meeting_id)

    def no_space(self, row):
        raise WriteFailedError(self.path, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(Library, "update_row", no_space)
    store.meeting.place = "第二会議室"
    store.save_header()
    assert datadir.load_meeting(meeting_id).place == "第二会議室"
    assert "library.json" in store.secondary_error.message


def test_update_index_keeps_created(datadir):
    meeting_id = datadir.add_meeting(make_meeting())
    created = datadir.library.get_row(meeting_id)["created"]
    meeting = datadir.load_meeting(meeting_id)
    meeting.body = "別の審議会"
    datadir.update_index(meeting_id, meeting, title="新しい題名")
    row = datadir.library.get_row(meeting_id)
    assert (row["created"], row["body"], row["title"]) == (created, "別の審議会", "新しい題名")


def test_unknown_and_impossible_ids(datadir):
    for bad in ("20220315-0000", "../library", "a/b", "", ".hidden", "x" * 200):
        with pytest.raises(UnknownMeetingError) as caught:
            datadir.load_meeting(bad)
        assert "kaigiroku list" in caught.value.message
        with pytest.raises(UnknownMeetingError):
            datadir.open_meeting(bad)


def test_an_id_that_leads_out_of_its_folder_never_reaches_the_file_there(datadir):
    # "../library" would name library.json itself: never read as a meeting, never opened for writing.
    meeting_id = datadir.add_meeting(make_meeting())
    datadir.save_draft(meeting_id, "下書き")
    library = datadir.root / "library.json"
    before = library.read_bytes()
    for bad in ("../library", f"../drafts/{meeting_id}"):
        for use in (datadir.load_meeting, datadir.open_meeting, datadir.meeting_path):
            with pytest.raises(UnknownMeetingError) as caught:
                use(bad)
            assert "kaigiroku list" in caught.value.message
    # Nor as a draft's name: clearing the draft "../library" would remove library.json.
    drafts = (
        lambda bad: datadir.save_draft(bad, "上書き"), datadir.load_draft, datadir.load_draft_record,
        datadir.clear_draft,
    )
    for use in drafts:
        with pytest.raises(UnknownMeetingError):
            use("../library")
    assert library.read_bytes() == before
    assert datadir.load_draft(meeting_id) == "下書き"


def test_remove_row_and_settings_and_committees(datadir):
    meeting_id = datadir.add_meeting(make_meeting())
    library = datadir.library
    library.set_settings({"named": True, "width": 80})
    library.set_committees([{"name": "情報公開審議会"}])
    library.remove_row(meeting_id)
    library.remove_row(meeting_id)
    reread = Library(datadir.root / "library.json", read_only=True)
    assert reread.list_meetings() == []
    assert reread.settings() == {"named": True, "width": 80}
    assert reread.committees() == [{"name": "情報公開審議会"}]


def test_without_the_lock_every_read_sees_what_the_lock_holder_wrote_since(data_dir):
    # A copy of the app without the lock (view only), or `kaigiroku list` beside the running app:
    # what it read before, with or without the lock, must not hide the other copy's later changes.
    reader = DataDir(data_dir)
    with reader.write_lock():
        first = reader.add_meeting(make_meeting())
    writer = DataDir(data_dir).acquire_lock()
    try:
        writer.library.set_committees(_committee_dicts(1))
        assert [c.name for c in reader.committees()] == ["第1審議会"]
        assert [c["name"] for c in reader.committee_records()] == ["第1審議会"]
        assert [row["id"] for row in reader.list_meetings()] == [first]
        second = writer.add_meeting(make_meeting())
        writer.library.set_committees(_committee_dicts(2))
        assert [c.name for c in reader.committees()] == ["第1審議会", "第2審議会"]
        assert [c["name"] for c in reader.committee_records()] == ["第1審議会", "第2審議会"]
        assert {row["id"] for row in reader.list_meetings()} == {first, second}
    finally:
        writer.release_lock()


def test_the_library_read_without_the_lock_refuses_to_be_written(data_dir):
    with DataDir(data_dir).write_lock() as datadir:
        datadir.add_meeting(make_meeting())
    before = (data_dir / "library.json").read_bytes()
    reader = DataDir(data_dir)
    with pytest.raises(PermissionError):
        reader.library.set_settings({"named": True})
    assert (data_dir / "library.json").read_bytes() == before


def test_every_write_without_the_lock_is_refused_and_changes_nothing(data_dir, tmp_path):
    # A copy that lost the race for the lock shows the meetings, and must never write beside the holder.
    from minutes.committee import committee_from_meeting
    from storage.errors import LockRequiredError

    with DataDir(data_dir).write_lock() as datadir:
        meeting_id = datadir.add_meeting(make_meeting())
        datadir.open_meeting(meeting_id).close()  # a backup
        datadir.save_draft(meeting_id, "下書き")
        datadir.library.set_committees(_committee_dicts(1))
    datadir.backup_zip(tmp_path / "all.zip")
    backup = datadir.meeting_backups(meeting_id)[0]
    committee = committee_from_meeting(make_meeting(), name="新しい審議会")
    before = snapshot(data_dir)
    writes = {
        "会議を追加": lambda: datadir.add_meeting(make_meeting()),
        "会議一覧を更新": lambda: datadir.update_index(meeting_id, make_meeting(), title="別の題名"),
        "会議を開いて編集": lambda: datadir.open_meeting(meeting_id),
        "会議をバックアップから復元": lambda: datadir.restore_meeting_backup(backup),
        "下書きを保存": lambda: datadir.save_draft(meeting_id, "上書き"),
        "下書きを消去": lambda: datadir.clear_draft(meeting_id),
        "復元": lambda: datadir.restore_zip(tmp_path / "all.zip"),
        "会議体を保存": lambda: datadir.save_committee(committee),
        "会議体を削除": lambda: datadir.delete_committee(datadir.committees()[0].id),
        "会議をごみ箱へ移動": lambda: datadir.delete_meeting(meeting_id),
        "会議をごみ箱から元に戻": lambda: datadir.restore_from_trash(meeting_id),
        "会議録の状態を変更": lambda: datadir.set_status(meeting_id, "final"),
    }
    for what, write in writes.items():
        with pytest.raises(LockRequiredError) as caught:
            write()
        assert f"書き込みロックを取らずに{what}しようとしました" in caught.value.message
    assert snapshot(data_dir) == before


def test_a_damaged_library_is_refused_and_left_alone(data_dir):
    (data_dir / "library.json").write_bytes(b'{"meetings": ')
    with pytest.raises(DamagedFileError) as caught:
        DataDir(data_dir).list_meetings()
    assert "library.json" in caught.value.message
    assert (data_dir / "library.json").read_bytes() == b'{"meetings": '


# -- drafts ------------------------------------------------------------------------------


def test_drafts_save_load_and_clear_without_touching_the_meeting(datadir):
    meeting_id = datadir.add_meeting(make_meeting())
    meeting_file = datadir.meeting_path(meeting_id)
    before = (meeting_file.read_bytes(), meeting_file.stat().st_mtime_ns)
    datadir.save_draft(meeting_id, "村委員: 1点目、\n改行も")
    assert datadir.load_draft(meeting_id) == "村委員: 1点目、\n改行も"
    assert DataDir(datadir.root).load_draft(meeting_id) == "村委員: 1点目、\n改行も"
    raw = (datadir.root / "drafts" / f"{meeting_id}.json").read_bytes()
    assert "村委員".encode() in raw
    datadir.save_draft(meeting_id, "")
    assert datadir.load_draft(meeting_id) == ""
    datadir.clear_draft(meeting_id)
    datadir.clear_draft(meeting_id)
    assert datadir.load_draft(meeting_id) is None
    assert (meeting_file.read_bytes(), meeting_file.stat().st_mtime_ns) == before


def test_a_draft_comes_back_with_its_speaker_and_item(datadir):
    from storage.drafts import Draft

    assert datadir.load_draft_record("20220315-abcd") is None
    datadir.save_draft("20220315-abcd", "村委員の発言の途中", speaker_id="p3", item="a1")
    expected = Draft("村委員の発言の途中", speaker_id="p3", item="a1")
    assert datadir.load_draft_record("20220315-abcd") == expected
    assert DataDir(datadir.root).load_draft_record("20220315-abcd") == expected  # another copy, no lock
    datadir.save_draft("20220315-abcd", "傍聴者の声", label="傍聴者")
    assert datadir.load_draft_record("20220315-abcd") == Draft("傍聴者の声", label="傍聴者")


def test_clearing_a_draft_makes_its_removal_durable(datadir, monkeypatch):
    # Otherwise a power cut can bring back a draft already committed as an entry: typed twice.
    datadir.save_draft("20220315-abcd", "確定した発言")
    synced = []
    monkeypatch.setattr(datadir_module, "fsync_dir", lambda folder: synced.append((folder, os.listdir(folder))))
    datadir.clear_draft("20220315-abcd")
    assert synced == [(datadir.root / "drafts", [])]
    datadir.clear_draft("20220315-abcd")  # nothing left to remove: nothing to sync
    assert len(synced) == 1


def test_a_draft_that_cannot_be_removed_is_a_write_failure(datadir, monkeypatch):
    datadir.save_draft("20220315-abcd", "下書き")

    def refused(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(datadir_module.os, "unlink", refused)
    with pytest.raises(WriteFailedError) as caught:
        datadir.clear_draft("20220315-abcd")
    monkeypatch.undo()
    assert "権限がありません" in caught.value.message
    assert datadir.load_draft("20220315-abcd") == "下書き"


def test_a_damaged_draft_reads_as_none(datadir):
    datadir.save_draft("20220315-abcd", "x")
    (datadir.root / "drafts" / "20220315-abcd.json").write_bytes(b"\xff")
    assert datadir.load_draft("20220315-abcd") is None


def test_acquiring_the_lock_sweeps_crash_leftovers(data_dir):
    (data_dir / "meetings").mkdir()
    leftover = data_dir / "meetings" / ".20220315-abcd.json.0123abcd.tmp"
    leftover.write_bytes(b"half")
    with DataDir(data_dir).write_lock():
        assert not leftover.exists()


# -- the messages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, ["ディスクの空きがありません", "空きを作ってからもう一度保存してください。入力中の文章は消えていません。"]),
        (errno.EROFS, ["読み取り専用", "--data-dir", "入力中の文章は消えていません"]),
        (errno.EACCES, ["権限がありません", "入力中の文章は消えていません"]),
        (errno.EPERM, ["権限がありません"]),
        (errno.ENOENT, ["見つかりません", "元に戻して"]),
        (errno.EIO, ["保存できませんでした", "もう一度保存してください"]),
    ],
)
def test_write_failures_say_what_happened_and_what_to_do(code, words, tmp_path):
    target = tmp_path / "meetings" / "m.json"
    error = WriteFailedError(target, OSError(code, os.strerror(code)))
    assert error.errno == code
    assert isinstance(error, OSError)  # callers' "except OSError" still catch it
    assert str(error) == error.message
    assert (str(target) in error.message) or (str(target.parent) in error.message)
    for word in words:
        assert word in error.message


def test_a_vanished_data_folder_is_not_made_anew_by_a_draft(datadir):
    import shutil

    meeting_id = datadir.add_meeting(make_meeting())
    shutil.rmtree(datadir.root)
    for write in (lambda: datadir.save_draft(meeting_id, "下書き"), lambda: datadir.add_meeting(make_meeting())):
        with pytest.raises(WriteFailedError) as caught:
            write()
        assert caught.value.errno == errno.ENOENT
        assert not datadir.root.exists()


def test_a_vanished_data_folder_is_reported_not_recreated(datadir):
    meeting_id = datadir.add_meeting(make_meeting())
    store = datadir.open_meeting(meeting_id)
    for path in sorted(datadir.root.joinpath("meetings").iterdir()):
        path.unlink()
    datadir.root.joinpath("meetings").rmdir()
    with pytest.raises(WriteFailedError) as caught:
        store.save_all()
    assert caught.value.errno == errno.ENOENT
    assert "見つかりません" in caught.value.message
    assert not datadir.root.joinpath("meetings").exists()


def _committee_dicts(count: int) -> list[dict]:
    from minutes.committee import committee_from_meeting

    dicts = []
    for n in range(count):
        committee = committee_from_meeting(make_meeting(), name=f"第{n + 1}審議会")
        committee.speaker_keys = {7: "事務局"}
        dicts.append(committee.to_dict())
    return dicts


@pytest.mark.parametrize("count", [0, 2])
def test_the_committees_alone_are_read_as_the_library_reads_them(data_dir, count, monkeypatch):
    import storage.library as library_module
    from storage.library import committees_in_file
    from storage.paths import LIBRARY_FILE

    datadir = DataDir(data_dir)
    with datadir.write_lock():
        for _ in range(30):
            datadir.add_meeting(make_meeting())
        if count:
            datadir.library.set_committees(_committee_dicts(count))
        expected = datadir.library.committees()
    assert len(expected) == count
    path = data_dir / LIBRARY_FILE
    with monkeypatch.context() as patched:
        patched.setattr(library_module, "Library", None)  # the index of meetings is not built
        assert committees_in_file(path) == expected
        assert [c.name for c in DataDir(data_dir).committees()] == [d["name"] for d in expected]
    # Another JSON layout of the same tables (edited by hand): the whole file is read.
    import json

    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False), encoding="utf-8")
    assert committees_in_file(path) == expected


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace('"committees": {', '"committees": {{', 1),
        lambda text: text[: text.index('"committees": {')] + '"committees": {"1": {"name": "x"}}\n',  # cut short
        lambda text: text.replace('"committees": {', '"committees": [{', 1).replace("\n  }\n}\n", "\n  }]\n}\n"),
    ],
    ids=["a broken table", "cut short after the committees", "committees as a list"],
)
def test_the_committees_of_a_damaged_library_are_refused_not_half_read(data_dir, damage):
    from storage.library import committees_in_file
    from storage.paths import LIBRARY_FILE

    datadir = DataDir(data_dir)
    with datadir.write_lock():
        datadir.add_meeting(make_meeting())
        datadir.library.set_committees(_committee_dicts(1))
    path = data_dir / LIBRARY_FILE
    text = path.read_text(encoding="utf-8")
    assert text.index('"committees"') > text.index('"_schema"')
    path.write_text(damage(text), encoding="utf-8")
    with pytest.raises(DamagedFileError):
        committees_in_file(path)
    with pytest.raises(DamagedFileError):
        DataDir(data_dir).committees()


def test_a_data_folder_without_a_library_has_no_committees(tmp_path):
    assert DataDir(tmp_path / "new").committees() == []
    assert not (tmp_path / "new").exists()


def test_the_stored_committees_and_their_export_style_read_the_same_with_or_without_the_lock(data_dir):
    # The app (holding the lock) and `kaigiroku export` beside it pick the same default style.
    from storage.styles import committee_default_style

    records = [*_committee_dicts(1), {"id": "y", "name": "規則が変", "rule": "?", "export_style": "議会"}]
    meeting = make_meeting()
    meeting.body = "規則が変"
    with DataDir(data_dir).write_lock() as datadir:
        datadir.library.set_committees(records)
        assert [c.id for c in datadir.committees()] == [records[0]["id"]]  # the other cannot be read
        held = (datadir.committee_records(), committee_default_style(datadir, meeting))
    reader = DataDir(data_dir)
    assert held == (reader.committee_records(), committee_default_style(reader, meeting)) == (records, "議会")


def test_the_clerks_keys_are_read_from_the_data_folder(tmp_path):
    datadir = DataDir(tmp_path / "data")
    assert datadir.keys_text() is None  # the default keys; nothing is created
    assert not (tmp_path / "data").exists()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "keys.toml").write_text("# 委員は F11\n[keys]\n", encoding="utf-8")
    assert datadir.keys_text() == "# 委員は F11\n[keys]\n"


def test_a_meetings_backups_are_listed_newest_first(tmp_path):
    from tests.unit.test_storage_support import FakeClock

    clock = FakeClock()
    with DataDir(tmp_path / "data", clock=clock).write_lock() as datadir:
        meeting_id = datadir.add_meeting(make_meeting())
        assert datadir.meeting_backups(meeting_id) == []
        for place in ("第一会議室", "第二会議室"):
            store = datadir.open_meeting(meeting_id)
            store.meeting.place = place
            store.save_header()
            store.close()
            clock.advance(minutes=10)
        backups = datadir.meeting_backups(meeting_id)
    # Each taken on opening, of the file as it was then.
    assert [load_place(backup) for backup in backups] == ["第一会議室", make_meeting().place]


def load_place(path) -> str:
    from storage.meetings import load_meeting_readonly

    return load_meeting_readonly(path).place


# -- files for the clerk are never written into the data folder ------------------------------


def test_a_backup_zip_is_never_written_into_the_data_folder(datadir):
    from storage.errors import InsideDataDirError

    datadir.add_meeting(make_meeting())
    before = snapshot(datadir.root)
    with pytest.raises(InsideDataDirError):
        datadir.backup_zip(datadir.root / "meetings" / "backup.zip")
    assert snapshot(datadir.root) == before


def test_a_target_in_the_data_folder_is_refused_and_one_beside_it_is_not(tmp_path, monkeypatch):
    from storage.errors import InsideDataDirError

    root = tmp_path / "data"
    (root / "meetings").mkdir(parents=True)
    datadir = DataDir(root)
    monkeypatch.chdir(root)
    inside = [root / "meetings" / "x.json", root / "library.json", root, "meetings/x.json", "out.md"]
    (tmp_path / "link").symlink_to(root / "meetings")
    inside.append(tmp_path / "link" / "x.json")  # through a symbolic link
    for target in inside:
        with pytest.raises(InsideDataDirError) as raised:
            datadir.refuse_inside(target)
        assert str(root) in raised.value.message and "データフォルダの外" in raised.value.message
    for target in (tmp_path / "data2" / "x.json", tmp_path / "x.json", tmp_path):
        datadir.refuse_inside(target)  # beside it, or above it: fine


def test_after_a_zip_is_restored_the_same_copy_lists_what_the_zip_holds(datadir, tmp_path):
    kept = datadir.add_meeting(make_meeting())
    datadir.backup_zip(tmp_path / "backup.zip")
    later = datadir.add_meeting(make_meeting())
    assert {row["id"] for row in datadir.list_meetings()} == {kept, later}
    datadir.restore_zip(tmp_path / "backup.zip")
    assert [row["id"] for row in datadir.list_meetings()] == [kept]  # still holding the lock
    assert datadir.meeting_row(later) is None


def test_warming_the_search_reads_each_meeting_once_and_the_search_then_finds_their_words(datadir):
    first = datadir.add_meeting(make_meeting())
    other = make_meeting()
    other.agenda[0].log[0].text = "温めた索引で見つかる発言。"
    second = datadir.add_meeting(other)
    assert datadir.warm_search() == 2
    assert datadir.warm_search() == 0  # cached: nothing read again
    found = datadir.search("温めた索引")
    assert [hit.meeting_id for hit in found.hits] == [second] and first != second


def test_a_status_change_on_a_full_disk_tells_of_the_meeting_file_and_changes_nothing(datadir, monkeypatch):
    from tests.unit.test_storage_support import fail_at

    meeting_id = datadir.add_meeting(make_meeting())
    before = (snapshot(datadir.root / "meetings"), (datadir.root / "library.json").read_bytes())
    fail_at(monkeypatch, "written", OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(WriteFailedError) as caught:
        datadir.set_status(meeting_id, "final")
    monkeypatch.undo()
    # The failure told is the save's, not the index's that failed after it while the meeting was closed.
    assert caught.value.path == datadir.meeting_path(meeting_id)
    assert "ディスクの空きがありません" in caught.value.message
    assert (snapshot(datadir.root / "meetings"), (datadir.root / "library.json").read_bytes()) == before
    datadir.set_status(meeting_id, "final")  # space again: it is made
    assert datadir.load_meeting(meeting_id).status == "final"
