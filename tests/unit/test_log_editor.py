"""The log editor: changes are splices; undo and redo put back exactly what was there (no copies of whole logs)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from minutes.editing import LogEditor
from minutes.model import Item, Meeting, Speech


def _meeting() -> Meeting:
    return Meeting(
        body="審議会",
        date="2022-03-15",
        start="18:00",
        place="庁議室",
        agenda=[
            Item(id="a1", title="一", log=[Speech(text=f"一の{n}", label="委員") for n in range(4)]),
            Item(id="a2", title="二", log=[Speech(text=f"二の{n}", label="事務局") for n in range(2)]),
        ],
    )


def _state(meeting: Meeting) -> list[list[tuple[str, str]]]:
    return [[(entry.uid, entry.text) for entry in item.log] for item in meeting.agenda]


operation = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(["a1", "a2"]), st.one_of(st.none(), st.integers(-6, 8))),
    st.tuples(st.just("paragraph"), st.sampled_from(["a1", "a2"]), st.none()),
    st.tuples(st.just("replace"), st.sampled_from(["a1", "a2"]), st.integers(0, 8)),
    st.tuples(st.just("delete"), st.sampled_from(["a1", "a2"]), st.integers(0, 8)),
    st.tuples(st.just("move"), st.sampled_from(["a1", "a2"]), st.tuples(st.integers(0, 8), st.sampled_from([-1, 1]))),
    st.tuples(st.just("to_item"), st.sampled_from(["a1", "a2"]), st.integers(0, 8)),
)


def _do(editor: LogEditor, meeting: Meeting, op, n: int):
    kind, item_id, arg = op
    log = meeting.item(item_id).log
    if kind == "add":
        return editor.add(item_id, Speech(text=f"新{n}", label="委員"), arg)
    if kind == "paragraph":
        return editor.append_paragraph(item_id, f"追記{n}")
    if not log:
        return None
    index = arg[0] if kind == "move" else arg
    index %= len(log)
    if kind == "replace":
        return editor.replace(item_id, index, Speech(text=f"直{n}", label="会長", uid=log[index].uid))
    if kind == "delete":
        return editor.delete(item_id, index)
    if kind == "move":
        return editor.move(item_id, index, arg[1])
    return editor.move_to_item(item_id, index, "a2" if item_id == "a1" else "a1")


@settings(max_examples=150, deadline=None)
@given(st.lists(operation, max_size=25))
def test_undo_all_gives_the_start_and_redo_all_gives_the_end(ops):
    meeting = _meeting()
    editor = LogEditor(meeting)
    states = [_state(meeting)]
    for n, op in enumerate(ops):
        if _do(editor, meeting, op, n) is not None:
            states.append(_state(meeting))
        else:
            assert _state(meeting) == states[-1]  # no change recorded: none made
    for expected in reversed(states[:-1]):
        assert editor.undo() is not None
        assert _state(meeting) == expected
    assert editor.undo() is None
    for expected in states[1:]:
        assert editor.redo() is not None
        assert _state(meeting) == expected


def test_a_rolled_back_change_leaves_the_log_as_it_was_and_cannot_be_undone():
    meeting = _meeting()
    editor = LogEditor(meeting)
    before = _state(meeting)
    change = editor.move_to_item("a1", 1, "a2")
    assert change.item_ids == ["a1", "a2"]
    editor.rollback(change)
    assert _state(meeting) == before
    assert editor.undo() is None


def test_a_change_keeps_only_what_it_touched():
    meeting = _meeting()
    meeting.agenda[0].log.extend(Speech(text=str(n), label="委員") for n in range(10_000))
    editor = LogEditor(meeting)
    change = editor.add("a1", Speech(text="最後", label="会長"))
    kept = sum(len(s.removed) + len(s.inserted) for s in change.splices)
    assert kept == 1  # not two copies of a 10,004-entry log
