"""The data folder's write lock: a second writer is refused by name; a killed holder's lock is taken over."""

from __future__ import annotations

import errno
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap

import pytest

from storage import DataDir
from storage.errors import DataDirLockedError, LockRequiredError, WriteFailedError
from storage.lock import DataDirLock, read_lock_info
from tests.unit.test_storage_support import child_env, data_dir, make_meeting, start_holder  # noqa: F401

REFUSAL_TAIL = "そちらを終了してから開き直してください。閲覧と書き出し(list / export)はこのままでも使えます。"


def assert_refusal(message: str, root, pid: int) -> None:
    assert message.startswith(f"別のkaigirokuがこのデータフォルダ({root})を使用中です(PID {pid}、")
    assert f"端末 {socket.gethostname()}" in message
    assert message.endswith(REFUSAL_TAIL)


def test_a_second_data_dir_in_the_same_process_is_refused(data_dir):
    first = DataDir(data_dir).acquire_lock()
    second = DataDir(data_dir)
    with pytest.raises(DataDirLockedError) as caught:
        second.acquire_lock()
    assert_refusal(caught.value.message, data_dir, os.getpid())
    assert caught.value.owner["pid"] == os.getpid()
    assert not second.has_lock
    first.release_lock()
    second.acquire_lock()
    assert second.has_lock
    second.release_lock()


def test_read_only_work_goes_on_while_another_holds_the_lock(data_dir):
    writer = DataDir(data_dir).acquire_lock()
    meeting_id = writer.add_meeting(make_meeting())
    reader = DataDir(data_dir)
    assert [row["id"] for row in reader.list_meetings()] == [meeting_id]
    assert reader.load_meeting(meeting_id) == make_meeting()
    assert reader.load_draft(meeting_id) is None
    second_id = writer.add_meeting(make_meeting())
    assert {row["id"] for row in reader.list_meetings()} == {meeting_id, second_id}  # not a stale copy
    writer.release_lock()


def test_writes_without_the_lock_are_refused(data_dir):
    datadir = DataDir(data_dir)
    with pytest.raises(LockRequiredError):
        datadir.add_meeting(make_meeting())
    with pytest.raises(LockRequiredError):
        datadir.open_meeting("20220315-abcd")
    with pytest.raises(LockRequiredError):
        datadir.save_draft("20220315-abcd", "下書き")
    assert os.listdir(data_dir) == []


def test_another_process_holding_the_lock_is_named(data_dir):
    holder = start_holder(data_dir)
    try:
        with pytest.raises(DataDirLockedError) as caught:
            DataDir(data_dir).acquire_lock()
        assert_refusal(caught.value.message, data_dir, holder.pid)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill()
        holder.wait()
    with DataDir(data_dir).write_lock() as datadir:
        assert datadir.has_lock


def test_another_process_is_refused_while_we_hold_it(data_dir):
    script = textwrap.dedent(
        """
        import sys
        from storage import DataDir, DataDirLockedError
        try:
            DataDir(sys.argv[1]).acquire_lock()
        except DataDirLockedError as error:
            print(error.message)
            sys.exit(3)
        print("acquired")
        """
    )
    with DataDir(data_dir).write_lock():
        child = subprocess.run(
            [sys.executable, "-c", script, str(data_dir)], capture_output=True, text=True, env=child_env()
        )
    assert child.returncode == 3, child.stdout + child.stderr
    assert_refusal(child.stdout.strip(), data_dir, os.getpid())


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_the_lock_of_a_killed_process_is_taken_over(data_dir):
    holder = start_holder(data_dir)
    with pytest.raises(DataDirLockedError):
        DataDir(data_dir).acquire_lock()
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert read_lock_info(data_dir)["pid"] == holder.pid  # the stale note is still there
    datadir = DataDir(data_dir).acquire_lock()
    assert datadir.has_lock
    assert read_lock_info(data_dir)["pid"] == os.getpid()
    datadir.release_lock()


