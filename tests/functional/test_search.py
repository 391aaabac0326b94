"""Search across meetings through Pilot: type a word, see the hits, Enter opens the meeting at that entry."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual import events

from minutes.model import Speech
from screens.meeting import MeetingScreen
from screens.meeting_list import MeetingListScreen
from screens.search import SearchScreen, highlighted
from tests.functional.appkit import add_meeting, demo_dict, load, make_app, paste
from tests.unit.test_storage_search import build_library

SIZE = (120, 36)
RARE = "ズワイガニ"


@pytest.fixture
def meetings(root):
    """The demo (2022-03-15) and a later meeting whose third item has a speech with a rare word."""
    first = add_meeting(root, demo_dict())
    later = demo_dict()
    later.update(date="2023-04-20", fiscal_year=2023, session=1)
    later["agenda"][2]["log"].insert(1, {"speaker": {"label": "委員"}, "text": f"最初の段落。\\n{RARE}の漁獲量について質問します。"})
    later["agenda"][2]["log"][1]["text"] = f"最初の段落。\n{RARE}の漁獲量について質問します。"
    second = add_meeting(root, later)
    return first, second


async def wait_for_result(pilot, screen: SearchScreen, word: str, timeout: float = 10, settle: bool = True) -> None:
    """Wait until the screen shows the result for ``word`` (``settle``: then let the screen refresh)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if screen.result is not None and screen.result.word == word and not screen.searching:
            if settle:
                await pilot.pause()
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"no result for {word!r} within {timeout}s")


def status(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-status").render())


async def search_for(pilot, word: str) -> SearchScreen:
    """F7 on the start screen, then the word typed; the search screen once its result is shown."""
    await pilot.press("f7")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    assert pilot.app.focused is screen.word_input
    await paste(pilot, word)
    await wait_for_result(pilot, screen, word)
    return screen


async def test_type_a_word_and_open_the_meeting_at_that_speech(root, meetings):
    first, second = meetings
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await search_for(pilot, RARE)
        assert len(screen.hits) == 1
        (hit,) = screen.hits
        assert hit.meeting_id == second and hit.item_index == 2 and hit.speaker == "委員"
        assert hit.line == f"{RARE}の漁獲量について質問します。"
        assert "1件、1会議" in status(screen)

        # Shown: the meeting heading, then the hit: speaker and item, then the line with the word highlighted.
        heading = screen.results.get_option_at_index(0)
        assert heading.disabled and "令和5年4月20日" in heading.prompt.plain
        option = screen.results.get_option_at_index(1)
        assert "委員" in option.prompt.plain and "(3)" in option.prompt.plain
        assert f"{RARE}の漁獲量" in option.prompt.plain
        marked = [option.prompt.plain[span.start:span.end] for span in option.prompt.spans if span.style == "bold reverse"]
        assert marked == [RARE]

        # Enter in the input goes to the results; Enter there opens the meeting at the speech.
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is screen.results
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        meeting_screen = app.screen
        assert isinstance(meeting_screen, MeetingScreen)
        assert meeting_screen.meeting_id == second
        log = meeting_screen.log_view
        item, index = meeting_screen.meeting.find_entry(hit.entry_uid)
        assert log.cursor == (2, index) and item is meeting_screen.meeting.agenda[2]
        assert app.focused is log
        entry = meeting_screen.meeting.agenda[2].log[index]
        assert isinstance(entry, Speech) and RARE in entry.text
        # The selected entry is in view.
        rows = [i for i in range(log.row_count) if RARE in log.row_text(i)]
        assert rows and log.scroll_y <= rows[0] < log.scroll_y + log.size.height


async def test_titles_items_and_speeches_across_meetings_newest_first(root, meetings):
    first, second = meetings
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        screen = app.screen
        await paste(pilot, "個人情報")
        await wait_for_result(pilot, screen, "個人情報")
        kinds = {hit.kind for hit in screen.hits}
        assert kinds == {"meeting", "item", "speech"}
        ids = [hit.meeting_id for hit in screen.hits]
        assert ids.index(second) < ids.index(first)
        assert ids == sorted(ids, key=lambda i: i != second)
        assert f"{len(screen.hits)}件、2会議" in status(screen)


async def test_no_hits_typing_again_and_escape(root, meetings):
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        screen = app.screen
        await paste(pilot, "どこにもない言葉")
        await wait_for_result(pilot, screen, "どこにもない言葉")
        assert screen.hits == [] and screen.results.option_count == 0
        assert "を含む発言・議事・題名はありません" in status(screen)
        # Changing the word searches again (the old result is not shown for the new word).
        screen.word_input.value = RARE
        await wait_for_result(pilot, screen, RARE)
        assert len(screen.hits) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingListScreen)


