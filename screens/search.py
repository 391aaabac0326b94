"""Search across meetings (F7 on the start screen).

Type a word (the IME works in the input as anywhere): every speech, agenda
item and meeting title that holds it is listed, newest meeting first, with the
meeting's date and title, the item, the speaker and the paragraph with the
word highlighted. Enter on a result opens the meeting with that entry
selected in its log.

The search runs in a thread (``DataDir.search``), a moment after the typing
stops, so the input never waits for it; a result that arrives after the word
changed is dropped. The data folder's meetings are read into the search's
cache when the screen opens (the first search of a session reads every
meeting file, later ones only the files that changed).

Keys: Enter (in the input) to the results, ↑↓ choose, Enter open, F7 back
to the input, Esc back to the list.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from minutes.naming import era_date
from minutes.safe_text import visible
from storage.errors import StorageError, user_message
from storage.search import KIND_ITEM, KIND_MEETING_TITLE, SearchHit, SearchResult
from tui.widgets.key_bar import KeyBar
from tui.widgets.list_table import cut

#: Seconds of quiet typing before the search runs.
SEARCH_DELAY = 0.3
#: Most results shown.
LIMIT = 500
#: Seconds the background reading of the meetings rests after each file (0: the interpreter
#: switches threads often enough that typing stays quick; measured 3–15 ms a key while it reads).
WARM_PAUSE = 0.0


def highlighted(text: str, spans: tuple[tuple[int, int], ...], width: int | None = None) -> Content:
    """``text`` made safe to show, with the ``spans`` highlighted, cut to ``width`` cells."""
    parts: list[Content | tuple[str, str]] = []
    position = 0
    used = 0
    for start, end in [*spans, (len(text), len(text))]:
        if start < position:
            continue
        for piece, style in ((visible(text[position:start]), ""), (visible(text[start:end]), "bold reverse")):
            if not piece:
                continue
            if width is not None:
                room = width - used
                if room <= 0:
                    break
                if cell_len(piece) > room:
                    piece = cut(piece, room)
            used += cell_len(piece)
            parts.append((piece, style) if style else Content(piece))
        position = end
    return Content.assemble(*parts)


def meeting_prompt(hit: SearchHit, width: int) -> Content:
    """The heading of a meeting's hits: its date and title."""
    date = era_date(hit.date)
    title = cut(visible(hit.meeting_title), max(width - cell_len(date) - 2, 8))
    return Content.assemble((date, "bold"), "  ", (title, "bold"))


def hit_prompt(hit: SearchHit, width: int) -> Content:
    """Two lines: the speaker and the item, then the paragraph with the word highlighted."""
    if hit.kind == KIND_MEETING_TITLE:
        first = Content.assemble(("  題名", "bold"))
    else:
        who = "  議事名" if hit.kind == KIND_ITEM else "  " + visible(hit.speaker or "")
        number = f"  ({(hit.item_index or 0) + 1}) "
        room = max(width - cell_len(who) - cell_len(number), 8)
        first = Content.assemble(
            (who, "bold"), (number, "dim"), (cut(visible(hit.item_title or ""), room), "dim")
        )
    second = Content.assemble("    ", highlighted(hit.snippet, hit.snippet_spans, max(width - 4, 8)))
    return Content.assemble(first, "\n", second)


class SearchResults(OptionList):
    """The results (one option per hit)."""

    DEFAULT_CSS = """
    SearchResults {
        height: 1fr;
    }
    """


