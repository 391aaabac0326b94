"""The real ``kaigiroku open ID`` in tmux: a note, a recess and resumption, and a show of hands, by keys.

A real terminal sends alt+n as ESC n (Pilot does not), and the vote dialog is
driven by arrows and Enter as a clerk would; each lands in ``kaigiroku export``.
"""

from __future__ import annotations

import shlex
import sys

import pytest

from tests.conftest import last_word
from tests.e2e.command import SCRIPT, kaigiroku
from tests.e2e.tmux import Tmux, tmux_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux needs a POSIX system"),
]



def test_note_recess_resume_and_show_of_hands_by_keys_reach_the_export(env, workdir):
    meeting_id = last_word(kaigiroku("demo", "--council", "--no-open", env=env, cwd=workdir))
    with Tmux(f"{shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("M-Down")  # the second item
        term.wait_stable()
        # a note from the entry bar
        term.paste("「賛成」と呼ぶ者あり")
        term.wait_for("「賛成」と呼ぶ者あり")
        term.send_keys("M-n")
        term.wait_for("(「賛成」と呼ぶ者あり)")
        # a recess: the header says 休憩中 until the resumption
        term.send_keys("M-r")
        term.wait_for("休憩中")
        term.send_keys("M-e")
        term.wait_until(lambda text: "休憩中" not in text, timeout=10, what="休憩中 gone from the header")
        # a show of hands: 数え方 → 見た目, 全員 → 多数, then the words, Enter
        term.send_keys("M-h")
        term.wait_for("数え方")
        term.send_keys("Down", "Down", "Right", "Down", "Down")
        term.wait_for("[多数]")
        term.paste("原案のとおり可決")
        term.wait_for("▊  原案のとおり可決")  # in the dialog's input
        term.send_keys("Enter")
        term.wait_for("挙手 多数 → 原案のとおり可決")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    # 要録 by name: the example's own style is 議会
    lines = kaigiroku("export", meeting_id, "--format", "text", "--style", "要録", env=env, cwd=workdir).splitlines()
    tail = lines[-4:]
    assert tail[0] == "(「賛成」と呼ぶ者あり)"
    assert tail[1].startswith("午") and tail[1].endswith("休憩")
    assert tail[2].startswith("午") and tail[2].endswith("再開")
    assert tail[3] == "(採決の結果、挙手多数により原案のとおり可決)"
