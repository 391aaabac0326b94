"""The demo meeting: the seed minutes, transcribed faithfully.

``data/seed_meeting.json`` is the real 要録 of the 令和3年度第3回
小平市情報公開・個人情報保護・公文書管理審議会 (2022-03-15) in the interchange
format (``shared/meeting-format.md``). Its wording is the official record's,
slips of the pen included; only the paragraphs that the PDF's page breaks cut
in two are joined.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from minutes.model import Meeting

#: The demo meeting as an interchange-format file inside the installed package.
DEMO_PATH: Path = Path(__file__).resolve().parent / "data" / "seed_meeting.json"


def load_demo_dict() -> dict:
    """The demo meeting as the interchange-format dictionary."""
    with DEMO_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_demo() -> "Meeting":
    """The demo meeting as a :class:`~minutes.model.Meeting`."""
    from minutes.interchange import meeting_from_dict

    return meeting_from_dict(load_demo_dict(), str(DEMO_PATH))
