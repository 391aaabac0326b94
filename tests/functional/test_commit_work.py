"""What one Enter costs, counted as work done, never timed.

After Enter the log shows the new entry at its end and the bar is empty;
these tests check that the screen gets there without a layout pass of the
whole screen, drawing only the new entry's lines of the log, and that what
is shown and kept is the same as before (text, undo history, line breaks).
"""

from __future__ import annotations

import dataclasses
from itertools import accumulate

import pytest

import screens.meeting as meeting_module
import tui.heap as heap_module
from screens.meeting import MeetingScreen
from tests.functional.appkit import add_meeting, demo_dict, make_app, paste
from tui.heap import collect_garbage_if_due
from tui.widgets.speaker_log import LogScrollBar, SpeakerLog

SIZE = (120, 36)


@pytest.fixture
def long_id(root):
    """The demo meeting, its last item's log made long enough to scroll many pages."""
    data = demo_dict()
    last = data["agenda"][-1]
    template = next(entry for item in data["agenda"] for entry in item["log"] if entry.get("type", "speech") == "speech")
    last["log"] = [dict(template, text=f"発言その{number}。" + "説明が続きます。" * (number % 7)) for number in range(300)]
    return add_meeting(root, data)


class Counter:
    """Counts calls of a method, calling it through."""

    def __init__(self, monkeypatch, owner, name: str) -> None:
        self.calls = 0
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


async def ready(pilot) -> MeetingScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MeetingScreen)
    for _ in range(20):
        await pilot.pause()
        if screen.log_view.row_count:
            break
    await pilot.pause(0.1)
    return screen


async def test_enter_lays_out_nothing_and_draws_only_the_new_lines(root, long_id, monkeypatch):
    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        log = screen.log_view
        scrollbar = log.vertical_scrollbar
        assert isinstance(scrollbar, LogScrollBar) and scrollbar.display
        await paste(pilot, "短い発言です。")
        await pilot.pause()
        reflows = Counter(monkeypatch, screen._compositor, "reflow")
        drawn_rows = Counter(monkeypatch, SpeakerLog, "_draw_row")
        scrollbar_drawings = Counter(monkeypatch, scrollbar._styles_cache, "render_widget")
        rows_before = log.row_count

        await pilot.press("enter")
        await pilot.pause()

        item = screen.meeting.agenda[-1]
        assert item.log[-1].text == "短い発言です。"
        new_rows = log.row_count - rows_before
        assert new_rows == 1
        assert log.row_text(log.row_count - 1).endswith("短い発言です。")
        assert round(log.scroll_y) == log.max_scroll_y  # the new entry is in view, at the bottom
        assert screen.bar.text == ""
        assert reflows.calls == 0, "Enter asked for a layout of the whole screen"
        assert drawn_rows.calls == new_rows, "the log built again lines it had drawn before"
        assert scrollbar_drawings.calls == 0, "the scrollbar was drawn again though its thumb did not move a cell"


async def test_lines_drawn_before_are_redrawn_when_the_look_changes(root, long_id):
    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        log = screen.log_view
        await pilot.press("ctrl+l")  # the log takes the focus: the selection's colour changes
        await pilot.press("up")
        await pilot.pause()
        selected = log.cursor
        assert selected is not None
        first_strip = log.render_lines(log.size.region)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert log.render_lines(log.size.region) != first_strip


async def test_the_bar_takes_its_theme_from_the_css_again_only_when_the_look_can_change(root, long_id, monkeypatch):
    from textual._text_area_theme import TextAreaTheme

    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        area = screen.bar.text_area
        await paste(pilot, "短い発言です。")
        await pilot.pause()
        restyled = Counter(monkeypatch, TextAreaTheme, "apply_css")

        await pilot.press("enter")  # the bar is drawn again, empty, in the same colours
        await pilot.pause()
        assert screen.bar.text == "" and restyled.calls == 0

        def styles_drawn_with() -> dict:
            area.render_lines(area.size.region)
            return {field.name: getattr(area._theme, field.name) for field in dataclasses.fields(area._theme)}

        def styles_from_the_css() -> dict:
            area._theme.apply_css(area)  # what TextArea itself does before every paint
            return {field.name: getattr(area._theme, field.name) for field in dataclasses.fields(area._theme)}

        focused = styles_drawn_with()
        assert focused == styles_from_the_css()
        await pilot.press("ctrl+l")  # the focus leaves the bar
        await pilot.pause()
        unfocused = styles_drawn_with()
        assert unfocused == styles_from_the_css()
        area.focus()
        await pilot.pause()
        assert styles_drawn_with() == styles_from_the_css() == focused
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        other_theme = styles_drawn_with()
        assert other_theme == styles_from_the_css() and other_theme != focused


