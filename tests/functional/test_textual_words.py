"""Textual's own words the clerk meets are in Japanese too: the palette, the theme picker, ctrl+c."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input

from tests.functional.appkit import demo_meeting_app, paste




async def _open_palette(pilot) -> None:
    await pilot.pause()
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)


async def test_the_command_palette_asks_in_japanese(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_palette(pilot)
        assert app.screen.query_one(Input).placeholder == "コマンドを検索…"


async def test_the_theme_picker_asks_in_japanese(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.action_change_theme()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "テーマを検索…"


async def test_ctrl_c_says_in_japanese_how_to_quit(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.action_help_quit()
        await pilot.pause()
        messages = [(n.title, n.message) for n in app._notifications]
        assert ("終了しますか", "終了するには ctrl+q を押してください(すべて保存してから終了します)。") in messages


async def test_the_palette_says_in_japanese_that_nothing_matches(tmp_path):
    from textual.command import CommandList

    from tui.commands import NO_MATCHES

    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_palette(pilot)
        await paste(pilot, "ぬぬぬぬ")
        await pilot.pause(0.8)  # the palette waits half a second before saying so
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt.renderable) for i in range(options.option_count)]
        assert any(NO_MATCHES in text for text in shown), shown
        assert not any("No matches" in text for text in shown)
