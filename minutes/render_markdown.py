"""The Markdown export in the default style (要録), the layout of the seed minutes.

The layout below is the 要録 preset's (``minutes/presets/yoroku/markdown.j2``);
this module is the short way to print with it.

::

    令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録␣␣
    (要録)

    (通算第54回)

    - 1 開催日時 令和4年3月15日(火曜日)午後5時30分から午後7時まで
    - 2 開催場所 市役所3階 庁議室
    - 3 出席者
      - (1) 委員 昼間守仁会長、大川強副会長、…
      - (2) 事務局 飯田係長、高橋主任、榎本主事(総務課)
      - (3) 関係課 市川課長、長峯課長補佐、中野主任(資源循環課)␣␣
    松尾課長、田中係長(市民協働・男女参画推進課)
    - 4 傍聴者 なし
    - 5 会次第
      - (1) 議事
        - ① …について(諮問)
      - (2) その他
    - 6 内容(要録)

    (1) …について(諮問)

    **会長** 議事の1番目…

    **資源循環課** それでは、…

    資料1を御覧ください。

    **委員** 承認します。

(``␣␣`` is a hard line break: two spaces.) Every paragraph is one line with a
blank line after it: each item heading (``(1) …(諮問)``, half-width
parentheses, not inside the header list), each turn (``**label** text``), each
further paragraph of a turn, each ballot. The summary vote option prints
``(採決の結果、全員承認)`` as a paragraph of its own. Text is escaped
(:func:`minutes.render.md_escape`) so that markup-like input reads literally.
The output ends with one newline.
"""

from __future__ import annotations

from minutes.formats import FORMATS
from minutes.model import Meeting
from minutes.render import ExportOptions
from minutes.style import DEFAULT_STYLE, load_preset


def render_markdown(meeting: Meeting, options: ExportOptions | None = None) -> str:
    """The meeting as Markdown in the default style (see the module docstring for the layout)."""
    return FORMATS["markdown"].produce(meeting, options or ExportOptions(), load_preset(DEFAULT_STYLE))
