"""The clerk's own styles in the data folder (storage/styles.py): which names a style may have, what is read
of its folder and what is refused, with the words the clerk reads."""

from __future__ import annotations

import os

import pytest

from minutes.style import PRESETS, StyleError, UnknownStyleError, preset_source
from storage.styles import (
    StyleNameError,
    check_style_name,
    copy_preset,
    data_style_names,
    list_styles,
    load_style,
    read_style_source,
    style_names,
    styles_dir,
)


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    return root


def own_style(root, name="うちの市", **files):
    folder = styles_dir(root) / name
    folder.mkdir(parents=True)
    for file, text in {**preset_source("要録").files, **files}.items():
        if text is not None:
            (folder / file).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def refusal(root, name="うちの市") -> StyleError:
    with pytest.raises(StyleError) as caught:
        read_style_source(root, name)
    return caught.value


@pytest.mark.parametrize("name", ["うちの市", "a" * 64, "要録2", "議会 用", "x.y"])
def test_a_style_may_be_named_as_a_folder_can(name):
    check_style_name(name)


@pytest.mark.parametrize("name", ["", "   ", " 前に空白", "後に空白 ", "\u3000全角の空白"])
def test_an_empty_name_or_one_with_blanks_around_it_is_refused(name):
    with pytest.raises(StyleNameError) as caught:
        check_style_name(name)
    assert caught.value.message == "スタイルの名前が空か、前後に空白があります。名前を付け直してください。"


@pytest.mark.parametrize("name", [*"\\/:*?\"<>|", "a\x00b", "a\x1fb", "a\x7fb", "a\nb", ".隠し", "a" * 65])
def test_a_name_that_cannot_be_a_folder_is_refused_saying_what_may_be(name):
    with pytest.raises(StyleNameError) as caught:
        check_style_name(name if len(name) > 1 else f"名前{name}")
    assert caught.value.message.endswith(
        '/ \\ : * ? " < > | と制御文字を含まない、64文字以内の名前にしてください(先頭に . も使えません)。'
    )


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_presets_name_is_taken(name):
    with pytest.raises(StyleNameError) as caught:
        check_style_name(name)
    assert caught.value.message == f"「{name}」はプリセットの名前です。別の名前を付けてください(例: {name}_うちの市)。"


def test_the_styles_of_the_data_folder_are_its_real_folders_in_order(root, tmp_path):
    assert data_style_names(root) == []
    assert style_names(root) == list(PRESETS)
    assert style_names(None) == list(PRESETS)
    own_style(root, "b")
    own_style(root, "a")
    own_style(root, "要録")  # a folder named as a preset is listed, never chosen over the preset
    (styles_dir(root) / "メモ.txt").write_text("a note", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", styles_dir(root) / "リンク")
    assert data_style_names(root) == ["a", "b", "要録"]
    assert style_names(root) == [*PRESETS, "a", "b"]


def test_a_linked_styles_folder_holds_no_style(root, tmp_path):
    own_style(tmp_path, "外")
    os.symlink(styles_dir(tmp_path), styles_dir(root))
    assert data_style_names(root) == []
    with pytest.raises(StyleError) as caught:
        read_style_source(root, "外")
    assert caught.value.reason == "スタイルのフォルダがリンクです(データフォルダの外は読みません)"


def test_only_the_settings_and_templates_are_read_with_windows_line_ends_made_plain(root):
    own_style(root, **{"text.j2": "\ufeff{{ body }}\r\n終わり\r\n", "メモ.txt": b"\xff not read", "text.j2~": b"\xff"})
    source = read_style_source(root, "うちの市")
    assert source.name == "うちの市" and source.folder == str(styles_dir(root) / "うちの市")
    assert source.files["text.j2"] == "{{ body }}\n終わり\n"
    assert set(source.files) == set(preset_source("要録").files)


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "ない"])
def test_a_name_that_is_no_style_folder_is_unknown(root, name):
    own_style(root)
    with pytest.raises(UnknownStyleError):
        read_style_source(root, name)


def test_a_style_of_up_to_50_files_each_up_to_256_kb_is_read(root):
    folder = own_style(root, **{"text.j2": "a" * (256 * 1024)})
    for n in range(50 - len(os.listdir(folder))):
        (folder / f"extra{n}.j2").write_text("{{ body }}", encoding="utf-8")
    assert len(read_style_source(root, "うちの市").files["text.j2"]) == 256 * 1024
    (folder / "one-more.txt").write_text("", encoding="utf-8")
    error = refusal(root)
    assert error.reason == "ファイルが多すぎます(50個まで)" and error.file == str(folder)


def test_a_file_over_256_kb_is_refused_by_its_name(root):
    folder = own_style(root, **{"text.j2": "a" * (256 * 1024 + 1)})
    error = refusal(root)
    assert error.reason == "ファイルが大きすぎます(256KBまで)" and error.file == str(folder / "text.j2")
    assert error.line is None


def test_a_file_not_in_utf8_is_refused_with_its_line(root):
    folder = own_style(root, **{"text.j2": "一行目\n二行目\n".encode("utf-8") + "三行目".encode("cp932")})
    error = refusal(root)
    assert (error.file, error.line) == (str(folder / "text.j2"), 3)
    assert error.message == (
        f"スタイル「うちの市」を使えません({folder / 'text.j2'} の3行目): UTF-8 ではありません。UTF-8 で保存し直してください。"
        "ファイルを直すか、別のスタイルを選んでください。"
    )


