"""The ``kaigiroku`` command line, as a person meets it: a subprocess, real files.

Behaviour under test is the one documented in ``tui/cli.py`` (usage, exit
statuses 0/1/2, Japanese messages) and ``shared/meeting-format.md`` (the
interchange format, its round trip and how a file is refused: exit 1, the
data folder untouched).  Messages are checked loosely: a Japanese sentence,
the file or ID concerned, never a traceback.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
import zipfile
from importlib.metadata import version as package_version
from pathlib import Path

import pytest

from tests.conftest import (
    NOTES,
    TIMINGS,
    base_env,
    cli_command,
    last_word,
    run_command,
    snapshot,
)

USAGE_ERROR = "使い方が正しくありません"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

#: The first turn of the demo, as the official text prints it (label, then the start of the text).
FIRST_TURN_MARKDOWN = re.compile(r"\*\*会長\*\*[ \u3000]*議事の1番目")
FIRST_TURN_TEXT = re.compile(r"^[ \u3000]*会長[ \u3000]+議事の1番目", re.M)
FIRST_TURN_NAMED = re.compile(r"昼間守仁会長(\*\*)?[ \u3000]*議事の1番目")


# -- helpers -----------------------------------------------------------------------


def assert_no_traceback(err: str) -> None:
    assert "Traceback" not in err, f"a traceback instead of a message:\n{err}"


def assert_refused(result, *, code: int = 1, mentions: tuple[str, ...] = ()) -> str:
    """The command failed with ``code`` and a Japanese message naming ``mentions``."""
    status, out, err = result
    assert status == code, f"expected exit {code}, got {status}\nstdout:\n{out}\nstderr:\n{err}"
    assert_no_traceback(err)
    assert JAPANESE.search(err), f"no Japanese message on stderr:\n{err!r}"
    for word in mentions:
        assert word in err, f"the message does not mention {word!r}:\n{err}"
    return err


def ok(result) -> str:
    """The command succeeded; its stdout."""
    status, out, err = result
    assert status == 0, f"exit {status}\nstdout:\n{out}\nstderr:\n{err}"
    assert_no_traceback(err)
    return out


def cells(text: str) -> int:
    """Terminal columns of ``text``: full-width characters count 2."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def assert_contains(expected, actual, where: str = "$") -> None:
    """Every key of ``expected`` is in ``actual`` with the same value (recursively)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} is missing from the export"
            assert_contains(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: {len(expected)} elements in, {len(actual)} out"
        for index, (left, right) in enumerate(zip(expected, actual)):
            assert_contains(left, right, f"{where}[{index}]")
    elif where == "$.version" and expected == 1:
        assert actual == 2, f"{where}: a version 1 file is written back as version 2, got {actual!r}"
    else:
        assert type(actual) is type(expected) and actual == expected, (
            f"{where}: {expected!r} in, {actual!r} out"
        )


def list_rows(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines() if line.strip()]


# -- version, help, list -------------------------------------------------------------


def test_version(run_cli):
    out = ok(run_cli("--version"))
    assert out.strip() == f"kaigiroku {package_version('kaigiroku')}"


def test_version_through_python_m(run_cli):
    out = ok(run_cli("--version", module=True))
    assert out.strip() == f"kaigiroku {package_version('kaigiroku')}"


def test_help_is_japanese(run_cli):
    out = ok(run_cli("--help"))
    assert "使い方" in out
    for command in ("list", "import", "export", "backup", "restore", "demo"):
        assert command in out
    # the heading once, not again as a line of its own under it
    assert out.count("コマンド:") == 1 and "\n  コマンド\n" not in out


def test_list_empty(kaigiroku):
    code, out, err = kaigiroku("list")
    assert code == 0, err
    assert out == ""
    assert JAPANESE.search(err), f"no Japanese hint on stderr: {err!r}"
    assert "kaigiroku demo" in err
    assert_no_traceback(err)


def test_list_does_not_create_the_data_folder(run_cli, tmp_path):
    missing = tmp_path / "not-yet"
    code, out, err = run_cli("--data-dir", missing, "list")
    assert code == 0, err
    assert out == ""
    assert not missing.exists(), "list created the data folder"


# -- demo, list ----------------------------------------------------------------------


def test_demo_prints_its_id_and_list_shows_it(kaigiroku, data_dir):
    code, out, err = kaigiroku("demo", "--no-open")
    assert code == 0, err
    meeting_id = last_word(out)
    assert re.fullmatch(r"[\w.-]+", meeting_id), f"odd ID {meeting_id!r} in {out!r}"
    rows = list_rows(ok(kaigiroku("list")))
    assert len(rows) == 1, rows
    row_id, date, title = rows[0]
    assert row_id == meeting_id
    assert date == "2022-03-15"
    assert "小平市情報公開・個人情報保護・公文書管理審議会" in title


def test_demo_twice_gives_two_meetings(kaigiroku, demo_id):
    second = last_word(ok(kaigiroku("demo", "--no-open")))
    assert second != demo_id
    ids = [row[0] for row in list_rows(ok(kaigiroku("list")))]
    assert sorted(ids) == sorted([demo_id, second])


def test_data_folder_from_the_environment(run_cli, data_dir, demo_id, tmp_path):
    out = ok(run_cli("list", env={"KAIGIROKU_DATA_DIR": data_dir}))
    assert [row[0] for row in list_rows(out)] == [demo_id]
    # --data-dir wins over the environment.
    other = tmp_path / "other"
    out = ok(run_cli("--data-dir", data_dir, "list", env={"KAIGIROKU_DATA_DIR": other}))
    assert [row[0] for row in list_rows(out)] == [demo_id]
    assert not other.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG data folder is Linux's")
def test_default_data_folder_is_the_users(run_cli, home):
    meeting_id = last_word(ok(run_cli("demo", "--no-open")))
    default = home / ".local" / "share" / "kaigiroku"
    assert default.is_dir(), "the default data folder was not created under $XDG_DATA_HOME"
    out = ok(run_cli("list"))
    assert [row[0] for row in list_rows(out)] == [meeting_id]


# -- import / export json round trip ---------------------------------------------------


def test_import_example_and_round_trip(kaigiroku, example_file, example_dict, tmp_path):
    out = ok(kaigiroku("import", example_file))
    meeting_id = last_word(out)
    rows = list_rows(ok(kaigiroku("list")))
    assert [row[0] for row in rows] == [meeting_id]
    assert rows[0][1] == example_dict["date"]

    exported = ok(kaigiroku("export", meeting_id, "--format", "json"))
    first = json.loads(exported)
    assert_contains(example_dict, first)

    # A second import and export changes nothing.
    again = tmp_path / "again.json"
    again.write_text(exported, encoding="utf-8")
    second_id = last_word(ok(kaigiroku("import", again)))
    assert second_id != meeting_id
    second = json.loads(ok(kaigiroku("export", second_id, "--format", "json")))
    assert second == first


def test_export_a_file_directly(run_cli, example_file, example_dict, tmp_path):
    data = tmp_path / "never-created"
    out = ok(run_cli("--data-dir", data, "export", example_file, "--format", "json"))
    assert_contains(example_dict, json.loads(out))
    text = ok(run_cli("--data-dir", data, "export", example_file))
    assert FIRST_TURN_TEXT.search(text), text[:2000]
    assert not data.exists(), "exporting a file created the data folder"


def test_export_demo_json_round_trips(kaigiroku, demo_id):
    from minutes.demo import load_demo_dict

    exported = json.loads(ok(kaigiroku("export", demo_id, "--format", "json")))
    assert_contains(load_demo_dict(), exported)


# -- text and markdown -------------------------------------------------------------------


def test_export_markdown_and_text(kaigiroku, demo_id):
    markdown = ok(kaigiroku("export", demo_id, "--format", "markdown"))
    assert FIRST_TURN_MARKDOWN.search(markdown), markdown[:3000]
    text = ok(kaigiroku("export", demo_id, "--format", "text"))
    assert FIRST_TURN_TEXT.search(text), text[:3000]
    assert "**" not in text
    default = ok(kaigiroku("export", demo_id))
    assert default == text, "the default format is not text"
    for output in (markdown, text):
        assert "令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録" in output
        assert "令和4年3月15日" in output and "午後5時30分" in output
        assert "承認します。" in output


def test_named_changes_the_speakers(kaigiroku, demo_id):
    plain = ok(kaigiroku("export", demo_id))
    named = ok(kaigiroku("export", demo_id, "--named"))
    assert named != plain
    assert FIRST_TURN_NAMED.search(named), named[:3000]
    assert not FIRST_TURN_NAMED.search(plain)
    markdown = ok(kaigiroku("export", demo_id, "--format", "markdown", "--named"))
    assert re.search(r"\*\*昼間守仁会長\*\*[ \u3000]*議事の1番目", markdown), markdown[:3000]


def test_votes_summary_changes_the_votes(kaigiroku, demo_id):
    roll = ok(kaigiroku("export", demo_id, "--votes", "roll"))
    summary = ok(kaigiroku("export", demo_id, "--votes", "summary"))
    assert summary != roll
    assert roll == ok(kaigiroku("export", demo_id)), "roll is not the default"
    assert "採決の結果" in summary
    assert "採決の結果" not in roll
    assert roll.count("承認します。") >= 10  # two votes of five ballots
    assert summary.count("承認します。") < roll.count("承認します。")


def test_width_wraps_text(kaigiroku, demo_id):
    plain = ok(kaigiroku("export", demo_id))
    wrapped = ok(kaigiroku("export", demo_id, "--width", "40"))
    assert wrapped != plain
    assert max(cells(line) for line in plain.splitlines()) > 40
    too_wide = [line for line in wrapped.splitlines() if cells(line) > 40]
    assert not too_wide, f"{len(too_wide)} lines wider than 40 columns, e.g. {too_wide[:3]}"
    # Only line breaks (and indentation) are added: the words are the same.
    assert re.sub(r"\s", "", wrapped) == re.sub(r"\s", "", plain)


def test_width_is_for_text_only(kaigiroku, demo_id):
    code, out, err = kaigiroku("export", demo_id, "--format", "markdown", "--width", "40")
    assert code != 0 and out == ""
    assert_no_traceback(err)
    assert "--width" in err and JAPANESE.search(err)


# -- -o FILE -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_output_file(kaigiroku, demo_id, workdir, fmt):
    expected = ok(kaigiroku("export", demo_id, "--format", fmt))
    name = f"会議録.{fmt}"
    code, out, err = kaigiroku("export", demo_id, "--format", fmt, "-o", name)
    assert code == 0, err
    assert out == ""
    target = workdir / name
    assert target.is_file()
    data = target.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "a BOM at the start of the file"
    assert data.decode("utf-8") == expected
    assert name in err + out, f"the command does not say where it wrote: {err!r}"


def test_output_file_replaces_and_absolute_path(kaigiroku, demo_id, tmp_path):
    target = tmp_path / "out" / "minutes.txt"
    target.parent.mkdir()
    target.write_text("old content\n", encoding="utf-8")
    code, out, err = kaigiroku("export", demo_id, "--output", target)
    assert code == 0, err
    assert str(target) in err + out
    assert FIRST_TURN_TEXT.search(target.read_text(encoding="utf-8"))


def test_output_into_a_missing_folder_is_refused(kaigiroku, demo_id, tmp_path):
    target = tmp_path / "nowhere" / "minutes.txt"
    assert_refused(kaigiroku("export", demo_id, "-o", target), mentions=("nowhere",))
    assert not target.parent.exists()


# -- wrong usage: exit 2 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["--no-such-option"],
        ["list", "extra"],
        ["import"],
        ["export"],
        ["export", "x", "--format", "pdf"],
        ["export", "x", "--votes", "all"],
        ["export", "x", "--width", "abc"],
        ["export", "x", "--width", "5"],
        ["open"],
        ["restore"],
    ],
    ids=lambda args: " ".join(args),
)
def test_wrong_usage(kaigiroku, data_dir, args):
    before = snapshot(data_dir)
    code, out, err = kaigiroku(*args)
    assert code == 2, f"exit {code}\n{err}"
    assert USAGE_ERROR in err, err
    assert out == ""
    assert_no_traceback(err)
    assert snapshot(data_dir) == before


# -- bad input: exit 1, nothing changed -----------------------------------------------------


def test_unknown_id(kaigiroku, demo_id, data_dir):
    before = snapshot(data_dir)
    assert_refused(kaigiroku("export", "no-such-meeting"), mentions=("no-such-meeting",))
    assert_refused(kaigiroku("open", "no-such-meeting", timeout=30), mentions=("no-such-meeting",))
    assert snapshot(data_dir) == before


def test_missing_file(kaigiroku, data_dir, demo_id, workdir):
    before = snapshot(data_dir)
    assert_refused(kaigiroku("import", "missing.json"), mentions=("missing.json",))
    assert_refused(kaigiroku("export", "missing.json"), mentions=("missing.json",))
    assert_refused(kaigiroku("export", "sub/missing.json"), mentions=("missing.json",))
    (workdir / "folder.json").mkdir()
    assert_refused(kaigiroku("import", "folder.json"), mentions=("folder.json",))
    assert snapshot(data_dir) == before


def _set(path: str, value):
    """A change to the example: set the value at ``path`` (``agenda.0.log.3.vote.result``)."""

    def change(data: dict) -> dict:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list) and int(last) == len(node):
            node.append(value)
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
        return data

    return change


def _delete(key: str):
    def change(data: dict) -> dict:
        del data[key]
        return data

    return change


def _append_text(path: str, suffix: str):
    def change(data: dict) -> dict:
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] += suffix
        return data

    return change


def _serialized(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


#: name → (change to the example dict, or raw bytes maker; words the message must contain).
#: The JSON paths follow the format page's notation (agenda[1].log[4].speaker).
REFUSALS = {
    "malformed JSON": (lambda data: _serialized(data)[:-40], ()),
    "empty file": (lambda data: b"", ()),
    "not UTF-8 (Shift_JIS)": (
        lambda data: json.dumps(data, ensure_ascii=False).encode("cp932"),
        (),
    ),
    "not an object": (lambda data: b"[1, 2, 3]", ()),
    "no format key": (_delete("format"), ("format",)),
    "version 3": (_set("version", 3), ("version",)),
    "unknown key (typo)": (_set("tilte", "x"), ("tilte",)),
    "duplicate person id": (
        _set("people.5", {"id": "p3", "name": "重複", "group": "委員", "title": "委員"}),
        ("people",),
    ),
    "speaker unknown": (_set("agenda.0.log.0.speaker", "p9"), ("agenda[0].log[0].speaker",)),
    "ballot from an absent person": (_set("people.2.present", False), ("agenda[0].log[3]",)),
    "ballot without voting right": (
        _set("agenda.0.log.3.vote.ballots", {"p2": "承認", "p3": "承認", "s1": "承認"}),
        ("agenda[0].log[3]",),
    ),
    "result contradicts ballots": (
        _set("agenda.0.log.3.vote.ballots", {"p2": "不承認", "p3": "不承認"}),
        ("agenda[0].log[3]",),
    ),
    "impossible date": (_set("date", "2022-02-30"), ("date",)),
    "impossible time": (_set("start", "25:00"), ("start",)),
    "end before start": (_set("end", "17:00"), ("end",)),
    "NUL in text": (_append_text("agenda.0.log.0.text", "\x00"), ("agenda[0].log[0].text",)),
    "escape in place": (_append_text("place", "\x1b[31m"), ("place",)),
}


@pytest.fixture(scope="session")
def populated_template(tmp_path_factory) -> Path:
    """A data folder holding the demo meeting, made once; tests copy it."""
    base = tmp_path_factory.mktemp("template")
    folder = base / "data"
    code, out, err = run_command(
        cli_command() + ["--data-dir", str(folder), "demo", "--no-open"],
        env=base_env(base / "home"),
        cwd=base,
    )
    assert code == 0, f"demo --no-open failed ({code}):\n{err}"
    return folder


@pytest.fixture
def populated(populated_template, tmp_path) -> Path:
    """A copy of a data folder that holds the demo meeting."""
    folder = tmp_path / "populated"
    shutil.copytree(populated_template, folder, symlinks=True)
    return folder


@pytest.mark.parametrize("name", list(REFUSALS), ids=list(REFUSALS))
def test_refusal_changes_nothing(run_cli, populated, example_dict, tmp_path, name):
    change, mentions = REFUSALS[name]
    produced = change(copy.deepcopy(example_dict))
    bad = tmp_path / "bad-meeting.json"
    bad.write_bytes(produced if isinstance(produced, bytes) else _serialized(produced))
    before = snapshot(populated)
    listed = ok(run_cli("--data-dir", populated, "list"))

    assert_refused(run_cli("--data-dir", populated, "import", bad), mentions=("bad-meeting.json", *mentions))
    assert snapshot(populated) == before, "a refused import changed the data folder"
    assert ok(run_cli("--data-dir", populated, "list")) == listed

    assert_refused(
        run_cli("--data-dir", populated, "export", bad, "--format", "json"),
        mentions=("bad-meeting.json", *mentions),
    )
    assert snapshot(populated) == before


def test_the_refusal_cases_are_otherwise_valid(kaigiroku, example_dict, tmp_path):
    """The unchanged example imports, so each refusal above is due to its one change."""
    good = tmp_path / "good.json"
    good.write_bytes(_serialized(copy.deepcopy(example_dict)))
    ok(kaigiroku("import", good))


# -- the write lock -------------------------------------------------------------------------

LOCK_HOLDER = """
import sys
from pathlib import Path
from storage import DataDir

