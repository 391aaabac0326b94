"""keys.toml in the data folder remaps the meeting screen's keys: they work, and the key bar, F1
and the command palette show them; a file that cannot be used is reported and the defaults stay."""

from __future__ import annotations

import pytest

from screens.help import HelpScreen
from screens.meeting import MeetingScreen
from tests.functional.appkit import add_meeting, empty_demo_dict, make_app
from tui.commands import screen_commands
from tui.widgets.key_bar import KeyBar

SIZE = (120, 36)


@pytest.fixture
def meeting_id(root):
    return add_meeting(root, empty_demo_dict())


def write_keys(root, text: str | bytes) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    (root / "keys.toml").write_bytes(data)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_f3s_speaker_moves_to_f11_everywhere_it_is_shown(root, meeting_id):
    write_keys(root, '[keys]\n"speaker.member" = "f11"\n')
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        assert screen.bar.speaker.startswith("会長")
        await pilot.press("f3")  # no longer the member's key
        await pilot.pause()
        assert screen.bar.speaker.startswith("会長")
        await pilot.press("f11")
        await pilot.pause()
        assert screen.bar.speaker == "委員(氏名なし)"
        assert notes(app) == []

        shown, _palette = screen.query_one(KeyBar).keys()
        member = [key for key in shown if key.description == "委員"]
        assert [key.key for key in member] == ["f11"]
        assert not any(key.key == "f3" for key in shown)

        commands = {name: help_text for name, help_text, _ in screen_commands(screen)}
        assert commands["発言者: 委員"] == "キー: f11"

        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.screen.groups[0][1])
        assert rows["f11"] == "発言者: 委員(氏名なし)"
        assert "f3" not in rows


async def test_the_log_keys_in_help_follow_the_file(root, meeting_id):
    write_keys(root, '[keys]\n"log.delete" = "ctrl+d"\n')
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        log_rows = dict(app.screen.groups[1][1])
        assert log_rows["ctrl+d"] == "選んだ発言を削除"
        assert "Delete" not in log_rows
        assert log_rows["ctrl+↑ / ctrl+↓"] == "選んだ発言を上下に移動"  # not remapped: as before


async def test_an_unknown_name_is_reported_and_the_rest_applies(root, meeting_id):
    write_keys(root, '[keys]\n"speaker.membr" = "f11"\n"speaker.secretariat" = "f11"\n')
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = notes(app)
        assert len(said) == 1
        assert "「speaker.membr」という名前のキーはありません" in said[0]
        assert "README" in said[0]
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.bar.speaker == "委員(氏名なし)"  # its default key still works
        await pilot.press("f11")
        await pilot.pause()
        assert app.screen.bar.speaker.startswith("事務局")


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('[keys]\n"speaker.member" "f11"\n', "2行目"),
        ('[keys]\n"speaker.member" = "[b]f11"\n', "「[b]f11」というキーはありません"),
        ("[keys]\n# 委員\n".encode("cp932"), "UTF-8 ではありません"),
    ],
)
async def test_a_file_that_cannot_be_used_keeps_the_default_keys_and_says_so(root, meeting_id, content, said):
    write_keys(root, content)
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = notes(app)
        assert len(messages) == 1 and said in messages[0] and "既定のキー" in messages[0]
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.bar.speaker == "委員(氏名なし)"


async def test_the_palette_key_can_move_and_the_key_bar_still_shows_it_at_the_right(root, meeting_id):
    write_keys(root, '[keys]\n"app.palette" = "f24"\n')
    app = make_app(root, meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        _shown, palette = app.screen.query_one(KeyBar).keys()
        assert palette is not None and palette.key == "f24"
