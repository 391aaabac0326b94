"""The storage errors: each carries a Japanese ``.message`` that says what
happened and what the user can do about it.

The UI and the command line show ``.message`` as it is (``str(error)`` is the
same text), so every message names the file or folder concerned.
"""

from __future__ import annotations

import errno
import os
from datetime import datetime
from pathlib import Path

#: Appended to a failed save: the in-memory meeting (and the entry bar) is intact.
_NOT_LOST = "入力中の文章は消えていません。"
#: The same on the command line, which has no entry bar: every write is atomic.
_NOTHING_HALF_WRITTEN = "書きかけのファイルは残していません(どのファイルも前のままか、書き終えたものです)。"


class StorageError(Exception):
    """Base of every storage error; ``.message`` is the Japanese text for the user."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None

    def __str__(self) -> str:
        return self.message

    def for_command_line(self) -> str:
        """The message in the command line's words (no entry bar, no "open again"): the same unless a subclass says otherwise."""
        return self.message


class DamagedFileError(StorageError):
    """A file that cannot be read: bad JSON, truncated, empty, of the wrong kind.

    The file is left exactly as it is; nothing writes to it afterwards.
    ``.backup`` is the newest backup of it, if there is one.
    """

    def __init__(self, path: Path | str, reason: str, backup: Path | str | None = None) -> None:
        self.reason = reason
        self.backup = Path(backup) if backup is not None else None
        super().__init__(self._compose(Path(path), reason, self.backup), path=path)

    @staticmethod
    def _compose(path: Path, reason: str, backup: Path | None) -> str:
        text = f"ファイル「{path}」を読めません({reason})。このファイルには書き込みません。"
        return text + _restore_hint(backup)


class NewerSchemaError(DamagedFileError):
    """A file written by a newer kaigiroku (its schema version is above ours)."""

    def __init__(
        self, path: Path | str, found: int, supported: int, backup: Path | str | None = None
    ) -> None:
        self.found = found
        self.supported = supported
        reason = f"新しい版のkaigirokuで保存された形式です: 版{found}、この版が読めるのは版{supported}まで"
        super().__init__(path, reason, backup)

    @staticmethod
    def _compose(path: Path, reason: str, backup: Path | None) -> str:
        text = (
            f"ファイル「{path}」を読めません({reason})。このファイルには書き込みません。"
            "kaigirokuを新しい版に更新してから開いてください。"
        )
        if backup is not None:
            text += f"この版で使い続けるなら、最新のバックアップ「{backup}」から復元できます: kaigiroku restore {backup}"
        return text


def _restore_hint(backup: Path | None) -> str:
    if backup is None:
        return "このファイルのバックアップはありません。"
    return f"最新のバックアップ「{backup}」から復元できます: kaigiroku restore {backup}"


class DataDirLockedError(StorageError):
    """Another kaigiroku holds the data folder's write lock.

    ``.owner`` is what the holder wrote into ``lock.info`` (``pid``, ``host``,
    ``started``), or ``None`` when that is unknown.
    """

    def __init__(self, root: Path | str, owner: dict | None = None) -> None:
        self.root = Path(root)
        self.owner = owner
        super().__init__(
            f"別のkaigirokuがこのデータフォルダ({self.root})を使用中です({_describe_owner(owner)})。"
            "そちらを終了してから開き直してください。"
            "閲覧と書き出し(list / export)はこのままでも使えます。",
            path=root,
        )

    def for_command_line(self) -> str:
        return self.message.replace("そちらを終了してから開き直してください。", "そちらを終了してから、もう一度コマンドを実行してください。")


def _describe_owner(owner: dict | None) -> str:
    if not owner:
        return "使用中のプログラムは不明"
    parts = [f"PID {owner.get('pid', '不明')}"]
    if owner.get("host"):
        parts.append(f"端末 {owner['host']}")
    if owner.get("started"):
        parts.append(f"{_format_started(owner['started'])}から")
    return "、".join(parts)


