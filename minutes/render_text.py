"""The plain-text export in the default style (要録): the style of a Japanese official document, to paste into a Word template.

The layout below is the 要録 preset's (``minutes/presets/yoroku/text.j2``);
this module is the short way to print with it.

::

    令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録
    (要録)
    (通算第54回)

    1　開催日時　令和4年3月15日(火曜日)午後5時30分から午後7時まで
    2　開催場所　市役所3階 庁議室
    3　出席者
    　(1)　委員　昼間守仁会長、大川強副会長、…
    　(2)　事務局　飯田係長、高橋主任、榎本主事(総務課)
    　(3)　関係課　市川課長、長峯課長補佐、中野主任(資源循環課)
    　　　　　　　 松尾課長、田中係長(市民協働・男女参画推進課)
    4　傍聴者　なし
    5　会次第
    　(1)　議事
    　　①　…について(諮問)
    　(2)　その他
    6　内容(要録)
    　(1)　…について(諮問)
    会長　議事の1番目…
    資源循環課　それでは、…
    　資料1を御覧ください。
    委員　承認します。

- Separators and indents are full-width spaces (U+3000); numbers keep the
  seed's half-width digits and parentheses.
- A hanging line (the 関係課 departments after the first, and with ``width``
  every continuation line of a numbered line) is aligned under the text after
  the label: full-width spaces, plus one half-width space when the label part
  has an odd number of columns (``(3)`` is three columns), so that it lines up
  exactly in a fixed-pitch Japanese font.
- One paragraph per line. A turn is ``label　text``; its further paragraphs
  are lines of their own with the one-character paragraph indent (字下げ).
- The only blank line is the one between the title block and the header: in
  a Word template every line becomes a paragraph, and blank ones would have
  to be deleted by hand; a turn is already marked by its label at the start of
  its line, a further paragraph by its indent, an item by ``　(n)　``.
- Text is printed verbatim, never escaped.
- ``width=N`` wraps every line at N columns (:func:`minutes.textwidth.wrap`:
  East Asian width, kinsoku by 追い出し). Continuation lines of numbered lines
  and headings hang under their text; continuation lines of a turn's
  paragraphs start at the margin, as Japanese paragraphs do (the 字下げ is a
  first-line indent).
"""

from __future__ import annotations

from minutes.formats import FORMATS
from minutes.model import Meeting
from minutes.render import ExportOptions
from minutes.style import DEFAULT_STYLE, load_preset


def render_text(meeting: Meeting, options: ExportOptions | None = None) -> str:
    """The meeting as plain text in the default style (see the module docstring for the layout)."""
    return FORMATS["text"].produce(meeting, options or ExportOptions(), load_preset(DEFAULT_STYLE))