async def test_log_line_starts_stay_exact_as_entries_are_added_to_several_items(root, long_id):
    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        log = screen.log_view
        for key in ("alt+up", "alt+up", "alt+down", "alt+down", "alt+down"):
            await paste(pilot, "一行の発言。" * 30)
            await pilot.press("enter")
            await pilot.pause()
            assert list(log._starts) == [0, *accumulate(log._heights)]
            assert log.virtual_size.height == log.row_count
            await pilot.press(key)
            await pilot.pause()
        log.settle_all()
        assert list(log._starts) == [0, *accumulate(log._heights)]


async def test_long_text_in_the_bar_scrolls_without_layout_and_enter_empties_it(root, long_id, monkeypatch):
    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        area = screen.bar.text_area
        reflows = Counter(monkeypatch, screen._compositor, "reflow")
        width_empty = area.scrollable_content_region.width
        await paste(pilot, "長い説明。" * 60)  # more lines than the bar's three
        await pilot.pause()
        assert area.show_vertical_scrollbar
        # The scrollbar was there before: the text is not wrapped again narrower, nor the screen laid out.
        assert area.scrollable_content_region.width == width_empty
        assert reflows.calls == 0, "a speech longer than the bar laid out the whole screen"
        height = area.virtual_size.height
        await paste(pilot, "さらに続く説明。" * 20)
        await pilot.pause()
        assert area.virtual_size.height > height
        assert reflows.calls == 0, "a wrapped line asked for a layout of the whole screen"
        cursor_row = area.cursor_screen_offset.y - area.region.y
        assert 0 <= cursor_row < area.size.height, "the cursor scrolled out of the bar"

        await pilot.press("enter")
        await pilot.pause()
        assert area.text == ""
        assert area.virtual_size.height == 1
        assert reflows.calls == 0, "the Enter that emptied the bar laid out the whole screen"
        assert area.scrollable_content_region.width == width_empty
        assert round(area.scroll_y) == 0
        await pilot.press("ctrl+z")  # the committed text is not in the bar's undo history
        await pilot.pause()
        assert area.text == ""


async def test_bar_emptied_after_a_draft_with_crlf_joins_paragraphs_with_newlines(root, long_id):
    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        screen.bar.set_text("前回の\r\n下書き")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.meeting.agenda[-1].log[-1].text == "前回の\r\n下書き"
        await paste(pilot, "一段落目")
        await pilot.press("ctrl+j")
        await paste(pilot, "二段落目")
        assert screen.bar.text == "一段落目\n二段落目"


async def test_collections_due_run_after_the_frame_that_shows_the_entry(root, long_id, monkeypatch):
    calls: list[int] = []
    drawn: list[bool] = []

    def due() -> None:
        calls.append(1)
        drawn.append(not app.screen.log_view._entry_to_announce)  # the frame with the entry is out

    monkeypatch.setattr(meeting_module, "collect_garbage_if_due", due)
    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for number in range(3):
            await paste(pilot, f"発言{number}")
            await pilot.press("enter")
            await pilot.pause()
    assert len(calls) == 3
    assert drawn == [True] * 3


def test_collect_garbage_if_due_runs_only_the_collection_that_is_near(monkeypatch):
    collected: list[tuple] = []
    monkeypatch.setattr(heap_module.gc, "get_threshold", lambda: (700, 10, 10))
    monkeypatch.setattr(heap_module.gc, "collect", lambda *args: collected.append(args))
    for counts, expected in [
        ((100, 0, 0), []),
        ((100, 6, 7), []),
        ((100, 7, 0), [(1,)]),
        ((100, 0, 8), [()]),
        ((100, 9, 9), [()]),
    ]:
        collected.clear()
        monkeypatch.setattr(heap_module.gc, "get_count", lambda counts=counts: counts)
        collect_garbage_if_due()
        assert collected == expected, counts


