"""Backups: rotating copies of meeting files, and the whole folder as a zip that restores or is refused."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from minutes.model import Speech
from storage import DataDir
from storage.backups import Backups, read_restore_zip
from storage.errors import LockRequiredError, RestoreRefusedError, StorageError
from tests.unit.test_storage_support import FakeClock, data_dir, make_meeting, snapshot  # noqa: F401

NAME = re.compile(r"^\d{8}T\d{6}Z-\d{6}\.json$")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def datadir(data_dir, clock):
    datadir = DataDir(data_dir, clock=clock).acquire_lock()
    yield datadir
    datadir.release_lock()


def speak(store, text: str) -> None:
    item = store.meeting.agenda[0]
    item.log.append(Speech(text=text, speaker_id="p1"))
    store.save_item(item)


# -- rotating backups --------------------------------------------------------------


def test_a_backup_on_open_and_then_at_most_every_five_minutes(datadir, clock):
    meeting_id = datadir.add_meeting(make_meeting())
    store = datadir.open_meeting(meeting_id)
    first = datadir.backups.list_backups(meeting_id)
    assert len(first) == 1
    assert first[0].read_bytes() == datadir.meeting_path(meeting_id).read_bytes()
    assert first[0].name == "20260101T120000Z-000001.json"

    for minute in range(4):
        clock.advance(minutes=1)
        speak(store, f"{minute}分後の発言")
    assert datadir.backups.list_backups(meeting_id) == first  # less than five minutes since the last

    clock.advance(minutes=1, seconds=1)
    speak(store, "5分後の発言")
    now = datadir.backups.list_backups(meeting_id)
    assert len(now) == 2
    assert now[0].name == "20260101T120501Z-000002.json"
    assert now[0].read_bytes() == datadir.meeting_path(meeting_id).read_bytes()

    clock.advance(minutes=1)
    speak(store, "さらに1分後")
    assert len(datadir.backups.list_backups(meeting_id)) == 2
    store.close()


def test_no_backup_of_an_unchanged_file(datadir, clock):
    meeting_id = datadir.add_meeting(make_meeting())
    datadir.open_meeting(meeting_id).close()
    clock.advance(hours=1)
    datadir.open_meeting(meeting_id).close()  # same bytes as the newest backup
    assert len(datadir.backups.list_backups(meeting_id)) == 1
    clock.advance(hours=1)
    store = datadir.open_meeting(meeting_id)
    store.save_header()  # saves the same content again
    assert len(datadir.backups.list_backups(meeting_id)) == 1


def test_rotation_keeps_the_newest_ten(datadir, clock):
    meeting_id = datadir.add_meeting(make_meeting())
    store = datadir.open_meeting(meeting_id)
    contents = [datadir.meeting_path(meeting_id).read_bytes()]
    for number in range(14):
        clock.advance(minutes=6)
        speak(store, f"発言{number}")
        contents.append(datadir.meeting_path(meeting_id).read_bytes())
    backups = datadir.backups.list_backups(meeting_id)
    assert len(backups) == 10
    assert [path.read_bytes() for path in backups] == contents[::-1][:10]
    names = [path.name for path in backups]
    assert all(NAME.match(name) for name in names)
    assert names == sorted(names, reverse=True)  # the names sort by time
    assert datadir.backups.newest_backup(meeting_id) == backups[0]
    assert sorted(os.listdir(backups[0].parent)) == sorted(names)  # nothing else left there
    if os.name == "posix":
        assert {path.stat().st_mode & 0o777 for path in backups} == {0o600}
        assert backups[0].parent.stat().st_mode & 0o777 == 0o700


def test_the_sequence_orders_backups_taken_within_one_second(tmp_path, clock):
    backups = Backups(tmp_path / "backups", clock=clock, interval=__import__("datetime").timedelta(0))
    source = tmp_path / "m.json"
    for number in range(3):
        source.write_bytes(f"版{number}".encode())
        backups.maybe_backup("20220315-abcd", source)
    names = [path.name for path in backups.list_backups("20220315-abcd")]
    assert names == [f"20260101T120000Z-00000{n}.json" for n in (3, 2, 1)]


def test_a_meeting_without_backups(tmp_path):
    backups = Backups(tmp_path / "backups")
    assert backups.list_backups("20220315-abcd") == []
    assert backups.newest_backup("20220315-abcd") is None
    with pytest.raises(ValueError):
        backups.list_backups("../library")


def test_a_damaged_meeting_names_its_newest_backup_and_restores_from_it(datadir, clock):
    meeting_id = datadir.add_meeting(make_meeting())
    store = datadir.open_meeting(meeting_id)
    clock.advance(minutes=10)
    speak(store, "最後の発言")
    store.close()
    path = datadir.meeting_path(meeting_id)
    good = path.read_bytes()
    path.write_bytes(good[:100])  # the file is cut short
    newest = datadir.backups.newest_backup(meeting_id)
    with pytest.raises(Exception) as caught:
        datadir.open_meeting(meeting_id)
    message = caught.value.message
    assert f"最新のバックアップ「{newest}」から復元できます: kaigiroku restore {newest}" in message
    assert path.read_bytes() == good[:100]
    assert "から復元しました" in datadir.restore(newest)
    assert path.read_bytes() == good
    assert datadir.open_meeting(meeting_id).meeting.agenda[0].log[-1].text == "最後の発言"
    trashed = os.listdir(datadir.root / "trash")
    assert len(trashed) == 1 and (datadir.root / "trash" / trashed[0]).read_bytes() == good[:100]


# -- the whole folder as a zip ------------------------------------------------------


def fill(datadir) -> list[str]:
    first = datadir.add_meeting(make_meeting())
    other = make_meeting()
    other.date = "2022-06-01"
    second = datadir.add_meeting(other)
    datadir.save_draft(first, "入力中の文章")
    datadir.open_meeting(first).close()  # makes a backup too
    return [first, second]


def zipped_names(path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return sorted(archive.namelist())


def test_backup_zip_holds_library_meetings_and_drafts_only(datadir, tmp_path):
    first, second = fill(datadir)
    report = datadir.backup_zip(tmp_path / "backup.zip")
    assert zipped_names(tmp_path / "backup.zip") == sorted(
        ["library.json", f"meetings/{first}.json", f"meetings/{second}.json", f"drafts/{first}.json"]
    )
    assert sorted(report.members) == zipped_names(tmp_path / "backup.zip")
    assert report.skipped == []
    if os.name == "posix":
        assert (tmp_path / "backup.zip").stat().st_mode & 0o777 == 0o600
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_backup_zip_needs_no_lock_and_leaves_a_damaged_meeting_out(datadir, tmp_path):
    first, second = fill(datadir)
    datadir.meeting_path(second).write_bytes(b"{broken")
    datadir.release_lock()
    report = DataDir(datadir.root).backup_zip(tmp_path / "b.zip")
    assert f"meetings/{second}.json" not in report.members
    assert [member for member, _ in report.skipped] == [f"meetings/{second}.json"]
    read_restore_zip(tmp_path / "b.zip")  # the zip restores cleanly
    datadir.acquire_lock()


def data_files(root) -> dict[str, str]:
    tree = snapshot(root)
    return {k: v for k, v in tree.items() if k == "library.json" or k.startswith(("meetings/", "drafts/"))}


def test_zip_round_trip(datadir, tmp_path, clock):
    first, second = fill(datadir)
    before = data_files(datadir.root)
    datadir.backup_zip(tmp_path / "backup.zip")

    # Then things change: a meeting grows, one is added, the draft is gone.
    clock.advance(minutes=30)
    store = datadir.open_meeting(first)
    speak(store, "後から足した発言")
    store.close()
    third = datadir.add_meeting(make_meeting())
    datadir.clear_draft(first)
    changed = datadir.meeting_path(first).read_bytes()

    restored = datadir.restore_zip(tmp_path / "backup.zip")
    assert restored[-1] == "library.json"  # the index is written last
    assert data_files(datadir.root) == before
    assert [row["id"] for row in datadir.list_meetings()] == [second, first]
    assert datadir.load_draft(first) == "入力中の文章"
    # The meeting that changed was backed up first; the one the zip lacks went to the trash.
    assert changed in [path.read_bytes() for path in datadir.backups.list_backups(first)]
    trashed = list((datadir.root / "trash").rglob(f"{third}.json"))
    assert len(trashed) == 1
    assert datadir.backups.list_backups("_library")


def _own_style_and_keys(root) -> dict[str, bytes]:
    """The clerk's work besides the minutes: a style copied from a preset and edited, and keys.toml."""
    from storage.styles import copy_preset

    folder = copy_preset(root, "要録", "うちの市")
    (folder / "text.j2").write_text("うちの市の様式\n" + (folder / "text.j2").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "keys.toml").write_text('[keys]\n"speaker.chair" = "f11"\n', encoding="utf-8")
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in [root / "keys.toml", *sorted(folder.iterdir())]
    }


