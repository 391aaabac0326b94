"""The files screen (screens/files.py): import, export, backup and restore from the app.

Each action is checked against the command line: the same files come out, and
the same refusals come with the same messages (the command line is run in this
process, ``tui.cli.main``, so both see the same data folder and the same lock).
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from minutes.interchange import dumps_meeting, parse_meeting
from screens.confirm import Confirm
from screens.files import FilesScreen, describe_backup
from screens.meeting import MeetingScreen
from screens.path_dialog import PathDialog
from storage import DataDir
from tests.conftest import PipeWatchdog, example_from_format_page, snapshot
from tests.functional.appkit import add_meeting, demo_dict, empty_demo_dict, load, make_app, paste
from tui.cli import main as cli_main

SIZE = (120, 36)


@pytest.fixture
def docs(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(folder))
    return folder


@pytest.fixture
def meeting_id(root) -> str:
    return add_meeting(root, empty_demo_dict())


@pytest.fixture
def cli(capsys, root):
    """``cli(*args) -> (code, stdout, stderr)``: the command line in this process, on ``root``."""

    def run(*args: object) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli_main(["--data-dir", str(root), *(str(a) for a in args)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def cli_message(err: str) -> str:
    """The command line's message without its ``kaigiroku: `` prefix."""
    assert err.startswith("kaigiroku: "), err
    return err[len("kaigiroku: "):].rstrip("\n")


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_files(pilot, meeting_id: str | None = None) -> FilesScreen:
    pilot.app.push_screen(FilesScreen(meeting_id))
    await pilot.pause()
    assert isinstance(pilot.app.screen, FilesScreen)
    return pilot.app.screen


async def answer_path(pilot, path: Path | str) -> None:
    """Fill the path dialog that is showing, and press Enter."""
    assert isinstance(pilot.app.screen, PathDialog), pilot.app.screen
    pilot.app.screen.query_one("Input").value = str(path)
    await pilot.press("enter")
    await pilot.pause()


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# -- import ----------------------------------------------------------------------------------


