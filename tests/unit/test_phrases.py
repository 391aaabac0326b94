"""Stock phrases filled in from the current item (minutes.phrases)."""

from __future__ import annotations

from minutes.demo import load_demo
from minutes.phrases import BUILTIN_PHRASES, fill


def _phrase(name: str) -> str:
    return next(p.text for p in BUILTIN_PHRASES if p.name == name)


def test_an_item_with_a_kind_is_named_with_it_as_in_the_reference_minutes():
    meeting = load_demo()
    item = meeting.agenda[0]  # (1) …について(諮問)
    assert item.kind == "諮問"
    text = fill(_phrase("議事の開始(説明の依頼)"), meeting, item)
    assert text == f"議事の1番目「{item.title}」の諮問です。それでは、諮問内容について、担当課から説明をお願いします。"
    assert fill(_phrase("承認の諮り"), meeting, item) == "それでは、この諮問を承認してよいかどうかについていかがでしょうか。"


def test_an_item_without_a_kind_leaves_no_dangling_particle():
    meeting = load_demo()
    item = meeting.agenda[-1]  # (4) その他
    assert not item.kind
    start = fill(_phrase("議事の開始(説明の依頼)"), meeting, item)
    assert "「その他」です。それでは、内容について" in start
    assert "のです" not in start
    assert fill(_phrase("承認の諮り"), meeting, item) == "それでは、この件を承認してよいかどうかについていかがでしょうか。"


def test_an_unknown_placeholder_is_left_as_typed():
    meeting = load_demo()
    assert fill("{件名}と{けんめい}", meeting, meeting.agenda[0]).endswith("と{けんめい}")
