"""The clerk's own keys: ``<data folder>/keys.toml``, read as text (tui/keymap.py reads the table).

Only a plain file of the data folder is read, never a link, and never more
than :data:`MAX_KEYS_BYTES`: the file is a few lines a clerk wrote.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from storage.paths import KEYS_FILE

MAX_KEYS_BYTES = 64 * 1024


class KeysFileError(ValueError):
    """keys.toml is there but cannot be used; the message says why and what to do, in Japanese."""


def read_keys_text(root: Path | str) -> str | None:
    """The text of ``root/keys.toml``; ``None`` when there is none (the default keys)."""
    path = Path(root) / KEYS_FILE
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            raise KeysFileError(f"「{path}」はリンクです。リンクはたどりません。データフォルダの中に普通のファイルとして置いてください。")
        if not stat.S_ISREG(mode):
            raise KeysFileError(f"「{path}」は普通のファイルではありません。キーの割り当てを書いたテキストファイルにしてください。")
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except KeysFileError:
        raise
    except OSError as error:
        raise KeysFileError(f"「{path}」を開けません({error.strerror or error})。ファイルの権限を確かめてください。") from None
    # Looked at before the descriptor becomes a file object: os.fdopen refuses a folder itself, in English,
    # and leaves the descriptor open.
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between the look and the open
            raise KeysFileError(f"「{path}」は普通のファイルではありません。キーの割り当てを書いたテキストファイルにしてください。")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_KEYS_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_KEYS_BYTES:
        raise KeysFileError(f"「{path}」が大きすぎます({MAX_KEYS_BYTES // 1024} KiB まで)。キーの割り当てだけを書いてください。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KeysFileError(f"「{path}」は UTF-8 ではありません。UTF-8 で保存し直してください。") from None
