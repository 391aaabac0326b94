"""Export styles: the layout of an official template as data a clerk can copy and edit.

A style is a folder: ``style.toml`` (a description and which template prints
which format) and Jinja2 templates (``text.j2``, ``markdown.j2`` …). The
domain prepares the facts (:mod:`minutes.view`); the template arranges them.

Styles are user files, so they run in Jinja2's immutable sandbox (the
presets, which ship with the code, do not need it): a template
cannot reach attributes starting with ``_`` (Python internals), cannot change
the facts, and can include only the templates of its own folder (no file of
the disk). Anything undefined is an error, never an empty string: a typo in
a field name must not print minutes with a hole in them. Every failure, at
load or while printing, is a :class:`StyleError` that names the file, the line
and the reason in Japanese; the caller refuses the export, it never falls
back to another style.

Three presets ship with the package (``minutes/presets``): 要録 (the
default, the seed's layout), 議会 and 要点 (``shared/meeting-format.md``,
"Export styles").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources

from minutes.render import md_escape
from minutes.textwidth import display_width, pad_to, wrap

#: The presets, by the name a clerk uses, and their folder in the package.
PRESETS = {"要録": "yoroku", "議会": "gikai", "要点": "yoten"}
DEFAULT_STYLE = "要録"
SETTINGS_FILE = "style.toml"
TEMPLATE_SUFFIX = ".j2"
#: The keys of ``style.toml``; anything else is refused (a typo must not be ignored).
SETTINGS_KEYS = {"description": str, "templates": dict, "word": dict}
#: ``[word]``: how the Word export sets the style's text. ``header``: the header
#: lines as paragraphs (``"lines"``) or as a table of label and value (``"table"``).
WORD_SETTINGS = {"header": ("lines", "table")}
#: The formats a style may print (the keys of ``[templates]``).
STYLED_FORMATS = ("text", "markdown")

SP = "\u3000"
#: A Markdown hard line break.
BR = "  "


class StyleError(Exception):
    """A style that cannot be used: which file, which line, why (Japanese)."""

    def __init__(self, style: str, file: str, line: int | None, reason: str) -> None:
        self.style = style
        self.file = file
        self.line = line
        self.reason = reason
        where = f"{file} の{line}行目" if line else file
        self.message = (
            f"スタイル「{style}」を使えません({where}): {reason}。"
            "ファイルを直すか、別のスタイルを選んでください。"
        )
        super().__init__(self.message)


class UnknownStyleError(Exception):
    """No style of that name (the message says where to look)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.message = f"スタイル「{name}」はありません。kaigiroku styles で使えるスタイルを確認してください。"
        super().__init__(self.message)


@dataclass(frozen=True)
class StyleSource:
    """The files of a style as read: ``files`` maps a file name to its text."""

    name: str
    folder: str
    """Where the files are, for messages (a path, or ``(プリセット)/要録``)."""
    files: dict[str, str]
    preset: bool = False

    def path_of(self, file: str) -> str:
        return f"{self.folder}/{file}"


def preset_source(name: str) -> StyleSource:
    """The files of a preset (package data)."""
    if name not in PRESETS:
        raise UnknownStyleError(name)
    folder = resources.files("minutes") / "presets" / PRESETS[name]
    files = {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name == SETTINGS_FILE or entry.name.endswith(TEMPLATE_SUFFIX)
    }
    return StyleSource(name, f"(プリセット)/{name}", files, preset=True)


# -- errors into file, line, reason ---------------------------------------------------
_UNDEFINED = re.compile(r"'(?:[^']*)' (?:object )?has no attribute '([^']+)'|'([^']+)' is undefined")


#: Jinja2's names of the tokens its syntax messages expect or meet, as the clerk writes them.
_TOKENS = {
    "end of print statement": "「}}」",
    "end of statement block": "「%}」",
    "end of template": "テンプレートの終わり",
    "name": "名前",
}
_BLOCK_LEFT_OPEN = r"Jinja was looking for the following tags: .+\. The innermost block that needs to be closed is '(\w+)'\."