async def test_f2_imports_a_file_like_the_command_line(root, meeting_id, docs, tmp_path):
    source = write_json(tmp_path / "example.json", example_from_format_page())
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_files(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        assert app.screen.query_one("Input").value == f"{docs}/"
        await answer_path(pilot, source)
        screen = app.screen
        assert isinstance(screen, FilesScreen)
        assert screen.last_message.startswith("会議を取り込みました。ID: ")
        new_id = screen.last_message.rsplit(" ", 1)[1]
        assert screen.changed
    assert load(root, new_id) == parse_meeting(source.read_bytes(), str(source))
    assert {row["id"] for row in DataDir(root).list_meetings()} == {meeting_id, new_id}


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    bad_format = example_from_format_page()
    bad_format["people"][0]["group"] = 3
    utf16 = tmp_path / "utf16.json"
    utf16.write_text(json.dumps(example_from_format_page(), ensure_ascii=False), encoding="utf-16")
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\xff{not json")
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    return {
        "missing": tmp_path / "missing.json",
        "folder": folder,
        "garbage": garbage,
        "utf16": utf16,
        "format": write_json(tmp_path / "bad.json", bad_format),
        "not-a-meeting": write_json(tmp_path / "list.json", [1, 2, 3]),
    }


async def test_a_refused_import_says_what_the_command_line_says_and_changes_nothing(root, meeting_id, tmp_path, cli):
    bad = _bad_files(tmp_path)
    before = snapshot(root)
    expected = {}
    for name, path in bad.items():
        code, _, err = cli("import", path)
        assert code == 1, (name, err)
        expected[name] = cli_message(err)
    assert snapshot(root) == before
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_files(pilot)
        before = snapshot(root)
        for name, path in bad.items():
            assert screen.import_file(path) is None
            assert screen.last_message == expected[name], name
            assert "Traceback" not in screen.last_message
        assert not screen.changed
        assert snapshot(root) == before


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes")
async def test_a_named_pipe_chosen_to_import_is_refused_at_once(root, meeting_id, tmp_path):
    # Read as the command line reads it, the pipe held the screen (keys and all) until a writer came.
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_files(pilot)
        before = snapshot(root)
        with PipeWatchdog(tmp_path / "会議.json") as pipe:
            assert screen.import_file(pipe.path) is None
        assert not pipe.came, "the import waited for a writer to the pipe"
        assert "名前付きパイプ" in screen.last_message and str(pipe.path) in screen.last_message
        assert "取り込みをやめました" in screen.last_message
        assert snapshot(root) == before


# -- export ----------------------------------------------------------------------------------


async def test_f3_exports_the_open_meeting_byte_for_byte_as_the_command_line(root, docs, tmp_path, cli):
    meeting_id = add_meeting(root, demo_dict())
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, "書き出しの前の発言。")
        await pilot.press("enter")
        await pilot.pause()
        await open_files(pilot)
        await pilot.press("f3")
        await pilot.pause()
        default = Path(app.screen.query_one("Input").value)
        assert default == docs / "2022-03-15_第54回_会議録.json"
        await answer_path(pilot, docs)  # a folder: the default name goes into it
        assert app.screen.last_message == f"書き出しました: {default}"
        # Again: the file is there, so the app asks before replacing it.
        await pilot.press("f3")
        await pilot.pause()
        await answer_path(pilot, default)
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")
        await pilot.pause()
    code, _, err = cli("export", meeting_id, "--format", "json", "-o", tmp_path / "cli.json")
    assert code == 0, err
    assert default.read_bytes() == (tmp_path / "cli.json").read_bytes()
    assert "書き出しの前の発言。" in default.read_text(encoding="utf-8")


async def test_export_refuses_a_damaged_meeting_with_the_command_line_message(root, docs, tmp_path, cli):
    meeting_id = add_meeting(root, demo_dict())
    (root / "meetings" / f"{meeting_id}.json").write_bytes(b'{"_schema": {"1": {"kind": "meeting", "ver')
    code, _, err = cli("export", meeting_id, "--format", "json")
    assert code == 1
    app = make_app(root, None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_files(pilot, meeting_id)
        assert "このファイルは読めません" in str(screen.query_one("#files-meeting").render())
        assert not screen.export_json(docs / "x.json")
        assert screen.last_message == cli_message(err)
    assert not (docs / "x.json").exists()


async def test_nothing_the_clerk_names_is_written_into_the_data_folder(root, meeting_id, docs):
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_files(pilot)
        before = snapshot(root)
        assert not screen.export_json(root / "meetings" / f"{meeting_id}.json")
        assert "データフォルダ" in screen.last_message
        assert not screen.backup(root / "library.json")
        assert snapshot(root) == before


# -- backup ----------------------------------------------------------------------------------


async def test_f4_backup_writes_the_zip_the_command_line_writes_and_names_damaged_files(root, docs, tmp_path, cli):
    good = add_meeting(root, demo_dict())
    damaged = add_meeting(root, empty_demo_dict())
    (root / "meetings" / f"{damaged}.json").write_bytes(b"")
    app = make_app(root, good)
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, "バックアップ前の下書き")  # not committed: the draft goes into the zip
        await open_files(pilot)
        await pilot.press("f4")
        await pilot.pause()
        default = Path(app.screen.query_one("Input").value)
        assert default == docs / "kaigiroku-backup-20220315-180530.zip"  # named by the app's clock
        await answer_path(pilot, default)
        message = app.screen.last_message
    code, out, err = cli("backup", "-o", tmp_path / "cli.zip")
    assert code == 0
    assert message.startswith(f"バックアップを保存しました: {default}(")
    assert f"読めないため入れなかったファイル: meetings/{damaged}.json(" in message
    assert f"meetings/{damaged}.json" in err
    with zipfile.ZipFile(default) as ours, zipfile.ZipFile(tmp_path / "cli.zip") as theirs:
        assert sorted(ours.namelist()) == sorted(theirs.namelist())
        assert f"drafts/{good}.json" in ours.namelist()
        assert f"meetings/{damaged}.json" not in ours.namelist()


# -- restore ---------------------------------------------------------------------------------


async def test_f5_restores_a_zip_closing_and_reopening_the_open_meeting(root, meeting_id, docs):
    app = make_app(root, meeting_id)
    zip_path = docs / "before.zip"
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, "バックアップに入る発言。")
        await pilot.press("enter")
        await pilot.pause()
        screen = await open_files(pilot)
        assert screen.backup(zip_path)
        await pilot.press("escape")
        await pilot.pause()
        await paste(pilot, "復元で消える発言。")
        await pilot.press("enter")
        await pilot.pause()
        assert [e.text for e in load(root, meeting_id).agenda[0].log] == ["バックアップに入る発言。", "復元で消える発言。"]
        old_screen = app.screen
        await open_files(pilot)
        await pilot.press("f5")
        await pilot.pause()
        await answer_path(pilot, zip_path)
        assert isinstance(app.screen, Confirm)
        assert "会議1件" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen), app.screen_stack
        assert app.screen is not old_screen
        assert [e.text for e in app.screen.meeting.agenda[0].log] == ["バックアップに入る発言。"]
        assert any(f"「{zip_path}」から復元しました" in m for m in notes(app))
        # The reopened meeting takes entries again, into the restored file.
        await paste(pilot, "復元のあとの発言。")
        await pilot.press("enter")
        await pilot.pause()
    assert [e.text for e in load(root, meeting_id).agenda[0].log] == ["バックアップに入る発言。", "復元のあとの発言。"]


