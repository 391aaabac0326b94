"""The demo meeting's Markdown and text exports against the seed minutes.

The seed (``shared/reference/…``, read by ``tests/seedtools.py``) is the target
output. Each export is parsed back into (label, paragraphs) per agenda item
with a strict parser written here (no page-break joining: the exports have no
page breaks) and compared with ``seed_turns()``; the header lines are compared
with ``seed_header_lines()`` after normalising list markers, indents and spaces.
"""

from __future__ import annotations

import re

import pytest

from minutes.demo import load_demo
from minutes.render import ExportOptions
from minutes.render_markdown import render_markdown
from minutes.render_text import render_text
from minutes.textwidth import NO_LINE_END, NO_LINE_START, display_width
from tests import seedtools

SP = "\u3000"
Turn = tuple[str, list[str]]

#: Members in the order of the demo's ``people``, as the named option prints the voters.
VOTERS_NAMED = ["大川強副会長", "村千鶴子委員", "原田美知子委員", "浅野薫委員", "村田明美委員"]
BALLOT = ("委員", ["承認します。"])


@pytest.fixture(scope="module")
def meeting():
    return load_demo()


@pytest.fixture(scope="module")
def seed_turns() -> list[list[Turn]]:
    return seedtools.seed_turns()


def normalise_heading(text: str) -> str:
    """Headings only: full-width parentheses and spaces as half-width."""
    return text.replace("（", "(").replace("）", ")").replace(SP, " ").strip()


# -- parsing the exports back -------------------------------------------------------------
def md_unescape(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


MD_TURN = re.compile(r"^\*\*(?P<label>.+?)\*\*(?: (?P<text>.*))?$")
MD_HEADING = re.compile(r"^\((?P<number>\d+)\) (?P<title>.+)$")


def parse_markdown(md: str) -> tuple[list[str], list[list[Turn]]]:
    """Item headings and turns per item of a Markdown export: one block per paragraph."""
    blocks = md.rstrip("\n").split("\n\n")
    start = next(i for i, block in enumerate(blocks) if re.search(r"^- 6 内容", block, re.M))
    headings: list[str] = []
    items: list[list[Turn]] = []
    for block in blocks[start + 1 :]:
        assert "\n" not in block, f"a paragraph spans lines: {block!r}"
        heading = MD_HEADING.match(block)
        if heading and int(heading["number"]) == len(headings) + 1:
            headings.append(md_unescape(heading["title"]))
            items.append([])
            continue
        turn = MD_TURN.match(block)
        if turn:
            items[-1].append((md_unescape(turn["label"]), [md_unescape(turn["text"] or "")]))
        elif block.startswith("(採決の結果"):
            items[-1].append(("", [md_unescape(block)]))
        else:
            items[-1][-1][1].append(md_unescape(block))
    return headings, items


TEXT_HEADING = re.compile(rf"^{SP}\((?P<number>\d+)\){SP}(?P<title>.+)$")


def parse_text(text: str) -> tuple[list[str], list[list[Turn]]]:
    """Item headings and turns per item of a (not wrapped) text export: one line per paragraph."""
    lines = text.rstrip("\n").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"6{SP}内容"))
    headings: list[str] = []
    items: list[list[Turn]] = []
    for line in lines[start + 1 :]:
        heading = TEXT_HEADING.match(line)
        if heading and int(heading["number"]) == len(headings) + 1:
            headings.append(heading["title"])
            items.append([])
        elif line.startswith(SP):
            items[-1][-1][1].append(line[1:])  # a further paragraph: the 字下げ removed
        elif line.startswith("(採決の結果"):
            items[-1].append(("", [line]))
        else:
            label, _, rest = line.partition(SP)
            items[-1].append((label, [rest]))
    return headings, items


def text_header_lines(text: str) -> list[str]:
    """The text export's lines before 内容, normalised as seedtools normalises the seed's."""
    out = []
    for line in text.split("\n"):
        if line.startswith(f"6{SP}内容"):
            return out
        line = line.strip(SP + " ").replace(SP, " ")
        if line:
            out.append(line)
    raise AssertionError("no 内容 line")