datadir = DataDir(Path(sys.argv[1]))
with datadir.write_lock():
    print("locked", flush=True)
    sys.stdin.readline()
print("released", flush=True)
"""


class LockHolder:
    """Another process that holds the data folder's write lock until released."""

    def __init__(self, folder: Path, env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOCK_HOLDER, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            text=True,
            encoding="utf-8",
        )
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout=30)
        if not line or line[0].strip() != "locked":
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
            pytest.fail(f"the lock holder did not take the lock: {line!r}\n{err}")

    def release(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.write("\n")
                self.process.stdin.flush()
            except BrokenPipeError:  # pragma: no cover
                pass
        try:
            self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.process.kill()
            self.process.communicate()


def test_import_refused_while_another_process_holds_the_lock(
    kaigiroku, data_dir, demo_id, example_file, home, workdir
):
    holder = LockHolder(data_dir, base_env(home), workdir)
    try:
        before = snapshot(data_dir)
        err = assert_refused(kaigiroku("import", example_file, timeout=30))
        assert "使用中" in err, err
        assert str(holder.process.pid) in err, f"the message does not name the holder's PID:\n{err}"
        assert_refused(kaigiroku("demo", "--no-open", timeout=30))
        assert snapshot(data_dir) == before, "a refused import changed the data folder"

        # Reading still works.
        rows = list_rows(ok(kaigiroku("list", timeout=30)))
        assert [row[0] for row in rows] == [demo_id]
        assert FIRST_TURN_TEXT.search(ok(kaigiroku("export", demo_id, timeout=30)))
        assert json.loads(ok(kaigiroku("export", demo_id, "--format", "json", timeout=30)))
    finally:
        holder.release()
    # Once released, the import goes through.
    new_id = last_word(ok(kaigiroku("import", example_file)))
    assert sorted(row[0] for row in list_rows(ok(kaigiroku("list")))) == sorted([demo_id, new_id])


# -- backup / restore ------------------------------------------------------------------------


def test_backup_and_restore_round_trip(kaigiroku, data_dir, demo_id, example_file, workdir):
    exported = ok(kaigiroku("export", demo_id, "--format", "json"))
    out = ok(kaigiroku("backup", "-o", "x.zip"))
    archive = workdir / "x.zip"
    assert archive.is_file()
    assert "x.zip" in out
    assert zipfile.is_zipfile(archive)
    with zipfile.ZipFile(archive) as handle:
        assert handle.testzip() is None

    added = last_word(ok(kaigiroku("import", example_file)))
    assert len(list_rows(ok(kaigiroku("list")))) == 2

    out = ok(kaigiroku("restore", "x.zip"))
    assert "x.zip" in out
    assert [row[0] for row in list_rows(ok(kaigiroku("list")))] == [demo_id]
    assert ok(kaigiroku("export", demo_id, "--format", "json")) == exported
    assert_refused(kaigiroku("export", added), mentions=(added,))


@pytest.mark.parametrize(
    "command",
    [
        ["export", "{id}", "--format", "markdown", "-o", "{data}/meetings/{id}.json"],
        ["export", "{id}", "-o", "{data}/library.json"],
        ["export", "{id}", "--format", "json", "-o", "{data}/minutes.json"],
        ["backup", "-o", "{data}/library.json"],
        ["backup", "-o", "{data}/backups/x.zip"],
    ],
    ids=["export over a meeting file", "export over the library", "export into the folder", "backup over the library", "backup into backups"],
)
def test_nothing_is_written_into_the_data_folder(kaigiroku, data_dir, demo_id, command):
    # `export -o meetings/<id>.json` must not replace the meeting file with Markdown.
    before = snapshot(data_dir)
    args = [word.format(id=demo_id, data=data_dir) for word in command]
    err = assert_refused(kaigiroku(*args), mentions=(str(data_dir),))
    assert "データフォルダの外" in err
    assert snapshot(data_dir) == before
    ok(kaigiroku("export", demo_id))  # the meeting still reads


def test_backup_without_output_lands_in_the_current_folder(kaigiroku, demo_id, workdir):
    out = ok(kaigiroku("backup"))
    archives = list(workdir.glob("kaigiroku-backup-*.zip"))
    assert len(archives) == 1, list(workdir.iterdir())
    assert archives[0].name in out
    assert zipfile.is_zipfile(archives[0])


def test_restore_refuses_bad_archives(kaigiroku, data_dir, demo_id, workdir):
    before = snapshot(data_dir)
    (workdir / "not-a-zip.zip").write_bytes(b"this is not a zip file\n")
    assert_refused(kaigiroku("restore", "not-a-zip.zip"), mentions=("not-a-zip.zip",))
    assert snapshot(data_dir) == before
    with zipfile.ZipFile(workdir / "foreign.zip", "w") as handle:
        handle.writestr("hello.txt", "a zip that is not a kaigiroku backup")
    assert_refused(kaigiroku("restore", "foreign.zip"), mentions=("foreign.zip",))
    assert snapshot(data_dir) == before
    assert_refused(kaigiroku("restore", "missing.zip"), mentions=("missing.zip",))
    assert snapshot(data_dir) == before


# -- the file commands do not load Textual ------------------------------------------------------

IMPORT_PROBE = """
import json, sys, time
started = time.perf_counter()
from tui.cli import main
code = main(sys.argv[2:])
elapsed = time.perf_counter() - started
loaded = {name: name in sys.modules for name in ("textual", "rich", "tinydb", "platformdirs", "filelock", "docx", "lxml", "docxtpl")}
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump({"code": code, "loaded": loaded, "seconds": elapsed}, handle)
"""


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["export", "{id}"],
        ["export", "{id}", "--format", "markdown"],
        ["export", "{id}", "--style", "議会"],
        ["export", "{id}", "--format", "json"],
        ["export", "{id}", "--format", "docx", "-o", "{tmp}/m.docx"],
        ["export", "{id}", "--format", "docx", "--template", "{tmp}/様式.docx", "-o", "{tmp}/m.docx"],
        ["styles"],
        ["styles", "word-template", "{tmp}/見本.docx"],
        ["export", "{example}", "--format", "json"],
        ["import", "{example}"],
        ["demo", "--no-open"],
        ["backup", "-o", "{tmp}/b.zip"],
    ],
    ids=lambda command: " ".join(word.strip("{}") for word in command),
)
def test_file_commands_do_not_import_textual(
    data_dir, demo_id, example_file, home, workdir, tmp_path, command
):
    report = tmp_path / "modules.json"
    args = [word.format(id=demo_id, example=example_file, tmp=tmp_path) for word in command]
    if "--template" in command:
        from minutes.docx_template import example_template

        (tmp_path / "様式.docx").write_bytes(example_template())
    code, out, err = run_command(
        [sys.executable, "-c", IMPORT_PROBE, str(report), "--data-dir", str(data_dir), *args],
        env=base_env(home),
        cwd=workdir,
        label="(in-process probe)",
    )
    assert code == 0, err
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["code"] == 0, err
    loaded = result["loaded"]
    label = " ".join(word.replace("{tmp}/", "").strip("{}") for word in command)
    NOTES.append(
        f"{label}: in-process {result['seconds']:.3f}s; "
        + ", ".join(f"{name}={'yes' if hit else 'no'}" for name, hit in loaded.items())
    )
    assert not loaded["textual"], f"`kaigiroku {' '.join(command)}` imported Textual"
    assert not loaded["rich"], f"`kaigiroku {' '.join(command)}` imported Rich"
    # python-docx and lxml load only when a Word file is asked for, docxtpl only for a city's template
    word = "docx" in command or "word-template" in command
    assert loaded["docx"] == loaded["lxml"] == word, label
    assert loaded["docxtpl"] == ("--template" in command), label


