"""Hostile and strange input: malformed interchange files, and strange text everywhere.

1. Thousands of malformed interchange documents (hypothesis) go through the
   real ``kaigiroku import`` (``tui.cli.main``, in this process): each is
   refused with exit status 1 and a Japanese message that names the file,
   never a traceback, and the data folder is byte for byte unchanged.
2. Text with Rich markup, ANSI escapes, control characters, lone surrogates,
   combining marks (が as か + ゛), emoji, right-to-left marks, and one entry
   of 100,000 characters, as the app stores it (typed or pasted):

   * stored and read back exactly;
   * exported exactly: ``--format text`` holds the text as it is, ``--format
     json`` decodes to it (a lone surrogate, which UTF-8 cannot hold, is
     written as its ``\\uXXXX`` escape in JSON, and the text export refuses it
     with a message naming where it is); Markdown escapes markup so it reads
     literally (and unescaped it is the text again);
   * an import takes back what the format page allows and refuses, with a
     message naming the JSON path, the control characters and lone surrogates
     it forbids;
   * on screen, the speaker log's rows, the entry bar and the whole screen
     hold no character a terminal would act on (ESC, C0/C1 controls, bidi
     overrides, surrogates) and no line is wider than the screen.
"""

from __future__ import annotations

import json
import re
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from minutes.interchange import FormatError, dumps_meeting, meeting_from_dict, parse_meeting
from minutes.model import Speech
from minutes.render import ExportOptions
from minutes.render_markdown import render_markdown
from minutes.render_text import render_text
from minutes.safe_text import visible
from minutes.textwidth import Widths
from storage import DataDir
from tests.conftest import example_from_format_page, snapshot
from tests.strategies import meeting_dicts
from tui.cli import main as cli_main
from tui.widgets.speaker_log import wrap_cells

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

#: Characters a terminal acts on instead of printing: none may reach the screen from user text.
UNSAFE_ON_SCREEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)

STRANGE = {
    "markup": "[b]太字ではない[/b] [red]赤くない[/red] [link=https://example.com]リンク[/link] "
    "**強調** _斜体_ `コード` <b>タグ</b> # 見出し \\[エスケープ] ${x} %s {0}",
    "ansi": "\x1b[31m赤い字\x1b[0m\x1b]0;窓の題名\x07\x1b[2J\x1b[H画面を消す\x1b[?1049h\x9b31m",
    "control": "ベル\x07NUL\x00後退\x08削除\x7fC1\x85\x90改行なしCR\r垂直タブ\x0b改ページ\x0c",
    "surrogate": "壊れた貼り付け\ud800と\udfffの混ざった文",
    "combining": "か\u3099き\u3099く\u3099け\u3099こ\u3099(が=か+゛) ﾊﾟﾋﾟ e\u0301 a\u0308\u0301\u0323",
    "emoji": "絵文字😀👨\u200d👩\u200d👧\u200d👦🇯🇵👍🏽❤️‍🔥 1️⃣ 𠮷野家",
    "rtl": "右から左\u202eエウイア\u202c 見えない印\u200f\u200e\u2067x\u2069 مرحبا עברית",
    "long": "長い発言です。" * 14286,
}
assert len(STRANGE["long"]) >= 100_000

#: What an import refuses (the format page: control characters but \n and \t; and lone surrogates).
REFUSED_ON_IMPORT = {"ansi", "control", "surrogate"}


@pytest.fixture
def cli(capsysbinary):
    """``cli(*args) -> (status, stdout bytes, stderr)``: ``kaigiroku ARGS`` in this process."""

    def run(*args: object) -> tuple[int, bytes, str]:
        capsysbinary.readouterr()
        code = cli_main([str(a) for a in args])
        captured = capsysbinary.readouterr()
        return code, captured.out, captured.err.decode("utf-8")

    return run


# ============================================================================================
# 1. Malformed interchange documents through `kaigiroku import`
# ============================================================================================


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """A data folder with one meeting (shared: every refusal must leave it as it is)."""
    root = tmp_path_factory.mktemp("hostile") / "data"
    with DataDir(root) as datadir:
        datadir.add_meeting(meeting_from_dict(example_from_format_page(), "example"))
    return root


