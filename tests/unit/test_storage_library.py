"""The index of the data folder (storage/library.py): which rows it holds and in what order, what a damaged
row gives, and the committees and settings beside it."""

from __future__ import annotations

import json

import pytest

from storage.errors import DamagedFileError
from storage.library import Library, check_row


def row(meeting_id="20220315-aaaa", date="2022-03-15", created="2026-01-01T12:00:00+09:00", **changes):
    base = {
        "id": meeting_id, "date": date, "title": "第3回審議会会議録", "body": "審議会", "status": "draft",
        "entry_count": 42, "created": created, "updated": created, "file": f"meetings/{meeting_id}.json",
    }
    base.update(changes)
    return base


@pytest.fixture
def library(tmp_path):
    library = Library(tmp_path / "library.json")
    yield library
    library.close()


def test_rows_are_listed_newest_date_first_then_newest_made_then_by_id(library, tmp_path):
    rows = [
        row("20210101-aaaa", "2021-01-01"),
        row("20220315-bbbb", "2022-03-15", "2026-01-01T10:00:00+09:00"),
        row("20220315-cccc", "2022-03-15", "2026-01-01T11:00:00+09:00"),
        row("20220315-aaaa", "2022-03-15", "2026-01-01T11:00:00+09:00"),
    ]
    for each in rows:
        library.add_row(each)
    expected = ["20220315-cccc", "20220315-aaaa", "20220315-bbbb", "20210101-aaaa"]
    assert [r["id"] for r in library.list_meetings()] == expected
    reread = Library(tmp_path / "library.json", read_only=True)
    assert [r["id"] for r in reread.list_meetings()] == expected  # from the file too
    assert reread.get_row("20220315-bbbb") == rows[1]


def test_a_row_is_kept_as_checked_and_handed_out_as_a_copy(library):
    library.add_row({**row(), "extra": "not kept"})
    got = library.get_row("20220315-aaaa")
    assert got == row()
    got["title"] = "changed by a caller"
    library.list_meetings()[0]["title"] = "changed by a caller"
    assert library.get_row("20220315-aaaa")["title"] == "第3回審議会会議録"
    assert library.get_row("20990101-zzzz") is None


def test_a_meeting_is_indexed_once_and_updated_in_place(library, tmp_path):
    library.add_row(row())
    with pytest.raises(ValueError):
        library.add_row(row(title="二度目"))
    library.update_row(row(title="新しい題", entry_count=43))
    library.update_row(row("20220401-bbbb", "2022-04-01"))  # an update of a row not there adds it
    reread = Library(tmp_path / "library.json", read_only=True)
    assert [(r["id"], r["title"], r["entry_count"]) for r in reread.list_meetings()] == [
        ("20220401-bbbb", "第3回審議会会議録", 42), ("20220315-aaaa", "新しい題", 43)]
    library.remove_row("20220315-aaaa")
    library.remove_row("20220315-aaaa")  # a missing one is fine
    assert [r["id"] for r in Library(tmp_path / "library.json", read_only=True).list_meetings()] == ["20220401-bbbb"]


def test_an_update_is_checked_like_an_addition_and_changes_nothing_when_wrong(library, tmp_path):
    library.add_row(row())
    before = (tmp_path / "library.json").read_bytes()
    with pytest.raises(ValueError, match="「entry_count」が正しくありません"):
        library.update_row(row(entry_count="43"))
    assert (tmp_path / "library.json").read_bytes() == before
    assert library.get_row("20220315-aaaa") == row()
    library.update_row({**row(title="新しい題"), "extra": "not kept"})
    assert Library(tmp_path / "library.json", read_only=True).get_row("20220315-aaaa") == row(title="新しい題")


def test_a_library_opened_for_reading_refuses_to_write(library, tmp_path):
    library.add_row(row())
    before = (tmp_path / "library.json").read_bytes()
    reader = Library(tmp_path / "library.json", read_only=True)
    for write in (lambda: reader.add_row(row("20220401-bbbb")), lambda: reader.set_settings({"a": 1}),
                  lambda: reader.remove_row("20220315-aaaa")):
        with pytest.raises(PermissionError):
            write()
    assert (tmp_path / "library.json").read_bytes() == before


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"entry_count": True}, "「entry_count」が正しくありません: True"),
        ({"entry_count": "42"}, "「entry_count」が正しくありません: '42'"),
        ({"date": None}, "「date」が正しくありません: None"),
        ({"title": 3}, "「title」が正しくありません: 3"),
    ],
)
def test_a_wrong_row_is_refused_naming_the_field(change, said):
    with pytest.raises(ValueError) as caught:
        check_row(row(**change))
    assert str(caught.value) == f"会議一覧の行の{said}"


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({"1": {**row(), "entry_count": True}}, "会議一覧の行の「entry_count」が正しくありません: True"),
        ({"1": {**row(), "id": None}}, "会議一覧の行の「id」が正しくありません: None"),
        ({"1": ["not", "a", "row"]}, "表「meetings」の形が正しくありません"),
    ],
)
def test_a_library_file_with_a_wrong_row_is_damaged_and_names_the_file(tmp_path, document, said):
    path = tmp_path / "library.json"
    path.write_text(json.dumps({"_schema": {"1": {"kind": "library", "version": 1}}, "meetings": document}),
                    encoding="utf-8")
    with pytest.raises(DamagedFileError) as caught:
        Library(path, read_only=True)
    assert caught.value.message.startswith(f"ファイル「{path}」を読めません({said})")
    assert path.read_text(encoding="utf-8").startswith('{"_schema"')  # left as it was


def test_settings_and_committees_are_kept_beside_the_index(library, tmp_path):
    assert library.settings() == {} and library.committees() == []
    library.set_settings({"named": True})
    library.set_settings({"width": 80})  # replaced, not merged
    library.set_committees([{"name": "一"}, {"name": "二"}])
    library.set_committees([{"name": "三"}])
    library.set_committees([])
    library.set_committees([{"name": "四"}, {"name": "五"}])
    reread = Library(tmp_path / "library.json", read_only=True)
    assert reread.settings() == {"width": 80}
    assert reread.committees() == [{"name": "四"}, {"name": "五"}]