def _token(name: str) -> str:
    return _TOKENS.get(name, f"「{name}」")


def _unknown_tag(tag: str, block: str | None) -> str:
    if block is not None:
        return f"「{{% {tag} %}}」はここには書けません。その前の「{{% {block} … %}}」を「{{% end{block} %}}」で閉じてください"
    if tag.startswith("end"):
        return f"「{{% {tag} %}}」で閉じる「{{% {tag[3:]} … %}}」がありません"
    return f"「{{% {tag} %}}」という命令はありません。使える命令は docs/styles.md のとおりです"


#: Jinja2's syntax messages (English) and what they tell the clerk who edits a style.
_SYNTAX = [
    (rf"Unexpected end of template\. {_BLOCK_LEFT_OPEN}",
     lambda m: f"「{{% {m[1]} … %}}」を閉じる「{{% end{m[1]} %}}」がないまま、テンプレートが終わっています"),
    (rf"Encountered unknown tag '(\w+)'\. {_BLOCK_LEFT_OPEN}", lambda m: _unknown_tag(m[1], m[2])),
    (r"Encountered unknown tag '(\w+)'\.", lambda m: _unknown_tag(m[1], None)),
    (r"unexpected end of template, expected '(.+)'\.",
     lambda m: f"{_token(m[1])}がないまま、テンプレートが終わっています"),
    (r"unexpected '(.+?)', expected '(.+)'", lambda m: f"{_token(m[2])}が必要なところに「{m[1]}」があります"),
    (r"unexpected '(.+)'", lambda m: f"「{m[1]}」はここには書けません。「{{{{ … }}}}」と「{{% … %}}」の対を確かめてください"),
    (r"expected token '(.+?)', got '(.+)'", lambda m: f"{_token(m[1])}が必要なところに{_token(m[2])}があります"),
    (r"Expected an expression, got '(.+)'", lambda m: f"式(項目の名前など)が必要なところに{_token(m[1])}があります"),
    (r"expected name or number", lambda m: "「.」のあとに項目の名前が必要です"),
    (r"unexpected char (.+) at \d+", lambda m: f"ここに {m[1]} は書けません。閉じていない引用符がないか確かめてください"),
    (r"Missing end of comment tag", lambda m: "コメントの「{#」を閉じる「#}」がありません"),
]


def syntax_in_japanese(message: str) -> str | None:
    """What Jinja2's syntax ``message`` tells the clerk, in Japanese; None for one not known here."""
    for pattern, said in _SYNTAX:
        match = re.fullmatch(pattern, message)
        if match is not None:
            return said(match)
    return None


def template_error_reason(error: BaseException) -> str:
    """What went wrong, in Japanese (the library's own words kept for the details)."""
    from jinja2.exceptions import SecurityError, TemplateNotFound, TemplateSyntaxError, UndefinedError

    if isinstance(error, SecurityError):
        return f"テンプレートからは使えない機能です(ファイルや Python の内部には触れられません: {error})"
    if isinstance(error, TemplateNotFound):
        return (
            f"「{error.name}」は読めません(スタイルのフォルダの中のテンプレートだけを読み込めます)"
        )
    if isinstance(error, UndefinedError):
        match = _UNDEFINED.search(str(error))
        name = (match.group(1) or match.group(2)) if match else str(error)
        return f"「{name}」という項目はありません(使える項目は docs/styles.md の一覧のとおりです)"
    if isinstance(error, TemplateSyntaxError):
        said = syntax_in_japanese(error.message or "")
        if said is None:
            return f"テンプレートの書き方に誤りがあります({error.message})"
        return f"テンプレートの書き方に誤りがあります: {said}(Jinja2: {error.message})"
    return f"テンプレートの実行中に誤りがありました({type(error).__name__}: {error})"


