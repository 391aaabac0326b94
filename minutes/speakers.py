"""Who is speaking: the choices behind the speaker keys and the speaker picker."""

from __future__ import annotations

from dataclasses import dataclass

from minutes.model import GROUP_DEPARTMENT, GROUP_SECRETARIAT, Item, Meeting, Speech


@dataclass(frozen=True)
class SpeakerRef:
    """A speaker as an entry stores it: a person's id, or a label such as 委員 or a department."""

    speaker_id: str | None = None
    label: str | None = None

    def speech(self, text: str, time: str | None = None) -> Speech:
        """A new speech by this speaker."""
        return Speech(text=text, speaker_id=self.speaker_id, label=self.label, time=time)

    @classmethod
    def of(cls, speech: Speech) -> "SpeakerRef":
        """The speaker of an existing speech."""
        return cls(speech.speaker_id, speech.label)


MEMBER_UNNAMED = SpeakerRef(label="委員")
SECRETARIAT = SpeakerRef(label="事務局")


def display(meeting: Meeting, ref: SpeakerRef | None) -> str:
    """How the entry bar shows a speaker: ``会長 昼間守仁``, ``委員(氏名なし)``, ``資源循環課``."""
    if ref is None:
        return ""
    if ref.speaker_id is not None:
        person = meeting.person(ref.speaker_id)
        if person is None:
            return ref.speaker_id
        if person.is_member:
            return f"{person.title} {person.name}"
        return f"{person.department or person.group} {person.name}{person.title}"
    if ref == MEMBER_UNNAMED:
        return "委員(氏名なし)"
    return ref.label or ""


def chair(meeting: Meeting) -> SpeakerRef:
    """The chair (会長): the listed person, or the label when the list has no chair."""
    person = meeting.chair
    return SpeakerRef(speaker_id=person.id) if person else SpeakerRef(label="会長")


def vice_chair(meeting: Meeting) -> SpeakerRef | None:
    """The vice-chair (副会長), if listed."""
    for person in meeting.members:
        if person.is_vice_chair:
            return SpeakerRef(speaker_id=person.id)
    return None


def departments(meeting: Meeting, item: Item | None) -> list[SpeakerRef]:
    """The departments of an item as speaker labels (all 関係課 departments when it names none)."""
    names: list[str] = list(item.departments) if item is not None else []
    if not names:
        for person in meeting.people:
            if person.group == GROUP_DEPARTMENT and person.department and person.department not in names:
                names.append(person.department)
    return [SpeakerRef(label=name) for name in names]


@dataclass(frozen=True)
class Candidate:
    """One line of the speaker picker."""

    ref: SpeakerRef
    text: str
    """What the picker shows."""
    keys: str
    """What the filter matches: name, reading, title, department, group."""


def candidates(meeting: Meeting, item: Item | None) -> list[Candidate]:
    """Everyone present who may speak, then the labels (委員 unnamed, 事務局, departments)."""
    result: list[Candidate] = []
    for person in meeting.people:
        if not person.present:
            continue
        ref = SpeakerRef(speaker_id=person.id)
        keys = " ".join(
            part for part in (person.name, person.reading, person.title, person.department, person.group) if part
        )
        result.append(Candidate(ref, display(meeting, ref), keys))
    labels = [MEMBER_UNNAMED, SECRETARIAT, *departments(meeting, item)]
    seen: set[str] = set()
    for ref in labels:
        if ref.label in seen:
            continue
        seen.add(ref.label or "")
        text = display(meeting, ref)
        group = "委員" if ref == MEMBER_UNNAMED else GROUP_SECRETARIAT if ref == SECRETARIAT else GROUP_DEPARTMENT
        result.append(Candidate(ref, f"{text}(呼び名)", f"{ref.label} {group}"))
    return result


def matches(candidate: Candidate, query: str) -> bool:
    """True if every word of the query occurs in the candidate's keys (case-insensitive)."""
    haystack = candidate.keys.casefold()
    return all(word.casefold() in haystack for word in query.split())
