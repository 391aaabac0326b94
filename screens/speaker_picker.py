"""The speaker picker: everyone present, filtered by name, reading, title and department.

When the words typed match nobody (a 参考人 or 説明員 the roster does not
have), the picker offers them as a free label (highlighted: Enter takes it,
so the picker never stays open swallowing the next words) and as a new person
of the meeting (a small form, :class:`~screens.add_person.AddPerson`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from minutes.model import Item, Meeting, Person
from minutes.speakers import SpeakerRef, candidates
from screens.filter_picker import FilterPicker

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class NewPerson:
    """The picker's answer when the clerk added someone to the meeting."""

    person: Person


@dataclass(frozen=True)
class _AddAsPerson:
    name: str


class SpeakerPicker(FilterPicker[SpeakerRef | NewPerson]):
    """Choose who speaks, or name someone the roster does not have."""

    title_text = "発言者を選ぶ"
    hint_text = "文字を入力して絞り込み、↑↓で選び、Enterで決定(一致しなければ打った名前で)、Escで取消"

    def __init__(self, meeting: Meeting, item: Item | None) -> None:
        super().__init__([(c.text, f"{c.text} {c.keys}", c.ref) for c in candidates(meeting, item)])
        self.meeting = meeting

    def extra_choices(self, query: str) -> list[tuple[str, object]]:
        name = unicodedata.normalize("NFC", query).strip()
        if not name or _CONTROL.search(name):
            return []
        return [
            (f"「{name}」を呼び名にする(名簿にない発言者。この発言から)", SpeakerRef(label=name)),
            (f"「{name}」を出席者に加える(肩書き・所属を入れる)", _AddAsPerson(name)),
        ]

    def choose(self, value) -> None:
        if isinstance(value, _AddAsPerson):
            from screens.add_person import AddPerson

            def added(person: Person | None) -> None:
                if person is not None:
                    self.dismiss(NewPerson(person))

            self.app.push_screen(AddPerson(self.meeting, value.name), added)
            return
        super().choose(value)
