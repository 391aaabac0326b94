"""Shared fixtures: a fresh data folder and the real ``kaigiroku`` command.

The command runs in a subprocess, exactly as a person meets it: the console
script of the current venv (``<venv>/bin/kaigiroku``), or
``python -m tui.cli`` where there is no script.  ``KAIGIROKU_DATA_DIR`` is
removed from its environment, and ``HOME`` / ``XDG_DATA_HOME`` point into the
test's temporary folder, so a command that names no data folder can never
touch the real one of whoever runs the tests.

Fixtures:

``data_dir``
    an empty data folder (a fresh temporary folder).
``run_cli(*args, env=None, cwd=None, input=None, timeout=60)``
    run the command with ``args``; returns ``(code, stdout, stderr)`` as text.
    ``env`` adds variables (a value of ``None`` removes one).  Nothing is
    added to ``args``: pass ``--data-dir`` yourself, or use ``kaigiroku``.
``kaigiroku(*args, **kw)``
    ``run_cli("--data-dir", data_dir, *args, **kw)``.
``demo_id``
    the ID of the demo meeting, added to ``data_dir`` with ``demo --no-open``.
``example_file``
    the example meeting of ``shared/meeting-format.md`` as a file.
``snapshot(folder)``
    (a plain function) every file under ``folder`` with the SHA-256 of its bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FORMAT_PAGE = SHARED / "meeting-format.md"

#: The console script installed next to the interpreter that runs the tests.
SCRIPT = Path(sys.executable).parent / ("kaigiroku.exe" if os.name == "nt" else "kaigiroku")

#: Wall times of the commands, printed at the end of the run (see pytest_terminal_summary).
TIMINGS: list[tuple[str, float]] = []

#: Observations worth a line in the summary (e.g. which libraries a command imported).
NOTES: list[str] = []

CliResult = tuple[int, str, str]


def cli_command() -> list[str]:
    """How to start the command: the console script, else ``python -m tui.cli``."""
    if SCRIPT.exists():
        return [str(SCRIPT)]
    return [sys.executable, "-m", "tui.cli"]


def base_env(home: Path) -> dict[str, str]:
    """The environment of a command: ours, without KAIGIROKU_DATA_DIR, with a private home."""
    env = dict(os.environ)
    env.pop("KAIGIROKU_DATA_DIR", None)
    for name in ("PYTHONUTF8", "PYTHONIOENCODING", "COVERAGE_PROCESS_START"):
        env.pop(name, None)
    if not any(env.get(name) for name in ("LC_ALL", "LC_CTYPE", "LANG")):
        env["LANG"] = "C.UTF-8"
    home.mkdir(parents=True, exist_ok=True)
    env["HOME"] = str(home)
    env["XDG_DATA_HOME"] = str(home / ".local" / "share")
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    env["XDG_CACHE_HOME"] = str(home / ".cache")
    return env


def run_command(
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    input: str | bytes | None = None,
    timeout: float = 60,
    label: str | None = None,
) -> CliResult:
    """Run ``argv``; return (exit status, stdout, stderr), both decoded as UTF-8.

    The wall time is recorded under ``label`` (default: the arguments after
    the program) for the summary at the end of the run.
    """
    data = input.encode("utf-8") if isinstance(input, str) else input
    started = time.perf_counter()
    completed = subprocess.run(
        argv,
        input=data,
        stdin=None if data is not None else subprocess.DEVNULL,
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )
    elapsed = time.perf_counter() - started
    if label is None:
        label = " ".join(_short(a) for a in argv[1 if argv[0] == str(SCRIPT) else 3 :])
    TIMINGS.append((label, elapsed))
    return (
        completed.returncode,
        completed.stdout.decode("utf-8", errors="strict"),
        completed.stderr.decode("utf-8", errors="strict"),
    )


def _short(arg: str) -> str:
    return Path(arg).name if os.sep in arg else arg


def snapshot(folder: Path) -> dict[str, str] | None:
    """Every file and folder under ``folder``: relative path → SHA-256 of the bytes ('<dir>' for folders).

    ``None`` when the folder does not exist.
    """
    folder = Path(folder)
    if not folder.exists():
        return None
    result: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            result[key] = "<symlink>" + os.readlink(path)
        elif path.is_dir():
            result[key] = "<dir>"
        else:
            result[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def last_word(text: str) -> str:
    """The last word of the last non-empty line of ``text``."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines, f"no output at all: {text!r}"
    return re.split(r"[\s:：]+", lines[-1].strip())[-1]