def _template_line(error: BaseException, paths: dict[str, str]) -> tuple[str, int] | None:
    """The innermost template file and line in the traceback (Jinja2 rewrites it to point there)."""
    found = None
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in paths:
            found = (paths[filename], tb.tb_lineno)
        tb = tb.tb_next
    return found


# -- settings ---------------------------------------------------------------------
def _toml_line(text: str, key: str) -> int | None:
    pattern = re.compile(rf'^\s*(\[\s*)?"?{re.escape(key)}"?\s*(=|\])')
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _settings(source: StyleSource) -> dict:
    file = source.path_of(SETTINGS_FILE)
    text = source.files.get(SETTINGS_FILE)
    if text is None:
        raise StyleError(source.name, file, None, f"{SETTINGS_FILE} がありません")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise StyleError(
            source.name, file, int(match.group(1)) if match else None, f"TOML の書き方に誤りがあります({error})"
        ) from None
    for key, value in data.items():
        if key not in SETTINGS_KEYS:
            known = "、".join(SETTINGS_KEYS)
            raise StyleError(source.name, file, _toml_line(text, key), f"「{key}」という設定はありません(使えるのは {known})")
        if not isinstance(value, SETTINGS_KEYS[key]):
            raise StyleError(source.name, file, _toml_line(text, key), f"「{key}」の値の種類が違います")
    for key, value in data.get("word", {}).items():
        if key not in WORD_SETTINGS:
            known = "、".join(WORD_SETTINGS)
            raise StyleError(source.name, file, _toml_line(text, key), f"[word] に「{key}」という設定はありません(使えるのは {known})")
        if value not in WORD_SETTINGS[key]:
            allowed = "、".join(f'"{v}"' for v in WORD_SETTINGS[key])
            raise StyleError(source.name, file, _toml_line(text, key), f"[word] の {key} は {allowed} のどれかです")
    templates = data.get("templates", {})
    if not templates:
        raise StyleError(source.name, file, None, "[templates] に、書き出す形式とテンプレートのファイルを書いてください")
    for fmt, template in templates.items():
        if fmt not in STYLED_FORMATS:
            known = "、".join(STYLED_FORMATS)
            raise StyleError(source.name, file, _toml_line(text, fmt), f"「{fmt}」という形式はありません(使えるのは {known})")
        if not isinstance(template, str) or template not in source.files:
            raise StyleError(source.name, file, _toml_line(text, fmt), f"テンプレート「{template}」がスタイルのフォルダにありません")
    return data


# -- the engine ---------------------------------------------------------------------
def _md_inline(text: object) -> str:
    return md_escape(str(text), line_start=False)


def _md_line(text: object) -> str:
    return md_escape(str(text))


def template_environment(loader=None, *, sandboxed: bool = True, autoescape: bool = False, finalize=None):
    """A Jinja2 environment with what every template of ours sees besides the facts.

    Undefined names are errors (:class:`jinja2.StrictUndefined`), the filters
    ``md``/``mdl`` and the globals ``SP``/``BR`` are there. ``sandboxed``: the
    immutable sandbox, for every file a clerk can edit (the styles of the data
    folder, a city's Word template). ``autoescape`` and ``finalize`` are for
    Word templates, whose output is XML.
    """
    from jinja2 import Environment, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    kind = ImmutableSandboxedEnvironment if sandboxed else Environment
    options = {"finalize": finalize} if finalize is not None else {}
    env = kind(
        loader=loader,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=autoescape,
        auto_reload=False,
        **options,
    )
    env.filters["md"] = _md_inline
    env.filters["mdl"] = _md_line
    env.globals.update(SP=SP, BR=BR)
    return env


