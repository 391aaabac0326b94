"""Edits as journal records: the size of the change, replayed once by every reader, through every crash."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from minutes.demo import load_demo
from minutes.editing import LogEditor
from minutes.model import Item, Meeting, Speech
from storage import DataDir, atomic
from storage.journal import apply_records, journal_path, read_records
from storage.meetings import (
    ITEMS,
    MeetingStore,
    encode_meeting,
    load_meeting_readonly,
    meeting_from_bytes,
    merged_meeting_bytes,
)
from storage.search import SearchIndex
from storage.tinystore import KIND_MEETING, decode_tables
from tests.journal_edits import KINDS, run_edits, state, store_saver
from tests.unit.test_storage_journal import opened  # noqa: F401 (the fixture: the demo meeting, open)
from tests.unit.test_storage_support import child_env


def table_state(path) -> list[tuple[str, list[dict]]]:
    """The logs as search and the zip backup's table replay see them (the file's tables plus the journal)."""
    raw = path.read_bytes()
    from storage.tinystore import decode_document
    from storage.meetings import journal_number

    tables, schema = decode_document(raw, path, KIND_MEETING)
    apply_records(tables, read_records(journal_path(path)), ITEMS, journal_number(schema))
    docs = sorted(tables[ITEMS].values(), key=lambda doc: doc["order"])
    return [(doc["id"], [line["entry"] for line in doc["log"]]) for doc in docs]


def test_every_kind_of_edit_goes_to_the_journal_and_every_reader_sees_it(opened):
    datadir, meeting_id, store = opened
    before = store.path.read_bytes()
    seen = set()
    for kind in run_edits(store.meeting, seed=1, count=120, save=store_saver(store)):
        seen.add(kind)
        expected = state(store.meeting)
        assert state(load_meeting_readonly(store.path)) == expected, kind  # export, the app on reopening
        assert table_state(store.path) == expected, kind  # search
        assert state(meeting_from_bytes(merged_meeting_bytes(store.path), "zip")) == expected, kind  # backup
    assert seen == set(KINDS)
    assert store.path.read_bytes() == before, "an edit rewrote the meeting file"
    assert {record["op"] for record in read_records(journal_path(store.path))} == {"append", "splice"}
    expected = state(store.meeting)
    store.close()
    assert not journal_path(store.path).exists()
    assert state(load_meeting_readonly(store.path)) == expected


def test_a_record_is_the_size_of_the_change_not_of_the_meeting(tmp_path):
    sizes = {}
    for count in (10, 5000):
        meeting = Meeting(body="委員会", date="2026-12-07", start="10:00", place="庁議室",
                          agenda=[Item(id="a1", title="議事"), Item(id="a2", title="次の議事")])
        meeting.agenda[0].log = [Speech(f"発言{n}", label="委員") for n in range(count)]
        path = tmp_path / f"{count}.json"
        store = MeetingStore(path, meeting=meeting)
        editor = LogEditor(meeting)
        middle = count // 2
        for change in (editor.delete(f"a1", middle), editor.move("a1", middle, 1), editor.move_to_item("a1", 3, "a2")):
            store.save_change(change.splices)
        store.save_change(editor.undo().splices, undone=True)
        sizes[count] = journal_path(path).stat().st_size
        store.close()
    assert sizes[5000] - sizes[10] < 40, sizes  # only the digits of the positions grow
    assert sizes[5000] < 1000, sizes


def test_a_crash_between_the_file_and_the_journal_removal_doubles_nothing(opened, monkeypatch):
    """A move to another item, folded into the file, and the journal left behind (the kill came before its removal)."""
    datadir, meeting_id, store = opened
    editor = LogEditor(store.meeting)
    source = store.meeting.agenda[0]
    moved = source.log[0]
    store.save_change(editor.move_to_item(source.id, 0, store.meeting.agenda[-1].id).splices)
    store.save_change(editor.move(store.meeting.agenda[1].id, 0, 1).splices)
    journal = journal_path(store.path).read_bytes()
    expected = state(store.meeting)
    store.close()  # the file now holds both moves
    journal_path(store.path).write_bytes(journal)  # ... and the journal was never removed
    for reader in (load_meeting_readonly(store.path), MeetingStore(store.path).meeting):
        assert state(reader) == expected
        assert sum(entry.uid == moved.uid for item in reader.agenda for entry in item.log) == 1
    assert table_state(store.path) == expected


def test_the_numbering_goes_on_after_a_journal_that_could_not_be_removed(opened, monkeypatch):
    datadir, meeting_id, store = opened
    editor = LogEditor(store.meeting)
    item = store.meeting.agenda[1]
    store.save_change(editor.move(item.id, 0, 1).splices)

    def refuse(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("storage.journal.os.unlink", refuse)
    store.save_header()  # the file is written, the journal stays (its record is in the file)
    monkeypatch.undo()
    assert journal_path(store.path).exists()
    store.save_change(editor.move(item.id, 0, 1).splices)  # moves it back: replayed over the file, once
    expected = state(store.meeting)
    assert state(load_meeting_readonly(store.path)) == expected
    assert table_state(store.path) == expected
    store.close()
    assert state(load_meeting_readonly(store.path)) == expected


def test_a_journal_of_an_older_kaigiroku_without_numbers_still_replays(opened):
    datadir, meeting_id, store = opened
    store.close()
    item = load_demo().agenda[-1]
    line = {"op": "append", "item": item.id, "uid": "eold1", "entry": {"speaker": {"label": "事務局"}, "text": "古い日誌"}}
    from storage.journal import encode_record

    journal_path(store.path).write_bytes(encode_record(line) * 2)
    meeting = load_meeting_readonly(store.path)
    assert [entry.text for entry in meeting.agenda[-1].log].count("古い日誌") == 1


def test_a_splice_over_another_copy_of_the_file_is_applied_by_uid(opened):
    """A journal replayed over a file where its entries are elsewhere (a restored backup) loses and doubles nothing."""
    datadir, meeting_id, store = opened
    first, last = store.meeting.agenda[0], store.meeting.agenda[-1]
    entry = first.log[2]
    editor = LogEditor(store.meeting)
    store.save_change(editor.move_to_item(first.id, 2, last.id).splices)
    records = read_records(journal_path(store.path))
    other = load_demo()
    other_first = other.agenda[0]
    other_first.log = list(store.meeting.agenda[0].log)  # the moved entry is already gone here ...
    other.agenda[1].log.insert(0, entry)  # ... and stands in another item
    tables = decode_tables(encode_meeting(other), "x", KIND_MEETING)
    apply_records(tables, records, ITEMS)
    uids = [line["uid"] for doc in tables[ITEMS].values() for line in doc["log"]]
    assert uids.count(entry.uid) == 1


def test_export_and_backup_read_a_consistent_pair_while_the_app_folds(opened, monkeypatch, tmp_path):
    """The app rewrites the file and removes the journal between a reader's two reads: the reader reads again."""
    datadir, meeting_id, store = opened
    for kind in run_edits(store.meeting, seed=3, count=20, save=store_saver(store)):
        pass
    expected = state(store.meeting)
    import storage.meetings as meetings

    real = meetings.read_records
    folds = []

    def fold_first(path):
        if not folds:
            folds.append(path)
            store.save_header()  # the app folds: new file, journal gone
        return real(path)

    monkeypatch.setattr(meetings, "read_records", fold_first)
    assert state(load_meeting_readonly(store.path)) == expected
    assert folds
    for kind in run_edits(store.meeting, seed=4, count=20, save=store_saver(store)):
        pass
    expected = state(store.meeting)
    folds.clear()
    real_journal_path = meetings.journal_path

    def fold_after_file_read(path):
        if not folds:
            folds.append(path)
            store.save_header()  # folded right after the backup read the file
        return real_journal_path(path)

    monkeypatch.setattr(meetings, "journal_path", fold_after_file_read)
    merged = merged_meeting_bytes(store.path)
    assert folds
    assert state(meeting_from_bytes(merged, "zip")) == expected


