"""The clerk's own export styles: folders under ``styles/`` in the data folder.

``styles/<NAME>/`` holds a copy of a preset that the clerk (or the city's IT
person) edits: ``style.toml`` and the ``.j2`` templates. A style is read
whole and bounded (each file at most :data:`MAX_FILE_BYTES`, at most
:data:`MAX_FILES` files), and a link is never followed out of the data
folder: a style folder or file that is a symbolic link is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from minutes.style import (
    PRESETS,
    SETTINGS_FILE,
    TEMPLATE_SUFFIX,
    Style,
    StyleError,
    StyleSource,
    UnknownStyleError,
    check_style,
    compile_style,
    load_preset,
    preset_source,
)
from storage.atomic import atomic_write_bytes, ensure_private_dir
from storage.errors import StorageError, os_error_reason
from storage.limits import open_data_file
from storage.paths import STYLES_DIR

MAX_FILE_BYTES = 256 * 1024
MAX_FILES = 50

#: Characters a style name may not hold: path separators and what Windows refuses in a folder name.
_BAD_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


class StyleNameError(StorageError):
    """A style name that cannot be a folder, or that is taken."""


def styles_dir(root: Path) -> Path:
    return Path(root) / STYLES_DIR


def check_style_name(name: str) -> None:
    """Refuse a name that cannot be a style folder (Japanese message)."""
    if not name or not name.strip() or name != name.strip():
        raise StyleNameError("スタイルの名前が空か、前後に空白があります。名前を付け直してください。")
    if _BAD_NAME.search(name) or name.startswith(".") or len(name) > 64:
        raise StyleNameError(
            f"スタイルの名前「{name}」は使えません。"
            '/ \\ : * ? " < > | と制御文字を含まない、64文字以内の名前にしてください(先頭に . も使えません)。'
        )
    if name in PRESETS:
        raise StyleNameError(f"「{name}」はプリセットの名前です。別の名前を付けてください(例: {name}_うちの市)。")


def data_style_names(root: Path) -> list[str]:
    """The style folders in the data folder, sorted (links and stray files are not styles)."""
    folder = styles_dir(root)
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(entry.name for entry in folder.iterdir() if entry.is_dir() and not entry.is_symlink())


def read_style_source(root: Path, name: str) -> StyleSource:
    """The files of the data folder's style ``name``.

    :class:`UnknownStyleError` when there is none; :class:`StyleError` when a
    file cannot be read (a link, too large, not UTF-8).
    """
    folder = styles_dir(root) / name
    if _BAD_NAME.search(name) or name in ("", ".", "..") or not folder.is_dir():
        raise UnknownStyleError(name)
    if folder.is_symlink() or styles_dir(root).is_symlink():
        raise StyleError(name, str(folder), None, "スタイルのフォルダがリンクです(データフォルダの外は読みません)")
    files: dict[str, str] = {}
    entries = sorted(folder.iterdir())
    if len(entries) > MAX_FILES:
        raise StyleError(name, str(folder), None, f"ファイルが多すぎます({MAX_FILES}個まで)")
    for entry in entries:
        if not (entry.name == SETTINGS_FILE or entry.name.endswith(TEMPLATE_SUFFIX)):
            continue  # notes, backups of an editor … are not part of the style
        if entry.is_symlink():
            raise StyleError(name, str(entry), None, "リンクは読みません(データフォルダの外を指すことがあるため)")
        try:
            # As a data file: a named pipe called text.j2 is refused at once, where a plain open
            # waited for a writer (the export screen and `export` hung).
            with open_data_file(entry) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except ValueError as error:
            raise StyleError(name, str(entry), None, f"読めません({error})") from None
        except OSError as error:
            raise StyleError(name, str(entry), None, f"読めません({os_error_reason(error, reading=True)})") from None
        if len(data) > MAX_FILE_BYTES:
            raise StyleError(name, str(entry), None, f"ファイルが大きすぎます({MAX_FILE_BYTES // 1024}KBまで)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise StyleError(name, str(entry), line, "UTF-8 ではありません。UTF-8 で保存し直してください") from None
        files[entry.name] = text.replace("\r\n", "\n")
    return StyleSource(name, str(folder), files)


def load_style(root: Path | None, name: str, *, every_file: bool = True) -> Style:
    """A preset, or the data folder's style of that name, checked.

    ``every_file=False``: compile a template only when its format prints (see
    :func:`compile_style`). :class:`UnknownStyleError` or :class:`StyleError`
    (never another style instead).
    """
    if name in PRESETS:
        return load_preset(name)
    if root is None:
        raise UnknownStyleError(name)
    return compile_style(read_style_source(root, name), every_file=every_file)


@dataclass(frozen=True)
class StyleEntry:
    """A line of the list of styles: its name, where it is, its description or what is wrong with it."""

    name: str
    preset: bool
    description: str
    problem: str | None = None
    folder: str = ""


def list_styles(root: Path | None) -> list[StyleEntry]:
    """The presets, then the data folder's styles, each checked on sample facts (a broken one says why)."""
    entries = [StyleEntry(name, True, load_preset(name).description) for name in PRESETS]
    if root is None:
        return entries
    for name in data_style_names(root):
        if name in PRESETS:
            entries.append(StyleEntry(name, False, "", "プリセットと同じ名前のため使えません。フォルダの名前を変えてください。"))
            continue
        try:
            style = load_style(root, name)
            check_style(style)
        except (StyleError, UnknownStyleError) as error:
            entries.append(StyleEntry(name, False, "", error.message, str(styles_dir(root) / name)))
        else:
            entries.append(StyleEntry(name, False, style.description, None, str(styles_dir(root) / name)))
    return entries


def copy_preset(root: Path, preset: str, name: str) -> Path:
    """Copy preset ``preset`` into ``styles/<name>/`` for the clerk to edit; returns the folder.

    Refuses an unknown preset, a bad or taken name (nothing is overwritten).
    """
    if preset not in PRESETS:
        raise StyleNameError(f"プリセット「{preset}」はありません。使えるのは {'、'.join(PRESETS)} です。")
    check_style_name(name)
    folder = styles_dir(root) / name
    if folder.exists() or folder.is_symlink():
        raise StyleNameError(f"スタイル「{name}」はもうあります({folder})。別の名前を付けてください。")
    source = preset_source(preset)
    ensure_private_dir(folder, within=root)
    for file, text in source.files.items():
        atomic_write_bytes(folder / file, text.encode("utf-8"), private=False)
    return folder


def committee_default_style(datadir, meeting) -> str | None:
    """The default style of the meeting's committee: the committee as stored now, else as the meeting carries it.

    Read from the stored records, without building the committees: an export
    asks for this one setting. :class:`StorageError` when the library cannot be read.
    """
    from minutes.meeting_settings import committee_export_style, find_committee

    if datadir is not None and Path(datadir.root).is_dir():
        records = [r for r in datadir.committee_records() if isinstance(r, dict)]
        record = find_committee(records, meeting, lambda r: (r.get("id"), r.get("name")))
        if record is not None:
            style = record.get("export_style")
            return style if isinstance(style, str) and style.strip() else None
    return committee_export_style(meeting)


def style_names(root: Path | None) -> list[str]:
    """Every style a clerk can choose: the presets, then the data folder's."""
    names = list(PRESETS)
    if root is not None:
        names += [name for name in data_style_names(root) if name not in PRESETS]
    return names