def test_lock_info_is_written_atomically_and_removed_on_release(data_dir):
    lock = DataDirLock(data_dir)
    with lock:
        info = json.loads((data_dir / "lock.info").read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid()
        assert info["host"] == socket.gethostname()
        assert "T" in info["started"]
        if os.name == "posix":
            assert oct((data_dir / "lock.info").stat().st_mode & 0o777) == oct(0o600)
    assert not lock.is_held
    assert not (data_dir / "lock.info").exists()
    lock.release()  # twice is fine


def test_taking_the_lock_waits_for_no_fsync(data_dir, monkeypatch):
    # lock.info is a note for another copy's refusal: the start-up does not wait for the disk.
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    with DataDirLock(data_dir):
        assert read_lock_info(data_dir)["pid"] == os.getpid()
    assert synced == []


def test_taking_the_lock_creates_the_data_folder(tmp_path):
    root = tmp_path / "new" / "data"
    with DataDirLock(root):
        assert root.is_dir()
        if os.name == "posix":
            assert root.stat().st_mode & 0o777 == 0o700


def test_the_lock_is_reentrant_for_its_holder(data_dir):
    datadir = DataDir(data_dir)
    with datadir.write_lock():
        with datadir.write_lock():
            assert datadir.has_lock
        assert datadir.has_lock  # the inner block did not release the outer hold
    assert not datadir.has_lock


def test_a_refusal_without_lock_info_still_says_what_to_do(data_dir):
    first = DataDirLock(data_dir).acquire()
    os.unlink(data_dir / "lock.info")
    with pytest.raises(DataDirLockedError) as caught:
        DataDirLock(data_dir).acquire()
    assert "不明" in caught.value.message
    assert caught.value.message.endswith(REFUSAL_TAIL)
    first.release()


def open_descriptors() -> int:
    gc.collect()  # files other tests left to the collector would otherwise close during the count
    return len(os.listdir("/proc/self/fd"))


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")


@needs_proc
def test_refusals_leave_no_descriptor_open(data_dir):
    # A copy that retries while another holds the folder would otherwise run out of descriptors.
    holder = DataDirLock(data_dir).acquire()
    before = open_descriptors()
    for _ in range(50):
        with pytest.raises(DataDirLockedError):
            DataDirLock(data_dir).acquire()
    assert open_descriptors() == before
    holder.release()


@needs_proc
def test_taking_and_giving_the_lock_up_leaves_no_descriptor_open(data_dir):
    # A copy of the app that only reads takes the lock for each import or restore from its files screen.
    DataDirLock(data_dir).acquire().release()
    before = open_descriptors()
    for _ in range(50):
        with DataDirLock(data_dir):
            pass
    assert open_descriptors() == before


@needs_proc
def test_a_folder_that_cannot_be_locked_is_refused_in_words_and_leaves_no_descriptor(data_dir, monkeypatch):
    import fcntl

    # A network drive mounted without locking answers flock with ENOLCK.
    real_flock = fcntl.flock

    def no_locks(fd, operation):
        if operation & fcntl.LOCK_NB:
            raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
        return real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", no_locks)
    before = open_descriptors()
    lock = DataDirLock(data_dir)
    for _ in range(20):
        with pytest.raises(WriteFailedError) as caught:
            lock.acquire()
        assert f"「{data_dir / 'lock'}」に保存できませんでした(ファイルを読み書きできませんでした(ENOLCK))" in caught.value.message
    assert not lock.is_held
    assert open_descriptors() == before


def test_taking_the_lock_twice_with_one_lock_keeps_one_hold(data_dir):
    lock = DataDirLock(data_dir)
    assert lock.acquire() is lock
    assert lock.acquire() is lock  # holding it already is fine: not refused by itself
    assert lock.is_held
    with pytest.raises(DataDirLockedError):
        DataDirLock(data_dir).acquire()
    lock.release()
    assert not lock.is_held
    with DataDirLock(data_dir) as again:
        assert again.is_held


def test_release_gives_the_lock_up_even_while_a_copy_of_the_descriptor_lives_on(data_dir):
    # A process forked while the lock was held keeps a copy of the descriptor: flock's lock belongs to the
    # open file, so only an explicit unlock lets the next copy in while that child still runs.
    lock = DataDirLock(data_dir).acquire()
    inherited = os.dup(lock._fd)
    try:
        lock.release()
        with DataDirLock(data_dir) as next_copy:
            assert next_copy.is_held
    finally:
        os.close(inherited)


def test_a_lock_info_that_is_not_json_makes_the_holder_unknown(data_dir):
    holder = DataDirLock(data_dir).acquire()
    for junk in (b"{\"pid\": 12", b"\xff\xfe not utf-8", b"[1, 2]"):
        (data_dir / "lock.info").write_bytes(junk)
        assert read_lock_info(data_dir) is None
        with pytest.raises(DataDirLockedError) as caught:
            DataDirLock(data_dir).acquire()
        assert "使用中のプログラムは不明" in caught.value.message
        assert caught.value.message.endswith(REFUSAL_TAIL)
    holder.release()


def test_lock_info_keeps_a_japanese_host_name_readable(data_dir, monkeypatch):
    # The note names the holder to whoever opens it, as written, not as \\u escapes.
    monkeypatch.setattr(socket, "gethostname", lambda: "議会事務局PC")
    with DataDirLock(data_dir):
        assert "議会事務局PC" in (data_dir / "lock.info").read_text(encoding="utf-8")
        with pytest.raises(DataDirLockedError) as caught:
            DataDirLock(data_dir).acquire()
        assert "端末 議会事務局PC" in caught.value.message


def _full_disk(*args, **kwargs):
    raise WriteFailedError(args[0], OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))


