"""Keys a clerk can remap: the ``[keys]`` table of ``<data folder>/keys.toml``.

::

    [keys]
    "speaker.member" = "f11"        # 委員 on F11 instead of F3
    "phrases" = "ctrl+t"            # 定型文 on ctrl+t only (F10 is an IME key on Windows)
    "vote.start" = "f12,ctrl+e"     # several keys, separated by commas

Each name is the ``id`` a binding of the app or the meeting screen carries
(README: キーの割り当て). The table becomes Textual's keymap
(``App.set_keymap``), so the key bar, F1 and the command palette show the new
keys. Anything that cannot be used (a file that is not TOML, an unknown name,
a key Textual has no name for, a key that would type a character or take
Enter, two names on one key) is left out with a message in Japanese, and
those bindings keep their default keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys, key_to_character

#: What a key may start with, joined by ``+``.
MODIFIERS = ("ctrl", "alt", "shift", "super", "meta", "hyper")

#: Keys the entry bar itself uses while the clerk types: a binding there would take them away.
RESERVED = {"enter": "発言の確定", "ctrl+m": "発言の確定", "ctrl+j": "改段落"}

#: Every key name Textual knows without modifiers: f1–f24, up, home, escape, space, question_mark …
_NAMED = (
    {key.value.rpartition("+")[2] for key in Keys}
    | set(KEY_TO_UNICODE_NAME)
    | set(KEY_NAME_REPLACEMENTS.values())
    | {"space", "tab", "enter", "escape", "backspace", "delete", "insert"}
)

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")

#: The message after every problem: what happens, and what to do.
_KEPT = "その行は使わず、既定のキーのままにします。"


def known_bindings(*binding_lists: Iterable[object]) -> dict[str, Binding]:
    """The bindings a keys.toml may name, by id (from ``BINDINGS`` lists; the first one of an id wins)."""
    found: dict[str, Binding] = {}
    for bindings in binding_lists:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id and binding.id not in found:
                found[binding.id] = binding
    return found


def key_problem(key: str) -> str | None:
    """Why ``key`` (one key, such as ``ctrl+e``) cannot be bound, or ``None`` when it can."""
    if not key:
        return "キーが空です"
    *modifiers, base = key.split("+")
    unknown = [modifier for modifier in modifiers if modifier not in MODIFIERS]
    if unknown or not base:
        return f"「{key}」の修飾キーが分かりません(ctrl、alt、shift が使えます)"
    if len(base) != 1 and base not in _NAMED:
        return f"「{key}」というキーはありません(f1〜f24、ctrl+e、alt+x、insert、pageup のように書きます)"
    if key in RESERVED:
        return f"「{key}」は入力欄の「{RESERVED[key]}」のキーなので使えません"
    character = base if len(base) == 1 else key_to_character(base)
    if not (set(modifiers) - {"shift"}) and character is not None and character.isprintable():
        return f"「{key}」は文字を打つキーです(IME の入力と重なります)。F キーか、ctrl・alt との組み合わせにしてください"
    return None


def _toml_problem(error: ValueError) -> str:
    where = _WHERE.search(str(error))
    place = f"{where.group(1)}行目 {where.group(2)}文字目あたり" if where else "どこか"
    return (
        f"keys.toml の{place}が TOML の書き方になっていません"
        f"(例: \"speaker.member\" = \"f11\")。ファイルを直すまで、すべて既定のキーのままにします。"
    )


def parse_keys(
    text: str, bindings: Mapping[str, Binding], elsewhere: Iterable[Binding] = ()
) -> tuple[dict[str, str], list[str]]:
    """(the keymap to apply, the problems in Japanese) from the text of keys.toml.

    ``bindings``: what the file may name, by id; an id starting ``app.`` works on
    every screen, so it must not take a key of ``elsewhere`` (the other screens' bindings) either.
    """
    import tomllib  # only when there is a keys.toml: nothing more to import at start

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return {}, [_toml_problem(error)]
    problems: list[str] = []
    for name in document:
        if name != "keys":
            problems.append(f"keys.toml の「{name}」は読みません。割り当ては [keys] の表に書いてください。")
    table = document.get("keys", {})
    if not isinstance(table, dict):
        return {}, problems + ["keys.toml の keys は [keys] という表にしてください。すべて既定のキーのままにします。"]
    keymap: dict[str, str] = {}
    for binding_id, value in table.items():
        if binding_id not in bindings:
            problems.append(
                f"keys.toml: 「{binding_id}」という名前のキーはありません(名前の一覧は README の「キーの割り当て」)。{_KEPT}"
            )
            continue
        if not isinstance(value, str):
            problems.append(f"keys.toml: 「{binding_id}」のキーは \"f11\" のように文字列で書いてください。{_KEPT}")
            continue
        keys = [key.strip().lower() for key in value.split(",")]
        wrong = [problem for problem in map(key_problem, keys) if problem]
        if wrong:
            problems.append(f"keys.toml: 「{binding_id}」: {wrong[0]}。{_KEPT}")
            continue
        keymap[binding_id] = ",".join(keys)
    return _without_clashes(keymap, bindings, list(elsewhere), problems), problems


def _without_clashes(
    keymap: dict[str, str], bindings: Mapping[str, Binding], elsewhere: list[Binding], problems: list[str]
) -> dict[str, str]:
    """Leave out every remapping whose key another binding already has (after the remapping)."""
    keymap = dict(keymap)
    while True:
        holders: dict[str, list[tuple[str | None, Binding]]] = {}
        for binding_id, binding in bindings.items():
            for key in keymap.get(binding_id, binding.key).split(","):
                holders.setdefault(key.strip(), []).append((binding_id, binding))
        for binding in elsewhere:
            for key in binding.key.split(","):
                holders.setdefault(key.strip(), []).append((None, binding))
        clashing: dict[str, tuple[str, list[tuple[str | None, Binding]]]] = {}
        for key, found in holders.items():
            for binding_id, _ in found:
                if binding_id not in keymap or binding_id in clashing:
                    continue
                others = [
                    (other_id, other)
                    for other_id, other in found
                    if other_id != binding_id and (other_id is not None or binding_id.startswith("app."))
                ]
                if others:
                    clashing[binding_id] = (key, others)
        if not clashing:
            return keymap
        for binding_id, (key, others) in clashing.items():
            names = "、".join(
                f"「{other.description}」({other_id})" if other_id else f"ほかの画面の「{other.description}」"
                for other_id, other in others
            )
            problems.append(f"keys.toml: 「{binding_id}」の「{key}」は {names} と重なります。{_KEPT}")
            del keymap[binding_id]


def bound_keys(app: object, binding: Binding) -> str:
    """The keys ``binding`` has now: the clerk's from keys.toml, else its own (``f10,ctrl+t``)."""
    remapped: Mapping[str, str] = getattr(app, "keys_remapped", {})
    return remapped.get(binding.id or "", binding.key)
