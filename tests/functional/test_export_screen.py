"""The export screen: preview, options, the clipboard and its fallbacks, saving files."""

from __future__ import annotations

import pytest

from minutes.demo import load_demo
from minutes.render import ExportOptions
from minutes.render_markdown import render_markdown
from minutes.render_text import render_text
from screens.confirm import Confirm
from screens.export import ExportScreen, default_file_name
from screens.path_dialog import PathDialog
from tests.functional.appkit import add_meeting, demo_dict, make_app, paste

SIZE = (120, 36)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "docs"))
    (tmp_path / "docs").mkdir()
    root = tmp_path / "data"
    meeting_id = add_meeting(root, demo_dict())
    return make_app(root, meeting_id)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_export(pilot):
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportScreen)
    return pilot.app.screen


def test_default_file_name_uses_the_serial_number():
    assert default_file_name(load_demo()) == "2022-03-15_第54回_会議録.txt"
    assert default_file_name(load_demo(), markdown=True) == "2022-03-15_第54回_会議録.md"


async def test_preview_follows_the_options(app):
    demo = load_demo()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        assert screen.query_one("#text-preview").text == render_text(demo)
        assert screen.query_one("#source-preview").text == render_markdown(demo)
        await pilot.press("f2")
        assert "昼間守仁会長　議事の1番目" in screen.query_one("#text-preview").text
        await pilot.press("f3")
        assert "(採決の結果、全員承認)" in screen.query_one("#text-preview").text
        await pilot.press("f4")
        expected = render_text(demo, ExportOptions(named=True, votes="summary", width=70))
        assert screen.query_one("#text-preview").text == expected
        assert "折り返し: 70桁" in str(screen.query_one("#options").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportScreen)


async def test_copy_with_pyperclip(app):
    copied = []
    app.copier = copied.append
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("f7")
        await pilot.pause()
    assert copied == [render_text(load_demo())]
    assert any("システムのクリップボード" in m for m in notes(app))


async def test_copy_falls_back_to_osc52(app, monkeypatch):
    def no_clipboard(text):
        raise RuntimeError("Pyperclip could not find a copy/paste mechanism for your system.")

    app.copier = no_clipboard
    monkeypatch.setattr("tui.clipboard.osc52_possible", lambda app: True)
    osc = []
    monkeypatch.setattr(type(app), "copy_to_clipboard", lambda self, text: osc.append(text))
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("f9")  # the Markdown view: copy takes the Markdown
        await pilot.press("f7")
        await pilot.pause()
    assert osc == [render_markdown(load_demo())]
    assert any("OSC 52" in m for m in notes(app))


async def test_copy_falls_back_to_a_file_and_says_where(app, tmp_path):
    def no_clipboard(text):
        raise RuntimeError("no clipboard")

    app.copier = no_clipboard  # and the test app is headless: no OSC 52 either
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("f7")
        await pilot.pause()
    written = tmp_path / "docs" / "2022-03-15_第54回_会議録.txt"
    assert written.read_text(encoding="utf-8") == render_text(load_demo())
    assert any(str(written) in m and "ファイルに保存しました" in m for m in notes(app))


async def test_copy_with_no_clipboard_and_no_writable_folder_says_what_to_do(app, tmp_path, monkeypatch):
    def no_clipboard(text):
        raise RuntimeError("no clipboard")

    app.copier = no_clipboard
    # the fallback file's folder is gone (a stick pulled out): it cannot be written
    monkeypatch.setattr("screens.export.default_export_folder", lambda: tmp_path / "gone")
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert app.is_running  # it used to end the app with a traceback
    assert any("コピーできませんでした" in m and "F8" in m for m in notes(app))


async def test_save_asks_where_and_before_overwriting(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("f5", "f6")  # Shift_JIS, CRLF
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        default = tmp_path / "docs" / "2022-03-15_第54回_会議録.txt"
        assert app.screen.query_one("#path").value == str(default)
        await pilot.press("enter")
        await pilot.pause()
        data = default.read_bytes()
        assert data.decode("cp932").replace("\r\n", "\n") == render_text(load_demo())
        assert b"\r\n" in data
        await pilot.press("f8")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")
        await pilot.pause()
        assert default.read_bytes() == data


async def test_save_into_the_data_folder_is_refused_and_writes_nothing(app, tmp_path):
    meeting_file = next((tmp_path / "data" / "meetings").glob("*.json"))
    before = meeting_file.read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path").value = str(meeting_file)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)  # not even asked to overwrite: refused
        assert any(str(meeting_file) in m and "データフォルダの外" in m for m in notes(app))
        assert meeting_file.read_bytes() == before


async def test_unencodable_character_is_refused_then_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path))
    data = demo_dict()
    data["agenda"][3]["log"][1]["text"] = "特になし。𠮷"
    root = tmp_path / "data"
    app = make_app(root, add_meeting(root, data))
    target = tmp_path / "out.txt"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        await pilot.press("f5")
        assert not screen.write_file(target)
        await pilot.pause()
        assert not target.exists()
        assert any("𠮷" in m and "F10" in m for m in notes(app))
        await pilot.press("f10")
        assert screen.write_file(target)
        await pilot.pause()
    assert "特になし。〓" in target.read_bytes().decode("cp932")
    assert any("𠮷" in m and "保存しました" in m for m in notes(app))


