"""The stock phrase picker (定型文): the phrase is shown filled in for the current item."""

from __future__ import annotations

from minutes.model import Item, Meeting
from minutes.phrases import Phrase, fill
from screens.filter_picker import FilterPicker


class PhrasePicker(FilterPicker[str]):
    """Choose a stock phrase; the result is the filled-in text."""

    title_text = "定型文を選ぶ"

    def __init__(self, meeting: Meeting, item: Item | None, phrases: list[Phrase]) -> None:
        choices = []
        for phrase in phrases:
            text = fill(phrase.text, meeting, item)
            shown = f"{phrase.name}: {text.replace(chr(10), ' / ')}"
            choices.append((shown, f"{phrase.name} {phrase.speaker} {text}", text))
        super().__init__(choices)
