"""Property tests: generated meetings round-trip; broken documents only ever raise FormatError."""

from __future__ import annotations

import copy
import dataclasses
import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from minutes.interchange import (
    ITEM_KEYS,
    PERSON_KEYS,
    TOP_KEYS,
    VOTE_KEYS,
    FormatError,
    dumps_meeting,
    meeting_from_dict,
    meeting_to_dict,
    parse_meeting,
)
from minutes.model import GROUP_MEMBER
from tests.strategies import json_values, meetings

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def is_subsequence(keys: list[str], order: tuple[str, ...]) -> bool:
    positions = [order.index(k) for k in keys]
    return positions == sorted(positions)


# -- round trips -------------------------------------------------------------------


@SETTINGS
@given(meetings())
def test_dumps_parse_dumps_is_stable(meeting):
    text = dumps_meeting(meeting)
    for person in meeting.people:  # non-ASCII text is written as is, not \u-escaped
        assert json.dumps(person.name, ensure_ascii=False)[1:-1] in text
    again = parse_meeting(text.encode("utf-8"), "gen.json")
    assert dumps_meeting(again) == text
    assert dumps_meeting(parse_meeting(dumps_meeting(again), "gen.json")) == text


@SETTINGS
@given(meetings())
def test_dict_round_trip_keeps_every_key_and_value(meeting):
    d = meeting_to_dict(meeting)
    original = copy.deepcopy(d)
    back = meeting_to_dict(meeting_from_dict(d, "gen.json"))
    assert d == original, "meeting_from_dict must not change its input"
    assert back == original
    assert list(back) == list(original)


@SETTINGS
@given(meetings())
def test_model_survives_round_trip(meeting):
    expected = copy.deepcopy(meeting)
    for person in expected.people:
        person.votes = person.has_vote  # written as the effective right
        person.role = person.effective_role  # a member's role is spelled out
    assert meeting_from_dict(meeting_to_dict(meeting)) == expected


@SETTINGS
@given(meetings())
def test_keys_follow_the_format_tables(meeting):
    d = meeting_to_dict(meeting)
    assert is_subsequence(list(d), TOP_KEYS)
    for person in d["people"]:
        assert is_subsequence(list(person), PERSON_KEYS)
    for item in d["agenda"]:
        assert is_subsequence(list(item), ITEM_KEYS)
        for entry in item["log"]:
            if "vote" in entry:
                assert is_subsequence(list(entry["vote"]), VOTE_KEYS)
            elif "note" in entry:
                assert list(entry)[0] == "note"
            elif "event" in entry:
                assert list(entry) == ["event", "time"]
            else:
                assert list(entry)[:2] == ["speaker", "text"]
                assert "uid" not in entry


def _defaults_dropped(d: dict, data, meeting) -> dict:
    """Leave out keys whose value is the default, at random (``meeting`` is what ``d`` was written from)."""
    sparse = copy.deepcopy(d)

    def maybe_drop(obj: dict, key: str, default) -> None:
        if key in obj and obj[key] == default and type(obj[key]) is type(default) and data.draw(st.booleans()):
            del obj[key]

    for key, default in (("record_style", "要録"), ("observers", 0), ("status", "draft"), ("end", None)):
        maybe_drop(sparse, key, default)
    for person, model in zip(sparse["people"], meeting.people, strict=True):
        maybe_drop(person, "present", True)
        # The default voting right is the model's: every member but the chair, whose role
        # may be set apart from the title (a 副会長 in the chair's role has no vote by default).
        maybe_drop(person, "votes", model.is_member and not model.is_chair)
    for item in sparse["agenda"]:
        for key, default in (("section", "議事"), ("kind", ""), ("departments", []), ("log", [])):
            maybe_drop(item, key, default)
        for entry in item.get("log", []):
            if "vote" in entry:
                maybe_drop(entry["vote"], "rule", "majority")
                maybe_drop(entry["vote"], "chair_decides", None)
    return sparse


