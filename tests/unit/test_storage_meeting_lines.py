"""Meeting files edited by hand: the line-by-line reader gives what the file holds as JSON, or refuses as TinyDB would.

The app writes its meeting files one entry per line and reads them back line by line; any other layout goes to
the whole-file reader. A file that looks like the app's layout but is not quite it (lines swapped, a comma lost,
a file cut at a line's end, two files run together) must give the same meeting, or the same Japanese message,
as reading it whole: never a meeting the JSON does not hold, never a crash.
"""

from __future__ import annotations

import pytest

from minutes.model import Speech
from storage.errors import DamagedFileError, NewerSchemaError
from storage.meetings import MeetingStore, load_meeting_readonly
from tests.unit.test_storage_support import make_meeting, uids

# The lines of make_meeting()'s file: 0 schema, 1 meta, 2 people, 3 '"items": {', 4 item a1 opens,
# 5-8 its entries, 9 ']}', 10 ',' + item a9 opens, 11 its entry, 12 ']}', 13 '}}'.
SCHEMA, META, PEOPLE, ITEMS, FIRST, FIRST_END, SECOND, SECOND_END, END = 0, 1, 2, 3, 4, 9, 10, 12, 13


@pytest.fixture
def path(tmp_path):
    folder = tmp_path / "meetings"
    folder.mkdir()
    return folder / "20220315-abcd.json"


@pytest.fixture
def meeting():
    return make_meeting()


@pytest.fixture
def lines(path, meeting):
    """The app's own file for ``meeting``, as a list of lines (each with its newline)."""
    MeetingStore(path, meeting=meeting).close()
    found = path.read_bytes().splitlines(keepends=True)
    assert found[ITEMS] == b'"items": {\n' and found[SECOND].startswith(b',"2": ') and found[END] == b"}}\n"
    return found


def write(path, lines) -> None:
    path.write_bytes(b"".join(lines))


def refused(path) -> str:
    with pytest.raises(DamagedFileError) as caught:
        load_meeting_readonly(path)
    return caught.value.message


def test_the_tables_in_another_order_give_the_same_meeting(path, lines):
    # People before the header: still JSON with the same tables, so still the same meeting.
    write(path, [lines[SCHEMA], lines[PEOPLE], lines[META], *lines[ITEMS:]])
    loaded = load_meeting_readonly(path)
    assert loaded == make_meeting()
    assert [person.name for person in loaded.people][:2] == ["昼間守仁", "大川強"]


def test_items_written_in_another_order_come_back_in_their_order(path, lines, meeting):
    second = lines[SECOND][1:]  # without the comma that joins it to the first
    first = b"," + lines[FIRST]
    write(path, [*lines[:ITEMS + 1], second, *lines[SECOND + 1:SECOND_END + 1], first,
                 *lines[FIRST + 1:FIRST_END + 1], lines[END]])
    loaded = load_meeting_readonly(path)
    assert [item.id for item in loaded.agenda] == ["a1", "a9"]
    assert loaded == meeting and uids(loaded) == uids(meeting)


def test_items_under_keys_other_than_numbers_load_the_same(path, lines):
    # TinyDB's document ids are numbers, but a JSON editor may name them otherwise: the order decides.
    lines[FIRST] = lines[FIRST].replace(b'"1": ', b'"first": ', 1)
    lines[SECOND] = lines[SECOND].replace(b'"2": ', b'"second": ', 1)
    write(path, lines)
    assert load_meeting_readonly(path) == make_meeting()


def test_an_item_key_written_twice_gives_what_json_holds_the_last_item(path, lines):
    # JSON keeps the last of two equal keys: the first item is not in the file as any JSON reader sees it.
    lines[SECOND] = lines[SECOND].replace(b'"2": ', b'"1": ', 1)
    write(path, lines)
    loaded = load_meeting_readonly(path)
    assert [item.id for item in loaded.agenda] == ["a9"]
    assert [entry.text for entry in loaded.agenda[0].log] == ["特になし。"]


def test_items_under_a_table_of_another_name_are_not_the_agenda(path, lines):
    lines[ITEMS] = b'"kept": {\n'
    write(path, lines)
    loaded = load_meeting_readonly(path)
    assert loaded.agenda == [] and loaded.body == make_meeting().body and len(loaded.people) == 5