async def test_full_width_and_case_variants_match(root, meetings):
    first, second = meetings
    data = demo_dict()
    data.update(date="2024-01-10", fiscal_year=2023)
    data["agenda"][0]["log"][0]["text"] = "ＩＣＴの活用とｼｽﾃﾑについて。"
    third = add_meeting(root, data)
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        screen = app.screen
        await paste(pilot, "ict")
        await wait_for_result(pilot, screen, "ict")
        assert [hit.meeting_id for hit in screen.hits] == [third]
        assert screen.hits[0].line[slice(*screen.hits[0].spans[0])] == "ＩＣＴ"
        screen.word_input.value = "システム"
        await wait_for_result(pilot, screen, "システム")
        assert third in {hit.meeting_id for hit in screen.hits}


async def test_a_new_speech_is_found_after_it_was_saved(root, meetings):
    first, second = meetings
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        screen = app.screen
        await paste(pilot, "新しい言葉")
        await wait_for_result(pilot, screen, "新しい言葉")
        assert screen.hits == []
        datadir = app.datadir
        store = datadir.open_meeting(first)
        store.meeting.agenda[0].log.append(Speech(text="新しい言葉の発言です。", label="委員"))
        store.save_item(store.meeting.agenda[0])
        store.close()
        screen.search_now()
        await wait_for_result(pilot, screen, "新しい言葉")
        assert [hit.meeting_id for hit in screen.hits] == [first]
        assert load(root, first).agenda[0].log[-1].text == "新しい言葉の発言です。"


def test_highlight_is_content_not_markup():
    content = highlighted("[b]太字[/b]と\x1b[31m個人情報", ((len("[b]太字[/b]と\x1b[31m"), len("[b]太字[/b]と\x1b[31m個人情報")),))
    assert content.plain == "[b]太字[/b]と\\x1b[31m個人情報"
    assert [content.plain[s.start:s.end] for s in content.spans] == ["個人情報"]


async def test_search_over_a_thousand_meetings_in_the_screen(tmp_path, capsys):
    root = tmp_path / "data"
    ids = build_library(root, 1000, plant={123: f"ここに{RARE}の話があります。"})
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        started = time.perf_counter()
        app.post_message(events.Key("f7", None))
        while not (isinstance(app.screen, SearchScreen) and app.screen.warmed):
            await asyncio.sleep(0.005)
        warmed = time.perf_counter() - started
        screen = app.screen

        async def timed(word: str) -> float:
            screen.word_input.value = word
            await pilot.pause()  # the input's change is handled (it starts the typing pause)
            begun = time.perf_counter()
            screen.search_now()  # what the end of the typing pause does
            await wait_for_result(pilot, screen, word, settle=False)
            return time.perf_counter() - begun

        rare = await timed(RARE)
        assert [hit.meeting_id for hit in screen.hits] == [ids[123]]
        common = await timed("個人情報")
        await pilot.pause()
        assert len(screen.hits) == 500 and screen.result.truncated
        assert "最初の500件" in status(screen)
    with capsys.disabled():
        print(
            f"\n[search screen, 1,000 meetings] reading them in the background {warmed * 1000:.0f} ms; "
            f"then a rare word listed {rare * 1000:.0f} ms, a common word (500 hits listed) {common * 1000:.0f} ms"
        )


async def test_a_hit_on_an_items_title_opens_the_meeting_at_that_item(root, meetings):
    first, second = meetings
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await search_for(pilot, "公共施設予約")
        hit = next(h for h in screen.hits if h.kind == "item" and h.meeting_id == first)
        assert hit.item_index == 1  # (2) 地域センター等貸出し業務への公共施設予約システム導入…
        # Choose it in the results, as the clerk does.
        index = next(i for i in range(screen.results.option_count)
                     if screen.results.get_option_at_index(i).id == f"hit-{screen.hits.index(hit)}")
        screen.results.focus()
        screen.results.highlighted = index
        await pilot.press("enter")
        for _ in range(5):
            await pilot.pause()
        meeting_screen = app.screen
        assert isinstance(meeting_screen, MeetingScreen) and meeting_screen.meeting_id == first
        # The item is current (new entries go there), and its heading is at the top of the log.
        assert meeting_screen.current_index == 1
        log = meeting_screen.log_view
        top = round(log.scroll_y)
        shown = [log.row_text(row) for row in range(top, top + log.size.height)]
        assert [text for text in shown if text.strip()][0].startswith("(2)")
