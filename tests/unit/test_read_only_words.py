"""A refused change says why and what to do instead (tui/read_only.py)."""

from __future__ import annotations

from tui import read_only


def test_each_reason_comes_with_what_to_do():
    assert read_only.refusal(read_only.LOCKED, "変更はできません") == (
        "別のkaigirokuがこのデータフォルダを使用中です。変更はできません。"
        "変更するには、もう一方のkaigirokuを終了してから開き直してください。"
    )
    assert "F9" in read_only.refusal(read_only.FINAL, "変更はできません")
    assert "--data-dir" in read_only.refusal(read_only.UNWRITABLE, "新しい会議は作れません")
    # viewing only was asked for: nothing to do about it
    assert read_only.refusal(read_only.VIEW_ONLY, "変更はできません") == "閲覧のみで開いています。変更はできません。"
