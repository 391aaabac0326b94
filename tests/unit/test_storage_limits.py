"""How much a file may hold (storage/limits.py), in process: the limits the README states, each refusal's
words, and that a read stops one byte past the limit (an endless file is never held whole)."""

from __future__ import annotations

import errno
import gc
import io
import os

import pytest

from storage import limits
from storage.errors import LinkRefusedError
from storage.limits import TooLargeError, open_data_file, read_at_most, read_file_at_most
from tests.conftest import PipeWatchdog


class Endless(io.RawIOBase):
    """/dev/zero that counts what was taken from it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "an endless file must never be read to its end"
        self.taken += size
        # A reader that did not stop would hold the machine's memory before the test's time ran out.
        assert self.taken <= 8 << 20, "read on far past the limit"
        return b"\0" * size


def test_the_limits_are_those_the_readme_states():
    # README: 1ファイル・zip の1メンバー 64 MB まで、zip 全体で展開 1 GB まで
    assert limits.MAX_FILE_BYTES == 64 * 1024 * 1024
    assert limits.MAX_RESTORE_BYTES == 1024 * 1024 * 1024
    assert "上限は 64 MB" in TooLargeError("x.json").message
    assert "上限は 1,024 MB" in TooLargeError("x.zip", limits.MAX_RESTORE_BYTES).message


def test_a_refusal_names_the_file_its_size_and_the_limit():
    assert TooLargeError("会議.json", 10, 11).message == (
        "「会議.json」は大きすぎます(11 バイト、上限は 10 バイト)。会議のファイルとしては大きすぎるため、"
        "読み込まずにやめました。何も変えていません。ファイルを確かめてください。"
    )
    assert "(上限は 1,048,575 バイト)" in TooLargeError("m", (1 << 20) - 1).message
    assert "(3 MB、上限は 1 MB)" in TooLargeError("m", 1 << 20, 3 << 20).message
    assert TooLargeError("m", 5).limit == 5


def test_a_stream_of_exactly_the_limit_is_read_whole_and_one_byte_more_is_refused():
    data = bytes(range(256)) * 10
    assert read_at_most(io.BytesIO(data), "m", len(data)) == data
    assert read_at_most(io.BytesIO(b""), "m", 10) == b""
    with pytest.raises(TooLargeError) as caught:
        read_at_most(io.BytesIO(data + b"!"), "会議.json", len(data))
    assert caught.value.message.startswith(f"「会議.json」は大きすぎます(上限は {len(data):,} バイト)")


def test_a_stream_larger_than_a_piece_comes_back_whole_and_is_counted():
    data = os.urandom((2 << 20) + 12345)  # more than two pieces
    counted: list[int] = []
    assert read_at_most(io.BytesIO(data), "m", len(data), counted.append) == data
    assert sum(counted) == len(data) and len(counted) == 3


def test_an_endless_stream_is_read_one_byte_past_the_limit_and_no_further():
    for limit in (10, (2 << 20) + 10):
        endless = Endless()
        counted: list[int] = []
        with pytest.raises(TooLargeError):
            read_at_most(endless, "/dev/zero", limit, counted.append)
        assert endless.taken == limit + 1
        assert sum(counted) == limit + 1


def test_a_regular_file_over_the_limit_is_refused_unread_with_its_size(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    path.write_bytes(b"x" * 11)
    monkeypatch.setattr(limits, "read_at_most", lambda *args: pytest.fail("read"))
    with pytest.raises(TooLargeError) as caught:
        read_file_at_most(path, 10)
    assert f"「{path}」は大きすぎます(11 バイト、上限は 10 バイト)" in caught.value.message
    monkeypatch.undo()
    path.write_bytes(b"x" * 10)
    assert read_file_at_most(path, 10) == b"x" * 10
    assert read_file_at_most(str(path)) == b"x" * 10


# -- a file of the data folder -------------------------------------------------------------------


def descriptors() -> int:
    gc.collect()
    return len(os.listdir("/proc/self/fd"))


def test_a_data_file_is_opened_for_reading(tmp_path):
    path = tmp_path / "m.json"
    path.write_bytes(b'{"a": 1}')
    with open_data_file(path) as handle:
        assert handle.read() == b'{"a": 1}'
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(limits.MAX_FILE_BYTES)  # sparse: exactly the limit is still ours
    with open_data_file(big) as handle:
        assert handle.read(4) == b"\0" * 4


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_what_is_not_a_data_file_is_refused_in_words_and_closed(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(limits.MAX_FILE_BYTES + 1)
    before = descriptors()
    for _ in range(3):
        with pytest.raises(ValueError) as caught:
            open_data_file(big)
        assert str(caught.value) == "大きすぎます(64 MB、上限は 64 MB)"
        with pytest.raises(ValueError) as caught:
            open_data_file("/dev/null")
        assert str(caught.value) == "通常のファイルではありません(装置やパイプなど)"
        with pytest.raises(IsADirectoryError) as caught:
            open_data_file(tmp_path)
        assert caught.value.errno == errno.EISDIR and caught.value.filename == str(tmp_path)
        with pytest.raises(FileNotFoundError):
            open_data_file(tmp_path / "ない.json")
    assert descriptors() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path):
    # A pipe planted as a meeting file, library.json, a draft or lock.info held the open until a
    # writer came: the app or the command hung without a word.
    before = descriptors()
    with PipeWatchdog(tmp_path / "m.json") as pipe:
        with pytest.raises(ValueError) as caught:
            open_data_file(pipe.path)
    assert not pipe.came, "the open waited for a writer"
    assert str(caught.value) == "通常のファイルではありません(装置やパイプなど)"
    assert descriptors() == before


def test_a_data_file_is_handed_out_blocking(tmp_path):
    # Opened without waiting (for the pipe above), but read as any file is.
    path = tmp_path / "m.json"
    path.write_bytes(b"{}")
    with open_data_file(path) as handle:
        assert os.get_blocking(handle.fileno())
        assert handle.read() == b"{}"


@pytest.mark.parametrize("nofollow", [True, False], ids=["posix", "no O_NOFOLLOW (Windows)"])
def test_a_link_is_refused_not_followed(tmp_path, monkeypatch, nofollow):
    target = tmp_path / "outside.json"
    target.write_bytes(b"{}")
    link = tmp_path / "m.json"
    os.symlink(target, link)
    if not nofollow:
        monkeypatch.delattr(os, "O_NOFOLLOW", raising=False)  # as on Windows: looked at before opening
    with pytest.raises(LinkRefusedError):
        open_data_file(link)
    with open_data_file(target) as handle:  # a plain file still opens, for reading
        assert handle.read() == b"{}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("planted", ["meeting", "library.json", "draft", "lock.info"])
def test_a_named_pipe_planted_in_the_data_folder_is_refused_or_ignored_at_once(tmp_path, planted):
    from minutes.demo import load_demo
    from storage import DataDir
    from storage.errors import StorageError
    from storage.lock import read_lock_info

    datadir = DataDir(tmp_path / "data")
    datadir.acquire_lock()
    meeting_id = datadir.add_meeting(load_demo())
    datadir.release_lock()
    datadir = DataDir(tmp_path / "data")
    place = {
        "meeting": datadir.meeting_path(meeting_id),
        "library.json": datadir.root / "library.json",
        "draft": datadir.root / "drafts" / f"{meeting_id}.json",
        "lock.info": datadir.root / "lock.info",
    }[planted]
    place.parent.mkdir(exist_ok=True)
    place.unlink(missing_ok=True)
    read = {
        "meeting": lambda: datadir.load_meeting(meeting_id),
        "library.json": datadir.list_meetings,
        "draft": lambda: datadir.load_draft(meeting_id),
        "lock.info": lambda: read_lock_info(datadir.root),
    }[planted]
    outcome = []
    with PipeWatchdog(place) as pipe:
        try:
            outcome.append(read())
        except StorageError as error:
            outcome.append(error)
    assert not pipe.came, f"reading the data folder waited on a pipe planted as {planted}"
    if planted in ("meeting", "library.json"):
        assert isinstance(outcome[0], StorageError)
        assert "通常のファイルではありません" in outcome[0].message and str(place) in outcome[0].message
    else:  # notes the app can do without: read as none
        assert outcome == [None]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_the_app_refuses_a_named_pipe_at_once_and_the_command_line_reads_one_a_writer_fills(tmp_path):
    import threading

    from storage.limits import NamedPipeError

    before = descriptors()
    with PipeWatchdog(tmp_path / "m.json") as pipe:
        with pytest.raises(NamedPipeError) as caught:
            read_file_at_most(pipe.path, wait_for_writer=False)
    assert not pipe.came and str(pipe.path) in caught.value.message and "名前付きパイプ" in caught.value.message
    assert descriptors() == before
    with pytest.raises(IsADirectoryError):
        read_file_at_most(tmp_path, wait_for_writer=False)
    assert descriptors() == before
    plain = tmp_path / "plain.json"
    plain.write_bytes(b"{}")
    assert read_file_at_most(plain, wait_for_writer=False) == b"{}"

    def write():  # `kaigiroku import <(…)`: the writer comes, the command line reads what it wrote
        with open(pipe.path, "wb") as handle:
            handle.write(b'{"meeting": 1}')

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert read_file_at_most(pipe.path) == b'{"meeting": 1}'
    writer.join()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="a terminal device")
def test_the_app_reads_a_terminal_chosen_as_a_file_as_empty_instead_of_waiting_for_its_input():
    import threading

    controller, terminal = os.openpty()
    outcome = []
    try:
        reader = threading.Thread(
            target=lambda: outcome.append(read_file_at_most(os.ttyname(terminal), wait_for_writer=False)), daemon=True
        )
        reader.start()
        reader.join(5.0)
        waited = reader.is_alive()
    finally:
        os.close(controller)  # (a read still waiting ends: the terminal is gone)
        reader.join(5.0)
        os.close(terminal)
    assert not waited, "the read waited for the terminal's input"
    assert outcome == [b""]