# -- the turns -------------------------------------------------------------------------------
def test_markdown_turns_are_the_seed_turns(meeting, seed_turns):
    headings, items = parse_markdown(render_markdown(meeting))
    assert len(items) == len(seed_turns) == 4
    for number, (mine, theirs) in enumerate(zip(items, seed_turns), start=1):
        assert len(mine) == len(theirs), f"item {number}"
        for index, (turn, expected) in enumerate(zip(mine, theirs)):
            assert turn == expected, f"item {number}, turn {index}"


def test_text_turns_are_the_seed_turns(meeting, seed_turns):
    headings, items = parse_text(render_text(meeting))
    assert len(items) == len(seed_turns) == 4
    for number, (mine, theirs) in enumerate(zip(items, seed_turns), start=1):
        assert len(mine) == len(theirs), f"item {number}"
        for index, (turn, expected) in enumerate(zip(mine, theirs)):
            assert turn == expected, f"item {number}, turn {index}"


@pytest.mark.parametrize("render", [render_markdown, render_text], ids=["markdown", "text"])
def test_item_headings_are_the_seed_headings(meeting, render):
    parse = parse_markdown if render is render_markdown else parse_text
    headings, _ = parse(render(meeting))
    assert headings == [normalise_heading(h) for h in seedtools.seed_item_headings()]
    assert headings[-1] == "その他"


# -- the header ------------------------------------------------------------------------------
def test_markdown_header_is_the_seed_header(meeting):
    md = render_markdown(meeting)
    assert seedtools.seed_header_lines(md) == seedtools.seed_header_lines()
    assert "\n- 6 内容(要録)\n" in md


def test_markdown_header_is_the_seed_text_verbatim(meeting):
    """Up to the 内容 line the Markdown is the seed's own text, byte for byte (minus the seed's leading blank lines)."""
    md = render_markdown(meeting)
    seed = seedtools.seed_text().lstrip("\n")
    end = "- 6 内容(要録)\n"
    assert md[: md.index(end) + len(end)] == seed[: seed.index(end) + len(end)]


def test_text_header_is_the_seed_header(meeting):
    text = render_text(meeting)
    assert text_header_lines(text) == seedtools.seed_header_lines()
    assert f"\n6{SP}内容(要録)\n" in text


def test_text_header_layout(meeting):
    lines = render_text(meeting).split("\n")
    assert lines[:6] == [
        "令和3年度第3回小平市情報公開・個人情報保護・公文書管理審議会会議録",
        "(要録)",
        "(通算第54回)",
        "",
        f"1{SP}開催日時{SP}令和4年3月15日(火曜日)午後5時30分から午後7時まで",
        f"2{SP}開催場所{SP}市役所3階 庁議室",
    ]
    i = lines.index(f"{SP}(3){SP}関係課{SP}市川課長、長峯課長補佐、中野主任(資源循環課)")
    pad = SP * 7 + " "  # under 市川: 　(3)　関係課　 is 15 columns
    assert lines[i + 1 : i + 3] == [pad + "松尾課長、田中係長(市民協働・男女参画推進課)", pad + "石野課長、鈴木係長(子育て支援課)"]
    assert f"{SP}{SP}③{SP}子育て世帯への臨時特別給付金事業における個人情報の本人以外からの収集及び目的外利用について(報告)" in lines


# -- the options -------------------------------------------------------------------------------
def named_expectation(seed_turns: list[list[Turn]]) -> list[list[Turn]]:
    """The seed's turns as the named option prints them for the demo.

    In the demo the chair speaks by id (so ``会長`` becomes ``昼間守仁会長``), the
    votes are votes (each run of five ``委員 承認します。`` becomes the voters'
    names in the order of ``people``), and every other speaker is a label, which
    stays as it is.
    """
    out = []
    for turns in seed_turns:
        named = []
        i = 0
        while i < len(turns):
            if turns[i : i + 5] == [BALLOT] * 5:
                named.extend((name, ["承認します。"]) for name in VOTERS_NAMED)
                i += 5
                continue
            label, paragraphs = turns[i]
            named.append(("昼間守仁会長" if label == "会長" else label, paragraphs))
            i += 1
        out.append(named)
    return out


