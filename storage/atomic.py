"""Atomic file writes and private folders.

:func:`atomic_write_bytes` never leaves a half-written file: it writes a
temporary file in the same folder (created 0600), flushes and fsyncs it,
renames it over the target with :func:`os.replace` and fsyncs the folder, so
that after a crash or a pulled plug the target holds either the old content or
the new one, whole. Any failure removes the temporary file and raises
:class:`~storage.errors.WriteFailedError` (for an :class:`OSError`).

Tests inject failures with :func:`_fault_hook`, which is called after each
step with ``"written"``, ``"fsynced"``, ``"replaced"`` and ``"dir_fsynced"``.

On POSIX every file we write is 0600 and every folder we create 0700,
whatever the umask (set with an explicit chmod). On Windows (:data:`POSIX`
false; tests flip it) there is no chmod and no folder fsync, which Windows
cannot do; the write is still atomic (``os.replace``).
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from storage.errors import WriteFailedError

#: True on POSIX systems: chmod files and folders, fsync folders. Tests set it
#: to False to run the Windows branches.
POSIX: bool = os.name == "posix"

FILE_MODE = 0o600
DIR_MODE = 0o700

#: Suffix of the temporary files; :func:`sweep_temp_files` removes leftovers.
TEMP_SUFFIX = ".tmp"

#: Errors from fsyncing a folder that only mean "this file system cannot".
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.EBADF, errno.EISDIR, errno.EACCES}
_DIR_FSYNC_UNSUPPORTED |= {getattr(errno, name) for name in ("ENOTSUP", "EOPNOTSUPP") if hasattr(errno, name)}


def _fault_hook(step: str) -> None:
    """Called after each step of a write; tests replace it to inject a failure."""


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.urandom(4).hex()}{TEMP_SUFFIX}")


def _open_temp(target: Path, private: bool) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    for name in ("O_BINARY", "O_NOFOLLOW", "O_CLOEXEC"):
        flags |= getattr(os, name, 0)
    while True:
        temp = _temp_name(target)
        try:
            fd = os.open(temp, flags, FILE_MODE if private else 0o666)
        except FileExistsError:
            continue
        if POSIX and private:
            try:
                os.fchmod(fd, FILE_MODE)
            except BaseException:
                os.close(fd)
                _remove_quietly(temp)
                raise
        return fd, temp


def _replace(source: Path, target: Path) -> None:
    if POSIX:
        os.replace(source, target)
        return
    # Windows refuses to replace a file another program (a virus scanner, an
    # indexer) holds open for a moment; try a few times before giving up.
    for attempt in range(10):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == 9:
                raise
            time.sleep(0.05)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX only; a no-op on Windows)."""
    if not POSIX:
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as error:
        if error.errno in _DIR_FSYNC_UNSUPPORTED:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def atomic_write(
    path: Path | str, writer: Callable[[BinaryIO], None], *, private: bool = True, durable: bool = True
) -> None:
    """Write ``path`` atomically; ``writer`` writes the content into the open temporary file.

    ``private`` files are 0600 on POSIX; others (exports the user asked for)
    get the usual mode the umask gives. Raises :class:`WriteFailedError` for an
    :class:`OSError`; any failure leaves the old file (or no file) in place and
    removes the temporary file. ``durable=False`` skips both fsyncs: the file
    is still never seen half-written, but a power cut may lose it (only for
    notes nothing depends on, like the lock's ``lock.info``).
    """
    path = Path(path)
    _refuse_a_special_file(path)
    temp: Path | None = None
    replaced = False
    try:
        fd, temp = _open_temp(path, private)
        with os.fdopen(fd, "wb") as handle:
            writer(handle)
            handle.flush()
            _fault_hook("written")
            if durable:
                os.fsync(handle.fileno())
            _fault_hook("fsynced")
        _replace(temp, path)
        replaced = True
        _fault_hook("replaced")
        if durable:
            fsync_dir(path.parent)
        _fault_hook("dir_fsynced")
    except WriteFailedError:
        raise
    except OSError as error:
        raise WriteFailedError(path, error) from error
    finally:
        if temp is not None and not replaced:
            _remove_quietly(temp)


def _refuse_a_special_file(path: Path) -> None:
    """Never replace a device, a pipe or a socket with a file (``-o /dev/null`` as root replaced the device)."""
    from storage.errors import SpecialFileError

    try:
        info = os.stat(path)
    except OSError:
        return  # nothing there (or nothing we can see): the write says what is wrong
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        raise SpecialFileError(path)


def atomic_write_bytes(path: Path | str, data: bytes, *, private: bool = True, durable: bool = True) -> None:
    """Replace the content of ``path`` with ``data`` atomically (0600 on POSIX when ``private``)."""
    atomic_write(path, lambda handle: handle.write(data), private=private, durable=durable)


def ensure_private_dir(path: Path | str, *, within: Path | str | None = None) -> Path:
    """Create ``path`` and its missing parents; on POSIX each folder created is 0700.

    Folders that already exist are left as they are (their mode included).
    With ``within``, only folders below it are created, and a missing
    ``within`` (a data folder on a stick that was pulled out) is a
    :class:`WriteFailedError` (ENOENT) rather than silently made anew.
    """
    path = Path(path)
    if within is not None and not Path(within).is_dir():
        raise WriteFailedError(path / "_", OSError(errno.ENOENT, os.strerror(errno.ENOENT)))
    if within is not None:
        check_real_folders(path, within)
    missing: list[Path] = []
    current = path
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise WriteFailedError(folder, OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))) from None
            continue
        except OSError as error:
            raise WriteFailedError(folder, error) from error
        if POSIX:
            try:
                os.chmod(folder, DIR_MODE)
            except OSError as error:
                raise WriteFailedError(folder, error) from error
    if within is not None and missing:
        check_real_folders(path, within)  # (a link planted while the folders were made)
    return path


def check_real_folders(path: Path | str, within: Path | str) -> None:
    """Raise :class:`LinkRefusedError` unless every existing folder from below ``within`` down to ``path`` is a real folder.

    ``within`` itself (the data folder) may be a link: the clerk chose it. A
    link below it (``backups`` → somewhere else) is never followed: writing,
    rotating or removing through it would touch files outside the data folder.
    A folder that does not exist yet is fine (it will be made real).
    """
    from storage.errors import LinkRefusedError

    path, within = Path(path), Path(within)
    try:
        parts = path.relative_to(within).parts
    except ValueError:
        return  # not below the data folder: nothing of ours to check
    current = within
    for part in parts:
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return
        except OSError as error:
            raise WriteFailedError(current, error) from error
        if stat.S_ISLNK(info.st_mode) or _is_junction(current):
            raise LinkRefusedError(current, within)


def _is_junction(path: Path) -> bool:
    """A Windows junction (a folder link that lstat reports as a folder)."""
    checker = getattr(os.path, "isjunction", None)  # Python 3.12+
    return bool(checker and checker(path))


def sweep_temp_files(folder: Path | str) -> list[Path]:
    """Remove temporary files a crashed write left in ``folder``; returns what was removed.

    Only names this module makes (``.<name>.<8 hex>.tmp``) are touched.
    """
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
            continue
        stem = name[1 : -len(TEMP_SUFFIX)]
        base, _, token = stem.rpartition(".")
        if not base or len(token) != 8 or any(c not in "0123456789abcdef" for c in token):
            continue
        candidate = Path(folder) / name
        if candidate.is_file():
            _remove_quietly(candidate)
            removed.append(candidate)
    return removed