async def test_the_heap_is_frozen_once_the_first_frame_is_out_with_the_log_laid_out(root, long_id, monkeypatch):
    calls: list[bool] = []

    def settle() -> None:
        calls.append(app.screen.log_view._width >= 0 if isinstance(app.screen, MeetingScreen) else False)

    monkeypatch.setattr(meeting_module, "settle_heap", settle)
    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
    # After the first frame (not before it: the frame comes first), and by then the
    # log's index of every entry exists, so it is frozen too.
    assert calls and all(calls)


async def test_the_log_keeps_the_lines_of_recent_entries_only_and_every_height(root, monkeypatch):
    import tui.widgets.speaker_log as speaker_log_module

    monkeypatch.setattr(speaker_log_module, "KEPT_ROWS", 10)
    app = make_app(root, add_meeting(root, demo_dict()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        log = screen.log_view
        log.settle_all()  # every entry laid out once
        assert len(log._rows_cache) <= 10
        exact = list(log._heights)
        log.rebuild()  # after a change: heights from what is known, not estimates
        assert log._heights == exact
        assert log.row_count == sum(exact)


async def test_the_heap_is_not_frozen_again_while_minutes_are_taken(root, long_id, monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(meeting_module, "settle_heap", lambda: calls.append(1))
    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        settled = len(calls)
        assert settled >= 1
        screen.log_view.rebuild()  # what an edit, a deletion or an undo does
        await paste(pilot, "新しい発言。")
        await pilot.press("enter")
        await pilot.pause()
        assert len(calls) == settled  # frozen objects in a cycle would never be freed


def _log_layout(log: SpeakerLog) -> tuple:
    """What the log holds of its layout: the blocks, their entries and their exact heights."""
    log.settle_all()
    return (list(log._blocks.first), log._blocks.total, [id(e) for e in log._entries], list(log._heights),
            [log.row_text(i) for i in range(log.row_count)])


async def test_every_edit_lays_out_only_what_it_changed(root, long_id, monkeypatch):
    """Delete, insert, moves, speaker/text/time changes, votes, undo and redo: no rebuild of the log or the agenda,
    and the log is then exactly what a layout from scratch gives."""
    from tests.journal_edits import KINDS, run_edits, state
    from tui.widgets.agenda import AgendaPane
    from storage import DataDir

    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        log = screen.log_view
        rebuilds = Counter(monkeypatch, SpeakerLog, "rebuild")
        agenda_rebuilds = Counter(monkeypatch, AgendaPane, "rebuild")
        seen = set()

        def save(change, kind, undone):
            if kind in ("undo", "redo"):
                assert screen._save_items(change, undone=undone)
                screen._show_change(change, undone=undone)
            else:
                assert screen._commit_change(change)

        for kind in run_edits(screen.meeting, seed=5, count=80, save=save, editor=screen.editor):
            seen.add(kind)
            assert rebuilds.calls == 0, f"{kind} laid the whole log out again"
            shown = _log_layout(log)
            monkeypatch.undo()
            log.rebuild()
            assert _log_layout(log) == shown, kind
            rebuilds = Counter(monkeypatch, SpeakerLog, "rebuild")
            agenda_rebuilds = Counter(monkeypatch, AgendaPane, "rebuild")
        assert seen == set(KINDS)
        await pilot.pause(1.2)  # the agenda's counts follow once typing pauses
        assert agenda_rebuilds.calls == 0
        prompts = [str(option.prompt) for option in screen.query_one(AgendaPane)._options]
        for item, prompt in zip(screen.meeting.agenda, prompts):
            assert str(len(item.log)) in prompt
        expected = state(screen.meeting)
    assert state(DataDir(root).load_meeting(long_id)) == expected


async def test_delete_and_undo_keys_update_the_log_in_place(root, long_id, monkeypatch):
    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        log = screen.log_view
        item = screen.meeting.agenda[-1]
        count = len(item.log)
        await pilot.press("ctrl+l", "up", "up")
        await pilot.pause()
        selected = log.cursor
        doomed = item.log[selected[1]]
        rebuilds = Counter(monkeypatch, SpeakerLog, "rebuild")
        await pilot.press("delete")
        await pilot.pause()
        assert len(item.log) == count - 1 and doomed not in item.log
        head = doomed.text.split("。")[0] + "。"  # 発言その298。
        assert not any(head in log.row_text(i) for i in range(log.row_count))
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert item.log[selected[1]] is doomed
        assert sum(head in log.row_text(i) for i in range(log.row_count)) == 1
        assert rebuilds.calls == 0
        assert list(log._starts) == [0, *accumulate(log._heights)]


async def test_a_changed_vote_is_recorded_without_a_layout_or_a_whole_screen_redraw(root, long_id, monkeypatch):
    """The vote pane keeps its size (a pane of the screen) and the focus moving back to the bar redraws
    only what looks different: no layout of the screen, no full update."""
    from textual._compositor import Compositor
    from tui.widgets.vote_pane import VotePane

    app = make_app(root, long_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+r")  # a vote to change (the demo has closed: asked first, Enter records)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+l", "end", "enter")
        await pilot.pause()
        pane = screen.query_one(VotePane)
        assert app.focused is pane and pane.editing_uid is not None
        await pilot.press("right")
        await pilot.pause()
        reflows = Counter(monkeypatch, screen._compositor, "reflow")
        full_updates = Counter(monkeypatch, Compositor, "render_full_update")
        notices_before = len(app._notifications)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert reflows.calls == 0, "recording a vote asked for a layout of the whole screen"
        assert full_updates.calls == 0, "recording a vote redrew the whole screen"
        assert app.focused is screen.bar.query_one("EntryText")
        assert len(app._notifications) == notices_before + 1
        vote = screen.meeting.agenda[-1].log[-1]
        assert "不承認" in vote.ballots.values()


async def test_the_bar_looks_the_same_focused_or_not_in_every_theme_but_for_its_cursor(root, long_id):
    """The bar is not styled again when the focus comes or goes: that holds only while no rule of
    the style sheet tells its focus apart, which this applies both ways in every theme to check."""
    from tests.functional.terminal_model import watch

    app = make_app(root, long_id)
    terminal = watch(app, *SIZE)  # the screen as the terminal shows it, frame after frame
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        area = screen.bar.text_area
        await paste(pilot, "短い発言です。")
        await pilot.pause()

        def cursor_line():
            return terminal.styled_lines()[area.region.y + area.cursor_location[0]][area.region.x : area.region.right]

        def styles_from_the_sheet() -> tuple:
            area.update_node_styles()  # what Textual's watcher did at each focus change
            components = sorted(area.COMPONENT_CLASSES)
            return area.styles.css, area.vertical_scrollbar.styles.css, [area.get_component_styles(name).css for name in components]

        applied_to_the_bar = []
        apply = app.stylesheet.apply

        def counted_apply(node, *args, **kwargs):
            if node is area:
                applied_to_the_bar.append(node)
            return apply(node, *args, **kwargs)

        app.stylesheet.apply = counted_apply
        await pilot.press("ctrl+l")
        await pilot.pause()
        area.focus()
        await pilot.pause()
        assert app.focused is area and applied_to_the_bar == [], "the focus coming and going restyled the bar"
        app.stylesheet.apply = apply

        themes = sorted(app.available_themes)
        assert len(themes) > 5
        for theme in themes:
            app.theme = theme
            area.focus()
            await pilot.pause()
            assert app.focused is area
            with_cursor = cursor_line()
            focused = styles_from_the_sheet()
            await pilot.press("ctrl+l")
            await pilot.pause()
            assert app.focused is screen.log_view
            assert cursor_line() != with_cursor, f"the cursor is still drawn in the bar without the focus ({theme})"
            assert styles_from_the_sheet() == focused, f"the bar's look depends on its focus in {theme}"
            area.focus()
            await pilot.pause()
            assert cursor_line() == with_cursor, f"the cursor is not drawn again when the focus comes back ({theme})"