def example_from_format_page() -> dict:
    """The ``## Example`` JSON of shared/meeting-format.md."""
    page = FORMAT_PAGE.read_text(encoding="utf-8")
    section = page.split("## Example", 1)[1]
    match = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert match, "no ```json block under '## Example' in meeting-format.md"
    return json.loads(match.group(1))


# -- fixtures -----------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The HOME of the commands: a private folder, so the real user data is never touched."""
    return tmp_path / "home"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The current folder of the commands (where relative -o paths and backups land)."""
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh, empty data folder."""
    path = tmp_path / "data"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def run_cli(home: Path, workdir: Path) -> Callable[..., CliResult]:
    """``run_cli(*args, env=None, cwd=None, input=None, timeout=60) -> (code, stdout, stderr)``."""

    def run(
        *args: object,
        env: dict[str, str | None] | None = None,
        cwd: Path | None = None,
        input: str | bytes | None = None,
        timeout: float = 60,
        module: bool = False,
    ) -> CliResult:
        full_env = base_env(home)
        for name, value in (env or {}).items():
            if value is None:
                full_env.pop(name, None)
            else:
                full_env[name] = str(value)
        command = [sys.executable, "-m", "tui.cli"] if module else cli_command()
        return run_command(
            command + [str(arg) for arg in args],
            env=full_env,
            cwd=cwd or workdir,
            input=input,
            timeout=timeout,
        )

    return run


@pytest.fixture
def kaigiroku(run_cli, data_dir: Path) -> Callable[..., CliResult]:
    """``kaigiroku(*args)``: the command on ``data_dir`` (``--data-dir data_dir args…``)."""

    def run(*args: object, **kwargs) -> CliResult:
        return run_cli("--data-dir", data_dir, *args, **kwargs)

    return run


@pytest.fixture
def demo_id(kaigiroku) -> str:
    """Add the demo meeting with ``demo --no-open``; its ID."""
    code, out, err = kaigiroku("demo", "--no-open")
    assert code == 0, f"demo --no-open failed ({code}):\n{err}"
    return last_word(out)


@pytest.fixture
def example_dict() -> dict:
    """The example meeting of the format page."""
    return example_from_format_page()


@pytest.fixture
def example_file(tmp_path: Path, example_dict: dict) -> Path:
    """The example meeting of the format page, as a UTF-8 JSON file."""
    path = tmp_path / "example.json"
    path.write_text(json.dumps(example_dict, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# -- report -------------------------------------------------------------------


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # pragma: no cover
    """Print how long the kaigiroku commands took (only when some ran)."""
    if NOTES:
        terminalreporter.write_sep("-", "kaigiroku notes")
        for note in sorted(set(NOTES)):
            terminalreporter.write_line(note)
    if not TIMINGS:
        return
    by_command: dict[str, list[float]] = {}
    for label, seconds in TIMINGS:
        if label.startswith("("):
            by_command.setdefault(label, []).append(seconds)
            continue
        words = label.split()
        # Skip --data-dir DIR to group by command.
        while words[:1] and words[0].startswith("--data-dir"):
            words = words[2:] if words[0] == "--data-dir" else words[1:]
        by_command.setdefault(words[0] if words else "(app)", []).append(seconds)
    terminalreporter.write_sep("-", "kaigiroku command wall times (subprocess, seconds)")
    for command, times in sorted(by_command.items()):
        times.sort()
        terminalreporter.write_line(
            f"{command:18s} n={len(times):3d}  min={times[0]:.3f}  "
            f"median={times[len(times) // 2]:.3f}  max={times[-1]:.3f}"
        )


class PipeWatchdog:
    """A named pipe for a test of "refused at once": if the code under test waits on it for a writer,
    the watchdog comes as that writer after ``seconds`` (and leaves), so the test fails instead of hanging."""

    def __init__(self, path: Path, seconds: float = 5.0) -> None:
        import threading

        self.path = path
        os.mkfifo(path)
        self._done = threading.Event()
        self.came = False
        self._thread = threading.Thread(target=self._watch, args=(seconds,), daemon=True)

    def _watch(self, seconds: float) -> None:
        if not self._done.wait(seconds):
            self.came = True
            os.close(os.open(self.path, os.O_RDWR))  # a writer opens and closes: the waiting reader gets the end

    def __enter__(self) -> PipeWatchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    @classmethod
    def refusal(cls, path: Path, read, error_type: type[Exception]) -> Exception:
        """The error ``read(path)`` raises for a named pipe made at ``path``; the test fails if it waited."""
        import pytest

        with cls(path) as pipe, pytest.raises(error_type) as caught:
            read(path)
        assert not pipe.came, f"{path.name}: the read waited for a writer to the pipe"
        return caught.value
