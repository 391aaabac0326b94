"""How the screens' messages name a meeting and its date (the list, the trash)."""

from __future__ import annotations

from minutes.era import format_era_date
from minutes.safe_text import visible


def era_date(value: str) -> str:
    """``令和4年3月15日``; a date the era table cannot print stays as it is."""
    try:
        return format_era_date(value)
    except ValueError:
        return visible(str(value))


def describe(row: dict) -> str:
    """``「令和3年度第3回…会議録(要録)」(令和4年3月15日)``: how messages name a meeting."""
    return f"「{visible(str(row.get('title', '')))}」({era_date(str(row.get('date', '')))})"

