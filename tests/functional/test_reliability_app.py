"""Reliability: what survives a failed write, a damaged file and a second copy.

1. Failures in the middle of import, backup and restore. A failure is injected
   after each step of each atomic write of the command (the temporary file
   written, fsynced, renamed over the target, the folder fsynced) — as an
   error (the code's own clean-up runs) and as a crash (``os._exit`` in a
   child process: nothing runs). Afterwards every file reads, every meeting
   the library lists opens, the library is the old one or the new one, a
   backup zip is absent or complete, and an interrupted restore, run again,
   ends exactly as an uninterrupted one.
2. A full disk, a read-only folder, a missing permission, an I/O error, in the
   running app: the operating system's calls on the data folder fail with the
   real error numbers (tests run as root, which ignores permissions, so the
   calls are patched; a real read-only folder is tried too when not root).
   The text stays in the entry bar, the message says what happened and what to
   do, the app keeps running, and once the disk is back the next Enter saves.
3. Damaged files: a meeting file that is truncated, empty, garbage or from a
   newer version, and a damaged library. A clear message names the file and
   its newest backup; the file is left untouched; the rest stays usable; the
   app offers to restore from the backup, and ``kaigiroku restore`` does what
   the message says.
4. A second copy on the same data folder is read-only with a clear message
   (viewing and export still work), and the lock of a copy that was killed is
   taken over at once.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from minutes.model import Speech
from screens.confirm import Confirm
from screens.export import ExportScreen
from screens.files import FilesScreen
from screens.meeting import MeetingScreen
from storage import DataDir, atomic
from storage.backups import read_restore_zip
from storage.drafts import decode_draft
from storage.lock import read_lock_info
from storage.meetings import meeting_from_bytes
from tests.conftest import example_from_format_page, snapshot
from tests.functional.appkit import add_meeting, demo_dict, empty_demo_dict, load, log_lines, make_app, paste
from tests.unit.test_storage_support import child_env, start_holder
from tui.cli import main as cli_main

SIZE = (120, 36)
STEPS = ["written", "fsynced", "replaced", "dir_fsynced"]
NOT_LOST = "入力中の文章は消えていません"


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def quiet_cli(*args: object) -> tuple[int, str]:
    """The command line in this process; (exit status, stderr)."""
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = cli_main([str(a) for a in args])
    return code, err.getvalue()


# ============================================================================================
# 1. Failures in the middle of import, backup and restore
# ============================================================================================


def assert_everything_reads(root: Path) -> list[str]:
    """Every file of the data folder reads, and every listed meeting opens; the listed ids."""
    datadir = DataDir(root)
    ids = [row["id"] for row in datadir.list_meetings()]
    for meeting_id in ids:
        datadir.load_meeting(meeting_id)
    for path in (root / "meetings").glob("*.json"):
        meeting_from_bytes(path.read_bytes(), path)
    for path in (root / "drafts").glob("*.json") if (root / "drafts").is_dir() else []:
        decode_draft(path.read_bytes())
    for path in (root / "backups").glob("*/*.json") if (root / "backups").is_dir() else []:
        if path.parent.name != "_library":
            meeting_from_bytes(path.read_bytes(), path)
    return ids


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*.tmp")]


def inject_error(monkeypatch, step: str, nth: int) -> None:
    """The ``nth`` atomic write (from 1) fails with EIO right after ``step``."""
    seen = {"count": 0}

    def hook(current: str) -> None:
        if current == step:
            seen["count"] += 1
            if seen["count"] == nth:
                raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic, "_fault_hook", hook)


CRASH_CHILD = textwrap.dedent(
    """
    import os, sys
    from storage import atomic
    step, nth = sys.argv[1], int(sys.argv[2])
    seen = [0]
    def hook(current):
        if current == step:
            seen[0] += 1
            if seen[0] == nth:
                os._exit(17)          # the process dies here: no clean-up of any kind
    atomic._fault_hook = hook
    from tui.cli import main
    sys.exit(main(sys.argv[3:]))
    """
)


def crash_at(step: str, nth: int, *args: object) -> int:
    """Run the command line in a child that dies after ``step`` of its ``nth`` write; its status."""
    done = subprocess.run(
        [sys.executable, "-c", CRASH_CHILD, step, str(nth), *(str(a) for a in args)],
        env=child_env(),
        capture_output=True,
        timeout=60,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return done.returncode


def count_writes(*args: object) -> int:
    """How many atomic writes the command makes."""
    seen = []
    saved = atomic._fault_hook
    atomic._fault_hook = lambda step: seen.append(step)
    try:
        code, err = quiet_cli(*args)
    finally:
        atomic._fault_hook = saved
    assert code == 0, err
    return seen.count("written")


@pytest.fixture
def library_folder(tmp_path) -> tuple[Path, Path, Path]:
    """(a data folder with two meetings and a draft, a backup zip of it, an interchange file)."""
    root = tmp_path / "template"
    first = add_meeting(root, demo_dict())
    add_meeting(root, empty_demo_dict())
    with DataDir(root) as datadir:
        datadir.save_draft(first, "下書きの文章")
    zip_path = tmp_path / "backup.zip"
    assert quiet_cli("--data-dir", root, "backup", "-o", zip_path)[0] == 0
    add_meeting(root, empty_demo_dict())  # a third meeting, not in the zip
    example = tmp_path / "example.json"
    example.write_text(json.dumps(example_from_format_page(), ensure_ascii=False), encoding="utf-8")
    return root, zip_path, example


@pytest.mark.parametrize("mode", ["error", "crash"])
def test_import_interrupted_at_any_step_leaves_the_old_or_the_new_library(tmp_path, library_folder, mode, monkeypatch):
    template, _, example = library_folder
    old_ids = set(assert_everything_reads(template))
    scratch = tmp_path / "count"
    shutil.copytree(template, scratch)
    writes = count_writes("--data-dir", scratch, "import", example)
    assert writes >= 3  # lock.info, the meeting file, the library
    for nth in range(1, writes + 1):
        for step in STEPS:
            root = tmp_path / f"{mode}-{nth}-{step}"
            shutil.copytree(template, root)
            if mode == "error":
                inject_error(monkeypatch, step, nth)
                code, err = quiet_cli("--data-dir", root, "import", example)
                monkeypatch.undo()
                # lock.info only names the holder: a failure to write it does not stop the import.
                assert "Traceback" not in err and (code == 0 or (code == 1 and "保存できませんでした" in err)), err
                assert not temp_files(root), f"{nth}/{step}: a failed write left its temporary file"
            else:
                assert crash_at(step, nth, "--data-dir", root, "import", example) == 17
            where = f"write {nth}, after {step} ({mode})"
            ids = set(assert_everything_reads(root))
            assert ids == old_ids or (len(ids - old_ids) == 1 and old_ids < ids), where
            for new_id in ids - old_ids:
                assert load(root, new_id).body == example_from_format_page()["body"], where
            DataDir(root).acquire_lock().release_lock()  # the next writer sweeps what a crash left
            assert not temp_files(root), where
            assert quiet_cli("--data-dir", root, "import", example)[0] == 0, f"{where}: a later import fails"


@pytest.mark.parametrize("mode", ["error", "crash"])
def test_backup_interrupted_at_any_step_leaves_no_zip_or_a_whole_one(tmp_path, library_folder, mode, monkeypatch):
    template, _, _ = library_folder
    before = snapshot(template)
    for step in STEPS:
        out = tmp_path / f"out-{mode}-{step}"
        out.mkdir()
        zip_path = out / "backup.zip"
        if mode == "error":
            inject_error(monkeypatch, step, 1)
            code, err = quiet_cli("--data-dir", template, "backup", "-o", zip_path)
            monkeypatch.undo()
            assert code == 1 and "Traceback" not in err, err
            assert [p.name for p in out.iterdir()] in ([], ["backup.zip"]), "a temporary file was left"
        else:
            assert crash_at(step, 1, "--data-dir", template, "backup", "-o", zip_path) == 17
            # A crash before the rename leaves the temporary zip (0600) in the chosen folder.
            for leftover in temp_files(out):
                assert leftover.stat().st_mode & 0o077 == 0
        if step in ("replaced", "dir_fsynced"):
            assert len(read_restore_zip(zip_path)) >= 3, "the zip is in place and whole"
        else:
            assert not zip_path.exists()
        assert snapshot(template) == before, "a backup never changes the data folder"


@pytest.mark.parametrize("mode", ["error", "crash"])
def test_restore_interrupted_at_any_step_reads_and_a_second_run_finishes_it(tmp_path, library_folder, mode, monkeypatch):
    template, zip_path, _ = library_folder
    with zipfile.ZipFile(zip_path) as archive:
        expected = {name: archive.read(name) for name in archive.namelist()}
    scratch = tmp_path / "count"
    shutil.copytree(template, scratch)
    writes = count_writes("--data-dir", scratch, "restore", zip_path)
    assert writes >= 7
    steps = STEPS if mode == "error" else ["fsynced", "replaced"]  # a crash costs a process: two steps suffice
    for nth in range(1, writes + 1):
        for step in steps:
            root = tmp_path / f"{mode}-{nth}-{step}"
            shutil.copytree(template, root)
            where = f"write {nth}, after {step} ({mode})"
            if mode == "error":
                inject_error(monkeypatch, step, nth)
                code, err = quiet_cli("--data-dir", root, "restore", zip_path)
                monkeypatch.undo()
                assert code in (0, 1) and "Traceback" not in err, err  # 0: only lock.info failed
            else:
                assert crash_at(step, nth, "--data-dir", root, "restore", zip_path) == 17
            assert_everything_reads(root)
            for name, data in expected.items():  # each file is the old one or the zip's, whole
                current = (root / name).read_bytes() if (root / name).exists() else None
                assert current in (data, (template / name).read_bytes() if (template / name).exists() else None), where
            code, err = quiet_cli("--data-dir", root, "restore", zip_path)
            assert code == 0, f"{where}: the second restore failed: {err}"
            for name, data in expected.items():
                assert (root / name).read_bytes() == data, where
            listed = {f"meetings/{i}.json" for i in assert_everything_reads(root)}
            assert listed == {n for n in expected if n.startswith("meetings/")}, where
            assert not temp_files(root), where


# ============================================================================================
# 2. A full disk, a read-only folder, a missing permission — in the running app
# ============================================================================================

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class BrokenDisk:
    """The data folder's disk failing with ``code``, at the level of the OS calls, until healed.

    ENOSPC (and EDQUOT, EIO): files open, but writing fails (``os.write``, and
    the flush of a buffered file, where storage's ``_fault_hook("written")``
    sits). EROFS and EACCES: opening for writing, renaming, removing and
    creating folders fail, as a read-only or foreign folder does.
    """

    def __init__(self, monkeypatch, root: Path, code: int) -> None:
        self.root = str(root)
        self.code = code
        self.broken = False
        self.failures = 0
        self._fds: set[int] = set()
        real_open, real_write = os.open, os.write

        def inside(path) -> bool:
            try:
                return os.path.abspath(os.fsdecode(path)).startswith(self.root + os.sep)
            except (TypeError, ValueError):
                return False

        def fail(path=None):
            self.failures += 1
            raise OSError(self.code, os.strerror(self.code), os.fsdecode(path) if path is not None else None)

        def fake_open(path, flags, *args, **kwargs):
            if self.broken and inside(path) and flags & _WRITE_FLAGS and self.refuses_opening:
                fail(path)
            fd = real_open(path, flags, *args, **kwargs)
            if inside(path) and flags & _WRITE_FLAGS:
                self._fds.add(fd)
            return fd

        def fake_write(fd, data):
            if self.broken and fd in self._fds and not self.refuses_opening:
                fail()
            return real_write(fd, data)

        def guard(real):
            def call(*args, **kwargs):
                if self.broken and self.refuses_opening and any(inside(a) for a in args[:2] if isinstance(a, (str, os.PathLike))):
                    fail(args[0])
                return real(*args, **kwargs)

            return call

        def hook(step: str) -> None:
            if self.broken and step == "written" and not self.refuses_opening:
                fail()

        monkeypatch.setattr(os, "open", fake_open)
        monkeypatch.setattr(os, "write", fake_write)
        for name in ("replace", "rename", "unlink", "mkdir"):
            monkeypatch.setattr(os, name, guard(getattr(os, name)))
        monkeypatch.setattr(atomic, "_fault_hook", hook)

    @property
    def refuses_opening(self) -> bool:
        return self.code in (errno.EROFS, errno.EACCES, errno.EPERM)

    def break_(self) -> None:
        self.broken = True

    def heal(self) -> None:
        self.broken = False


DISK_FAILURES = {
    "full": (errno.ENOSPC, ["ディスクの空きがありません", "空きを作って"]),
    "read-only": (errno.EROFS, ["読み取り専用の場所", "--data-dir"]),
    "permission": (errno.EACCES, ["権限がありません", "権限を確かめる"]),
    "io-error": (errno.EIO, ["保存できませんでした", "もう一度保存してください"]),
}


@pytest.mark.parametrize("kind", list(DISK_FAILURES))
async def test_a_failed_write_keeps_the_text_says_why_and_the_next_enter_saves(root, monkeypatch, kind):
    code, words = DISK_FAILURES[kind]
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root, meeting_id)
    disk = BrokenDisk(monkeypatch, root, code)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await paste(pilot, "最初の発言です。")
        await pilot.press("enter")
        await pilot.pause()

        disk.break_()
        await paste(pilot, "書けないときの発言です。")
        await pilot.press("enter")
        await pilot.pause()
        assert disk.failures, "the failure was not reached"
        assert screen.bar.text == "書けないときの発言です。"
        assert not any("書けないとき" in line for line in log_lines(screen))
        failure = [m for m in notes(app) if all(w in m for w in words)]
        assert failure, notes(app)
        assert NOT_LOST in failure[-1] and str(root) in failure[-1]
        # The app keeps running: the header cannot be saved either, and says so; the draft waits.
        start = load(root, meeting_id).start
        await pilot.press("ctrl+b", "enter")  # the field with now filled in, accepted
        await pilot.pause(0.8)  # long enough for a draft save to be tried (and fail quietly)
        assert app.screen is screen and app.is_running
        assert screen.meeting.start == start, "a header change that could not be saved is taken back"
        await pilot.press("f3")  # still taking keys
        assert screen.bar.text == "書けないときの発言です。"

        disk.heal()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.bar.text == ""
        assert [e.text for e in load(root, meeting_id).agenda[0].log] == ["最初の発言です。", "書けないときの発言です。"]
        await paste(pilot, "回復後の下書き")
        await pilot.pause(0.8)
        assert DataDir(root).load_draft(meeting_id) == "回復後の下書き"
    app.release()
    assert_everything_reads(root)
    assert not temp_files(root), "a failed write left a temporary file"


async def test_a_full_disk_when_the_meeting_opens_still_opens_it(root, monkeypatch):
    """The backup taken on open fails; the meeting opens anyway and says what happened."""
    meeting_id = add_meeting(root, empty_demo_dict())
    disk = BrokenDisk(monkeypatch, root, errno.ENOSPC)
    disk.break_()
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await paste(pilot, "空きがないまま打った発言。")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.bar.text == "空きがないまま打った発言。"
        disk.heal()
        await pilot.press("enter")
        await pilot.pause()
    app.release()
    assert load(root, meeting_id).agenda[0].log[0].text == "空きがないまま打った発言。"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
async def test_a_really_read_only_folder(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        for folder in (root, root / "meetings"):
            folder.chmod(0o500)
        try:
            await paste(pilot, "読み取り専用のフォルダ。")
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen.bar.text == "読み取り専用のフォルダ。"
            assert any("権限がありません" in m for m in notes(app)), notes(app)
        finally:
            for folder in (root, root / "meetings"):
                folder.chmod(0o700)
        await pilot.press("enter")
        await pilot.pause()
    app.release()
    assert load(root, meeting_id).agenda[0].log[0].text == "読み取り専用のフォルダ。"


# ============================================================================================
# 3. Damaged files
# ============================================================================================


def damage(path: Path, kind: str) -> bytes:
    data = path.read_bytes()
    damaged = {
        "truncated": data[: len(data) // 2],
        "empty": b"",
        "garbage": b"\x89PNG\r\n\x1a\n\x00\x00garbage \xff\xfe",
        # the file's own schema version (the first "version"), whichever it is: library 1, meeting 2
        "newer": re.sub(rb'"version": [0-9]+', b'"version": 99', data, count=1),
    }[kind]
    assert damaged != data
    path.write_bytes(damaged)
    return damaged


def with_backup(root: Path, meeting_id: str, text: str = "バックアップにある発言。") -> Path:
    """Add an entry through a store (the backup on open is taken), then open once more: a backup that has it."""
    with DataDir(root) as datadir:
        store = datadir.open_meeting(meeting_id)
        store.meeting.agenda[0].log.append(Speech(text=text, label="委員"))
        store.save_agenda()
        store.close()
        datadir.open_meeting(meeting_id).close()
        return datadir.backups.newest_backup(meeting_id)


@pytest.mark.parametrize("kind", ["truncated", "empty", "garbage", "newer"])
async def test_a_damaged_meeting_is_named_left_alone_and_restored_from_its_backup(root, kind, capsys):
    good = add_meeting(root, demo_dict())
    bad = add_meeting(root, empty_demo_dict())
    backup = with_backup(root, bad)
    path = root / "meetings" / f"{bad}.json"
    damaged = damage(path, kind)

    # The command line: list still works, export names the file and the backup.
    code, err = quiet_cli("--data-dir", root, "export", bad)
    assert code == 1 and str(path) in err and str(backup) in err and "Traceback" not in err
    assert f"kaigiroku restore {backup}" in err
    assert quiet_cli("--data-dir", root, "export", good)[0] == 0
    assert path.read_bytes() == damaged

    app = make_app(root, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(bad)
        await pilot.pause()
        assert isinstance(app.screen, Confirm), app.screen
        question = app.screen.question
        assert str(path) in question and str(backup) in question and "trash/" in question
        assert path.read_bytes() == damaged, "asking changes nothing"
        await pilot.press("escape")
        await pilot.pause()
        assert path.read_bytes() == damaged
        assert any(str(path) in m for m in notes(app))
        # The rest of the library is usable.
        app.open_meeting(good)
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and app.screen.meeting_id == good
        await paste(pilot, "ほかの会議は使える。")
        await pilot.press("enter")
        await pilot.pause()
        assert load(root, good).agenda[-1].log[-1].text == "ほかの会議は使える。" or any(
            e.text == "ほかの会議は使える。" for item in load(root, good).agenda for e in item.log if isinstance(e, Speech)
        )
        app.pop_screen()
        await pilot.pause()
        # Yes: restored from the newest backup, the damaged file kept in trash/, the meeting open.
        app.open_meeting(bad)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen) and app.screen.meeting_id == bad
        assert [e.text for e in app.screen.meeting.agenda[0].log] == ["バックアップにある発言。"]
        assert any("復元しました" in m for m in notes(app))
    app.release()
    trashed = list((root / "trash").glob(f"{bad}-*.json"))
    assert [p.read_bytes() for p in trashed] == [damaged]


async def test_kaigiroku_restore_does_what_the_message_says(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    backup = with_backup(root, meeting_id)
    path = root / "meetings" / f"{meeting_id}.json"
    damaged = damage(path, "truncated")
    code, err = quiet_cli("--data-dir", root, "export", meeting_id)
    assert code == 1
    command = err.rsplit("kaigiroku restore ", 1)[1].split()[0]
    assert Path(command) == backup
    assert quiet_cli("--data-dir", root, "restore", command)[0] == 0
    assert [e.text for e in load(root, meeting_id).agenda[0].log] == ["バックアップにある発言。"]
    assert [p.read_bytes() for p in (root / "trash").glob(f"{meeting_id}-*.json")] == [damaged]


async def test_opening_a_damaged_meeting_by_its_id_offers_its_backup_over_the_list(root):
    """``kaigiroku open ID`` of a damaged meeting: the list, and over it the offer to restore."""
    meeting_id = add_meeting(root, empty_demo_dict())
    backup = with_backup(root, meeting_id)
    damage(root / "meetings" / f"{meeting_id}.json", "garbage")
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and str(backup) in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "MeetingListScreen"
        assert any("kaigiroku restore" in m for m in notes(app))
    app.release()


async def test_a_damaged_meeting_without_backup_is_named_and_nothing_is_offered(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    path = root / "meetings" / f"{meeting_id}.json"
    damaged = damage(path, "garbage")
    app = make_app(root, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_meeting(meeting_id)
        await pilot.pause()
        assert not isinstance(app.screen, Confirm)
        message = [m for m in notes(app) if str(path) in m]
        assert message and "バックアップはありません" in message[-1]
    app.release()
    assert path.read_bytes() == damaged


async def test_a_second_copy_is_not_offered_a_restore_it_cannot_write(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    with_backup(root, meeting_id)
    damaged = damage(root / "meetings" / f"{meeting_id}.json", "empty")
    holder = DataDir(root).acquire_lock()
    try:
        app = make_app(root, None)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.open_meeting(meeting_id)
            await pilot.pause()
            assert not isinstance(app.screen, Confirm)
            assert any("kaigiroku restore" in m for m in notes(app))
        app.release()
    finally:
        holder.release_lock()
    assert (root / "meetings" / f"{meeting_id}.json").read_bytes() == damaged


@pytest.mark.parametrize("kind", ["truncated", "empty", "garbage", "newer"])
async def test_a_damaged_library_is_named_left_alone_and_a_zip_restores_it(root, tmp_path, kind):
    meeting_id = add_meeting(root, empty_demo_dict())
    zip_path = tmp_path / "before.zip"
    assert quiet_cli("--data-dir", root, "backup", "-o", zip_path)[0] == 0
    library = root / "library.json"
    damaged = damage(library, kind)
    code, err = quiet_cli("--data-dir", root, "list")
    assert code == 1 and str(library) in err and "Traceback" not in err
    assert quiet_cli("--data-dir", root, "export", meeting_id)[0] == 0, "a meeting still exports by its id"

    app = make_app(root, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any(str(library) in m for m in notes(app)), notes(app)
        assert library.read_bytes() == damaged
        # The meeting itself still opens by its id and takes entries.
        app.open_meeting(meeting_id)
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        await paste(pilot, "一覧が壊れていても書ける。")
        await pilot.press("enter")
        await pilot.pause()
        assert load(root, meeting_id).agenda[0].log[-1].text == "一覧が壊れていても書ける。"
        assert library.read_bytes() == damaged, "nothing writes over a damaged library"
        # The files screen restores the folder from the zip.
        app.push_screen(FilesScreen())
        await pilot.pause()
        files = app.screen
        files.ask_restore(zip_path)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert any("から復元しました" in m for m in notes(app)), notes(app)
    app.release()
    assert [row["id"] for row in DataDir(root).list_meetings()] == [meeting_id]
    trashed = [p.read_bytes() for p in (root / "backups" / "_library").glob("*.json")]
    assert damaged in trashed, "the damaged library is kept among the backups"


# ============================================================================================
# 4. Two copies on one data folder
# ============================================================================================


async def test_a_second_copy_views_and_exports_but_cannot_write(root):
    meeting_id = add_meeting(root, demo_dict())
    before = snapshot(root / "meetings")
    holder = start_holder(root)
    try:
        app = make_app(root, meeting_id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            message = [m for m in notes(app) if "使用中" in m]
            assert message and f"PID {holder.pid}" in message[0] and "閲覧と書き出し" in message[0]
            screen = app.screen
            assert isinstance(screen, MeetingScreen) and screen.read_only
            assert any("議事の1番目" in line for line in log_lines(screen)), "the minutes can be read"
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert any("変更はできません" in m for m in notes(app))
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ExportScreen)
            assert "議事の1番目" in app.screen.query_one("#text-preview").text
        app.release()
    finally:
        holder.communicate("\n", timeout=10)
    assert snapshot(root / "meetings") == before


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
async def test_the_lock_of_a_killed_copy_is_taken_over(root):
    meeting_id = add_meeting(root, empty_demo_dict())
    holder = start_holder(root)
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate(timeout=10)
    assert read_lock_info(root)["pid"] == holder.pid, "the killed copy's note is still there"
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.read_only_reason is None
        assert not any("使用中" in m for m in notes(app))
        assert read_lock_info(root)["pid"] == os.getpid()
        await paste(pilot, "引き継いだあとの発言。")
        await pilot.press("enter")
        await pilot.pause()
    app.release()
    assert load(root, meeting_id).agenda[0].log[0].text == "引き継いだあとの発言。"


async def test_a_folder_that_cannot_be_written_at_start_opens_read_only_and_says_why(root, monkeypatch):
    meeting_id = add_meeting(root, demo_dict())
    (root / "lock").unlink(missing_ok=True)
    disk = BrokenDisk(monkeypatch, root, errno.EROFS)
    disk.break_()
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.read_only_reason == "データフォルダに書き込めません"
        assert any("読み取り専用の場所" in m for m in notes(app)), notes(app)
        assert not any("別のkaigiroku" in m for m in notes(app))
        assert isinstance(app.screen, MeetingScreen) and app.screen.read_only
        assert any("議事の1番目" in line for line in log_lines(app.screen)), "the minutes can still be read"
    app.release()


# ============================================================================================
# The promises in writing
# ============================================================================================


def test_every_promise_in_the_readme_names_a_test_that_exists():
    """Each row of the README's table of promises is backed by tests that are really there."""
    import ast
    import re

    repo = Path(__file__).resolve().parents[2]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 何が何に耐えるか", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")][1:]
    assert len(rows) >= 8, "the table of promises is missing rows"
    defined: dict[str, set[str]] = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 3 and all(cells), row
        references = re.findall(r"`([^`]*::[^`]*)`", cells[2])
        assert references, f"a promise without a test: {row}"
        path = None
        for reference in references:
            file_part, name = reference.split("::", 1)
            path = file_part or path
            assert path, reference
            if path not in defined:
                tree = ast.parse((repo / path).read_text(encoding="utf-8"))
                defined[path] = {
                    node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                }
            assert name in defined[path], f"README names {path}::{name}, which does not exist"