def _contains(exported, original) -> bool:
    if isinstance(original, dict):
        return isinstance(exported, dict) and all(k in exported and _contains(exported[k], v) for k, v in original.items())
    if isinstance(original, list):
        return isinstance(exported, list) and len(exported) == len(original) and all(
            _contains(a, b) for a, b in zip(exported, original)
        )
    return exported == original and type(exported) is type(original)


@SETTINGS
@given(meetings(), st.data())
def test_sparse_input_round_trips_with_defaults_spelled_out(meeting, data):
    sparse = _defaults_dropped(meeting_to_dict(meeting), data, meeting)
    once = meeting_to_dict(meeting_from_dict(copy.deepcopy(sparse)))
    assert _contains(once, sparse)
    assert once == meeting_to_dict(meeting)
    assert meeting_to_dict(meeting_from_dict(copy.deepcopy(once))) == once


# -- broken documents ---------------------------------------------------------------------

# Locations are tuples of keys/indexes from the root. ``extra`` is free-form and skipped.


def _locations(d: dict):
    """Every (location, value, kind) of the document outside ``extra``.

    ``kind`` names the object a dict is (top, person, item, speech, vote-entry,
    vote, speaker, ballots) or ``None`` for other values.
    """
    out = [((), d, "top")]
    for key, value in d.items():
        if key == "extra":
            out.append((("extra",), value, None))
            continue
        if key not in ("people", "agenda"):
            out.append(((key,), value, None))
        if key == "disclosure":
            out.append((("disclosure",), value, "disclosure"))
            out += [(("disclosure", k), v, None) for k, v in value.items()]
        if key == "documents":
            for i, doc in enumerate(value):
                out.append((("documents", i), doc, "document"))
                out += [(("documents", i, k), v, None) for k, v in doc.items()]
        if key == "signers":
            out += [(("signers", i), v, None) for i, v in enumerate(value)]
    out.append((("people",), d["people"], None))
    for i, person in enumerate(d["people"]):
        out.append((("people", i), person, "person"))
        out += [(("people", i, k), v, None) for k, v in person.items()]
    out.append((("agenda",), d["agenda"], None))
    for i, item in enumerate(d["agenda"]):
        base = ("agenda", i)
        out.append((base, item, "item"))
        for k, v in item.items():
            out.append((base + (k,), v, None))
        for j, dep in enumerate(item["departments"]):
            out.append((base + ("departments", j), dep, None))
        for j, entry in enumerate(item["log"]):
            eloc = base + ("log", j)
            if "vote" in entry:
                out.append((eloc, entry, "vote-entry"))
                vote = entry["vote"]
                out.append((eloc + ("vote",), vote, "roll-vote" if vote["method"] == "roll" else "vote"))
                for k, v in vote.items():
                    out.append((eloc + ("vote", k), v, k if k in ("ballots", "counts") else None))
                for voter, ballot in vote.get("ballots", {}).items():
                    out.append((eloc + ("vote", "ballots", voter), ballot, None))
                for key, number in vote.get("counts", {}).items():
                    out.append((eloc + ("vote", "counts", key), number, None))
            elif "note" in entry:
                out.append((eloc, entry, "note"))
                out += [(eloc + (k,), v, None) for k, v in entry.items()]
            elif "event" in entry:
                out.append((eloc, entry, "event"))
                out += [(eloc + (k,), v, None) for k, v in entry.items()]
            else:
                out.append((eloc, entry, "speech"))
                for k, v in entry.items():
                    out.append((eloc + (k,), v, "speaker" if k == "speaker" and isinstance(v, dict) else None))
                if isinstance(entry["speaker"], dict):
                    out.append((eloc + ("speaker", "label"), entry["speaker"]["label"], None))
    return out


REQUIRED = {
    "top": ("format", "version", "body", "date", "start", "place", "people", "agenda"),
    "person": ("id", "name", "group"),
    "item": ("id", "title"),
    "speech": ("speaker", "text"),
    "vote-entry": ("vote",),
    "roll-vote": ("ballots", "result"),
    "vote": ("result",),
    "speaker": ("label",),
    "note": ("note",),
    "event": ("event", "time"),
    "document": ("label", "title"),
    "disclosure": ("status",),
    "counts": ("承認", "不承認", "保留"),
}


