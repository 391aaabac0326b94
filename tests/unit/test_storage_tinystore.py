"""Our TinyDB storage: read once, readable UTF-8, versioned, and never writes over a damaged file."""

from __future__ import annotations

import builtins
import os
import json
from pathlib import Path

import pytest
from tinydb import TinyDB

from storage import tinystore
from storage.errors import DamagedFileError, NewerSchemaError, WriteFailedError
from storage.tinystore import KIND_MEETING, AtomicJSONStorage, open_db, schema_version
from tests.unit.test_storage_support import Boom, fail_at


def count_reads(monkeypatch, path: Path) -> list[str]:
    """Record every builtins.open of ``path``."""
    opened: list[str] = []
    real_open = builtins.open

    def counting_open(file, *args, **kwargs):
        if isinstance(file, (str, Path)) and Path(file) == path:
            opened.append(args[0] if args else kwargs.get("mode", "r"))
        return real_open(file, *args, **kwargs)

    real_os_open = os.open

    def counting_os_open(file, flags, *args, **kwargs):  # (data files are opened with O_NOFOLLOW)
        if isinstance(file, (str, Path)) and Path(file) == path and not flags & (os.O_WRONLY | os.O_RDWR):
            opened.append("rb")
        return real_os_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(os, "open", counting_os_open)
    return opened


@pytest.fixture
def db_file(tmp_path) -> Path:
    path = tmp_path / "m.json"
    db = open_db(path, kind="meeting")
    db.table("items").insert({"id": "a1", "title": "個人情報の提供について"})
    db.table("people").insert({"name": "昼間守仁"})
    db.close()
    return path


def test_it_is_really_tinydb_behind_it(db_file):
    db = TinyDB(db_file, storage=AtomicJSONStorage, kind="meeting")
    assert isinstance(db.storage, AtomicJSONStorage)
    assert db.tables() == {"items", "people"}  # the schema table is the storage's own
    assert db.table("items").all()[0]["title"] == "個人情報の提供について"


def test_the_file_is_read_once(db_file, monkeypatch):
    opened = count_reads(monkeypatch, db_file)
    db = open_db(db_file, kind="meeting")
    for _ in range(5):
        db.table("items").all()
        db.table("people").search(lambda doc: True)
    db.table("items").insert({"id": "a2", "title": "報告"})
    db.table("items").update({"title": "報告事項"}, lambda doc: doc["id"] == "a2")
    assert len(db.table("items")) == 2
    assert opened == ["rb"]


def test_what_is_read_is_the_memory_not_the_disk(db_file):
    db = open_db(db_file, kind="meeting")
    db_file.write_bytes(b"changed behind our back")
    assert db.table("items").all()[0]["id"] == "a1"


def test_on_disk_utf8_with_japanese_unescaped_and_a_schema_version(db_file):
    raw = db_file.read_bytes()
    text = raw.decode("utf-8")
    assert "個人情報の提供について" in text
    assert "\\u" not in text
    data = json.loads(text)
    assert data["_schema"] == {"1": {"kind": "meeting", "version": schema_version(KIND_MEETING)}}
    assert list(data)[0] == "_schema"
    assert "\n  " in text  # indented, readable


def test_a_batch_is_one_write(tmp_path, monkeypatch):
    writes = []
    monkeypatch.setattr(tinystore, "atomic_write_bytes", lambda path, data: writes.append(data))
    db = open_db(tmp_path / "m.json", kind="meeting")
    with db.storage.batch():
        db.table("a").insert({"x": 1})
        db.table("a").truncate()
        db.table("b").insert_multiple([{"y": 1}, {"y": 2}])
    assert len(writes) == 1
    assert json.loads(writes[0])["b"] == {"1": {"y": 1}, "2": {"y": 2}}


def test_a_batch_that_raises_writes_nothing_and_forgets_its_changes(db_file):
    before = db_file.read_bytes()
    db = open_db(db_file, kind="meeting")
    with pytest.raises(Boom):
        with db.storage.batch():
            db.table("items").truncate()
            raise Boom("half way")
    assert db_file.read_bytes() == before
    assert [doc["id"] for doc in db.table("items").all()] == ["a1"]


