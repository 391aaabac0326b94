"""MeetingStore: the meeting survives save and load whole, with its entry uids; each save is one atomic write."""

from __future__ import annotations

import json
import os

import pytest

from minutes.demo import load_demo
from minutes.model import Item, Person, Speech, Vote
from storage import meetings as meetings_module
from storage import tinystore
from storage.errors import DamagedFileError
from storage.meetings import MeetingStore, load_meeting_readonly
from tests.unit.test_storage_support import Boom, FakeClock, fail_at, make_meeting, uids


@pytest.fixture
def path(tmp_path):
    return tmp_path / "meetings" / "20220315-abcd.json"


@pytest.fixture
def store(path):
    path.parent.mkdir()
    return MeetingStore(path, meeting=make_meeting())


@pytest.fixture
def writes(monkeypatch):
    """Every atomic write of a TinyDB file (a meeting's or the library's), as (path, bytes); they still happen."""
    seen = []
    real = tinystore.atomic_write_bytes

    def recording(target, data):
        seen.append((target, data))
        real(target, data)

    monkeypatch.setattr(tinystore, "atomic_write_bytes", recording)
    monkeypatch.setattr(meetings_module, "atomic_write_bytes", recording)
    return seen


def test_create_then_load_gives_the_same_meeting_and_uids(store, path):
    loaded = load_meeting_readonly(path)
    assert loaded == store.meeting
    assert uids(loaded) == uids(store.meeting)
    assert len(set(uids(loaded))) == store.meeting.entry_count()


def test_the_demo_meeting_round_trips(tmp_path):
    demo = load_demo()
    store = MeetingStore(tmp_path / "demo.json", meeting=demo)
    reopened = MeetingStore(tmp_path / "demo.json")
    assert reopened.meeting == demo
    assert uids(reopened.meeting) == uids(demo)
    assert store.meeting is demo


def test_save_item_after_a_speech_and_a_vote(store, path):
    item = store.meeting.agenda[0]
    item.log.append(Speech(text="それでは、承認することといたします。", speaker_id="p1", time="18:11:00"))
    item.log.insert(1, Vote(ballots={"p2": "承認", "p3": "不承認"}, result="不承認", rule="unanimous"))
    store.save_item(item)
    loaded = load_meeting_readonly(path)
    assert loaded == store.meeting
    assert uids(loaded) == uids(store.meeting)
    found = loaded.find_entry(item.log[-1].uid)
    assert found is not None and found[0].id == "a1" and found[1] == len(item.log) - 1


def test_edits_and_deletions_of_entries_are_saved(store, path):
    item = store.meeting.agenda[0]
    kept_uid = item.log[2].uid
    item.log[2].text = "1点目(訂正後)"
    del item.log[0]
    store.save_item(item)
    loaded = load_meeting_readonly(path)
    assert loaded == store.meeting
    assert loaded.agenda[0].log[1].uid == kept_uid
    assert loaded.agenda[0].log[1].text == "1点目(訂正後)"


def test_uids_live_in_the_file_next_to_the_entries_not_inside_them(store, path):
    data = json.loads(path.read_text(encoding="utf-8"))
    first_item = next(doc for doc in data["items"].values() if doc["id"] == "a1")
    record = first_item["log"][0]
    assert record["uid"] == store.meeting.agenda[0].log[0].uid
    assert "uid" not in record["entry"]


@pytest.mark.parametrize(
    "change, save",
    [
        (lambda m: setattr(m, "end", "19:00"), "save_header"),
        (lambda m: setattr(m, "status", "final"), "save_header"),
        (lambda m: setattr(m, "extra", None), "save_header"),
        (lambda m: setattr(m, "title", "特別な題名"), "save_header"),
        (lambda m: m.people.append(Person(id="r1", name="市川", group="関係課", title="課長", department="資源循環課")), "save_people"),
        (lambda m: m.people.reverse(), "save_people"),
        (lambda m: setattr(m.people[2], "present", False), "save_people"),
        (lambda m: m.agenda.reverse(), "save_agenda"),
        (lambda m: m.agenda.insert(1, Item(id="a2", section="報告事項", title="報告", log=[Speech(text="報告します。", label="事務局")])), "save_agenda"),
        (lambda m: m.agenda.pop(), "save_agenda"),
        (lambda m: (setattr(m, "place", "第二会議室"), m.people.pop(3), m.agenda.pop()), "save_all"),
    ],
)
def test_each_save_writes_once_and_round_trips(store, path, writes, change, save):
    change(store.meeting)
    getattr(store, save)()
    assert len(writes) == 1
    assert writes[0][0] == path
    loaded = load_meeting_readonly(path)
    assert loaded == store.meeting
    assert uids(loaded) == uids(store.meeting)