def summary_expectation(seed_turns: list[list[Turn]]) -> list[list[Turn]]:
    """The seed's turns with each vote (a run of five ballots) as one summary line."""
    out = []
    for turns in seed_turns:
        summary = []
        i = 0
        while i < len(turns):
            if turns[i : i + 5] == [BALLOT] * 5:
                summary.append(("", ["(採決の結果、全員承認)"]))
                i += 5
                continue
            summary.append(turns[i])
            i += 1
        out.append(summary)
    return out


def test_the_seed_has_two_votes_of_five_ballots(seed_turns):
    assert summary_expectation(seed_turns) != seed_turns
    assert sum(turn == ("", ["(採決の結果、全員承認)"]) for turns in summary_expectation(seed_turns) for turn in turns) == 2


@pytest.mark.parametrize(
    ("render", "parse"), [(render_markdown, parse_markdown), (render_text, parse_text)], ids=["markdown", "text"]
)
def test_named_option(meeting, seed_turns, render, parse):
    _, items = parse(render(meeting, ExportOptions(named=True)))
    assert items == named_expectation(seed_turns)
    labels = {label for turns in items for label, _ in turns}
    assert "会長" not in labels
    assert {"昼間守仁会長", *VOTERS_NAMED} <= labels


@pytest.mark.parametrize(
    ("render", "parse"), [(render_markdown, parse_markdown), (render_text, parse_text)], ids=["markdown", "text"]
)
def test_summary_option(meeting, seed_turns, render, parse):
    _, items = parse(render(meeting, ExportOptions(votes="summary")))
    assert items == summary_expectation(seed_turns)


@pytest.mark.parametrize(
    ("render", "parse"), [(render_markdown, parse_markdown), (render_text, parse_text)], ids=["markdown", "text"]
)
def test_named_and_summary_options_together(meeting, seed_turns, render, parse):
    _, items = parse(render(meeting, ExportOptions(named=True, votes="summary")))
    assert items == named_expectation(summary_expectation(seed_turns))


def test_options_do_not_change_the_header(meeting):
    plain = render_markdown(meeting)
    for options in (ExportOptions(named=True), ExportOptions(votes="summary")):
        assert seedtools.seed_header_lines(render_markdown(meeting, options)) == seedtools.seed_header_lines(plain)
        assert text_header_lines(render_text(meeting, options)) == text_header_lines(render_text(meeting))


# -- the whole documents ------------------------------------------------------------------------
def test_markdown_renders_as_paragraphs_and_one_list(meeting):
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(render_markdown(meeting))
    types = {t.type for t in tokens}
    assert types <= {
        "paragraph_open", "paragraph_close", "inline",
        "bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close",
    }
    assert [t.type for t in tokens if t.level == 0].count("bullet_list_open") == 1
    bold = [
        child.content
        for t in tokens
        if t.type == "inline"
        for i, child in enumerate(t.children or [])
        if child.type == "text" and i and t.children[i - 1].type == "strong_open"
    ]
    labels = {label for turns in seedtools.seed_turns() for label, _ in turns}
    assert set(bold) == labels


def test_exports_end_with_one_newline(meeting):
    for text in (render_markdown(meeting), render_text(meeting), render_text(meeting, ExportOptions(width=40))):
        assert text.endswith("\n") and not text.endswith("\n\n")


@pytest.mark.parametrize("width", [24, 40, 41, 70, 100])
def test_wrapped_demo(meeting, width):
    plain = render_text(meeting)
    wrapped = render_text(meeting, ExportOptions(width=width))

    def squeeze(text: str) -> str:
        return text.replace("\n", "").replace(SP, "").replace(" ", "")

    assert squeeze(wrapped) == squeeze(plain)
    # no paragraph of the demo starts or ends with a kinsoku character, so no line may
    for line in wrapped.split("\n"):
        assert display_width(line) <= width, line
        assert line.lstrip(SP + " ")[:1] not in NO_LINE_START, line
        assert line[-1:] not in NO_LINE_END, line
    assert len(wrapped.split("\n")) > len(plain.split("\n"))
