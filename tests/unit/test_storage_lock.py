"""The data folder's write lock: a second writer is refused by name; a killed holder's lock is taken over."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap

import pytest

from storage import DataDir
from storage.errors import DataDirLockedError, LockRequiredError
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
