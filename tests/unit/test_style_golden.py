"""Golden files: the council example (minutes/data/council_meeting.json) in 議会, a 審議会 example in 要点.

Each example names its style in the file (format v2 ``style``), so the
exports are what a clerk gets without choosing anything. The golden files
were read line by line against the format page's rules; to write them again
after a deliberate change of a preset, run the tests with
``KAIGIROKU_UPDATE_GOLDEN=1`` and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from minutes.demo import COUNCIL_PATH, load_demo
from minutes.formats import FORMATS
from minutes.render import ExportOptions
from minutes.style import choose_style_name, load_preset

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
EXAMPLES = {"council": COUNCIL_PATH, "yoten": GOLDEN / "yoten_meeting.json"}
CASES = [("council", "議会", "text"), ("council", "議会", "markdown"), ("yoten", "要点", "text"), ("yoten", "要点", "markdown")]


@pytest.mark.parametrize(("example", "style", "fmt"), CASES)
def test_golden(example, style, fmt):
    meeting = load_demo(EXAMPLES[example])
    assert choose_style_name(None, meeting, None) == style  # the example's own style
    printed = FORMATS[fmt].produce(meeting, ExportOptions(), load_preset(style))
    golden = GOLDEN / f"{example}_{style}.{FORMATS[fmt].extension}"
    if os.environ.get("KAIGIROKU_UPDATE_GOLDEN"):
        golden.write_text(printed, encoding="utf-8", newline="\n")
    assert printed == golden.read_text(encoding="utf-8")
