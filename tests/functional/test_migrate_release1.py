"""A data folder written by the previous release opens, migrates, and exports the same text.

The folder in tests/fixtures/release1 was written by the previous release's own
code (see its README): meeting files at schema version 1, one with an entry
still in its journal. ``list`` and ``export`` read it without writing a byte;
opening a meeting for writing keeps a copy of the old file and rewrites it at
the current schema, atomically; the exports stay the same words.
"""

from __future__ import annotations

import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from minutes.interchange import meeting_from_dict, meeting_to_dict
from storage import DataDir
from storage.meetings import SCHEMA_VERSION
from tests.conftest import snapshot
from tui.cli import main as cli_main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "release1"
SEED, EXAMPLE = "20220315-77c8", "20220315-a8c7"
VARIANTS = [("", []), ("-named-summary", ["--named", "--votes", "summary"])]


@pytest.fixture
def old_folder(tmp_path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(FIXTURE / "data", root)
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(["--data-dir", str(root), *args])
    return code, out.getvalue(), err.getvalue()


def export(root: Path, meeting_id: str, fmt: str, options: list[str]) -> str:
    code, out, err = run(root, "export", meeting_id, "--format", fmt, *options)
    assert code == 0, err
    return out


def expected(name: str) -> str:
    return (FIXTURE / "expected" / name).read_text(encoding="utf-8")


def schema_of(path: Path) -> int:
    return json.loads(path.read_text(encoding="utf-8"))["_schema"]["1"]["version"]


def test_the_fixture_is_the_old_schema():
    assert schema_of(FIXTURE / "data" / "meetings" / f"{SEED}.json") == 1
    assert SCHEMA_VERSION == 2


def test_list_and_export_read_the_old_folder_without_writing(old_folder):
    before = snapshot(old_folder)
    code, listed, _ = run(old_folder, "list")
    assert code == 0 and SEED in listed and EXAMPLE in listed
    for meeting_id in (SEED, EXAMPLE):
        for suffix, options in VARIANTS:
            assert export(old_folder, meeting_id, "text", options) == expected(f"{meeting_id}{suffix}.txt")
            assert export(old_folder, meeting_id, "markdown", options) == expected(f"{meeting_id}{suffix}.md")
    assert snapshot(old_folder) == before


def test_opening_migrates_in_place_keeps_the_old_file_and_exports_the_same(old_folder):
    old_bytes = {mid: (old_folder / "meetings" / f"{mid}.json").read_bytes() for mid in (SEED, EXAMPLE)}
    with DataDir(old_folder) as datadir:
        for meeting_id in (SEED, EXAMPLE):
            store = datadir.open_meeting(meeting_id)
            kept = store.migrated_from
            store.close()
            # the old file, byte for byte, in the meeting's backups, outside the rotation
            assert kept is not None and kept.parent == old_folder / "backups" / meeting_id
            assert kept.name.endswith("-schema1.json") and kept.read_bytes() == old_bytes[meeting_id]
            assert schema_of(old_folder / "meetings" / f"{meeting_id}.json") == SCHEMA_VERSION
    # the crashed session's entry was folded into the migrated file
    assert not (old_folder / "meetings" / f"{EXAMPLE}.journal").exists()
    assert "閉会します。" in (old_folder / "meetings" / f"{EXAMPLE}.json").read_text(encoding="utf-8")
    for meeting_id in (SEED, EXAMPLE):
        for suffix, options in VARIANTS:
            assert export(old_folder, meeting_id, "text", options) == expected(f"{meeting_id}{suffix}.txt")
            assert export(old_folder, meeting_id, "markdown", options) == expected(f"{meeting_id}{suffix}.md")
        # JSON: written as version 2 now, with the same meaning as the old release's version 1
        new = json.loads(export(old_folder, meeting_id, "json", []))
        old = json.loads(expected(f"{meeting_id}.json"))
        assert old["version"] == 1 and new["version"] == 2
        assert new == meeting_to_dict(meeting_from_dict(old, "old.json"))
    # a second open does not migrate again
    with DataDir(old_folder) as datadir:
        store = datadir.open_meeting(SEED)
        assert store.migrated_from is None
        store.close()
    assert len(list((old_folder / "backups" / SEED).glob("*-schema1.json"))) == 1


def test_the_kept_old_file_restores(old_folder):
    with DataDir(old_folder) as datadir:
        store = datadir.open_meeting(SEED)
        kept = store.migrated_from
        store.close()
    code, _, err = run(old_folder, "restore", str(kept))
    assert code == 0, err
    assert (old_folder / "meetings" / f"{SEED}.json").read_bytes() == kept.read_bytes()
    assert export(old_folder, SEED, "text", []) == expected(f"{SEED}.txt")


def test_a_failed_migration_leaves_the_old_file(old_folder, monkeypatch):
    from storage import meetings

    path = old_folder / "meetings" / f"{SEED}.json"
    before = path.read_bytes()

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(meetings, "atomic_write_bytes", refuse)
    with DataDir(old_folder) as datadir:
        with pytest.raises(Exception):
            datadir.open_meeting(SEED)
    assert path.read_bytes() == before