def test_a_zip_backup_carries_the_clerks_styles_and_keys_and_a_restore_on_another_folder_brings_them_back(
    datadir, tmp_path
):
    from storage.styles import load_style

    first, second = fill(datadir)
    own = _own_style_and_keys(datadir.root)
    report = datadir.backup_zip(tmp_path / "backup.zip")
    assert set(own) <= set(zipped_names(tmp_path / "backup.zip")) and report.skipped == []
    elsewhere = tmp_path / "新しいパソコン"
    with DataDir(elsewhere).write_lock() as fresh:
        said = fresh.restore(tmp_path / "backup.zip")
    assert said == f"「{tmp_path / 'backup.zip'}」から復元しました(会議2件、スタイル「うちの市」、キーの割り当て(keys.toml))。"
    for member, data in own.items():
        assert (elsewhere / member).read_bytes() == data, member
    assert load_style(elsewhere, "うちの市").description == load_style(datadir.root, "うちの市").description
    if os.name == "posix":
        assert (elsewhere / "styles" / "うちの市").stat().st_mode & 0o777 == 0o700


def test_a_restore_from_a_zip_without_styles_keeps_the_folders_styles_and_keys(datadir, tmp_path):
    fill(datadir)
    datadir.backup_zip(tmp_path / "older.zip")  # before the clerk made a style (or from an older kaigiroku)
    own = _own_style_and_keys(datadir.root)
    datadir.restore_zip(tmp_path / "older.zip")
    for member, data in own.items():
        assert (datadir.root / member).read_bytes() == data, member