class SearchScreen(Screen):
    """Type a word, see every speech and title that holds it, Enter opens the meeting there."""

    BINDINGS = [
        Binding("escape", "back", "一覧へ戻る"),
        Binding("f7", "focus_input", "検索語へ"),
        Binding("down", "to_results", "結果へ", show=False),
    ]

    DEFAULT_CSS = """
    SearchScreen #search-title {
        height: 1;
        background: $panel;
    }
    SearchScreen #search-status {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, word: str = "") -> None:
        super().__init__()
        self.initial_word = word
        self.hits: list[SearchHit] = []
        self.result: SearchResult | None = None
        self._timer = None
        self._generation = 0
        self.searching = False
        self._jump_when_done = False
        self._width = 0
        self.warmed = False
        """True once every meeting has been read into the search's cache (the first search is fast then)."""

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(" 会議録 kaigiroku ─ すべての会議から検索", "bold"), id="search-title")
        yield Input(value=self.initial_word, placeholder="探す言葉(発言・議事・題名から。例: 個人情報)", id="search-word")
        yield Static("", id="search-status")
        yield SearchResults(id="search-results")
        yield KeyBar()

    @property
    def word_input(self) -> Input:
        """The input of the word."""
        return self.query_one("#search-word", Input)

    @property
    def results(self) -> SearchResults:
        """The list of results."""
        return self.query_one(SearchResults)

    def on_mount(self) -> None:
        self.word_input.focus()
        self._set_status("探す言葉を入力してください。Enter で結果へ、結果の上で Enter でその発言を開きます。")
        if self.initial_word.strip():
            self.search_now()
        else:
            self._warm()

    def _set_status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(Content(text))

    # -- searching ---------------------------------------------------------------
    @work(thread=True, group="search-warm", exit_on_error=False)
    def _warm(self) -> None:
        try:
            self.app.datadir.warm_search(pause=WARM_PAUSE)
        except (StorageError, OSError):
            pass  # the search itself will say what is wrong
        self.app.call_from_thread(self._set_warmed)

    def _set_warmed(self) -> None:
        self.warmed = True

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._generation += 1
        self._timer = self.set_timer(SEARCH_DELAY, self.search_now)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        current = self.result is not None and self.result.word == self.word_input.value
        if current and not self.searching:
            self.action_to_results()
            return
        self._jump_when_done = True
        self.search_now()

    def search_now(self) -> None:
        """Search for the word in the input now (in a thread)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        word = self.word_input.value
        self._generation += 1
        if not word.strip():
            self._show(SearchResult(word=word), self._generation)
            return
        self.searching = True
        self._set_status(f"「{visible(word)}」を検索しています…")
        self._search(word, self._generation)

    @work(thread=True, group="search", exclusive=True, exit_on_error=False)
    def _search(self, word: str, generation: int) -> None:
        try:
            result = self.app.datadir.search(word, LIMIT)
        except (StorageError, OSError) as error:
            message = user_message(error)
            self.app.call_from_thread(self._failed, message, generation)
            return
        self.app.call_from_thread(self._show, result, generation)

    def _failed(self, message: str, generation: int) -> None:
        if generation != self._generation:
            return
        self.searching = False
        self._set_status("検索できませんでした。")
        self.notify(message, title="検索できません", severity="error", timeout=20)

    def _show(self, result: SearchResult, generation: int) -> None:
        """Show a result (unless the word changed since it was asked for)."""
        if generation != self._generation or not self.is_mounted:
            return
        self.searching = False
        self.result = result
        self.hits = list(result.hits)
        self._fill_results()
        word = visible(result.word.strip())
        if not word:
            status = "探す言葉を入力してください。"
        elif not self.hits:
            status = f"「{word}」を含む発言・議事・題名はありません({result.meetings}件の会議を検索)。"
        else:
            meetings = len({hit.meeting_id for hit in self.hits})
            more = f"(多いため最初の{len(self.hits)}件を表示。言葉を足して絞り込んでください)" if result.truncated else ""
            status = (
                f"「{word}」: {len(self.hits)}件、{meetings}会議{more}"
                f"  ({result.meetings}件の会議を検索)  ↓で結果へ、Enter で開く"
            )
        if result.skipped:
            status += f"  読めない会議{len(result.skipped)}件は除きました"
            first_id, reason = result.skipped[0]
            self.notify(reason, title=f"会議「{first_id}」を検索できませんでした", severity="warning", timeout=12)
        self._set_status(status)
        if self._jump_when_done:
            self._jump_when_done = False
            self.action_to_results()

    def _fill_results(self, keep: int = 0) -> None:
        """List the hits, under a heading for each meeting (the highlight on hit ``keep``)."""
        results = self.results
        width = max(results.scrollable_content_region.width - 3, 40)  # less the padding of an option
        self._width = width
        options: list[Option] = []
        previous = None
        target = None
        for index, hit in enumerate(self.hits):
            if hit.meeting_id != previous:
                options.append(Option(meeting_prompt(hit, width), disabled=True))
                previous = hit.meeting_id
            if index == keep:
                target = len(options)
            options.append(Option(hit_prompt(hit, width), id=f"hit-{index}"))
        results.clear_options()
        results.add_options(options)
        if target is not None:
            results.highlighted = target

    def on_resize(self) -> None:
        if self.hits and self._width != max(self.results.scrollable_content_region.width - 3, 40):
            self._fill_results(self.selected_index() or 0)

    def selected_index(self) -> int | None:
        """The index (in :attr:`hits`) of the highlighted hit, or ``None``."""
        results = self.results
        if results.highlighted is None:
            return None
        option = results.get_option_at_index(results.highlighted)
        if option.id is None or not option.id.startswith("hit-"):
            return None
        return int(option.id[4:])

    # -- keys ---------------------------------------------------------------------------
    def action_to_results(self) -> None:
        """Move to the results."""
        if self.hits:
            self.results.focus()
            if self.selected_index() is None:
                self._fill_results(0)

    def action_focus_input(self) -> None:
        """Back to the word."""
        self.word_input.focus()

    def action_back(self) -> None:
        """Back to the list of meetings."""
        self.dismiss(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        if option_id is None or not option_id.startswith("hit-"):
            return
        self.open_hit(self.hits[int(option_id[4:])])

    def open_hit(self, hit: SearchHit) -> None:
        """Open the hit's meeting, with its entry selected (or its item current, for an item's title)."""
        item_index = hit.item_index if hit.kind == KIND_ITEM else None
        self.app.open_meeting(hit.meeting_id, entry_uid=hit.entry_uid, item_index=item_index)