@pytest.mark.parametrize(
    "damage, where",
    [
        (lambda lines: lines.__setitem__(META, lines[META][:-2] + b" \n"), "3行1列"),  # the comma after the header
        (lambda lines: lines.__setitem__(PEOPLE, lines[PEOPLE][:-2] + b"}\n"), "4行1列"),  # closed before the items
        (lambda lines: lines.__setitem__(SECOND, lines[SECOND][1:]), "11行1列"),  # the comma between two items
        (lambda lines: lines.extend(list(lines)), "15行1列"),  # the same file twice, one after the other
    ],
    ids=["no-comma-after-a-table", "closed-early", "no-comma-between-items", "written-twice"],
)
def test_a_file_that_is_not_json_is_refused_though_each_line_reads(path, lines, damage, where):
    damage(lines)
    write(path, lines)
    message = refused(path)
    assert "JSONとして壊れているか途中で切れています" in message and where in message


@pytest.mark.parametrize("kept", range(1, END + 1))
def test_a_file_cut_at_the_end_of_a_line_is_refused_as_cut(path, lines, kept):
    write(path, lines[:kept])
    assert f"JSONとして壊れているか途中で切れています: {kept + 1}行1列" in refused(path)


def test_an_empty_file_is_refused_as_empty(path, lines):
    write(path, [])
    assert "空のファイルです" in refused(path)


@pytest.mark.parametrize(
    "schema, said",
    [
        (b'{"1": {"kind": "meeting", "version": 2}, "2": {"kind": "meeting", "version": 2}}',
         "形式の版の記録(_schema)がありません"),
        (b'{"1": {"kind": "library", "version": 1}}', "会議のファイルではありません(種類: library)"),
        (b'{"1": {"kind": "meeting", "version": true}}', "形式の版 True が正しくありません"),
        (b'{"1": {"kind": "meeting", "version": 1.0}}', "形式の版 1.0 が正しくありません"),
        (b'{"1": {"kind": "meeting", "version": "2"}}', "形式の版 '2' が正しくありません"),
        (b'{"1": {"kind": "meeting", "version": 0}}', "形式の版 0 が正しくありません"),
        (b'{"1": {"kind": "meeting"}}', "形式の版の記録(_schema)がありません"),
    ],
    ids=["two-schemas", "a-library", "version-true", "version-float", "version-text", "version-0", "no-version"],
)
def test_a_schema_the_app_never_writes_is_refused_with_what_is_wrong(path, lines, schema, said):
    lines[SCHEMA] = b'{"_schema": ' + schema + b",\n"
    write(path, lines)
    assert said in refused(path)
    with pytest.raises(DamagedFileError):
        MeetingStore(path)
    assert path.read_bytes() == b"".join(lines)  # neither migrated nor rewritten
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no copy of it kept as an older version


def test_a_file_of_a_newer_kaigiroku_in_the_line_layout_is_refused_as_newer(path, lines):
    lines[SCHEMA] = lines[SCHEMA].replace(b'"version": 2', b'"version": 3')
    write(path, lines)
    with pytest.raises(NewerSchemaError) as caught:
        load_meeting_readonly(path)
    assert "版3、この版が読めるのは版2まで" in caught.value.message


def test_a_version_1_schema_line_is_read_as_a_file_of_the_previous_release(path, lines):
    lines[SCHEMA] = lines[SCHEMA].replace(b'"version": 2', b'"version": 1')
    write(path, lines)
    assert load_meeting_readonly(path) == make_meeting()
    store = MeetingStore(path)
    assert store.migrated_from is not None and store.migrated_from.read_bytes() == b"".join(lines)
    assert path.read_bytes().startswith(b'{"_schema": {"1": {"kind": "meeting", "version": 2}},\n')
    store.close()


@pytest.mark.parametrize(
    "line, table, shape",
    [
        (META, b'"meta": [],\n', "meta"),
        (META, b'"meta": {"1": 5},\n', "meta"),
        (PEOPLE, b'"people": [],\n', "people"),
        (PEOPLE, b'"people": {"1": 5},\n', "people"),
        (PEOPLE, b'"people": {"1": {"order": 0, "person": {}}, "2": "p2"},\n', "people"),
    ],
    ids=["meta-list", "meta-doc-number", "people-list", "people-doc-number", "people-one-doc-text"],
)
def test_a_table_of_the_wrong_shape_on_its_line_is_named(path, lines, line, table, shape):
    lines[line] = table
    write(path, lines)
    assert f"表「{shape}」の形が正しくありません" in refused(path)


