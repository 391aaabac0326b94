"""Keys and pastes that come together are handled in the order they were typed.

When the app is busy (a save, a frame), the terminal's next keys wait in its
queue and reach the app together. Textual runs a widget's bindings
(backspace, ←, ctrl+u in a field) only once the key has bubbled up to the app,
while the widget takes the letters and pastes behind it at once: 「あいう」,
backspace, 「え」 gave あいう (the backspace wiped the え), ctrl+u then a paste
emptied the field of the paste. Each test posts its events together, as a
busy app receives them, and checks what the clerk would see.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.functional.appkit import add_meeting, demo_meeting_app, empty_demo_dict, load, make_app

SIZE = (120, 36)


def together(app, *items) -> None:
    """Post keys (names) and pastes (``("paste", text)``) to the app at once, as a busy app receives them."""
    for item in items:
        if isinstance(item, tuple):
            app.post_message(events.Paste(item[1]))
        else:
            app.post_message(events.Key(item, None))


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.pause()


async def test_a_backspace_typed_between_words_deletes_the_letter_before_it(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.screen.query_one("EntryText")
        together(app, ("paste", "あいう"), "backspace", ("paste", "え"))
        await settle(pilot)
        assert bar.text == "あいえ"


async def test_a_cursor_key_typed_between_words_moves_before_the_next_word(tmp_path):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.screen.query_one("EntryText")
        together(app, ("paste", "委員会"), "left", "left", ("paste", "の"), "end", ("paste", "です"))
        await settle(pilot)
        assert bar.text == "委の員会です"


async def test_enter_after_a_correction_commits_the_corrected_words(tmp_path):
    app = demo_meeting_app(tmp_path)
    meeting_id = app.start_meeting_id
    async with app.run_test(size=SIZE) as pilot:
        together(app, ("paste", "賛成ですす"), "backspace", "enter", ("paste", "次の発言"))
        await settle(pilot)
        bar = app.screen.query_one("EntryText")
        assert bar.text == "次の発言"
    texts = [getattr(entry, "text", "") for item in load(tmp_path / "data", meeting_id).agenda for entry in item.log]
    assert "賛成です" in texts
    assert not any("次の発言" in text for text in texts)


async def test_ctrl_u_then_a_paste_in_a_path_field_keeps_the_paste(tmp_path):
    from screens.path_dialog import PathDialog

    app = make_app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        chosen = []
        app.push_screen(PathDialog("保存するファイル", "/tmp/既定の名前.txt"), chosen.append)
        await settle(pilot)
        together(app, "ctrl+u", ("paste", "/tmp/貼った名前.docx"), "enter")
        await settle(pilot)
        assert chosen == ["/tmp/貼った名前.docx"]
        assert not isinstance(app.screen, PathDialog)


async def test_keys_typed_straight_after_a_key_that_opens_a_dialog_go_to_the_dialog(tmp_path):
    meeting_id = add_meeting(tmp_path / "data", empty_demo_dict())  # not closed yet
    app = make_app(tmp_path / "data", meeting_id)
    async with app.run_test(size=SIZE) as pilot:
        together(app, "ctrl+g", "1", "8", "0", "0", "enter", ("paste", "閉会後のメモ"))
        await settle(pilot)
        assert app.screen.query_one("EntryText").text == "閉会後のメモ"
    assert load(tmp_path / "data", meeting_id).end == "18:00"


async def test_cursor_keys_in_a_one_line_field_move_before_the_next_word(tmp_path):
    from screens.path_dialog import PathDialog

    app = make_app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        dialog = PathDialog("保存するファイル", "")
        await app.push_screen(dialog)
        await settle(pilot)
        field = dialog.query_one(Input)
        together(app, ("paste", "/tmp/a"), "left", ("paste", "b"), "home", ("paste", "x"))
        await settle(pilot)
        assert field.value == "x/tmp/ba"


async def test_a_key_still_at_work_after_a_second_does_not_hold_the_next_ones_for_ever(tmp_path, monkeypatch):
    import asyncio

    from textual.app import ComposeResult
    from textual.screen import Screen
    from textual.widgets import Static

    import tui.key_order

    monkeypatch.setattr(tui.key_order, "OVERDUE", 0.2)
    hung = asyncio.Event()

    class Stuck(Static, can_focus=True):
        async def on_key(self, event: events.Key) -> None:
            if event.key == "f5":
                self.screen.query_one(Input).focus()
                await hung.wait()  # a handler that does not finish (a bug, a hung disk)

    class StuckScreen(Screen):
        def compose(self) -> ComposeResult:
            yield Stuck("stuck")
            yield Input(id="field")

    app = make_app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(StuckScreen())
        app.screen.query_one(Stuck).focus()
        await settle(pilot)
        together(app, "f5", ("paste", "あとの言葉"))
        await asyncio.sleep(0.6)  # (not pilot.pause: it waits for every widget, the stuck one too)
        value = app.screen.query_one("#field", Input).value
        hung.set()
        assert value == "あとの言葉"


async def test_keys_typed_one_by_one_are_not_held_or_followed(tmp_path):
    # Following a key up the widgets costs about a millisecond: a key that comes when the
    # one before it is done with everything it set off goes straight on.
    import asyncio

    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.log_view.focus()
        await settle(pilot)
        followed = []
        original = app.key_order._follow_in_flight
        app.key_order._follow_in_flight = lambda: (followed.append(1), original())
        for key in ("up", "up", "down", "up"):
            app.post_message(events.Key(key, None))
            await asyncio.sleep(0.05)  # (not pilot.pause: it queues a callback at every widget)
        assert followed == []
        together(app, "up", "down")
        await settle(pilot)
        assert followed != []
