"""The command line speaks in its own words: a failed ``restore``, ``import`` or ``backup`` says
to run the command again, never 入力中の文章は消えていません (words for the entry bar, which a
command does not have) nor "open again".
"""

from __future__ import annotations

import errno
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from storage import DataDir
from tests.conftest import example_from_format_page
from tests.functional.appkit import add_meeting, empty_demo_dict
from tests.functional.test_reliability_app import BrokenDisk
from tests.unit.test_storage_support import start_holder
from tui.cli import main as cli_main

EDITOR_WORDS = ("入力中", "開き直して", "保存してください")


def run(*args: object) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = cli_main([str(a) for a in args])
    return code, err.getvalue()


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "data"
    meeting_id = add_meeting(root, empty_demo_dict())
    with DataDir(root) as datadir:
        datadir.backups.backup_now(meeting_id, datadir.meeting_path(meeting_id))
        backup = datadir.backups.newest_backup(meeting_id)
        datadir.backup_zip(tmp_path / "all.zip")
    return root, backup, tmp_path / "all.zip"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EIO], ids=errno.errorcode.get)
@pytest.mark.parametrize("command", ["restore-backup", "restore-zip", "import", "backup"])
def test_a_failed_write_on_the_command_line_says_what_to_do_in_command_words(folder, monkeypatch, tmp_path, code, command):
    root, backup, zipped = folder
    example = tmp_path / "example.json"
    example.write_text(json.dumps(example_from_format_page(), ensure_ascii=False), encoding="utf-8")
    args = {
        "restore-backup": ("restore", backup),
        "restore-zip": ("restore", zipped),
        "import": ("import", example),
        "backup": ("backup", "-o", tmp_path / "out" / "all.zip"),
    }[command]
    (tmp_path / "out").mkdir()
    # The disk that fails: the data folder's, or for a zip backup the one it is written to.
    disk = BrokenDisk(monkeypatch, tmp_path / "out" if command == "backup" else root, code)
    disk.break_()
    status, err = run("--data-dir", root, *args)
    disk.heal()
    assert status == 1, err
    assert "Traceback" not in err
    for words in EDITOR_WORDS:
        assert words not in err, err
    assert "書きかけのファイルは残していません" in err or "書き込めません" in err or "権限" in err, err
    if code in (errno.ENOSPC, errno.EIO):
        assert "もう一度同じコマンドを実行してください" in err, err


def test_a_restore_while_the_app_runs_says_to_run_it_again(folder):
    root, backup, zipped = folder
    holder = start_holder(root)
    try:
        status, err = run("--data-dir", root, "restore", backup)
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=10)
    assert status == 1
    assert "もう一度コマンドを実行してください" in err and "開き直して" not in err, err


def test_the_app_keeps_its_own_words(tmp_path):
    # The entry bar's words stay where there is an entry bar.
    from storage.errors import WriteFailedError

    error = WriteFailedError(Path("meetings/x.json"), OSError(errno.ENOSPC, "No space left on device"))
    assert "入力中の文章は消えていません" in error.message
    assert "入力中" not in error.for_command_line() and "もう一度同じコマンドを実行してください" in error.for_command_line()
