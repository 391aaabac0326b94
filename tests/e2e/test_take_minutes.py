"""The real ``kaigiroku open ID`` in tmux: a clerk takes one turn and quits.

F2 (the chair), Japanese text with markup-like ``[/]`` in it (pasted, as an
IME commits it), Enter, ctrl+q; then ``kaigiroku export`` holds that entry
as the chair's turn, exactly as typed.
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

SPEECH = "以上で本日の[/]会議を終了します。[b]お疲れ様でした[/b]。"


def test_f2_text_enter_quit_and_the_export_has_the_chairs_turn(env, workdir):
    meeting_id = last_word(kaigiroku("demo", "--no-open", env=env, cwd=workdir))
    with Tmux(f"{shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("F5")  # someone else first: F2 must really change the speaker
        term.wait_for("事務局")
        term.send_keys("F2")
        term.wait_for("会長 昼間守仁")
        term.paste(SPEECH)
        term.wait_for("お疲れ様でした")
        term.send_keys("Enter")
        # the log shows it (literally, brackets and all) once it is on disk: label, the name dimmed, full-width space, text
        term.wait_for("会長 昼間守仁　以上で本日の[/]会議を終了します。[b]")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    text = kaigiroku("export", meeting_id, "--format", "text", env=env, cwd=workdir)
    assert text.rstrip("\n").endswith(f"会長　{SPEECH}")
    markdown = kaigiroku("export", meeting_id, "--format", "markdown", env=env, cwd=workdir)
    assert "**会長** 以上で本日の\\[/\\]会議を終了します。\\[b\\]お疲れ様でした\\[/b\\]。" in markdown


def test_alt_keys_work_while_the_clerk_is_typing(env, workdir):
    # A terminal sends alt+s as ESC s: the entry bar must not type the "s" instead of
    # opening the attendance screen (Pilot's keys carry no character and cannot show it).
    meeting_id = last_word(kaigiroku("demo", "--no-open", env=env, cwd=workdir))
    with Tmux(f"{shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("M-s")
        term.wait_for("出欠 ─")
        term.send_keys("Escape")
        term.wait_for(["入力", "発言", "採決"])
        term.send_keys("M-l")
        term.wait_for("会議の一覧")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0


def test_keys_typed_in_one_burst_land_in_order(env, workdir):
    # Enter and ctrl+j are handled the moment they come: the words typed straight after them
    # (an IME committing the next phrase) must not be wiped, merged into the entry, or land
    # before the paragraph break (only a real terminal shows it: Pilot's keys come one by one).
    meeting_id = last_word(kaigiroku("demo", "--no-open", env=env, cwd=workdir))
    with Tmux(f"{shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("one", "Enter", "two", "C-j", "two-b", "Enter", "three", "Enter")
        term.wait_for("会長 昼間守仁　three")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    text = kaigiroku("export", meeting_id, "--format", "text", env=env, cwd=workdir)
    assert text.rstrip().endswith("会長　one\n会長　two\n　two-b\n会長　three")


def test_a_keys_toml_in_the_data_folder_moves_f3s_speaker_to_f11(env, workdir, data_dir):
    # On Windows F6-F10 belong to the IME: a clerk moves keys in keys.toml. F11 reaches the
    # app as the terminal sends it (ESC [ 2 3 ~), through Textual's parser and the keymap.
    meeting_id = last_word(kaigiroku("demo", "--no-open", env=env, cwd=workdir))
    (data_dir / "keys.toml").write_text('[keys]\n"speaker.member" = "f11"\n', encoding="utf-8")
    with Tmux(f"{shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_for("f11 委員")  # the key bar shows the new key, where F3 was
        term.wait_stable()
        assert "f3 委員" not in term.capture()
        term.send_keys("F3")  # F3 no longer sets the member
        term.wait_stable()
        assert "委員(氏名なし)" not in term.capture()
        term.send_keys("F11")
        term.wait_for("委員(氏名なし)")
        term.paste("質問があります。")
        term.wait_for("質問があります")
        term.send_keys("Enter")
        term.wait_for("委員　質問があります。")
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    text = kaigiroku("export", meeting_id, "--format", "text", env=env, cwd=workdir)
    assert text.rstrip("\n").endswith("委員　質問があります。")


def test_ctrl_t_on_the_export_screen_fills_a_citys_word_template(env, workdir):
    import docx

    meeting_id = last_word(kaigiroku("demo", "--no-open", env=env, cwd=workdir))
    kaigiroku("styles", "word-template", "様式.docx", env=env, cwd=workdir)
    saved = workdir / "埋めた.docx"
    with Tmux(f"{shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("C-s")
        term.wait_for("スタイル(F12): 要録")
        for _ in range(3):  # text, Markdown (shown), Markdown (source), Word
            term.wait_stable()
            term.send_keys("F9")
        term.wait_for("F8 で保存します")
        term.send_keys("C-t")
        term.wait_for("Word のひな形(.docx)")
        term.send_keys("C-u")
        term.paste(str(workdir / "様式.docx"))
        term.send_keys("Enter")
        term.wait_for("Word のひな形: ")
        term.send_keys("F8")
        term.wait_for("保存するファイル")
        term.send_keys("C-u")
        term.paste(str(saved))
        term.send_keys("Enter")
        term.wait_for("保存しました")
        term.send_keys("Escape")
        term.wait_for(["入力", "発言", "採決"])
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
    document = docx.Document(str(saved))
    assert document.sections[0].header.paragraphs[0].text.startswith("小平市情報公開")
    assert not any("{{" in p.text or "{%" in p.text for p in document.paragraphs)


def test_f12_on_the_export_screen_switches_the_style(env, workdir):
    meeting_id = last_word(kaigiroku("demo", "--no-open", env=env, cwd=workdir))
    with Tmux(f"{shlex.quote(str(SCRIPT))} open {meeting_id}", env=env, cwd=workdir) as term:
        term.wait_for(["入力", "発言", "採決"], timeout=30)
        term.wait_stable()
        term.send_keys("C-s")
        term.wait_for("スタイル(F12): 要録")
        term.wait_for("1　開催日時")
        term.send_keys("F12")
        term.wait_for("スタイル(F12): 議会")
        term.wait_for("1.日　時")
        term.send_keys("Escape")
        term.wait_for(["入力", "発言", "採決"])
        term.send_keys("C-q")
        assert term.wait_for_exit(timeout=20) == 0
