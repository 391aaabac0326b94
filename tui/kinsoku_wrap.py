"""The entry bar breaks its lines as the log and the exports do: kinsoku, words kept whole.

Textual's TextArea folds a line without spaces at the width, wherever that
falls, so that a speech typed in the entry bar could show a line starting with
。 or 」, or a line ending with 「, and 第3 split from 回 — not what the same
words look like in the log a moment later. :func:`apply` has the TextArea's
wrapped document (``textual.document._wrapped_document``) take its break
points from :func:`tui.widgets.cells.wrap_cells` (the exports' engine, in
terminal cells) instead of Textual's ``compute_wrap_offsets``.

A line with a tab keeps Textual's own breaking (the engine does not expand
tabs), as does a width below two cells. The lines are as wide as Textual's
would be at most, so nothing is cut off; they may be shorter (a 。 goes to the
next line with the character before it).
"""

from __future__ import annotations

from textual import _wrap
from textual.document import _wrapped_document

from tui.widgets.cells import wrap_cells

_textual_offsets = _wrap.compute_wrap_offsets


def wrap_offsets(
    text: str,
    width: int,
    tab_size: int,
    fold: bool = True,
    precomputed_tab_sections: list[tuple[str, int]] | None = None,
) -> list[int]:
    """Where ``text`` breaks at ``width`` cells (code point indices), as ``compute_wrap_offsets`` answers."""
    if "\t" in text or not fold or width < 2:
        return _textual_offsets(text, width, tab_size, fold, precomputed_tab_sections)
    offsets = []
    at = 0
    for piece in wrap_cells(text, width)[:-1]:
        at += len(piece)
        offsets.append(at)
    return offsets


def _fits() -> bool:
    """True when the wrapped document is the one this was written against (Textual 8)."""
    return getattr(_wrapped_document, "compute_wrap_offsets", None) in (_textual_offsets, wrap_offsets)


def apply() -> bool:
    """Put the kinsoku breaking in place (once); False when Textual's wrapped document is not the expected one."""
    if not _fits():
        return False
    _wrapped_document.compute_wrap_offsets = wrap_offsets  # type: ignore[attr-defined]
    return True
