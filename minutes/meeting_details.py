"""The facts at the head of a meeting (開催日、開会・閉会、場所、回数、題名 …), as a list of fields.

The meeting-details form is built from :data:`DETAIL_FIELDS`: each field says
which attribute of :class:`~minutes.model.Meeting` it edits, its Japanese
label, how the clerk's text becomes a value (``parse``) and back (``show``),
and, for a field with a fixed set of values, its choices. A new header fact is
one more :class:`DetailField` in the list (and its attribute in the model and
the interchange format); the form, the validation and undo follow.

:func:`parse_details` turns what the form holds into the new values and checks
them as the interchange format would check a file (an ``end`` before ``start``
and the like), so a saved header always reads back.

This module is pure Python.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from minutes.committee import normalize_time, parse_count, parse_date_text
from minutes.model import RECORD_STYLES, Meeting


class DetailsError(ValueError):
    """A field the clerk filled in that cannot be saved: which one (``key``) and why (Japanese)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def _text(value: str) -> str:
    return value.strip()


def _required_text(what: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError(f"{what}を入れてください。")
        return text

    return parse


def _optional_text(value: str) -> str | None:
    return value.strip() or None


def _date(value: str) -> str:
    return parse_date_text(value).isoformat()


def _optional_time(value: str) -> str | None:
    return normalize_time(value) if value.strip() else None


def _optional_count(what: str, minimum: int) -> Callable[[str], int | None]:
    def parse(value: str) -> int | None:
        return parse_count(value, what, minimum=minimum) if value.strip() else None

    return parse


def _observers(value: str) -> int:
    return parse_count(value, "傍聴者", minimum=0) if value.strip() else 0


def _show(value: object) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class DetailField:
    """One fact of the meeting's head, as the form edits it."""

    key: str
    """The :class:`~minutes.model.Meeting` attribute."""
    label: str
    hint: str = ""
    """An example or what an empty field means, shown in the empty field."""
    parse: Callable[[str], object] = _text
    """The clerk's text → the value; :class:`ValueError` (Japanese) if it cannot be one."""
    show: Callable[[object], str] = _show
    choices: tuple[str, ...] = ()
    """For a field with a fixed set of values: the values (the form offers them to pick)."""
    row: str = ""
    """Fields with the same ``row`` stand side by side in the form."""


DETAIL_FIELDS: tuple[DetailField, ...] = (
    DetailField("body", "会議体", "例 小平市情報公開・個人情報保護・公文書管理審議会", _required_text("会議体")),
    DetailField("fiscal_year", "年度(西暦。4月始まり)", "例 2021(空なら題名に年度を入れない)", _optional_count("年度", 1868), row="numbers"),
    DetailField("session", "第N回(年度の中で)", "例 3", _optional_count("第N回", 1), row="numbers"),
    DetailField("serial", "通算第N回", "空なら通算なし", _optional_count("通算第N回", 1), row="numbers"),
    DetailField("title", "題名(空なら年度・回・会議体から組み立てる)", "空: 組み立てた題名", _optional_text),
    DetailField("record_style", "会議録の種類", parse=_text, choices=RECORD_STYLES, row="kind"),
    DetailField("observers", "傍聴者(人数。0 は「なし」)", "0", _observers, row="kind"),
    DetailField("date", "開催日", "例 2022-03-15", _date, row="when"),
    DetailField("start", "開会の時刻", "例 17:30", normalize_time, row="when"),
    DetailField("end", "閉会の時刻", "空なら会議中", _optional_time, row="when"),
    DetailField("place", "開催場所", "例 市役所3階 庁議室", _required_text("開催場所")),
)


def field_values(meeting: Meeting, fields: tuple[DetailField, ...] = DETAIL_FIELDS) -> dict[str, str]:
    """The form's text of each field, from the meeting."""
    return {f.key: f.show(getattr(meeting, f.key)) for f in fields}


def header_of(meeting: Meeting, fields: tuple[DetailField, ...] = DETAIL_FIELDS) -> dict[str, object]:
    """The meeting's values of the fields (for undo)."""
    return {f.key: getattr(meeting, f.key) for f in fields}


def parse_details(
    meeting: Meeting, texts: dict[str, str], fields: tuple[DetailField, ...] = DETAIL_FIELDS
) -> dict[str, object]:
    """The new values of the fields from the form's texts; :class:`DetailsError` for the first wrong one.

    The values are then checked as a file with them would be checked on import
    (impossible dates, an ``end`` before ``start``, control characters …), so
    what is saved always reads back.
    """
    values: dict[str, object] = {}
    for f in fields:
        text = unicodedata.normalize("NFC", texts.get(f.key, ""))
        if f.choices and text.strip() not in f.choices:
            raise DetailsError(f.key, f"{f.label}は {'・'.join(f.choices)} のどれかにしてください。")
        try:
            values[f.key] = f.parse(text)
        except ValueError as error:
            raise DetailsError(f.key, str(error)) from None
    start, end = values.get("start", meeting.start), values.get("end", meeting.end)
    if end is not None and start is not None and end < start:
        raise DetailsError("end", f"閉会の時刻 {end} が開会の時刻 {start} より前です。どちらかを直してください。")
    _check_as_the_format_would(meeting, values)
    return values


def _check_as_the_format_would(meeting: Meeting, values: dict[str, object]) -> None:
    from minutes.interchange import FormatError, meeting_from_dict, meeting_to_dict

    probe = dataclasses.replace(meeting, people=[], agenda=[], **values)
    try:
        meeting_from_dict(meeting_to_dict(probe), "会議の情報")
    except FormatError as error:
        key = error.path.split(".")[0].split("[")[0] if getattr(error, "path", "") else ""
        raise DetailsError(key if key in values else "", error.message) from None


def changed_values(meeting: Meeting, values: dict[str, object]) -> dict[str, object]:
    """Only the values that differ from the meeting's."""
    return {key: value for key, value in values.items() if getattr(meeting, key) != value}
