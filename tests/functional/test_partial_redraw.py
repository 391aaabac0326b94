"""Edits redraw only what they change, and the terminal still shows the whole truth.

The log draws again only the lines of the entries an edit touched (and the
lines below them when they moved), the cursor only the two entries it left
and reached, the agenda nothing when its counts did not change. A line
forgotten that way would stay on the clerk's screen as it was. So every
update the app writes is played on a terminal model, and after each edit the
screen is drawn again whole: the terminal must not change, cell by cell, text
and attributes.
"""

from __future__ import annotations

from minutes.model import Vote
from tests.functional.appkit import add_meeting, demo_dict, make_app
from tests.functional.terminal_model import watch
from tui.widgets.entry_bar import EntryText
from tui.widgets.vote_pane import VotePane

SIZE = (120, 36)


def _difference(before: list, after: list) -> str:
    lines = [
        f"line {y}:\n  shown:  {''.join(c for c, _ in old)!r}\n  whole:  {''.join(c for c, _ in new)!r}"
        for y, (old, new) in enumerate(zip(before, after))
        if old != new
    ]
    return "\n".join(lines[:6])


async def test_every_edit_leaves_the_terminal_as_a_whole_redraw_draws_it(root):
    meeting_id = add_meeting(root, demo_dict())
    app = make_app(root, meeting_id)
    terminal = watch(app, *SIZE)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        screen.query_one(EntryText).cursor_blink = False  # a blink is no change of ours
        log = screen.log_view
        checked: list[str] = []

        async def settle() -> None:
            for _ in range(3):
                await pilot.pause()

        async def check(what: str) -> None:
            await settle()
            before = terminal.styled_lines()
            for widget in screen.walk_children(with_self=True):
                widget.refresh()
            await settle()
            after = terminal.styled_lines()
            assert after == before, f"after {what}, the terminal showed lines a whole redraw changes:\n{_difference(before, after)}"
            checked.append(what)

        await check("opening")
        # A roll-call vote to change later, recorded at the end of the current item.
        await pilot.press("f12")
        assert app.focused is screen.query_one(VotePane)
        await check("the vote pane opened")
        await pilot.press("enter")
        assert app.focused is screen.query_one(EntryText)
        await check("a vote recorded")
        await pilot.press("ctrl+l")  # the log, its last entry (the vote) selected
        await check("the log focused")
        await pilot.press("up", "up")
        await check("the cursor moved up")
        item = screen.current_item
        selected = log.cursor[1]
        before = item.log[selected]
        await pilot.press("f2")  # the selected speech's speaker: the chair
        assert (item.log[selected].speaker_id, item.log[selected].label) != (before.speaker_id, before.label)
        await check("a speaker changed")
        moved = item.log[selected]
        await pilot.press("ctrl+up")
        assert item.log[selected - 1] is moved
        await check("an entry moved up")
        await pilot.press("ctrl+down", "ctrl+down")
        await check("an entry moved down twice")
        entries = len(item.log)
        await pilot.press("delete")
        assert len(item.log) == entries - 1
        await check("an entry deleted")
        await pilot.press("ctrl+z")
        await check("the deletion undone")
        await pilot.press("ctrl+y")
        await check("the deletion redone")
        await pilot.press("ctrl+z")
        await check("the deletion undone again")
        # The vote: opened from the log, one ballot changed, recorded (focus back to the bar).
        item_index = screen.current_index
        votes = [i for i, entry in enumerate(screen.meeting.agenda[item_index].log) if isinstance(entry, Vote)]
        log.cursor = (item_index, votes[-1])
        await check("the vote selected")
        await pilot.press("enter")
        assert app.focused is screen.query_one(VotePane)
        await check("the vote opened in the vote pane")
        await pilot.press("right")
        await check("a ballot changed")
        await pilot.press("enter")
        assert app.focused is screen.query_one(EntryText)
        assert "不承認" in item.log[votes[-1]].ballots.values()
        await check("the changed vote recorded")
        await pilot.press("ctrl+z")
        await check("the vote change undone")
        # Scrolled away and back: the lines drawn before must not come back stale.
        await pilot.press("ctrl+l", "home")
        await check("the first entry selected")
        await pilot.press("delete")
        await check("the first entry deleted")
        await pilot.press("end")
        await check("the last entry selected")
    assert len(checked) == 20
