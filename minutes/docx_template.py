"""The city's own Word template (.docx with placeholders) filled in with the facts of a meeting.

The clerk (or the city's IT person) writes Jinja2 placeholders into the
city's official Word document: ``{{ 日時 }}``, ``{{ place }}``, a loop
over the speeches with docxtpl's paragraph tags (``{%p for item in items %}``
… ``{%p endfor %}``), a table row per member (``{%tr for p in present_members %}``).
docxtpl fills them in; everything else of the document (fonts, margins,
logos, headers and footers) stays the city's.

The placeholders are the names a text style sees (:func:`minutes.style.template_context`,
``docs/styles.md``), so one page documents both. A template is user input:

- it runs in Jinja2's immutable sandbox, undefined names are errors, and a
  name that is not a fact is refused before anything is filled in, even one
  in a branch this meeting would not reach;
- the facts are escaped for XML (a ``&`` or ``<`` in a speech must not break
  the document), control characters are shown as visible escapes (Word would
  not open the file, and docxtpl reads ``\\a`` as a new paragraph); a line
  break in a value becomes a line break in Word;
- a file that is not a .docx, or that unpacks to far more than a document
  holds, is refused before docxtpl reads it.

Every refusal is a :class:`WordTemplateError` whose message names the
template, the placeholder or the place, in Japanese. This module reads no
file: the caller hands it the template's bytes. docxtpl (and python-docx,
lxml) load only when a template is filled in.
"""

from __future__ import annotations

import io
import re
import zipfile

#: The most a template may unpack to (a document with its pictures; a zip bomb is refused).
MAX_UNPACKED_BYTES = 64 << 20
#: How much of the text around a faulty tag the message quotes.
_SNIPPET_CHARS = 60


class WordTemplateError(Exception):
    """A Word template that cannot be filled in; ``.message`` says which, why and what to do (Japanese)."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        self.message = (
            f"Word のひな形「{name}」を使えません: {reason}。"
            "ひな形を直してから、もう一度書き出してください。何も書き出していません。"
        )
        super().__init__(self.message)


def _check_package(data: bytes, name: str) -> None:
    """Refuse what is not a .docx (an old .doc, a password-protected file, a PDF …) or a zip bomb."""
    not_docx = (
        "Word 文書(.docx)ではありません。古い形式(.doc)やパスワード付きの文書なら、"
        "Word で開いて「Word 文書(*.docx)」として、パスワードなしで保存し直してください"
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WordTemplateError(name, not_docx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WordTemplateError(name, not_docx) from None
    if "word/document.xml" not in {m.filename for m in members}:
        raise WordTemplateError(name, not_docx)
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise WordTemplateError(
            name, f"展開すると大きすぎます(上限は {MAX_UNPACKED_BYTES >> 20} MB)。画像を小さくするか、減らしてください"
        )


_XML_TAG = re.compile(r"<[^>]+>")


def _snippet(error: BaseException) -> str:
    """The template's own words around the faulty tag (docxtpl keeps them on the error), shortened."""
    lines = getattr(error, "docx_context", None)
    if lines is None:
        return ""
    text = " ".join(part.strip() for part in lines if part and part.strip())
    text = _XML_TAG.sub("", text)
    if len(text) > _SNIPPET_CHARS:
        text = text[:_SNIPPET_CHARS] + "…"
    return f"「{text}」のあたり、" if text else ""


def _no_files_loader():
    from jinja2 import BaseLoader, TemplateNotFound

    class NoFiles(BaseLoader):
        """A Word template includes nothing: ``{% include %}`` and ``{% import %}`` find no file."""

        def get_source(self, environment, template):
            raise TemplateNotFound(template)

    return NoFiles()


def _word_text(value):
    """A value as it goes into the document: each line with its control characters shown, lines joined by a Word line break."""
    from markupsafe import Markup

    from minutes.safe_text import visible

    if isinstance(value, Markup):  # a macro's output: its values went through here already
        return value
    return "\n".join(visible(line) for line in str(value).split("\n"))


def _reason(error: BaseException) -> str:
    from jinja2.exceptions import TemplateNotFound

    from minutes.style import template_error_reason

    if isinstance(error, TemplateNotFound):
        return f"「{error.name}」は読めません(Word のひな形からは、ほかのファイルを読み込めません)"
    return _snippet(error) + template_error_reason(error)


def _located(template, environment, error: BaseException) -> BaseException:
    """The same syntax error as met while filling in (with the template's words around it), else ``error``."""
    from jinja2.exceptions import TemplateSyntaxError

    try:
        template.render({}, environment, autoescape=True)
    except TemplateSyntaxError as located:  # met before anything is printed: the same error
        return located
    except Exception:  # noqa: BLE001 - another error first (a part printed before the faulty one): keep the first
        pass
    return error


