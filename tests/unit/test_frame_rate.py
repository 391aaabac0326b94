"""kaigiroku draws up to 240 frames a second (Textual's default is 60), unless the user says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = "import tui.app, textual.constants as c; print(c.MAX_FPS)"


def _max_fps(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if env_value is not None:
        env["TEXTUAL_FPS"] = env_value
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", check=True
    )
    return result.stdout.strip()


def test_the_app_asks_textual_for_240_frames_a_second():
    assert _max_fps(None) == "240"


def test_a_frame_rate_the_user_set_wins():
    assert _max_fps("30") == "30"
