"""Comments say why the code is as it is; which issue or session changed it belongs in the commits.

Every comment and docstring of the project's Python is read (tokenize), and none
may name an issue of this project ("issue", "#" and its number) or a work session. Upstream
bugs (``textual#6357``) are a reason, and stay.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("minutes", "storage", "screens", "tui", "tests", "bench", "scripts")
HISTORY = re.compile(r"(?<![\w/])issue\s*#\d+|\bsession \d+\b", re.I)


def comments_and_docstrings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment and every triple-quoted string (docstrings) of ``source``."""
    return [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
        or (token.type == tokenize.STRING and token.string.lstrip("rbuRBU").startswith(('"""', "'''")))
    ]


def test_no_comment_names_an_issue_or_a_session():
    named = [
        f"{path.relative_to(REPO)}:{line}: {HISTORY.search(text).group(0)}"
        for folder in FOLDERS
        for path in sorted((REPO / folder).rglob("*.py"))
        if "__pycache__" not in path.parts
        for line, text in comments_and_docstrings(path.read_text(encoding="utf-8"))
        if HISTORY.search(text)
    ]
    assert not named, "history belongs in commit messages, not in comments:\n" + "\n".join(named)


def test_the_check_sees_comments_and_docstrings_not_data():
    source = '"""Top (issue #5)."""\nx = 1  # found in session 3\ny = "issue #7 in a string is data"\n'
    texts = [text for _, text in comments_and_docstrings(source)]
    assert len(texts) == 2 and all(HISTORY.search(text) for text in texts)
    assert not HISTORY.search("textual#6357")
