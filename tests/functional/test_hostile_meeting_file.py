"""A hostile meeting file brought in by ``restore`` never drives the terminal.

``restore`` reads meeting files leniently by design (a damaged meeting must come
back), so a file can carry escape sequences in its title, names, items and
speeches. Before, ``kaigiroku list`` wrote them raw (the terminal's window title
changed) and ``export`` to a terminal passed control characters through.

- ``list``: always one line per meeting, controls shown as ``\\x1b`` (to a
  terminal or a pipe: the list is for reading, and a line break or tab in a
  title would break its columns).
- ``export`` to a terminal: controls shown as ``\\x1b`` (``\\u001b`` in JSON,
  which still parses the same), and standard error says so; to a file or a
  pipe, the exact bytes the format promises (what was typed).
- the app: every screen that shows the meeting stays free of controls.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from minutes.demo import load_demo
from minutes.model import Speech
from storage.meetings import encode_meeting
from tests.conftest import base_env, cli_command, run_command
from tests.functional.appkit import make_app
from tests.unit.test_hostile_input import assert_screen_is_safe

#: ESC ] 0 ; … BEL retitles the window; ESC [ 2 J clears the screen; CSI as C1.
OSC = "\x1b]0;乗っ取り\x07"
HOSTILE_BODY = f"委員会{OSC}\x1b[2J"
HOSTILE_SPEECH = "赤\x1b[31m字\x1b[0m\x9b1m\u202e逆"
#: What a terminal would act on: controls other than LF, CR LF and tab.
RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal needs a POSIX system")


@pytest.fixture
def hostile(tmp_path, home):
    """A data folder where ``kaigiroku restore`` brought in a hostile meeting file; (env, root, id)."""
    root = tmp_path / "data"
    env = base_env(home)
    code, out, err = run_command([*cli_command(), "--data-dir", str(root), "demo", "--no-open"], env=env, cwd=tmp_path)
    assert code == 0, err
    meeting_id = out.split()[-1]
    meeting = load_demo()
    meeting.body = HOSTILE_BODY
    meeting.place = f"会議室{OSC}"
    meeting.people[0].name = f"名前\x1b[8m"
    meeting.agenda[0].title = f"議題{OSC}"
    meeting.agenda[0].log.append(Speech(text=HOSTILE_SPEECH, label="委員", time="18:00:00"))
    backup = tmp_path / "backups-elsewhere" / meeting_id / "20990101T000000Z-000001.json"
    backup.parent.mkdir(parents=True)
    backup.write_bytes(encode_meeting(meeting))
    code, out, err = run_command([*cli_command(), "--data-dir", str(root), "restore", str(backup)], env=env, cwd=tmp_path)
    assert code == 0, err
    return env, root, meeting_id


def on_a_terminal(argv: list[str], env, cwd) -> tuple[int, str, str]:
    """Run ``argv`` with standard output on a pseudo-terminal; (status, what the terminal got, stderr)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(argv, stdout=terminal, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    os.close(terminal)
    received = bytearray()
    while True:
        ready, _, _ = select.select([controller], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the other end closed (EIO on Linux)
            break
        if not chunk:
            break
        received += chunk
    os.close(controller)
    err = process.stderr.read().decode("utf-8")
    status = process.wait(timeout=30)
    # The terminal driver turns LF into CR LF on the way out: undo that to read the text.
    return status, received.decode("utf-8").replace("\r\n", "\n"), err


def test_list_never_writes_a_control_character(hostile, tmp_path):
    env, root, meeting_id = hostile
    code, out, err = run_command([*cli_command(), "--data-dir", str(root), "list"], env=env, cwd=tmp_path)
    assert code == 0, err
    assert not RAW.search(out)
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].count("\t") == 2 and "\\x1b]0;乗っ取り\\x07" in lines[0]
    code, shown, err = on_a_terminal([*cli_command(), "--data-dir", str(root), "list"], env, tmp_path)
    assert code == 0 and shown.strip("\n") == lines[0]


@pytest.mark.parametrize("form", ["text", "markdown", "json"])
def test_export_to_a_terminal_shows_controls_and_to_a_pipe_keeps_the_exact_bytes(hostile, tmp_path, form):
    env, root, meeting_id = hostile
    argv = [*cli_command(), "--data-dir", str(root), "export", meeting_id, "--format", form]
    code, shown, err = on_a_terminal(argv, env, tmp_path)
    assert code == 0, err
    assert not RAW.search(shown), RAW.search(shown)
    assert "制御文字" in err and "-o FILE" in err
    code, piped, _ = run_command(argv, env=env, cwd=tmp_path)
    assert code == 0
    if form == "json":
        assert json.loads(shown) == json.loads(piped)  # the same document, escaped differently
        assert json.loads(piped)["body"] == HOSTILE_BODY
    elif form == "text":
        assert HOSTILE_SPEECH in piped  # the exact text, as the format promises
        assert "赤\\x1b[31m字\\x1b[0m\\x9b1m\\u202e逆" in shown
    else:  # Markdown escapes its own symbols ([ → \[), and keeps every character
        assert "\x1b" in piped and "\x9b" in piped and "\\x1b" in shown


async def test_the_app_shows_the_hostile_meeting_without_a_control_character(hostile):
    env, root, meeting_id = hostile
    app = make_app(root, None)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert_screen_is_safe(app, "the list of meetings")
        app.open_meeting(meeting_id)
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "MeetingScreen"
        assert_screen_is_safe(app, "the meeting")
        for key, name in (("alt+s", "出欠"), ("escape", "the meeting again"), ("alt+k", "会次第")):
            await pilot.press(key)
            await pilot.pause()
            assert_screen_is_safe(app, name)
    app.release()