async def test_typing_over_the_preview_goes_to_the_entry_bar_and_says_so(app):
    # Typing while the export preview was open was silently lost.
    async with app.run_test(size=(120, 36)) as pilot:
        await open_export(pilot)
        await pilot.press("a", "b")
        await paste(pilot, "の続き")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert sum("打った文字は入力欄に入れました" in n for n in notes(app)) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.bar.text == "abの続き"


async def test_f12_switches_the_style_and_a_broken_style_refuses_copy(app, tmp_path):
    from minutes.formats import FORMATS
    from minutes.style import load_preset
    from storage.styles import copy_preset, styles_dir

    copy_preset(tmp_path / "data", "要録", "壊れた")
    (styles_dir(tmp_path / "data") / "壊れた" / "text.j2").write_text("{{ body }}\n{{ nothing }}\n", encoding="utf-8")
    copied = []
    app.copier = copied.append
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        assert "スタイル(F12): 要録" in str(screen.query_one("#options").render())
        await pilot.press("f12")
        assert "スタイル(F12): 議会" in str(screen.query_one("#options").render())
        assert screen.query_one("#text-preview").text == FORMATS["text"].produce(
            load_demo(), ExportOptions(), load_preset("議会")
        )
        await pilot.press("f12", "f12")  # 要点, then the data folder's broken style
        assert "スタイル(F12): 壊れた" in str(screen.query_one("#options").render())
        assert "text.j2 の2行目" in screen.query_one("#text-preview").text
        await pilot.press("f7")
        await pilot.pause()
        assert copied == []
        assert any("コピーしませんでした" in n.title for n in app._notifications)
        await pilot.press("f12")  # back to 要録
        await pilot.press("f7")
        await pilot.pause()
    assert copied == [render_text(load_demo())]


async def test_the_word_tab_saves_a_docx_with_f8_and_refuses_to_copy(app, tmp_path):
    import docx

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        for _ in range(3):  # text, Markdown (shown), Markdown (source), Word
            await pilot.press("f9")
        await pilot.pause()
        assert screen.current_format.key == "docx"
        assert "F8 で保存" in screen.query_one("#docx-preview").text
        await pilot.press("f7")
        await pilot.pause()
        assert any("コピーできません" in message for message in notes(app))
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        default = tmp_path / "docs" / "2022-03-15_第54回_会議録.docx"
        assert app.screen.query_one("#path").value == str(default)
        await pilot.press("enter")
        await pilot.pause()
        document = docx.Document(str(default))
        lines = [line for p in document.paragraphs for line in p.text.split("\n")]
        assert lines == render_text(load_demo()).rstrip("\n").split("\n")


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes")
async def test_a_named_pipe_chosen_as_the_word_template_is_refused_at_once(app, tmp_path):
    from tests.conftest import PipeWatchdog

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path").value = ""
        with PipeWatchdog(tmp_path / "様式.docx") as pipe:
            await paste(pilot, str(pipe.path))
            await pilot.press("enter")
            await pilot.pause()
        assert not pipe.came, "the template was read by waiting for a writer to the pipe"
        assert any("名前付きパイプ" in message and "何も書き出していません" in message for message in notes(app))
        assert screen.word_template is None


async def test_ctrl_t_chooses_a_citys_word_template_that_f8_fills_in(app, tmp_path):
    import docx

    from minutes.docx_template import example_template

    template = tmp_path / "docs" / "様式.docx"
    template.write_bytes(example_template())
    (tmp_path / "docs" / "壊れ.docx").write_bytes(b"not Word")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        for _ in range(3):
            await pilot.press("f9")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path").value = ""
        await paste(pilot, str(tmp_path / "docs" / "壊れ.docx"))
        await pilot.press("enter")
        await pilot.pause()
        assert any("「壊れ.docx」を使えません" in message for message in notes(app))
        assert screen.word_template is None  # refused: nothing chosen
        await pilot.press("ctrl+t")
        await pilot.pause()
        app.screen.query_one("#path").value = ""
        await paste(pilot, str(template))
        await pilot.press("enter")
        await pilot.pause()
        assert screen.word_template == template
        assert "様式.docx" in screen.query_one("#docx-preview").text
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        saved = tmp_path / "docs" / "2022-03-15_第54回_会議録.docx"
        document = docx.Document(str(saved))
        assert document.sections[0].header.paragraphs[0].text == load_demo().body  # the template's header, filled
        rows = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
        assert rows["開催場所"] == "市役所3階 庁議室"
        await pilot.press("ctrl+t")  # again: back to the style's layout
        await pilot.pause()
        assert screen.word_template is None and "Word のひな形:" not in screen.query_one("#docx-preview").text
