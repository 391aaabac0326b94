"""The Markdown export, in the layout of the seed minutes.

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

from minutes.model import Meeting
from minutes.render import (
    ExportOptions,
    content,
    header_lines,
    md_escape,
    serial_line,
    title_lines,
)

HARD_BREAK = "  "


def _inline(text: str) -> str:
    """Escape text that follows something on its line."""
    return md_escape(text, line_start=False)


def render_header(meeting: Meeting) -> list[str]:
    """The numbered header as a Markdown list, line by line."""
    out: list[str] = []
    for head in header_lines(meeting):
        line = f"- {head.number} {_inline(head.label)}"
        if head.value:
            line += f" {_inline(head.value)}"
        out.append(line)
        for sub in head.subs:
            first = f"  - {sub.number} {_inline(sub.label)}"
            if sub.lines:
                first += f" {_inline(sub.lines[0])}"
            rest = [md_escape(value) for value in sub.lines[1:]]
            block = [first] + rest
            # hard breaks between the lines of one sub-line (lazy continuation lines, as the seed)
            out.extend(line + HARD_BREAK for line in block[:-1])
            out.append(block[-1])
            for mark, heading in sub.items:
                out.append(f"    - {mark} {_inline(heading)}")
    return out


def render_markdown(meeting: Meeting, options: ExportOptions | None = None) -> str:
    """The meeting as Markdown (see the module docstring for the layout)."""
    options = options or ExportOptions()
    blocks: list[str] = []
    titles = [md_escape(line) for line in title_lines(meeting)]
    blocks.append((HARD_BREAK + "\n").join(titles))
    serial = serial_line(meeting)
    if serial:
        blocks.append(md_escape(serial))
    blocks.append("\n".join(render_header(meeting)))
    for item in content(meeting, options):
        blocks.append(f"{item.number} {_inline(item.heading)}")
        for turn in item.turns:
            first, *rest = turn.paragraphs
            label = turn.label.strip()
            if label:
                paragraph = f"**{_inline(label)}**"
                if first:
                    paragraph += f" {_inline(first)}"
            else:
                paragraph = md_escape(first)
            if paragraph:
                blocks.append(paragraph)
            for more in rest:
                escaped = md_escape(more)
                if escaped:
                    blocks.append(escaped)
    return "\n\n".join(blocks) + "\n"
