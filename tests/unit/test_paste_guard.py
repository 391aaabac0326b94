"""A bracketed paste reaches the app as one Paste of text, never as key presses (tui.paste_guard).

Pilot skips Textual's input parser, so these tests feed the parser itself, as
the drivers do; tests/e2e/test_paste.py pastes through tmux into the real command.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual import constants, events
from textual._xterm_parser import XTermParser

from minutes.safe_text import pasted
from tui import paste_guard

START, END = "\x1b[200~", "\x1b[201~"
#: ESC + ctrl+R (全員承認), ESC + ctrl+G (閉会), a CR: what a hostile or careless clipboard holds.
HOSTILE = "vote-test\x1b\x12 close\x1b\x07 line\rnext"
HOSTILE_KEPT = "vote-test␛␒ close␛␇ line\nnext"


def tokens(*reads: str) -> list:
    parser = XTermParser()
    out = []
    for data in reads:
        out.extend(parser.feed(data))
    return out


def described(found: list) -> list:
    return [("paste", t.text, t.controls_replaced) if isinstance(t, events.Paste) else ("key", t.key) for t in found if isinstance(t, (events.Paste, events.Key))]


def test_the_guard_is_in_place_for_the_textual_installed():
    # Fails when Textual's parser changes shape (then read tui/paste_guard.py again).
    assert paste_guard._fits()
    assert paste_guard.apply()
    assert XTermParser.feed is paste_guard._guarded_feed


def test_textual_alone_still_turns_escapes_in_a_paste_into_keys():
    # Why the guard exists: when this fails, Textual reads pastes safely on its own
    # and the guard may go.
    parser = XTermParser()
    found = list(paste_guard._original_feed(parser, START + "vote\x1b\x12" + END))
    assert any(isinstance(t, events.Key) and t.key == "ctrl+r" for t in found)


def test_a_hostile_paste_is_one_paste_of_visible_text_and_no_key():
    paste_guard.apply()
    assert described(tokens("a" + START + HOSTILE + END + "b")) == [
        ("key", "a"), ("paste", HOSTILE_KEPT, 2 + 2), ("key", "b"),
    ]


def test_a_fake_end_marker_inside_the_paste_stays_text():
    paste_guard.apply()
    found = described(tokens(START + "x" + END + "\x12y" + END))
    assert found == [("paste", "x␛[201~␒y", 2)]


@settings(max_examples=300, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=80), max_size=4))
def test_a_paste_cut_anywhere_between_reads_is_read_the_same(cuts):
    paste_guard.apply()
    data = "k" + START + HOSTILE + "\r\n終" + END + "z"
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    reads = [data[a:b] for a, b in zip(points, points[1:]) if b > a]
    assert described(tokens(*reads, START + "二つ目", END)) == [
        ("key", "k"), ("paste", HOSTILE_KEPT + "\n終", 4), ("key", "z"), ("paste", "二つ目", 0),
    ]


def test_two_pastes_in_one_read_are_one_paste():
    # A terminal writes a paste at once, so what lies between two end markers of one read
    # is pasted text (no one types inside a read): it stays text, markers shown.
    paste_guard.apply()
    assert described(tokens(START + "一" + END + "\x12" + START + "二" + END)) == [
        ("paste", "一␛[201~␒␛[200~二", 3),
    ]


def test_keys_outside_a_paste_are_read_as_before():
    paste_guard.apply()
    # alt+s comes as ESC s; ctrl+r alone is the vote key: outside a paste nothing changes.
    parser = XTermParser()
    found = []
    for data in ("\x1bs", "\x12", "\r", "\x1b"):
        found += parser.feed(data)
        time.sleep(constants.ESCAPE_DELAY + 0.02)  # a terminal's keys come apart; the parser waits after an ESC
        found += parser.tick()
    assert described(found) == [("key", "alt+s"), ("key", "ctrl+r"), ("key", "enter"), ("key", "escape")]


@pytest.mark.parametrize(
    ("text", "kept", "replaced"),
    [
        ("日本語の[b]文章[/b]", "日本語の[b]文章[/b]", 0),
        ("一\r\n二\r三\n四\t五", "一\n二\n三\n四\t五", 0),
        ("\x00\x1b\x7f\x85", "␀␛␡\ufffd", 4),
    ],
)
def test_pasted_keeps_the_words_and_makes_controls_visible(text, kept, replaced):
    assert pasted(text) == (kept, replaced)
