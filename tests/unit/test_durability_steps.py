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


# -- the journal: what mutation testing found next ------------------------------------------


def test_a_journal_that_cannot_be_opened_is_a_write_failure(tmp_path):
    journal = Journal(tmp_path / "gone" / "m.json")  # its folder is missing (a pulled USB stick)
    with pytest.raises(WriteFailedError):
        journal.append(record(1))
    assert journal.count == 0


@posix_only
def test_a_new_journal_is_private_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        journal = Journal(tmp_path / "m.json")
        journal.append(record(1))
    finally:
        os.umask(old)
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600


def test_a_short_write_is_a_full_disk_and_leaves_the_journal_as_it_was(tmp_path, monkeypatch):
    journal = Journal(tmp_path / "m.json")
    journal.append(record(1))
    before = journal.path.read_bytes()
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, data[:5]))
    with pytest.raises(WriteFailedError) as caught:
        journal.append(record(2))
    monkeypatch.undo()
    assert "ディスクの空きがありません" in caught.value.message
    assert journal.path.read_bytes() == before


def test_clearing_the_journal_syncs_the_folder_and_reports_a_failure(tmp_path, monkeypatch, syncs):
    journal = Journal(tmp_path / "m.json")
    journal.append(record(1))
    syncs.clear()
    journal.clear()
    assert not journal.path.exists() and journal.count == 0
    if os.name == "posix":
        assert [kind for kind, _ in syncs] == ["dir"]  # the removal is durable: no replay of folded entries
    journal.append(record(2))
    monkeypatch.setattr(os, "unlink", lambda path: (_ for _ in ()).throw(OSError(errno.EBUSY, "busy")))
    with pytest.raises(WriteFailedError):
        journal.clear()


def test_read_records_skips_every_line_that_is_not_whole(tmp_path):
    path = tmp_path / "m.journal"
    good = encode_record(record(1))
    body = b'{"op":"append","uid":"x"}'
    import zlib

    lines = [
        good,
        b"%08x " % (zlib.crc32(body) ^ 1) + body + b"\n",  # a checksum that does not match
        b"%08x" % zlib.crc32(body) + b"-" + body + b"\n",  # no space after the checksum
        b"0000\n",  # too short
        b"%08x " % zlib.crc32(b"\xff\xfe") + b"\xff\xfe\n",  # not UTF-8, checksum right
        b"%08x " % zlib.crc32(b"{not json") + b"{not json\n",  # not JSON, checksum right
        b"%08x " % zlib.crc32(b"[1,2]") + b"[1,2]\n",  # not a record
        b"zzzzzzzz " + body + b"\n",  # not a checksum
        encode_record(record(2)),
    ]
    path.write_bytes(b"".join(lines))
    assert [r["uid"] for r in read_records(path)] == ["u1", "u2"]


def test_a_record_with_a_lone_surrogate_is_written_and_read_back(tmp_path):
    path = tmp_path / "m.journal"
    path.write_bytes(encode_record({**record(1), "entry": {"text": "壊れた\ud800貼り付け"}}))
    assert read_records(path)[0]["entry"]["text"] == "壊れた\ud800貼り付け"


def test_replay_takes_only_appends(tmp_path):
    tables = {"items": {"1": {"id": "a1", "log": []}}}
    assert apply_records(tables, [{**record(1), "op": "move"}, record(2)], "items") == 1
    assert [e["uid"] for e in tables["items"]["1"]["log"]] == ["u2"]


def test_a_journal_that_cannot_be_read_is_an_error_not_an_empty_journal(tmp_path, monkeypatch):
    path = tmp_path / "m.journal"
    path.write_bytes(encode_record(record(1)))
    monkeypatch.setattr(os, "open", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(OSError):
        read_records(path)


@posix_only
def test_where_the_os_cannot_refuse_links_the_journal_checks_first(tmp_path, monkeypatch):
    from storage import journal as journal_module
    from storage.errors import LinkRefusedError

    monkeypatch.setattr(journal_module, "_NOFOLLOW", 0)  # as on Windows
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"")
    os.symlink(outside, tmp_path / "m.journal")
    with pytest.raises(LinkRefusedError):
        read_records(tmp_path / "m.journal")
    with pytest.raises(LinkRefusedError):
        Journal(tmp_path / "m.json")  # opening reads the journal
    journal = Journal(tmp_path / "n.json")
    os.symlink(outside, tmp_path / "n.journal")  # planted while the meeting is open
    with pytest.raises(LinkRefusedError):
        journal.append(record(1))
    assert outside.read_bytes() == b""


