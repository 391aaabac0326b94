"""Copying the exported minutes: pyperclip, else the terminal (OSC 52), else a file.

pyperclip needs a clipboard program (xclip, xsel, wl-copy on Linux; the
system's own on Windows and macOS). Where it has none, the terminal may still
take the text through an OSC 52 escape sequence (Textual's
``copy_to_clipboard``); a Linux console (TERM=linux) and a headless app cannot.
Where neither works, the text is saved to a file and the clerk is told where.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Terminals known not to understand OSC 52.
NO_OSC52_TERMS = ("linux", "dumb", "vt100", "vt220")


@dataclass(frozen=True)
class CopyResult:
    """How the text was handed over, and what to tell the clerk."""

    method: str
    """``pyperclip``, ``osc52``, ``file``, or ``none`` (nothing worked: the message says what to do)."""
    message: str
    path: Path | None = None


def pyperclip_copy(text: str) -> None:
    """Copy with pyperclip; raises ``RuntimeError`` (PyperclipException) when it has no clipboard."""
    import pyperclip

    pyperclip.copy(text)


def osc52_possible(app) -> bool:
    """Whether the terminal can take OSC 52: a real terminal, not a Linux console."""
    if getattr(app, "is_headless", False):
        return False
    term = os.environ.get("TERM", "")
    return term not in NO_OSC52_TERMS


def _clipboard_reason(error: BaseException) -> str:
    """Why the system clipboard could not be used, in Japanese."""
    if isinstance(error, OSError):
        from storage.errors import os_error_reason

        return os_error_reason(error)
    return "クリップボード用のプログラム(xclip・xsel・wl-copy など)が見つかりません"


def copy_text(
    app,
    text: str,
    fallback_file: Callable[[], Path],
    *,
    copier: Callable[[str], None] = pyperclip_copy,
    save: Callable[[Path, bytes], None] | None = None,
) -> CopyResult:
    """Copy ``text`` by the best means there is; say which one was used."""
    try:
        copier(text)
    except Exception as error:  # pyperclip raises its own RuntimeError subclass, or OSError
        reason = _clipboard_reason(error)
    else:
        return CopyResult("pyperclip", "クリップボードにコピーしました(システムのクリップボード)。Word などに貼り付けられます。")
    if osc52_possible(app):
        app.copy_to_clipboard(text)
        return CopyResult(
            "osc52",
            "端末のクリップボード(OSC 52)にコピーしました。端末が OSC 52 に対応していれば貼り付けられます。"
            f"貼り付けられないときは F8 でファイルに保存してください。(システムのクリップボードは使えません: {reason})",
        )
    path = fallback_file()
    if save is None:
        from storage.atomic import atomic_write_bytes

        save = lambda p, data: atomic_write_bytes(p, data, private=True)  # noqa: E731
    try:
        save(path, text.encode("utf-8"))
    except OSError as error:  # WriteFailedError too: a full disk, a folder we may not write
        from storage.errors import os_error_reason

        return CopyResult(
            "none",
            f"コピーできませんでした。この端末ではクリップボードを使えず、ファイル「{path}」にも保存できませんでした"
            f"({os_error_reason(error)})。F8 で書き込める保存先を選んで保存してください。",
        )
    return CopyResult(
        "file",
        f"この端末ではクリップボードを使えないため、ファイルに保存しました: {path}",
        path,
    )