def test_save_item_is_one_write(store, writes):
    item = store.meeting.agenda[1]
    item.log.append(Speech(text="以上で終了します。", speaker_id="p1"))
    store.save_item(item)
    assert len(writes) == 1


def test_save_item_of_a_new_or_moved_item_saves_the_agenda(store, path, writes):
    new = Item(id="a2", title="新しい議事", log=[Speech(text="説明します。", label="事務局")])
    store.meeting.agenda.insert(1, new)
    store.save_item(new)
    assert len(writes) == 1
    loaded = load_meeting_readonly(path)
    assert [item.id for item in loaded.agenda] == ["a1", "a2", "a9"]
    assert loaded == store.meeting


def test_save_item_refuses_an_item_of_another_meeting(store):
    with pytest.raises(ValueError):
        store.save_item(Item(id="a1", title="よその議事"))


def test_a_failed_save_changes_nothing_and_the_next_save_writes_everything(store, path, monkeypatch):
    before = path.read_bytes()
    store.meeting.people[1].name = "大川強(訂正)"
    fail_at(monkeypatch, "fsynced")
    with pytest.raises(Boom):
        store.save_people()
    assert path.read_bytes() == before
    assert store.needs_full_save
    monkeypatch.undo()
    item = store.meeting.agenda[0]
    item.log.append(Speech(text="続けます。", speaker_id="p1"))
    store.save_item(item)
    assert not store.needs_full_save
    loaded = load_meeting_readonly(path)
    assert loaded == store.meeting
    assert loaded.people[1].name == "大川強(訂正)"


def test_creating_over_an_existing_file_is_refused(store, path):
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        MeetingStore(path, meeting=make_meeting())
    assert path.read_bytes() == before


def test_opening_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        MeetingStore(tmp_path / "missing.json")
    with pytest.raises(FileNotFoundError):
        load_meeting_readonly(tmp_path / "missing.json")
    assert os.listdir(tmp_path) == []


def test_load_readonly_never_writes(store, path, writes):
    load_meeting_readonly(path)
    assert writes == []


def test_what_an_import_would_refuse_still_loads_as_stored(store, path):
    """The app's own file is not an import: it loads again exactly as it was saved."""
    item = store.meeting.agenda[0]
    item.log.append(Speech(text="色付き \x1b[31m赤\x1b[0m と \u202e と\u0000", speaker_id="p1"))
    item.log.append(Speech(text="", label="  "))
    store.meeting.people[2].present = False  # p3 voted, then is marked absent
    store.meeting.people[0].name = ""
    store.save_all()
    loaded = load_meeting_readonly(path)
    assert loaded == store.meeting
    assert uids(loaded) == uids(store.meeting)


def test_a_lone_surrogate_from_a_broken_paste_is_saved_and_read_back(store, path):
    item = store.meeting.agenda[0]
    item.log.append(Speech(text="壊れた貼り付け\ud800です", speaker_id="p1"))
    store.save_item(item)
    assert load_meeting_readonly(path).agenda[0].log[-1].text == "壊れた貼り付け\ud800です"


def test_a_misshapen_meeting_file_is_damaged_and_left_alone(store, path):
    data = json.loads(path.read_text(encoding="utf-8"))
    first_item = next(doc for doc in data["items"].values() if doc["id"] == "a1")
    first_item["log"][0]["entry"]["speaker"] = 5
    broken = json.dumps(data, ensure_ascii=False).encode("utf-8")
    path.write_bytes(broken)
    with pytest.raises(DamagedFileError) as caught:
        MeetingStore(path)
    assert str(path) in caught.value.message
    assert "agenda[0].log[0].speaker" in caught.value.message
    assert path.read_bytes() == broken