def test_without_fdatasync_the_journal_uses_fsync(tmp_path, monkeypatch, syncs):
    if hasattr(os, "fdatasync"):
        monkeypatch.delattr(os, "fdatasync")  # Windows and macOS have none
    journal = Journal(tmp_path / "m.json")
    journal.append(record(1))
    assert syncs[0] == ("file", journal.path.stat().st_size)


# -- the atomic writer: what mutation testing found next -------------------------------------


def test_a_temporary_name_is_one_the_sweep_knows(tmp_path):
    from storage.atomic import _temp_name, sweep_temp_files

    for name in ("f", "meeting.json"):
        temp = _temp_name(tmp_path / name)
        temp.write_bytes(b"left by a crash")
        assert sweep_temp_files(tmp_path) == [temp]
    keep = ["a.b.0123abcd.tmp", ".f.0123abcd.tmpx", ".f.0123abcg.tmp", ".f.123abcd.tmp", "..0123abcd.tmp"]
    for name in keep:
        (tmp_path / name).write_bytes(b"")
    assert sweep_temp_files(tmp_path) == [] and sorted(os.listdir(tmp_path)) == sorted(keep)


def test_a_temporary_name_taken_already_is_passed_over(tmp_path, monkeypatch):
    tokens = iter([b"\x00\x00\x00\x01", b"\x00\x00\x00\x01", b"\x00\x00\x00\x02"])
    monkeypatch.setattr(os, "urandom", lambda n: next(tokens))
    taken = tmp_path / ".f.00000001.tmp"
    taken.write_bytes(b"someone else's")
    atomic_write_bytes(tmp_path / "f", b"new")
    assert (tmp_path / "f").read_bytes() == b"new" and taken.read_bytes() == b"someone else's"


@posix_only
def test_a_failed_chmod_of_the_temporary_file_leaves_nothing(tmp_path, monkeypatch):
    closed: list[int] = []
    real_close = os.close
    monkeypatch.setattr(os, "fchmod", lambda fd, mode: (_ for _ in ()).throw(OSError(errno.EPERM, "no")))
    monkeypatch.setattr(os, "close", lambda fd: closed.append(fd) or real_close(fd))
    with pytest.raises(WriteFailedError) as caught:
        atomic_write_bytes(tmp_path / "f", b"x")
    assert os.listdir(tmp_path) == [] and len(closed) == 1
    assert caught.value.errno == errno.EPERM  # the message gives the real reason


def test_the_windows_replace_tries_ten_times_with_a_pause(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "POSIX", False)
    tries: list[int] = []
    pauses: list[float] = []

    def busy(src, dst):
        tries.append(1)
        raise PermissionError(errno.EACCES, "in use")

    monkeypatch.setattr(os, "replace", busy)
    monkeypatch.setattr(atomic.time, "sleep", pauses.append)
    with pytest.raises(PermissionError):
        atomic._replace(tmp_path / "a", tmp_path / "b")
    assert len(tries) == 10 and pauses == [0.05] * 9


def test_a_path_given_as_text_is_written_too(tmp_path):
    atomic_write_bytes(str(tmp_path / "f"), b"x")
    assert (tmp_path / "f").read_bytes() == b"x"
    assert atomic.ensure_private_dir(str(tmp_path / "a" / "b"), within=str(tmp_path)) == tmp_path / "a" / "b"
    atomic.check_real_folders(str(tmp_path / "a"), str(tmp_path))
    atomic.check_real_folders(tmp_path.parent / "elsewhere", tmp_path)  # not below: nothing to check


def test_a_write_failure_of_the_writer_is_passed_on(tmp_path):
    def writer(handle):
        raise WriteFailedError(tmp_path / "f", OSError(errno.ENOSPC, "full"))

    with pytest.raises(WriteFailedError):
        atomic.atomic_write(tmp_path / "f", writer)
    assert os.listdir(tmp_path) == []


def test_folders_are_made_inside_an_existing_data_folder_only(tmp_path, monkeypatch):
    with pytest.raises(WriteFailedError) as caught:
        atomic.ensure_private_dir(tmp_path / "gone" / "backups", within=tmp_path / "gone")
    assert caught.value.errno == errno.ENOENT and not (tmp_path / "gone").exists()
    monkeypatch.setattr(os, "mkdir", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EACCES, "denied")))
    with pytest.raises(WriteFailedError) as caught:
        atomic.ensure_private_dir(tmp_path / "x", within=tmp_path)
    assert caught.value.errno == errno.EACCES  # the message gives the real reason, not what failed after it