# -- Word output ---------------------------------------------------------------------------


def test_export_docx_to_a_file_holds_the_text_exports_lines(kaigiroku, demo_id, workdir):
    import docx

    text = ok(kaigiroku("export", demo_id))
    status, out, err = kaigiroku("export", demo_id, "--format", "docx", "-o", "会議録.docx")
    assert status == 0 and out == "", err
    assert "会議録.docx" in err
    document = docx.Document(str(workdir / "会議録.docx"))
    lines = [line for p in document.paragraphs for line in p.text.split("\n")]
    assert lines == text.rstrip("\n").split("\n")
    first_turn = next(p for p in document.paragraphs if "議事の1番目" in p.text)
    assert first_turn.runs[0].text == "会長"


def test_export_docx_of_the_council_example_in_its_own_style(kaigiroku, workdir):
    import docx

    meeting_id = last_word(ok(kaigiroku("demo", "--no-open", "--council")))
    ok(kaigiroku("export", meeting_id, "--format", "docx", "-o", "議会.docx"))
    document = docx.Document(str(workdir / "議会.docx"))
    firsts = [p.runs[0].text for p in document.paragraphs if p.runs]
    assert "◎山川委員長" in firsts and "○田中課長" in firsts
    assert "午前10時12分休憩" in [p.text for p in document.paragraphs]


