"""Atomic writes: a failure at any step leaves the old file or the new one, whole; modes 0600/0700."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storage import atomic
from storage.atomic import atomic_write_bytes, ensure_private_dir, sweep_temp_files
from storage.errors import WriteFailedError
from tests.unit.test_storage_support import Boom, child_env, fail_at

STEPS = ["written", "fsynced", "replaced", "dir_fsynced"]
#: After these steps the new content is in place; before, the old one must be.
AFTER_REPLACE = {"replaced", "dir_fsynced"}

OLD = ("古い内容 " * 1000).encode("utf-8")
NEW = ("新しい内容です " * 3000).encode("utf-8")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    """Set the process umask for a test; restored afterwards."""
    saved = os.umask(0o022)
    os.umask(saved)

    def set_umask(value: int) -> None:
        os.umask(value)

    yield set_umask
    os.umask(saved)


def test_write_replaces_content(tmp_path):
    target = tmp_path / "f.json"
    atomic_write_bytes(target, OLD)
    assert target.read_bytes() == OLD
    atomic_write_bytes(target, NEW)
    assert target.read_bytes() == NEW
    assert os.listdir(tmp_path) == ["f.json"]


def test_every_step_is_reported_in_order(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(atomic, "_fault_hook", seen.append)
    atomic_write_bytes(tmp_path / "f", b"x")
    assert seen == STEPS


@pytest.mark.parametrize("step", STEPS)
def test_failure_after_a_step_leaves_old_or_new_whole_and_no_temp(tmp_path, monkeypatch, step):
    target = tmp_path / "meeting.json"
    atomic_write_bytes(target, OLD)
    fail_at(monkeypatch, step)
    with pytest.raises(Boom):
        atomic_write_bytes(target, NEW)
    expected = NEW if step in AFTER_REPLACE else OLD
    assert target.read_bytes() == expected
    assert os.listdir(tmp_path) == ["meeting.json"], "a temporary file was left behind"


@pytest.mark.parametrize("step", STEPS)
def test_failure_on_a_new_file_leaves_nothing_or_the_whole_file(tmp_path, monkeypatch, step):
    target = tmp_path / "new.json"
    fail_at(monkeypatch, step)
    with pytest.raises(Boom):
        atomic_write_bytes(target, NEW)
    if step in AFTER_REPLACE:
        assert os.listdir(tmp_path) == ["new.json"]
        assert target.read_bytes() == NEW
    else:
        assert os.listdir(tmp_path) == []


def test_an_os_error_becomes_write_failed_with_a_japanese_message(tmp_path, monkeypatch):
    target = tmp_path / "meeting.json"
    atomic_write_bytes(target, OLD)
    fail_at(monkeypatch, "written", OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(WriteFailedError) as caught:
        atomic_write_bytes(target, NEW)
    assert caught.value.errno == errno.ENOSPC
    assert "ディスクの空きがありません" in caught.value.message
    assert "入力中の文章は消えていません" in caught.value.message
    assert str(target) in caught.value.message
    assert target.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["meeting.json"]


def test_a_failing_writer_leaves_the_old_file(tmp_path):
    target = tmp_path / "out.zip"
    atomic_write_bytes(target, OLD)

    def writer(handle):
        handle.write(b"half of it")
        raise Boom("writer")

    with pytest.raises(Boom):
        atomic.atomic_write(target, writer)
    assert target.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["out.zip"]


CRASH_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from storage import atomic
    step = sys.argv[2]
    def hook(current):
        if current == step:
            os._exit(17)          # the process dies here: no cleanup runs
    atomic._fault_hook = hook
    atomic.atomic_write_bytes(sys.argv[1], ("新しい内容です " * 3000).encode("utf-8"))
    """
)


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_after_any_step_leaves_old_or_new_whole(tmp_path, step):
    target = tmp_path / "meeting.json"
    atomic_write_bytes(target, OLD)
    child = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, str(target), step], env=child_env(), capture_output=True
    )
    assert child.returncode == 17, child.stderr.decode()
    assert target.read_bytes() in (OLD, NEW)
    assert target.read_bytes() == (NEW if step in AFTER_REPLACE else OLD)
    # A crash before the rename leaves the temporary file; the next lock holder sweeps it.
    sweep_temp_files(tmp_path)
    assert os.listdir(tmp_path) == ["meeting.json"]


def test_sweep_touches_only_our_temporary_files(tmp_path):
    ours = tmp_path / ".meeting.json.0a1b2c3d.tmp"
    ours.write_bytes(b"x")
    for name in (".hidden", "notes.tmp", ".meeting.json.nothex!!.tmp", "meeting.json"):
        (tmp_path / name).write_bytes(b"keep")
    assert sweep_temp_files(tmp_path) == [ours]
    assert sorted(os.listdir(tmp_path)) == sorted(
        [".hidden", "notes.tmp", ".meeting.json.nothex!!.tmp", "meeting.json"]
    )


