"""Stock phrases (定型文): the chair's procedural lines, filled in from the meeting.

Placeholders in a phrase are written in braces and filled from the current
agenda item:

=========  =====================================================
``{番号}``  the item's number within its section (議事の1番目 → 1)
``{件名}``  the item's title
``{種別}``  the item's kind (諮問, 報告 …)
``{担当課}`` the item's first attending department
``{会議体}`` the council's name
=========  =====================================================

An unknown placeholder is left as it is, so a committee's own phrase with a
typo still inserts (and shows the typo) instead of failing.

An item without a kind (その他, an item that is neither 諮問 nor 報告) leaves
no dangling particle: 「その他」の{種別}です → 「その他」です, この{種別}を → この件を.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from minutes.model import Item, Meeting


@dataclass(frozen=True)
class Phrase:
    """One stock phrase."""

    name: str
    """What the list shows, e.g. ``議事の開始``."""
    text: str
    """The phrase, with placeholders."""
    speaker: str = ""
    """Who usually says it: ``会長``, ``委員``, ``事務局`` or empty; :data:`NOTE` for a note
    (a line no one speaks), which is recorded as a note the moment it is chosen."""

    @property
    def is_note(self) -> bool:
        return self.speaker == NOTE


#: The ``speaker`` of a stock note.
NOTE = "注記"

#: Notes every council needs (interjections and what the chair sees), offered with any phrase list.
STOCK_NOTES: tuple[Phrase, ...] = (
    Phrase("注記: 異議なし", "「異議なし」と呼ぶ者あり", NOTE),
    Phrase("注記: なし", "「なし」の声あり", NOTE),
    Phrase("注記: 賛成者挙手", "賛成者挙手", NOTE),
    Phrase("注記: 賛成者起立", "賛成者起立", NOTE),
)


def with_stock_notes(phrases: list[Phrase]) -> list[Phrase]:
    """The phrases, then each stock note the list does not have already."""
    texts = {(p.text, p.speaker) for p in phrases}
    return list(phrases) + [note for note in STOCK_NOTES if (note.text, note.speaker) not in texts]


BUILTIN_PHRASES: tuple[Phrase, ...] = (
    Phrase(
        "議事の開始(説明の依頼)",
        "議事の{番号}番目「{件名}」の{種別}です。それでは、{種別}内容について、担当課から説明をお願いします。",
        "会長",
    ),
    Phrase("説明の終わり(質問の呼びかけ)", "説明は終わりました。この件について、担当課に対して御質問はありますか。", "会長"),
    Phrase("報告の終わり(質問の呼びかけ)", "報告は終わりました。この件について、担当課に対して御質問はありますか。", "会長"),
    Phrase("承認の諮り", "それでは、この{種別}を承認してよいかどうかについていかがでしょうか。", "会長"),
    Phrase(
        "承認の宣言(担当課へのお礼)",
        "それでは、「{件名}」は、承認することといたします。\n担当課の方は、ありがとうございました。",
        "会長",
    ),
    Phrase("承認します", "承認します。", "委員"),
    Phrase("その他(事務局への確認)", "その他に何か事務局からありますか。", "会長"),
    Phrase("特になし", "特になし。", "事務局"),
    Phrase("閉会", "以上で本日の会議を終了します。お疲れ様でした。", "会長"),
)

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def placeholders(meeting: Meeting, item: Item | None) -> dict[str, str]:
    """The values of the placeholders for this item."""
    values = {"会議体": meeting.body}
    if item is not None:
        values.update(
            {
                "番号": str(meeting.agenda_number(item)),
                "件名": item.title,
                "種別": item.kind,
                "担当課": item.departments[0] if item.departments else "",
            }
        )
    return values


#: For an item without a kind: the words around {種別} that would be left dangling, in order.
_WITHOUT_KIND = (("この{種別}", "この件"), ("の{種別}", ""))


def fill(text: str, meeting: Meeting, item: Item | None) -> str:
    """The phrase with its placeholders filled from the meeting and item."""
    values = placeholders(meeting, item)
    if item is not None and not item.kind:
        for words, instead in _WITHOUT_KIND:
            text = text.replace(words, instead)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def phrases_from_settings(raw: object) -> list[Phrase]:
    """A committee's own phrases as stored in the library (a list of dicts); bad rows are skipped."""
    result: list[Phrase] = []
    if not isinstance(raw, list):
        return result
    for row in raw:
        if isinstance(row, dict) and isinstance(row.get("name"), str) and isinstance(row.get("text"), str):
            result.append(Phrase(row["name"], row["text"], str(row.get("speaker", ""))))
    return result