@pytest.mark.parametrize(
    "extra, mentions",
    [
        ([], ("-o",)),
        (["-o", "x.docx", "--encoding", "cp932"], ("--encoding",)),
        (["-o", "x.docx", "--newline", "crlf"], ("--newline",)),
        (["-o", "x.docx", "--width", "40"], ("--width",)),
    ],
    ids=["no-output", "encoding", "newline", "width"],
)
def test_export_docx_refuses_a_terminal_and_text_options(kaigiroku, demo_id, workdir, extra, mentions):
    status, out, err = kaigiroku("export", demo_id, "--format", "docx", *extra)
    assert_refused((status, out, err), mentions=mentions)
    assert out == "" and not (workdir / "x.docx").exists()


def test_a_citys_word_template_is_filled_in(kaigiroku, demo_id, workdir):
    import docx

    out = ok(kaigiroku("styles", "word-template", "様式.docx"))
    assert "--template 様式.docx" in out
    template = docx.Document(str(workdir / "様式.docx"))
    template.sections[0].footer.paragraphs[0].add_run("小平市 総務課")  # the city's own footer
    template.save(str(workdir / "様式.docx"))
    status, out, err = kaigiroku("export", demo_id, "--format", "docx", "--template", "様式.docx", "-o", "会議録.docx")
    assert status == 0 and out == "", err
    document = docx.Document(str(workdir / "会議録.docx"))
    texts = [p.text for p in document.paragraphs]
    assert texts[0].startswith("令和3年度第3回") and not any("{{" in t or "{%" in t for t in texts)
    assert any(t.startswith("会長\u3000議事の1番目") for t in texts)
    assert "小平市 総務課" in document.sections[0].footer.paragraphs[0].text
    assert "小平市情報公開" in document.sections[0].header.paragraphs[0].text