# -- modes ------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077, 0o277])
def test_files_are_0600_and_created_folders_0700_whatever_the_umask(tmp_path, umask, mask):
    umask(mask)
    folder = ensure_private_dir(tmp_path / "data" / "meetings")
    assert mode_of(tmp_path / "data") == 0o700
    assert mode_of(folder) == 0o700
    target = folder / "m.json"
    atomic_write_bytes(target, OLD)
    assert mode_of(target) == 0o600
    os.chmod(target, 0o644)  # someone loosened it: the next write makes it private again
    atomic_write_bytes(target, NEW)
    assert mode_of(target) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_an_existing_folder_keeps_its_mode(tmp_path):
    existing = tmp_path / "mine"
    existing.mkdir()
    os.chmod(existing, 0o755)
    ensure_private_dir(existing / "kaigiroku")
    assert mode_of(existing) == 0o755
    assert mode_of(existing / "kaigiroku") == 0o700


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_public_files_follow_the_umask(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "export.txt"
    atomic_write_bytes(target, b"x", private=False)
    assert mode_of(target) == 0o644


def test_a_file_in_the_way_of_a_folder_is_a_write_failure(tmp_path):
    (tmp_path / "data").write_bytes(b"not a folder")
    with pytest.raises(WriteFailedError):
        ensure_private_dir(tmp_path / "data")


# -- fsync ------------------------------------------------------------------------


def _count_fsyncs(monkeypatch) -> list[str]:
    kinds: list[str] = []
    real = os.fsync

    def counting(fd):
        kinds.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        return real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    return kinds


@pytest.mark.skipif(os.name != "posix", reason="folder fsync is POSIX")
def test_posix_fsyncs_the_file_then_the_folder(tmp_path, monkeypatch):
    kinds = _count_fsyncs(monkeypatch)
    atomic_write_bytes(tmp_path / "f", b"x")
    assert kinds == ["file", "dir"]


def test_a_write_that_need_not_be_durable_is_atomic_without_fsync(tmp_path, monkeypatch):
    target = tmp_path / "note"
    target.write_bytes(b"old")
    kinds = _count_fsyncs(monkeypatch)
    atomic_write_bytes(target, b"new", durable=False)
    assert kinds == []
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["note"]  # no temporary file left


def test_a_folder_that_cannot_be_fsynced_is_tolerated(tmp_path, monkeypatch):
    real = os.fsync

    def picky(fd):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        return real(fd)

    monkeypatch.setattr(os, "fsync", picky)
    atomic_write_bytes(tmp_path / "f", b"x")
    assert (tmp_path / "f").read_bytes() == b"x"


# -- the Windows branches, simulated -----------------------------------------------


@pytest.fixture
def windows(monkeypatch):
    """Run the Windows branches: no chmod at all, no folder fsync."""
    monkeypatch.setattr(atomic, "POSIX", False)

    def no_chmod(*args, **kwargs):
        raise AssertionError("chmod called on Windows")

    monkeypatch.setattr(os, "chmod", no_chmod)
    if hasattr(os, "fchmod"):
        monkeypatch.setattr(os, "fchmod", no_chmod)


def test_windows_has_no_chmod_and_no_folder_fsync(tmp_path, monkeypatch, windows):
    kinds = _count_fsyncs(monkeypatch)
    folder = ensure_private_dir(tmp_path / "data" / "meetings")
    atomic_write_bytes(folder / "m.json", NEW)
    assert (folder / "m.json").read_bytes() == NEW
    assert kinds == ["file"]


@pytest.mark.parametrize("step", STEPS)
def test_windows_writes_are_still_atomic(tmp_path, monkeypatch, windows, step):
    target = tmp_path / "meeting.json"
    atomic_write_bytes(target, OLD)
    fail_at(monkeypatch, step)
    with pytest.raises(Boom):
        atomic_write_bytes(target, NEW)
    assert target.read_bytes() == (NEW if step in AFTER_REPLACE else OLD)
    assert os.listdir(tmp_path) == ["meeting.json"]


def test_windows_retries_a_replace_that_a_scanner_blocks(tmp_path, monkeypatch, windows):
    target = tmp_path / "meeting.json"
    atomic_write_bytes(target, OLD)
    real = os.replace
    refusals = [PermissionError(errno.EACCES, "in use")] * 2

    def busy(src, dst):
        if refusals:
            raise refusals.pop()
        return real(src, dst)

    monkeypatch.setattr(os, "replace", busy)
    monkeypatch.setattr(atomic.time, "sleep", lambda seconds: None)
    atomic_write_bytes(target, NEW)
    assert target.read_bytes() == NEW
    assert os.listdir(tmp_path) == ["meeting.json"]


def test_windows_gives_up_on_a_replace_that_stays_blocked(tmp_path, monkeypatch, windows):
    target = tmp_path / "meeting.json"
    atomic_write_bytes(target, OLD)

    def always_busy(src, dst):
        raise PermissionError(errno.EACCES, "in use")

    monkeypatch.setattr(os, "replace", always_busy)
    monkeypatch.setattr(atomic.time, "sleep", lambda seconds: None)
    with pytest.raises(WriteFailedError) as caught:
        atomic_write_bytes(target, NEW)
    assert "権限" in caught.value.message
    assert target.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["meeting.json"]
