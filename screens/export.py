"""The export screen: preview the official text and the Markdown, copy or save them.

The preview shows exactly what is copied or saved. Options change it live:
the style (F12), names or 要録 labels (F2), votes by ballot or summary (F3),
wrap width (F4), and for files the encoding (F5), line ends (F6) and a mark
for characters Shift_JIS cannot hold (F10). F7 copies, F8 saves. The tabs and
the file names come from the table of formats (:mod:`minutes.formats`). On
the Word tab, ctrl+t chooses the city's own Word template, which F8 then
fills in instead of setting the style's lines.

A style that cannot be used shows why in place of the preview, and nothing
is copied or saved until another style is chosen: never another style's
text without saying so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Markdown, Static, TabbedContent, TabPane

from minutes.encoding import (
    DEFAULT_MARK,
    ENCODING_LABELS,
    NEWLINE_LABELS,
    BadMarkError,
    UnencodableError,
    describe_replacements,
    encode_export,
)
from minutes.formats import FORMATS, VIEW_MARKDOWN, Format, screen_formats
from minutes.model import Meeting
from minutes.render import ExportOptions
from minutes.style import StyleError, UnknownStyleError, choose_style_name
from screens.path_dialog import PathDialog, save_where_chosen
from storage.atomic import atomic_write_bytes
from storage.errors import StorageError, os_error_reason
from tui.widgets.text_preview import TextPreview
from tui.widgets.key_bar import KeyBar

#: What the Word tab shows instead of a preview.
DOCX_NOTE = (
    "Word 文書(.docx)は F8 で保存します(コピーはできません)。\n"
    "中身は「公文書の文章」のタブと同じ行です: A4、本文は游明朝(ＭＳ 明朝)、題名と議事の見出しは游ゴシック、"
    "発言は発言者をぶら下げた1段落、フッターにページ番号。\n"
    "折り返し・文字コード・改行・代替文字の設定は Word 文書には使いません。\n"
    "ctrl+t: 市の Word のひな形(差し込み項目を書いた .docx)を選ぶと、F8 でそれを埋めて保存します"
    "(書き方は docs/styles.md。もう一度 ctrl+t でひな形を使わない)。"
)

#: The wrap widths F4 cycles through (None: no wrapping, one paragraph per line).
WIDTHS: tuple[int | None, ...] = (None, 70, 80, 100, 60, 40)
ENCODINGS = tuple(ENCODING_LABELS)
NEWLINES = tuple(NEWLINE_LABELS)


def default_file_name(meeting: Meeting, markdown: bool = False) -> str:
    """``2022-03-15_第54回_会議録.txt`` (``.md`` for Markdown): see :meth:`Format.file_name`."""
    return FORMATS["markdown" if markdown else "text"].file_name(meeting)


def default_export_folder() -> Path:
    """Where files are offered to be saved: the user's documents folder, else home."""
    try:
        import platformdirs

        folder = Path(platformdirs.user_documents_dir())
    except Exception:  # pragma: no cover - platformdirs always answers
        folder = Path.home()
    return folder if folder.is_dir() else Path.home()


