"""The agenda pane (議事) breaks a long item as the exports do: kinsoku kept, continuation under the title."""

from __future__ import annotations

import pytest

from minutes.kinsoku import NO_LINE_END, NO_LINE_START
from tests.functional.appkit import add_meeting, demo_dict, make_app
from tui.widgets.agenda import AgendaPane
from tui.widgets.cells import TERMINAL


def _long_item_meeting() -> dict:
    data = demo_dict()
    # A title whose natural break at a narrow pane falls just after "(": the list's own wrap ended a line there.
    data["agenda"][0]["title"] = "小平市一般廃棄物処理基本計画策定に係る市民アンケート調査における個人情報の本人以外からの収集(報告)"
    return data


@pytest.fixture
def long_item_id(root):
    return add_meeting(root, _long_item_meeting())


def _prompt_lines(pane: AgendaPane) -> list[list[str]]:
    return [pane.get_option_at_index(i).prompt.plain.split("\n") for i in range(pane.option_count)]


async def test_a_long_item_keeps_kinsoku_and_hangs_under_its_title(root, long_item_id):
    app = make_app(root, long_item_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(AgendaPane)
        width = pane._text_width()
        assert width is not None and width < 40  # narrow enough that the first item wraps
        prompts = _prompt_lines(pane)
        first = prompts[0]
        assert len(first) > 2
        indent = " " * TERMINAL("▸(1)")
        for number, lines in enumerate(prompts, start=1):
            for line in lines:
                assert TERMINAL(line) <= width
                assert line.rstrip()[-1:] not in NO_LINE_END, line
            for line in lines[1:]:
                assert line.startswith(" " * TERMINAL(f" ({number})")), line
                assert line.strip()[:1] not in NO_LINE_START, line
        assert first[0][1:].startswith("(1)小平市")  # after the current-item mark or its space
        assert first[1].startswith(indent) and not first[1].startswith(indent + " ")
        assert first[-1].endswith(f"{len(app.screen.meeting.agenda[0].log)}件")
        # The list draws the lines as given: it does not wrap them again.
        assert pane.virtual_size.height == sum(len(lines) for lines in prompts)


async def test_the_agenda_is_broken_again_for_a_new_width(root, long_item_id):
    app = make_app(root, long_item_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(AgendaPane)
        narrow = len(_prompt_lines(pane)[0])
        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        await pilot.pause()
        wide_width = pane._text_width()
        lines = _prompt_lines(pane)[0]
        assert len(lines) < narrow
        assert all(TERMINAL(line) <= wide_width for line in lines)
