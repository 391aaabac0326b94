"""Reading an interchange file (``FILE.json``) that the clerk chose, with the refusals in Japanese.

The command line (``kaigiroku import`` / ``export FILE.json``) and the app's
files screen both read through here, so a refused file gets the same words in
both places.
"""

from __future__ import annotations

from pathlib import Path

from minutes.interchange import FormatError, parse_meeting
from minutes.model import Meeting
from storage.errors import StorageError, os_error_reason
from storage.limits import NamedPipeError, TooLargeError, read_file_at_most

#: The end of every refused import.
IMPORT_REFUSED = "取り込みをやめました。データは何も変えていません。"


class InterchangeFileError(StorageError):
    """An interchange file that cannot be read or is refused; ``.message`` says why and what to do."""


def read_interchange_file(path: Path | str, *, wait_for_writer: bool = True) -> Meeting:
    """The meeting in an interchange file, or :class:`InterchangeFileError`.

    ``wait_for_writer=False`` (the app) refuses a named pipe instead of waiting on it.
    """
    path = Path(path)
    try:
        data = read_file_at_most(path, wait_for_writer=wait_for_writer)
    except (TooLargeError, NamedPipeError) as error:
        raise InterchangeFileError(f"{error.message}\n{IMPORT_REFUSED}", path=path) from None
    except FileNotFoundError:
        raise InterchangeFileError(f"ファイル「{path}」が見つかりません。名前と場所を確認してください。", path=path) from None
    except IsADirectoryError:
        raise InterchangeFileError(f"「{path}」はフォルダです。JSONファイルを指定してください。", path=path) from None
    except OSError as error:
        raise InterchangeFileError(f"ファイル「{path}」を読めません({os_error_reason(error, reading=True)})。", path=path) from None
    try:
        return parse_meeting(data, source=str(path))
    except FormatError as error:
        raise InterchangeFileError(f"{error}\n{IMPORT_REFUSED}", path=path) from None
