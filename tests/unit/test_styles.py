"""Export styles: a clerk's own copy, broken styles, the sandbox, which style wins.

The command line is called in-process (``tui.cli.main``), with a real data
folder: what a clerk types and what they get.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minutes.demo import load_demo
from minutes.render import ExportOptions
from minutes.style import (
    DEFAULT_STYLE,
    PRESETS,
    StyleError,
    StyleSource,
    choose_style_name,
    compile_style,
    load_preset,
    preset_source,
)
from minutes.view import view_of
from storage import DataDir
from storage.errors import StorageError
from storage.styles import copy_preset, list_styles, load_style, styles_dir
from tui.cli import main

YOROKU_FIRST_TURN = "会長　議事の1番目"


@pytest.fixture
def data(tmp_path):
    root = tmp_path / "data"
    datadir = DataDir(root)
    with datadir.write_lock():
        meeting_id = datadir.add_meeting(load_demo())
    return root, meeting_id


def cli(capsys, root, *args) -> tuple[int, str, str]:
    code = main(["--data-dir", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def source_with(text_template: str, settings: str | None = None) -> StyleSource:
    settings = settings if settings is not None else '[templates]\ntext = "text.j2"\n'
    return StyleSource("試し", "/tmp/試し", {"style.toml": settings, "text.j2": text_template})


# -- a clerk's own style ------------------------------------------------------------------
def test_styles_lists_the_presets_and_the_data_folders_styles(capsys, data):
    root, _ = data
    code, out, _ = cli(capsys, root, "styles")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == list(PRESETS)
    code, out, err = cli(capsys, root, "styles", "copy", "要録", "うちの市")
    assert code == 0 and "うちの市" in out
    assert sorted(p.name for p in (styles_dir(root) / "うちの市").iterdir()) == ["markdown.j2", "style.toml", "text.j2"]
    code, out, _ = cli(capsys, root, "styles")
    assert out.splitlines()[-1].startswith("うちの市\tデータフォルダ")


def test_a_copied_style_with_the_speaker_label_changed_changes_the_export(capsys, data):
    root, meeting_id = data
    cli(capsys, root, "styles", "copy", "要録", "うちの市")
    template = styles_dir(root) / "うちの市" / "text.j2"
    # The clerk's edit: the chair by name in brackets instead of 会長.
    edit(
        template,
        "{{ para((turn.label ~ SP ~ first if first else turn.label) if turn.label else first) }}",
        "{{ para((\"【\" ~ turn.label ~ \"】\" ~ first if first else turn.label) if turn.label else first) }}",
    )
    code, before, _ = cli(capsys, root, "export", meeting_id)
    code, after, err = cli(capsys, root, "export", meeting_id, "--style", "うちの市")
    assert code == 0, err
    assert YOROKU_FIRST_TURN in before and YOROKU_FIRST_TURN not in after
    assert "【会長】議事の1番目" in after
    assert after.splitlines()[:3] == before.splitlines()[:3]  # the rest of the layout is the preset's


def test_copy_refuses_a_preset_name_a_taken_name_and_a_path(data):
    root, _ = data
    copy_preset(root, "議会", "委員会用")
    for name in ("要録", "委員会用", "../外", "a/b", ".隠し", ""):
        with pytest.raises(StorageError):
            copy_preset(root, "要録", name)
    with pytest.raises(StorageError, match="プリセット「ない」"):
        copy_preset(root, "ない", "新しい")
    assert not (root.parent / "外").exists()


# -- broken styles are refused with file, line and reason -------------------------------------
def test_a_syntax_error_is_refused_with_its_file_and_line():
    with pytest.raises(StyleError) as caught:
        compile_style(source_with("一行目\n{{ body }}\n{% for x in items %}{{ x.heading }\n四行目\n"))
    error = caught.value
    assert error.file == "/tmp/試し/text.j2" and error.line == 3
    assert "テンプレートの書き方に誤り" in error.message and "text.j2 の3行目" in error.message


@pytest.mark.parametrize(
    ("template", "said"),
    [
        ("{% for x in items %}{{ x }}", "「{% for … %}」を閉じる「{% endfor %}」がないまま、テンプレートが終わっています"),
        ("{% if body %}本文", "「{% if … %}」を閉じる「{% endif %}」がないまま"),
        ("{% for x in items %}{% endif %}", "「{% endif %}」はここには書けません。その前の「{% for … %}」を「{% endfor %}」で閉じてください"),
        ("{% endfor %}", "「{% endfor %}」で閉じる「{% for … %}」がありません"),
        ("{% hoge %}", "「{% hoge %}」という命令はありません"),
        ("{{ body }", "「}」はここには書けません"),
        ("{{ body", "「}}」がないまま、テンプレートが終わっています"),
        ("{% if body ", "「%}」がないまま、テンプレートが終わっています"),
        ("{{ a b }}", "「}}」が必要なところに「b」があります"),
        ("{{ }}", "式(項目の名前など)が必要なところに「}}」があります"),
        ("{{ body | }}", "名前が必要なところに「}}」があります"),
        ("{% for x %}{% endfor %}", "「in」が必要なところに「%}」があります"),
        ("{{ f( }}", "「)」が必要なところに「}」があります"),
        ("{{ body. }}", "「.」のあとに項目の名前が必要です"),
        ("{{ '本文 }}", "閉じていない引用符がないか確かめてください"),
        ("{# メモ", "コメントの「{#」を閉じる「#}」がありません"),
    ],
)
def test_a_syntax_error_is_told_in_japanese_with_jinja_s_words_after_it(template, said):
    # The clerk who edits a style reads Japanese; Jinja2's English stays after it for the details.
    with pytest.raises(StyleError) as caught:
        compile_style(source_with(template + "\n"))
    message = caught.value.message
    assert "テンプレートの書き方に誤りがあります: " in message and said in message
    assert message.index(said) < message.index("(Jinja2: ")


def test_an_unknown_field_is_refused_with_its_line_when_printing():
    style = compile_style(source_with("{{ body }}\n{{ place }}\n{{ chairman }}\n"))
    with pytest.raises(StyleError) as caught:
        style.render("text", view_of(load_demo()))
    assert caught.value.line == 3
    assert "「chairman」という項目はありません" in caught.value.message
    with pytest.raises(StyleError, match="「speakr」という項目はありません") as caught:
        compile_style(source_with("\n{% for i in items %}{{ i.blocks[0].speakr }}{% endfor %}")).render(
            "text", view_of(load_demo())
        )
    assert caught.value.line == 2


def test_a_style_may_use_the_japanese_names():
    style = compile_style(source_with("{{ 題名 }}\n{{ 日時 }}\n{{ 場所 }}\n{{ 欠席委員 }}\n{% for item in 議事 %}{{ item.number }}{% endfor %}\n"))
    view = view_of(load_demo())
    assert style.render("text", view).split("\n")[:5] == [view.title, view.date_line, view.place, "なし", "(1)(2)(3)(4)"]


def test_an_unknown_setting_is_refused_with_its_line():
    settings = '# 私のスタイル\ndescription = "x"\nfont = "明朝"\n[templates]\ntext = "text.j2"\n'
    with pytest.raises(StyleError) as caught:
        compile_style(source_with("x", settings))
    assert caught.value.line == 3 and "「font」という設定はありません" in caught.value.message
    with pytest.raises(StyleError) as caught:
        compile_style(source_with("x", 'description = "x\n'))
    assert caught.value.line == 1 and "TOML" in caught.value.message


@pytest.mark.parametrize(
    "word, reason",
    [('header = "tabel"', '"lines"、"table" のどれか'), ('font = "明朝"', "「font」という設定はありません")],
    ids=["bad-value", "unknown-key"],
)
def test_the_word_settings_are_checked_with_their_line(word, reason):
    settings = f'description = "x"\n[templates]\ntext = "text.j2"\n[word]\n{word}\n'
    with pytest.raises(StyleError) as caught:
        compile_style(source_with("x", settings))
    assert caught.value.line == 5 and reason in caught.value.message


def test_a_copied_style_can_set_its_header_as_a_table_in_word(capsys, data, tmp_path):
    import docx

    root, meeting_id = data
    cli(capsys, root, "styles", "copy", "要録", "表の市")
    settings = styles_dir(root) / "表の市" / "style.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + '\n[word]\nheader = "table"\n', encoding="utf-8")
    code, _, err = cli(capsys, root, "export", meeting_id, "--style", "表の市", "--format", "docx", "-o", str(tmp_path / "表.docx"))
    assert code == 0, err
    document = docx.Document(str(tmp_path / "表.docx"))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["1　開催日時", "令和4年3月15日(火曜日)午後5時30分から午後7時まで"]
    staff = next(r for r in rows if r[0] == "　(3)　関係課")
    assert staff[1].split("\n") == [
        "市川課長、長峯課長補佐、中野主任(資源循環課)", "松尾課長、田中係長(市民協働・男女参画推進課)", "石野課長、鈴木係長(子育て支援課)",
    ]
    assert ["5　会次第"] * 2 in rows
    assert "6　内容(要録)" in [p.text for p in document.paragraphs]  # the content starts after the table
    code, plain, _ = cli(capsys, root, "export", meeting_id, "--style", "表の市")
    assert plain == cli(capsys, root, "export", meeting_id)[1]  # the text export is not changed by it


def test_a_broken_data_folder_style_stops_the_export_and_never_falls_back(capsys, data):
    root, meeting_id = data
    cli(capsys, root, "styles", "copy", "要録", "壊れた")
    (styles_dir(root) / "壊れた" / "text.j2").write_text("{{ body }}\n{% if %}\n", encoding="utf-8")
    out_file = root.parent / "out.txt"
    code, out, err = cli(capsys, root, "export", meeting_id, "--style", "壊れた", "-o", str(out_file))
    assert code == 1 and out == ""
    assert "壊れた" in err and "text.j2 の2行目" in err
    assert not out_file.exists()
    code, out, _ = cli(capsys, root, "styles")
    assert "壊れた\tデータフォルダ" in out and "使えません" in out


def test_an_unknown_style_is_refused(capsys, data):
    root, meeting_id = data
    code, out, err = cli(capsys, root, "export", meeting_id, "--style", "ない")
    assert code == 1 and out == "" and "スタイル「ない」はありません" in err


def test_a_style_that_is_a_link_is_not_read(tmp_path, data):
    root, _ = data
    outside = tmp_path / "outside"
    outside.mkdir()
    for name, text in preset_source("要録").files.items():
        (outside / name).write_text(text, encoding="utf-8")
    styles_dir(root).mkdir()
    (styles_dir(root) / "リンク").symlink_to(outside, target_is_directory=True)
    (styles_dir(root) / "中身がリンク").mkdir()
    for name in ("style.toml", "markdown.j2"):
        (styles_dir(root) / "中身がリンク" / name).write_text((outside / name).read_text(encoding="utf-8"), encoding="utf-8")
    (styles_dir(root) / "中身がリンク" / "text.j2").symlink_to(outside / "text.j2")
    with pytest.raises(StyleError, match="フォルダがリンク"):
        load_style(root, "リンク")
    with pytest.raises(StyleError, match="リンクは読みません"):
        load_style(root, "中身がリンク")


# -- the sandbox -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "template",
    [
        "{{ body.__class__.__mro__[1].__subclasses__() }}",
        "{{ items[0].__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ hang.__globals__['__builtins__'] }}",
        "{% set x = items.append(1) %}",
        "{{ people.clear() }}",
    ],
)
def test_the_sandbox_refuses_python_internals(template):
    style = compile_style(source_with(template + "\n"))
    with pytest.raises(StyleError) as caught:
        style.render("text", view_of(load_demo()))
    assert caught.value.line == 1
    assert "使えない機能" in caught.value.message or "項目はありません" in caught.value.message


@pytest.mark.parametrize("name", ["/etc/passwd", "../style.toml", "style.toml", "../../pyproject.toml"])
def test_the_sandbox_reads_no_file(name):
    style = compile_style(source_with(f"前\n{{% include {json.dumps(name)} %}}\n"))
    with pytest.raises(StyleError) as caught:
        style.render("text", view_of(load_demo()))
    assert caught.value.line == 2 and "読めません" in caught.value.message
    assert "root:" not in caught.value.message


# -- which style wins ------------------------------------------------------------------------
def test_precedence_in_order():
    meeting = load_demo()
    assert choose_style_name(None, meeting, None) == DEFAULT_STYLE
    assert choose_style_name(None, meeting, "要点") == "要点"
    meeting.style = "議会"  # the meeting's own style (format v2)
    assert choose_style_name(None, meeting, "要点") == "議会"
    assert choose_style_name("要録", meeting, "要点") == "要録"


def test_precedence_on_the_command_line(capsys, data):
    """--style > the meeting's style > the committee's default > 要録, as printed."""
    root, meeting_id = data
    datadir = DataDir(root)
    heads = {"要録": "1　開催日時", "議会": "1.日　時", "要点": "1　日時"}

    def printed(*args) -> str:
        code, out, err = cli(capsys, root, "export", meeting_id, *args)
        assert code == 0, err
        return next(name for name, head in heads.items() if any(l.startswith(head) for l in out.splitlines()))

    assert printed() == "要録"
    from minutes.committee import committee_from_meeting

    committee = committee_from_meeting(datadir.load_meeting(meeting_id))
    committee.export_style = "要点"
    with datadir.write_lock():
        datadir.save_committee(committee)
    assert printed() == "要点"
    assert printed("--style", "議会") == "議会"
    # The meeting's own style (format v2 ``style``), where the model has it.
    meeting = load_demo()
    if not hasattr(meeting, "style"):
        pytest.skip("the meeting model has no style key yet (format v2)")
    meeting.style = "議会"
    with datadir.write_lock():
        meeting_id = datadir.add_meeting(meeting)
    assert printed() == "議会"
    assert printed("--style", "要録") == "要録"


def test_list_styles_without_a_data_folder():
    assert [e.name for e in list_styles(None)] == list(PRESETS)


def test_presets_compile_and_print_every_format():
    meeting = load_demo()
    for name in PRESETS:
        style = load_preset(name)
        assert set(style.formats) == {"text", "markdown"}
        for fmt in style.formats:
            assert style.render(fmt, view_of(meeting, ExportOptions()), None).endswith("\n")


def test_the_list_checks_a_style_on_every_kind_of_entry(capsys, data):
    """A field misspelt in the branch for notes is found before any meeting has a note."""
    root, _ = data
    cli(capsys, root, "styles", "copy", "議会", "誤字")
    edit(styles_dir(root) / "誤字" / "text.j2", "（\" ~ block.text ~ \"）", "（\" ~ block.txt ~ \"）")
    code, out, _ = cli(capsys, root, "styles")
    line = next(l for l in out.splitlines() if l.startswith("誤字\t"))
    assert "使えません" in line and "「txt」という項目はありません" in line and "text.j2 の" in line


def test_every_preset_passes_the_check():
    from minutes.style import check_style

    for name in PRESETS:
        check_style(load_preset(name))


def test_the_list_shows_control_characters_of_a_description_as_escapes(capsys, data):
    root, _ = data
    cli(capsys, root, "styles", "copy", "要録", "色")
    edit(styles_dir(root) / "色" / "style.toml", 'description = "', 'description = "\\u001b[2J')
    code, out, _ = cli(capsys, root, "styles")
    assert code == 0 and "\x1b" not in out and "\\x1b[2J" in out


def test_an_export_compiling_one_format_still_refuses_a_syntax_error_with_its_line(capsys, data):
    root, meeting_id = data
    cli(capsys, root, "styles", "copy", "議会", "部品が壊れた")
    edit(styles_dir(root) / "部品が壊れた" / "common.j2", "{% macro who(person) -%}", "{% macro who(person) -%}\n{{ }")
    code, out, err = cli(capsys, root, "export", meeting_id, "--style", "部品が壊れた", "--format", "markdown")
    assert code == 1 and out == ""
    assert "common.j2 の3行目" in err and "書き方に誤り" in err


@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_copied_preset_prints_exactly_as_the_preset_in_the_sandbox(preset, data):
    root, _ = data
    copy_preset(root, preset, "写し")
    copied = load_style(root, "写し")
    assert copied.environment.sandboxed and not load_preset(preset).environment.sandboxed
    for options in (ExportOptions(), ExportOptions(named=True, votes="summary", width=30)):
        view = view_of(load_demo(), options)
        for fmt in ("text", "markdown"):
            assert copied.render(fmt, view, options.width) == load_preset(preset).render(fmt, view, options.width)
