"""The real ``kaigiroku`` console script of this environment, as the tmux tests run it."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import run_command

#: The installed command (the README's install puts it beside the interpreter).
SCRIPT = Path(sys.executable).parent / "kaigiroku"


def kaigiroku(*args: str, env, cwd) -> str:
    """Run the command; it must succeed. Its standard output."""
    code, out, err = run_command([str(SCRIPT), *args], env=env, cwd=cwd)
    assert code == 0, f"kaigiroku {' '.join(args)} failed ({code}):\n{err}"
    return out