class Importer:
    """Runs ``kaigiroku import`` on documents; checks the refusal and the untouched folder."""

    def __init__(self, root: Path, folder: Path) -> None:
        self.root = root
        self.folder = folder
        self.before = snapshot(root)
        self.count = 0

    def refuse(self, data: bytes) -> None:
        try:
            parse_meeting(data, "probe")
        except FormatError:
            pass
        else:
            assume(False)  # a valid document: not what this test is about
        self.count += 1
        path = self.folder / f"悪い文書-{self.count % 7}.json"
        path.write_bytes(data)
        out, err = StringIO(), StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = cli_main(["--data-dir", str(self.root), "import", str(path)])
        message = err.getvalue()
        assert code == 1, (code, message)
        assert out.getvalue() == ""
        assert "Traceback" not in message and message.startswith("kaigiroku: "), message
        assert str(path) in message, message
        assert "取り込みをやめました。データは何も変えていません。" in message
        assert JAPANESE.search(message)
        assert snapshot(self.root) == self.before, "a refused import changed the data folder"


@pytest.fixture
def importer(library, tmp_path) -> Importer:
    return Importer(library, tmp_path)


def _paths(value, prefix=()):
    """Every (path, value) inside a JSON value."""
    yield prefix, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


def _set(document, path, value):
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _delete(document, path):
    target = document
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20), st.sampled_from(["", " ", "\u3000", "2022-02-30", "25:00", "委員", "p1", "a1", "承認"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
nasty_strings = st.sampled_from(["\x00", "\x1b[31m", "\x07", "\x85", "\ud800", "\udfff", "a\x7fb", "行\r改行"])


@st.composite
def broken_documents(draw) -> bytes:
    """A valid meeting, broken in one of many ways."""
    document = draw(meeting_dicts(max_people=4, max_items=2, max_entries=3))
    paths = [p for p, _ in _paths(document) if p]
    how = draw(st.sampled_from(["delete", "replace", "nasty", "extra", "wrap", "truncate", "bytes", "encoding"]))
    if how == "delete":
        _delete(document, draw(st.sampled_from(paths)))
    elif how == "replace":
        _set(document, draw(st.sampled_from(paths)), draw(json_values))
    elif how == "nasty":
        strings = [p for p, v in _paths(document) if p and isinstance(v, str)]
        assume(strings)
        path = draw(st.sampled_from(strings))
        value = document
        for step in path:
            value = value[step]
        at = draw(st.integers(0, len(value)))
        _set(document, path, value[:at] + draw(nasty_strings) + value[at:])
    elif how == "extra":
        containers = [p for p, v in _paths(document) if isinstance(v, dict)]
        path = draw(st.sampled_from(containers))
        target = document
        for step in path:
            target = target[step]
        target[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
    elif how == "wrap":
        document = draw(st.sampled_from([[document], {"meeting": document}, json.dumps(document)]))
    text = json.dumps(document, ensure_ascii=draw(st.booleans()), allow_nan=False)
    data = text.encode("utf-8", "surrogatepass")
    if how == "truncate":
        data = data[: draw(st.integers(0, max(0, len(data) - 1)))]
    elif how == "bytes":
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    elif how == "encoding":
        data = draw(st.sampled_from([
            text.encode("utf-16", "surrogatepass"), text.encode("utf-16-le", "surrogatepass"),
            b"\xef\xbb\xbf\xef\xbb\xbf" + data, text.encode("latin-1", "replace"), data.replace(b'"', b"'"),
            data + b"\n}", b"[" * 5000 + data, data.replace(b":", b":" + b"9" * 5000, 1),
        ]))
    return data


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                                    HealthCheck.function_scoped_fixture])
@given(data=broken_documents())
def test_a_broken_meeting_document_is_refused_and_nothing_changes(importer, data):
    importer.refuse(data)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_any_json_value_that_is_not_a_meeting_is_refused(importer, value):
    importer.refuse(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_any_bytes_are_refused(importer, raw):
    importer.refuse(raw)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xef\xbb\xbf", id="only-a-bom"),
        pytest.param(b"[" * 200_000, id="deeply-nested"),
        pytest.param(b'{"format": "kaigiroku.meeting", "version": ' + b"9" * 100_000 + b"}", id="a-huge-number"),
        pytest.param(b'{"format": "kaigiroku.meeting", "version": 1e999}', id="infinity"),
        pytest.param(b'{"format": "kaigiroku.meeting", "format": "kaigiroku.meeting"}', id="duplicate-keys"),
        pytest.param(json.dumps({**example_from_format_page(), "version": 3}).encode(), id="a-newer-version"),
        pytest.param(b"\x00" * 1000, id="nul-bytes"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 30, id="a-zip"),
    ],
)
def test_pathological_documents_are_refused(importer, data):
    importer.refuse(data)


