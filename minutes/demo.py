"""The demo meeting: the seed minutes, transcribed faithfully.

``data/seed_meeting.json`` is the real 要録 of the 令和3年度第3回
小平市情報公開・個人情報保護・公文書管理審議会 (2022-03-15) in the interchange
format (``shared/meeting-format.md``). Its wording is the official record's,
slips of the pen included; only the paragraphs that the PDF's page breaks cut
in two are joined.

``data/council_meeting.json`` is a second example, written for kaigiroku with
fictional names: a city council's standing committee (みどり野市議会総務常任委員会)
chaired by a 委員長, with notes (「なし」と呼ぶ者あり), a recess and resumption,
a show of hands, a 陳情 decided without objection, 配布資料 and 署名委員
(``kaigiroku demo --council``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from minutes.model import Meeting

#: The demo meeting as an interchange-format file inside the installed package.
DEMO_PATH: Path = Path(__file__).resolve().parent / "data" / "seed_meeting.json"


#: The council committee example.
COUNCIL_PATH: Path = Path(__file__).resolve().parent / "data" / "council_meeting.json"


def load_demo_dict(path: Path = DEMO_PATH) -> dict:
    """The demo meeting (or another example at ``path``) as the interchange-format dictionary."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_demo(path: Path = DEMO_PATH) -> "Meeting":
    """The demo meeting (or another example at ``path``) as a :class:`~minutes.model.Meeting`."""
    from minutes.interchange import meeting_from_dict

    return meeting_from_dict(load_demo_dict(path), str(path))


def load_council() -> "Meeting":
    """The council committee example as a :class:`~minutes.model.Meeting`."""
    return load_demo(COUNCIL_PATH)
