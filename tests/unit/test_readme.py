"""The README's two commands stay true: CI runs exactly the README's test command."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)\n```", text, re.S)[:2]


def test_readme_opens_with_the_demo_and_the_test_commands():
    demo, tests = readme_commands()
    assert demo.startswith("python3 -m venv .venv && .venv/bin/pip install . ")
    assert demo.endswith("kaigiroku demo")
    assert "'.[test]'" in tests and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command():
    _, tests = readme_commands()
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci_lines
