"""Reading the city's Word template (storage/word_templates.py): the refusals' words, in process."""

from __future__ import annotations

import errno
import os

import pytest

import storage.word_templates
from storage.word_templates import WordTemplateFileError, read_word_template


def refusal(path) -> str:
    with pytest.raises(WordTemplateFileError) as caught:
        read_word_template(path)
    assert str(caught.value.path) == str(path)
    return caught.value.message


def sparse(path, size: int):
    with open(path, "wb") as handle:
        handle.truncate(size)  # no disk used
    return path


def test_a_template_of_up_to_20_mb_is_read_whole(tmp_path):
    small = tmp_path / "様式.docx"
    small.write_bytes(b"PK\x03\x04 a template")
    assert read_word_template(str(small)) == b"PK\x03\x04 a template"
    assert len(read_word_template(sparse(tmp_path / "big.docx", 20 * 1024 * 1024))) == 20 * 1024 * 1024


def test_a_template_over_20_mb_is_refused_unread(tmp_path):
    path = sparse(tmp_path / "様式.docx", 20 * 1024 * 1024 + 1)
    assert refusal(path) == (
        f"Word のひな形「{path}」は大きすぎます(上限は 20 MB)。"
        "ひな形のファイルを確かめてください(画像を小さくすると収まります)。何も書き出していません。"
    )


def test_a_missing_template_or_a_folder_is_named(tmp_path):
    missing = tmp_path / "ない.docx"
    assert refusal(missing) == f"Word のひな形「{missing}」が見つかりません。名前と場所を確認してください。何も書き出していません。"
    assert refusal(tmp_path) == f"「{tmp_path}」はフォルダです。--template には Word のひな形(.docx)のファイルを指定してください。"


@pytest.mark.parametrize(
    ("code", "reason"), [(errno.EACCES, "読む権限がありません"), (errno.EIO, "ファイルを読み書きできませんでした(EIO)")]
)
def test_a_template_that_cannot_be_read_says_why(tmp_path, monkeypatch, code, reason):
    path = tmp_path / "様式.docx"

    def failing(path, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(storage.word_templates, "read_file_at_most", failing)
    assert refusal(path) == f"Word のひな形「{path}」を読めません({reason})。何も書き出していません。"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_chosen_in_the_app_is_refused_at_once_and_nothing_is_exported(tmp_path):
    from storage.limits import NamedPipeError
    from tests.conftest import PipeWatchdog

    path = tmp_path / "様式.docx"
    error = PipeWatchdog.refusal(path, lambda p: read_word_template(p, wait_for_writer=False), WordTemplateFileError)
    assert error.message == f"{NamedPipeError(path).message}何も書き出していません。"
