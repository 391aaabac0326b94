"""The real app in a real terminal: ``kaigiroku demo`` and ``kaigiroku`` in tmux.

These run the console script of the current venv, as a person types it, in a
120×36 tmux pane, and read the screen back.  They poll with generous
timeouts; nothing sleeps for a fixed time.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from tests.conftest import base_env, example_from_format_page, last_word, run_command
from tests.e2e.tmux import Tmux, tmux_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux needs a POSIX system"),
]

SCRIPT = Path(sys.executable).parent / "kaigiroku"
DEMO_TITLE_START = "令和3年度第3回小平市情報公開"
FIRST_SPEECH = "議事の1番目"
#: The app's first screen can take a while on a cold, busy machine.
START_TIMEOUT = 30

OTHER_TITLE = "テスト用の臨時会議録"
OTHER_DATE = "令和5年4月1日"
DEMO_DATE = "令和4年3月15日"
OTHER_SPEECH = "臨時会議の最初の発言です。"


@pytest.fixture
def script() -> Path:
    if not SCRIPT.exists():
        pytest.skip(f"no console script at {SCRIPT}")
    return SCRIPT


@pytest.fixture
def terminal_env(data_dir: Path, home: Path) -> dict[str, str]:
    env = base_env(home)
    env["KAIGIROKU_DATA_DIR"] = str(data_dir)
    return env


def run(script: Path, *args: str, env: dict[str, str], cwd: Path) -> str:
    code, out, err = run_command([str(script), *args], env=env, cwd=cwd)
    assert code == 0, f"kaigiroku {' '.join(args)} failed ({code}):\n{err}"
    return out


def test_demo_opens_scrolls_and_quits(script, terminal_env, workdir, data_dir, tmp_path):
    with Tmux(f"{shlex.quote(str(script))} demo", env=terminal_env, cwd=workdir) as term:
        # The minute-taking screen opens at the end of the log (where the next
        # entry goes); the title may be cut with "…" to fit the header line.
        screen = term.wait_for([DEMO_TITLE_START, "議事", "発言", "採決"], timeout=START_TIMEOUT)
        assert "Traceback" not in screen
        term.wait_stable()

        # ctrl+l moves to the log, Home to its first entry: the first speech.
        term.send_keys("C-l")
        term.wait_stable()  # the focus moves after the key is handled: let it land
        term.send_keys("Home")
        screen = term.wait_for(FIRST_SPEECH)
        assert DEMO_TITLE_START in screen

        # PageDown scrolls the log past the first speech; PageUp brings it back.
        term.send_keys("PageDown")
        screen = term.wait_until(
            lambda text: FIRST_SPEECH not in text, what="the log scrolled past the first speech"
        )
        assert DEMO_TITLE_START in screen, "the header scrolled away with the log"
        for pane in ("議事", "発言", "採決"):
            assert pane in screen
        term.send_keys("PageUp")
        term.wait_for(FIRST_SPEECH)

        # While the app runs it holds the data folder: reading works, adding is refused.
        meeting_id = run(script, "list", env=terminal_env, cwd=workdir).split("\t", 1)[0]
        assert "議事の1番目" in run(script, "export", meeting_id, env=terminal_env, cwd=workdir)
        example = tmp_path / "example.json"
        example.write_text(json.dumps(example_from_format_page(), ensure_ascii=False), encoding="utf-8")
        code, out, err = run_command([str(script), "import", str(example)], env=terminal_env, cwd=workdir)
        assert code == 1 and "使用中" in err, f"import while the app runs: {code}\n{err}"

        term.send_keys("C-q")
        status = term.wait_for_exit(timeout=15)
        assert status == 0, f"the app ended with status {status} ({term.last_error}, {term.last_info}):\n{term.capture()}"

    # demo added the meeting before opening it; the app let go of the folder when it ended.
    assert len(run(script, "list", env=terminal_env, cwd=workdir).splitlines()) == 1
    run(script, "import", str(example), env=terminal_env, cwd=workdir)
    assert len(run(script, "list", env=terminal_env, cwd=workdir).splitlines()) == 2


def _open_from_start_screen(script, env, cwd, downs: int, expect: list[str], absent: str) -> None:
    """Start ``kaigiroku``, check the list, move down ``downs`` rows, Enter; ``expect`` shows."""
    with Tmux(shlex.quote(str(script)), env=env, cwd=cwd) as term:
        # Dates print in the era; long titles may be cut with "…" to fit their column.
        screen = term.wait_for([OTHER_DATE, DEMO_DATE, OTHER_TITLE[:6], DEMO_TITLE_START[:7]], timeout=START_TIMEOUT)
        # Newest first: the 2023 meeting is on top and highlighted.
        assert screen.index(OTHER_DATE) < screen.index(DEMO_DATE)
        list_screen = term.wait_stable()
        for _ in range(downs):
            term.send_keys("Down")
        term.send_keys("Enter")
        screen = term.wait_until(
            lambda text: text != list_screen and all(part in text for part in ["発言", *expect]),
            what=f"the meeting screen with {expect}",
        )
        assert absent not in screen
        term.send_keys("C-q")
        status = term.wait_for_exit(timeout=15)
        assert status == 0, f"exit status {status} ({term.last_error}, {term.last_info}):\n{term.capture()}"


def test_start_screen_lists_meetings_and_enter_opens_one(script, terminal_env, workdir, tmp_path):
    demo_id = last_word(run(script, "demo", "--no-open", env=terminal_env, cwd=workdir))
    other = example_from_format_page()
    other.update({"title": OTHER_TITLE, "date": "2023-04-01"})
    other["agenda"][0]["log"][0]["text"] = OTHER_SPEECH
    other_file = tmp_path / "other.json"
    other_file.write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    other_id = last_word(run(script, "import", str(other_file), env=terminal_env, cwd=workdir))
    assert other_id != demo_id

    # Enter opens the highlighted (top) meeting...
    _open_from_start_screen(script, terminal_env, workdir, 0, [OTHER_TITLE, OTHER_SPEECH], DEMO_TITLE_START)
    # ... and after Down, the second one.
    _open_from_start_screen(script, terminal_env, workdir, 1, [DEMO_TITLE_START], OTHER_TITLE)