@posix_only
def test_a_folder_made_by_someone_else_meanwhile_keeps_its_mode(tmp_path, monkeypatch):
    real_mkdir = os.mkdir

    def racing(path, mode=0o777):
        real_mkdir(path, 0o755)
        os.chmod(path, 0o755)
        raise FileExistsError(errno.EEXIST, "exists")

    monkeypatch.setattr(os, "mkdir", racing)
    atomic.ensure_private_dir(tmp_path / "x", within=tmp_path)
    assert stat.S_IMODE((tmp_path / "x").stat().st_mode) == 0o755


@posix_only
def test_a_folder_whose_mode_cannot_be_set_is_a_write_failure(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "chmod", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EPERM, "no")))
    with pytest.raises(WriteFailedError):
        atomic.ensure_private_dir(tmp_path / "x", within=tmp_path)


def test_a_folder_that_cannot_be_looked_at_is_a_write_failure(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    monkeypatch.setattr(os, "lstat", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EACCES, "denied")))
    with pytest.raises(WriteFailedError):
        atomic.check_real_folders(tmp_path / "a", tmp_path)


# -- replaying edits over another copy of the file (a restored backup, a journal left behind) --------------


def lines(*uids: str) -> list[dict]:
    return [{"uid": uid, "entry": {"text": f"{uid}の発言"}} for uid in uids]


def splice(item: str, at, remove: list, insert: list) -> dict:
    return {"item": item, "at": at, "remove": remove, "insert": insert}


def new(uid: str, text: str | None = None) -> dict:
    return {"uid": uid, "entry": {"text": text or f"{uid}の発言"}}


def replayed(logs: dict[str, list[str]], records: list[dict]) -> tuple[dict[str, list[str]], int]:
    """The logs (uids per item) after replaying ``records`` onto them, and how many records were applied."""
    tables = {"items": {str(n): {"id": item, "log": lines(*uids)} for n, (item, uids) in enumerate(logs.items())}}
    applied = apply_records(tables, records, "items")
    return {doc["id"]: [line["uid"] for line in doc["log"]] for doc in tables["items"].values()}, applied


def splices(*parts: dict, seq: int | None = None) -> dict:
    return {"op": "splice", "splices": list(parts), **({"seq": seq} if seq is not None else {})}


@pytest.mark.parametrize(
    "logs, record, expected",
    [
        # The deleted entry is not where the record says (this copy differs): found by its uid, nothing else goes.
        ({"a1": ["A", "B", "C"]}, splice("a1", 0, ["B"], []), ["A", "C"]),
        # This copy is shorter and lacks the entry: nothing changes, and no crash.
        ({"a1": ["X"]}, splice("a1", 1, ["Y"], []), ["X"]),
        # Two entries merged into one, in a copy where they stand the other way round, one place earlier.
        ({"a1": ["P", "B", "A", "Q"]}, splice("a1", 2, ["A", "B"], [new("N")]), ["P", "N", "Q"]),
        # An entry edited in place, found by uid elsewhere: it keeps the place it has in this copy.
        ({"a1": ["A", "B", "C"]}, splice("a1", 0, ["C"], [new("C", "直した")]), ["A", "B", "C"]),
        # The entries to replace are gone from this copy: the new one goes where the record says.
        ({"a1": ["A", "B"]}, splice("a1", 0, ["Z"], [new("N")]), ["N", "A", "B"]),
        ({"a1": ["A", "B"]}, splice("a1", 9, ["Z"], [new("N")]), ["A", "B", "N"]),
    ],
)
def test_a_splice_over_another_copy_of_a_log_is_applied_by_uid(logs, record, expected):
    after, applied = replayed(logs, [splices(record)])
    assert after["a1"] == expected and applied == 1


def test_an_edit_replayed_by_uid_keeps_its_new_text():
    tables = {"items": {"1": {"id": "a1", "log": lines("A", "B", "C")}}}
    apply_records(tables, [splices(splice("a1", 0, ["C"], [new("C", "直した発言")]))], "items")
    assert [line["entry"]["text"] for line in tables["items"]["1"]["log"]] == ["Aの発言", "Bの発言", "直した発言"]


def test_damaged_or_orphaned_splices_are_skipped_and_the_rest_is_applied():
    records = [
        splices(splice("gone", 0, [], [new("N1")])),  # its item was deleted
        splices(splice("a1", None, [], [new("N2")])),  # no position
        splices(splice("a1", 0, "A", [new("N3")])),  # remove is not a list
        splices(splice("a1", 0, [], {"uid": "N4"})),  # insert is not a list
        {"op": "splice", "splices": "damaged"},
        {"op": "splice"},
        splices(splice(["a1"], 0, [], [new("N5")])),  # an item named by a list (a hand edit)
        splices(splice({"id": "a1"}, 0, [], [new("N6")])),
        {"op": "append", "item": ["a1"], "uid": "N7", "entry": {"text": "x"}},
        splices(splice("a1", 0, [], [new("OK")])),
    ]
    after, applied = replayed({"a1": ["A"]}, records)
    assert after["a1"] == ["OK", "A"]
    assert applied == 1  # what a restore reports as put back