def _get(d, loc):
    for key in loc:
        d = d[key]
    return d


def _set(d, loc, value):
    _get(d, loc[:-1])[loc[-1]] = value


def _category(value) -> str:
    if value is None:
        return "null"
    for name, kind in (("bool", bool), ("int", int), ("float", float), ("str", str), ("list", list), ("dict", dict)):
        if isinstance(value, kind):
            return name
    raise AssertionError(value)


REPLACEMENTS = {"null": None, "bool": True, "int": 7, "float": 1.5, "str": "\x01", "list": [], "dict": {}}
BAD_CHARS = ["\x00", "\x01", "\x1b", "\r", "\x7f", "\x80", "\x85", "\x9f", "\ud800", "\udfff"]
BAD_DATES = ["2022-02-30", "2021-02-29", "2022-13-01", "2022-00-10", "2022-3-15", "2022/03/15", "22-03-15", "", "1900-01-01", "令和4年3月15日"]
BAD_HHMM = ["24:00", "25:00", "7:30", "12:60", "12:00:00", "", "noon", "１２:００"]
BAD_HHMMSS = ["24:00:00", "12:00", "12:60:00", "12:00:60", "1:02:03", ""]


def _refused(doc) -> FormatError:
    try:
        meeting_from_dict(doc, "broken.json")
    except FormatError as err:
        str(err).encode("utf-8")  # the message is printable
        return err
    raise AssertionError(f"accepted a broken document: {doc!r}")


@SETTINGS
@given(meetings(), st.data())
def test_deleting_a_required_key_is_refused(meeting, data):
    d = meeting_to_dict(meeting)
    targets = []
    for loc, value, kind in _locations(d):
        if kind in REQUIRED:
            targets += [(loc, key) for key in REQUIRED[kind]]
            if kind == "person" and value["group"] != GROUP_MEMBER:
                targets.append((loc, "department"))
            if kind == "person" and value["group"] == GROUP_MEMBER:
                targets.append((loc, "title"))
            if kind == "disclosure" and value["status"] != "公開":
                targets.append((loc, "reason"))
    loc, key = data.draw(st.sampled_from(targets))
    del _get(d, loc)[key]
    _refused(d)


@SETTINGS
@given(meetings(), st.data())
def test_changing_a_type_is_refused(meeting, data):
    d = meeting_to_dict(meeting)
    loc, value, _ = data.draw(st.sampled_from([x for x in _locations(d) if x[0]]))
    choices = [c for c in REPLACEMENTS if c != _category(value)]
    if loc == ("end",) and "null" in choices:
        choices.remove("null")  # end may be null
    replacement = REPLACEMENTS[data.draw(st.sampled_from(choices))]
    _set(d, loc, copy.deepcopy(replacement))
    _refused(d)


@SETTINGS
@given(meetings(), st.data())
def test_an_unknown_key_is_refused(meeting, data):
    d = meeting_to_dict(meeting)
    loc, obj, _ = data.draw(st.sampled_from([x for x in _locations(d) if x[2] is not None]))
    key = data.draw(st.sampled_from(["\x00unknown", "\x00votes", "uid", "Name"]))
    assume(key not in obj)
    obj[key] = data.draw(st.sampled_from(["x", 1, None, [], {}]))
    err = _refused(d)
    assert "このキーは形式にありません" in err.message or "出席者一覧(people)にないid" in err.message


@SETTINGS
@given(meetings(), st.data())
def test_a_control_character_is_refused(meeting, data):
    d = meeting_to_dict(meeting)
    strings = [x for x in _locations(d) if isinstance(x[1], str) and x[0][0] != "extra"]
    loc, value, _ = data.draw(st.sampled_from(strings))
    is_speech_text = loc[-1] == "text" and loc[0] == "agenda"
    bad = data.draw(st.sampled_from(BAD_CHARS if is_speech_text else BAD_CHARS + ["\n"]))
    at = data.draw(st.integers(0, len(value)))
    _set(d, loc, value[:at] + bad + value[at:])
    _refused(d)


