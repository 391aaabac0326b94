"""The 要録 preset prints exactly what the hand-written renderers printed, for any valid meeting.

The oracle is the renderers as they were before styles (tests/legacy_render.py,
frozen): the preset must reproduce them byte for byte over the meetings the
hypothesis strategies generate, with every export option.
"""

from __future__ import annotations

import dataclasses
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minutes.formats import FORMATS
from minutes.render import ExportOptions
from minutes.style import load_preset
from tests import legacy_render
from tests.strategies import meetings

OPTIONS = st.builds(
    ExportOptions,
    named=st.booleans(),
    votes=st.sampled_from(["roll", "summary"]),
    width=st.one_of(st.none(), st.integers(10, 120)),
)


@settings(max_examples=int(os.environ.get("KAIGIROKU_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meeting=meetings(), options=OPTIONS)
def test_yoroku_text_is_the_old_text_export(meeting, options):
    expected = legacy_render.render_text(meeting, options)
    assert FORMATS["text"].produce(meeting, options, load_preset("要録")) == expected


@settings(max_examples=int(os.environ.get("KAIGIROKU_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meeting=meetings(), options=OPTIONS)
def test_yoroku_markdown_is_the_old_markdown_export(meeting, options):
    options = dataclasses.replace(options, width=None)
    expected = legacy_render.render_markdown(meeting, options)
    assert FORMATS["markdown"].produce(meeting, options, load_preset("要録")) == expected
