"""A link planted inside the data folder is never followed out of it.

A journal, the backups folder (or one meeting's), the drafts folder, the trash
or the lock file made a symbolic link to a place outside: before, the speech
was appended to a world-readable file outside, backup rotation deleted files
there, drafts were written there. Now each is refused with a Japanese message
that names the link, and the place outside is byte for byte as it was.
"""

from __future__ import annotations

import os
import sys

import pytest

from minutes.demo import load_demo
from minutes.model import Speech
from storage import DataDir
from storage.errors import LinkRefusedError, StorageError
from storage.journal import journal_path
from tests.conftest import snapshot

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")


@pytest.fixture
def folders(tmp_path):
    root = tmp_path / "data"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("外の大事なファイル", encoding="utf-8")
    datadir = DataDir(root)
    datadir.acquire_lock()
    meeting_id = datadir.add_meeting(load_demo())
    yield datadir, meeting_id, outside
    datadir.release_lock()


def speak(store, text="外へ出てはいけない発言。"):
    item = store.meeting.agenda[-1]
    entry = Speech(text=text, label="事務局", time="18:00:00")
    item.log.append(entry)
    store.append_entry(item, entry)


def assert_refused_naming(error: StorageError, link) -> None:
    assert isinstance(error, LinkRefusedError)
    assert str(link) in error.message and "リンク" in error.message and "たどって読み書きしません" in error.message


def test_a_journal_link_planted_while_the_meeting_is_open_is_not_written_through(folders):
    datadir, meeting_id, outside = folders
    store = datadir.open_meeting(meeting_id)
    target = outside / "journal.txt"
    target.write_bytes(b"")
    os.symlink(target, journal_path(store.path))
    before = snapshot(outside)
    with pytest.raises(StorageError) as caught:
        speak(store)
    assert_refused_naming(caught.value, journal_path(store.path))
    assert snapshot(outside) == before
    os.unlink(journal_path(store.path))
    store.close()


def test_a_journal_link_found_when_opening_is_refused(folders):
    datadir, meeting_id, outside = folders
    os.symlink(outside / "keep.txt", journal_path(datadir.meeting_path(meeting_id)))
    before = snapshot(outside)
    with pytest.raises(StorageError) as caught:
        datadir.open_meeting(meeting_id)
    assert_refused_naming(caught.value, journal_path(datadir.meeting_path(meeting_id)))
    assert snapshot(outside) == before


@pytest.mark.parametrize("which", ["backups", "backups/<id>"])
def test_a_linked_backups_folder_is_neither_written_nor_rotated(folders, which):
    datadir, meeting_id, outside = folders
    # Old-looking backup names outside: rotation would delete them.
    for n in range(15):
        (outside / f"20000101T0000{n:02d}Z-{n + 1:06d}.json").write_text("{}", encoding="utf-8")
    place = datadir.root / which.replace("<id>", meeting_id)
    if place.exists():
        for child in place.iterdir():
            child.unlink()
        place.rmdir()
    place.parent.mkdir(exist_ok=True)
    link_target = outside if which == "backups/<id>" else outside / "tree"
    if which == "backups":
        (outside / "tree").mkdir()
        os.symlink(outside, outside / "tree" / meeting_id)
    os.symlink(link_target, place)
    before = snapshot(outside)
    with pytest.raises(StorageError) as caught:
        datadir.backups.backup_now(meeting_id, datadir.meeting_path(meeting_id))
    assert_refused_naming(caught.value, place)
    assert snapshot(outside) == before


def test_a_linked_drafts_folder_is_neither_written_nor_emptied(folders):
    datadir, meeting_id, outside = folders
    drafts = datadir.root / "drafts"
    if drafts.exists():
        drafts.rmdir()
    os.symlink(outside, drafts)
    (outside / f"{meeting_id}.json").write_text("外のファイル", encoding="utf-8")
    before = snapshot(outside)
    for action in (lambda: datadir.save_draft(meeting_id, "下書き"), lambda: datadir.clear_draft(meeting_id)):
        with pytest.raises(StorageError) as caught:
            action()
        assert_refused_naming(caught.value, drafts)
    assert snapshot(outside) == before


def test_a_linked_trash_is_not_used(folders):
    datadir, meeting_id, outside = folders
    trash = datadir.root / "trash"
    os.symlink(outside, trash)
    before = snapshot(outside)
    with pytest.raises(StorageError) as caught:
        datadir.delete_meeting(meeting_id)
    assert_refused_naming(caught.value, trash)
    assert snapshot(outside) == before
    assert datadir.meeting_path(meeting_id).is_file() and datadir.meeting_row(meeting_id) is not None


def test_a_meeting_backup_restored_into_a_linked_meetings_folder_moves_nothing_from_outside(folders):
    # The restore sets the current file and its journal aside in trash/ first: through the link,
    # that took the file outside into our trash before the write of the backup was refused.
    import shutil

    datadir, meeting_id, outside = folders
    datadir.open_meeting(meeting_id).close()  # a backup
    backup = datadir.meeting_backups(meeting_id)[0]
    meetings = datadir.root / "meetings"
    shutil.copytree(meetings, outside, dirs_exist_ok=True)
    shutil.rmtree(meetings)
    os.symlink(outside, meetings)
    with open(journal_path(outside / f"{meeting_id}.json"), "wb") as handle:
        handle.write(b"")  # a journal outside, too
    before = snapshot(outside)
    with pytest.raises(StorageError) as caught:
        datadir.restore_meeting_backup(backup)
    assert_refused_naming(caught.value, meetings)
    assert snapshot(outside) == before
    assert not (datadir.root / "trash").exists()


