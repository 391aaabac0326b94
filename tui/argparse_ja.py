"""Japanese messages for :mod:`argparse`.

argparse looks its messages up through the module-level ``_`` and ``ngettext``
functions at the time it formats them; replacing both gives usage errors and
help in Japanese without copying argparse.
"""

from __future__ import annotations

import argparse

_MESSAGES = {
    "usage: ": "使い方: ",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
    "positional arguments": "引数",
    "options": "オプション",
    "show this help message and exit": "この説明を表示して終了します",
    "unrecognized arguments: %s": "知らない引数があります: %s",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "one of the arguments %s is required": "引数 %s のどれかが必要です",
    "expected one argument": "値を1つ指定してください",
    "expected at most one argument": "値は1つまでです",
    "expected at least one argument": "値を1つ以上指定してください",
    "ambiguous option: %(option)s could match %(matches)s": (
        "オプション %(option)s があいまいです(候補: %(matches)s)"
    ),
    "invalid %(type)s value: %(value)r": "値 %(value)r は使えません(%(type)s)",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "%(value)r は選べません(%(choices)s から選んでください)"
    ),
    "not allowed with argument %s": "引数 %s と一緒には使えません",
    "ignored explicit argument %r": "値 %r は使えません",
    "unexpected option string: %s": "思いがけないオプション: %s",
    "%(prog)s: error: %(message)s\n": (
        "%(prog)s: 使い方が正しくありません: %(message)s\n"
        "「%(prog)s --help」で使い方を確認してください。\n"
    ),
    "show program's version number and exit": "版を表示して終了します",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "知らないコマンド %(parser_name)r です(使えるコマンド: %(choices)s)"
    ),
}


def _ja(message: str) -> str:
    return _MESSAGES.get(message, message)


def _ja_n(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "値を%s個指定してください"
    return _ja(singular if n == 1 else plural)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, without the commands' metavar on a line of its own under the heading
    (``コマンド:`` then ``  コマンド``: the same word twice)."""

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(sub) for sub in action._get_subactions())
        return super()._format_action(action)


def install() -> None:
    """Make argparse speak Japanese from now on in this process."""
    argparse._ = _ja  # type: ignore[attr-defined]
    argparse.ngettext = _ja_n  # type: ignore[attr-defined]