def fill_word_template(data: bytes, name: str, view) -> bytes:
    """The template ``data`` (the bytes of a .docx called ``name``) filled in with ``view``.

    ``view`` is a :class:`minutes.view.MeetingView`. Returns the bytes of the
    filled-in .docx; :class:`WordTemplateError` when the template is refused.
    """
    _check_package(data, name)
    from docxtpl import DocxTemplate
    from jinja2.exceptions import TemplateError

    from minutes.style import template_context, template_environment, template_names

    environment = template_environment(_no_files_loader(), sandboxed=True, autoescape=True, finalize=_word_text)
    template = DocxTemplate(io.BytesIO(data))
    try:
        unknown = template.get_undeclared_template_variables(environment) - template_names()
    except TemplateError as error:
        # Filling in meets the same error and docxtpl then keeps the words around it: quote them.
        raise WordTemplateError(name, _reason(_located(template, environment, error))) from None
    except Exception as error:  # noqa: BLE001 - python-docx refusing the package: the file's fault
        raise WordTemplateError(name, f"Word 文書として読めません({type(error).__name__}: {error})") from None
    if unknown:
        names = "、".join(f"「{n}」" for n in sorted(unknown))
        raise WordTemplateError(
            name, f"{names}という項目はありません(使える項目は docs/styles.md の一覧のとおりです)"
        )
    context = template_context(view, None)
    out = io.BytesIO()
    try:
        template.render(context, environment, autoescape=True)
        template.save(out)
    except TemplateError as error:
        raise WordTemplateError(name, _reason(error)) from None
    except MemoryError:
        raise  # not the template's fault: the command line says so in its own words
    except Exception as error:  # noqa: BLE001 - a tag placed where Word's XML cannot take it
        raise WordTemplateError(
            name,
            "{% %} の置き場所のため、Word 文書の形に組み立てられませんでした"
            f"(表の行の繰り返しは {{%tr … %}}、段落の繰り返しは {{%p … %}} を、それだけの行に書きます。{type(error).__name__}: {error})",
        ) from None
    result = out.getvalue()
    _check_result(result, name)
    return result


def _check_result(data: bytes, name: str) -> None:
    """The filled-in file opens as a Word document (docxtpl repairs broken XML quietly; Word would not)."""
    from docx import Document

    try:
        Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - whatever python-docx cannot open, Word cannot either
        raise WordTemplateError(
            name, f"埋めた結果が Word 文書として開けません({type(error).__name__}: {error})。{{% %}} の置き場所を確かめてください"
        ) from None


# -- the example a clerk starts from ---------------------------------------------------------
#: The header of the example: a two-column table of label and placeholder.
_EXAMPLE_HEADER = (
    ("開催日時", "{{ 日時 }}"),
    ("開催場所", "{{ 場所 }}"),
    ("出席委員", "{{ 出席委員 }}"),
    ("欠席委員", "{{ 欠席委員 }}"),
    ("事務局", "{{ 事務局 }}"),
    ("傍聴者", "{{ 傍聴者 }}"),
)


def example_template() -> bytes:
    """A Word template to start from: the fonts and page of the Word export, a header table, a loop over the speeches.

    Every placeholder is one a clerk may copy (``docs/styles.md`` explains
    them); the city replaces the look with its own and keeps the tags.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    from minutes.render_docx import EM, _document

    document = _document()
    header = document.sections[0].header.paragraphs[0]
    header.text = "{{ 会議体 }}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = document.add_paragraph("{{ 題名 }}", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{%p if serial %}")
    document.add_paragraph("{{ serial }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{%p endif %}")
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Mm(28), Mm(132)
    for label, value in _EXAMPLE_HEADER:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].width, cells[1].width = Mm(28), Mm(132)  # the label column as wide as its longest label
    document.add_paragraph()
    document.add_paragraph("会議の内容", style="Heading 1")
    document.add_paragraph("{%p for item in 議事 %}")
    document.add_paragraph("{{ item.number }}{{ SP }}{{ item.heading }}", style="Heading 2")
    document.add_paragraph("{%p for block in item.blocks %}")
    document.add_paragraph("{%p for turn in block.turns %}")
    speech = document.add_paragraph()
    speech.add_run("{{ turn.label }}").bold = True
    speech.add_run("{{ SP if turn.label else \"\" }}{{ turn.paragraphs | join(\"\\n\") }}")
    speech.paragraph_format.left_indent = EM * 2
    speech.paragraph_format.first_line_indent = -EM * 2
    for end in ("{%p endfor %}", "{%p endfor %}", "{%p endfor %}"):
        document.add_paragraph(end)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