@SETTINGS
@given(meetings(), st.data())
def test_a_broken_date_or_time_is_refused(meeting, data):
    d = meeting_to_dict(meeting)
    targets = [(("date",), BAD_DATES), (("start",), BAD_HHMM), (("end",), BAD_HHMM)]
    for loc, value, _ in _locations(d):
        if loc and loc[-1] in ("arrived", "left"):
            targets.append((loc, BAD_HHMM))
        if loc and loc[-1] == "time":
            # an event's time may be HH:MM too
            event = len(loc) > 1 and "event" in _get(d, loc[:-1])
            targets.append((loc, [t for t in BAD_HHMMSS if t != "12:00"] if event else BAD_HHMMSS))
    loc, bad = data.draw(st.sampled_from(targets))
    _set(d, loc, data.draw(st.sampled_from(bad)))
    _refused(d)


@SETTINGS
@given(meetings(), st.data())
def test_end_before_start_is_refused(meeting, data):
    d = meeting_to_dict(meeting)
    assume(d["start"] != "00:00")
    minutes = int(d["start"][:2]) * 60 + int(d["start"][3:])
    earlier = data.draw(st.integers(0, minutes - 1))
    d["end"] = f"{earlier // 60:02d}:{earlier % 60:02d}"
    assert _refused(d).path == "end"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(meetings(), st.data())
def test_a_contradicting_vote_is_refused(meeting, data):
    d = meeting_to_dict(meeting)
    # Only a vote with ballots or counts can contradict them; one without is taken as declared.
    votes = [x for x in _locations(d) if x[2] in ("vote", "roll-vote") and ("ballots" in x[1] or "counts" in x[1])]
    assume(votes)
    loc, vote, _ = data.draw(st.sampled_from(votes))
    flip = {"承認": "不承認", "不承認": "承認"}
    vote["result"] = flip[vote["result"]]
    err = _refused(d)
    assert err.path.startswith("agenda[") and "賛成" in err.message and "反対" in err.message


@SETTINGS
@given(meetings(), st.data())
def test_any_replacement_never_crashes(meeting, data):
    """Replace any value with any JSON value: accepted or FormatError, nothing else."""
    d = meeting_to_dict(meeting)
    loc, _, _ = data.draw(st.sampled_from([x for x in _locations(d) if x[0]]))
    _set(d, loc, data.draw(json_values()))
    try:
        meeting_from_dict(d, "fuzz.json")
    except FormatError:
        pass


@settings(max_examples=200, deadline=None)
@given(json_values(max_leaves=12))
def test_random_json_values_only_raise_format_error(value):
    try:
        meeting_from_dict(value, "random.json")
    except FormatError:
        pass
    text = json.dumps(value)
    try:
        parse_meeting(text, "random.json")
    except FormatError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_only_raise_format_error(raw):
    try:
        parse_meeting(raw, "random.bin")
    except FormatError:
        pass


@settings(max_examples=100, deadline=None)
@given(meetings(max_people=3, max_items=2, max_entries=2), st.data())
def test_random_byte_edits_only_raise_format_error(meeting, data):
    raw = bytearray(dumps_meeting(meeting).encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        byte = data.draw(st.integers(0, 255))
        if action == "delete":
            del raw[at]
        elif action == "insert":
            raw.insert(at, byte)
        else:
            raw[at] = byte
    try:
        parse_meeting(bytes(raw), "edited.json")
    except FormatError:
        pass


@settings(max_examples=50, deadline=None)
@given(meetings(max_people=3, max_items=2, max_entries=3))
def test_generated_meetings_are_valid_models(meeting):
    """The strategy itself: ids unique, ballots only from voters, results consistent."""
    ids = [p.id for p in meeting.people]
    assert len(ids) == len(set(ids))
    voters = {p.id for p in meeting.voters}
    for _, entry in meeting.entries():
        if hasattr(entry, "ballots"):
            assert set(entry.ballots) <= voters
    assert dataclasses.is_dataclass(meeting)