def test_search_reads_a_consistent_pair_while_the_app_folds(opened, monkeypatch):
    datadir, meeting_id, store = opened
    editor = LogEditor(store.meeting)
    item = store.meeting.agenda[0]
    change = editor.replace(item.id, 0, Speech("検索で見つかるべき言葉", label="委員", uid=item.log[0].uid))
    store.save_change(change.splices)
    import storage.search as search

    real = search.read_records
    folded = []

    def fold_first(path):
        if not folded:
            folded.append(path)
            store.save_header()
        return real(path)

    monkeypatch.setattr(search, "read_records", fold_first)
    index = SearchIndex(datadir.root)
    result = index.search(datadir.list_meetings(), "検索で見つかるべき言葉")
    assert folded
    assert len(result.hits) == 1 and not result.skipped, result


# -- crashes of the real process ------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, os.getcwd())
    from storage import DataDir, atomic
    from storage import journal as journal_module
    from tests.journal_edits import run_edits, store_saver

    root, meeting_id, seed, count, mode, nth = sys.argv[1:7]
    seed, count, nth = int(seed), int(count), int(nth)
    datadir = DataDir(root)
    datadir.acquire_lock()
    store = datadir.open_meeting(meeting_id)
    writes = [0]
    if mode == "clear":
        real_clear = journal_module.Journal.clear
        def clear(self):
            writes[0] += 1
            if writes[0] == nth:
                os.kill(os.getpid(), signal.SIGKILL)  # the file is replaced, the journal not yet removed
            real_clear(self)
        journal_module.Journal.clear = clear
    elif mode != "none":
        def hook(step):
            if step == mode:
                writes[0] += 1
                if writes[0] == nth:
                    os.kill(os.getpid(), signal.SIGKILL)
        atomic._fault_hook = hook
    done = 0
    for kind in run_edits(store.meeting, seed, count, store_saver(store)):
        done += 1
        os.write(1, b"%d\\n" % done)  # acknowledged: the save returned
        if done % 17 == 0:
            store.save_header()  # a fold now and then, as backups and header changes make
    store.close()
    os.write(1, b"closed\\n")
    """
)


def expected_states(seed: int, count: int, meeting: Meeting) -> list:
    """Every state the child passes through: before any edit, and after each saved edit."""
    meeting = copy.deepcopy(meeting)
    states = [state(meeting)]
    for _ in run_edits(meeting, seed, count, lambda change, kind, undone: None):
        states.append(state(meeting))
    return states


def run_child(root, meeting_id, seed, count, mode, nth, kill_after=None):
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), meeting_id, str(seed), str(count), mode, str(nth)],
        env=child_env(), cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    if kill_after is not None:
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=120)
    assert b"Traceback" not in err, err.decode()
    lines = out.decode().split()
    acked = max([int(line) for line in lines if line.isdigit()], default=0)
    return child.returncode, acked, "closed" in lines


def check_on_disk(root, meeting_id, states, acked, where):
    datadir = DataDir(root)
    on_disk = state(datadir.load_meeting(meeting_id))
    assert on_disk in states[acked : acked + 2], f"{where}: not the acknowledged state (acked {acked})"
    with datadir.write_lock():
        reopened = datadir.open_meeting(meeting_id)
        assert state(reopened.meeting) == on_disk, where
        reopened.close()
    assert state(datadir.load_meeting(meeting_id)) == on_disk, where
    uids = [entry.uid for item in datadir.load_meeting(meeting_id).agenda for entry in item.log]
    assert len(uids) == len(set(uids)), f"{where}: an entry stands twice"


@pytest.fixture
def template(tmp_path):
    root = tmp_path / "template"
    datadir = DataDir(root)
    with datadir.write_lock():
        meeting_id = datadir.add_meeting(load_demo())
    return root, meeting_id, load_demo()


@pytest.mark.parametrize("nth", [1, 2, 3])
def test_sigkill_between_the_file_replace_and_the_journal_removal(tmp_path, template, nth):
    import shutil

    source, meeting_id, demo = template
    seed, count = 40 + nth, 60
    states = expected_states(seed, count, demo)
    root = tmp_path / f"clear-{nth}"
    shutil.copytree(source, root)
    code, acked, closed = run_child(root, meeting_id, seed, count, "clear", nth)
    assert code == -signal.SIGKILL and not closed
    assert journal_path(root / "meetings" / f"{meeting_id}.json").exists()
    check_on_disk(root, meeting_id, states, acked, f"killed before journal removal {nth}")


@pytest.mark.parametrize("step", ["written", "fsynced", "replaced", "dir_fsynced"])
def test_sigkill_at_each_step_of_a_fold_with_edits_in_the_journal(tmp_path, template, step):
    import shutil

    source, meeting_id, demo = template
    seed, count = 7, 60
    states = expected_states(seed, count, demo)
    for nth in (2, 4):
        root = tmp_path / f"{step}-{nth}"
        shutil.copytree(source, root)
        code, acked, closed = run_child(root, meeting_id, seed, count, step, nth)
        assert code == -signal.SIGKILL and not closed
        check_on_disk(root, meeting_id, states, acked, f"killed after {step} of write {nth}")


def test_sigkill_at_random_moments_while_editing(tmp_path, template):
    import random
    import shutil

    source, meeting_id, demo = template
    rng = random.Random(20261207)
    root = tmp_path / "random"
    shutil.copytree(source, root)
    datadir = DataDir(root)
    for cycle in range(8):
        seed, count = 100 + cycle, 400
        start = datadir.load_meeting(meeting_id)
        states = expected_states(seed, count, start)
        code, acked, closed = run_child(root, meeting_id, seed, count, "none", 0, kill_after=rng.uniform(0.3, 1.2))
        if closed:
            assert state(datadir.load_meeting(meeting_id)) == states[-1]
            continue
        check_on_disk(root, meeting_id, states, acked, f"cycle {cycle}, killed after {acked} edits")


@pytest.mark.parametrize("step", ["written", "fsynced", "replaced", "dir_fsynced"])
def test_a_failed_fold_keeps_every_edit(opened, monkeypatch, step):
    """A fold that fails (a full disk) after any step: the edits stay in the journal and every reader sees them."""
    import errno

    datadir, meeting_id, store = opened
    for kind in run_edits(store.meeting, seed=9, count=30, save=store_saver(store)):
        pass
    expected = state(store.meeting)

    def fail(current):
        if current == step:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "_fault_hook", fail)
    with pytest.raises(Exception):
        store.save_header()
    monkeypatch.undo()
    assert state(load_meeting_readonly(store.path)) == expected
    assert table_state(store.path) == expected
    for kind in run_edits(store.meeting, seed=10, count=10, save=store_saver(store)):
        pass
    expected = state(store.meeting)
    store.close()
    assert state(load_meeting_readonly(store.path)) == expected


def test_an_older_file_beside_a_newer_journal_is_read_twice_at_most_and_loses_nothing(opened, monkeypatch):
    """A file put back from an older copy (its journal number behind the journal's first record) is no race."""
    import storage.meetings as meetings

    datadir, meeting_id, store = opened
    older = store.path.read_bytes()
    for kind in run_edits(store.meeting, seed=12, count=10, save=store_saver(store)):
        pass
    store.save_header()  # folded: the journal starts again after this number
    entries = [Speech(f"後の発言{n}", label="委員") for n in range(3)]
    item = store.meeting.agenda[-1]
    for entry in entries:
        item.log.append(entry)
        store.append_entry(item, entry)
    store.path.write_bytes(older)  # the file goes back to an older copy; the journal stays
    reads = []
    real = meetings._read_file
    monkeypatch.setattr(meetings, "_read_file", lambda *args: reads.append(1) or real(*args))
    meeting = load_meeting_readonly(store.path)
    assert len(reads) <= 2
    assert [e.text for e in meeting.agenda[-1].log[-3:]] == [e.text for e in entries]