@pytest.mark.parametrize(
    "breakage",
    [
        lambda data: data.pop("meta"),
        lambda data: next(iter(data["items"].values()))["log"][0].pop("uid"),
        lambda data: next(iter(data["items"].values()))["log"][0].update(uid=7),
        lambda data: next(iter(data["people"].values())).pop("order"),
        lambda data: next(iter(data["people"].values()))["person"].pop("name"),
        lambda data: next(iter(data["people"].values()))["person"].update(present="yes"),
        lambda data: data["meta"]["1"].update(observers=True),
        lambda data: data["meta"]["1"].pop("date"),
        lambda data: next(iter(data["items"].values()))["item"].update(departments="総務課"),
        lambda data: next(iter(data["items"].values())).update(log={}),
        lambda data: next(iter(data["items"].values()))["log"][3]["entry"]["vote"].update(ballots={"p2": 1}),
        lambda data: next(iter(data["items"].values()))["log"][1]["entry"].update(speaker={"name": "x"}),
    ],
)
def test_broken_tables_are_damage(store, path, breakage):
    data = json.loads(path.read_text(encoding="utf-8"))
    breakage(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DamagedFileError):
        load_meeting_readonly(path)


class RecordingBackups:
    def __init__(self):
        self.calls = []

    def backup_on_open(self, meeting_id, source):
        self.calls.append(("open", meeting_id))

    def maybe_backup(self, meeting_id, source):
        self.calls.append(("maybe", meeting_id))


def test_backups_on_open_and_after_each_save(store, path):
    backups = RecordingBackups()
    saved = []
    reopened = MeetingStore(path, backups=backups, on_saved=saved.append)
    reopened.save_header()
    reopened.save_item(reopened.meeting.agenda[0])
    assert backups.calls == [("open", "20220315-abcd"), ("maybe", "20220315-abcd"), ("maybe", "20220315-abcd")]
    assert saved == ["header", "item"]


def test_a_failed_backup_does_not_fail_the_save(store, path, tmp_path):
    from storage.backups import Backups
    from storage.errors import WriteFailedError

    backups = Backups(tmp_path / "backups", clock=FakeClock())
    reopened = MeetingStore(path, backups=backups)

    def no_space(meeting_id, source):
        raise WriteFailedError(source, OSError(28, "No space left on device"))

    backups.maybe_backup = no_space
    reopened.meeting.place = "第二会議室"
    reopened.save_header()
    assert load_meeting_readonly(path).place == "第二会議室"
    assert reopened.secondary_error is not None
    assert "ディスクの空き" in reopened.secondary_error.message
    backups.maybe_backup = lambda meeting_id, source: None
    reopened.save_header()
    assert reopened.secondary_error is None


def test_the_store_module_documents_its_tables():
    doc = meetings_module.__doc__
    for table in ("meta", "people", "items", "uid", "order"):
        assert table in doc


def test_save_item_of_a_new_item_is_reported_as_a_change_of_the_agenda(path):
    path.parent.mkdir()
    kinds = []
    store = MeetingStore(path, meeting=make_meeting(), on_saved=kinds.append)
    store.save_item(store.meeting.agenda[0])
    store.meeting.agenda.insert(1, Item(id="a2", title="新しい議事"))
    store.save_item(store.meeting.agenda[1])
    store.save_item(store.meeting.agenda[1])
    assert kinds == ["create", "item", "agenda", "item"]  # the library's row follows an agenda change


def test_the_file_is_tinydb_tables_one_entry_per_line_and_tinydb_reads_it(path):
    from tinydb import TinyDB

    path.parent.mkdir()
    meeting = load_demo()
    MeetingStore(path, meeting=meeting).close()
    text = path.read_text(encoding="utf-8")
    entries = sum(len(item.log) for item in meeting.agenda)
    assert sum(1 for line in text.splitlines() if line.startswith('{"uid": ')) == entries
    assert "お疲れ様でした。" in text  # Japanese as it is, not escaped
    db = TinyDB(path, access_mode="r")
    try:
        items = db.table("items").all()
        assert [doc["id"] for doc in sorted(items, key=lambda doc: doc["order"])] == [item.id for item in meeting.agenda]
        assert sum(len(doc["log"]) for doc in items) == entries
        assert db.table("meta").all()[0]["body"] == meeting.body
    finally:
        db.close()