def test_a_failed_write_leaves_memory_as_the_disk(db_file, monkeypatch):
    before = db_file.read_bytes()
    db = open_db(db_file, kind="meeting")
    fail_at(monkeypatch, "fsynced")
    with pytest.raises(Boom):
        db.table("items").insert({"id": "a2"})
    assert db_file.read_bytes() == before
    monkeypatch.undo()
    db.table("people").insert({"name": "大川強"})
    on_disk = json.loads(db_file.read_text(encoding="utf-8"))
    assert [doc["id"] for doc in on_disk["items"].values()] == ["a1"]
    assert len(on_disk["people"]) == 2


def test_a_new_file_is_created_on_the_first_write_only(tmp_path):
    path = tmp_path / "new.json"
    db = open_db(path, kind="library")
    assert db.tables() == set()
    assert not path.exists()
    db.table("settings").insert({"theme": "dark"})
    assert json.loads(path.read_text(encoding="utf-8"))["_schema"]["1"]["kind"] == "library"


def test_must_exist_and_read_only(tmp_path, db_file):
    with pytest.raises(FileNotFoundError):
        open_db(tmp_path / "missing.json", kind="meeting", must_exist=True)
    db = open_db(db_file, kind="meeting", read_only=True)
    before = db_file.read_bytes()
    with pytest.raises(PermissionError):
        db.table("items").insert({"id": "x"})
    assert db_file.read_bytes() == before


# -- damaged files ------------------------------------------------------------------


def _good_bytes(tmp_path) -> bytes:
    path = tmp_path / "good.json"
    db = open_db(path, kind="meeting")
    db.table("items").insert({"id": "a1", "title": "個人情報の提供について"})
    return path.read_bytes()


