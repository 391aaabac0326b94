"""The storage errors' words (storage/errors.py): each message as the clerk reads it, in the editor and on the
command line, written out here by hand."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from storage.errors import (
    DamagedFileError,
    DataDirLockedError,
    InsideDataDirError,
    LinkRefusedError,
    LockRequiredError,
    NewerSchemaError,
    RestoreRefusedError,
    SpecialFileError,
    StorageError,
    UnknownMeetingError,
    WriteFailedError,
    os_error_reason,
    user_message,
)

NOT_LOST = "入力中の文章は消えていません。"
NOTHING_HALF_WRITTEN = "書きかけのファイルは残していません(どのファイルも前のままか、書き終えたものです)。"
FILE = Path("/data/meetings/20220315-abcd.json")


def os_error(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def test_a_storage_error_is_its_message():
    error = StorageError("理由", path="/data/x")
    assert (str(error), error.message, error.path, error.for_command_line()) == ("理由", "理由", Path("/data/x"), "理由")
    assert StorageError("理由").path is None


def test_a_damaged_file_names_its_newest_backup_or_says_there_is_none():
    error = DamagedFileError(FILE, "JSONとして読めません", "/data/backups/x/1.json")
    assert error.message == (
        f"ファイル「{FILE}」を読めません(JSONとして読めません)。このファイルには書き込みません。"
        "最新のバックアップ「/data/backups/x/1.json」から復元できます: kaigiroku restore /data/backups/x/1.json"
    )
    assert (error.reason, error.backup, error.path) == ("JSONとして読めません", Path("/data/backups/x/1.json"), FILE)
    bare = DamagedFileError(str(FILE), "空です")
    assert bare.message.endswith("このファイルには書き込みません。このファイルのバックアップはありません。")
    assert bare.backup is None


def test_a_file_of_a_newer_version_says_to_update_or_restore():
    error = NewerSchemaError(FILE, 3, 2, "/b/1.json")
    assert error.message == (
        f"ファイル「{FILE}」を読めません(新しい版のkaigirokuで保存された形式です: 版3、この版が読めるのは版2まで)。"
        "このファイルには書き込みません。kaigirokuを新しい版に更新してから開いてください。"
        "この版で使い続けるなら、最新のバックアップ「/b/1.json」から復元できます: kaigiroku restore /b/1.json"
    )
    assert (error.found, error.supported) == (3, 2)
    assert NewerSchemaError(FILE, 3, 2).message.endswith("kaigirokuを新しい版に更新してから開いてください。")


@pytest.mark.parametrize(
    ("owner", "described"),
    [
        ({"pid": 42, "host": "庁議室PC", "started": "2026-01-01T09:05:59+09:00"}, "PID 42、端末 庁議室PC、2026-01-01 09:05から"),
        ({"pid": 42, "started": "昨日"}, "PID 42、昨日から"),
        ({"host": "庁議室PC"}, "PID 不明、端末 庁議室PC"),
        ({"pid": 42, "host": "", "started": ""}, "PID 42"),
        (None, "使用中のプログラムは不明"),
        ({}, "使用中のプログラムは不明"),
    ],
)
def test_a_locked_folder_names_the_holder_as_far_as_known(owner, described):
    error = DataDirLockedError("/data", owner)
    assert error.message == (
        f"別のkaigirokuがこのデータフォルダ(/data)を使用中です({described})。そちらを終了してから開き直してください。"
        "閲覧と書き出し(list / export)はこのままでも使えます。"
    )
    assert error.for_command_line() == (
        f"別のkaigirokuがこのデータフォルダ(/data)を使用中です({described})。"
        "そちらを終了してから、もう一度コマンドを実行してください。閲覧と書き出し(list / export)はこのままでも使えます。"
    )
    assert (error.root, error.owner, error.path) == (Path("/data"), owner, Path("/data"))


@pytest.mark.parametrize(
    ("code", "editor", "command_line"),
    [
        (errno.ENOSPC,
         f"ディスクの空きがありません(「{FILE}」に保存できませんでした)。空きを作ってからもう一度保存してください。{NOT_LOST}",
         f"ディスクの空きがありません(「{FILE}」に保存できませんでした)。空きを作ってからもう一度同じコマンドを実行してください。"
         f"{NOTHING_HALF_WRITTEN}"),
        (errno.EDQUOT,
         f"ディスクの空きがありません(「{FILE}」に保存できませんでした)。空きを作ってからもう一度保存してください。{NOT_LOST}",
         None),
        (errno.EROFS,
         f"「{FILE}」は読み取り専用の場所にあるため保存できません。"
         f"書き込める場所をデータフォルダに指定してください(--data-dir または KAIGIROKU_DATA_DIR)。{NOT_LOST}",
         f"「{FILE}」は読み取り専用の場所にあるため保存できません。"
         f"書き込める場所をデータフォルダに指定してください(--data-dir または KAIGIROKU_DATA_DIR)。{NOTHING_HALF_WRITTEN}"),
        (errno.EACCES,
         f"「{FILE}」に書き込む権限がありません。"
         f"フォルダの権限を確かめるか、別のデータフォルダを指定してください(--data-dir または KAIGIROKU_DATA_DIR)。{NOT_LOST}",
         None),
        (errno.EPERM,
         f"「{FILE}」に書き込む権限がありません。"
         f"フォルダの権限を確かめるか、別のデータフォルダを指定してください(--data-dir または KAIGIROKU_DATA_DIR)。{NOT_LOST}",
         None),
        (errno.ENOENT,
         f"保存先のフォルダ「{FILE.parent}」が見つかりません(USBメモリを抜いたか、フォルダが移動・削除された可能性があります)。"
         f"フォルダを元に戻してからもう一度保存してください。{NOT_LOST}",
         f"保存先のフォルダ「{FILE.parent}」が見つかりません(USBメモリを抜いたか、フォルダが移動・削除された可能性があります)。"
         f"フォルダを元に戻してからもう一度同じコマンドを実行してください。{NOTHING_HALF_WRITTEN}"),
        (errno.EIO,
         f"「{FILE}」に保存できませんでした(ファイルを読み書きできませんでした(EIO))。もう一度保存してください。{NOT_LOST}",
         f"「{FILE}」に保存できませんでした(ファイルを読み書きできませんでした(EIO))。"
         f"もう一度同じコマンドを実行してください。{NOTHING_HALF_WRITTEN}"),
    ],
)
def test_a_failed_write_says_why_and_what_to_do(code, editor, command_line):
    cause = os_error(code)
    error = WriteFailedError(str(FILE), cause)
    assert error.message == str(error) == editor
    if command_line is not None:
        assert error.for_command_line() == command_line
    assert isinstance(error, OSError)
    assert (error.error, error.errno, error.strerror, error.filename, error.path) == (
        cause, code, os.strerror(code), str(FILE), FILE)


def test_a_refused_link_says_so_in_its_own_words_everywhere():
    inside = LinkRefusedError(FILE, "/data")
    assert inside.message == str(inside) == (
        f"データフォルダ(/data)の中の「{FILE}」はリンク(シンボリックリンクなど)です。"
        "データフォルダの外のファイルを書き換えたり消したりしないよう、kaigirokuはこれをたどって読み書きしません。"
        "リンクを消すか本物のフォルダ・ファイルに置き換えてから、もう一度行ってください。"
    )
    assert inside.for_command_line() == inside.message  # no editor words to replace
    assert inside.errno == errno.ELOOP and isinstance(inside, WriteFailedError)
    assert LinkRefusedError(FILE).message.startswith(f"「{FILE}」はリンク")


def test_a_device_or_pipe_is_not_written_over():
    error = SpecialFileError("/dev/full")
    assert error.message == str(error) == (
        "「/dev/full」はふつうのファイルではありません(装置やパイプなど)。"
        "置き換えると壊れるため、書き込みませんでした。保存するファイルの名前を指定してください。"
    )
    assert error.for_command_line() == error.message + "(画面に出すだけなら -o を付けずに実行します。)"
    assert error.errno == errno.EINVAL


def test_the_other_refusals_name_what_they_refuse():
    assert UnknownMeetingError("x1", "/data").message == (
        "データフォルダ(/data)に会議「x1」は見つかりません。kaigiroku list で会議の一覧を確かめてください。"
    )
    unknown = UnknownMeetingError("x1")
    assert unknown.message.startswith("会議「x1」は") and unknown.meeting_id == "x1" and unknown.path is None
    refused = RestoreRefusedError("/b.zip", "壊れています")
    assert refused.message == (
        "バックアップ「/b.zip」から復元できません(壊れています)。データフォルダは何も変えていません。別のバックアップを指定してください。"
    )
    assert (refused.reason, refused.path) == ("壊れています", Path("/b.zip"))
    inside = InsideDataDirError("/data/x.md", "/data")
    assert inside.message == (
        "「/data/x.md」はデータフォルダ(/data)の中です。会議のファイルを上書きして壊さないよう、"
        "書き出しはしませんでした。データフォルダの外(文書フォルダなど)を指定してください。"
    )
    assert LockRequiredError("/data", "下書きを保存").message == (
        "データフォルダ(/data)の書き込みロックを取らずに下書きを保存しようとしました。kaigirokuの不具合です。開き直してください。"
    )


@pytest.mark.parametrize(
    ("code", "writing", "reading"),
    [
        (errno.ENOSPC, "ディスクの空きがありません", "ディスクの空きがありません"),
        (errno.EDQUOT, "ディスクの空きがありません", "ディスクの空きがありません"),
        (errno.EROFS, "読み取り専用の場所です", "読み取り専用の場所です"),
        (errno.EACCES, "書き込む権限がありません", "読む権限がありません"),
        (errno.EPERM, "書き込む権限がありません", "読む権限がありません"),
        (errno.ENOENT, "フォルダが見つかりません", "フォルダが見つかりません"),
        (errno.EISDIR, "同じ名前のフォルダがあります", "同じ名前のフォルダがあります"),
        (errno.ENOTDIR, "途中にフォルダではないものがあります", "途中にフォルダではないものがあります"),
        (errno.EIO, "ファイルを読み書きできませんでした(EIO)", "ファイルを読み書きできませんでした(EIO)"),
    ],
)
def test_an_os_error_is_given_a_short_reason(code, writing, reading):
    assert os_error_reason(os_error(code)) == writing
    assert os_error_reason(os_error(code), reading=True) == reading


def test_a_reason_without_a_known_code_is_still_said():
    assert os_error_reason(OSError("no code")) == "ファイルを読み書きできませんでした"
    assert os_error_reason(OSError(99999, "odd")) == "ファイルを読み書きできませんでした"


def test_a_wrapped_error_gives_the_reason_of_what_it_wraps():
    class Wrapper(OSError):
        pass

    wrapper = Wrapper(errno.EROFS, "wrapped")
    wrapper.error = os_error(errno.ENOSPC)
    assert os_error_reason(wrapper) == "読み取り専用の場所です"  # a code of its own that says something wins
    wrapper = Wrapper(errno.EIO, "wrapped")
    wrapper.error = os_error(errno.ENOSPC)
    assert os_error_reason(wrapper) == "ディスクの空きがありません"
    wrapper.error = wrapper
    assert os_error_reason(wrapper) == "ファイルを読み書きできませんでした(EIO)"  # not a loop
    wrapper.error = "not an OSError"
    assert os_error_reason(wrapper) == "ファイルを読み書きできませんでした(EIO)"


def test_what_to_tell_the_clerk_about_an_error():
    assert user_message(StorageError("保存できません")) == "保存できません"
    assert user_message(os_error(errno.ENOSPC)) == (
        "ディスクの空きがありません。もう一度試してください。続くときは保存先のディスクやフォルダを確かめてください。"
    )
    assert user_message(ValueError("ほかの誤り")) == "ほかの誤り"
