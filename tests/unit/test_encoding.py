"""Exported text for Windows: UTF-8 or cp932, LF or CRLF, and never a silent loss.

The first part tests :mod:`minutes.encoding`; the last part the command line
(``kaigiroku export … --encoding --newline --replace``), run in this process
on an interchange file in a temporary folder.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minutes.demo import load_demo_dict
from minutes.encoding import (
    DEFAULT_MARK,
    WINDOWS_MAP,
    BadMarkError,
    Problem,
    UnencodableError,
    describe_replacements,
    encode_cp932,
    encode_export,
    find_unencodable,
    normalize_encoding,
    to_windows,
)

# -- the Windows neighbours -----------------------------------------------------

#: The mapping, pinned: character typed on Linux/macOS -> what Windows writes, and its cp932 bytes.
EXPECTED_MAP = {
    "\u301c": ("\uff5e", b"\x81\x60"),  # 〜 -> ～
    "\u2016": ("\u2225", b"\x81\x61"),  # ‖ -> ∥
    "\u2212": ("\uff0d", b"\x81\x7c"),  # − -> －
    "\u00a2": ("\uffe0", b"\x81\x91"),  # ¢ -> ￠
    "\u00a3": ("\uffe1", b"\x81\x92"),  # £ -> ￡
    "\u00ac": ("\uffe2", b"\x81\xca"),  # ¬ -> ￢
    "\u2014": ("\u2015", b"\x81\x5c"),  # — -> ―
    "\u00a6": ("\uffe4", b"\xfa\x55"),  # ¦ -> ￤
    "\u00a5": ("\uffe5", b"\x81\x8f"),  # ¥ -> ￥
    "\u203e": ("\uffe3", b"\x81\x50"),  # ‾ -> ￣
}


def test_windows_map_is_pinned():
    assert WINDOWS_MAP == {source: target for source, (target, _raw) in EXPECTED_MAP.items()}


@pytest.mark.parametrize("source", sorted(EXPECTED_MAP))
def test_each_mapped_character_is_written_as_windows_writes_it(source):
    target, raw = EXPECTED_MAP[source]
    data, problems = encode_export(source, "cp932")
    assert problems == []
    assert data == raw
    assert data.decode("cp932") == target
    # The neighbour itself is left alone and gives the same bytes.
    assert encode_export(target, "cp932")[0] == raw


def test_every_character_python_folds_silently_is_in_the_map():
    """Python's cp932 encoder takes some characters and decodes them back as others:
    each such pair must be in WINDOWS_MAP, so that the change is ours and pinned."""
    folded = {}
    for code in range(0x10000):  # cp932 has nothing outside the BMP
        char = chr(code)
        if 0xD800 <= code < 0xE000:
            continue
        try:
            back = char.encode("cp932").decode("cp932")
        except UnicodeEncodeError:
            continue
        if back != char:
            folded[char] = back
    assert folded  # the codec does fold some
    for char, back in folded.items():
        assert WINDOWS_MAP.get(char) == back, f"U+{ord(char):04X}"


@pytest.mark.parametrize("char", ["\u2015", "\uff5e", "\uff0d", "\u2225", "\u2010", "\\", "~"])
def test_characters_windows_already_uses_stay(char):
    assert char not in WINDOWS_MAP
    data, _ = encode_export(char, "cp932")
    assert data.decode("cp932") == char


def test_utf8_keeps_the_text_as_typed():
    text = "〜−‖—¢£¬¦¥‾𠮷😀"
    data, problems = encode_export(text, "utf-8")
    assert problems == []
    assert data == text.encode("utf-8")
    assert not data.startswith(b"\xef\xbb\xbf")  # no BOM


@pytest.mark.parametrize(
    ("char", "raw"),
    [
        ("髙", b"\xfb\xfc"),  # IBM extension, not NEC-selected EE E0
        ("﨑", b"\xfa\xb1"),  # not ED 95
        ("ⅰ", b"\xfa\x40"),  # not EE EF
        ("￤", b"\xfa\x55"),  # not EE FA
        ("Ⅰ", b"\x87\x54"),  # NEC row 13, as Windows
        ("№", b"\x87\x82"),
        ("∵", b"\x81\xe6"),  # JIS X 0208, as Windows
        ("①", b"\x87\x40"),
    ],
)
def test_cp932_bytes_are_those_windows_writes(char, raw):
    assert encode_cp932(char) == raw
    assert raw.decode("cp932") == char


def test_every_cp932_character_round_trips():
    chars = set()
    for lead in list(range(0x81, 0xA0)) + list(range(0xE0, 0xFD)):
        for trail in range(0x40, 0xFD):
            try:
                chars.add(bytes([lead, trail]).decode("cp932"))
            except UnicodeDecodeError:
                pass
    text = "".join(sorted(chars)) + "".join(chr(c) for c in range(0x20, 0x7F)) + "ｱｲｳ"
    assert encode_cp932(text).decode("cp932") == text
    assert encode_export(text, "cp932")[0].decode("cp932") == text


# -- refusing and replacing -------------------------------------------------------

TEXT = "一行目\n二行目〜です\n三行目の発言で、委員から吉野𠮷野家と😀の話があった。\n"
#            line 3: "三行目の発言で、委員から吉野" is 14 characters; 𠮷 is the 15th


def test_unencodable_characters_are_refused_with_their_positions():
    with pytest.raises(UnencodableError) as caught:
        encode_export(TEXT, "cp932", "crlf")
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.encoding == "cp932"
    assert error.problems == [Problem(3, 15, "𠮷", "U+20BB7"), Problem(3, 19, "😀", "U+1F600")]
    message = str(error)
    assert "3行15文字目「𠮷」(U+20BB7) はShift_JIS(cp932)で書けません。" in message
    assert "3行19文字目「😀」(U+1F600) はShift_JIS(cp932)で書けません。" in message
    assert "--replace 〓" in message
    assert message == error.message


def test_positions_count_characters_not_bytes():
    problems = find_unencodable("𠮷😀a𠮷", "cp932")
    assert [(p.line, p.column) for p in problems] == [(1, 1), (1, 2), (1, 4)]


def test_emoji_sequences_count_as_one_character():
    text = "❤️と👍🏻と👨\u200d👩\u200d👧と1️⃣"
    problems = find_unencodable(text, "cp932")
    assert [p.char for p in problems] == ["❤️", "👍🏻", "👨\u200d👩\u200d👧", "\ufe0f\u20e3"]
    assert problems[0].code == "U+2764 U+FE0F"
    data, replaced = encode_export(text, "cp932", replace="〓")
    assert data.decode("cp932") == "〓と〓と〓と1〓"
    assert replaced == problems


def test_invisible_characters_are_named_not_shown():
    (problem,) = find_unencodable("a\u00a0b", "cp932")
    assert problem.describe() == "1行2文字目の見えない文字(U+00A0 NO-BREAK SPACE)"


def test_replace_lists_what_was_replaced():
    data, replaced = encode_export(TEXT, "cp932", "crlf", replace="〓")
    text = data.decode("cp932")
    assert text == "一行目\r\n二行目～です\r\n三行目の発言で、委員から吉野〓野家と〓の話があった。\r\n"
    assert replaced == [Problem(3, 15, "𠮷", "U+20BB7"), Problem(3, 19, "😀", "U+1F600")]
    report = describe_replacements(replaced, "cp932", "〓")
    assert report.splitlines() == [
        "Shift_JIS(cp932)で書けない文字を「〓」に置き換えました(2か所):",
        "  3行15文字目「𠮷」(U+20BB7)",
        "  3行19文字目「😀」(U+1F600)",
    ]
    assert describe_replacements([], "cp932", "〓") == ""


def test_a_multi_character_mark_keeps_the_other_positions():
    data, replaced = encode_export("𠮷a😀b\n😀", "cp932", replace="[?]")
    assert data.decode("cp932") == "[?]a[?]b\n[?]"
    assert [(p.line, p.column) for p in replaced] == [(1, 1), (1, 3), (2, 1)]


def test_nothing_to_replace_gives_no_problems():
    data, replaced = encode_export("普通の文章です。", "cp932", replace="〓")
    assert replaced == []
    assert data.decode("cp932") == "普通の文章です。"


@pytest.mark.parametrize("mark", ["", "\n", "a\rb", "😀", "𠮷"])
def test_a_mark_that_cannot_be_written_is_refused(mark):
    with pytest.raises(BadMarkError) as caught:
        encode_export("𠮷", "cp932", replace=mark)
    assert caught.value.message


def test_the_mark_gets_the_windows_mapping_too():
    data, _ = encode_export("𠮷", "cp932", replace="〜")
    assert data.decode("cp932") == "～"


def test_utf8_refuses_lone_surrogates_only():
    with pytest.raises(UnencodableError) as caught:
        encode_export("ok\n\ud800", "utf-8")
    assert caught.value.problems == [Problem(2, 1, "\ud800", "U+D800")]
    assert "UTF-8で書けません" in str(caught.value)
    data, replaced = encode_export("a\ud800b", "utf-8", replace="?")
    assert data == b"a?b"
    assert len(replaced) == 1


# -- newlines and names ---------------------------------------------------------------


def test_crlf_and_lf():
    assert encode_export("a\nb\n", "utf-8", "crlf")[0] == b"a\r\nb\r\n"
    assert encode_export("a\nb\n", "utf-8")[0] == b"a\nb\n"
    # A CRLF already there is not doubled, and an LF export has no CR left.
    assert encode_export("a\r\nb\n", "cp932", "crlf")[0] == b"a\r\nb\r\n"
    assert encode_export("a\r\nb\n", "cp932", "lf")[0] == b"a\nb\n"


def test_positions_ignore_crlf_in_the_input():
    (problem,) = find_unencodable("a\r\nb𠮷".replace("\r\n", "\n"), "cp932")
    assert (problem.line, problem.column) == (2, 2)
    with pytest.raises(UnencodableError) as caught:
        encode_export("a\r\nb𠮷", "cp932")
    assert (caught.value.problems[0].line, caught.value.problems[0].column) == (2, 2)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("utf-8", "utf-8"), ("UTF8", "utf-8"), ("cp932", "cp932"), ("Shift_JIS", "cp932"), ("MS932", "cp932"),
     ("windows-31j", "cp932"), ("sjis", "cp932")],
)
def test_encoding_names(name, expected):
    assert normalize_encoding(name) == expected


def test_unknown_encoding_and_newline_are_refused():
    with pytest.raises(ValueError, match="latin-1"):
        encode_export("a", "latin-1")
    with pytest.raises(ValueError, match="cr"):
        encode_export("a", "utf-8", "cr")


# -- any text: either written whole or refused, never silently changed -----------------------

ALPHABET = st.sampled_from(
    list("あいうアイウ漢字髙﨑①ⅰ ー・、。「」ｱ\\~abc123\n\t") + list(WINDOWS_MAP) + ["𠮷", "😀", "❤️", "\u00a0", "\ufe0f"]
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(ALPHABET, max_size=40), crlf=st.booleans())
def test_text_is_written_whole_or_refused(parts, crlf):
    text = "".join(parts)
    newline = "crlf" if crlf else "lf"
    try:
        data, replaced = encode_export(text, "cp932", newline)
    except UnencodableError as error:
        lines = to_windows(text).split("\n")
        for problem in error.problems:
            line = lines[problem.line - 1]
            assert line[problem.column - 1 :].startswith(problem.char)
            assert find_unencodable(problem.char, "cp932")
        return
    assert replaced == []
    expected = to_windows(text)
    if crlf:
        expected = expected.replace("\n", "\r\n")
    assert data.decode("cp932") == expected


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(ALPHABET, max_size=40))
def test_every_replacement_is_reported(parts):
    text = "".join(parts)
    data, replaced = encode_export(text, "cp932", replace="〓")
    decoded = data.decode("cp932")
    assert decoded.count("〓") == len(replaced)
    # Put the reported characters back where the marks are: that is the mapped text.
    restored = decoded
    for problem in replaced:
        restored = restored.replace("〓", problem.char, 1)
    assert restored == to_windows(text)


# -- the demo meeting -----------------------------------------------------------


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_every_string_of_the_demo_meeting_fits_in_cp932():
    text = "\n".join(_strings(load_demo_dict()))
    data, replaced = encode_export(text, "cp932", "crlf")
    assert replaced == []
    assert data.decode("cp932") == to_windows(text).replace("\n", "\r\n")


def test_demo_text_export_encodes_to_cp932_and_back():
    from minutes.demo import load_demo
    from minutes.render_text import render_text

    text = render_text(load_demo())
    data, replaced = encode_export(text, "cp932", "crlf")
    assert replaced == []
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    assert data.decode("cp932") == to_windows(text).replace("\n", "\r\n")


# -- the command line -------------------------------------------------------------


@pytest.fixture
def meeting_file(tmp_path):
    """The demo meeting as an interchange file, with the place name given characters cp932 lacks."""

    def make(place: str):
        data = load_demo_dict()
        data["place"] = place
        path = tmp_path / "meeting.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return make


def _export(tmp_path, *args):
    from tui.cli import main

    return main(["--data-dir", str(tmp_path / "data"), "export", *map(str, args)])


def _place_line(text: str) -> tuple[int, str]:
    for number, line in enumerate(text.split("\n"), start=1):
        if "開催場所" in line:
            return number, line
    raise AssertionError("no 開催場所 line")


def test_cli_writes_cp932_crlf(tmp_path, meeting_file, capsys):
    source = meeting_file("市役所3階 庁議室〜")
    out = tmp_path / "out.txt"
    assert _export(tmp_path, source, "--encoding", "cp932", "--newline", "crlf", "-o", out) == 0
    data = out.read_bytes()
    text = data.decode("cp932")
    assert "市役所3階 庁議室～" in text  # the Windows neighbour
    assert data.count(b"\n") == data.count(b"\r\n") > 10
    assert "置き換えました" not in capsys.readouterr().err


def test_cli_refuses_unencodable_characters_and_writes_nothing(tmp_path, meeting_file, capsys):
    source = meeting_file("𠮷野ホール😀")
    assert _export(tmp_path, source) == 0  # UTF-8 holds them
    utf8_text = capsys.readouterr().out
    line_no, line = _place_line(utf8_text)
    column = line.index("𠮷") + 1
    out = tmp_path / "out.txt"
    assert _export(tmp_path, source, "--encoding", "cp932", "-o", out) == 1
    err = capsys.readouterr().err
    assert f"{line_no}行{column}文字目「𠮷」(U+20BB7) はShift_JIS(cp932)で書けません。" in err
    assert f"{line_no}行{column + 5}文字目「😀」(U+1F600) はShift_JIS(cp932)で書けません。" in err
    assert "--replace 〓" in err
    assert not out.exists()


def test_cli_replace_reports_each_replacement(tmp_path, meeting_file, capsys):
    source = meeting_file("𠮷野ホール😀")
    out = tmp_path / "out.txt"
    assert _export(tmp_path, source, "--encoding", "cp932", "--replace", DEFAULT_MARK, "-o", out) == 0
    text = out.read_bytes().decode("cp932")
    assert "〓野ホール〓" in text
    line_no, line = _place_line(text)
    err = capsys.readouterr().err
    assert "Shift_JIS(cp932)で書けない文字を「〓」に置き換えました(2か所):" in err
    assert f"  {line_no}行{line.index('〓') + 1}文字目「𠮷」(U+20BB7)" in err


def test_cli_writes_encoded_bytes_to_standard_output(tmp_path, meeting_file, capsysbinary):
    source = meeting_file("庁議室−1")
    assert _export(tmp_path, source, "--encoding", "cp932", "--newline", "crlf") == 0
    out = capsysbinary.readouterr().out
    assert "庁議室－1\r\n".encode("cp932") in out


def test_cli_refuses_a_bad_mark(tmp_path, meeting_file, capsys):
    source = meeting_file("𠮷")
    assert _export(tmp_path, source, "--encoding", "cp932", "--replace", "😀") == 1
    assert "置き換える文字「😀」もShift_JIS(cp932)で書けません" in capsys.readouterr().err


def test_cli_json_stays_utf8(tmp_path, meeting_file, capsys):
    source = meeting_file("庁議室")
    assert _export(tmp_path, source, "--format", "json", "--encoding", "cp932") == 1
    assert "UTF-8 でだけ" in capsys.readouterr().err
    assert _export(tmp_path, source, "--format", "json", "--newline", "crlf") == 0
    out = capsys.readouterr().out
    assert json.loads(out)["place"] == "庁議室"


def test_cli_rejects_unknown_choices(tmp_path, meeting_file, capsys):
    source = meeting_file("庁議室")
    with pytest.raises(SystemExit) as caught:
        _export(tmp_path, source, "--encoding", "latin-1")
    assert caught.value.code == 2
    capsys.readouterr()


def test_problem_names():
    assert Problem(1, 1, "𠮷", "U+20BB7").names == unicodedata.name("𠮷")
