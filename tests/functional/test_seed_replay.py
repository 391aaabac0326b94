"""Take down the seed meeting on the screen, through keys, and count the keystrokes.

The measure of the minute-taking screen: each speaker turn costs at most two
keystrokes beyond the spoken text (the speaker's key when it changes, and
Enter), and an approval at most three. Paragraph breaks inside a turn are part
of the text (like the characters themselves). The text goes in as an IME
commit would (a paste), because Pilot cannot type 。、「」.
"""

from __future__ import annotations

from datetime import datetime

from minutes.demo import load_demo
from minutes.model import Speech, Vote
from minutes.render_markdown import render_markdown
from minutes.render_text import render_text
from tests.functional.appkit import add_meeting, empty_demo_dict, load, make_app, paste

SIZE = (120, 36)


def speaker_key(entry: Speech) -> str:
    """The function key a clerk presses for this speaker."""
    if entry.speaker_id == "p1":
        return "f2"
    if entry.label == "委員":
        return "f3"
    if entry.label == "事務局":
        return "f5"
    return "f4"  # the department of the current item


async def replay(pilot, screen, items, extra_per_turn: list[int], extra_per_vote: list[int]) -> None:
    current = screen.speaker
    for item_index, item in enumerate(items):
        if item_index:
            await pilot.press("alt+down")
        for entry in item.log:
            keys = 0
            if isinstance(entry, Vote):
                await pilot.press("ctrl+r")
                extra_per_vote.append(1)
                continue
            key = speaker_key(entry)
            await pilot.press(key)
            if screen.speaker != current:
                keys += 1  # a press that did not change the speaker would not be needed
            current = screen.speaker
            for index, paragraph in enumerate(entry.paragraphs):
                if index:
                    await pilot.press("ctrl+j")
                await paste(pilot, paragraph)
            await pilot.press("enter")
            keys += 1
            await pilot.pause()
            extra_per_turn.append(keys)


async def test_first_item_costs_at_most_two_keys_a_turn_and_one_for_the_approval(tmp_path):
    root = tmp_path / "data"
    meeting_id = add_meeting(root, empty_demo_dict())
    demo = load_demo()
    app = make_app(root, meeting_id)
    per_turn: list[int] = []
    per_vote: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await replay(pilot, app.screen, demo.agenda[:1], per_turn, per_vote)
    assert len(per_turn) == 23 and max(per_turn) <= 2
    assert per_vote == [1]
    taken = load(root, meeting_id).agenda[0]
    assert [(type(e), getattr(e, "text", None)) for e in taken.log] == [
        (type(e), getattr(e, "text", None)) for e in demo.agenda[0].log
    ]
    print(f"keys beyond the text: {sum(per_turn)} for {len(per_turn)} turns, {sum(per_vote)} for the approval")


async def test_whole_seed_meeting_taken_down_exports_like_the_demo(tmp_path):
    root = tmp_path / "data"
    meeting_id = add_meeting(root, empty_demo_dict())
    demo = load_demo()
    now = [datetime(2022, 3, 15, 17, 30)]
    app = make_app(root, meeting_id, clock=lambda: now[0])
    per_turn: list[int] = []
    per_vote: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+b", "enter")  # 開会 at 17:30 (the field, now filled in)
        await replay(pilot, app.screen, demo.agenda, per_turn, per_vote)
        now[0] = datetime(2022, 3, 15, 19, 0)
        await pilot.press("ctrl+g", "enter")  # 閉会 at 19:00
        await pilot.pause()
    taken = load(root, meeting_id)
    assert len(per_turn) == 56 and max(per_turn) <= 2
    assert per_vote == [1, 1]
    assert render_text(taken) == render_text(demo)
    assert render_markdown(taken) == render_markdown(demo)
