"""Fixtures of the functional tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def root(tmp_path) -> Path:
    """The data folder of the test (not made yet: the app or DataDir makes it)."""
    return tmp_path / "data"
