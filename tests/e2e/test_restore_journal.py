"""Restoring a damaged meeting keeps the entries that were safe in its journal.

The exact sequence of a clerk's bad day, through the real command: three
entries typed in tmux (each Enter goes to the journal first), SIGKILL, the
meeting file cut short, then the ``kaigiroku restore …`` that the command's
own message proposes. The backup was taken when the meeting opened, before
the three entries: the restore must replay them from the journal.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import sys

import pytest

from tests.conftest import last_word, run_command
from tests.e2e.command import SCRIPT
from tests.e2e.tmux import Tmux, tmux_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux and SIGKILL need a POSIX system"),
]

TYPED = ["一つ目の発言です。", "二つ目の発言です。", "三つ目の発言です。"]


def cli(*args: str, env, cwd) -> tuple[int, str, str]:
    return run_command([str(SCRIPT), *args], env=env, cwd=cwd)


def test_restore_after_a_kill_and_a_damaged_file_keeps_the_journal_entries(env, workdir, data_dir):
    code, out, err = cli("demo", "--no-open", env=env, cwd=workdir)
    assert code == 0, err
    meeting_id = last_word(out)
    with Tmux(f"exec {shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        for text in TYPED:
            term.paste(text)
            term.wait_for(text)
            term.send_keys("Enter")
            term.wait_for(f"会長 昼間守仁　{text}")  # in the log (the name beside the label): on disk
        journal = data_dir / "meetings" / f"{meeting_id}.journal"
        assert journal.is_file()  # they are in the journal, not yet in the meeting file
        os.kill(term.pane_pid, signal.SIGKILL)
        assert term.wait_for_exit(timeout=15) in (-signal.SIGKILL, None)
    path = data_dir / "meetings" / f"{meeting_id}.json"
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)

    code, _, err = cli("export", meeting_id, env=env, cwd=workdir)
    assert code == 1 and "kaigiroku restore " in err, err
    proposed = err.rsplit("kaigiroku restore ", 1)[1].split()[0]
    code, out, err = cli("restore", proposed, env=env, cwd=workdir)
    assert code == 0, err
    assert "3 件" in out and "ジャーナル" in out, out  # it says the entries came back

    code, out, err = cli("export", meeting_id, "--format", "json", env=env, cwd=workdir)
    assert code == 0, err
    texts = [entry.get("text") for item in json.loads(out)["agenda"] for entry in item["log"]]  # (a vote has none)
    assert texts[-3:] == TYPED and all(texts.count(text) == 1 for text in TYPED)
    assert not journal.exists()  # set aside in trash/, its entries in the file: never replayed twice
    assert list((data_dir / "trash").glob(f"{meeting_id}-*.journal"))
