"""Changes to a meeting's log, with undo and redo.

Every change the clerk makes to the log (a new speech, an edit, a deletion, a
move, a vote) goes through :class:`LogEditor`. Entries themselves are never
mutated in place (an edit makes a new entry with the same ``uid``), so a
change is kept as the splices it made: where in which item's log, the entries
taken out and the entries put in. Undo makes the opposite splices. (A copy
of each touched log before and after would take, at 10,000 entries in one
item, 160 kB a keystroke and up to 80 MB for 500 undo steps.)

The editor only changes the in-memory meeting and tells which items changed:
saving them is the caller's job (the storage layer), and if saving fails the
caller calls :meth:`LogEditor.rollback` so memory and disk agree again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from minutes.model import Entry, Event, Item, Meeting, Note, Speech, Vote

#: What the undo list calls each kind of entry.
ENTRY_KINDS = {Speech: "発言", Vote: "採決", Note: "注記", Event: "休憩・再開などの記録"}


@dataclass
class Splice:
    """``log[start:start + len(removed)]`` of one item became ``inserted``."""

    item_id: str
    start: int
    removed: list[Entry]
    inserted: list[Entry]


@dataclass
class Change:
    """One undoable change: the splices it made to the items' logs, in order."""

    description: str
    splices: list[Splice] = field(default_factory=list)
    header: tuple[dict, dict] | None = None
    """A change of the meeting's head (date, times, place …): its values (before, after)."""

    @property
    def item_ids(self) -> list[str]:
        """The ids of the items this change touched."""
        return list(dict.fromkeys(splice.item_id for splice in self.splices))


class LogEditor:
    """Applies changes to a meeting's log and keeps the undo and redo stacks."""

    def __init__(self, meeting: Meeting, *, limit: int = 500) -> None:
        self.meeting = meeting
        self.limit = limit
        self.undo_stack: list[Change] = []
        self.redo_stack: list[Change] = []

    # -- the core -----------------------------------------------------------
    def _item(self, item_id: str) -> Item:
        item = self.meeting.item(item_id)
        if item is None:
            raise KeyError(item_id)
        return item

    def _forward(self, change: Change) -> None:
        if change.header is not None:
            self._set_header(change.header[1])
        for splice in change.splices:
            log = self._item(splice.item_id).log
            log[splice.start : splice.start + len(splice.removed)] = splice.inserted

    def _backward(self, change: Change) -> None:
        for splice in reversed(change.splices):
            log = self._item(splice.item_id).log
            log[splice.start : splice.start + len(splice.inserted)] = splice.removed
        if change.header is not None:
            self._set_header(change.header[0])

    def _set_header(self, values: dict) -> None:
        for key, value in values.items():
            setattr(self.meeting, key, value)

    def _apply(self, description: str, *splices: Splice, header: tuple[dict, dict] | None = None) -> Change:
        change = Change(description, list(splices), header)
        self._forward(change)
        self.undo_stack.append(change)
        del self.undo_stack[: -self.limit]
        self.redo_stack.clear()
        return change

    def rollback(self, change: Change) -> None:
        """Undo a change that could not be saved, and forget it."""
        self._backward(change)
        if self.undo_stack and self.undo_stack[-1] is change:
            self.undo_stack.pop()

    def undo(self) -> Change | None:
        """Put back the logs before the last change; return it (``None`` if nothing to undo)."""
        if not self.undo_stack:
            return None
        change = self.undo_stack.pop()
        self._backward(change)
        self.redo_stack.append(change)
        return change

    def redo(self) -> Change | None:
        """Apply again the last undone change."""
        if not self.redo_stack:
            return None
        change = self.redo_stack.pop()
        self._forward(change)
        self.undo_stack.append(change)
        return change

    def reverse(self, change: Change, undone: bool) -> None:
        """Revert an undo or redo whose save failed."""
        if undone:
            self._forward(change)
            self.redo_stack.pop()
            self.undo_stack.append(change)
        else:
            self._backward(change)
            self.undo_stack.pop()
            self.redo_stack.append(change)

    # -- operations -----------------------------------------------------------
    def change_header(self, values: dict, description: str = "会議の情報の変更") -> Change | None:
        """Set the meeting's top-level values (``None`` if none of them changes)."""
        after = {key: value for key, value in values.items() if getattr(self.meeting, key) != value}
        if not after:
            return None
        before = {key: getattr(self.meeting, key) for key in after}
        return self._apply(description, header=(before, after))

    def add(self, item_id: str, entry: Entry, index: int | None = None) -> Change:
        """Add an entry to an item's log, at the end or before ``index``."""
        log = self._item(item_id).log
        start = len(log) if index is None else min(max(index if index >= 0 else len(log) + index, 0), len(log))
        kind = ENTRY_KINDS.get(type(entry), "発言")
        return self._apply(f"{kind}の追加", Splice(item_id, start, [], [entry]))

    def append_paragraph(self, item_id: str, text: str) -> Change | None:
        """Add ``text`` as a new paragraph of the item's last speech (``None`` if there is none)."""
        log = self._item(item_id).log
        if not log or not isinstance(log[-1], Speech):
            return None
        entry = log[-1]
        new = dataclasses.replace(entry, text=f"{entry.text}\n{text}", uid=entry.uid)
        return self._apply("前の発言への追記", Splice(item_id, len(log) - 1, [entry], [new]))

    def replace(self, item_id: str, index: int, entry: Entry, description: str = "発言の修正") -> Change:
        """Replace the entry at ``index`` (keeping its place)."""
        log = self._item(item_id).log
        index = range(len(log))[index]  # IndexError as a list would raise; negative counts from the end
        return self._apply(description, Splice(item_id, index, [log[index]], [entry]))

    def delete(self, item_id: str, index: int) -> Change:
        """Delete the entry at ``index``."""
        log = self._item(item_id).log
        index = range(len(log))[index]
        return self._apply("発言の削除", Splice(item_id, index, [log[index]], []))

    def move(self, item_id: str, index: int, delta: int) -> Change | None:
        """Move the entry up (-1) or down (+1) within its item; ``None`` at the edge."""
        log = self._item(item_id).log
        target = index + delta
        if not 0 <= target < len(log) or not 0 <= index < len(log):
            return None
        low, high = min(index, target), max(index, target)
        removed = log[low : high + 1]
        inserted = list(removed)
        inserted[index - low], inserted[target - low] = inserted[target - low], inserted[index - low]
        return self._apply("発言の移動", Splice(item_id, low, removed, inserted))

    def move_to_item(self, item_id: str, index: int, target_id: str) -> Change | None:
        """Move the entry to the end of another item's log."""
        if target_id == item_id:
            return None
        source = self._item(item_id).log
        index = range(len(source))[index]
        entry = source[index]
        target = self._item(target_id).log
        return self._apply(
            "別の議事への移動",
            Splice(item_id, index, [entry], []),
            Splice(target_id, len(target), [], [entry]),
        )
