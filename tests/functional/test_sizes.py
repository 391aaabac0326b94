"""Files too large to be a meeting are refused before they are read, with a message, never a traceback.

An ``import`` of a 3 GB file took 6 GB of memory; ``import /dev/zero`` under a
memory limit ended in a Python traceback; a 1 MB zip whose member unpacks to
1 GB was held whole in memory before it was refused. The limits
(storage.limits: 64 MiB a file or zip member, 1 GiB a zip) are in the README.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from storage import DataDir
from storage.limits import MAX_FILE_BYTES
from tests.conftest import base_env, cli_command, snapshot

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource limits and /dev/zero need a POSIX system")

#: The memory the command may use in these tests (address space): far below what the inputs would need.
LIMIT = 700 << 20


def limited_cli(args: list[str], home: Path, cwd: Path) -> tuple[int, str, str]:
    """The real command, its address space limited to :data:`LIMIT`."""
    import resource
    import subprocess

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))

    done = subprocess.run([*cli_command(), *args], env=base_env(home), cwd=cwd, capture_output=True,
                          stdin=subprocess.DEVNULL, preexec_fn=limit, timeout=120)
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


@pytest.fixture
def folder(tmp_path, home):
    root = tmp_path / "data"
    code, out, err = limited_cli(["--data-dir", str(root), "demo", "--no-open"], home, tmp_path)
    assert code == 0, err
    return root


def assert_refused(code: int, err: str, root: Path, before) -> None:
    assert code == 1, err
    assert "Traceback" not in err
    assert "大きすぎます" in err and "64 MB" in err, err
    assert snapshot(root) == before


def test_import_of_a_huge_file_is_refused_before_it_is_read(folder, tmp_path, home):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:  # 3 GB, sparse: its size says it all
        handle.truncate(3 << 30)
    before = snapshot(folder)
    code, _, err = limited_cli(["--data-dir", str(folder), "import", str(huge)], home, tmp_path)
    assert_refused(code, err, folder, before)
    assert "3,072 MB" in err


def test_import_of_an_endless_file_stops_at_the_limit(folder, tmp_path, home):
    before = snapshot(folder)
    code, _, err = limited_cli(["--data-dir", str(folder), "import", "/dev/zero"], home, tmp_path)
    assert_refused(code, err, folder, before)


def test_restore_of_a_huge_meeting_backup_is_refused_before_it_is_read(folder, tmp_path, home):
    huge = tmp_path / "backups" / "20220315-abcd" / "20220315T000000Z-000001.json"
    huge.parent.mkdir(parents=True)
    with open(huge, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    before = snapshot(folder)
    code, _, err = limited_cli(["--data-dir", str(folder), "restore", str(huge)], home, tmp_path)
    assert_refused(code, err, folder, before)


def bomb(path: Path, size: int, *, lie: bool) -> None:
    """A zip whose meeting member unpacks to ``size`` bytes (``lie``: its header says 100 bytes)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("library.json", b"{}")
        with archive.open("meetings/20220315-abcd.json", "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(size >> 20):
                member.write(block)
    if lie:
        data = bytearray(path.read_bytes())
        # Rewrite the member's uncompressed size in both headers (zip64 extra fields hold it).
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            info = archive.getinfo("meetings/20220315-abcd.json")
        real = info.file_size.to_bytes(8, "little")
        data = data.replace(real, (100).to_bytes(8, "little"))
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("lie", [False, True], ids=["says-its-size", "lies-about-its-size"])
def test_a_zip_bomb_is_refused_without_unpacking_it_into_memory(folder, tmp_path, home, lie):
    zipped = tmp_path / "bomb.zip"
    bomb(zipped, 900 << 20, lie=lie)  # 900 MiB of zeros (under the old 1 GiB cap of a whole zip): about 1 MB of zip
    assert zipped.stat().st_size < 8 << 20
    before = snapshot(folder)
    code, _, err = limited_cli(["--data-dir", str(folder), "restore", str(zipped)], home, tmp_path)
    assert code == 1, err
    assert "Traceback" not in err and "復元できません" in err, err
    assert snapshot(folder) == before


def test_files_at_the_limit_still_read(tmp_path):
    # The limit refuses only what is over it: a meeting file just under it is read as before.
    from storage.limits import TooLargeError, read_file_at_most

    path = tmp_path / "at-limit.bin"
    path.write_bytes(b"x" * 1000)
    assert read_file_at_most(path, limit=1000) == b"x" * 1000
    with pytest.raises(TooLargeError):
        read_file_at_most(path, limit=999)


@pytest.mark.parametrize("command", ["export", "backup"])
def test_a_device_or_a_pipe_given_as_the_file_to_write_is_never_replaced(folder, tmp_path, home, command):
    # ``export -o /dev/null`` run as root replaced the device with a plain file (the atomic
    # write renames a new file over the target); a named pipe is the harmless stand-in here.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    meeting_id = DataDir(folder).list_meetings()[0]["id"]
    args = ["export", meeting_id, "-o", str(pipe)] if command == "export" else ["backup", "-o", str(pipe)]
    code, _, err = limited_cli(["--data-dir", str(folder), *args], home, tmp_path)
    assert code == 1 and "Traceback" not in err
    assert "ふつうのファイルではありません" in err and "-o を付けずに" in err, err
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("source", ["/dev/zero", "pipe"])
def test_restore_from_a_device_or_a_pipe_is_refused_at_once(folder, tmp_path, home, source):
    # zipfile read /dev/zero until the memory ran out (the process was killed).
    if source == "pipe":
        source = str(tmp_path / "pipe")
        os.mkfifo(source)
    before = snapshot(folder)
    code, _, err = limited_cli(["--data-dir", str(folder), "restore", source], home, tmp_path)
    assert code == 1 and "Traceback" not in err
    assert "ふつうのファイルではありません" in err, err
    assert snapshot(folder) == before
