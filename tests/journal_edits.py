"""Random edits of a meeting's log, the same for a given seed, saved as the app saves them.

Used by the journal tests in this process and in killed child processes:
the parent replays the same seed on its own copy of the meeting to know
every state the child went through. Entry uids differ between processes
(they have a random prefix), so states are compared by content, and every
new entry has a text of its own, so that an entry doubled or lost shows.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterator

from minutes.editing import Change, LogEditor
from minutes.interchange import entry_to_dict
from minutes.model import Meeting, Speech, Vote

#: The kinds of edit, as the meeting screen makes them.
KINDS = (
    "append", "insert_before", "delete", "text", "speaker", "time", "move_up", "move_down",
    "move_to_item", "vote", "vote_change", "undo", "redo",
)


def state(meeting: Meeting) -> list[tuple[str, list[dict]]]:
    """What a clerk would see of the logs: each item's entries, in order, by content."""
    return [(item.id, [entry_to_dict(entry) for entry in item.log]) for item in meeting.agenda]


def run_edits(
    meeting: Meeting,
    seed: int,
    count: int,
    save: Callable[[Change, str, bool], None],
    editor: LogEditor | None = None,
) -> Iterator[str]:
    """Make ``count`` random edits on ``meeting``, calling ``save(change, kind, undone)`` after each; yield each kind.

    ``save`` is called after the editor changed the meeting, as the screen
    does; ``kind`` "append" is an entry added at the end of an item (Enter).
    """
    rng = random.Random(seed)
    editor = editor or LogEditor(meeting)
    voter = next((p.id for p in meeting.people if p.present), None)
    previous = None
    for number in range(count):
        kind = rng.choice(KINDS)
        if previous == "undo" and rng.random() < 0.5:
            kind = rng.choice(("undo", "redo"))  # redo only follows undo (any other edit clears it)
        items = meeting.agenda
        item = rng.choice(items)
        log = item.log
        index = rng.randrange(len(log)) if log else None
        change, undone = None, False
        text = f"【{seed}-{number}】{kind}"
        if kind == "append" or (index is None and kind not in ("undo", "redo")):
            kind = "append"
            change = editor.add(item.id, Speech(text, label="委員", time="10:00"))
        elif kind == "insert_before":
            change = editor.add(item.id, Speech(text, label="事務局"), index)
        elif kind == "delete":
            change = editor.delete(item.id, index)
        elif kind in ("text", "speaker", "time"):
            entry = log[index]
            if not isinstance(entry, Speech):
                continue
            fields = {"text": {"text": text}, "speaker": {"label": "会長", "speaker_id": None},
                      "time": {"time": f"1{number % 10}:{number % 60:02d}"}}[kind]
            change = editor.replace(item.id, index, dataclasses.replace(entry, uid=entry.uid, **fields))
        elif kind in ("move_up", "move_down"):
            change = editor.move(item.id, index, -1 if kind == "move_up" else 1)
        elif kind == "move_to_item":
            target = rng.choice(items)
            change = editor.move_to_item(item.id, index, target.id)
        elif kind == "vote":
            ballots = {voter: "承認"} if voter else {}
            change = editor.add(item.id, Vote(ballots=ballots, result="承認", question=text))
        elif kind == "vote_change":
            votes = [n for n, entry in enumerate(log) if isinstance(entry, Vote)]
            if not votes:
                continue
            old = log[votes[0]]
            new = dataclasses.replace(old, uid=old.uid, result="不承認", question=text)
            change = editor.replace(item.id, votes[0], new, "採決の変更")
        elif kind == "undo":
            change, undone = editor.undo(), True
        elif kind == "redo":
            change = editor.redo()
        if change is None:
            continue
        save(change, kind, undone)
        previous = kind
        yield kind


def store_saver(store) -> Callable[[Change, str, bool], None]:
    """``save`` for :func:`run_edits` that saves as the meeting screen does."""

    def save(change: Change, kind: str, undone: bool) -> None:
        splice = change.splices[0]
        if kind in ("append", "vote") and len(change.splices) == 1 and not undone:
            item = store.meeting.item(splice.item_id)
            if item.log and item.log[-1] is splice.inserted[0] and splice.start == len(item.log) - 1:
                store.append_entry(item, splice.inserted[0])
                return
        store.save_change(change.splices, undone=undone)

    return save