class ExportScreen(Screen):
    """Preview, copy and save the minutes."""

    BINDINGS = [
        Binding("f2", "toggle_named", "氏名/要録", priority=True),
        Binding("f3", "toggle_votes", "採決の書き方", priority=True),
        Binding("f4", "cycle_width", "折り返し", priority=True),
        Binding("f5", "cycle_encoding", "文字コード", priority=True),
        Binding("f6", "cycle_newline", "改行", priority=True),
        Binding("f10", "toggle_replace", "代替文字", priority=True),
        Binding("f9", "next_tab", "表示切替", priority=True),
        Binding("f7", "copy", "コピー", priority=True),
        Binding("f8", "save", "ファイルに保存", priority=True),
        Binding("f12", "next_style", "スタイル", priority=True, id="export.style"),
        Binding("ctrl+t", "word_template", "Word のひな形", priority=True, id="export.template", show=False),
        Binding("escape", "close", "戻る"),
    ]

    DEFAULT_CSS = """
    ExportScreen #options {
        height: auto;
        background: $panel;
        padding: 0 1;
    }
    ExportScreen TabbedContent {
        height: 1fr;
    }
    ExportScreen TextPreview {
        height: 1fr;
    }
    """

    def __init__(
        self,
        meeting: Meeting,
        options: ExportOptions | None = None,
        style_name: str | None = None,
        *,
        typed: Callable[[str], None] | None = None,
    ) -> None:
        """``style_name``: the style to start with (else the meeting's, the committee's, 要録);
        ``typed``: where text typed here goes (the entry bar under this screen), else it is refused aloud."""
        super().__init__()
        self.meeting = meeting
        self.typed = typed
        self._told_about_typing = False
        self.options = options or ExportOptions()
        self.style_name = style_name
        self.style_error: str | None = None
        self.encoding = "utf-8"
        self.newline = "lf"
        self.replace: str | None = None
        self.outputs: dict[str, str] = {}
        """Format key → the text previewed (what copy and save take)."""
        self.word_template: Path | None = None
        """The city's Word template that F8 fills in on the Word tab (read again at each save)."""

    def compose(self) -> ComposeResult:
        yield Static(id="options")
        with TabbedContent(id="tabs"):
            for fmt in screen_formats():
                for tab_id, title, kind, widget_id in fmt.views:
                    with TabPane(title, id=tab_id):
                        yield Markdown("", id=widget_id) if kind == VIEW_MARKDOWN else TextPreview(id=widget_id)
        yield KeyBar()

    # -- text typed here (the clerk forgot the preview was open) ---------------------
    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and not event.key.startswith(("alt+", "ctrl+")):
            event.stop()
            self._take_typing(event.character)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self._take_typing(event.text)

    def _take_typing(self, text: str) -> None:
        """Put what was typed where it belongs, and say so once, instead of losing it without a word."""
        if self.typed is not None:
            self.typed(text)
            message = "書き出し画面では文字を打てないので、打った文字は入力欄に入れました。Esc で入力欄に戻れます。"
        else:
            message = "書き出し画面では文字を打てません(打った文字は入っていません)。Esc で戻ってから打ってください。"
        if not self._told_about_typing:
            self._told_about_typing = True
            self.notify(message, title="書き出し画面", severity="warning", timeout=8)

    def on_mount(self) -> None:
        if self.style_name is None:
            self.style_name = choose_style_name(None, self.meeting, self._committee_style())
        self.refresh_preview()
        self.query_one(TextPreview).focus()

    # -- styles ----------------------------------------------------------------
    def _data_root(self) -> Path | None:
        datadir = getattr(self.app, "datadir", None)
        return datadir.root if datadir is not None else None

    def _committee_style(self) -> str | None:
        from storage.styles import committee_default_style

        try:
            return committee_default_style(getattr(self.app, "datadir", None), self.meeting)
        except StorageError as error:
            self.notify(error.message, title="会議体の既定のスタイルを読めません", severity="warning", timeout=15)
            return None

    def action_next_style(self) -> None:
        """The next style: the presets, then the data folder's."""
        from storage.styles import style_names

        names = style_names(self._data_root())
        index = names.index(self.style_name) if self.style_name in names else -1
        self.style_name = names[(index + 1) % len(names)]
        self.refresh_preview()

    # -- rendering -------------------------------------------------------------
    def refresh_preview(self) -> None:
        """Render again with the current style and options (a broken style says why instead)."""
        from storage.styles import load_style

        self.outputs = {}
        self.style_error = None
        try:
            style = load_style(self._data_root(), self.style_name)
            for fmt in screen_formats():
                if not fmt.binary:  # a Word file is made only when saved
                    self.outputs[fmt.key] = fmt.produce(self.meeting, self.options, style)
        except (StyleError, UnknownStyleError) as error:
            self.style_error = error.message
            self.outputs = {}
        for fmt in screen_formats():
            shown = self.outputs.get(fmt.key, self.style_error or "")
            if fmt.binary and self.word_template is not None:
                shown = f"Word のひな形: {self.word_template}\nF8 でこのひな形を埋めて保存します(スタイルは使いません)。\n\n{DOCX_NOTE}"
            elif fmt.binary and not self.style_error:
                shown = DOCX_NOTE
            for _tab, _title, kind, widget_id in fmt.views:
                if kind == VIEW_MARKDOWN:
                    self.query_one(f"#{widget_id}", Markdown).update(shown if not self.style_error else "")
                else:
                    self.query_one(f"#{widget_id}", TextPreview).text = shown
        self.query_one("#options", Static).update(Content(self.options_line()))
        if self.style_error:
            self.notify(self.style_error, title="このスタイルでは書き出せません", severity="error", timeout=20)

    @property
    def text(self) -> str:
        """The official text as previewed."""
        return self.outputs.get("text", "")

    @property
    def markdown(self) -> str:
        """The Markdown as previewed."""
        return self.outputs.get("markdown", "")

    def options_line(self) -> str:
        """The options as the clerk reads them."""
        named = "氏名" if self.options.named else "要録の呼び方"
        votes = "1人1行" if self.options.votes == "roll" else "結果の1行"
        width = f"{self.options.width}桁" if self.options.width else "なし(1段落1行)"
        replace = self.replace or "なし(書けない字があれば保存しない)"
        return (
            f"スタイル(F12): {self.style_name} ・ "
            f"発言者: {named} ・ 採決: {votes} ・ 折り返し: {width} ・ "
            f"文字コード: {ENCODING_LABELS[self.encoding]} ・ 改行: {NEWLINE_LABELS[self.newline]} ・ 代替文字: {replace}"
        )

    @property
    def current_format(self) -> Format:
        """The format of the tab shown (copy and save take it)."""
        active = self.query_one(TabbedContent).active
        for fmt in screen_formats():
            if any(tab_id == active for tab_id, *_ in fmt.views):
                return fmt
        return screen_formats()[0]

    @property
    def showing_markdown(self) -> bool:
        """True when a Markdown tab is shown (copy and save then take the Markdown)."""
        return self.current_format.key == "markdown"

    def current_text(self) -> str:
        """What copy and save take: the shown format's text, as previewed."""
        return self.outputs.get(self.current_format.key, "")

    def _refuse_broken_style(self, what: str) -> bool:
        """Say that nothing is copied or saved while the style is broken; True if so."""
        if self.style_error is None:
            return False
        self.notify(
            f"{self.style_error}(F12 で別のスタイルにできます)", title=f"{what}しませんでした", severity="error", timeout=20
        )
        return True

    # -- options ---------------------------------------------------------------
    def action_toggle_named(self) -> None:
        """Names (村千鶴子委員) or the 要録 labels (委員)."""
        self.options = dataclasses.replace(self.options, named=not self.options.named)
        self.refresh_preview()

    def action_toggle_votes(self) -> None:
        """Votes one line per ballot, or one summary line."""
        votes = "summary" if self.options.votes == "roll" else "roll"
        self.options = dataclasses.replace(self.options, votes=votes)
        self.refresh_preview()

    def action_cycle_width(self) -> None:
        """No wrapping, or wrap at the next width."""
        index = WIDTHS.index(self.options.width) if self.options.width in WIDTHS else 0
        self.options = dataclasses.replace(self.options, width=WIDTHS[(index + 1) % len(WIDTHS)])
        self.refresh_preview()

    def action_cycle_encoding(self) -> None:
        """UTF-8 or Shift_JIS (cp932) for saved files."""
        self.encoding = ENCODINGS[(ENCODINGS.index(self.encoding) + 1) % len(ENCODINGS)]
        self.refresh_preview()

    def action_cycle_newline(self) -> None:
        """LF or CRLF (Windows) line ends for saved files."""
        self.newline = NEWLINES[(NEWLINES.index(self.newline) + 1) % len(NEWLINES)]
        self.refresh_preview()

    def action_toggle_replace(self) -> None:
        """Refuse characters Shift_JIS cannot hold, or replace them with 〓."""
        self.replace = None if self.replace else DEFAULT_MARK
        self.refresh_preview()

    def action_next_tab(self) -> None:
        """Show the next preview."""
        tabs = self.query_one(TabbedContent)
        order = [tab_id for fmt in screen_formats() for tab_id, *_ in fmt.views]
        tabs.active = order[(order.index(tabs.active) + 1) % len(order)]

    # -- copy and save ----------------------------------------------------------
    def action_copy(self) -> None:
        """Copy the previewed text to the clipboard (or the terminal's, or a file)."""
        if self._refuse_broken_style("コピー"):
            return
        if self.current_format.binary:
            self.notify(
                f"{self.current_format.label}はコピーできません。F8 でファイルに保存してください。",
                title="コピーしませんでした",
                severity="warning",
                timeout=12,
            )
            return
        result = self.app.copy_text(self.current_text(), self._fallback_path)
        self.notify(result.message, title="コピー", timeout=12)

    def _fallback_path(self) -> Path:
        name = self.current_format.file_name(self.meeting)
        return default_export_folder() / name

    # -- the city's Word template ------------------------------------------------------
    def action_word_template(self) -> None:
        """Choose the Word template F8 fills in (tried on this meeting at once), or stop using it."""
        if self.word_template is not None:
            self.word_template = None
            self.notify("Word 文書は、スタイルどおりに組んで保存します。", title="ひな形を使いません", timeout=10)
            self.refresh_preview()
            return
        import os

        self.app.push_screen(
            PathDialog(
                "Word のひな形(.docx)",
                str(default_export_folder()) + os.sep,
                "差し込み項目({{ 日時 }} など)を書いた市の様式の .docx。Enter で決定 ・ Esc でやめる",
            ),
            self._template_chosen,
        )

    def _template_chosen(self, value: str | None) -> None:
        if not value:
            return
        path = Path(value).expanduser()
        if self._fill_template(path) is not None:
            self.word_template = path
            self.notify(f"Word 文書(F9 のタブ)は F8 で「{path.name}」を埋めて保存します。", title="ひな形", timeout=12)
            self.refresh_preview()

    def _fill_template(self, path: Path) -> bytes | None:
        """The template at ``path`` filled in with this meeting; ``None`` (and why, aloud) when refused."""
        from minutes.docx_template import WordTemplateError, fill_word_template
        from minutes.view import view_of
        from storage.word_templates import read_word_template

        try:
            data = read_word_template(path, wait_for_writer=False)  # a pipe would hold the screen
            return fill_word_template(data, path.name, view_of(self.meeting, dataclasses.replace(self.options, width=None)))
        except (StorageError, WordTemplateError) as error:
            self.notify(error.message, title="このひな形は使えません", severity="error", timeout=20)
            return None

    def action_save(self) -> None:
        """Ask where, then save the previewed text in the chosen encoding and line ends."""
        template_save = self.current_format.binary and self.word_template is not None
        if not template_save and self._refuse_broken_style("保存"):
            return
        default = self._fallback_path()
        if self.current_format.binary:
            hint = f"{self.current_format.label}(.{self.current_format.extension})で保存します。Enter で決定 ・ Esc でやめる"
        else:
            hint = f"{ENCODING_LABELS[self.encoding]}・{NEWLINE_LABELS[self.newline]}で保存します。Enter で決定 ・ Esc でやめる"
        name = default.name
        self.app.push_screen(
            PathDialog("保存するファイル", str(default), hint),
            lambda value: save_where_chosen(self, value, name, self.write_file),
        )

    def write_file(self, path: Path) -> bool:
        """Encode and write the file atomically; say what happened. True if written."""
        fmt = self.current_format
        if fmt.binary and self.word_template is not None:
            data = self._fill_template(self.word_template)  # read again: the clerk may have edited it meanwhile
            return data is not None and self._write(path, data, None)
        if fmt.binary:
            from storage.styles import load_style

            try:
                data = fmt.produce(self.meeting, self.options, load_style(self._data_root(), self.style_name))
            except (StyleError, UnknownStyleError) as error:
                self.notify(error.message, title="保存しませんでした", severity="error", timeout=20)
                return False
            return self._write(path, data, None)
        try:
            data, replaced = encode_export(self.current_text(), self.encoding, self.newline, self.replace)
        except UnencodableError as error:
            message = error.message.replace("--encoding utf-8 で書き出してください", "F5 で UTF-8 にしてください")
            message = message.replace("--replace 〓 のように文字を指定してください", "F10 で代替文字(〓)を選んでから保存してください")
            self.notify(
                message,
                title="保存しませんでした",
                severity="error",
                timeout=20,
            )
            return False
        except BadMarkError as error:
            self.notify(str(error), title="保存しませんでした", severity="error", timeout=15)
            return False
        return self._write(path, data, replaced)

    def _write(self, path: Path, data: bytes, replaced) -> bool:
        try:
            atomic_write_bytes(path, data, private=False)
        except OSError as error:
            self.notify(
                f"「{path}」に保存できませんでした({os_error_reason(error)})。書き込める場所を指定してください。",
                title="保存できませんでした",
                severity="error",
                timeout=15,
            )
            return False
        message = f"保存しました: {path}"
        if replaced:
            message += "\n" + describe_replacements(replaced, self.encoding, self.replace or DEFAULT_MARK)
        self.notify(message, title="保存", timeout=15)
        return True

    def action_close(self) -> None:
        """Back to the meeting."""
        self.app.pop_screen()
