"""Each durability step of the journal and the atomic writer is seen by a test.

Mutation testing (scripts/mutation_test.py) showed faults these steps could
take unnoticed: no fsync of a journal line (entries the screen showed as saved
lost at a power cut), no ``os.close`` (a descriptor leaked per entry: after
about 1,000 entries every save fails), no fsync of the folder when the journal
is created, no ``flush`` before the writer's fsync (the fsync covers nothing),
``fsync_dir`` swallowing a real EIO or raising on "not supported". Each test
spies on the OS calls and checks the file as the disk holds it at that moment.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from storage import atomic
from storage.atomic import atomic_write_bytes, fsync_dir
from storage.errors import WriteFailedError
from storage.journal import Journal, apply_records, encode_record, journal_path, read_records

posix_only = pytest.mark.skipif(os.name != "posix", reason="the POSIX steps (folder fsync, /proc)")


def record(n: int) -> dict:
    return {"op": "append", "item": "a1", "uid": f"u{n}", "entry": {"text": f"発言{n}。"}}


@pytest.fixture
def syncs(monkeypatch):
    """Every fsync/fdatasync: (what was synced, its size on disk at that moment)."""
    seen: list[tuple[str, int]] = []
    real_fsync, real_fdatasync = os.fsync, getattr(os, "fdatasync", None)

    def spy(real):
        def call(fd):
            info = os.fstat(fd)
            seen.append(("dir" if stat.S_ISDIR(info.st_mode) else "file", info.st_size))
            return real(fd)

        return call

    monkeypatch.setattr(os, "fsync", spy(real_fsync))
    if real_fdatasync is not None:
        monkeypatch.setattr(os, "fdatasync", spy(real_fdatasync))
    return seen


# -- the journal ------------------------------------------------------------------------


def test_each_journal_line_is_synced_whole_before_append_returns(tmp_path, syncs):
    journal = Journal(tmp_path / "m.json")
    journal.append(record(1))
    first = journal.path.stat().st_size
    journal.append(record(2))
    files = [size for kind, size in syncs if kind == "file"]
    assert files == [first, journal.path.stat().st_size]  # synced with the whole new line in it


@posix_only
def test_the_folder_is_synced_when_the_journal_is_created_and_not_after(tmp_path, syncs):
    journal = Journal(tmp_path / "m.json")
    journal.append(record(1))
    assert [kind for kind, _ in syncs] == ["file", "dir"]  # the new name is durable too
    syncs.clear()
    journal.append(record(2))
    assert [kind for kind, _ in syncs] == ["file"]


@posix_only
def test_appending_leaks_no_file_descriptor(tmp_path):
    journal = Journal(tmp_path / "m.json")
    journal.append(record(0))
    before = len(os.listdir("/proc/self/fd"))
    for n in range(1, 200):
        journal.append(record(n))
    assert len(os.listdir("/proc/self/fd")) == before
    assert len(read_records(journal.path)) == 200


def test_a_failed_journal_write_closes_its_descriptor_and_leaves_the_journal_as_it_was(tmp_path, monkeypatch):
    journal = Journal(tmp_path / "m.json")
    journal.append(record(1))
    before = journal.path.read_bytes()
    opened: list[int] = []
    closed: list[int] = []
    real_open, real_close = os.open, os.close
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(real_open(*a, **k)) or opened[-1])
    monkeypatch.setattr(os, "close", lambda fd: closed.append(fd) or real_close(fd))

    def full(fd, data):
        os.ftruncate(fd, os.fstat(fd).st_size + 3)  # a partial line reached the disk
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(WriteFailedError):
        journal.append(record(2))
    monkeypatch.undo()
    assert opened and opened == closed
    assert journal.path.read_bytes() == before and journal.count == 1


def test_replay_skips_a_record_whose_item_is_gone(tmp_path):
    # An item deleted after its entries were journaled: the records are skipped, not a crash
    # (search reads tables this way while the app runs).
    tables = {"items": {"1": {"id": "a1", "log": []}}}
    records = [record(1), {**record(2), "item": "gone"}, {**record(3), "item": None}, record(1)]
    assert apply_records(tables, records, "items") == 1
    assert [e["uid"] for e in tables["items"]["1"]["log"]] == ["u1"]
    assert apply_records({"items": {"1": {"id": "a1"}}}, records, "items") == 0  # an item without a log


def test_search_reads_a_journal_whose_item_is_gone(tmp_path):
    from minutes.demo import load_demo
    from storage import DataDir

    datadir = DataDir(tmp_path / "data")
    with datadir.write_lock():
        meeting_id = datadir.add_meeting(load_demo())
    path = datadir.meeting_path(meeting_id)
    with open(journal_path(path), "ab") as handle:
        handle.write(encode_record({**record(1), "item": "gone", "entry": {"speaker": {"label": "事務局"}, "text": "消えた議事の発言"}}))
        handle.write(encode_record({**record(2), "item": load_demo().agenda[0].id, "entry": {"speaker": {"label": "事務局"}, "text": "見つかる発言"}}))
    from storage.search import SearchIndex

    hits = SearchIndex(datadir.root).search(datadir.list_meetings(), "見つかる発言")
    assert [hit.meeting_id for hit in hits.hits] == [meeting_id]


# -- the atomic writer ----------------------------------------------------------------


def test_the_writer_flushes_before_it_syncs(tmp_path, syncs):
    data = "発言".encode("utf-8") * 100  # far less than a write buffer: only a flush puts it on disk
    atomic_write_bytes(tmp_path / "f", data)
    assert syncs[0] == ("file", len(data))


@posix_only
@pytest.mark.parametrize("code", sorted(atomic._DIR_FSYNC_UNSUPPORTED), ids=errno.errorcode.get)
@pytest.mark.parametrize("where", ["open", "fsync"])
def test_fsync_dir_tolerates_a_folder_that_cannot_be_synced(tmp_path, monkeypatch, code, where):
    real_open, real_fsync = os.open, os.fsync

    def failing(real):
        def call(*args, **kwargs):
            raise OSError(code, os.strerror(code))

        return call

    monkeypatch.setattr(os, where, failing(real_open if where == "open" else real_fsync))
    fsync_dir(tmp_path)  # no error: the file system cannot, and that is all


@posix_only
@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC, errno.EROFS])
@pytest.mark.parametrize("where", ["open", "fsync"])
def test_fsync_dir_raises_a_real_failure(tmp_path, monkeypatch, code, where):
    real = os.open if where == "open" else os.fsync
    if where == "open":
        monkeypatch.setattr(os, "open", lambda *a, **k: (_ for _ in ()).throw(OSError(code, os.strerror(code))))
    else:
        monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(code, os.strerror(code))))
    with pytest.raises(OSError) as caught:
        fsync_dir(tmp_path)
    assert caught.value.errno == code
    assert real  # (the real call is restored by monkeypatch)


@posix_only
def test_fsync_dir_closes_the_folder_even_when_the_sync_fails(tmp_path, monkeypatch):
    closed: list[int] = []
    real_close = os.close
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    monkeypatch.setattr(os, "close", lambda fd: closed.append(fd) or real_close(fd))
    with pytest.raises(OSError):
        fsync_dir(tmp_path)
    assert len(closed) == 1


def test_a_durable_write_is_on_disk_whole_when_it_returns(tmp_path, syncs):
    target = tmp_path / "f"
    atomic_write_bytes(target, b"old")
    syncs.clear()
    atomic_write_bytes(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert syncs[0] == ("file", len(b"new content"))
    if os.name == "posix":
        assert syncs[-1][0] == "dir"  # the rename itself made durable
    assert Path(tmp_path).is_dir()