async def test_a_refused_zip_changes_nothing_and_says_what_the_command_line_says(root, meeting_id, docs, tmp_path, cli):
    bad_zip = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad_zip, "w") as archive:
        archive.writestr("../evil.json", "{}")
    not_zip = write_json(tmp_path / "not.zip", {"a": 1})
    expected = {}
    for path in (bad_zip, not_zip, tmp_path / "missing.zip"):
        code, _, err = cli("restore", path)
        assert code == 1
        expected[path] = cli_message(err)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        before = snapshot(root / "meetings")
        screen = await open_files(pilot)
        for path, message in expected.items():
            screen.ask_restore(path)
            await pilot.pause()
            assert app.screen is screen, "a refused zip must not even be offered"
            assert screen.last_message == message
        assert snapshot(root / "meetings") == before


async def test_f6_lists_a_damaged_meetings_backups_newest_first_and_restores_one(root, docs):
    from tests.unit.test_storage_support import FakeClock

    clock = FakeClock()
    meeting_id = add_meeting(root, empty_demo_dict())
    datadir = DataDir(root, clock=clock)
    texts = ["一つ目。", "二つ目。", "三つ目。"]
    with datadir.write_lock():
        for text in texts:
            store = datadir.open_meeting(meeting_id)
            from minutes.model import Speech

            store.meeting.agenda[0].log.append(Speech(text=text, label="委員"))
            store.save_agenda()
            store.close()
            clock.advance(minutes=10)
        store = datadir.open_meeting(meeting_id)  # the backup on open holds all three
        store.close()
    backups = datadir.backups.list_backups(meeting_id)
    assert len(backups) >= 3
    backups[0].write_bytes(backups[0].read_bytes()[:40])  # the newest backup is damaged too
    path = root / "meetings" / f"{meeting_id}.json"
    path.write_bytes(b"\x00" * 10)  # and the meeting file is garbage
    app = make_app(root, None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_files(pilot, meeting_id)
        await pilot.press("f6")
        await pilot.pause()
        listing = screen.query_one("#files-backups")
        assert screen.backups == backups  # newest first
        shown = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert "(最新)" in shown[0] and "読めません" in shown[0]
        assert listing.get_option_at_index(0).disabled
        assert "発言・採決" in shown[1] and describe_backup(backups[1]) in shown[1]
        assert listing.highlighted == 1, "the newest readable backup is offered first"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.last_message == f"会議「{meeting_id}」をバックアップ「{backups[1]}」から復元しました。"
    restored = load(root, meeting_id)
    assert restored.agenda[0].log  # what the backup held
    trashed = list((root / "trash").glob(f"{meeting_id}-*.json"))
    assert [p.read_bytes() for p in trashed] == [b"\x00" * 10], "the damaged file is kept in trash/, untouched"


def test_a_backup_that_may_not_be_read_is_listed_with_the_right_to_read(tmp_path, monkeypatch):
    import errno

    from screens.files import check_backup

    backup = tmp_path / "20260101T120000Z-000001.json"
    backup.write_bytes(b"{}")
    real_open = os.open

    def refused(path, *args, **kwargs):
        if str(path) == str(backup):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    assert check_backup(backup) == (False, "読めません(読む権限がありません)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
async def test_a_backup_planted_as_a_pipe_or_a_link_is_listed_unreadable_at_once(root, meeting_id, tmp_path):
    # Read with a plain read_bytes, a pipe held the list (and the screen) until a writer came, and
    # a link was read through, out of the data folder.
    folder = DataDir(root).backups.folder_for(meeting_id)
    folder.mkdir(parents=True, exist_ok=True)
    outside = tmp_path / "outside.json"
    outside.write_text(dumps_meeting(load(root, meeting_id)), encoding="utf-8")
    os.symlink(outside, folder / "20990101T000000Z-000002.json")
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_files(pilot)
        with PipeWatchdog(folder / "20990101T000000Z-000001.json") as pipe:
            await pilot.press("f6")
            await pilot.pause()
        assert not pipe.came, "the list of backups waited for a writer to the pipe"
        listing = screen.query_one("#files-backups")
        shown = {str(listing.get_option_at_index(i).prompt): listing.get_option_at_index(i).disabled for i in range(listing.option_count)}
        link_row = next(text for text in shown if "000002.json" in text)
        pipe_row = next(text for text in shown if "000001.json" in text)
        assert shown[link_row] and "リンクです" in link_row
        assert shown[pipe_row] and "通常のファイルではありません" in pipe_row
        assert listing.highlighted is not None and not listing.get_option_at_index(listing.highlighted).disabled


async def test_the_list_of_backups_reads_each_backup_once(root, meeting_id, monkeypatch):
    import screens.files

    datadir = DataDir(root)
    newest = datadir.backups.newest_backup(meeting_id) or datadir.backups.keep_copy(
        meeting_id, datadir.meeting_path(meeting_id).read_bytes(), "test"
    )
    for number in range(3):  # three more backups of the meeting
        (newest.parent / f"20990101T00000{number}Z-00000{number + 1}.json").write_bytes(newest.read_bytes())
    backups = datadir.backups.list_backups(meeting_id)
    assert len(backups) >= 3
    read = []
    real = screens.files.check_backup
    monkeypatch.setattr(screens.files, "check_backup", lambda path: (read.append(path), real(path))[1])
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_files(pilot)
        await pilot.press("f6")
        await pilot.pause()
        assert app.screen.query_one("#files-backups").option_count == len(backups) >= 1
    assert sorted(read) == sorted(backups), "each backup read once for the list"


# -- a second copy -----------------------------------------------------------------------------


async def test_a_second_copy_exports_and_backs_up_but_refuses_to_import_like_the_command_line(
    root, meeting_id, docs, tmp_path, cli
):
    source = write_json(tmp_path / "example.json", example_from_format_page())
    first = DataDir(root)
    first.acquire_lock()
    try:
        code, _, err = cli("import", source)
        assert code == 1
        # The same refusal, each in its own words for the next step: the command says to run
        # it again, the app (read-only until it is opened again) to open it again.
        assert "そちらを終了してから、もう一度コマンドを実行してください。" in cli_message(err)
        locked = cli_message(err).replace(
            "そちらを終了してから、もう一度コマンドを実行してください。", "そちらを終了してから開き直してください。"
        )
        code, _, restore_err = cli("restore", tmp_path / "x.zip")
        app = make_app(root, meeting_id)
        async with app.run_test(size=SIZE) as pilot:
            assert app.read_only_reason
            screen = await open_files(pilot)
            assert "読み取り専用" in str(screen.query_one("#files-where").render())
            assert screen.import_file(source) is None
            assert screen.last_message == locked
            assert "使用中" in locked and "閲覧と書き出し" in locked
            assert screen.export_json(docs / "copy.json")
            assert screen.backup(docs / "copy.zip")
            before = snapshot(root / "meetings")
            zipped = docs / "copy.zip"
            assert not screen.restore(zipped)
            assert screen.last_message == locked
            assert snapshot(root / "meetings") == before
        app.release()
    finally:
        first.release_lock()
    assert (docs / "copy.json").read_text(encoding="utf-8") == dumps_meeting(load(root, meeting_id))
    assert len(DataDir(root).list_meetings()) == 1


async def test_without_a_meeting_export_and_backups_say_to_choose_one(root, meeting_id):
    app = make_app(root, None)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(FilesScreen())
        await pilot.pause()
        screen = app.screen
        screen.meeting_id = None
        await pilot.press("f3")
        await pilot.pause()
        assert "会議が選ばれていません" in screen.last_message
        await pilot.press("f6")
        await pilot.pause()
        assert "会議が選ばれていません" in screen.last_message
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FilesScreen)


async def test_the_list_of_actions_and_the_highlighted_meeting_of_the_start_screen(root, meeting_id, docs):
    """Opened over the start screen, the screen works on the highlighted meeting; Enter on an action runs it."""
    app = make_app(root, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        below = app.screen
        app.push_screen(FilesScreen())
        await pilot.pause()
        screen = app.screen
        assert screen.meeting_id == below.highlighted_id() == meeting_id
        assert meeting_id in str(screen.query_one("#files-meeting").render())
        await pilot.press("down", "down")  # F4: backup
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog) and app.screen.title_text == "バックアップ(zip)の保存先"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