def test_a_linked_lock_file_is_not_created_outside(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    target = tmp_path / "outside-lock"
    os.symlink(target, root / "lock")
    with pytest.raises(StorageError) as caught:
        DataDir(root).acquire_lock()
    assert_refused_naming(caught.value, root / "lock")
    assert not target.exists()


def test_the_data_folder_itself_may_be_a_link(tmp_path):
    # The clerk's choice (a folder on a stick, linked from home): that one is followed.
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(real, tmp_path / "link")
    datadir = DataDir(tmp_path / "link")
    with datadir.write_lock():
        meeting_id = datadir.add_meeting(load_demo())
        store = datadir.open_meeting(meeting_id)
        speak(store)
        store.close()
        datadir.save_draft(meeting_id, "下書き")
    assert (real / "meetings" / f"{meeting_id}.json").is_file()


@pytest.mark.parametrize("target", ["outside", "/dev/zero"])
def test_a_meeting_file_planted_as_a_link_is_not_read_through(folders, target):
    # A link to a file outside would bring its text in; one to /dev/zero would be read without end.
    datadir, meeting_id, outside = folders
    path = datadir.meeting_path(meeting_id)
    real = path.read_bytes()
    path.unlink()
    os.symlink(outside / "keep.txt" if target == "outside" else target, path)
    for read in (lambda: datadir.load_meeting(meeting_id), lambda: datadir.open_meeting(meeting_id)):
        with pytest.raises(StorageError) as caught:
            read()
        assert_refused_naming(caught.value, path)
    path.unlink()
    path.write_bytes(real)
    assert datadir.load_meeting(meeting_id).agenda


def test_a_meeting_file_too_large_to_be_ours_is_named_and_not_read(folders):
    from storage.errors import DamagedFileError
    from storage.limits import MAX_FILE_BYTES

    datadir, meeting_id, outside = folders
    path = datadir.meeting_path(meeting_id)
    with open(path, "r+b") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(DamagedFileError) as caught:
        datadir.load_meeting(meeting_id)
    assert "大きすぎます" in caught.value.message and str(path) in caught.value.message


def test_a_draft_planted_as_a_link_is_not_brought_into_the_entry_bar(folders):
    # The meeting screen reads the draft with its speaker: a link to another file must not put that file's
    # words (or a device's endless bytes) into the entry bar.
    from storage.drafts import encode_draft

    datadir, meeting_id, outside = folders
    (outside / "draft.json").write_bytes(encode_draft("外の文章", speaker_id="p1", item="a1"))
    drafts = datadir.root / "drafts"
    drafts.mkdir(exist_ok=True)
    os.symlink(outside / "draft.json", drafts / f"{meeting_id}.json")
    assert datadir.load_draft_record(meeting_id) is None
    assert datadir.load_draft(meeting_id) is None


def test_a_draft_or_lock_note_planted_as_a_link_to_a_device_is_ignored(folders):
    # Both are notes the app can do without: read as "none", never read without end.
    from storage.lock import read_lock_info

    datadir, meeting_id, outside = folders
    drafts = datadir.root / "drafts"
    drafts.mkdir(exist_ok=True)
    os.symlink("/dev/zero", drafts / f"{meeting_id}.json")
    assert datadir.load_draft(meeting_id) is None
    info = datadir.root / "lock.info"
    info.unlink(missing_ok=True)
    os.symlink("/dev/zero", info)
    assert read_lock_info(datadir.root) is None


@pytest.mark.parametrize("planted", ["meetings/20990101-zzzz.json", "library.json", "drafts/20990101-zzzz.json"])
def test_a_file_planted_as_a_link_is_left_out_of_a_backup_zip_and_named(folders, tmp_path, planted):
    # The zip would carry a file from outside the data folder (a meeting file elsewhere, anything readable).
    import zipfile

    from storage.backups import backup_zip
    from storage.meetings import MeetingStore

    datadir, meeting_id, outside = folders
    elsewhere = outside / "elsewhere.json"
    other = load_demo()
    other.body = "データフォルダの外の会議"
    MeetingStore(elsewhere, meeting=other).close()
    link = datadir.root / planted
    link.parent.mkdir(exist_ok=True)
    link.unlink(missing_ok=True)
    os.symlink(elsewhere, link)
    report = backup_zip(datadir.root, tmp_path / "backup.zip")
    assert planted not in report.members and f"meetings/{meeting_id}.json" in report.members
    assert [member for member, _ in report.skipped] == [planted]
    assert "リンク" in dict(report.skipped)[planted] and "たどって読み書きしません" in dict(report.skipped)[planted]
    with zipfile.ZipFile(tmp_path / "backup.zip") as archive:
        assert all("データフォルダの外の会議".encode() not in archive.read(name) for name in archive.namelist())
