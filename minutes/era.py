"""Japanese era (和暦) dates, weekdays and 午前/午後 times, as official minutes print them.

- ``format_era_date(date(2022, 3, 15))`` → ``令和4年3月15日``; the first year of an
  era is ``元年``: ``令和元年5月1日``.
- ``format_weekday(date(2022, 3, 15))`` → ``火曜日``.
- ``format_time("17:30")`` → ``午後5時30分``; on the hour there is no ``分``
  (``午後7時``); noon is ``午後0時`` and 12:05 is ``午後0時5分``; midnight is
  ``午前0時`` and 0:30 is ``午前0時30分``.
- ``format_date_line(date, "17:30", "19:00")`` →
  ``令和4年3月15日(火曜日)午後5時30分から午後7時まで``.
- ``fiscal_year_label(2021)`` → ``令和3年度``: a fiscal year (April to March) takes
  the newest era that had begun by the (Western) year it starts in, so fiscal
  2019 is ``令和元年度`` and fiscal 1988 is ``昭和63年度``.

Eras, by their first day in the Gregorian calendar: 明治 1868-01-25, 大正
1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01. The 明治 start is
the conventional Gregorian equivalent of the first day of 慶応4年, the year the
era name was applied to retroactively. Earlier dates (the lunisolar calendar) are
refused with :class:`ValueError`.

Dates are :class:`datetime.date` objects or ``"YYYY-MM-DD"`` strings; times are
:class:`datetime.time` objects or ``"HH:MM"`` strings (``"HH:MM:SS"`` is accepted
too, the seconds are not printed).
"""

from __future__ import annotations

import datetime as _dt
import re

#: (era name, first day), oldest first.
ERAS: tuple[tuple[str, _dt.date], ...] = (
    ("明治", _dt.date(1868, 1, 25)),
    ("大正", _dt.date(1912, 7, 30)),
    ("昭和", _dt.date(1926, 12, 25)),
    ("平成", _dt.date(1989, 1, 8)),
    ("令和", _dt.date(2019, 5, 1)),
)

#: The first day this module can print.
EARLIEST = ERAS[0][1]

WEEKDAYS = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")

_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


# -- parsing ----------------------------------------------------------------
def parse_date(value: _dt.date | str) -> _dt.date:
    """A :class:`datetime.date` from a date or a ``"YYYY-MM-DD"`` string.

    Raises :class:`ValueError` for anything else, and for impossible dates
    such as ``2022-02-30``.
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    match = _DATE_RE.match(value)
    if not match:
        raise ValueError(f"not a date in YYYY-MM-DD form: {value!r}")
    year, month, day = (int(g) for g in match.groups())
    return _dt.date(year, month, day)  # raises ValueError when impossible


def parse_hhmm(value: _dt.time | str) -> _dt.time:
    """A :class:`datetime.time` from a time or an ``"HH:MM"`` string (24 h).

    ``"H:MM"`` and ``"HH:MM:SS"`` are accepted too. Raises :class:`ValueError`
    for anything else and for impossible times such as ``25:00`` or ``12:60``.
    """
    if isinstance(value, _dt.datetime):
        return value.time()
    if isinstance(value, _dt.time):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a time: {value!r}")
    match = _TIME_RE.match(value)
    if not match:
        raise ValueError(f"not a time in HH:MM form: {value!r}")
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3)) if match.group(3) is not None else 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise ValueError(f"impossible time: {value!r}")
    return _dt.time(hour, minute, second)


# -- eras ---------------------------------------------------------------------
def era_of(day: _dt.date | str) -> tuple[str, int]:
    """``(era name, year of the era)`` for a date: 2022-03-15 → ``("令和", 4)``."""
    day = parse_date(day)
    if day < EARLIEST:
        raise ValueError(f"dates before {EARLIEST.isoformat()} (明治) are not supported: {day.isoformat()}")
    name, start = ERAS[0]
    for era_name, era_start in ERAS:
        if day >= era_start:
            name, start = era_name, era_start
    return name, day.year - start.year + 1


def era_year(year: int, month: int, day: int) -> tuple[str, int]:
    """``(era name, year of the era)``: ``era_year(1989, 1, 8)`` → ``("平成", 1)``."""
    return era_of(_dt.date(year, month, day))


def format_era_year(name: str, number: int) -> str:
    """``令和4年``; year 1 is ``元年`` (``令和元年``)."""
    return f"{name}{'元' if number == 1 else number}年"


def format_era_date(day: _dt.date | str) -> str:
    """``令和4年3月15日``."""
    day = parse_date(day)
    name, number = era_of(day)
    return f"{format_era_year(name, number)}{day.month}月{day.day}日"


def format_weekday(day: _dt.date | str) -> str:
    """``火曜日``."""
    return WEEKDAYS[parse_date(day).weekday()]


def format_time(value: _dt.time | str) -> str:
    """``午後5時30分``; ``午後7時`` on the hour; ``午後0時`` at noon, ``午前0時`` at midnight.

    Hours run 0 to 11 in each half of the day (the official style): 12:05 is
    ``午後0時5分``, 0:30 is ``午前0時30分``. Seconds are not printed.
    """
    t = parse_hhmm(value)
    half = "午前" if t.hour < 12 else "午後"
    text = f"{half}{t.hour % 12}時"
    if t.minute:
        text += f"{t.minute}分"
    return text


def format_date_line(day: _dt.date | str, start: _dt.time | str, end: _dt.time | str | None = None) -> str:
    """``令和4年3月15日(火曜日)午後5時30分から午後7時まで``; without ``end``, ``…午後5時30分から``."""
    line = f"{format_era_date(day)}({format_weekday(day)}){format_time(start)}から"
    if end is not None and end != "":
        line += f"{format_time(end)}まで"
    return line


def fiscal_year_of(day: _dt.date | str) -> int:
    """The fiscal year (年度, April to March) of a day, as the Western year it starts in.

    A string is a ``YYYY-MM-DD`` date (:class:`ValueError` otherwise).
    """
    day = parse_date(day)
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(fiscal_year: int) -> str:
    """``令和3年度`` for fiscal 2021 (April 2021 to March 2022).

    The era is the newest one that had begun by the Western year the fiscal
    year starts in: fiscal 2019 → ``令和元年度``, 1989 → ``平成元年度``, 1988 →
    ``昭和63年度``.
    """
    if not isinstance(fiscal_year, int) or isinstance(fiscal_year, bool):
        raise ValueError(f"not a fiscal year: {fiscal_year!r}")
    if fiscal_year < EARLIEST.year:
        raise ValueError(f"fiscal years before {EARLIEST.year} (明治) are not supported: {fiscal_year}")
    name, start = ERAS[0]
    for era_name, era_start in ERAS:
        if era_start.year <= fiscal_year:
            name, start = era_name, era_start
    return f"{format_era_year(name, fiscal_year - start.year + 1)}度"


def format_era_timestamp(stamp: str) -> str:
    """``令和4年3月15日 18:05`` (local time) for an ISO date-time; the text itself if it is not one."""
    try:
        when = _dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp
    if when.tzinfo is not None:
        when = when.astimezone()
    try:
        day = format_era_date(when.date())
    except ValueError:
        day = when.date().isoformat()
    return f"{day} {when:%H:%M}"