def test_style_files_the_zip_cannot_carry_are_left_out_and_named(datadir, tmp_path):
    fill(datadir)
    own = _own_style_and_keys(datadir.root)
    styles = datadir.root / "styles"
    (styles / "うちの市" / "メモ.txt").write_text("様式のメモ", encoding="utf-8")  # not a file of the style: not taken
    (tmp_path / "outside.j2").write_text("外のひな形", encoding="utf-8")
    if os.name == "posix":
        os.symlink(tmp_path / "outside.j2", styles / "うちの市" / "outside.j2")
    (styles / "要録").mkdir()  # a folder named as a preset: the app never makes one
    (styles / "要録" / "text.j2").write_text("{{ meeting.body }}", encoding="utf-8")
    report = datadir.backup_zip(tmp_path / "backup.zip")
    names = zipped_names(tmp_path / "backup.zip")
    assert set(own) <= set(names)
    assert "styles/うちの市/メモ.txt" not in names and "styles/要録/text.j2" not in names
    skipped = dict(report.skipped)
    assert "スタイルの名前として使えません" in skipped["styles/要録/text.j2"]
    if os.name == "posix":
        assert "styles/うちの市/outside.j2" not in names and "リンク" in skipped["styles/うちの市/outside.j2"]
    read_restore_zip(tmp_path / "backup.zip")  # what was written restores


def test_styles_and_keys_at_exactly_their_limits_restore_and_one_more_is_refused_by_name(datadir, tmp_path):
    members = good_zip(datadir, tmp_path)
    template = b"{# " + b"x" * (256 * 1024 - 6) + b" #}"  # exactly 256 KB, as the styles reader takes
    style = {f"styles/うちの市/t{n:02d}.j2": b"{{ meeting.body }}" for n in range(49)}
    exact = {**style, "styles/うちの市/text.j2": template, "keys.toml": b"#" * (64 * 1024)}
    assert len(exact) - 1 == 50
    path = write_zip(tmp_path / "exact.zip", [*members.items(), *exact.items()])
    assert sorted(read_restore_zip(path)) == sorted([*members, *exact])
    over = write_zip(tmp_path / "over.zip", [*members.items(), *exact.items(), ("styles/うちの市/text.j2", template + b" ")])
    assert "「styles/うちの市/text.j2」が二重に入っています" in refusal(over)
    over = write_zip(tmp_path / "over.zip", [*members.items(), *{**exact, "styles/うちの市/text.j2": template + b" "}.items()])
    assert "「styles/うちの市/text.j2」が読めません: 大きすぎます(256 KB まで)" in refusal(over)
    over = write_zip(tmp_path / "over.zip", [*members.items(), *exact.items(), ("styles/うちの市/t49.j2", b"{{ x }}")])
    assert "スタイル「うちの市」のファイルが多すぎます(50個まで)" in refusal(over)


def test_a_damaged_draft_in_a_zip_is_refused_naming_it_once(datadir, tmp_path):
    members = good_zip(datadir, tmp_path)
    meeting = next(name for name in members if name.startswith("meetings/"))
    draft = "drafts/" + meeting.split("/", 1)[1]
    path = write_zip(tmp_path / "draft.zip", [*{**members, draft: b"{not a draft"}.items()])
    message = refusal(path)
    assert f"「{draft}」が読めません: 入力中の下書きとして読めません" in message
    assert message.count(draft) == 1


def test_a_zip_restore_names_what_it_sets_aside_in_the_trash_for_good(datadir, tmp_path, monkeypatch):
    # A journal set aside holds entries no file has; a meeting the zip lacks is the clerk's work too.
    import storage.backups

    first, second = fill(datadir)
    datadir.backup_zip(tmp_path / "backup.zip")
    third = datadir.add_meeting(make_meeting())
    store = datadir.open_meeting(first)
    item = store.meeting.agenda[0]
    item.log.append(Speech(text="zipのあとの発言", speaker_id="p1"))
    store.append_entry(item, item.log[-1])  # (to the journal)
    store.closed = True  # (the process died: its journal stays)
    events = []
    real_fsync, real_write = storage.backups.fsync_dir, storage.backups.atomic_write_bytes
    monkeypatch.setattr(storage.backups, "fsync_dir", lambda folder: (events.append(("fsync", Path(folder))), real_fsync(folder)))
    monkeypatch.setattr(
        storage.backups, "atomic_write_bytes", lambda path, *a, **k: (events.append(("write", Path(path))), real_write(path, *a, **k))
    )
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda source, target: (events.append(("move", Path(target))), real_replace(source, target)))
    datadir.restore_zip(tmp_path / "backup.zip")
    [journal] = (datadir.root / "trash").rglob(f"{first}.journal")
    [lacked] = (datadir.root / "trash").rglob(f"{third}.json")
    first_write = next(i for i, (what, _) in enumerate(events) if what == "write" and "meetings" in _.parts)
    assert events.index(("move", journal)) < events.index(("fsync", journal.parent)) < first_write
    assert ("fsync", lacked.parent) in events[events.index(("move", lacked)) :]


def test_restore_needs_the_lock(data_dir, tmp_path):
    with DataDir(data_dir).write_lock() as datadir:
        fill(datadir)
        datadir.backup_zip(tmp_path / "backup.zip")
    before = snapshot(data_dir)
    with pytest.raises(LockRequiredError):
        DataDir(data_dir).restore_zip(tmp_path / "backup.zip")
    assert snapshot(data_dir) == before


def _rezip(source, target, replace: dict[str, bytes | None] = None, add: dict[str, bytes] = None):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if replace and name in replace:
                if replace[name] is not None:
                    new.writestr(name, replace[name])
                continue
            new.writestr(name, old.read(name))
        for name, data in (add or {}).items():
            new.writestr(name, data)