def test_a_file_that_cannot_be_read_is_refused_with_the_reason(root):
    folder = own_style(root, **{"text.j2": None})
    (folder / "text.j2").mkdir()  # a folder where the template should be
    error = refusal(root)
    assert error.reason == "読めません(同じ名前のフォルダがあります)" and error.file == str(folder / "text.j2")


def test_a_template_that_may_not_be_read_says_so_in_japanese(root, monkeypatch):
    import errno
    import os

    folder = own_style(root)
    real_open = os.open

    def refused(path, *args, **kwargs):
        if str(path) == str(folder / "text.j2"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    assert refusal(root).reason == "読めません(読む権限がありません)"


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes")
def test_a_named_pipe_in_a_templates_place_is_refused_at_once(root):
    from tests.conftest import PipeWatchdog

    folder = own_style(root)
    (folder / "text.j2").unlink()
    with PipeWatchdog(folder / "text.j2") as pipe:
        outcome = [refusal(root)]
    assert not pipe.came, "reading the style waited for a writer to the pipe"
    assert outcome[0].reason == "読めません(通常のファイルではありません(装置やパイプなど))"


def test_the_list_says_what_is_wrong_with_each_own_style(root):
    own_style(root, "良い")
    own_style(root, "壊れた", **{"text.j2": "{% if %}"})
    own_style(root, "要録")
    entries = {entry.name: entry for entry in list_styles(root) if not entry.preset}
    assert entries["良い"].problem is None and entries["良い"].description == load_style(None, "要録").description
    assert entries["良い"].folder == str(styles_dir(root) / "良い")
    assert "text.j2 の1行目" in entries["壊れた"].problem and entries["壊れた"].folder == str(styles_dir(root) / "壊れた")
    assert entries["要録"].problem == "プリセットと同じ名前のため使えません。フォルダの名前を変えてください。"
    assert [entry.name for entry in list_styles(root) if entry.preset] == list(PRESETS)
    assert [entry.name for entry in list_styles(None)] == list(PRESETS)


def test_a_presets_name_loads_the_preset_even_beside_a_folder_of_that_name(root):
    own_style(root, "要録", **{"text.j2": "{% if %}"})
    assert load_style(root, "要録") == load_style(None, "要録")
    with pytest.raises(UnknownStyleError):
        load_style(None, "うちの市")


def test_a_copy_is_refused_over_an_existing_folder_or_link(root, tmp_path):
    folder = copy_preset(root, "議会", "委員会用")
    assert sorted(os.listdir(folder)) == sorted(preset_source("議会").files)
    with pytest.raises(StyleNameError) as caught:
        copy_preset(root, "要録", "委員会用")
    assert caught.value.message == f"スタイル「委員会用」はもうあります({folder})。別の名前を付けてください。"
    os.symlink(tmp_path / "nowhere", styles_dir(root) / "宙に浮いたリンク")
    with pytest.raises(StyleNameError):
        copy_preset(root, "要録", "宙に浮いたリンク")
    assert not (tmp_path / "nowhere").exists()
    with pytest.raises(StyleNameError) as caught:
        copy_preset(root, "ない", "新しい")
    assert caught.value.message == f"プリセット「ない」はありません。使えるのは {'、'.join(PRESETS)} です。"


def test_a_folder_whose_name_cannot_be_a_style_is_listed_with_a_problem_not_a_crash(root):
    own_style(root, "市:委員会")  # a name Linux allows and Windows does not
    entries = {entry.name: entry for entry in list_styles(root) if not entry.preset}
    assert entries["市:委員会"].problem == UnknownStyleError("市:委員会").message


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_copied_style_can_be_shared_by_copying_its_folder(root):
    # The folder (inside the private data folder) is the clerk's; its files take the usual mode, so a copy
    # of the folder handed to a colleague is readable by them.
    saved = os.umask(0o022)
    try:
        folder = copy_preset(root, "要録", "うちの市")
    finally:
        os.umask(saved)
    assert {(folder / name).stat().st_mode & 0o777 for name in os.listdir(folder)} == {0o644}


def test_a_meetings_default_style_is_its_committees_as_stored_now_else_as_the_meeting_carries_it(root):
    from minutes.committee import Committee
    from minutes.meeting_settings import EXTRA_COMMITTEE
    from storage import DataDir
    from storage.styles import committee_default_style
    from tests.unit.test_storage_support import make_meeting

    meeting = make_meeting()
    assert committee_default_style(None, meeting) is None
    meeting.extra = {EXTRA_COMMITTEE: {"id": "c1", "export_style": "議会"}}
    assert committee_default_style(None, meeting) == "議会"  # no data folder: as the meeting carries it
    assert committee_default_style(DataDir(root / "none"), meeting) == "議会"
    assert committee_default_style(DataDir(root), meeting) == "議会"  # no committees yet
    datadir = DataDir(root)
    with datadir.write_lock():
        datadir.save_committee(Committee(id="c1", name="別名の審議会", export_style="要点"))
        assert committee_default_style(datadir, meeting) == "要点"  # the library open
    assert committee_default_style(DataDir(root), meeting) == "要点"  # read from the file
    with datadir.write_lock():
        datadir.library.set_committees([{"id": "c1", "name": "別名の審議会", "export_style": "  "}])
    assert committee_default_style(DataDir(root), meeting) is None  # the committee has none now
    with datadir.write_lock():
        datadir.library.set_committees([{"id": "c1", "name": "別名の審議会"}])
    assert committee_default_style(DataDir(root), meeting) is None
