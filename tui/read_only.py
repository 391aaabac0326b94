"""Why nothing may be changed, and what the clerk can do about it: one wording for every screen."""

from __future__ import annotations

#: Another kaigiroku holds the data folder's write lock.
LOCKED = "別のkaigirokuがこのデータフォルダを使用中です"
#: The data folder cannot be written (permissions, a read-only disk).
UNWRITABLE = "データフォルダに書き込めません"
#: Opened for viewing only.
VIEW_ONLY = "閲覧のみで開いています"
#: The minutes of this meeting are final.
FINAL = "確定済みの会議録です"

_WHAT_TO_DO = {
    LOCKED: "変更するには、もう一方のkaigirokuを終了してから開き直してください。",
    UNWRITABLE: "フォルダの権限と空きを確かめるか、別のデータフォルダを指定して開き直してください(--data-dir)。",
    FINAL: "変更するには、会議の一覧で F9 を押して確定を取り消してください。",
}


def refusal(reason: str, what: str) -> str:
    """``{reason}。{what}。`` and, where there is one, what to do instead."""
    return f"{reason}。{what}。{_WHAT_TO_DO.get(reason, '')}"


def refuse_if_read_only(screen, what: str, **notify) -> bool:
    """Say so and return True when the app cannot write its data folder (``what``: what is refused)."""
    reason = getattr(screen.app, "read_only_reason", None)
    if not reason:
        return False
    screen.notify(refusal(reason, what), severity="warning", **notify)
    return True
