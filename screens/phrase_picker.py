"""The stock phrase picker (定型文): the phrase is shown filled in for the current item.

The result is the filled-in text; a note (「異議なし」と呼ぶ者あり …) comes back as
:class:`NoteText`, so that the screen records it as a note at once.
"""

from __future__ import annotations

from minutes.model import Item, Meeting
from minutes.phrases import Phrase, fill
from screens.filter_picker import FilterPicker


class NoteText(str):
    """A chosen phrase that is a note, not words to type."""


class PhrasePicker(FilterPicker[str]):
    """Choose a stock phrase; the result is the filled-in text."""

    title_text = "定型文を選ぶ"

    def __init__(self, meeting: Meeting, item: Item | None, phrases: list[Phrase]) -> None:
        choices = []
        for phrase in phrases:
            text = fill(phrase.text, meeting, item)
            if phrase.is_note:
                shown = f"{phrase.name}(注記としてすぐ記録): ({text})"
                choices.append((shown, f"{phrase.name} {phrase.speaker} {text}", NoteText(text)))
                continue
            shown = f"{phrase.name}: {text.replace(chr(10), ' / ')}"
            choices.append((shown, f"{phrase.name} {phrase.speaker} {text}", text))
        super().__init__(choices)
