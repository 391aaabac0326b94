"""The journal is folded into the meeting file when the clerk pauses, before a keystroke must do it.

The change that finds the journal full (:data:`JOURNAL_LIMIT` records) or old
(:data:`JOURNAL_MAX_AGE`) rewrites the whole meeting file before its frame; at
10,000 entries that is a tenth of a second on a clerk's Enter. From three
quarters of either, :meth:`MeetingStore.fold_soon` says so, and the app folds
when the clerk stops typing (``tests/functional/test_fold_when_idle.py``).
"""

from __future__ import annotations

import math

import pytest

from storage import meetings as meetings_module
from storage.errors import StorageError
from storage.journal import journal_path
from storage.meetings import FOLD_EARLY, JOURNAL_LIMIT, JOURNAL_MAX_AGE, load_meeting_readonly
from tests.unit.test_storage_journal import add, opened  # noqa: F401 (opened is a fixture)


@pytest.fixture
def store(opened):
    """The demo meeting opened for writing (the journal tests' set-up)."""
    return opened[2]


def test_a_journal_three_quarters_full_is_due_and_not_before(store):
    early = math.ceil(JOURNAL_LIMIT * FOLD_EARLY)
    for n in range(early - 1):
        add(store, f"発言{n}。")
    assert not store.fold_soon()
    add(store, "もう一つ。")
    assert store.journal_length == early
    assert store.fold_soon()


def test_an_old_journal_is_due_but_an_empty_one_never(store, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(meetings_module.time, "monotonic", lambda: clock[0])
    store._last_full_write = clock[0]
    clock[0] += JOURNAL_MAX_AGE  # the meeting was left open, nothing typed
    assert not store.fold_soon()
    clock[0] = 1000.0
    add(store, "一つ目。")
    clock[0] += JOURNAL_MAX_AGE * FOLD_EARLY - 1
    assert not store.fold_soon()
    clock[0] += 2
    assert store.fold_soon()


def test_fold_writes_everything_and_empties_the_journal(store):
    entries = [add(store, f"発言{n}。") for n in range(5)]
    store.fold()
    assert store.journal_length == 0 and not journal_path(store.path).exists()
    assert not store.fold_soon()
    assert load_meeting_readonly(store.path).agenda[-1].log[-5:] == entries
    add(store, "次の発言。")  # and the journal takes the next Enter again
    assert store.journal_length == 1


def test_a_failed_fold_keeps_the_journal_and_the_next_change_writes_everything(store, monkeypatch):
    entries = [add(store, f"発言{n}。") for n in range(3)]
    size = journal_path(store.path).stat().st_size

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(meetings_module, "atomic_write_bytes", no_space)
    with pytest.raises((StorageError, OSError)):
        store.fold()
    assert journal_path(store.path).stat().st_size == size  # every record still there
    assert load_meeting_readonly(store.path).agenda[-1].log[-3:] == entries
    assert store.fold_soon()  # a save failed: the next one writes everything
    monkeypatch.undo()
    last = add(store, "空きが戻った。")
    assert store.journal_length == 0
    assert load_meeting_readonly(store.path).agenda[-1].log[-4:] == [*entries, last]


def test_a_closed_store_has_nothing_due(store):
    for n in range(math.ceil(JOURNAL_LIMIT * FOLD_EARLY)):
        add(store, f"発言{n}。")
    store.close()
    assert not store.fold_soon()
