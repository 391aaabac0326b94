"""keys.toml: which lines become Textual's keymap, and what the clerk is told about the others."""

from __future__ import annotations

import os

import pytest
from textual.binding import Binding

from storage.keys_file import MAX_KEYS_BYTES, KeysFileError, read_keys_text
from tui.keymap import bound_keys, key_problem, known_bindings, parse_keys

BINDINGS = known_bindings(
    [
        Binding("f2", "speaker_key(2)", "会長", id="speaker.chair"),
        Binding("f3", "speaker_key(3)", "委員", id="speaker.member"),
        Binding("f10,ctrl+t", "phrases", "定型文", id="phrases"),
        Binding("tab", "pick_speaker", "発言者"),  # no id: nothing can name it
    ],
    [Binding("ctrl+q", "quit", "終了", id="app.quit"), Binding("f9", "other", "別", id="speaker.chair")],
)


def test_the_bindings_a_file_may_name_are_those_with_an_id_first_one_wins():
    assert sorted(BINDINGS) == ["app.quit", "phrases", "speaker.chair", "speaker.member"]
    assert BINDINGS["speaker.chair"].key == "f2"


def test_a_good_file_becomes_the_keymap():
    text = '[keys]\n"speaker.member" = "F11"\nphrases = "ctrl+t, f24"\n'
    assert parse_keys(text, BINDINGS) == ({"speaker.member": "f11", "phrases": "ctrl+t,f24"}, [])


def test_two_bindings_may_swap_their_keys():
    text = '[keys]\n"speaker.chair" = "f3"\n"speaker.member" = "f2"\n'
    assert parse_keys(text, BINDINGS) == ({"speaker.chair": "f3", "speaker.member": "f2"}, [])


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('"speaker.membr" = "f11"', "「speaker.membr」という名前のキーはありません"),
        ('"speaker.member" = "f99"', "「f99」というキーはありません"),
        ('"speaker.member" = "hyperctrl+x"', "修飾キーが分かりません"),
        ('"speaker.member" = "a"', "文字を打つキーです"),
        ('"speaker.member" = "shift+a"', "文字を打つキーです"),
        ('"speaker.member" = "question_mark"', "文字を打つキーです"),
        ('"speaker.member" = "enter"', "発言の確定"),
        ('"speaker.member" = "ctrl+j"', "改段落"),
        ('"speaker.member" = 11', "文字列で書いてください"),
        ('"speaker.member" = "f2"', "「会長」(speaker.chair) と重なります"),
        ('"speaker.member" = "ctrl+q"', "「終了」(app.quit) と重なります"),
    ],
)
def test_a_line_that_cannot_be_used_is_left_out_and_said_in_japanese(line, said):
    keymap, problems = parse_keys(f'[keys]\nphrases = "f24"\n{line}\n', BINDINGS)
    assert keymap == {"phrases": "f24"}  # the good line still counts
    assert len(problems) == 1
    assert said in problems[0] and "既定のキーのままにします" in problems[0]


def test_a_file_that_is_not_toml_keeps_every_default_and_says_where():
    keymap, problems = parse_keys('[keys]\n"speaker.member" "f11"\n', BINDINGS)
    assert keymap == {}
    assert problems == [
        'keys.toml の2行目 18文字目あたりが TOML の書き方になっていません(例: "speaker.member" = "f11")。'
        "ファイルを直すまで、すべて既定のキーのままにします。"
    ]


def test_anything_outside_the_keys_table_is_named():
    keymap, problems = parse_keys('colour = "red"\n[keys]\nphrases = "f24"\n', BINDINGS)
    assert keymap == {"phrases": "f24"}
    assert problems == ["keys.toml の「colour」は読みません。割り当ては [keys] の表に書いてください。"]
    assert parse_keys('keys = "f11"\n', BINDINGS)[0] == {}


def test_a_remapping_left_out_frees_nothing_it_did_not_take():
    # member → f2 clashes with the chair (kept on f2); chair → f9 alone is fine.
    keymap, problems = parse_keys('[keys]\n"speaker.member" = "f10"\n', BINDINGS)
    assert keymap == {} and "定型文" in problems[0]
    keymap, problems = parse_keys('[keys]\n"speaker.member" = "f10"\nphrases = "f24"\n', BINDINGS)
    assert keymap == {"speaker.member": "f10", "phrases": "f24"} and problems == []


@pytest.mark.parametrize("key", ["f1", "f24", "ctrl+e", "alt+x", "ctrl+shift+up", "insert", "pageup", "escape", "tab"])
def test_keys_a_clerk_may_use(key):
    assert key_problem(key) is None


