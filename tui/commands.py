"""The command palette (ctrl+p): its providers (every action of the screen under its Japanese name), and the palette itself in Japanese."""

from __future__ import annotations

from functools import partial

from rich.align import Align
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from tui.keymap import bound_keys

#: What the palette says when nothing matches the words typed (Textual: "No matches found").
NO_MATCHES = "一致するコマンドはありません"


class Palette(CommandPalette):
    """Textual's command palette, with the one sentence it shows in English said in Japanese."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own method (textual 8), its sentence replaced: the text is inside it.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False  # nothing typed: nothing to say

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)

#: Extra commands that have no key of their own, per action name.
EXTRA_COMMANDS = {
    "set_start": "開会の時刻を今にする",
    "set_end": "閉会の時刻を今にする",
    "append_paragraph": "入力中の文章を前の発言の新しい段落として追記",
    "undo": "元に戻す(発言・採決)",
    "redo": "やり直す(発言・採決)",
}


def screen_commands(screen) -> list[tuple[str, str, str]]:
    """(name, help, action) for each binding of the screen that has a description."""
    commands: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for binding in getattr(screen, "BINDINGS", []):
        if not isinstance(binding, Binding) or not binding.description:
            continue
        action = binding.action
        if action in seen:
            continue
        seen.add(action)
        name = binding.description
        base = action.split("(")[0]
        if base == "speaker_key":
            name = f"発言者: {_speaker_key_name(screen, binding)}"
        name = EXTRA_COMMANDS.get(base, name)
        keys = bound_keys(screen.app, binding).replace(",", " / ")
        commands.append((name, f"キー: {keys}", action))
    return commands


def _speaker_key_name(screen, binding: Binding) -> str:
    """Who a speaker key sets: F2–F5 say it in their description; F6–F9 are the committee's."""
    if not binding.description.startswith("F") or not hasattr(screen, "speaker_key_label"):
        return binding.description
    from screens.meeting import speaker_key_number

    who = screen.speaker_key_label(speaker_key_number(binding.action))
    if who is None:
        return f"{binding.description}(割り当てなし: 会議体の設定で決めます)"
    return f"{who}({binding.description})"


class ScreenCommands(Provider):
    """Offers the active screen's actions in the palette."""

    async def discover(self) -> Hits:
        screen = self.screen
        for name, help_text, action in screen_commands(screen):
            yield DiscoveryHit(name, partial(screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        screen = self.screen
        for name, help_text, action in screen_commands(screen):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(screen.run_action, action), help=help_text)