@pytest.mark.parametrize(
    "line, old, new, said",
    [
        (SECOND + 1, b'"text": "', b'"text": 5, "x": "', "agenda[1].log[0].text"),
        (SECOND, b'"title": "', b'"title": 5, "x": "', "agenda[1].title"),
        (FIRST + 4, b'"result": "', b'"x": "', "agenda[0].log[3].vote.result"),
        (FIRST + 2, b'"uid": "', b'"x": "', "agenda[0].log[1].uid"),
    ],
    ids=["text", "item-title", "vote-result", "uid"],
)
def test_a_damaged_value_in_the_line_layout_is_named_where_it_is(path, lines, line, old, new, said):
    lines[line] = lines[line].replace(old, new, 1)
    write(path, lines)
    message = refused(path)
    assert "会議の表の形が正しくありません" in message and said in message


def test_windows_line_ends_and_a_missing_last_newline_give_the_same_meeting(path, lines):
    write(path, [line[:-1] + b"\r\n" for line in lines])
    assert load_meeting_readonly(path) == make_meeting()
    write(path, lines)
    path.write_bytes(path.read_bytes()[:-1])
    assert load_meeting_readonly(path) == make_meeting()


def test_an_entry_line_that_is_not_utf8_is_refused_with_its_place(path, lines):
    lines[FIRST + 1] = lines[FIRST + 1].replace("議事".encode(), b"\xff\xfe")
    write(path, lines)
    assert "UTF-8の文字として読めない箇所があります" in refused(path)


def test_an_item_with_an_empty_log_between_two_others(path):
    meeting = make_meeting()
    meeting.agenda[1].log.clear()
    meeting.agenda[1].log.append(Speech("後の発言。", label="委員"))
    from minutes.model import Item

    meeting.agenda.insert(1, Item(id="a2", title="空の議事"))
    MeetingStore(path, meeting=meeting).close()
    assert b'"id": "a2"' in path.read_bytes() and b', "log": [\n]}\n' in path.read_bytes()
    loaded = load_meeting_readonly(path)
    assert loaded == meeting and [len(item.log) for item in loaded.agenda] == [4, 0, 1]


def test_a_broken_entry_line_is_refused_with_its_line(path, lines):
    lines[FIRST + 2] = lines[FIRST + 2].replace(b'"entry": {', b'"entry": [', 1)
    write(path, lines)
    assert f"JSONとして壊れているか途中で切れています: {FIRST + 3}行" in refused(path)


def test_an_item_joined_by_a_space_instead_of_a_comma_is_refused(path, lines):
    lines[SECOND] = b" " + lines[SECOND][1:]
    write(path, lines)
    assert f"JSONとして壊れているか途中で切れています: {SECOND + 1}行" in refused(path)


@pytest.mark.parametrize("order", [None, '"1"', "null"], ids=["missing", "text", "null"])
def test_an_item_without_a_number_for_its_order_is_named(path, lines, order):
    new = b"" if order is None else f'"order": {order}, '.encode()
    lines[SECOND] = lines[SECOND].replace(b'"order": 1, ', new, 1)
    write(path, lines)
    message = refused(path)
    assert "会議の表の形が正しくありません" in message and "表の順番(order)が正しくありません" in message


@pytest.mark.parametrize("layout", ["lines", "whole"])
def test_a_speech_with_a_key_this_kaigiroku_does_not_use_loads_with_its_speaker(path, lines, layout):
    # The shape is checked key by key: a key nobody reads is left aside, the speech and its speaker stay.
    lines[FIRST + 1] = lines[FIRST + 1].replace(b'"text": ', b'"mood": "calm", "text": ', 1)
    lines[FIRST + 2] = lines[FIRST + 2].replace(b'"text": ', b'"mood": "calm", "text": ', 1)
    write(path, lines)
    if layout == "whole":
        import json

        path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=1), encoding="utf-8")
    first, second = load_meeting_readonly(path).agenda[0].log[:2]
    assert (first.speaker_id, first.label, first.text) == ("p1", None, "議事の1番目の諮問です。\n担当課から説明をお願いします。")
    assert (second.speaker_id, second.label, second.time) == (None, "資源循環課", "17:35:10")


@pytest.mark.parametrize("signers", [b"[5]", b'["\\u6620", null]'], ids=["number", "null"])
def test_signers_that_are_not_a_list_of_names_are_named(path, lines, signers):
    lines[META] = lines[META].replace(b'"signers": []', b'"signers": ' + signers, 1)
    write(path, lines)
    message = refused(path)
    assert "meta.signers" in message and "文字列の配列ではありません" in message