def test_f1_and_the_palette_show_the_keys_in_force():
    class App:
        keys_remapped = {"speaker.member": "f11"}

    assert bound_keys(App(), BINDINGS["speaker.member"]) == "f11"
    assert bound_keys(App(), BINDINGS["phrases"]) == "f10,ctrl+t"
    assert bound_keys(object(), BINDINGS["speaker.member"]) == "f3"


# -- reading the file from the data folder ------------------------------------------------------


def test_no_file_means_the_default_keys(tmp_path):
    assert read_keys_text(tmp_path) is None


def test_the_file_is_read_as_utf8_with_or_without_a_bom(tmp_path):
    (tmp_path / "keys.toml").write_bytes("\ufeff# 委員は F11\n[keys]\n".encode("utf-8"))
    assert read_keys_text(tmp_path) == "# 委員は F11\n[keys]\n"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("# 委員\n".encode("cp932"), "UTF-8 ではありません"),
        (b"#" * (MAX_KEYS_BYTES + 1), "大きすぎます"),
    ],
)
def test_a_file_that_cannot_be_used_says_why(tmp_path, content, said):
    (tmp_path / "keys.toml").write_bytes(content)
    with pytest.raises(KeysFileError, match=said):
        read_keys_text(tmp_path)


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_a_link_is_not_followed(tmp_path):
    outside = tmp_path / "outside.toml"
    outside.write_text('[keys]\n"speaker.member" = "f11"\n', encoding="utf-8")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "keys.toml").symlink_to(outside)
    with pytest.raises(KeysFileError, match="リンクはたどりません"):
        read_keys_text(folder)


@pytest.mark.skipif(os.name == "nt", reason="a folder by that name is enough elsewhere")
def test_a_folder_named_keys_toml_is_refused(tmp_path):
    (tmp_path / "keys.toml").mkdir()
    with pytest.raises(KeysFileError):
        read_keys_text(tmp_path)


def test_a_file_of_64_kib_is_read_and_one_byte_more_is_refused_by_its_size(tmp_path):
    line = "# 委員は F11 にする\n"
    text = line * (64 * 1024 // len(line.encode("utf-8")))
    text += "#" * (64 * 1024 - len(text.encode("utf-8")))
    (tmp_path / "keys.toml").write_text(text, encoding="utf-8")
    assert read_keys_text(tmp_path) == text
    (tmp_path / "keys.toml").write_text(text + "#", encoding="utf-8")
    with pytest.raises(KeysFileError) as caught:
        read_keys_text(tmp_path)
    assert str(caught.value) == f"「{tmp_path / 'keys.toml'}」が大きすぎます(64 KiB まで)。キーの割り当てだけを書いてください。"


def test_a_file_that_cannot_be_opened_says_why_and_what_to_do(tmp_path, monkeypatch):
    import errno

    (tmp_path / "keys.toml").write_text("[keys]\n", encoding="utf-8")

    def refused(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(KeysFileError) as caught:
        read_keys_text(tmp_path)
    assert str(caught.value) == f"「{tmp_path / 'keys.toml'}」を開けません(Permission denied)。ファイルの権限を確かめてください。"


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_a_keys_file_replaced_by_a_folder_after_the_look_is_refused_in_words(tmp_path, monkeypatch):
    import gc

    # The look (lstat) saw a plain file; by the open, a folder stood there.
    plain = tmp_path / "plain.toml"
    plain.write_text("[keys]\n", encoding="utf-8")
    (tmp_path / "keys.toml").mkdir()
    real_lstat = os.lstat
    monkeypatch.setattr(os, "lstat", lambda path, *a, **k: real_lstat(plain))
    gc.collect()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(3):
        with pytest.raises(KeysFileError, match="は普通のファイルではありません"):
            read_keys_text(tmp_path)
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_named_keys_toml_is_refused_without_waiting_for_a_writer(tmp_path):
    # Opening a pipe for reading waits until something writes to it: the app would never start.
    os.mkfifo(tmp_path / "keys.toml")
    with pytest.raises(KeysFileError, match="は普通のファイルではありません"):
        read_keys_text(tmp_path)


def test_an_app_wide_key_must_not_take_a_key_of_another_screen():
    start_screen = [Binding("f5", "duplicate", "次回"), Binding("f24", "other", "別")]
    keymap, problems = parse_keys('[keys]\n"app.quit" = "f5"\n"speaker.member" = "f24"\n', BINDINGS, start_screen)
    assert keymap == {"speaker.member": "f24"}  # the meeting screen's keys work on that screen only
    assert problems == ["keys.toml: 「app.quit」の「f5」は ほかの画面の「次回」 と重なります。その行は使わず、既定のキーのままにします。"]
