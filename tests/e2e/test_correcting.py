"""Correcting the record in the real ``kaigiroku`` command in tmux: undo while typing, typed times, drafts.

A terminal delivers ctrl+z / ctrl+y to the focused entry bar (a TextArea, which
has its own bindings for them) and ESC sequences through Textual's parser:
Pilot skips both, so each of these keys is also tried here, for real.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import sys
from pathlib import Path

import pytest

from tests.conftest import last_word
from tests.e2e.command import SCRIPT, kaigiroku
from tests.e2e.tmux import Tmux, tmux_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux needs a POSIX system"),
]



def empty_meeting(env, workdir, tmp_path: Path, **header) -> str:
    """A copy of the demo with every log empty (and the given header values): its id."""
    demo_id = last_word(kaigiroku("demo", "--no-open", env=env, cwd=workdir))
    demo = json.loads(kaigiroku("export", demo_id, "--format", "json", env=env, cwd=workdir))
    for item in demo["agenda"]:
        item["log"] = []
    demo["end"] = None
    demo.update(header)
    source = tmp_path / "empty.json"
    source.write_text(json.dumps(demo, ensure_ascii=False), encoding="utf-8")
    return last_word(kaigiroku("import", str(source), env=env, cwd=workdir))


def opened(meeting_id: str, env, workdir) -> Tmux:
    return Tmux(f"{shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir)


def entries(meeting_id: str, env, workdir) -> list[dict]:
    data = json.loads(kaigiroku("export", meeting_id, "--format", "json", env=env, cwd=workdir))
    return [entry for item in data["agenda"] for entry in item["log"]]


def test_ctrl_z_in_the_entry_bar_follows_its_rule(env, workdir, tmp_path):
    meeting_id = empty_meeting(env, workdir, tmp_path)
    with opened(meeting_id, env, workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("first-speech", "Enter")
        term.wait_for("会長 昼間守仁　first-speech")
        term.send_keys("C-r")
        term.wait_for("採決を記録しました")
        # text in the bar: ctrl+z takes back the typing, not the vote
        term.send_keys("typed-not-sent")
        term.wait_for("typed-not-sent")
        term.send_keys("C-z")
        term.wait_until(lambda screen: "typed-not-sent" not in screen, what="the typing undone")
        assert len(entries(meeting_id, env, workdir)) == 2
        # empty bar: ctrl+z takes back the vote (ctrl+r), then the speech
        term.send_keys("C-z")
        term.wait_for("採決の追加を元に戻しました")
        term.send_keys("C-z")
        term.wait_for("発言の追加を元に戻しました")
        term.wait_until(lambda screen: "first-speech" not in screen, what="the speech gone from the log")
        assert entries(meeting_id, env, workdir) == []
        term.send_keys("C-y")
        term.wait_for("会長 昼間守仁　first-speech")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    assert [e.get("text") for e in entries(meeting_id, env, workdir)] == ["first-speech"]


def test_a_typed_closing_time_reaches_the_export(env, workdir, tmp_path):
    # The fictional meeting ended at 12:05 but the key was pressed at 09:58: the export said
    # 午前10時から and stopped. A meeting held on another day, as that one is now.
    meeting_id = empty_meeting(env, workdir, tmp_path, date="2022-03-01", start="10:00")
    with opened(meeting_id, env, workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("C-g")
        term.wait_for("閉会の時刻")
        term.send_keys("1205", "Enter")
        term.wait_for("閉会を 12:05 にしました")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    text = kaigiroku("export", meeting_id, "--format", "text", env=env, cwd=workdir)
    assert "午前10時から午後0時5分まで" in text


def test_a_draft_killed_with_the_app_comes_back_for_its_speaker(env, workdir, tmp_path):
    # A draft typed for 委員 (F3) came back under 会長: Enter would have put the words in the wrong mouth.
    meeting_id = empty_meeting(env, workdir, tmp_path)
    with opened(meeting_id, env, workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("M-Down")
        term.send_keys("F3")
        term.wait_for("委員(氏名なし)")
        term.send_keys("half-typed-words")
        term.wait_for("half-typed-words")
        draft = Path(env["KAIGIROKU_DATA_DIR"]) / "drafts" / f"{meeting_id}.json"
        term.wait_until(lambda screen: draft.exists() and "委員" in draft.read_text(encoding="utf-8"), what="the draft saved")
        os.kill(term.pane_pid, signal.SIGKILL)
        term.wait_for_exit(timeout=20)
    with opened(meeting_id, env, workdir) as term:
        screen = term.wait_for(["下書きを復元", "half-typed-words"], timeout=30)
        assert "委員(氏名なし)" in screen
        term.send_keys("Enter")
        term.wait_for("委員　half-typed-words")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    data = json.loads(kaigiroku("export", meeting_id, "--format", "json", env=env, cwd=workdir))
    entry = data["agenda"][1]["log"][0]
    assert (entry["speaker"], entry["text"]) == ({"label": "委員"}, "half-typed-words")


def test_words_typed_straight_after_tab_go_to_the_next_field(env, workdir):
    # send-keys 'テスト委員会' Tab '場所X' gave the committee the name テスト委員会場所X.
    with Tmux(f"{shlex.quote(str(SCRIPT))}", env=env, cwd=workdir) as term:
        term.wait_for("会議の一覧", timeout=30)
        term.wait_stable()
        term.send_keys("F8")
        term.wait_for("会議体")
        term.wait_stable()
        term.send_keys("F2")
        term.wait_for("会議体の新規作成")
        term.wait_stable(quiet=0.5)
        term.send_keys("テスト委員会", "Tab", "場所X")
        screen = term.wait_for("場所X")
        assert "テスト委員会場所X" not in screen
        assert "テスト委員会" in screen
        term.send_keys("C-q")
        term.wait_for_exit(timeout=20)


def test_keys_typed_in_one_burst_are_handled_in_typing_order(env, workdir, tmp_path):
    # Keys that reach the app together (a busy moment, or one write of the terminal): the
    # backspace ran only after the words typed behind it, wiping their last letter, and the
    # next speech's first words went in before Enter committed this one.
    meeting_id = empty_meeting(env, workdir, tmp_path)
    with opened(meeting_id, env, workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("賛成ですす", "BSpace", "。", "Enter", "次の", "Left", "Left", "発言", "End", "です")
        term.wait_for("会長 昼間守仁　賛成です。")
        term.wait_for("発言次のです")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    assert [e.get("text") for e in entries(meeting_id, env, workdir)] == ["賛成です。"]


def test_the_new_keys_in_a_real_terminal(env, workdir, tmp_path):
    # alt+d arrives as ESC d, ctrl+b / ctrl+e as control bytes, a paste over the export preview
    # as a bracketed paste: each through the real command.
    meeting_id = empty_meeting(env, workdir, tmp_path, date="2022-03-01")
    with opened(meeting_id, env, workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("M-d")
        term.wait_for("会議の情報")
        term.wait_stable()
        term.send_keys("C-s")
        term.wait_for("変更はありませんでした")
        # Tab: a name the roster does not have, Enter takes it
        term.send_keys("Tab")
        term.wait_for("発言者を選ぶ")
        term.paste("参考人 山田")
        term.wait_for("を呼び名にする")
        term.send_keys("Enter", "sankounin-words", "Enter")
        term.wait_for("参考人 山田　sankounin-words")
        # ctrl+b: the field (another day: empty), a typed time
        term.send_keys("C-b")
        term.wait_for("開会の時刻")
        term.send_keys("0930", "Enter")
        term.wait_for("開会を 09:30 にしました")
        # ctrl+e on the selected entry: its time
        term.send_keys("C-l")
        term.wait_for("^e 時刻")  # the log has the focus, an entry selected
        term.send_keys("C-e")
        term.wait_for("発言の時刻")
        term.send_keys("0945", "Enter")
        term.wait_for("時刻を 09:45 にしました")
        term.send_keys("Escape")
        # typing over the export preview goes to the entry bar
        term.send_keys("C-s")
        term.wait_for("公文書の文章")
        term.wait_stable()
        term.paste("preview-typed")
        term.wait_for("書き出し画面")  # the notice's title (its sentence wraps with the width)
        term.send_keys("Escape")
        term.wait_for("preview-typed")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    data = json.loads(kaigiroku("export", meeting_id, "--format", "json", env=env, cwd=workdir))
    assert data["start"] == "09:30"
    entry = data["agenda"][0]["log"][0]
    assert (entry["speaker"], entry["text"], entry.get("time")) == ({"label": "参考人 山田"}, "sankounin-words", "09:45:00")


def test_alt_d_on_the_list_opens_the_meeting_with_its_details(env, workdir, tmp_path):
    empty_meeting(env, workdir, tmp_path)
    with Tmux(f"{shlex.quote(str(SCRIPT))}", env=env, cwd=workdir) as term:
        term.wait_for("会議の一覧", timeout=30)
        term.wait_stable()
        term.send_keys("M-d")
        term.wait_for(["会議の情報", "開催場所"])
        term.send_keys("Escape")
        term.wait_for(["入力", "発言", "採決"])
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
