"""The data folder's write lock: one kaigiroku writes a data folder at a time.

:class:`DataDirLock` takes an OS-level lock (``fcntl.flock`` on POSIX,
``msvcrt.locking`` on Windows) on the file ``lock``
without waiting. A second writer, in another process or the same one, gets
:class:`~storage.errors.DataDirLockedError`, whose message names the holder
from the sidecar ``lock.info`` (PID, host, start time, written atomically by
the holder right after it takes the lock).

The kernel drops an OS-level lock when its process dies, so the lock of a
crashed kaigiroku is taken over by the next one without any stale-lock
guessing; its ``lock.info`` is simply overwritten. Read-only work (list,
load, export) never takes the lock.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from datetime import datetime
from pathlib import Path

from storage.atomic import FILE_MODE, atomic_write_bytes, ensure_private_dir
from storage.errors import DataDirLockedError, LinkRefusedError, WriteFailedError
from storage.paths import LOCK_FILE, LOCK_INFO_FILE


if os.name == "nt":  # pragma: no cover - Windows (the tests load it on POSIX too, with a model of msvcrt)
    import msvcrt

    def _try_lock(fd: int) -> bool:
        """Lock the first byte of ``fd`` without waiting; False when someone holds it."""
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EDEADLOCK):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        """``flock`` ``fd`` without waiting; False when someone (another process or descriptor) holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def read_lock_info(root: Path | str) -> dict | None:
    """What the holder of the lock wrote about itself, or ``None``."""
    from storage.limits import open_data_file

    try:
        with open_data_file(Path(root) / LOCK_INFO_FILE) as handle:  # not through a link, not a device
            info = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


class DataDirLock:
    """The write lock on one data folder; a context manager, or :meth:`acquire`/:meth:`release`.

    Taking the lock creates the data folder (0700) if needed: it is the first write.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.path = self.root / LOCK_FILE
        self.info_path = self.root / LOCK_INFO_FILE
        self._fd: int | None = None

    @property
    def is_held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> DataDirLock:
        """Take the lock now or raise :class:`DataDirLockedError`; holding it already is fine."""
        if self.is_held:
            return self
        ensure_private_dir(self.root)
        try:
            fd = os.open(
                self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0), FILE_MODE
            )
        except OSError as error:
            if error.errno == errno.ELOOP:  # a planted link: never create or open a file outside through it
                raise LinkRefusedError(self.path, self.root) from None
            raise WriteFailedError(self.path, error) from error
        try:
            locked = _try_lock(fd)
        except OSError as error:
            os.close(fd)
            raise WriteFailedError(self.path, error) from error
        if not locked:
            os.close(fd)
            raise DataDirLockedError(self.root, read_lock_info(self.root))
        self._fd = fd
        try:
            info = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": datetime.now().astimezone().isoformat(timespec="seconds"),
            }
            # Not fsynced (two fsyncs on the way to the first frame): lock.info
            # only names the holder in another copy's refusal, and one lost to a power
            # cut is as good as none (read_lock_info then returns None).
            atomic_write_bytes(
                self.info_path, json.dumps(info, ensure_ascii=False).encode("utf-8"), durable=False
            )
        except WriteFailedError:
            # lock.info only names the holder in a refusal; a full disk must not
            # keep us from writing once space returns. Drop a killed copy's stale note instead.
            try:
                os.unlink(self.info_path)
            except OSError:
                pass
        except BaseException:
            self.release()
            raise
        return self

    def release(self) -> None:
        """Give the lock up (its ``lock.info`` is removed first). Safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.unlink(self.info_path)
        except OSError:
            pass
        try:
            _unlock(fd)
        except OSError:
            pass  # closing the descriptor drops the lock anyway
        finally:
            os.close(fd)

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"DataDirLock({str(self.root)!r}, held={self.is_held})"

