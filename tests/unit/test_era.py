"""Japanese era dates, weekdays and times (minutes/era.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from minutes import era


# -- era boundaries -------------------------------------------------------------
@pytest.mark.parametrize(
    ("ymd", "expected"),
    [
        ((1926, 12, 24), ("大正", 15)),
        ((1926, 12, 25), ("昭和", 1)),
        ((1988, 12, 31), ("昭和", 63)),
        ((1989, 1, 7), ("昭和", 64)),
        ((1989, 1, 8), ("平成", 1)),
        ((2019, 4, 30), ("平成", 31)),
        ((2019, 5, 1), ("令和", 1)),
        ((2022, 3, 15), ("令和", 4)),
        ((1912, 7, 29), ("明治", 45)),
        ((1912, 7, 30), ("大正", 1)),
        ((1868, 1, 25), ("明治", 1)),
    ],
)
def test_era_year(ymd, expected):
    assert era.era_year(*ymd) == expected


def test_before_meiji_is_refused():
    with pytest.raises(ValueError, match="明治"):
        era.era_year(1868, 1, 24)
    with pytest.raises(ValueError):
        era.fiscal_year_label(1867)


@pytest.mark.parametrize(
    ("day", "date_text", "weekday"),
    [
        ("1989-01-07", "昭和64年1月7日", "土曜日"),
        ("1989-01-08", "平成元年1月8日", "日曜日"),
        ("2019-04-30", "平成31年4月30日", "火曜日"),
        ("2019-05-01", "令和元年5月1日", "水曜日"),
        ("2020-01-01", "令和2年1月1日", "水曜日"),
        ("2022-03-15", "令和4年3月15日", "火曜日"),
        ("1926-12-25", "昭和元年12月25日", "土曜日"),
    ],
)
def test_format_era_date_and_weekday(day, date_text, weekday):
    assert era.format_era_date(day) == date_text
    assert era.format_era_date(dt.date.fromisoformat(day)) == date_text
    assert era.format_weekday(day) == weekday


def test_boundary_date_lines():
    assert era.format_date_line("1989-01-07", "10:00") == "昭和64年1月7日(土曜日)午前10時から"
    assert era.format_date_line("1989-01-08", "10:00", "11:15") == "平成元年1月8日(日曜日)午前10時から午前11時15分まで"
    assert era.format_date_line("2019-04-30", "9:00", "12:00") == "平成31年4月30日(火曜日)午前9時から午後0時まで"
    assert era.format_date_line("2019-05-01", "13:00") == "令和元年5月1日(水曜日)午後1時から"


# -- fiscal years ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fiscal", "label"),
    [
        (2021, "令和3年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1926, "昭和元年度"),
        (1925, "大正14年度"),
        (2020, "令和2年度"),
    ],
)
def test_fiscal_year_label(fiscal, label):
    assert era.fiscal_year_label(fiscal) == label


# -- times ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("12:00", "午後0時"),
        ("12:05", "午後0時5分"),
        ("0:30", "午前0時30分"),
        ("00:30", "午前0時30分"),
        ("0:00", "午前0時"),
        ("00:00", "午前0時"),
        ("23:59", "午後11時59分"),
        ("19:00", "午後7時"),
        ("17:30", "午後5時30分"),
        ("09:00", "午前9時"),
        ("11:59", "午前11時59分"),
        ("13:01", "午後1時1分"),
        ("18:10:05", "午後6時10分"),
    ],
)
def test_format_time(value, text):
    assert era.format_time(value) == text


def test_format_time_accepts_time_objects():
    assert era.format_time(dt.time(12, 0)) == "午後0時"
    assert era.format_time(dt.time(0, 30)) == "午前0時30分"


@pytest.mark.parametrize("bad", ["25:00", "24:00", "12:60", "noon", "12", "", "1:2", "12:00:61"])
def test_parse_hhmm_refuses_impossible_times(bad):
    with pytest.raises(ValueError):
        era.parse_hhmm(bad)


def test_parse_hhmm():
    assert era.parse_hhmm("17:30") == dt.time(17, 30)
    assert era.parse_hhmm("7:05") == dt.time(7, 5)
    assert era.parse_hhmm("18:10:05") == dt.time(18, 10, 5)


@pytest.mark.parametrize("bad", ["2022-02-30", "2022-13-01", "2022/03/15", "20220315", ""])
def test_parse_date_refuses_impossible_dates(bad):
    with pytest.raises(ValueError):
        era.format_era_date(bad)


# -- the seed's date line ------------------------------------------------------------
def test_seed_date_line():
    assert era.format_date_line("2022-03-15", "17:30", "19:00") == "令和4年3月15日(火曜日)午後5時30分から午後7時まで"


def test_date_line_without_end():
    assert era.format_date_line("2022-03-15", "17:30", None) == "令和4年3月15日(火曜日)午後5時30分から"
    assert era.format_date_line(dt.date(2022, 3, 15), dt.time(17, 30)) == "令和4年3月15日(火曜日)午後5時30分から"


def test_seed_fiscal_year():
    assert era.fiscal_year_label(2021) == "令和3年度"


def test_format_era_timestamp():
    from minutes.era import format_era_timestamp

    assert format_era_timestamp("2022-03-15T18:05:00") == "令和4年3月15日 18:05"
    assert format_era_timestamp("not a time") == "not a time"


# -- fiscal years (年度) -----------------------------------------------------------------
def test_a_fiscal_year_starts_in_april_from_a_date_or_its_text():
    assert era.fiscal_year_of(dt.date(2023, 3, 31)) == 2022
    assert era.fiscal_year_of(dt.datetime(2023, 4, 1, 9, 30)) == 2023
    assert era.fiscal_year_of("2022-03-15") == 2021
    with pytest.raises(ValueError):
        era.fiscal_year_of("令和4年3月15日")
