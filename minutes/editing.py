"""Changes to a meeting's log, with undo and redo.

Every change the clerk makes to the log (a new speech, an edit, a deletion, a
move, a vote) goes through :class:`LogEditor`. A change replaces whole log
lists of the items it touches; entries themselves are never mutated in place
(an edit makes a new entry with the same ``uid``), so a change is kept as the
old and new lists of the items it touched, and undo puts the old lists back.

The editor only changes the in-memory meeting and tells which items changed:
saving them is the caller's job (the storage layer), and if saving fails the
caller calls :meth:`LogEditor.rollback` so memory and disk agree again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from minutes.model import Entry, Item, Meeting, Speech, Vote


@dataclass
class Change:
    """One undoable change: the logs of the touched items before and after."""

    description: str
    before: dict[str, list[Entry]] = field(default_factory=dict)
    after: dict[str, list[Entry]] = field(default_factory=dict)

    @property
    def item_ids(self) -> list[str]:
        """The ids of the items this change touched."""
        return list(self.before)


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

    def _apply(self, description: str, new_logs: dict[str, list[Entry]]) -> Change:
        change = Change(description)
        for item_id, log in new_logs.items():
            item = self._item(item_id)
            change.before[item_id] = list(item.log)
            change.after[item_id] = list(log)
            item.log = list(log)
        self.undo_stack.append(change)
        del self.undo_stack[: -self.limit]
        self.redo_stack.clear()
        return change

    def rollback(self, change: Change) -> None:
        """Undo a change that could not be saved, and forget it."""
        for item_id, log in change.before.items():
            self._item(item_id).log = list(log)
        if self.undo_stack and self.undo_stack[-1] is change:
            self.undo_stack.pop()

    def undo(self) -> Change | None:
        """Put back the logs before the last change; return it (``None`` if nothing to undo)."""
        if not self.undo_stack:
            return None
        change = self.undo_stack.pop()
        for item_id, log in change.before.items():
            self._item(item_id).log = list(log)
        self.redo_stack.append(change)
        return change

    def redo(self) -> Change | None:
        """Apply again the last undone change."""
        if not self.redo_stack:
            return None
        change = self.redo_stack.pop()
        for item_id, log in change.after.items():
            self._item(item_id).log = list(log)
        self.undo_stack.append(change)
        return change

    def reverse(self, change: Change, undone: bool) -> None:
        """Revert an undo or redo whose save failed."""
        logs = change.after if undone else change.before
        for item_id, log in logs.items():
            self._item(item_id).log = list(log)
        if undone:
            self.redo_stack.pop()
            self.undo_stack.append(change)
        else:
            self.undo_stack.pop()
            self.redo_stack.append(change)

    # -- operations -----------------------------------------------------------
    def add(self, item_id: str, entry: Entry, index: int | None = None) -> Change:
        """Add an entry to an item's log, at the end or before ``index``."""
        log = list(self._item(item_id).log)
        if index is None:
            log.append(entry)
        else:
            log.insert(index, entry)
        kind = "採決" if isinstance(entry, Vote) else "発言"
        return self._apply(f"{kind}の追加", {item_id: log})

    def append_paragraph(self, item_id: str, text: str) -> Change | None:
        """Add ``text`` as a new paragraph of the item's last speech (``None`` if there is none)."""
        log = list(self._item(item_id).log)
        for index in range(len(log) - 1, -1, -1):
            entry = log[index]
            if isinstance(entry, Speech):
                log[index] = dataclasses.replace(entry, text=f"{entry.text}\n{text}", uid=entry.uid)
                return self._apply("前の発言への追記", {item_id: log})
            break
        return None

    def replace(self, item_id: str, index: int, entry: Entry, description: str = "発言の修正") -> Change:
        """Replace the entry at ``index`` (keeping its place)."""
        log = list(self._item(item_id).log)
        log[index] = entry
        return self._apply(description, {item_id: log})

    def delete(self, item_id: str, index: int) -> Change:
        """Delete the entry at ``index``."""
        log = list(self._item(item_id).log)
        del log[index]
        return self._apply("発言の削除", {item_id: log})

    def move(self, item_id: str, index: int, delta: int) -> Change | None:
        """Move the entry up (-1) or down (+1) within its item; ``None`` at the edge."""
        log = list(self._item(item_id).log)
        target = index + delta
        if not 0 <= target < len(log):
            return None
        log[index], log[target] = log[target], log[index]
        return self._apply("発言の移動", {item_id: log})

    def move_to_item(self, item_id: str, index: int, target_id: str) -> Change | None:
        """Move the entry to the end of another item's log."""
        if target_id == item_id:
            return None
        source = list(self._item(item_id).log)
        entry = source.pop(index)
        target = list(self._item(target_id).log)
        target.append(entry)
        return self._apply("別の議事への移動", {item_id: source, target_id: target})