def test_a_uid_stands_once_in_a_meeting_whatever_the_journal_says():
    records = [
        splices(splice("a2", 1, [], [new("A")])),  # A stands in a1 already
        splices(splice("a2", 0, [], [{"entry": {"text": "uid のない行"}}, "not a line", {"uid": 5, "entry": {}}])),
        splices(splice("a2", 0, [], [{"uid": "M"}])),  # a move whose entry this copy does not have
        splices(splice("a2", 0, [], [new("N")])),
        {"op": "append", "item": "a1", "uid": "N", "entry": {"text": "二度目"}},  # N was inserted just above
    ]
    after, _ = replayed({"a1": ["A"], "a2": ["B"]}, records)
    assert after == {"a1": ["A"], "a2": ["N", "B"]}


def test_a_record_of_a_kind_this_version_does_not_know_is_not_applied():
    # A newer kaigiroku may write other kinds of record: one carrying splices is not misread as an edit.
    after, applied = replayed({"a1": ["A", "B"]}, [{"op": "redact", "splices": [splice("a1", 0, ["A"], [])]}])
    assert after["a1"] == ["A", "B"] and applied == 0


def test_splices_count_as_applied_records():
    after, applied = replayed({"a1": ["A"]}, [splices(splice("a1", 1, [], [new("B")])), record(9)])
    assert applied == 2 and after["a1"] == ["A", "B", "u9"]


def test_records_are_numbered_one_after_another_and_the_numbering_goes_on_after_a_reopen(tmp_path):
    # A gap in the numbers tells a reader the file is older than the journal: every reader would read twice.
    journal = Journal(tmp_path / "m.json")
    for n in (1, 2, 3):
        journal.append(record(n))
    reopened = Journal(tmp_path / "m.json")
    reopened.append(record(4))
    assert [r["seq"] for r in read_records(journal.path)] == [1, 2, 3, 4]
    assert reopened.seq == 4 and reopened.count == 4


def test_a_journal_line_holds_the_speech_as_readable_text(tmp_path):
    # A journal kept in trash/ after a restore is for the clerk to read: Japanese is stored as UTF-8, not escapes.
    journal = Journal(tmp_path / "m.json")
    journal.append(record(1))
    assert "発言1。".encode("utf-8") in journal.path.read_bytes()


@posix_only
def test_a_journal_made_under_a_umask_that_hides_the_owners_write_bit_can_still_be_appended_to(tmp_path):
    old = os.umask(0o277)  # files would be made r-------- : the second append could not open the journal
    try:
        journal = Journal(tmp_path / "m.json")
        journal.append(record(1))
        journal.append(record(2))
    finally:
        os.umask(old)
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert [r["uid"] for r in read_records(journal.path)] == ["u1", "u2"]


# -- the atomic writer: what the second mutation run found ---------------------------------------------------


@posix_only
def test_a_pipe_at_the_place_of_the_file_is_never_replaced(tmp_path):
    from storage.errors import SpecialFileError

    pipe = tmp_path / "fifo"
    os.mkfifo(pipe)
    with pytest.raises(SpecialFileError):
        atomic_write_bytes(pipe, b"x")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["fifo"]


def test_a_folder_at_the_place_of_the_file_is_a_write_failure_and_stays(tmp_path):
    (tmp_path / "f").mkdir()
    with pytest.raises(WriteFailedError):
        atomic_write_bytes(tmp_path / "f", b"x")
    assert (tmp_path / "f").is_dir() and os.listdir(tmp_path) == ["f"]


def test_a_drive_that_is_gone_altogether_is_a_write_failure_not_a_hang(tmp_path, monkeypatch):
    # On Windows a pulled stick takes its drive letter away: not even "E:\\" is a folder any more.
    monkeypatch.setattr(Path, "is_dir", lambda self: False)
    with pytest.raises(WriteFailedError):
        atomic.ensure_private_dir(tmp_path / "kaigiroku" / "backups")


def test_a_moved_entry_is_journaled_by_its_uid_alone_whatever_its_length():
    # A move is a change of place, not of text: its record stays small however long the speech.
    from storage.journal import splice_record

    speech = {"uid": "A", "text": "長い発言。" * 2000}
    moved = splice_record([("a1", 0, [speech], []), ("a2", 3, [], [speech])], lambda e: {"text": e["text"]},
                          lambda e: e["uid"])
    assert moved["splices"][1]["insert"] == [{"uid": "A"}]
    assert len(encode_record(moved)) < 200