#: Japanese names for the facts a clerk writes most (``{{ 日時 }}`` in a Word template):
#: the same values as the English names, or those values joined into one text.
JAPANESE_NAMES = (
    "題名", "会議体", "日時", "開催日", "曜日", "開会", "閉会", "場所",
    "出席者", "出席委員", "欠席委員", "事務局", "傍聴者", "議事",
)


def _japanese_names(view) -> dict:
    def named(people) -> str:
        return "、".join(p.named for p in people) or "なし"

    attending = []
    for group, lines in view.attendance:  # 要録's way: the group, then its lines under each other
        prefix = group + SP
        attending += [(prefix if n == 0 else pad_to(display_width(prefix))) + line for n, line in enumerate(lines)]
    values = (
        view.title, view.body, view.date_line, view.date, view.weekday, view.start, view.end, view.place,
        "\n".join(attending), named(view.present_members), named(view.absent_members), named(view.secretariat),
        view.observers_text, view.items,
    )
    return dict(zip(JAPANESE_NAMES, values, strict=True))


def template_context(view, width: int | None, hangs: dict[str, str] | None = None) -> dict:
    """The names a template sees: every fact of ``view`` (:class:`minutes.view.MeetingView`),
    their Japanese names and the layout functions."""
    context = {name: getattr(view, name) for name in view.__dataclass_fields__}
    context.update(_japanese_names(view))
    context.update(_layout_functions(width, hangs))
    return context


def template_names() -> set[str]:
    """Every name a template sees (facts, layout functions, globals): what a placeholder may be."""
    from minutes.view import MeetingView

    return set(MeetingView.__dataclass_fields__) | set(JAPANESE_NAMES) | set(_layout_functions(None)) | {"SP", "BR"}


def _environment(source: StyleSource):
    from jinja2 import BaseLoader, TemplateNotFound

    class FolderLoader(BaseLoader):
        """Only the templates of the style's own folder, read once (no path reaches the disk)."""

        def get_source(self, environment, template):
            if template not in source.files or not template.endswith(TEMPLATE_SUFFIX):
                raise TemplateNotFound(template)
            return source.files[template], source.path_of(template), lambda: True

    # The presets are part of the package, reviewed and tested like its code; the sandbox
    # guards against the styles of the data folder (a copied preset runs in it, with
    # the same output). Checking every attribute costs the sandbox about half of an export.
    return template_environment(FolderLoader(), sandboxed=not source.preset)


@dataclass
class Style:
    """A loaded style, ready to print (build with :func:`compile_style` or :func:`load_preset`).

    Templates are compiled when first used: an export of one format pays for
    that format only (compiling is most of the cost of a style).
    """

    name: str
    description: str
    preset: bool
    source: StyleSource
    files: dict[str, str]
    """Format key → template file (``[templates]``)."""
    environment: object = field(repr=False)
    word_header: str = "lines"
    """``[word] header``: the header lines in Word as paragraphs, or as a ``"table"``."""

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.files)

    def _syntax_error(self, error) -> StyleError:
        paths = {self.source.path_of(f): f for f in self.source.files}
        file = paths.get(error.filename or "", error.name or "")
        return StyleError(self.name, self.source.path_of(file), error.lineno, template_error_reason(error))

    def compile(self, file: str):
        """The compiled template ``file``; :class:`StyleError` with its line when it cannot be read."""
        from jinja2.exceptions import TemplateSyntaxError

        try:
            return self.environment.get_template(file)
        except TemplateSyntaxError as error:
            raise self._syntax_error(error) from None

    def render(self, fmt: str, view, width: int | None = None, *, hangs: dict[str, str] | None = None) -> str:
        """Print the facts ``view`` (:class:`minutes.view.MeetingView`) in format ``fmt``.

        ``hangs``: filled with each line printed by ``hang`` (or ``para`` with an
        indent) and the prefix its wrapped lines align under (the Word export
        indents those paragraphs the same way). :class:`StyleError` when the
        template fails (the file and line where it did).
        """
        from jinja2.exceptions import TemplateSyntaxError

        file = self.files.get(fmt)
        if file is None:
            raise StyleError(
                self.name, self.source.path_of(SETTINGS_FILE), None, f"形式「{fmt}」のテンプレートが [templates] にありません"
            )
        template = self.compile(file)
        try:
            return template.render(template_context(view, width, hangs))
        except TemplateSyntaxError as error:  # in a template imported or included while printing
            raise self._syntax_error(error) from None
        except Exception as error:  # noqa: BLE001 - anything a template does wrong is the style's error
            where = _template_line(error, {self.source.path_of(f): f for f in self.source.files})
            if where is None:
                raise  # not the template's doing: a bug of ours, not to be blamed on the clerk
            file, line = where
            raise StyleError(self.name, self.source.path_of(file), line, template_error_reason(error)) from None