def test_a_full_disk_still_gives_the_lock_and_drops_a_killed_copys_note(data_dir, monkeypatch):
    # A stale note would have the next refusal name a copy that no longer runs.
    (data_dir / "lock.info").write_text(json.dumps({"pid": 999999, "host": "old"}), encoding="utf-8")
    monkeypatch.setattr("storage.lock.atomic_write_bytes", _full_disk)
    with DataDirLock(data_dir) as lock:
        assert lock.is_held
        assert not (data_dir / "lock.info").exists()
        with pytest.raises(DataDirLockedError) as caught:
            DataDirLock(data_dir).acquire()
        assert "使用中のプログラムは不明" in caught.value.message


def test_a_full_disk_with_no_note_still_gives_the_lock(data_dir, monkeypatch):
    monkeypatch.setattr("storage.lock.atomic_write_bytes", _full_disk)
    with DataDirLock(data_dir) as lock:
        assert lock.is_held
    assert not lock.is_held


@needs_proc
def test_ctrl_c_while_the_note_is_written_gives_the_lock_back(data_dir, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    before = open_descriptors()
    monkeypatch.setattr("storage.lock.atomic_write_bytes", interrupted)
    lock = DataDirLock(data_dir)
    with pytest.raises(KeyboardInterrupt):
        lock.acquire()
    assert not lock.is_held
    assert open_descriptors() == before
    monkeypatch.undo()
    with DataDirLock(data_dir) as next_copy:  # not refused by a half-taken lock
        assert next_copy.is_held


class _Msvcrt:
    """msvcrt's byte-range locks as Windows documents them: a region locked by any descriptor of the file
    cannot be locked again (EACCES), an unlock must name exactly a locked region, and closing a descriptor
    frees its locks only "when the system has resources" (here: never), so release must unlock."""

    LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4

    def __init__(self) -> None:
        self.regions: dict[tuple[int, int], set[tuple[int, int]]] = {}
        self.error: OSError | None = None  # what the next lock attempt raises instead

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        info = os.fstat(fd)
        held = self.regions.setdefault((info.st_dev, info.st_ino), set())
        region = (os.lseek(fd, 0, os.SEEK_CUR), nbytes)
        if mode == self.LK_UNLCK:
            if region not in held:
                raise OSError(errno.EACCES, "Permission denied")
            held.discard(region)
            return
        assert mode == self.LK_NBLCK, "a lock that waits would hang the start-up"
        if self.error is not None:
            raise self.error
        if any(start < region[0] + region[1] and region[0] < start + length for start, length in held):
            raise OSError(errno.EACCES, "Permission denied")  # a PermissionError, as Windows raises it
        held.add(region)


@pytest.fixture
def windows_lock(monkeypatch):
    """storage.lock as Windows loads it (msvcrt in place of fcntl), with :class:`_Msvcrt`."""
    import importlib

    import storage
    import storage.lock

    msvcrt = _Msvcrt()
    saved = sys.modules.pop("storage.lock")
    try:
        with monkeypatch.context() as windows:
            windows.setitem(sys.modules, "msvcrt", msvcrt)
            windows.setattr(os, "name", "nt")
            module = importlib.import_module("storage.lock")
    finally:
        sys.modules["storage.lock"] = saved
        storage.lock = saved  # the import above set the package's attribute to the Windows module
    return module, msvcrt


def test_on_windows_a_second_copy_is_refused_and_the_first_gives_the_lock_back(windows_lock, data_dir):
    module, msvcrt = windows_lock
    first = module.DataDirLock(data_dir).acquire()
    with pytest.raises(DataDirLockedError) as caught:
        module.DataDirLock(data_dir).acquire()
    assert_refusal(caught.value.message, data_dir, os.getpid())
    first.release()
    assert msvcrt.regions and not any(msvcrt.regions.values())  # unlocked, not left to the close
    with module.DataDirLock(data_dir) as second:
        assert second.is_held
        assert set().union(*msvcrt.regions.values()) == {(0, 1)}  # the first byte, the only one unlocked


def test_on_windows_a_lock_refused_as_a_deadlock_is_another_copys(windows_lock, data_dir):
    module, msvcrt = windows_lock
    msvcrt.error = OSError(errno.EDEADLOCK, "Resource deadlock avoided")
    with pytest.raises(DataDirLockedError) as caught:
        module.DataDirLock(data_dir).acquire()
    assert caught.value.message.endswith(REFUSAL_TAIL)


def test_on_windows_another_locking_error_is_a_failed_write_in_words(windows_lock, data_dir):
    module, msvcrt = windows_lock
    msvcrt.error = OSError(errno.EINVAL, "Invalid argument")
    lock = module.DataDirLock(data_dir)
    with pytest.raises(WriteFailedError) as caught:
        lock.acquire()
    assert f"「{data_dir / 'lock'}」に保存できませんでした" in caught.value.message
    assert not lock.is_held