@pytest.mark.parametrize("layout", ["indented", "compact"])
def test_a_file_in_another_json_layout_loads_the_same(path, layout):
    path.parent.mkdir()
    meeting = load_demo()
    MeetingStore(path, meeting=meeting).close()
    tables = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(tables, ensure_ascii=False, indent=2 if layout == "indented" else None)
    path.write_text(text, encoding="utf-8")
    loaded = load_meeting_readonly(path)
    assert loaded == meeting
    assert uids(loaded) == uids(meeting)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace('"entry": {', '"entry": [', 1),  # bad JSON on an entry's line
        lambda text: text[: len(text) // 2],  # cut in the middle
        lambda text: text.replace('"speaker": ', '"sp": ', 1),  # an entry of the wrong shape
    ],
    ids=["broken-line", "truncated", "wrong-shape"],
)
def test_a_damaged_line_layout_file_is_refused(path, damage):
    path.parent.mkdir()
    MeetingStore(path, meeting=load_demo()).close()
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DamagedFileError):
        load_meeting_readonly(path)


def big_meeting():
    """Every kind of entry, speakers by id and by label, and more entries than one batch of the line reader."""
    from minutes.model import Event, Note

    meeting = make_meeting()
    meeting.agenda[1].log += [Note("「異議なし」の声あり", time="18:20"), Event("閉会", "18:30")]
    meeting.agenda[1].log += [Speech(f"発言{n}。", label="委員", time="18:31:00") if n % 2 else
                              Speech(f"発言{n}。", speaker_id="p2") for n in range(1300)]
    return meeting


def test_a_meeting_file_the_app_wrote_is_read_line_by_line_never_whole(path, monkeypatch):
    # A long meeting must open without its file and all its tables in memory at once: the app's own files
    # are read a few hundred lines at a time, whatever they hold (a journal number, notes, events, votes).
    path.parent.mkdir()
    meeting = big_meeting()
    store = MeetingStore(path, meeting=meeting)
    extra = Speech("閉会後の発言。", label="事務局")
    meeting.agenda[0].log.append(extra)
    store.append_entry(meeting.agenda[0], extra)
    store.close()  # folded: the file now carries the journal's number
    assert '"journal": ' in path.read_text(encoding="utf-8").splitlines()[0]

    def whole(*args, **kwargs):
        raise AssertionError("the meeting file was read as a whole")

    monkeypatch.setattr(meetings_module, "decode_document", whole)
    monkeypatch.setattr(meetings_module, "read_file_once", whole)
    loaded = load_meeting_readonly(path)
    assert loaded == meeting and uids(loaded) == uids(meeting)
    reopened = MeetingStore(path)
    assert reopened.meeting == meeting
    reopened.close()


def test_the_speakers_of_a_long_meeting_are_held_once_each(path):
    # 10,000 speeches of one speaker hold one copy of its id or label, not 10,000.
    path.parent.mkdir()
    MeetingStore(path, meeting=big_meeting()).close()
    log = load_meeting_readonly(path).agenda[1].log[3:]
    assert len({id(entry.label) for entry in log if entry.label}) == 1
    assert len({id(entry.speaker_id) for entry in log if entry.speaker_id}) == 1


def test_a_file_of_an_older_kaigiroku_without_the_newer_fields_loads_with_their_defaults(path):
    path.parent.mkdir()
    MeetingStore(path, meeting=make_meeting()).close()
    tables = json.loads(path.read_text(encoding="utf-8"))
    for doc in tables["people"].values():
        for key in ("online", "present", "votes", "arrived"):
            doc["person"].pop(key, None)
    for doc in tables["meta"].values():
        doc.pop("observers", None)
        doc.pop("record_style", None)
    path.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    loaded = load_meeting_readonly(path)
    assert [(p.online, p.present) for p in loaded.people] == [(False, True)] * len(loaded.people)
    assert loaded.observers == 0 and loaded.record_style == "要録"


def test_the_first_entry_of_a_new_meeting_survives_a_crash(path):
    path.parent.mkdir()
    meeting = make_meeting()
    store = MeetingStore(path, meeting=meeting)
    assert '"journal"' not in path.read_text(encoding="utf-8").splitlines()[0]  # absent for none, as documented
    entry = Speech("最初の発言。", label="委員")
    meeting.agenda[0].log.append(entry)
    store.append_entry(meeting.agenda[0], entry)  # journal record number 1
    # the process dies here: no close()
    assert load_meeting_readonly(path).agenda[0].log[-1] == entry
    assert MeetingStore(path).meeting.agenda[0].log[-1] == entry


