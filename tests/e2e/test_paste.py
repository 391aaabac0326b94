"""A paste is words, never keys: the real ``kaigiroku open ID`` in tmux, pasted with ``paste-buffer -p``.

Textual 8's parser read ESC + ctrl+R inside a bracketed paste as the key ctrl+R
(a unanimous vote was recorded), ESC + ctrl+G as the closing-time key, and a CR
after an ESC as Enter. Pilot skips the parser; only a real terminal shows it.
The meeting must change by the one entry the clerk commits, and nothing else.
"""

from __future__ import annotations

import json
import shlex
import sys
import time

import pytest

from tests.conftest import last_word
from tests.e2e.command import SCRIPT, kaigiroku
from tests.e2e.tmux import Tmux, tmux_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux needs a POSIX system"),
]

#: ESC + ctrl+R (全員承認), ESC + ctrl+G (閉会の時刻), a CR after an ESC, and a plain CR.
HOSTILE = "vote-test\x1b\x12 close\x1b\x07 enter\x1b\r line\rnext"
KEPT = "vote-test␛␒ close␛␇ enter␛\n line\nnext"


def test_a_paste_with_escapes_runs_no_command_in_the_entry_bar_or_a_dialog(env, workdir):
    meeting_id = last_word(kaigiroku("demo", "--no-open", env=env, cwd=workdir))
    before = json.loads(kaigiroku("export", meeting_id, "--format", "json", env=env, cwd=workdir))
    with Tmux(f"{shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.paste(HOSTILE)
        screen = term.wait_for(["vote-test␛␒ close␛␇ enter␛", "制御文字 5 文字"])
        time.sleep(1.0)  # a key the paste had run would have shown by now
        screen = term.capture()
        assert "採決を記録しました" not in screen, screen  # (the closing time: the export below)
        term.send_keys("Enter")  # the clerk commits what was pasted, as one entry
        term.wait_for("会長 昼間守仁　vote-test␛␒")  # label, the name beside it, text
        # A dialog: the speaker picker's one-line filter takes the paste, lines joined by a space.
        term.send_keys("Tab")
        term.wait_for("発言者を選ぶ")
        term.paste("昼間\x1b\x12\r守仁")
        screen = term.wait_for("昼間␛␒ 守仁")
        time.sleep(0.5)
        assert "発言者を選ぶ" in term.capture()  # the CR did not choose, the ctrl+R did not vote
        term.send_keys("Escape")
        term.wait_for(["入力", "発言", "採決"])
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    after = json.loads(kaigiroku("export", meeting_id, "--format", "json", env=env, cwd=workdir))
    added = after["agenda"][-1]["log"].pop()
    assert added["text"] == KEPT
    assert after == before  # no vote, no closing time, nothing else
