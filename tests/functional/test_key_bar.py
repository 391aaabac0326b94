"""The key bar at the bottom of every screen (one widget in place of Textual's Footer)."""

from __future__ import annotations

from rich.cells import cell_len

from screens.meeting import MeetingScreen
from tests.functional.appkit import add_meeting, demo_dict, demo_meeting_app, make_app
from tui.widgets.key_bar import KeyBar


def bar_text(app) -> str:
    """The bar's line as drawn."""
    return app.screen.query_one(KeyBar).render_line(0).text


async def test_the_bar_shows_the_screens_keys_and_the_palette_at_the_right_end(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        text = bar_text(app)
        assert text.startswith(" tab 発言者 f1 ヘルプ f2 会長 f3 委員 f4 担当課 f5 事務局 f10 定型文 f12 採決")
        assert text.endswith("▏^p コマンド")
        assert cell_len(text) == 160


async def test_keys_that_do_not_fit_are_left_out_whole(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        text = bar_text(app)
        assert cell_len(text) <= 60
        shown = text.split("▏")[0].split()
        # pairs of key and description, none cut in half
        assert shown[:6] == ["tab", "発言者", "f1", "ヘルプ", "f2", "会長"]
        assert len(shown) % 2 == 0
        assert "採決" not in text


async def test_clicking_a_key_presses_it(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        text = bar_text(app)
        x = cell_len(text[: text.index("f5 事務局")]) + 1
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert screen.speaker.label == "事務局"


async def test_the_bar_follows_the_screen(tmp_path):
    root = tmp_path / "data"
    add_meeting(root, demo_dict())
    app = make_app(root)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "f2 新規" in bar_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert "f12 採決" in bar_text(app)
        assert "f2 新規" not in bar_text(app)


async def test_a_key_that_would_be_cut_is_left_out_whole(tmp_path):
    # At 64 columns "f5 事務局" does not fit whole before the palette's key: it is left out,
    # not shown as "f5 事" (the width of 60 above happens to end where a key ends).
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=(64, 30)) as pilot:
        await pilot.pause()
        text = bar_text(app)
    assert text.split("▏")[0].rstrip() == " tab 発言者 f1 ヘルプ f2 会長 f3 委員 f4 担当課"
    assert text.endswith("▏^p コマンド")


async def test_f2_is_called_by_the_chairs_title(tmp_path):
    # A council committee's chair is a 委員長: the key that sets the chair says so, and follows
    # the roster when the title changes.
    from minutes.demo import load_council
    from minutes.interchange import meeting_to_dict

    council = meeting_to_dict(load_council())
    root = tmp_path / "data"
    app = make_app(root, add_meeting(root, council))
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        assert " f2 委員長 f3 委員 " in bar_text(app)
        screen = app.screen
        (chair,) = [person for person in screen.meeting.people if person.is_chair]
        chair.title = "議長"
        screen._refresh_views()
        await pilot.pause()
        assert " f2 議長 f3 委員 " in bar_text(app)