# ============================================================================================
# 2. Strange text: stored, exported and shown
# ============================================================================================


def strange_meeting(text: str):
    """The format page's example with ``text`` as a new speech, in a speaker name and an item title."""
    meeting = meeting_from_dict(example_from_format_page(), "example")
    meeting.agenda[0].log.append(Speech(text=text, speaker_id="p1", time="18:00:00"))
    meeting.agenda[0].log.append(Speech(text="二段落目のある発言。\n" + text[:200], label=text[:30] or "委員"))
    return meeting


@pytest.fixture(params=list(STRANGE))
def strange(request, tmp_path) -> tuple[str, str, Path, str]:
    """(kind, text, data folder, meeting id) with the text stored as the app stores it."""
    kind = request.param
    root = tmp_path / "data"
    with DataDir(root) as datadir:
        meeting_id = datadir.add_meeting(strange_meeting(STRANGE[kind]))
    return kind, STRANGE[kind], root, meeting_id


def test_strange_text_is_stored_and_read_back_exactly(strange):
    kind, text, root, meeting_id = strange
    meeting = DataDir(root).load_meeting(meeting_id)
    assert meeting.agenda[0].log[-2].text == text
    assert meeting.agenda[0].log[-1].label == (text[:30] or "委員")


def test_strange_text_is_exported_exactly_or_refused_with_a_message(strange, cli, tmp_path):
    kind, text, root, meeting_id = strange
    # JSON: always written, always UTF-8, and decodes to exactly the text.
    code, out, err = cli("--data-dir", root, "export", meeting_id, "--format", "json")
    assert code == 0, err
    out.decode("utf-8")  # strict: a lone surrogate is an escape, not broken UTF-8
    assert json.loads(out)["agenda"][0]["log"][-2]["text"] == text
    # Text: the speech as it is, in every paragraph.
    code, out, err = cli("--data-dir", root, "export", meeting_id, "--format", "text")
    if kind == "surrogate":
        assert code == 1 and "Traceback" not in err
        assert "U+D800" in err and "書けません" in err and "書き出しはやめました" in err
        assert "--encoding utf-8 で" not in err, "UTF-8 is what was asked: no use suggesting it"
    else:
        assert code == 0, err
        assert text in out.decode("utf-8")
        assert text in render_text(DataDir(root).load_meeting(meeting_id), ExportOptions())
    # Markdown: markup is escaped so it reads literally; without the escapes it is the text.
    markdown = render_markdown(DataDir(root).load_meeting(meeting_id), ExportOptions())
    unescaped = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~$%&^=:;\"'/@,?])", r"\1", markdown)
    assert text in unescaped or text.replace("\r", "") in unescaped
    if kind == "markup":
        assert "\\[b\\]太字ではない\\[/b\\]" in markdown and "\\*\\*強調\\*\\*" in markdown


def test_an_import_takes_back_what_the_format_allows_and_refuses_the_rest(strange, cli, tmp_path):
    kind, text, root, meeting_id = strange
    code, exported, err = cli("--data-dir", root, "export", meeting_id, "--format", "json")
    source = tmp_path / "exported.json"
    source.write_bytes(exported)
    before = snapshot(root)
    code, out, err = cli("--data-dir", root, "import", source)
    if kind in REFUSED_ON_IMPORT:
        assert code == 1, out
        assert "Traceback" not in err and str(source) in err and "agenda[0].log[" in err, err
        assert "取り込みをやめました" in err
        assert snapshot(root) == before
    else:
        assert code == 0, err
        new_id = out.decode("utf-8").strip().rsplit(" ", 1)[1]
        again = DataDir(root).load_meeting(new_id)
        assert again.agenda[0].log[-2].text == text
        assert dumps_meeting(again) == exported.decode("utf-8")


# -- on screen ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(STRANGE))
def test_the_log_layout_wraps_strange_text_within_the_width_and_escapes_the_unsafe(kind, monkeypatch):
    text = STRANGE[kind]
    shown = visible(text)
    assert not UNSAFE_ON_SCREEN.search(shown.replace("\n", "")), "visible() let an unsafe character through"
    measured: list[int] = []
    real = Widths.units

    def counted(self, line):
        measured.append(len(line))
        return real(self, line)

    monkeypatch.setattr(Widths, "units", counted)
    for width in (8, 23, 57):
        measured.clear()
        lines = wrap_cells(shown, width)
        # One pass: the text is measured once, not line by line (measuring what is
        # left after each line was quadratic and froze the screen on a 100,000-character
        # speech).
        assert measured == [len(shown)]
        assert "".join(lines) == shown
        assert all(cell_len(line) <= width for line in lines), [line for line in lines if cell_len(line) > width][:3]