def _layout_functions(width: int | None, hangs: dict[str, str] | None = None) -> dict[str, Callable]:
    """Wrapping for plain text, at ``width`` columns (East Asian width, kinsoku); nothing when ``None``.

    ``hangs`` (given only without a width) records each line and the prefix its wrapped lines align under.
    """

    def hang(prefix: str, text: str, prefer: str = "") -> str:
        """``prefix + text``; continuation lines aligned under ``text``."""
        prefix, text = str(prefix), str(text)
        if hangs is not None and prefix:
            hangs[prefix + text] = prefix
        return "\n".join(wrap(prefix + text, width, pad_to(display_width(prefix)), prefer))

    def para(text: str, indent: str = "", prefer: str = "") -> str:
        """``text``; continuation lines start with ``indent`` (the margin by default)."""
        if hangs is not None and indent:
            hangs[str(text)] = str(indent)
        return "\n".join(wrap(str(text), width, str(indent), prefer))

    def pad(prefix: str) -> str:
        """Spaces as wide as ``prefix`` (full-width, plus one half-width when odd)."""
        return pad_to(display_width(str(prefix)))

    return {"hang": hang, "para": para, "pad": pad}


def compile_style(source: StyleSource, *, every_file: bool = True) -> Style:
    """Check a style; :class:`StyleError` with file and line when it is broken.

    ``every_file``: compile every template now, so that a syntax error anywhere
    is found at once (the list of styles, the export screen). Without it a
    template is compiled when a format first prints (an export of one format).
    """
    settings = _settings(source)
    style = Style(
        source.name, settings.get("description", ""), source.preset, source, dict(settings["templates"]),
        _environment(source), settings.get("word", {}).get("header", "lines"),
    )
    if every_file:
        for file in source.files:
            if file.endswith(TEMPLATE_SUFFIX):
                style.compile(file)
    return style


def check_style(style: Style) -> None:
    """Print every format of ``style`` once on sample facts (every kind of entry, every section),
    wrapped and not: :class:`StyleError` at the first line that fails."""
    from minutes.view import sample_view

    view = sample_view()
    for fmt in style.formats:
        style.render(fmt, view, None)
        style.render(fmt, view, 40)


_preset_cache: dict[str, Style] = {}


def load_preset(name: str = DEFAULT_STYLE) -> Style:
    """A preset (tested, so compiled only as its formats are used), once per process."""
    style = _preset_cache.get(name)
    if style is None:
        style = _preset_cache[name] = compile_style(preset_source(name), every_file=False)
    return style


# -- which style prints ---------------------------------------------------------------
def meeting_style(meeting) -> str | None:
    """The meeting's own style (format v2 ``style``), if it names one."""
    value = meeting.style
    return value if isinstance(value, str) and value.strip() else None


def choose_style_name(explicit: str | None, meeting, committee_default: str | None) -> str:
    """The most specific choice wins: ``--style`` (or the export screen's), the meeting's
    ``style``, the committee's default, else 要録."""
    for choice in (explicit, meeting_style(meeting), committee_default):
        if choice:
            return choice
    return DEFAULT_STYLE
