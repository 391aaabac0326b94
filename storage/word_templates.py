"""Reading the city's Word template (``export --format docx --template 様式.docx``), with the refusals in Japanese.

The file is read whole (a template is a document with perhaps a logo), but
never beyond :data:`MAX_TEMPLATE_BYTES`: a file much larger is not a
template, and a device or a pipe is read only up to that limit. What the
bytes hold is checked by :mod:`minutes.docx_template`.
"""

from __future__ import annotations

from pathlib import Path

from storage.errors import StorageError, os_error_reason
from storage.limits import NamedPipeError, TooLargeError, read_file_at_most

#: The largest Word template read (20 MiB: a document with its logos, far under a meeting's limit).
MAX_TEMPLATE_BYTES = 20 << 20


class WordTemplateFileError(StorageError):
    """A template file that cannot be read; ``.message`` says why and what to do."""


def read_word_template(path: Path | str, *, wait_for_writer: bool = True) -> bytes:
    """The bytes of the Word template at ``path``, or :class:`WordTemplateFileError`.

    ``wait_for_writer=False`` (the app) refuses a named pipe instead of waiting on it.
    """
    path = Path(path)
    try:
        return read_file_at_most(path, MAX_TEMPLATE_BYTES, wait_for_writer=wait_for_writer)
    except NamedPipeError as error:
        raise WordTemplateFileError(f"{error.message}何も書き出していません。", path=path) from None
    except TooLargeError:
        raise WordTemplateFileError(
            f"Word のひな形「{path}」は大きすぎます(上限は {MAX_TEMPLATE_BYTES >> 20} MB)。"
            "ひな形のファイルを確かめてください(画像を小さくすると収まります)。何も書き出していません。",
            path=path,
        ) from None
    except FileNotFoundError:
        raise WordTemplateFileError(
            f"Word のひな形「{path}」が見つかりません。名前と場所を確認してください。何も書き出していません。", path=path
        ) from None
    except IsADirectoryError:
        raise WordTemplateFileError(
            f"「{path}」はフォルダです。--template には Word のひな形(.docx)のファイルを指定してください。", path=path
        ) from None
    except OSError as error:
        raise WordTemplateFileError(
            f"Word のひな形「{path}」を読めません({os_error_reason(error, reading=True)})。何も書き出していません。", path=path
        ) from None