def _bad_zips(good, tmp_path, first) -> dict:
    meeting = f"meetings/{first}.json"
    with zipfile.ZipFile(good) as archive:
        meeting_bytes = archive.read(meeting)
        library_bytes = archive.read("library.json")
    bad = {}

    def make(name, **kwargs):
        path = tmp_path / f"{name}.zip"
        _rezip(good, path, **kwargs)
        bad[name] = path

    make("traversal", add={"../evil.json": b"{}"})
    make("traversal_inside", add={"meetings/../../evil.json": b"{}"})
    make("absolute", add={"/etc/kaigiroku.json": b"{}"})
    make("unknown_member", add={"notes.txt": b"memo"})
    make("backslash", add={"meetings\\x.json": b"{}"})
    make("trailing_newline", add={"library.json\n": library_bytes})
    make("sneaky_name", add={f"meetings/{first}.json.json": meeting_bytes, "meetings/.hidden.json": meeting_bytes})
    make("damaged_meeting", replace={meeting: meeting_bytes[: len(meeting_bytes) // 2]})
    make("newer_meeting", replace={meeting: meeting_bytes.replace(b'"version": 2', b'"version": 9', 1)})
    make("misshapen_meeting", replace={meeting: meeting_bytes.replace(b'"speaker": "p1"', b'"speaker": 5', 1)})
    make("damaged_library", replace={"library.json": b"[]"})
    make("damaged_draft", replace={f"drafts/{first}.json": b"not json"})
    make("no_library", replace={"library.json": None})
    template = "{{ meeting.body }}\n".encode("utf-8")
    make("style_outside", add={"styles/../text.j2": template})
    make("style_hidden", add={"styles/.うちの市/text.j2": template})
    make("style_preset_name", add={"styles/要録/text.j2": template})
    make("style_nested", add={"styles/うちの市/sub/text.j2": template})
    make("style_not_a_style_file", add={"styles/うちの市/run.py": b"import os"})
    make("style_not_utf8", add={"styles/うちの市/text.j2": "{{ meeting.body }} 会議録".encode("cp932")})
    make("style_too_large", add={"styles/うちの市/text.j2": b"x" * (256 * 1024 + 1)})
    make("style_too_many_files", add={f"styles/うちの市/t{n:02d}.j2": template for n in range(51)})
    make("keys_not_utf8", add={"keys.toml": "[keys]\n# 鍵".encode("cp932")})
    make("keys_too_large", add={"keys.toml": b"#" * (64 * 1024 + 1)})
    not_zip = tmp_path / "not_zip.zip"
    not_zip.write_bytes(b"this is not a zip file at all")
    bad["not_zip"] = not_zip
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    bad["truncated_zip"] = truncated
    bad["missing"] = tmp_path / "missing.zip"
    return bad


BAD_KINDS = [
    "traversal", "traversal_inside", "absolute", "unknown_member", "backslash", "trailing_newline", "sneaky_name",
    "damaged_meeting",
    "newer_meeting", "misshapen_meeting", "damaged_library", "damaged_draft", "no_library", "not_zip",
    "truncated_zip", "missing",
    "style_outside", "style_hidden", "style_preset_name", "style_nested", "style_not_a_style_file", "style_not_utf8",
    "style_too_large", "style_too_many_files", "keys_not_utf8", "keys_too_large",
]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_a_bad_zip_is_refused_and_changes_nothing(datadir, tmp_path, clock, kind):
    first, _ = fill(datadir)
    good = tmp_path / "good.zip"
    datadir.backup_zip(good)
    bad = _bad_zips(good, tmp_path, first)[kind]
    # Make the folder differ from the zip, so that any write would show.
    clock.advance(minutes=30)
    store = datadir.open_meeting(first)
    speak(store, "zipにはない発言")
    store.close()
    datadir.add_meeting(make_meeting())
    before = snapshot(datadir.root)
    with pytest.raises(RestoreRefusedError) as caught:
        datadir.restore_zip(bad)
    assert snapshot(datadir.root) == before
    assert f"バックアップ「{bad}」から復元できません" in caught.value.message
    assert "データフォルダは何も変えていません" in caught.value.message
    assert not (tmp_path / "evil.json").exists() and not (datadir.root.parent / "evil.json").exists()


def test_the_checks_accept_the_zip_kaigiroku_writes(datadir, tmp_path):
    fill(datadir)
    datadir.backup_zip(tmp_path / "good.zip")
    members = read_restore_zip(tmp_path / "good.zip")
    assert "library.json" in members
    # Folder entries, as other zip tools write them, are fine too.
    buffer = io.BytesIO()
    with zipfile.ZipFile(tmp_path / "good.zip") as old, zipfile.ZipFile(buffer, "w") as new:
        new.writestr("meetings/", b"")
        for name in old.namelist():
            new.writestr(name, old.read(name))
    (tmp_path / "folders.zip").write_bytes(buffer.getvalue())
    assert set(read_restore_zip(tmp_path / "folders.zip")) == set(members)
    with zipfile.ZipFile(tmp_path / "good.zip") as archive:
        library = json.loads(archive.read("library.json"))
    assert library["_schema"]["1"]["kind"] == "library"


def test_a_clock_without_a_time_zone_is_read_as_utc_on_a_machine_in_japan(tmp_path, monkeypatch):
    # Backup names are in UTC (…Z): a naive time must not be shifted by the machine's zone (JST, +9 h).
    import time
    from datetime import datetime

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        source = tmp_path / "m.json"
        source.write_bytes(b"{}")
        backups = Backups(tmp_path / "backups", clock=lambda: datetime(2026, 1, 1, 12, 0, 0))
        made = backups.backup_now("20260101-abcd", source)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert made.name == "20260101T120000Z-000001.json"


def test_a_change_beyond_the_first_chunk_of_a_file_of_the_same_size_is_backed_up(tmp_path, monkeypatch):
    # Files are compared a chunk at a time: a meeting whose last entry was edited (same size, same start)
    # has changed and gets its backup.
    from storage import backups as backups_module

    monkeypatch.setattr(backups_module, "_CHUNK", 4)
    source = tmp_path / "m.json"
    source.write_bytes(b"0123456789abcdef")
    backups = Backups(tmp_path / "backups", clock=FakeClock())
    first = backups.backup_now("20260101-abcd", source)
    source.write_bytes(b"0123456789abcdeX")
    second = backups.backup_now("20260101-abcd", source)
    assert second is not None and second != first and second.read_bytes() == b"0123456789abcdeX"
    assert backups.backup_now("20260101-abcd", source) is None  # unchanged now: no third


def test_the_zip_backup_leaves_out_stray_files_and_folders(datadir, tmp_path):
    first, second = fill(datadir)
    (datadir.root / "meetings" / "メモ.txt").write_text("関係のないメモ", encoding="utf-8")
    (datadir.root / "meetings" / "20260101-abcd.json").mkdir()  # a folder with a meeting's name
    datadir.backup_zip(tmp_path / "backup.zip")
    assert zipped_names(tmp_path / "backup.zip") == sorted(
        ["library.json", f"meetings/{first}.json", f"meetings/{second}.json", f"drafts/{first}.json"]
    )


def test_a_file_where_a_meetings_backup_folder_should_be_means_no_backups_yet(tmp_path):
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "20260101-abcd").write_text("x", encoding="utf-8")
    assert Backups(tmp_path / "backups").list_backups("20260101-abcd") == []


def test_backups_on_open_and_after_a_save_say_which_file_they_made(tmp_path):
    clock = FakeClock()
    source = tmp_path / "m.json"
    source.write_bytes(b"1")
    backups = Backups(tmp_path / "backups", clock=clock)
    made = backups.backup_on_open("20260101-abcd", str(source))  # a path given as text too
    assert made is not None and made.read_bytes() == b"1"
    source.write_bytes(b"2")
    clock.advance(minutes=6)
    later = backups.maybe_backup("20260101-abcd", source)
    assert later is not None and later.read_bytes() == b"2"
    assert backups.backup_now("20260101-abcd", tmp_path / "gone.json") is None  # no file: nothing made
    assert len(backups.list_backups("20260101-abcd")) == 2


def test_a_backup_that_cannot_be_rotated_away_is_a_write_failure_and_the_new_one_stays(tmp_path, monkeypatch):
    from storage.errors import WriteFailedError

    clock = FakeClock()
    source = tmp_path / "m.json"
    backups = Backups(tmp_path / "backups", clock=clock, keep=1)
    source.write_bytes(b"1")
    backups.backup_now("20260101-abcd", source)
    source.write_bytes(b"2")
    clock.advance(minutes=6)
    monkeypatch.setattr(os, "unlink", lambda path: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    with pytest.raises(WriteFailedError):
        backups.backup_now("20260101-abcd", source)
    monkeypatch.undo()
    assert [path.read_bytes() for path in backups.list_backups("20260101-abcd")] == [b"2", b"1"]


# -- restore refusals, in the process (the harness's faults are seen only by tests that run here) ----------


def good_zip(datadir, tmp_path):
    fill(datadir)
    datadir.backup_zip(tmp_path / "good.zip")
    with zipfile.ZipFile(tmp_path / "good.zip") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path, members):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name, on purpose
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return path


def refusal(path) -> str:
    with pytest.raises(RestoreRefusedError) as caught:
        read_restore_zip(path)
    return caught.value.message


@pytest.mark.skipif(os.name != "posix", reason="a pipe")
def test_restoring_from_a_pipe_is_refused_in_japanese(tmp_path):
    os.mkfifo(tmp_path / "pipe.zip")
    assert "ふつうのファイルではありません" in refusal(tmp_path / "pipe.zip")


def test_a_member_twice_in_the_zip_is_refused(datadir, tmp_path):
    members = good_zip(datadir, tmp_path)
    name = next(n for n in members if n.startswith("meetings/"))
    path = write_zip(tmp_path / "twice.zip", [*members.items(), (name, members[name])])
    assert f"「{name}」が二重に入っています" in refusal(path)


def test_a_member_larger_than_the_limit_is_refused_before_it_is_unpacked(datadir, tmp_path, monkeypatch):
    from storage import backups as backups_module

    members = good_zip(datadir, tmp_path)
    path = write_zip(tmp_path / "big.zip", members.items())
    monkeypatch.setattr(backups_module, "MAX_FILE_BYTES", max(len(data) for data in members.values()) - 1)
    assert "大きすぎ" in refusal(path)


def test_a_zip_that_unpacks_to_more_than_the_limit_is_refused(datadir, tmp_path, monkeypatch):
    from storage import backups as backups_module

    members = good_zip(datadir, tmp_path)
    path = write_zip(tmp_path / "bomb.zip", members.items())
    monkeypatch.setattr(backups_module, "MAX_RESTORE_BYTES", sum(len(data) for data in members.values()) - 1)
    assert "中身が大きすぎます" in refusal(path)


def test_a_damaged_member_is_refused_in_japanese(datadir, tmp_path):
    members = good_zip(datadir, tmp_path)
    path = write_zip(tmp_path / "damaged.zip", members.items())
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("library.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start + 10] ^= 0xFF  # the compressed bytes of library.json
    path.write_bytes(bytes(raw))
    assert "「library.json」を取り出せません" in refusal(path)


def test_a_zip_backup_leaves_out_a_damaged_meeting_that_has_a_journal_and_takes_paths_as_text(datadir, tmp_path):
    from storage.backups import backup_zip
    from storage.journal import encode_record, journal_path

    first, second = fill(datadir)
    path = datadir.meeting_path(second)
    path.write_bytes(b"{broken")
    journal_path(path).write_bytes(encode_record({"seq": 1, "op": "append", "item": "a1", "uid": "u", "entry": {}}))
    report = backup_zip(str(datadir.root), str(tmp_path / "b.zip"))
    assert [member for member, _ in report.skipped] == [f"meetings/{second}.json"]
    assert f"meetings/{first}.json" in zipped_names(tmp_path / "b.zip")
    read_restore_zip(tmp_path / "b.zip")


def test_a_zip_backup_leaves_out_a_draft_it_cannot_read_and_names_it(datadir, tmp_path):
    first, second = fill(datadir)
    (datadir.root / "drafts" / f"{first}.json").write_bytes(b"not json")
    report = datadir.backup_zip(tmp_path / "b.zip")
    assert [member for member, _ in report.skipped] == [f"drafts/{first}.json"]
    read_restore_zip(tmp_path / "b.zip")


@pytest.mark.parametrize("where", ["its own backups", "a copy outside"])
def test_a_backup_that_may_not_be_read_is_refused_with_the_right_to_read(datadir, monkeypatch, tmp_path, where):
    import errno

    import storage.datadir

    meeting_id = datadir.add_meeting(make_meeting())
    datadir.open_meeting(meeting_id).close()
    newest = datadir.backups.newest_backup(meeting_id)
    if where == "a copy outside":
        (tmp_path / meeting_id).mkdir()
        newest = Path(shutil.copy(newest, tmp_path / meeting_id / newest.name))  # (its folder names the meeting)
    path = datadir.meeting_path(meeting_id)
    before = path.read_bytes()

    def refused(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    # The folder's own backups are read as data files (no link, no pipe); a file the clerk names elsewhere as given.
    monkeypatch.setattr(storage.datadir, "open_data_file" if where == "its own backups" else "read_file_at_most", refused)
    with pytest.raises(StorageError) as caught:
        datadir.restore(newest)
    assert caught.value.message == (
        f"バックアップ「{newest}」を読めません(読む権限がありません)。ファイルの名前と場所を確かめてください。何も変えていません。"
    )
    assert path.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_backup_of_the_folder_planted_as_a_pipe_or_a_link_is_refused_at_once(datadir, tmp_path):
    from storage.errors import LinkRefusedError
    from tests.conftest import PipeWatchdog

    meeting_id = datadir.add_meeting(make_meeting())
    datadir.open_meeting(meeting_id).close()
    folder = datadir.backups.folder_for(meeting_id)
    path = datadir.meeting_path(meeting_id)
    before = path.read_bytes()
    (tmp_path / meeting_id).mkdir()
    outside = tmp_path / meeting_id / "20990101T000000Z-000003.json"  # (its folder names the meeting)
    outside.write_bytes(datadir.backups.newest_backup(meeting_id).read_bytes())
    link = folder / "20990101T000000Z-000002.json"
    os.symlink(outside, link)
    with pytest.raises(LinkRefusedError):
        datadir.restore(link)
    with PipeWatchdog(folder / "20990101T000000Z-000001.json") as pipe:
        with pytest.raises(StorageError) as caught:
            datadir.restore(pipe.path)
    assert not pipe.came, "the restore waited for a writer to the pipe"
    assert caught.value.message == f"バックアップ「{pipe.path}」を読めません(通常のファイルではありません(装置やパイプなど))。何も変えていません。"
    assert path.read_bytes() == before
    assert datadir.restore(outside)  # the same backup, named where the clerk keeps it: restored


# -- zips damaged in each way zipfile can meet: refused in Japanese, never a traceback -------------------


def _library_zip(method=zipfile.ZIP_DEFLATED) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("library.json", ("会議録の一覧" * 100).encode())
    return bytearray(buffer.getvalue())


def _central_entry(raw: bytearray) -> int:
    """Where library.json's entry in the zip's central directory starts."""
    return raw.rfind(b"PK\x01\x02")


def _set(raw: bytearray, at: int, fmt: str, value: int) -> bytearray:
    import struct

    struct.pack_into(fmt, raw, at, value)
    return raw


def _encrypted(raw):
    return _set(raw, _central_entry(raw) + 8, "<H", 1)  # the "encrypted" flag


def _unknown_method(raw):
    return _set(raw, _central_entry(raw) + 10, "<H", 99)  # AES, which zipfile cannot unpack


def _invalid_block(raw):
    raw[30 + len("library.json")] |= 0b110  # the deflate stream's first block type: 3, reserved
    return raw


def _before_the_file(raw):
    import struct

    end = raw.rfind(b"PK\x05\x06")
    # The central directory said to start later than it does: the members' offsets fall before the file.
    return _set(raw, end + 16, "<I", struct.unpack_from("<I", raw, end + 16)[0] + 40)


def _name_not_utf8(raw):
    raw[7] |= 0x08  # the local header's flag "the name is UTF-8" (bit 11)...
    raw[30 + len("library")] = 0xAD  # ...over a name that is not: UnicodeDecodeError
    return raw


def _ends_early(raw):
    import struct

    at = _central_entry(raw)
    size = struct.unpack_from("<I", raw, at + 24)[0]
    return _set(_set(raw, at + 20, "<I", size + 5000), at + 24, "<I", size + 5000)  # past the end of the file


@pytest.mark.parametrize("damage, method", [
    (_encrypted, zipfile.ZIP_DEFLATED),  # zipfile: RuntimeError
    (_unknown_method, zipfile.ZIP_DEFLATED),  # NotImplementedError
    (_invalid_block, zipfile.ZIP_DEFLATED),  # zlib.error
    (_before_the_file, zipfile.ZIP_DEFLATED),  # OSError (EINVAL: a seek before the start)
    (_name_not_utf8, zipfile.ZIP_DEFLATED),  # ValueError
    (_ends_early, zipfile.ZIP_STORED),  # EOFError
])
def test_a_member_that_cannot_be_unpacked_is_refused_in_japanese(tmp_path, damage, method):
    path = tmp_path / "damaged.zip"
    path.write_bytes(bytes(damage(_library_zip(method))))
    assert "「library.json」を取り出せません: 壊れているか、暗号化か未対応の圧縮方式です" in refusal(path)


def test_a_zip_of_a_version_zipfile_does_not_know_is_refused_in_japanese(tmp_path):
    raw = _set(_library_zip(), _central_entry(_library_zip()) + 6, "<H", 137)  # "needs version 13.7"
    path = tmp_path / "future.zip"
    path.write_bytes(bytes(raw))
    assert "ZIPファイルとして読めません" in refusal(path)


def test_a_disk_error_while_unpacking_is_refused_in_japanese(tmp_path, monkeypatch):
    import errno

    path = tmp_path / "b.zip"
    path.write_bytes(bytes(_library_zip()))

    def failing_open(self, *args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(zipfile.ZipFile, "open", failing_open)
    assert "「library.json」を取り出せません" in refusal(path)


@pytest.mark.parametrize("name", ["a-file.txt/backup.zip", "nul\0in-the-name.zip"])
def test_a_path_that_cannot_name_a_zip_is_refused_in_japanese(tmp_path, name):
    (tmp_path / "a-file.txt").write_text("x", encoding="utf-8")
    assert "ZIPファイルとして読めません" in refusal(tmp_path / name)


def test_a_folder_entry_other_than_meetings_drafts_and_styles_is_refused(datadir, tmp_path):
    members = good_zip(datadir, tmp_path)
    path = write_zip(tmp_path / "folder.zip", [("notes/", b""), *members.items()])
    assert "kaigirokuのバックアップにないファイル「notes/」が入っています" in refusal(path)
    template = b"{{ meeting.body }}"
    folders = [("meetings/", b""), ("styles/", b""), ("styles/うちの市/", b""), ("styles/うちの市/text.j2", template)]
    assert read_restore_zip(write_zip(tmp_path / "folders.zip", [*folders, *members.items()]))


# -- the edges of the rules ------------------------------------------------------------------------------


def _opened(tmp_path):
    """A meeting file "1" and its backups, just after the backup taken when it was opened."""
    clock = FakeClock()
    source = tmp_path / "m.json"
    source.write_bytes(b"1")
    backups = Backups(tmp_path / "backups", clock=clock)
    backups.backup_on_open("20260101-abcd", source)
    return clock, source, backups


def test_a_backup_is_taken_when_exactly_one_interval_has_passed(tmp_path):
    clock, source, backups = _opened(tmp_path)
    source.write_bytes(b"2")
    clock.advance(minutes=4, seconds=59)
    assert backups.maybe_backup("20260101-abcd", source) is None
    clock.advance(seconds=1)  # "at least five minutes old"
    made = backups.maybe_backup("20260101-abcd", source)
    assert made is not None and made.read_bytes() == b"2"


def test_a_save_that_changed_nothing_does_not_put_off_the_next_backup(tmp_path):
    clock, source, backups = _opened(tmp_path)
    clock.advance(minutes=6)
    assert backups.maybe_backup("20260101-abcd", source) is None  # the same bytes: nothing to keep
    source.write_bytes(b"2")
    clock.advance(minutes=1)  # seven minutes after the last backup that was made
    made = backups.maybe_backup("20260101-abcd", source)
    assert made is not None and made.read_bytes() == b"2"


def test_a_newest_backup_removed_while_it_is_compared_means_a_new_backup(tmp_path, monkeypatch):
    clock = FakeClock()
    source = tmp_path / "m.json"
    source.write_bytes(b"1")
    backups = Backups(tmp_path / "backups", clock=clock)
    newest = backups.backup_now("20260101-abcd", source)
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if str(path) == str(newest):  # someone removed it by hand just then
            raise FileNotFoundError(2, "No such file or directory")
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    clock.advance(minutes=6)
    made = backups.backup_now("20260101-abcd", source)
    monkeypatch.undo()
    assert made is not None and made != newest and made.read_bytes() == b"1"


def test_members_and_a_zip_of_exactly_the_limits_restore(datadir, tmp_path, monkeypatch):
    from storage import backups as backups_module

    members = good_zip(datadir, tmp_path)
    path = write_zip(tmp_path / "exact.zip", members.items())
    monkeypatch.setattr(backups_module, "MAX_FILE_BYTES", max(len(data) for data in members.values()))
    monkeypatch.setattr(backups_module, "MAX_RESTORE_BYTES", sum(len(data) for data in members.values()))
    assert sorted(datadir.restore_zip(path)) == sorted(members)
    for name, data in members.items():
        assert (datadir.root / name).read_bytes() == data


def test_the_refusal_of_a_member_too_large_names_the_size_the_zip_declares(datadir, tmp_path, monkeypatch):
    from storage import backups as backups_module

    members = good_zip(datadir, tmp_path)
    path = write_zip(tmp_path / "big.zip", members.items())
    largest = max(len(data) for data in members.values())
    monkeypatch.setattr(backups_module, "MAX_FILE_BYTES", largest - 1)
    assert f"は大きすぎます({largest:,} バイト、上限は {largest - 1:,} バイト)" in refusal(path)


# -- a restore's moves aside: said when they fail, made durable when they succeed -------------------------


def _failing_replace(monkeypatch, when):
    real_replace = os.replace

    def replace(source, target, *args, **kwargs):
        if when(str(source), str(target)):
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def test_a_journal_that_cannot_be_set_aside_stops_the_restore_before_any_file_is_written(datadir, tmp_path, clock):
    from storage.errors import WriteFailedError
    from storage.journal import journal_path

    first, _ = fill(datadir)
    datadir.backup_zip(tmp_path / "backup.zip")
    clock.advance(minutes=30)
    store = datadir.open_meeting(first)
    item = store.meeting.agenda[0]
    entry = Speech(text="zipにはない発言", speaker_id="p1")
    item.log.append(entry)
    store.append_entry(item, entry)  # into the journal, which stays while the store is open
    journal = journal_path(datadir.meeting_path(first))
    assert journal.exists()
    before = data_files(datadir.root)
    with pytest.MonkeyPatch.context() as patch:
        _failing_replace(patch, lambda source, target: source.endswith(".journal"))
        with pytest.raises(WriteFailedError) as caught:
            datadir.restore_zip(tmp_path / "backup.zip")
    assert caught.value.path == journal
    assert data_files(datadir.root) == before  # no member of the zip was written over the folder
    assert journal.exists()
    datadir.restore_zip(tmp_path / "backup.zip")  # again, with the journal movable
    assert not journal.exists()
    assert len(list((datadir.root / "trash").glob(f"restore-*/meetings/{journal.name}"))) == 1
    texts = [getattr(entry, "text", None) for entry in datadir.load_meeting(first).agenda[0].log]
    assert "zipにはない発言" not in texts  # the old journal is not replayed onto the restored file


def test_a_meeting_that_cannot_be_moved_to_the_trash_is_a_failed_restore_and_a_retry_finishes(datadir, tmp_path, clock):
    from storage.errors import WriteFailedError

    fill(datadir)
    datadir.backup_zip(tmp_path / "backup.zip")
    third = datadir.add_meeting(make_meeting())  # not in the zip: it goes to the trash
    with pytest.MonkeyPatch.context() as patch:
        _failing_replace(patch, lambda source, target: f"{os.sep}trash{os.sep}" in target)
        with pytest.raises(WriteFailedError) as caught:
            datadir.restore_zip(tmp_path / "backup.zip")
    assert caught.value.path == datadir.meeting_path(third)
    datadir.restore_zip(tmp_path / "backup.zip")
    assert not datadir.meeting_path(third).exists()
    assert len(list((datadir.root / "trash").rglob(f"{third}.json"))) == 1


def test_a_restore_makes_the_moves_to_the_trash_durable(datadir, tmp_path, monkeypatch):
    from storage import backups as backups_module

    fill(datadir)
    datadir.backup_zip(tmp_path / "backup.zip")
    datadir.add_meeting(make_meeting())
    synced = []
    real_fsync_dir = backups_module.fsync_dir
    monkeypatch.setattr(backups_module, "fsync_dir", lambda folder: (synced.append(Path(folder)), real_fsync_dir(folder)))
    datadir.restore_zip(tmp_path / "backup.zip")
    assert datadir.root / "meetings" in synced and datadir.root / "drafts" in synced


def test_a_meeting_removed_while_the_zip_is_made_is_left_out_and_the_zip_is_made(datadir, tmp_path, monkeypatch):
    from storage import meetings

    first, second = fill(datadir)
    real = meetings.merged_meeting_bytes

    def merged(path):
        if path == datadir.meeting_path(second):
            os.unlink(path)  # moved to the trash by the running app just now
        return real(path)

    monkeypatch.setattr(meetings, "merged_meeting_bytes", merged)
    report = datadir.backup_zip(tmp_path / "b.zip")
    assert zipped_names(tmp_path / "b.zip") == sorted(["library.json", f"meetings/{first}.json", f"drafts/{first}.json"])
    assert report.skipped == []


def test_a_restore_takes_its_paths_as_text(datadir, tmp_path):
    from storage.backups import restore_zip

    first, second = fill(datadir)
    datadir.backup_zip(tmp_path / "backup.zip")
    restored = restore_zip(str(datadir.root), str(tmp_path / "backup.zip"), datadir.backups)
    assert sorted(restored) == zipped_names(tmp_path / "backup.zip")


def test_a_name_that_is_not_kaigirokus_is_named_visibly_in_the_refusal(datadir, tmp_path):
    members = good_zip(datadir, tmp_path)
    path = write_zip(tmp_path / "odd.zip", [*members.items(), ("meetings/\x1b[2Jnotes.json", b"{}")])
    message = refusal(path)
    assert "kaigirokuのバックアップにないファイル「meetings/" in message
    assert "\x1b" not in message  # the escape is shown, never sent to the terminal


def test_a_zip_backup_leaves_out_a_file_over_the_size_limit_and_names_it(datadir, tmp_path, monkeypatch):
    from storage import limits

    first, second = fill(datadir)
    draft = datadir.root / "drafts" / f"{first}.json"
    draft.write_bytes(draft.read_bytes() + b" " * 4096)  # over the limit set below; the meetings are not
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", max(
        datadir.meeting_path(first).stat().st_size, datadir.meeting_path(second).stat().st_size,
        (datadir.root / "library.json").stat().st_size) + 1)
    report = datadir.backup_zip(tmp_path / "b.zip")
    assert [member for member, _ in report.skipped] == [f"drafts/{first}.json"]
    assert "大きすぎます" in report.skipped[0][1]
    assert f"drafts/{first}.json" not in zipped_names(tmp_path / "b.zip")
