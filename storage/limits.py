"""How much a file the clerk hands us may hold, checked before it is read.

A meeting of a long day is a few megabytes (10,000 entries: about 3 MB), so a
file far larger than that is not a meeting: it is refused before it is read
(an ``import`` of a 3 GB file once took 6 GB of memory; ``/dev/zero`` never
ends). The limit holds for an interchange file (``import``, ``export
FILE.json``, the files screen), a meeting backup (``restore BACKUP.json``) and
every member of a backup zip, which is read in pieces and never held whole
beyond the limit.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from storage.errors import StorageError

#: The largest meeting file, interchange file or zip member read (64 MiB).
MAX_FILE_BYTES = 64 << 20
#: The most a restore unpacks from one zip, all members together (1 GiB).
MAX_RESTORE_BYTES = 1 << 30

_CHUNK = 1 << 20
#: Opens without waiting (POSIX); Windows has no named pipes in the file system to wait on.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class TooLargeError(StorageError):
    """A file (or a zip member) over :data:`MAX_FILE_BYTES`; nothing was changed."""

    def __init__(self, name: Path | str, limit: int = MAX_FILE_BYTES, size: int | None = None) -> None:
        self.limit = limit
        how_big = f"{_megabytes(size)}、" if size is not None else ""
        super().__init__(
            f"「{name}」は大きすぎます({how_big}上限は {_megabytes(limit)})。会議のファイルとしては大きすぎるため、"
            "読み込まずにやめました。何も変えていません。ファイルを確かめてください。",
            path=name,
        )


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB" if size >= (1 << 20) else f"{size:,} バイト"


def read_at_most(handle: BinaryIO, name: Path | str, limit: int = MAX_FILE_BYTES,
                 on_read: Callable[[int], None] | None = None) -> bytes:
    """Read ``handle`` to its end in pieces; :class:`TooLargeError` as soon as it passes ``limit``.

    ``on_read(n)`` is told of each piece (a restore counts its whole zip).
    """
    pieces: list[bytes] = []
    total = 0
    while True:
        piece = handle.read(min(_CHUNK, limit + 1 - total))
        if not piece:
            return b"".join(pieces)
        total += len(piece)
        if on_read is not None:
            on_read(len(piece))
        if total > limit:
            raise TooLargeError(name, limit)
        pieces.append(piece)


class NamedPipeError(StorageError):
    """A named pipe chosen in the app, where reading it would hold the screen until a writer came."""

    def __init__(self, name: Path | str) -> None:
        super().__init__(
            f"「{name}」は名前付きパイプです。アプリの中では、書き手を待つことになるパイプは読みません"
            "(コマンドの kaigiroku なら読めます)。ふつうのファイルを指定してください。",
            path=name,
        )


def _file_object(fd: int, path: Path | str, check: Callable[[os.stat_result], None]) -> BinaryIO:
    """``fd`` as a file object once ``check`` let its file pass (it raises to refuse); closed when refused.

    A folder is refused first: os.fdopen refuses it itself, with the descriptor's number for a name,
    and leaves the descriptor open.
    """
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        check(info)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _open_without_waiting(path: Path | str) -> BinaryIO:
    """Open ``path`` for reading, refusing a named pipe at once (:class:`NamedPipeError`).

    The descriptor stays non-blocking: a regular file reads the same, and a device that
    would wait for input (a terminal) reads as empty, to be refused as no meeting or
    template, instead of holding the screen.
    """

    def check(info: os.stat_result) -> None:
        if stat.S_ISFIFO(info.st_mode):
            raise NamedPipeError(path)

    return _file_object(os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | _NONBLOCK), path, check)


def read_file_at_most(path: Path | str, limit: int = MAX_FILE_BYTES, *, wait_for_writer: bool = True) -> bytes:
    """The bytes of a file the clerk named, refused unread when its size is over ``limit``.

    A regular file's size is checked before reading; anything else (a device,
    a pipe) is read in pieces up to the limit. Raises :class:`OSError` as
    ``open`` does, and :class:`TooLargeError`. The command line reads a named
    pipe once a writer comes (``kaigiroku import <(…)``); the app cannot wait
    on one, its screen would hold until then: it passes
    ``wait_for_writer=False`` and gets :class:`NamedPipeError` at once.
    """
    with (open(path, "rb") if wait_for_writer else _open_without_waiting(path)) as handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise TooLargeError(path, limit, info.st_size)
        return read_at_most(handle, path, limit)


def open_data_file(path: Path | str) -> BinaryIO:
    """Open a file of the data folder for reading: never through a link, only a regular file within the limit.

    A meeting file planted as a link (to ``/dev/zero``, or to a file outside)
    would be read without end, or bring outside data in. Raises
    :class:`FileNotFoundError`, :class:`~storage.errors.LinkRefusedError` for a
    link, :class:`ValueError` with the Japanese reason for a device, a pipe or
    a file over :data:`MAX_FILE_BYTES`, and :class:`OSError` as ``open`` does.
    """
    from storage.errors import LinkRefusedError

    # O_NONBLOCK: a named pipe planted in a file's place would otherwise hold the open until some
    # writer came, and the app or command would hang without a word; with it the open returns
    # and the pipe is refused below. (Reads of a regular file are never held; the flag is taken
    # off again all the same.)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | _NONBLOCK
    if not getattr(os, "O_NOFOLLOW", 0) and os.path.islink(path):
        raise LinkRefusedError(path)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise LinkRefusedError(path) from None
        raise

    def check(info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("通常のファイルではありません(装置やパイプなど)")
        if info.st_size > MAX_FILE_BYTES:
            raise ValueError(f"大きすぎます({_megabytes(info.st_size)}、上限は {_megabytes(MAX_FILE_BYTES)})")
        if _NONBLOCK:
            os.set_blocking(fd, True)

    return _file_object(fd, path, check)