def screen_text(app) -> list[str]:
    """The whole screen as the terminal would show it, as plain text lines."""
    width, height = app.size
    console = Console(width=width, height=height, file=StringIO(), force_terminal=True, color_system="truecolor",
                      record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False).split("\n")


def assert_screen_is_safe(app, what: str) -> None:
    width, height = app.size
    lines = [line for line in screen_text(app)]
    while lines and lines[-1] == "":
        lines.pop()
    assert len(lines) <= height, f"{what}: {len(lines)} lines on a screen of {height}"
    for number, line in enumerate(lines):
        bad = UNSAFE_ON_SCREEN.search(line)
        assert bad is None, f"{what}: line {number} holds U+{ord(bad.group()):04X}: {line!r}"
        assert cell_len(line) <= width, f"{what}: line {number} is {cell_len(line)} cells wide: {line!r}"


async def test_strange_text_on_screen_keeps_the_layout_and_the_terminal_safe(tmp_path):
    from tests.functional.appkit import add_meeting, empty_demo_dict, make_app, paste

    data = empty_demo_dict()
    data["people"][3]["name"] = "[b]名前[/b]\u202e反転"
    data["agenda"][0]["title"] = "議題 **太字** [red]x[/red] 😀 か\u3099"
    root = tmp_path / "data"
    meeting_id = add_meeting(root, data)
    with DataDir(root) as datadir:
        store = datadir.open_meeting(meeting_id)
        for kind, text in STRANGE.items():
            store.meeting.agenda[0].log.append(Speech(text=f"{kind}: {text}", label="委員", time="18:00:00"))
        store.save_agenda()
        store.close()
    app = make_app(root, meeting_id)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        log = screen.log_view
        log.settle_all()  # every entry laid out (in one pass each: see the wrapping test above)
        width = log.size.width
        for index in range(log.row_count):
            row = log.row_text(index)
            assert not UNSAFE_ON_SCREEN.search(row), (index, row)
        # Draw the log from top to bottom: every line exactly the pane's width, nothing unsafe.
        for top in range(0, log.row_count, max(1, log.size.height)):
            log.scroll_to(y=top, animate=False, force=True)
            await pilot.pause()
            for y in range(log.size.height):
                strip = log.render_line(y)
                assert strip.cell_length == width
                for segment in strip:
                    assert not UNSAFE_ON_SCREEN.search(segment.text), (top + y, segment.text)
            if top > 3000:
                break  # the long entry repeats itself: a few screens of it are enough
        assert_screen_is_safe(app, "the log")
        # Typed (pasted) into the entry bar: shown safely, and committed exactly.
        for kind in ("markup", "ansi", "control", "surrogate", "combining", "emoji", "rtl"):
            await paste(pilot, STRANGE[kind])
            await pilot.pause()
            assert_screen_is_safe(app, f"the entry bar with {kind}")
            await pilot.press("enter")
            await pilot.pause()
            assert screen.bar.text == "", kind
        await paste(pilot, STRANGE["long"])
        await pilot.press("enter")
        await pilot.pause()
        assert_screen_is_safe(app, "after the long entry")
    app.release()
    stored = [entry.text for entry in DataDir(root).load_meeting(meeting_id).agenda[0].log]
    pasted = [STRANGE[k] for k in ("markup", "ansi", "control", "surrogate", "combining", "emoji", "rtl")]
    pasted.append(STRANGE["long"])
    # A paste is words, never keys: its control characters are stored as visible symbols
    # (␛ ␇ ␀ …, minutes.safe_text.pasted), CR and CR LF as paragraph breaks; the entry bar
    # holds lines, so a remaining Unicode line break (U+2028 …) becomes one too, as
    # str.splitlines() sees it. Every other character is kept exactly.
    from minutes.safe_text import pasted as cleaned

    assert stored[-len(pasted):] == ["\n".join(cleaned(p)[0].splitlines()) for p in pasted]
    assert "␛[31m赤い字" in stored[-len(pasted) + 1]
