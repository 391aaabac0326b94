"""Private files: the minutes hold personal information, so nobody else on the machine may read them.

Under umask 0 (everything would be world-writable) and umask 077, the real
work of a day — import, the app with its lock, the backup taken on open, entries
(the meeting file and its journal), the draft, ctrl+q; a damaged meeting
restored from its backup (``trash/``), a meeting moved to the trash, a backup
zip and a restore from it (``trash/restore-…``) — leaves every folder of the
data folder 0700 and every file 0600, on POSIX, and the zip backup 0600 too.

And nothing of the speeches is written anywhere else: no temporary file is
left (in the data folder or the temporary folder), and no file outside the
data folder (home, current folder, temporary folder) holds the speech text,
save the files the clerk asked for. (``tests/e2e/test_no_network.py`` checks
the same with strace, for every path the real command writes.)
"""

from __future__ import annotations

import io
import json
import os
import stat
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from storage import DataDir
from tests.conftest import example_from_format_page
from tests.functional.appkit import make_app, paste
from tui.cli import main as cli_main

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

SPEECH = "秘密の発言・個人情報を含む"
DRAFT = "秘密の下書き・個人情報を含む"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def modes(root: Path) -> dict[str, str]:
    """Every path under ``root`` (and root) that is not private: path → its mode."""
    wrong = {}
    for path in [root, *root.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        if mode_of(path) != expected:
            wrong[str(path.relative_to(root.parent))] = oct(mode_of(path))
    return wrong


def cli(*args: object) -> str:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main([str(a) for a in args])
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture
def private_world(tmp_path, monkeypatch):
    """A home, a current folder and a temporary folder of our own, to search afterwards."""
    home, work, temp = tmp_path / "home", tmp_path / "work", tmp_path / "tmp"
    for folder in (home, work, temp):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "docs"))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.chdir(work)
    return home, work, temp


@pytest.mark.parametrize("umask", [0o000, 0o077, 0o022], ids=["umask-000", "umask-077", "umask-022"])
async def test_every_file_and_folder_the_app_writes_is_private(tmp_path, private_world, umask):
    home, work, temp = private_world
    root = tmp_path / "data"  # not there yet: the first write creates it
    outputs = tmp_path / "out"
    outputs.mkdir()
    saved = os.umask(umask)
    try:
        example = outputs / "example.json"
        example.write_text(json.dumps(example_from_format_page(), ensure_ascii=False), encoding="utf-8")
        meeting_id = cli("--data-dir", root, "import", example).strip().rsplit(" ", 1)[1]
        other_id = cli("--data-dir", root, "import", example).strip().rsplit(" ", 1)[1]

        app = make_app(root, meeting_id)
        async with app.run_test(size=(120, 36)) as pilot:
            await paste(pilot, SPEECH)
            await pilot.press("enter")
            await pilot.pause()
            await paste(pilot, DRAFT)
            await pilot.pause(0.8)  # the draft is saved
            running = modes(root)
            assert (root / "lock.info").exists() and (root / "drafts" / f"{meeting_id}.json").exists()
            assert running == {}, f"while the app runs (umask {umask:03o}): {running}"
            await pilot.press("ctrl+q")
            await pilot.pause()
        app.release()

        datadir = DataDir(root)
        with datadir.write_lock():
            # A damaged meeting restored from its backup: the damaged file goes to trash/.
            backup = datadir.backups.newest_backup(meeting_id)
            assert backup is not None
            (root / "meetings" / f"{meeting_id}.json").write_bytes(b"")
            os.chmod(root / "meetings" / f"{meeting_id}.json", 0o600)
            datadir.restore_meeting_backup(backup, meeting_id)
            # A meeting moved to the trash (where the app offers it).
            if hasattr(datadir, "delete_meeting"):
                datadir.delete_meeting(other_id)
        zip_path = outputs / "backup.zip"
        cli("--data-dir", root, "backup", "-o", zip_path)
        cli("--data-dir", root, "import", example)  # not in the zip: the restore sets it aside
        cli("--data-dir", root, "restore", zip_path)
        assert mode_of(zip_path) == 0o600, "a backup zip holds everything: it is private too"
    finally:
        os.umask(saved)

    names = {p.relative_to(root).parts[0] for p in root.rglob("*")}
    assert {"library.json", "meetings", "backups", "drafts", "trash", "lock"} <= names, names
    assert list((root / "trash").glob("restore-*/meetings/*.json")), "the restore set a meeting aside in trash/"
    wrong = modes(root)
    assert wrong == {}, f"not private under umask {umask:03o}: {wrong}"

    # No temporary file left anywhere, and the speeches only where they belong.
    assert not list(root.rglob(".*.tmp")), "a temporary file was left in the data folder"
    assert not list(temp.iterdir()), f"files left in the temporary folder: {list(temp.iterdir())}"
    for folder in (home, work, temp, outputs):
        for path in folder.rglob("*"):
            if path.is_file() and path != zip_path:
                data = path.read_bytes()
                assert SPEECH.encode() not in data and DRAFT.encode() not in data, f"speech text in {path}"


def test_an_existing_data_folder_keeps_its_mode_but_what_we_create_inside_is_private(tmp_path):
    """A folder the clerk made (say 0755) is theirs; everything kaigiroku creates in it is 0700/0600."""
    root = tmp_path / "data"
    root.mkdir()
    os.chmod(root, 0o755)
    saved = os.umask(0)
    try:
        with DataDir(root) as datadir:
            from minutes.interchange import meeting_from_dict

            meeting_id = datadir.add_meeting(meeting_from_dict(example_from_format_page(), "x"))
            datadir.save_draft(meeting_id, DRAFT)
            datadir.open_meeting(meeting_id).close()
    finally:
        os.umask(saved)
    assert mode_of(root) == 0o755
    wrong = {k: v for k, v in modes(root).items() if k != root.name}
    assert wrong == {}, wrong
