"""The committee settings a meeting carries (``extra["committee"]``): its vote rule, quorum and export defaults.

Split from :mod:`minutes.committee` so that the minute-taking screen, which
needs only these to draw its first frame, does not import the committee
editor's model; :mod:`minutes.committee` re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from minutes.model import RULE_MAJORITY, RULES, Meeting

T = TypeVar("T")

#: How votes print in an export: one line per member, or the result in one line.
EXPORT_VOTES = ("roll", "summary")
#: The key of a meeting's ``extra`` that holds the settings of its committee.
EXTRA_COMMITTEE = "committee"


def meeting_rule(meeting: Meeting) -> str:
    """The vote rule of the meeting's committee (majority when the meeting has none)."""
    settings = (meeting.extra or {}).get(EXTRA_COMMITTEE)
    if isinstance(settings, dict) and settings.get("rule") in RULES:
        return settings["rule"]
    return RULE_MAJORITY


def export_defaults(meeting: Meeting) -> dict:
    """The committee's export defaults for this meeting: ``ExportOptions(**export_defaults(m))``.

    ``{"named": False, "votes": "roll"}`` when the meeting has no committee settings.
    """
    settings = (meeting.extra or {}).get(EXTRA_COMMITTEE)
    named, votes = False, "roll"
    if isinstance(settings, dict):
        if isinstance(settings.get("export_named"), bool):
            named = settings["export_named"]
        if settings.get("export_votes") in EXPORT_VOTES:
            votes = settings["export_votes"]
    return {"named": named, "votes": votes}


def meeting_quorum(meeting: Meeting) -> int:
    """Members who must be present: the committee's quorum, else more than half of the members."""
    settings = (meeting.extra or {}).get(EXTRA_COMMITTEE)
    if isinstance(settings, dict):
        quorum = settings.get("quorum")
        if isinstance(quorum, int) and not isinstance(quorum, bool) and quorum >= 1:
            return quorum
    return len(meeting.members) // 2 + 1


def committee_export_style(meeting: Meeting) -> str | None:
    """The default style of the meeting's committee as the meeting carries it, if one was chosen."""
    settings = (meeting.extra or {}).get(EXTRA_COMMITTEE)
    if isinstance(settings, dict):
        style = settings.get("export_style")
        if isinstance(style, str) and style.strip():
            return style
    return None


def find_committee(committees: Iterable[T], meeting: Meeting, id_and_name: Callable[[T], tuple]) -> T | None:
    """The committee a meeting belongs to: the one it was made from, else the one with its body's name.

    ``id_and_name(c)`` gives a committee's id and name, so that committees and
    their stored dicts are found by the same rule.
    """
    committees = list(committees)
    settings = (meeting.extra or {}).get(EXTRA_COMMITTEE)
    if isinstance(settings, dict):
        for committee in committees:
            if id_and_name(committee)[0] == settings.get("id"):
                return committee
    for committee in committees:
        if id_and_name(committee)[1] == meeting.body:
            return committee
    return None
