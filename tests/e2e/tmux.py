"""A small harness that runs a command in a detached tmux session and reads its screen.

::

    with Tmux(f"{script} demo", env={"KAIGIROKU_DATA_DIR": str(folder)}) as term:
        term.wait_for("発言")
        term.send_keys("PageDown")
        term.paste("日本語の文章")
        term.send_keys("C-q")
        assert term.wait_for_exit() == 0

Every tmux call goes to a server of its own (``tmux -L <unique socket>``, no
user configuration), so tests can run in parallel and never touch a tmux the
developer is using; the server is killed when the ``with`` block ends,
whatever happened inside it.

The pane is ``width`` × ``height`` (120 × 36 by default) with
``TERM=xterm-256color`` and ``LANG=C.UTF-8``.  ``remain-on-exit`` is on, so a
command that ends (or crashes) leaves its last screen to read, and
:meth:`wait_for_exit` returns its exit status.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

SESSION = "kaigi"
POLL = 0.05

#: The server's configuration: nothing from the user's ~/.tmux.conf.
CONFIG = """\
set -g default-terminal "xterm-256color"
set -g remain-on-exit on
set -g escape-time 0
set -g history-limit 5000
set -g status off
"""


def tmux_available() -> bool:
    """True when a ``tmux`` binary is on PATH."""
    return shutil.which("tmux") is not None


class TmuxError(RuntimeError):
    """A tmux command failed."""


class Tmux:
    """A command running in its own tmux server, with a screen to read and keys to send."""

    def __init__(
        self,
        command: str,
        *,
        env: Mapping[str, str] | None = None,
        width: int = 120,
        height: int = 36,
        cwd: str | os.PathLike[str] | None = None,
        term: str = "xterm-256color",
    ) -> None:
        self.command = command
        self.width = width
        self.height = height
        self.cwd = str(cwd) if cwd is not None else None
        self.socket = f"kaigiroku-test-{os.getpid()}-{secrets.token_hex(4)}"
        self.env = dict(os.environ)
        self.env.update(env or {})
        # COLUMNS / LINES (pytest-xdist sets them) would override the pane's size in Textual.
        for name in ("TMUX", "TMUX_PANE", "COLUMNS", "LINES"):
            self.env.pop(name, None)
        # The terminal is always the same, whatever the caller's environment says.
        self.env.update({"TERM": term, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        self._config: Path | None = None
        self._started = False
        #: The process id of the command (the pane's process).
        self.pane_pid: int | None = None
        #: The last error of a tmux query, for failure messages.
        self.last_error: str | None = None
        #: The last answer of :meth:`pane_info` (pane_dead|status|signal), for failure messages.
        self.last_info: str | None = None

    # -- life cycle -------------------------------------------------------------

    def __enter__(self) -> Tmux:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.kill_server()

    def start(self) -> None:
        """Start the server and the session running the command."""
        if not tmux_available():
            raise TmuxError("tmux is not installed")
        handle, name = tempfile.mkstemp(prefix="kaigiroku-tmux-", suffix=".conf")
        with os.fdopen(handle, "w", encoding="utf-8") as config:
            config.write(CONFIG)
        self._config = Path(name)
        pane_env: list[str] = []
        for key in ("TERM", "COLORTERM", "LANG", "LC_ALL", "KAIGIROKU_DATA_DIR", "HOME", "XDG_DATA_HOME", "PATH"):
            if key in self.env:
                pane_env += ["-e", f"{key}={self.env[key]}"]
        args = ["new-session", "-d", "-x", str(self.width), "-y", str(self.height), "-s", SESSION]
        if self.cwd:
            args += ["-c", self.cwd]
        self._started = True
        self._tmux(*args, *pane_env, self.command)
        try:
            self.pane_pid = int(self._tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}").strip())
        except (TmuxError, ValueError):  # pragma: no cover
            self.pane_pid = None

    def kill_server(self) -> None:
        """Stop the tmux server (and with it the command); never raises."""
        if self._started:
            try:
                subprocess.run(
                    self._base() + ["kill-server"],
                    env=self.env,
                    capture_output=True,
                    timeout=10,
                )
            except (OSError, subprocess.SubprocessError):  # pragma: no cover
                pass
            self._started = False
        if self._config is not None:
            self._config.unlink(missing_ok=True)
            self._config = None

    # -- talking to tmux -------------------------------------------------------

    def _base(self) -> list[str]:
        base = ["tmux", "-u", "-L", self.socket]
        if self._config is not None:
            base += ["-f", str(self._config)]
        return base

    def _tmux(self, *args: str, input: bytes | None = None) -> str:
        completed = subprocess.run(
            self._base() + list(args),
            env=self.env,
            input=input,
            capture_output=True,
            timeout=15,
        )
        if completed.returncode != 0:
            raise TmuxError(
                f"tmux {' '.join(args)} failed ({completed.returncode}): "
                f"{completed.stderr.decode('utf-8', 'replace').strip()}"
            )
        return completed.stdout.decode("utf-8", errors="replace")

    def send_keys(self, *keys: str, literal: bool = False) -> None:
        """Send keys: tmux key names (``Enter``, ``C-q``, ``PageDown``), or text with ``literal``."""
        args = ["send-keys", "-t", SESSION]
        if literal:
            args.append("-l")
        self._tmux(*args, "--", *keys)

    def paste(self, text: str) -> None:
        """Paste ``text`` as a terminal would (bracketed paste when the app asks for it).

        The way to type Japanese: the app receives the whole text at once,
        as it does from an input method or the clipboard.
        """
        buffer = f"kaigiroku-{secrets.token_hex(3)}"
        self._tmux("set-buffer", "-b", buffer, "--", text)
        self._tmux("paste-buffer", "-p", "-d", "-b", buffer, "-t", SESSION)

    def capture(self, escapes: bool = False) -> str:
        """The visible screen as text, one line per row (trailing spaces trimmed); ``escapes``: with its colours and attributes."""
        return self._tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", SESSION)

    def pane_info(self) -> tuple[bool, int | None]:
        """(the command has ended, its exit status if known: -N when killed by signal N)."""
        try:
            out = self._tmux(
                "display-message", "-p", "-t", SESSION, "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}"
            )
        except TmuxError as error:
            self.last_error = str(error)
            return True, None  # the session (or the server) is gone
        self.last_info = out.strip()
        dead, status, signal = (out.strip().split("|") + ["", ""])[:3]
        if status.strip().isdigit():
            return dead == "1", int(status)
        if signal.strip().isdigit():
            return dead == "1", -int(signal)  # like subprocess: killed by signal N is -N
        if dead == "1":
            # tmux closed the pane but has not reaped the process (yet): read its
            # exit status from /proc, where a zombie keeps it (Linux).
            return True, self._zombie_status()
        return False, None

    def _zombie_status(self) -> int | None:
        """The exit status of the pane's process if it is a zombie (Linux), else None."""
        if self.pane_pid is None:
            return None
        try:
            fields = Path(f"/proc/{self.pane_pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # fields[0] is field 3 (state) of proc(5); field 52 is exit_code, as waitpid reports it.
        if fields[0] != "Z" or len(fields) < 50:
            return None
        code = int(fields[49])
        return (code >> 8) & 0xFF if code & 0x7F == 0 else -(code & 0x7F)

    def process_report(self) -> str:
        """What became of the pane's process (for failure messages): gone, or its state and parent."""
        pid = self.pane_pid
        if pid is None:
            return "pane process unknown"
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return f"pane process {pid} is gone"
        return f"pane process {pid} still there: state {fields[0]}, parent {fields[1]}"

    # -- waiting -----------------------------------------------------------------

    def wait_until(
        self,
        predicate: Callable[[str], bool],
        *,
        timeout: float = 15,
        what: str = "the expected screen",
    ) -> str:
        """Poll the screen until ``predicate(screen)``; the screen. Fails with the last screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            try:
                screen = self.capture()
            except TmuxError:
                screen = screen or "(no screen: the session is gone)"
            if predicate(screen):
                return screen
            dead, status = self.pane_info()
            if dead:
                # One last look: the final frame may hold what we wait for.
                try:
                    screen = self.capture()
                except TmuxError:
                    pass
                if predicate(screen):
                    return screen
                raise AssertionError(
                    f"the command ended (status {status}) before showing {what}.\n"
                    f"Last screen:\n{screen}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not appear within {timeout}s.\nLast screen:\n{screen}")
            time.sleep(POLL)

    def wait_for(self, text: str | Iterable[str], timeout: float = 15) -> str:
        """Poll until every ``text`` shows on the screen; the screen."""
        texts = [text] if isinstance(text, str) else list(text)
        return self.wait_until(
            lambda screen: all(part in screen for part in texts),
            timeout=timeout,
            what=" and ".join(repr(part) for part in texts),
        )

    def wait_for_change(self, before: str, timeout: float = 15) -> str:
        """Poll until the screen differs from ``before``; the new screen."""
        return self.wait_until(lambda screen: screen != before, timeout=timeout, what="a change of screen")

    def wait_stable(self, quiet: float = 0.3, timeout: float = 15, escapes: bool = False) -> str:
        """Poll until the screen stays the same for ``quiet`` seconds; the screen.

        For the moment after the first paint, when the app may still be
        settling (scrolling, moving the focus) and a key could be undone.
        """
        deadline = time.monotonic() + timeout
        screen = self.capture(escapes)
        since = time.monotonic()
        while True:
            time.sleep(POLL)
            current = self.capture(escapes)
            now = time.monotonic()
            if current != screen:
                screen, since = current, now
            elif now - since >= quiet:
                return screen
            if now > deadline:
                return screen  # a clock that ticks is not a failure

    def wait_for_exit(self, timeout: float = 15) -> int | None:
        """Wait until the command ends; its exit status (-N for signal N, None if tmux could not tell)."""
        deadline = time.monotonic() + timeout
        while True:
            dead, status = self.pane_info()
            if dead and status is None and self.last_error is None:
                # tmux marks the pane dead when the terminal closes, and learns
                # the exit status a moment later, when it reaps the process.
                settle = time.monotonic() + 5
                while status is None and self.last_error is None and time.monotonic() < settle:
                    time.sleep(POLL)
                    dead, status = self.pane_info()
            if dead:
                if status is None and self.last_error is None:
                    self.last_info = f"{self.last_info}; {self.process_report()}"
                return status
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the command did not end within {timeout}s.\nLast screen:\n{self.capture()}"
                )
            time.sleep(POLL)