@pytest.mark.parametrize("number", ['"5"', "-3", "true", "2.5", "null"])
def test_a_damaged_journal_number_in_the_file_is_read_as_none(path, number):
    from storage.journal import encode_record, journal_path

    path.parent.mkdir()
    MeetingStore(path, meeting=make_meeting()).close()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace('"version": 2}', f'"version": 2, "journal": {number}}}')
    path.write_text("".join(lines), encoding="utf-8")
    record = {"seq": 1, "op": "append", "item": "a1", "uid": "u-first", "entry": {"speaker": {"label": "委員"}, "text": "残る発言。"}}
    journal_path(path).write_bytes(encode_record(record))
    assert load_meeting_readonly(path).agenda[0].log[-1].text == "残る発言。"


def test_the_tables_are_laid_out_as_the_module_says(path):
    path.parent.mkdir()
    MeetingStore(path, meeting=make_meeting()).close()
    tables = json.loads(path.read_text(encoding="utf-8"))
    assert tables["_schema"] == {"1": {"kind": "meeting", "version": 2}}
    assert list(tables["meta"]) == ["1"] and not {"people", "agenda"} & set(tables["meta"]["1"])
    assert [doc["order"] for doc in tables["people"].values()] == list(range(5))
    assert [(doc["id"], doc["order"]) for doc in tables["items"].values()] == [("a1", 0), ("a9", 1)]
    assert "log" not in tables["items"]["1"]["item"]


def test_every_field_of_the_header_and_a_counted_vote_come_back_from_the_file(path):
    from minutes.model import METHOD_HANDS, Disclosure, Document

    path.parent.mkdir()
    meeting = make_meeting()
    meeting.disclosure = Disclosure("一部公開", reason="個人情報を含むため")
    meeting.documents = [Document("資料1", "アンケート調査票"), Document("", "参考資料")]
    meeting.signers = ["昼間守仁", "大川強"]
    meeting.agenda[1].log.append(Vote(ballots={}, result="承認", method=METHOD_HANDS, counts={"賛成": 5, "反対": 1}))
    MeetingStore(path, meeting=meeting).close()
    for loaded in (load_meeting_readonly(path), MeetingStore(path).meeting):
        assert loaded == meeting
        assert isinstance(loaded.disclosure, Disclosure) and all(isinstance(d, Document) for d in loaded.documents)


@pytest.mark.parametrize("counts", ['{"賛成": "5"}', '{"賛成": 5.0}', '[5]'])
def test_a_vote_with_damaged_counts_in_the_file_is_refused_as_damaged(path, counts):
    from minutes.model import METHOD_HANDS

    path.parent.mkdir()
    meeting = make_meeting()
    meeting.agenda[1].log.append(Vote(ballots={}, result="承認", method=METHOD_HANDS, counts={"賛成": 5}))
    MeetingStore(path, meeting=meeting).close()
    text = path.read_text(encoding="utf-8")
    assert '"counts": {"賛成": 5}' in text
    path.write_text(text.replace('"counts": {"賛成": 5}', f'"counts": {counts}'), encoding="utf-8")
    with pytest.raises(DamagedFileError):
        load_meeting_readonly(path)


def _first_item(data):
    return next(iter(data["items"].values()))


@pytest.mark.parametrize(
    "breakage, said",
    [
        (lambda data: next(iter(data["people"].values())).pop("order"), "表の順番(order)"),
        (lambda data: next(iter(data["people"].values())).update(order="1"), "表の順番(order)"),
        (lambda data: _first_item(data).update(item=5), "agenda[0]: オブジェクトではありません"),
        (lambda data: _first_item(data)["log"].__setitem__(0, 5), "agenda[0].log[0]: オブジェクトではありません"),
        (lambda data: _first_item(data)["log"][0]["entry"].update(text=None), "agenda[0].log[0]"),
    ],
    ids=["people-without-order", "people-order-mixed", "item-not-an-object", "log-line-not-an-object", "text-null"],
)
def test_a_damaged_table_is_named_where_it_is_damaged(store, path, breakage, said):
    # The clerk (or whoever helps) is told what is wrong and where, not just that something is.
    data = json.loads(path.read_text(encoding="utf-8"))
    breakage(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DamagedFileError) as caught:
        load_meeting_readonly(path)
    assert said in caught.value.message


def test_a_log_line_that_is_not_an_object_is_named_in_the_line_layout_too(store, path):
    text = path.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith('{"uid": '))
    path.write_text(text.replace(first, "5,", 1), encoding="utf-8")
    with pytest.raises(DamagedFileError) as caught:
        load_meeting_readonly(path)
    assert "agenda[0].log[0]: オブジェクトではありません" in caught.value.message
