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


def test_the_readme_lists_every_key_a_keys_toml_may_name_with_its_default():
    from screens.meeting import MeetingScreen
    from tui.app import KaigirokuApp
    from tui.keymap import known_bindings

    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("### キーの割り当てを変える(keys.toml)")
    section = text[start : text.index("\n#", start + 1)]
    listed = dict(re.findall(r"^\| `([a-z0-9_.]+)` \| `([^`]+)` \|", section, re.M))
    bindings = known_bindings(KaigirokuApp.BINDINGS, MeetingScreen.BINDINGS)
    assert listed == {binding_id: binding.key for binding_id, binding in bindings.items()}, (
        "README (キーの割り当てを変える) must list every binding id with its default key"
    )
