"""Run a command in a pseudo-terminal and time it from outside.

:func:`first_frame` starts a full-screen app in a pty of a fixed size, reads
everything it writes, and stops the clock when every marker string has
appeared in the output (the app's first frame is on the terminal). It then
lets the app settle a moment, reads its peak memory (``VmHWM`` of
``/proc/<pid>/status``) and kills it.

:func:`until_exit` times a command in a pty from start to exit (the bare app
with ``--exit-after-first-frame``), :func:`plain` a command with its output
in a file (``kaigiroku export``).

Nobody answers the terminal queries an app sends (device attributes and the
like): Textual does not wait for the answers, so that costs nothing.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

WIDTH = 120
HEIGHT = 36


@dataclass
class Run:
    seconds: float
    """Start to the event measured (first frame, exit)."""
    peak_rss_kib: int | None = None
    """VmHWM of the process (KiB), read after the first frame and a short settle."""
    output_bytes: int = 0
    exit_code: int | None = None
    cpu_seconds: float | None = None
    """CPU time (user + system, all threads) to the same event: less sensitive to a busy machine."""


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("TMUX", "TMUX_PANE", "COLUMNS", "LINES", "TEXTUAL", "TEXTUAL_DEVTOOLS"):
        env.pop(name, None)
    env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "COLORTERM": "truecolor"})
    env.update(extra or {})
    return env


def _open_pty() -> tuple[int, int]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
    return master, slave


def _spawn(argv: Sequence[str], env: dict[str, str] | None, cwd: str | None) -> tuple[subprocess.Popen, int]:
    master, slave = _open_pty()

    def make_controlling_tty() -> None:  # in the child, after setsid
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    try:
        process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=_env(env),
            cwd=cwd,
            start_new_session=True,
            preexec_fn=make_controlling_tty,
            close_fds=True,
        )
    finally:
        os.close(slave)
    return process, master


def _read_available(master: int, timeout: float) -> bytes | None:
    """What the pty has within ``timeout`` (b"" if nothing), ``None`` at end of output."""
    ready, _, _ = select.select([master], [], [], max(timeout, 0))
    if not ready:
        return b""
    try:
        data = os.read(master, 65536)
    except OSError:  # EIO: the child closed the terminal
        return None
    return data if data else None


def peak_rss_kib(pid: int) -> int | None:
    """The process's peak resident set size (VmHWM) in KiB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a running process so far (all its threads)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command's name: state is field 3, utime 14 and stime 15 (1-based, see proc(5)).
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _wait(process: subprocess.Popen) -> tuple[int, float]:
    """Wait for the process; its exit status and the CPU time it used (from wait4's rusage)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


class Timeout(RuntimeError):
    pass


def first_frame(
    argv: Sequence[str],
    markers: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    settle: float = 0.3,
    timeout: float = 60.0,
) -> Run:
    """Start ``argv`` in a pty; time until all ``markers`` are in its output; peak memory; kill it."""
    wanted = [marker.encode("utf-8") for marker in markers]
    started = time.perf_counter()
    process, master = _spawn(argv, env, cwd)
    output = bytearray()
    try:
        seen_at = None
        while seen_at is None:
            remaining = started + timeout - time.perf_counter()
            if remaining <= 0:
                raise Timeout(
                    f"no first frame after {timeout:.0f}s: {argv!r} never showed all of {list(markers)!r}"
                    " (has the screen changed?)"
                )
            data = _read_available(master, min(remaining, 0.5))
            if data is None:
                raise RuntimeError(f"the command ended before its first frame: {argv!r}\n{_tail(output)}")
            if data:
                output += data
                # Only the recent part can complete a marker that was missing.
                if all(marker in output for marker in wanted):
                    seen_at = time.perf_counter()
                    cpu = cpu_seconds(process.pid)
        # Let it finish what follows the first frame (scrolling to the end, timers), draining the pty.
        settle_until = seen_at + settle
        while (left := settle_until - time.perf_counter()) > 0:
            data = _read_available(master, left)
            if data is None:
                break
            output += data
        peak = peak_rss_kib(process.pid)
        return Run(seconds=seen_at - started, peak_rss_kib=peak, output_bytes=len(output), cpu_seconds=cpu)
    finally:
        _kill(process)
        os.close(master)


def until_exit(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    timeout: float = 60.0,
    expect: str | None = None,
) -> Run:
    """Start ``argv`` in a pty and time it to its exit (reading its output all along)."""
    started = time.perf_counter()
    process, master = _spawn(argv, env, cwd)
    output = bytearray()
    try:
        while True:
            remaining = started + timeout - time.perf_counter()
            if remaining <= 0:
                raise Timeout(f"did not exit after {timeout:.0f}s: {argv!r}\n{_tail(output)}")
            data = _read_available(master, min(remaining, 0.5))
            if data is None:  # the terminal closed: the process has ended
                break
            output += data
        code, cpu = _wait(process)
        ended = time.perf_counter()
    finally:
        if process.poll() is None:
            _kill(process)
        os.close(master)
    if expect is not None and expect.encode("utf-8") not in output:
        raise RuntimeError(f"{argv!r} exited without showing {expect!r}\n{_tail(output)}")
    return Run(seconds=ended - started, output_bytes=len(output), exit_code=code, cpu_seconds=cpu)


def plain(argv: Sequence[str], *, output: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` with its standard output in a file; time it start to exit."""
    errors = output.with_name(output.name + ".stderr")
    with open(output, "wb") as handle, open(errors, "wb") as error_handle:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), stdout=handle, stderr=error_handle, env=_env(env))
        code, cpu = _wait(process)
        ended = time.perf_counter()
    if code != 0:
        raise RuntimeError(f"{argv!r} failed ({code}): {errors.read_text(encoding='utf-8', errors='replace')[-2000:]}")
    return Run(seconds=ended - started, output_bytes=output.stat().st_size, exit_code=code, cpu_seconds=cpu)


def _tail(output: bytes | bytearray, size: int = 600) -> str:
    return bytes(output[-size:]).decode("utf-8", errors="replace")
