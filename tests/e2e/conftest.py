"""Fixtures of the tmux tests of the real command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import base_env
from tests.e2e.command import SCRIPT


@pytest.fixture
def env(data_dir: Path, home: Path) -> dict[str, str]:
    """The environment the command runs in: a private home and the test's data folder."""
    if not SCRIPT.exists():
        pytest.skip(f"no console script at {SCRIPT}")
    environment = base_env(home)
    environment["KAIGIROKU_DATA_DIR"] = str(data_dir)
    return environment
