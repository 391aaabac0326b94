"""Snapshots of the start screen, the search and the trash (pytest-textual-snapshot).

The data is fixed: meetings of different dates (the list's order does not
depend on their random ids, which are never shown), the frozen clock of the
tests (the deletion time in the trash). Update after a deliberate change of
the look with ``pytest --snapshot-update`` and look at the report first.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.functional.appkit import add_meeting, demo_dict, make_app, paste


@pytest.fixture
def library(tmp_path):
    root = tmp_path / "data"
    add_meeting(root, demo_dict())  # 2022-03-15, draft
    final = demo_dict()
    final.update(date="2023-04-20", fiscal_year=2023, session=1, serial=55, status="final")
    add_meeting(root, final)
    planning = demo_dict()
    planning.update(date="2019-05-10", fiscal_year=2019, session=1, body="小平市都市計画審議会")
    del planning["serial"]
    for item in planning["agenda"]:
        item["log"] = item["log"][:3]
    add_meeting(root, planning)
    markup = demo_dict()
    markup.update(date="2020-11-02", fiscal_year=2020, session=2, title="[b]角括弧[/b]のある題名")
    add_meeting(root, markup)
    return root


@pytest.mark.parametrize("size", [(100, 24), (140, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_start_screen(snap_compare, library, size):
    assert snap_compare(make_app(library), terminal_size=size)


def test_start_screen_filtered_by_year(snap_compare, library):
    async def choose_year(pilot):
        await pilot.press("f4")
        await paste(pilot, "令和5年度")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(library), terminal_size=(120, 24), run_before=choose_year)


def test_search_results(snap_compare, library):
    async def search(pilot):
        await pilot.press("f7")
        await paste(pilot, "アンケート")
        screen = pilot.app.screen
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (screen.result is None or screen.searching):
            await asyncio.sleep(0.02)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(library), terminal_size=(120, 30), run_before=search)


def test_trash(snap_compare, library):
    async def delete_one(pilot):
        await pilot.press("down", "delete", "enter")
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(library), terminal_size=(120, 20), run_before=delete_one)
