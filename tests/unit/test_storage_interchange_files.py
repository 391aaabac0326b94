"""Reading an interchange file the clerk chose (storage/interchange_files.py): each refusal in Japanese, in
process (the command line's tests see the same words through a child ``kaigiroku``)."""

from __future__ import annotations

import errno
import os

import pytest

import storage.interchange_files
from minutes.interchange import dumps_meeting, parse_meeting
from storage.interchange_files import IMPORT_REFUSED, InterchangeFileError, read_interchange_file
from storage.limits import MAX_FILE_BYTES
from tests.unit.test_storage_support import make_meeting


def refusal(path) -> str:
    with pytest.raises(InterchangeFileError) as caught:
        read_interchange_file(path)
    assert caught.value.path == path or str(caught.value.path) == str(path)
    return caught.value.message


def test_a_good_file_gives_its_meeting(tmp_path):
    path = tmp_path / "m.json"
    text = dumps_meeting(make_meeting())
    path.write_text(text, encoding="utf-8")
    assert read_interchange_file(str(path)) == parse_meeting(text.encode("utf-8"), source=str(path))


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "ない.json"
    assert refusal(path) == f"ファイル「{path}」が見つかりません。名前と場所を確認してください。"


def test_a_folder_is_named_as_a_folder(tmp_path):
    assert refusal(tmp_path) == f"「{tmp_path}」はフォルダです。JSONファイルを指定してください。"


def test_a_file_over_the_limit_is_refused_unread(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    message = refusal(path)
    assert "大きすぎます" in message and "上限は 64 MB" in message
    assert message.endswith(f"\n{IMPORT_REFUSED}")


def test_a_file_that_is_not_a_meeting_is_refused_with_the_import_words(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("{ 壊れた", encoding="utf-8")
    message = refusal(path)
    assert message.startswith(f"{path}: ") and "JSONとして読めません" in message
    assert message.endswith(f"\n{IMPORT_REFUSED}")


def test_a_file_that_may_not_be_read_says_so_in_the_words_of_reading(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    path.write_text(dumps_meeting(make_meeting()), encoding="utf-8")

    def refused(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(storage.interchange_files, "read_file_at_most", refused)
    assert refusal(path) == f"ファイル「{path}」を読めません(読む権限がありません)。"


def test_another_read_error_is_named_too(tmp_path, monkeypatch):
    path = tmp_path / "m.json"

    def failing(path, *args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))

    monkeypatch.setattr(storage.interchange_files, "read_file_at_most", failing)
    assert refusal(path) == f"ファイル「{path}」を読めません(ファイルを読み書きできませんでした(EIO))。"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_chosen_in_the_app_is_refused_at_once_with_the_import_words(tmp_path):
    from storage.limits import NamedPipeError
    from tests.conftest import PipeWatchdog

    path = tmp_path / "会議.json"
    error = PipeWatchdog.refusal(path, lambda p: read_interchange_file(p, wait_for_writer=False), InterchangeFileError)
    assert error.message == f"{NamedPipeError(path).message}\n{IMPORT_REFUSED}"