def test_styles_word_template_never_overwrites(kaigiroku, workdir):
    (workdir / "様式.docx").write_bytes(b"the city's own")
    assert_refused(kaigiroku("styles", "word-template", "様式.docx"), mentions=("様式.docx",))
    assert (workdir / "様式.docx").read_bytes() == b"the city's own"


def _template(workdir, *lines) -> str:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(workdir / "様式.docx"))
    return "様式.docx"


def _written(workdir, data: bytes) -> str:
    (workdir / "様式.docx").write_bytes(data)
    return "様式.docx"


def _huge(workdir) -> str:
    """A template one byte over the limit (sparse: no disk used)."""
    name = _template(workdir, "{{ title }}")
    os.truncate(workdir / name, (20 << 20) + 1)
    return name


@pytest.mark.parametrize(
    "setup, extra, mentions",
    [
        (lambda w: _template(w, "{{ 会議名 }}"), [], ("会議名", "様式.docx")),
        (lambda w: _template(w, "{%p for item in items %}", "{{ item.title }}"), [], ("for item in items",)),
        (lambda w: _written(w, b"not Word"), [], (".docx",)),
        (lambda w: "ない.docx", [], ("ない.docx",)),
        (lambda w: _huge(w), [], ("大きすぎ", "20 MB")),
        (lambda w: _template(w, "{{ title }}"), ["--style", "議会"], ("--style",)),
        (lambda w: _template(w, "{{ title }}"), ["--format", "text"], ("--format docx",)),
    ],
    ids=["unknown-placeholder", "unclosed-loop", "not-docx", "missing", "too-large", "with-style", "not-docx-format"],
)
def test_a_bad_word_template_is_refused_and_nothing_is_written(kaigiroku, demo_id, workdir, setup, extra, mentions):
    name = setup(workdir)
    args = ["--format", "docx", *extra] if "--format" not in extra else extra
    status, out, err = kaigiroku("export", demo_id, *args, "--template", name, "-o", "会議録.docx")
    assert_refused((status, out, err), mentions=mentions)
    assert not (workdir / "会議録.docx").exists()


def test_export_is_quick(kaigiroku, demo_id):
    """An export answers without loading the app; report how long it takes."""
    start = len(TIMINGS)
    for _ in range(3):
        ok(kaigiroku("export", demo_id))
    times = sorted(seconds for _, seconds in TIMINGS[start:])
    NOTES.append(f"export ID (text, demo): wall {times[0]:.3f}s best of 3, {times[-1]:.3f}s worst")
    assert times[0] < 5, f"export took {times[0]:.2f}s at best"