DAMAGES = {
    "truncated": lambda good: good[: len(good) // 2],
    "empty": lambda good: b"",
    "blank": lambda good: b"  \n",
    "garbage": lambda good: b"\x00\xff\xfe PK garbage \x80\x81",
    "not_utf8": lambda good: good.replace("個人".encode(), "個人".encode("shift_jis")),
    "not_an_object": lambda good: b"[1, 2, 3]",
    "no_schema": lambda good: json.dumps({"items": {}}).encode(),
    "bad_version": lambda good: good.replace(b'"version": 2', b'"version": "2"'),
    "wrong_kind": lambda good: good.replace(b'"kind": "meeting"', b'"kind": "library"'),
    "table_not_object": lambda good: good.replace(b'"items": {', b'"items": [{', 1)[:-3] + b"]}\n",
    "newer_schema": lambda good: good.replace(b'"version": 2', b'"version": 3'),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_file_is_refused_and_left_alone(tmp_path, damage):
    path = tmp_path / "m.json"
    broken = DAMAGES[damage](_good_bytes(tmp_path))
    path.write_bytes(broken)
    backup = tmp_path / "backups" / "20260101T120000Z-000003.json"
    with pytest.raises(DamagedFileError) as caught:
        open_db(path, kind="meeting", backup_finder=lambda: backup)
    message = caught.value.message
    assert f"ファイル「{path}」を読めません" in message
    assert "このファイルには書き込みません" in message
    assert f"最新のバックアップ「{backup}」から復元できます: kaigiroku restore {backup}" in message
    assert path.read_bytes() == broken
    if damage == "newer_schema":
        assert isinstance(caught.value, NewerSchemaError)
        assert "新しい版" in message


def test_a_damaged_file_without_a_backup_says_so(tmp_path):
    path = tmp_path / "m.json"
    path.write_bytes(b"{")
    with pytest.raises(DamagedFileError) as caught:
        open_db(path, kind="meeting", backup_finder=lambda: None)
    assert "バックアップはありません" in caught.value.message
    assert caught.value.backup is None


def test_a_folder_in_place_of_the_file_is_damaged_not_a_crash(tmp_path):
    (tmp_path / "m.json").mkdir()
    with pytest.raises(DamagedFileError):
        open_db(tmp_path / "m.json", kind="meeting")


# -- what a damaged file's message says, and the shapes that are refused -----------------------------------


def _refusal(tmp_path, raw: bytes) -> str:
    path = tmp_path / "m.json"
    path.write_bytes(raw)
    with pytest.raises(DamagedFileError) as caught:
        open_db(path, kind="meeting")
    assert path.read_bytes() == raw
    return caught.value.message


def test_the_message_points_at_the_byte_that_is_not_utf8(tmp_path):
    assert "UTF-8の文字として読めない箇所があります: 3バイト目" in _refusal(tmp_path, b'{"\xff": 1}')


def test_the_message_points_at_the_line_and_column_where_the_json_breaks(tmp_path):
    assert "JSONとして壊れているか途中で切れています: 2行7列" in _refusal(tmp_path, b'{\n  "a" 1}')


def _with_schema(schema_table, **tables) -> bytes:
    return json.dumps({"_schema": schema_table, **tables}).encode()


SCHEMA = {"kind": "meeting", "version": 2}

REFUSED_SCHEMAS = {
    "no_document": ({}, "_schema)がありません"),
    "two_documents": ({"1": SCHEMA, "2": SCHEMA}, "_schema)がありません"),
    "not_a_table": ([SCHEMA], "_schema)がありません"),
    "no_kind": ({"1": {"version": 2}}, "_schema)がありません"),
    "no_version": ({"1": {"kind": "meeting"}}, "_schema)がありません"),
    "version_0": ({"1": {"kind": "meeting", "version": 0}}, "形式の版 0 が正しくありません"),
    "version_true": ({"1": {"kind": "meeting", "version": True}}, "形式の版 True が正しくありません"),
}


@pytest.mark.parametrize("name", sorted(REFUSED_SCHEMAS))
def test_a_schema_record_of_the_wrong_shape_is_refused(tmp_path, name):
    schema_table, words = REFUSED_SCHEMAS[name]
    assert words in _refusal(tmp_path, _with_schema(schema_table))


def test_a_table_whose_documents_are_not_objects_is_refused(tmp_path):
    assert "表「items」の形が正しくありません" in _refusal(tmp_path, _with_schema({"1": SCHEMA}, items={"1": 5}))


def test_a_file_of_the_current_and_of_an_older_version_opens(tmp_path):
    for version in (1, 2):
        path = tmp_path / f"v{version}.json"
        path.write_bytes(_with_schema({"1": {"kind": "meeting", "version": version}}, items={"1": {"id": "a1"}}))
        assert open_db(path, kind="meeting").table("items").all() == [{"id": "a1"}]
    library = tmp_path / "library.json"
    library.write_bytes(json.dumps({"_schema": {"1": {"kind": "library", "version": 1}}}).encode())
    assert open_db(library, kind="library").tables() == set()
    assert json.loads(_good_bytes(tmp_path))["_schema"]["1"]["version"] == 2
    assert tinystore.schema_version("library") == 1


# -- reading: a device, a read error -----------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="making a device file needs root")
def test_a_device_in_place_of_the_file_is_damaged_and_left_alone(tmp_path):
    import stat

    path = tmp_path / "m.json"
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
    with pytest.raises(DamagedFileError) as caught:
        open_db(path, kind="meeting", backup_finder=lambda: None)
    assert "通常のファイルではありません" in caught.value.message
    assert stat.S_ISCHR(os.stat(path).st_mode)


def _refusal_of_a_read_that_fails(tmp_path, monkeypatch, error: OSError) -> str:
    """The message of the damaged-file error when reading the meeting file raises ``error``."""
    from storage import limits

    path = tmp_path / "m.json"
    path.write_bytes(_good_bytes(tmp_path))

    def failing_open(name):
        raise error

    monkeypatch.setattr(limits, "open_data_file", failing_open)
    with pytest.raises(DamagedFileError) as caught:
        open_db(path, kind="meeting")
    return caught.value.message


def test_a_read_error_is_a_damaged_file_that_says_why(tmp_path, monkeypatch):
    import errno

    message = _refusal_of_a_read_that_fails(tmp_path, monkeypatch, OSError(errno.EIO, "Input/output error"))
    assert "読み込みに失敗しました" in message


def test_a_refused_read_says_the_right_to_read_is_missing(tmp_path, monkeypatch):
    import errno

    message = _refusal_of_a_read_that_fails(tmp_path, monkeypatch, PermissionError(errno.EACCES, "Permission denied"))
    assert "読む権限がありません" in message
    assert "書き込む権限" not in message


# -- writes: when the file is written, and what memory holds after a failure ---------------------------------


def count_writes(monkeypatch) -> list[bytes]:
    writes: list[bytes] = []
    real = tinystore.atomic_write_bytes

    def write(path, data):
        writes.append(data)
        real(path, data)

    monkeypatch.setattr(tinystore, "atomic_write_bytes", write)
    return writes


def test_a_batch_without_changes_writes_nothing(tmp_path, monkeypatch, db_file):
    writes = count_writes(monkeypatch)
    new = open_db(tmp_path / "new.json", kind="meeting")
    with new.storage.batch():
        pass
    assert writes == [] and not (tmp_path / "new.json").exists()
    db = open_db(db_file, kind="meeting")
    with db.storage.batch():
        db.table("items").insert({"id": "a2"})
    with db.storage.batch():
        pass
    with pytest.raises(Boom):
        with db.storage.batch():
            db.table("items").insert({"id": "a3"})
            raise Boom("half way")
    with db.storage.batch():
        pass
    assert len(writes) == 1  # the first batch's, and no other


def test_batches_within_a_batch_write_once_at_the_end_of_the_outer_one(db_file, monkeypatch):
    writes = count_writes(monkeypatch)
    db = open_db(db_file, kind="meeting")
    with db.storage.batch():
        db.table("items").insert({"id": "a2"})
        with db.storage.batch():
            db.table("items").insert({"id": "a3"})
        with pytest.raises(Boom):
            with db.storage.batch():
                db.table("items").insert({"id": "a4"})
                raise Boom("inner")
        assert writes == []
        db.table("items").insert({"id": "a5"})
    assert len(writes) == 1
    assert [doc["id"] for doc in json.loads(writes[0])["items"].values()] == ["a1", "a2", "a3", "a4", "a5"]


def test_a_failed_first_write_of_a_new_file_leaves_memory_empty(tmp_path, monkeypatch):
    db = open_db(tmp_path / "new.json", kind="meeting")
    fail_at(monkeypatch, "fsynced")
    with pytest.raises(Boom):
        db.table("items").insert({"id": "a1"})
    monkeypatch.undo()
    assert db.tables() == set() and not (tmp_path / "new.json").exists()


def test_a_failed_write_after_the_first_leaves_memory_as_the_disk(tmp_path, monkeypatch):
    path = tmp_path / "new.json"
    db = open_db(path, kind="meeting")
    db.table("items").insert({"id": "a1"})  # the file is made here
    fail_at(monkeypatch, "fsynced")
    with pytest.raises(Boom):
        db.table("items").insert({"id": "a2"})
    monkeypatch.undo()
    assert [doc["id"] for doc in db.table("items").all()] == ["a1"]


def test_a_refused_write_to_a_read_only_file_leaves_memory_unchanged(db_file):
    db = open_db(db_file, kind="meeting", read_only=True)
    with pytest.raises(PermissionError):
        db.table("items").insert({"id": "x"})
    assert [doc["id"] for doc in db.table("items").all()] == ["a1"]
    with pytest.raises(PermissionError):
        db.storage.flush()


def test_a_failed_write_is_said_as_it_failed_even_when_the_file_cannot_be_read_back(db_file, monkeypatch):
    # The write fails, and the file cannot be read back either (damaged meanwhile, or its folder gone):
    # the caller hears of the failed write, and memory keeps what was there.
    db = open_db(db_file, kind="meeting")
    db_file.write_bytes(b"{broken")
    fail_at(monkeypatch, "fsynced")
    with pytest.raises(Boom):
        db.table("items").insert({"id": "a2"})
    monkeypatch.undo()
    folder = db_file.parent / "gone"
    db = open_db(_moved(db_file, folder), kind="meeting")
    import shutil

    shutil.rmtree(folder)  # the stick was pulled out
    with pytest.raises(WriteFailedError):
        db.table("items").insert({"id": "a3"})
    assert "a1" in [doc["id"] for doc in db.table("items").all()]  # kept, for the save after the stick is back


def _moved(path: Path, folder: Path) -> Path:
    folder.mkdir()
    target = folder / path.name
    target.write_bytes(_good_bytes(folder.parent))
    return target


@pytest.mark.parametrize("name", ["総務委員会", "総務委員会\ud800"])  # the second has no UTF-8 form: \u escapes
def test_the_layout_written_is_the_one_the_quick_committee_reader_reads(tmp_path, monkeypatch, name):
    # The minute-taking screen reads a library's committees without building its index: that quick
    # reader relies on the layout written here (two-space indent, each table at the start of a line).
    from storage import library as library_module

    path = tmp_path / "library.json"
    library = library_module.Library(path)
    library.set_committees([{"name": name}])
    library.close()

    def not_the_slow_way(*args, **kwargs):
        raise AssertionError("the whole library was built")

    monkeypatch.setattr(library_module, "Library", not_the_slow_way)
    assert library_module.committees_in_file(path) == [{"name": name}]


@pytest.mark.parametrize("raw", [b"", b"  \n"])
def test_an_empty_file_is_said_to_be_empty(tmp_path, raw):
    assert "空のファイルです" in _refusal(tmp_path, raw)


def test_a_first_write_that_fails_after_its_rename_leaves_memory_as_the_disk(tmp_path, monkeypatch):
    path = tmp_path / "new.json"
    db = open_db(path, kind="meeting")
    fail_at(monkeypatch, "replaced")  # the file is in place; the folder's fsync fails
    with pytest.raises(Boom):
        db.table("items").insert({"id": "a1"})
    monkeypatch.undo()
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert [doc["id"] for doc in db.table("items").all()] == [doc["id"] for doc in on_disk["items"].values()]
    db.table("people").insert({"name": "大川強"})  # the next write keeps what the disk holds
    assert [doc["id"] for doc in json.loads(path.read_text(encoding="utf-8"))["items"].values()] == ["a1"]


def test_memory_is_kept_when_a_file_read_back_once_is_gone_at_the_next_failure(tmp_path, monkeypatch):
    folder = tmp_path / "stick"
    folder.mkdir()
    db = open_db(folder / "new.json", kind="meeting")
    fail_at(monkeypatch, "replaced")
    with pytest.raises(Boom):
        db.table("items").insert({"id": "a1"})  # read back from the disk after this failure
    monkeypatch.undo()
    import shutil

    shutil.rmtree(folder)  # the stick is pulled out
    with pytest.raises(WriteFailedError):
        db.table("items").insert({"id": "a2"})
    assert "a1" in [doc["id"] for doc in db.table("items").all()]  # kept, for the save after the stick is back


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="links")
def test_a_file_planted_as_a_link_is_refused_as_a_link(tmp_path):
    from storage.errors import LinkRefusedError

    target = tmp_path / "elsewhere.json"
    target.write_bytes(_good_bytes(tmp_path))
    os.symlink(target, tmp_path / "m.json")
    with pytest.raises(LinkRefusedError):
        open_db(tmp_path / "m.json", kind="meeting")


def test_memory_is_kept_when_a_new_file_written_once_is_gone_at_the_next_failure(tmp_path):
    import shutil

    folder = tmp_path / "stick"
    folder.mkdir()
    db = open_db(folder / "new.json", kind="meeting")
    db.table("items").insert({"id": "a1"})  # the file is made
    shutil.rmtree(folder)  # the stick is pulled out
    with pytest.raises(WriteFailedError):
        db.table("items").insert({"id": "a2"})
    assert "a1" in [doc["id"] for doc in db.table("items").all()]
