"""Windows-ready code: every text file is opened with an explicit encoding.

On Windows the default encoding is cp932, so an ``open()`` or
``Path.read_text()`` without ``encoding=`` would read and write our UTF-8
files wrongly there while passing every test on Linux.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("minutes", "storage", "screens", "tui", "scripts", "bench")


def _mode(call: ast.Call, position: int) -> str | None:
    if len(call.args) > position and isinstance(call.args[position], ast.Constant):
        return str(call.args[position].value)
    for keyword in call.keywords:
        if keyword.arg == "mode" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return None


def text_opens_without_encoding(source: str, name: str) -> list[str]:
    """Places in ``source`` that open a file as text without naming its encoding."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        keywords = {keyword.arg for keyword in node.keywords}
        if isinstance(func, ast.Name) and func.id == "open":
            mode = _mode(node, 1) or "r"
        elif isinstance(func, ast.Attribute) and func.attr == "open" and not (
            isinstance(func.value, ast.Name) and func.value.id in ("os", "zipfile", "archive", "zf")
        ):
            mode = _mode(node, 0) or "r"
        elif isinstance(func, ast.Attribute) and func.attr in ("read_text", "write_text"):
            mode = "t"
        else:
            continue
        if "b" not in mode and "encoding" not in keywords:
            problems.append(f"{name}:{node.lineno}")
    return problems


def test_the_checker_finds_a_missing_encoding():
    assert text_opens_without_encoding("open('x')\nPath('y').read_text()\n", "t.py") == ["t.py:1", "t.py:2"]
    assert text_opens_without_encoding("open('x', 'rb')\nopen('y', encoding='utf-8')\n", "t.py") == []


def test_every_text_file_is_opened_with_an_encoding():
    problems = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            problems += text_opens_without_encoding(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert problems == []
