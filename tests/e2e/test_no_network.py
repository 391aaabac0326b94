"""No byte leaves the machine, and nothing is written outside the data folder.

* The whole test suite runs with sockets disabled (pytest-socket, from
  ``addopts`` in pyproject.toml): a test that opened an internet socket would fail.
* That only covers the tests' own process, so the real ``kaigiroku`` runs
  under ``strace -f``: the app in a tmux pane (open a meeting, type and commit
  an entry, leave a draft, preview the export, quit), and the file commands
  (``list``, ``export`` in every format, ``backup``, ``import``, ``restore``).
  Every socket any of their processes or threads makes must be a Unix socket
  (asyncio's wake-up pair), and no ``connect``/``bind``/``sendto`` may name an
  internet address.
* From the same traces: every path opened for writing, created, renamed,
  removed or truncated lies inside the data folder, or is a file the command
  was told to write (``-o``), or a terminal device, or Python's bytecode cache
  (``__pycache__``, which holds no text). So nothing of the speeches lands in
  a log, a temporary folder, the home folder or the current folder.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, base_env, example_from_format_page, last_word, run_command
from tests.e2e.tmux import Tmux, tmux_available

SCRIPT = Path(sys.executable).parent / "kaigiroku"
START_TIMEOUT = 30
SPEECH = "【通信なし】ネットワークに出ない発言です。個人情報を含みます。"
DRAFT = "【下書き】入力途中の文章。"

#: What strace records: every network call, and every call that takes a file name.
TRACE = "trace=network,%file"
#: Calls that change the file system at the paths they name.
WRITING_CALLS = {
    "creat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "unlink", "unlinkat", "rmdir",
    "link", "linkat", "symlink", "symlinkat", "truncate", "mknod", "mknodat", "chmod", "fchmodat",
    "fchmodat2", "chown", "lchown", "fchownat", "utime", "utimes", "utimensat", "futimesat",
}
OPEN_CALLS = {"open", "openat", "openat2"}
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
NETWORK_FAMILIES = ("AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK", "AF_BLUETOOTH", "AF_CAN", "AF_VSOCK")

_LINE = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+(\w+)\((.*)$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
#: The flags after an open call's path.
_OPEN_FLAGS = re.compile(r'"(?:[^"\\]|\\.)*",\s*([A-Z0-9_|]+)')


# -- the suite's own sockets ----------------------------------------------------------


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_test_suite_runs_with_internet_sockets_disabled():
    from pytest_socket import SocketBlockedError

    for family in (socket.AF_INET, socket.AF_INET6):
        with pytest.raises(SocketBlockedError):
            socket.socket(family, socket.SOCK_STREAM)
    # Unix sockets stay allowed: asyncio (Textual's Pilot) wakes its loop with a Unix socket pair.
    left, right = socket.socketpair()
    left.close()
    right.close()
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    addopts = re.search(r'^addopts\s*=\s*"([^"]*)"', config, re.M)
    assert addopts and "--disable-socket" in addopts.group(1).split(), "pyproject.toml must disable sockets for every run"


# -- strace ---------------------------------------------------------------------------


def _strace_works() -> str | None:
    """None when ``strace -f`` can trace a child here, else why not."""
    if shutil.which("strace") is None:
        return "strace is not installed (apt-get install strace)"
    try:
        done = subprocess.run(["strace", "-f", "-qq", "-o", os.devnull, "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        return f"strace does not run: {error}"
    if done.returncode != 0:
        return f"strace cannot trace here (ptrace not permitted?): {done.stderr.decode(errors='replace').strip()}"
    return None


STRACE_PROBLEM = _strace_works() if sys.platform.startswith("linux") else "strace is Linux only"

def unescape(text: str) -> str:
    """A path as strace prints it (C escapes, \\ooo octal bytes) back to a str."""
    raw = text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1")
    return raw.decode("utf-8", "surrogateescape")


def parse_trace(log: Path) -> list[tuple[str, str, str]]:
    """(pid, call, the rest of the line) for each call strace recorded."""
    calls = []
    for line in log.read_text(encoding="latin-1").splitlines():
        match = _LINE.match(line)
        if match and "resumed>" not in line.split("(", 1)[0]:
            calls.append((match.group(1), match.group(2), match.group(3)))
    return calls


def network_problems(calls: list[tuple[str, str, str]]) -> list[str]:
    """Every socket that is not a Unix socket, and every address that is not a Unix one."""
    problems = []
    for pid, call, rest in calls:
        if call in ("socket", "socketpair") and not rest.startswith("AF_UNIX"):
            problems.append(f"{pid} {call}({rest}")
        elif any(f"sa_family={family}" in rest for family in NETWORK_FAMILIES):
            problems.append(f"{pid} {call}({rest}")
    return problems


def written_paths(calls: list[tuple[str, str, str]], cwd: Path) -> list[tuple[str, Path]]:
    """Every path a call opened for writing, created, renamed, removed or changed."""
    found = []
    for _pid, call, rest in calls:
        if call in OPEN_CALLS:
            flags = _OPEN_FLAGS.search(rest)
            if flags is None or not any(flag in flags.group(1).split("|") for flag in WRITE_FLAGS):
                continue
            quoted_paths = _QUOTED.findall(rest)[:1]
        elif call in WRITING_CALLS:
            quoted_paths = _QUOTED.findall(rest)
        else:
            continue
        for quoted in quoted_paths:
            path = Path(unescape(quoted))
            found.append((call, path if path.is_absolute() else cwd / path))
    return found


def outside(paths: list[tuple[str, Path]], allowed: list[Path]) -> list[str]:
    """The paths that are in none of ``allowed`` (folders or files), nor a device or bytecode cache."""
    roots = [Path(os.path.realpath(p)) for p in allowed]
    bad = []
    for call, path in paths:
        real = Path(os.path.normpath(path))
        if str(real).startswith("/dev/") or "__pycache__" in real.parts:
            continue
        resolved = Path(os.path.realpath(real.parent)) / real.name
        if any(resolved == root or root in resolved.parents for root in roots):
            continue
        bad.append(f"{call}: {path}")
    return bad


def strace_prefix(log: Path) -> list[str]:
    return ["strace", "-f", "-qq", "-e", TRACE, "-o", str(log)]


@pytest.fixture
def script() -> Path:
    if not SCRIPT.exists():
        pytest.skip(f"no console script at {SCRIPT}")
    return SCRIPT


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return base_env(home)


# -- the app ----------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed")
@pytest.mark.skipif(STRACE_PROBLEM is not None, reason=STRACE_PROBLEM or "")
def test_the_app_makes_no_network_socket_and_writes_only_its_data_folder(script, env, data_dir, workdir, tmp_path):
    code, out, err = run_command([str(script), "--data-dir", str(data_dir), "demo", "--no-open"], env=env, cwd=workdir)
    assert code == 0, err
    meeting_id = last_word(out)
    log = tmp_path / "app.strace"
    command = " ".join(shlex.quote(part) for part in [
        *strace_prefix(log), str(script), "--data-dir", str(data_dir), "open", meeting_id,
    ])
    with Tmux(f"exec {command}", env=env, cwd=workdir) as term:
        term.wait_for(["入力 (Enter", "発言"], timeout=START_TIMEOUT)
        term.wait_stable()
        term.paste(SPEECH)
        term.send_keys("Enter")
        term.wait_until(lambda screen: screen.count("【通信なし】") == 1 and "入力 (Enter" in screen,
                        timeout=15, what="the entry in the log")
        term.paste(DRAFT)
        deadline = time.monotonic() + 15
        while not (data_dir / "drafts" / f"{meeting_id}.json").exists():
            assert time.monotonic() < deadline, "the draft was never saved"
            time.sleep(0.05)
        term.send_keys("C-s")  # the export preview renders the whole meeting
        term.wait_for("公文書の文章", timeout=15)
        term.send_keys("Escape")
        term.wait_for("入力 (Enter", timeout=15)
        term.send_keys("C-q")
        status = term.wait_for_exit(timeout=30)
        assert status == 0, f"the app ended with {status}:\n{term.capture()}"

    calls = parse_trace(log)
    assert any(call == "openat" for _, call, _ in calls), "strace recorded nothing: the trace is not working"
    assert not network_problems(calls), "network sockets:\n" + "\n".join(network_problems(calls))
    written = written_paths(calls, workdir)
    assert any(path.parent == data_dir / "meetings" for _, path in written), "the meeting save was not traced"
    bad = outside(written, [data_dir])
    assert not bad, "the app wrote outside its data folder:\n" + "\n".join(bad)
    # And the speech really is in the data folder only: the home and current folders hold none of it.
    for folder in (env["HOME"], workdir):
        for path in Path(folder).rglob("*"):
            if path.is_file():
                assert "通信なし".encode() not in path.read_bytes(), f"speech text in {path}"


@pytest.mark.e2e
@pytest.mark.skipif(STRACE_PROBLEM is not None, reason=STRACE_PROBLEM or "")
def test_the_file_commands_make_no_network_socket_and_write_only_where_told(script, env, data_dir, workdir, tmp_path):
    example = tmp_path / "in" / "example.json"
    example.parent.mkdir()
    example.write_text(json.dumps(example_from_format_page(), ensure_ascii=False), encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    zip_path = out_dir / "backup.zip"

    outputs: dict[str, str] = {}

    def traced(name: str, *args: str) -> list[tuple[str, str, str]]:
        log = tmp_path / f"{name}.strace"
        done = subprocess.run(
            [*strace_prefix(log), str(script), "--data-dir", str(data_dir), *args],
            env=env, cwd=workdir, capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
        )
        assert done.returncode == 0, f"{name}: {done.stderr.decode('utf-8', 'replace')}"
        outputs[name] = done.stdout.decode("utf-8")
        return parse_trace(log)

    runs = {"import": traced("import", "import", str(example))}
    meeting_id = last_word(outputs["import"])
    runs["list"] = traced("list", "list")
    for fmt in ("text", "markdown", "json"):
        runs[f"export-{fmt}"] = traced(f"export-{fmt}", "export", meeting_id, "--format", fmt, "-o",
                                       str(out_dir / f"minutes.{fmt}"))
        runs[f"export-{fmt}-stdout"] = traced(f"export-{fmt}-stdout", "export", meeting_id, "--format", fmt)
    runs["backup"] = traced("backup", "backup", "-o", str(zip_path))
    runs["restore"] = traced("restore", "restore", str(zip_path))

    for name, calls in runs.items():
        assert calls, f"{name}: strace recorded nothing"
        assert not network_problems(calls), f"{name} made network sockets:\n" + "\n".join(network_problems(calls))
        bad = outside(written_paths(calls, workdir), [data_dir, out_dir])
        assert not bad, f"{name} wrote outside the data folder and its -o file:\n" + "\n".join(bad)
    assert not [p for p in workdir.rglob("*")], "a command left something in the current folder"


def test_the_trace_reader_sees_what_it_must(tmp_path):
    """The parser itself: a network socket and a write outside are caught (so a pass means something)."""
    log_lines = [
        '101 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 3',
        '101 socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, [5, 6]) = 0',
        '102 connect(7, {sa_family=AF_INET6, sin6_port=htons(443)}, 28) = -1 ENETUNREACH',
        '101 openat(AT_FDCWD, "/tmp/x/data/meetings/.a.json.0a1b2c3d.tmp", O_WRONLY|O_CREAT|O_EXCL, 0600) = 7',
        '101 openat(AT_FDCWD, "/var/log/kaigiroku.log", O_WRONLY|O_CREAT|O_APPEND, 0644) = 8',
        '101 openat(AT_FDCWD, "/usr/lib/python3/os.py", O_RDONLY|O_CLOEXEC) = 9',
        '101 rename("/tmp/x/data/.library.json.0a1b2c3d.tmp", "/tmp/x/data/library.json") = 0',
        '101 openat(AT_FDCWD, "notes.txt", O_RDWR|O_CREAT, 0666) = 10',
        '[pid   103] openat(AT_FDCWD, "/home/u/\\346\\227\\245.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 11',
    ]
    log = tmp_path / "trace.txt"
    log.write_text("\n".join(log_lines) + "\n", encoding="latin-1")
    calls = parse_trace(log)
    assert len(network_problems(calls)) == 2
    bad = outside(written_paths(calls, Path("/work")), [Path("/tmp/x/data")])
    assert bad == ["openat: /var/log/kaigiroku.log", "openat: /work/notes.txt", "openat: /home/u/日.txt"]