def _format_started(started: object) -> str:
    try:
        return datetime.fromisoformat(str(started)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(started)


class WriteFailedError(StorageError, OSError):
    """Writing a file failed; wraps the :class:`OSError` (``.error``, ``.errno``, ``.strerror``).

    It is an :class:`OSError` too, so ``except OSError`` around a write still
    catches it; ``str()`` is the Japanese message.
    """

    def __init__(self, path: Path | str, error: OSError) -> None:
        StorageError.__init__(self, _write_failure_message(Path(path), error), path=path)
        self.error = error
        self._write_path = Path(path)
        self.errno = error.errno
        self.strerror = error.strerror
        self.filename = str(path)

    def for_command_line(self) -> str:
        if self.message != _write_failure_message(self._write_path, self.error):
            return self.message  # a message of its own (a subclass's): no editor words in it
        return _write_failure_message(self._write_path, self.error, command_line=True)


def os_error_reason(error: OSError, *, reading: bool = False) -> str:
    """A short Japanese reason for an OS error (for messages about files the clerk chose).

    ``reading``: the error came from reading, so a refused permission is the right to read.
    """
    code = error.errno
    if reading and code in (errno.EACCES, errno.EPERM):
        return "読む権限がありません"
    reasons = {
        errno.ENOSPC: "ディスクの空きがありません",
        getattr(errno, "EDQUOT", errno.ENOSPC): "ディスクの空きがありません",
        errno.EROFS: "読み取り専用の場所です",
        errno.EACCES: "書き込む権限がありません",
        errno.EPERM: "書き込む権限がありません",
        errno.ENOENT: "フォルダが見つかりません",
        errno.EISDIR: "同じ名前のフォルダがあります",
        errno.ENOTDIR: "途中にフォルダではないものがあります",
    }
    if code in reasons:
        return reasons[code]
    original = getattr(error, "error", None)
    if isinstance(original, OSError) and original is not error:
        return os_error_reason(original)
    # A rarer error: say it in Japanese, with the system's name for it (EIO …) to look up.
    name = errno.errorcode.get(code) if code else None
    return f"ファイルを読み書きできませんでした({name})" if name else "ファイルを読み書きできませんでした"


def user_message(error: BaseException) -> str:
    """What to tell the clerk about a failed read or write, in Japanese, with what to do."""
    if isinstance(error, StorageError):
        return error.message
    if isinstance(error, OSError):
        return f"{os_error_reason(error)}。もう一度試してください。続くときは保存先のディスクやフォルダを確かめてください。"
    return str(error)


def _write_failure_message(path: Path, error: OSError, *, command_line: bool = False) -> str:
    """Why a write failed and what to do; ``command_line``: in the words of a command (run it again) rather than the editor's."""
    again = "もう一度同じコマンドを実行してください" if command_line else "もう一度保存してください"
    kept = _NOTHING_HALF_WRITTEN if command_line else _NOT_LOST
    code = error.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (
            f"ディスクの空きがありません(「{path}」に保存できませんでした)。"
            f"空きを作ってから{again}。{kept}"
        )
    if code == errno.EROFS:
        return (
            f"「{path}」は読み取り専用の場所にあるため保存できません。"
            "書き込める場所をデータフォルダに指定してください(--data-dir または KAIGIROKU_DATA_DIR)。"
            f"{kept}"
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"「{path}」に書き込む権限がありません。"
            "フォルダの権限を確かめるか、別のデータフォルダを指定してください(--data-dir または KAIGIROKU_DATA_DIR)。"
            f"{kept}"
        )
    if code == errno.ENOENT:
        return (
            f"保存先のフォルダ「{path.parent}」が見つかりません"
            "(USBメモリを抜いたか、フォルダが移動・削除された可能性があります)。"
            f"フォルダを元に戻してから{again}。{kept}"
        )
    return f"「{path}」に保存できませんでした({os_error_reason(error)})。{again}。{kept}"


class LinkRefusedError(WriteFailedError):
    """A file or folder inside the data folder is a link: never followed.

    A planted link would have the app append speeches to a file outside the
    data folder, delete files there while rotating backups, or write drafts
    there. Nothing is read or written through it. A :class:`WriteFailedError`
    (ELOOP), so a refused save is handled like any failed save: the text stays.
    """

    def __init__(self, path: Path | str, root: Path | str | None = None) -> None:
        super().__init__(path, OSError(errno.ELOOP, os.strerror(errno.ELOOP)))
        where = f"データフォルダ({root})の中の" if root is not None else ""
        self.message = (
            f"{where}「{path}」はリンク(シンボリックリンクなど)です。"
            "データフォルダの外のファイルを書き換えたり消したりしないよう、kaigirokuはこれをたどって読み書きしません。"
            "リンクを消すか本物のフォルダ・ファイルに置き換えてから、もう一度行ってください。"
        )
        self.args = (self.message,)


class SpecialFileError(WriteFailedError):
    """The file to write is a device, a pipe or a socket: it would be replaced by a plain file."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, OSError(errno.EINVAL, os.strerror(errno.EINVAL)))
        self.message = (
            f"「{path}」はふつうのファイルではありません(装置やパイプなど)。"
            "置き換えると壊れるため、書き込みませんでした。保存するファイルの名前を指定してください。"
        )
        self.args = (self.message,)

    def for_command_line(self) -> str:
        return self.message + "(画面に出すだけなら -o を付けずに実行します。)"


class UnknownMeetingError(StorageError):
    """No meeting with this id in the data folder."""

    def __init__(self, meeting_id: str, root: Path | str | None = None) -> None:
        self.meeting_id = meeting_id
        where = f"データフォルダ({root})に" if root is not None else ""
        super().__init__(
            f"{where}会議「{meeting_id}」は見つかりません。kaigiroku list で会議の一覧を確かめてください。",
            path=root,
        )


class RestoreRefusedError(StorageError):
    """A backup zip that cannot be restored; nothing was changed."""

    def __init__(self, source: Path | str, reason: str) -> None:
        self.reason = reason
        super().__init__(
            f"バックアップ「{source}」から復元できません({reason})。"
            "データフォルダは何も変えていません。別のバックアップを指定してください。",
            path=source,
        )


class InsideDataDirError(StorageError):
    """A file the clerk asked to write (an export, a backup) would land in the data folder."""

    def __init__(self, target: Path | str, root: Path | str) -> None:
        super().__init__(
            f"「{target}」はデータフォルダ({root})の中です。会議のファイルを上書きして壊さないよう、"
            "書き出しはしませんでした。データフォルダの外(文書フォルダなど)を指定してください。",
            path=target,
        )


class LockRequiredError(StorageError):
    """A write was attempted without holding the data folder's write lock (a programming error)."""

    def __init__(self, root: Path | str, what: str) -> None:
        super().__init__(
            f"データフォルダ({root})の書き込みロックを取らずに{what}しようとしました。"
            "kaigirokuの不具合です。開き直してください。",
            path=root,
        )
