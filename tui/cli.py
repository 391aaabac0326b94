"""The ``kaigiroku`` command line.

::

    kaigiroku [--data-dir DIR]                    the app, on the list of meetings
    kaigiroku [--data-dir DIR] open ID            the app, on one meeting
    kaigiroku [--data-dir DIR] demo [--no-open] [--council]   add the demo meeting (or the council example)
    kaigiroku [--data-dir DIR] list               one meeting a line: ID, date, title
    kaigiroku [--data-dir DIR] import FILE.json   add a meeting
    kaigiroku [--data-dir DIR] export ID|FILE.json [--format …] [--style NAME] [--named]
                                   [--votes roll|summary] [--width N] [-o FILE]
                                   [--encoding utf-8|cp932] [--newline lf|crlf]
                                   [--replace MARK] [--template 様式.docx]
    kaigiroku [--data-dir DIR] styles [copy PRESET NAME | word-template 様式.docx]
    kaigiroku [--data-dir DIR] backup [-o FILE.zip]
    kaigiroku [--data-dir DIR] restore FILE.zip
    kaigiroku --version

Exit status: 0 on success, 1 on bad input (the reason on stderr, in
Japanese), 2 on wrong usage.

Only the commands that open the app import Textual: ``list``, ``export`` and
the other file commands answer without it (a test checks this).
"""

from __future__ import annotations

import argparse
import gc
import sys
from datetime import datetime
from pathlib import Path

from tui import argparse_ja

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2



class CommandError(Exception):
    """A refusal of the command line: the message says what is wrong and what to do."""


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kaigiroku")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


class _VersionAction(argparse.Action):
    """``--version``: looks the version up only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help="版を表示して終了します")

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"kaigiroku {_package_version()}")
        parser.exit()


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} は整数ではありません") from None
    if number < 10:
        raise argparse.ArgumentTypeError("折り返し幅は10桁以上にしてください")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with help and errors in Japanese."""
    argparse_ja.install()
    parser = argparse.ArgumentParser(
        prog="kaigiroku",
        description="会議録をその場で取り、公式の様式にそのまま貼れる文章で書き出します。",
        formatter_class=argparse_ja.HelpFormatter,
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="データフォルダ(既定: 環境変数 KAIGIROKU_DATA_DIR、なければ利用者のデータフォルダ)",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="コマンド", title="コマンド")

    open_ = commands.add_parser("open", help="会議を開きます")
    open_.add_argument("id", metavar="ID", help="会議のID(kaigiroku list で確認できます)")

    demo = commands.add_parser("demo", help="デモの会議(見本の会議録)を追加して開きます")
    demo.add_argument("--no-open", action="store_true", help="追加だけして開きません")
    demo.add_argument(
        "--council", action="store_true", help="市議会の委員会の見本(委員長、休憩、挙手、異議なし)を追加します"
    )

    commands.add_parser("list", help="会議の一覧を表示します(1行に1件: ID、日付、題名)")

    import_ = commands.add_parser("import", help="交換形式(JSON)のファイルから会議を追加します")
    import_.add_argument("file", metavar="FILE.json", help="取り込むファイル")

    from minutes.formats import DEFAULT_FORMAT, FORMATS

    export = commands.add_parser("export", help="会議録を書き出します")
    export.add_argument("target", metavar="ID|FILE.json", help="会議のID、または交換形式のファイル")
    export.add_argument(
        "--format",
        choices=list(FORMATS),
        default=DEFAULT_FORMAT,
        help="、".join(f"{f.key}({f.label})" for f in FORMATS.values()),
    )
    export.add_argument(
        "--style",
        metavar="NAME",
        help="書き出しのスタイル(既定: 会議の指定、なければ会議体の既定、なければ 要録。一覧は kaigiroku styles)",
    )
    export.add_argument(
        "--template",
        metavar="様式.docx",
        help="--format docx で、市の Word のひな形(差し込み項目 {{ 日時 }} などを書いたもの)を埋めて書き出します"
        "(書き方は docs/styles.md)",
    )
    export.add_argument("--named", action="store_true", help="要録の呼び方ではなく氏名で書きます")
    export.add_argument(
        "--votes",
        choices=("roll", "summary"),
        default="roll",
        help="採決を1人1行(roll)か、結果の1行(summary)で書きます",
    )
    export.add_argument(
        "--width", type=_positive_int, metavar="N", help="text を N 桁(全角は2桁)で折り返します"
    )
    export.add_argument("-o", "--output", metavar="FILE", help="書き出すファイル(既定: 標準出力)")
    export.add_argument(
        "--encoding",
        choices=("utf-8", "cp932"),
        default="utf-8",
        help="文字コード: utf-8(既定、BOMなし)か cp932(Windows の Shift_JIS)",
    )
    export.add_argument(
        "--newline",
        choices=("lf", "crlf"),
        default="lf",
        help="改行: lf(既定)か crlf(Windows のメモ帳・Word 向け)",
    )
    export.add_argument(
        "--replace",
        metavar="MARK",
        help="選んだ文字コードで書けない文字(𠮷や絵文字など)を MARK(例: 〓)に置き換えて書き出し、"
        "置き換えた場所を表示します(既定: 書き出さずに場所を表示)",
    )

    styles = commands.add_parser(
        "styles", help="書き出しのスタイル(プリセットとデータフォルダのもの)を一覧します"
    )
    styles_commands = styles.add_subparsers(dest="styles_command", metavar="操作", title="操作")
    copy = styles_commands.add_parser("copy", help="プリセットをデータフォルダに写して、編集できるようにします")
    copy.add_argument("preset", metavar="PRESET", help="写すプリセット(要録、議会、要点)")
    copy.add_argument("name", metavar="NAME", help="新しいスタイルの名前")
    word = styles_commands.add_parser(
        "word-template", help="Word のひな形の見本(差し込み項目つきの .docx)を書き出します。市の様式に写して使います"
    )
    word.add_argument("output", metavar="様式.docx", help="書き出すファイル")

    backup = commands.add_parser("backup", help="データフォルダ全体をzipファイルに保存します")
    backup.add_argument("-o", "--output", metavar="FILE.zip", help="保存先(既定: 現在のフォルダ)")

    restore = commands.add_parser(
        "restore", help="backup で作ったzipファイル、または会議ファイルのバックアップ(.json)から復元します"
    )
    restore.add_argument("file", metavar="FILE.zip|BACKUP.json", help="復元するファイル")
    return parser


# -- helpers ---------------------------------------------------------------


def _data_dir(args: argparse.Namespace):
    from storage import DataDir, resolve_data_dir

    return DataDir(resolve_data_dir(args.data_dir))


def _write_out(text: str | bytes, output: str | None, encoding: str = "utf-8", *, json: bool = False) -> None:
    """Write to a file atomically, or to standard output.

    ``text`` is either text (written in UTF-8) or bytes already encoded in
    ``encoding``, written as they are; only an interactive terminal gets the
    bytes decoded back to text, so that it shows characters, not codes, and
    never a control character it would act on (an escape sequence in a
    hostile meeting file would retitle the window or clear the screen): those
    are written as visible escapes (``\x1b``; ``\u001b`` in JSON, which still
    parses the same), and standard error says so. A file or a pipe gets the
    exact bytes the format promises.
    """
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    if output:
        from storage.atomic import atomic_write_bytes

        target = Path(output)
        from storage.errors import SpecialFileError

        try:
            atomic_write_bytes(target, data, private=False)
        except SpecialFileError as error:
            raise CommandError(error.for_command_line()) from None
        except OSError as error:
            from storage.errors import os_error_reason

            raise CommandError(
                f"「{target}」に書き出せませんでした({os_error_reason(error)})。"
                "書き込める場所を -o で指定してください。"
            ) from error
        print(f"書き出しました: {target}", file=sys.stderr)
        return
    stream = sys.stdout
    if hasattr(stream, "buffer") and not stream.isatty():
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.flush()
    else:
        from minutes.safe_text import for_terminal

        shown, escaped = for_terminal(text.decode(encoding) if isinstance(text, bytes) else text, json=json)
        stream.write(shown)
        stream.flush()
        if escaped:
            print(
                f"端末に出すため、制御文字など {escaped} 文字を \\x1b のような表記にしました。"
                "そのままのバイト列が必要なら -o FILE で保存するか、パイプでほかのコマンドに渡してください。",
                file=sys.stderr,
            )


def _read_interchange(path_text: str):
    from storage.interchange_files import InterchangeFileError, read_interchange_file

    try:
        return read_interchange_file(path_text)
    except InterchangeFileError as error:
        raise CommandError(error.for_command_line()) from None


def _looks_like_file(target: str) -> bool:
    return target.lower().endswith(".json") or "/" in target or "\\" in target


# -- commands ---------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    datadir = _data_dir(args)
    rows = datadir.list_meetings()
    if not rows:
        print("会議はまだありません。kaigiroku demo でデモの会議を追加できます。", file=sys.stderr)
        return EXIT_OK
    from minutes.safe_text import visible

    # One line per meeting, whatever a (restored, hostile) title holds: no line break, no
    # tab between columns, no escape sequence, to a terminal or a pipe alike.
    lines = ["\t".join(visible(str(row.get(key, ""))) for key in ("id", "date", "title")) for row in rows]
    _write_out("\n".join(lines) + "\n", None)
    return EXIT_OK


def _load_for_export(args: argparse.Namespace):
    if _looks_like_file(args.target) and Path(args.target).exists():
        return _read_interchange(args.target)
    if _looks_like_file(args.target):
        raise CommandError(
            f"ファイル「{args.target}」が見つかりません。名前と場所を確認してください。"
        )
    from storage.errors import StorageError

    datadir = _data_dir(args)
    try:
        return datadir.load_meeting(args.target)
    except StorageError as error:
        raise CommandError(error.for_command_line()) from None


def _committee_style(args: argparse.Namespace, meeting) -> str | None:
    """The default style of the meeting's committee (a warning when the committees cannot be read)."""
    from storage.errors import StorageError
    from storage.styles import committee_default_style

    try:
        return committee_default_style(_data_dir(args), meeting)
    except StorageError as error:
        print(f"kaigiroku: 会議体の既定のスタイルを読めませんでした({error.for_command_line()})", file=sys.stderr)
        return None


def export_style(args: argparse.Namespace, meeting):
    """The style that prints this export: --style, else the meeting's, the committee's, 要録."""
    from minutes.style import StyleError, UnknownStyleError, choose_style_name
    from storage.styles import load_style

    name = choose_style_name(args.style, meeting, None if args.style else _committee_style(args, meeting))
    try:
        return load_style(_data_dir(args).root, name, every_file=False)  # only the format asked for
    except (StyleError, UnknownStyleError) as error:
        raise CommandError(error.message) from None


def cmd_export(args: argparse.Namespace) -> int:
    from minutes.encoding import BadMarkError, UnencodableError, describe_replacements, encode_export
    from minutes.formats import FORMATS
    from minutes.render import ExportOptions
    from minutes.style import StyleError

    fmt = FORMATS[args.format]
    if fmt.binary and not args.output:
        raise CommandError(
            f"{fmt.label}(--format {fmt.key})は端末には出せません。"
            f"-o 会議録.{fmt.extension} のように保存先のファイルを指定してください。"
        )
    if fmt.binary and (args.encoding != "utf-8" or args.newline != "lf" or args.replace is not None):
        raise CommandError(
            f"{fmt.label}(--format {fmt.key})には --encoding、--newline、--replace は使えません。"
            "文字コードと改行は Word の形式で決まっています。"
        )
    if not fmt.recodes and (args.encoding != "utf-8" or args.replace is not None):
        raise CommandError(
            f"{fmt.label}(--format {fmt.key})は UTF-8 でだけ書き出せます。"
            "--encoding cp932 と --replace はほかの形式に使ってください。"
        )
    if args.width and not fmt.wraps:
        wrapping = "、".join(f.key for f in FORMATS.values() if f.wraps)
        raise CommandError(f"--width は {wrapping} の書き出しにだけ使えます。")
    if args.style and not fmt.styled:
        styled = "、".join(f.key for f in FORMATS.values() if f.styled)
        raise CommandError(f"--style は {styled} の書き出しにだけ使えます。")
    if args.template is not None:
        return _export_word_template(args, fmt)
    meeting = _load_for_export(args)
    style = export_style(args, meeting) if fmt.styled else None
    options = ExportOptions(named=args.named, votes=args.votes, width=args.width)
    try:
        text = fmt.produce(meeting, options, style)
    except StyleError as error:
        raise CommandError(error.message) from None
    if fmt.binary:
        data, replaced = text, None
    else:
        try:
            data, replaced = encode_export(text, args.encoding, args.newline, args.replace)
        except (UnencodableError, BadMarkError) as error:
            raise CommandError(error.message) from None
    if args.output:
        _data_dir(args).refuse_inside(args.output)  # never over a meeting file or the library
    _write_out(data, args.output, args.encoding, json=args.format == "json")
    if replaced:
        print(describe_replacements(replaced, args.encoding, args.replace), file=sys.stderr)
    return EXIT_OK


def _export_word_template(args: argparse.Namespace, fmt) -> int:
    """``export --format docx --template 様式.docx -o FILE``: the city's template filled in (the template is the style)."""
    if fmt.key != "docx":
        raise CommandError("--template(Word のひな形)は --format docx の書き出しにだけ使えます。")
    if args.style:
        raise CommandError(
            "--template と --style は一緒に使えません。Word のひな形を使うときは、ひな形そのものが様式です。"
        )
    from minutes.docx_template import WordTemplateError, fill_word_template
    from minutes.render import ExportOptions
    from minutes.view import view_of
    from storage.errors import StorageError
    from storage.word_templates import read_word_template

    try:
        template = read_word_template(args.template)
    except StorageError as error:
        raise CommandError(error.message) from None
    meeting = _load_for_export(args)
    view = view_of(meeting, ExportOptions(named=args.named, votes=args.votes))
    try:
        data = fill_word_template(template, Path(args.template).name, view)
    except WordTemplateError as error:
        raise CommandError(error.message) from None
    _data_dir(args).refuse_inside(args.output)  # never over a meeting file or the library
    _write_out(data, args.output)
    return EXIT_OK


def cmd_styles(args: argparse.Namespace) -> int:
    from storage.styles import copy_preset, list_styles

    datadir = _data_dir(args)
    if args.styles_command == "word-template":
        from minutes.docx_template import example_template

        if Path(args.output).exists():
            raise CommandError(f"「{args.output}」はもうあります。上書きしないので、別の名前を指定してください。")
        _write_out(example_template(), args.output)
        print("Word で開いて、市の様式に合わせて直してください({{ }} と {%p %} の項目は残します。書き方は docs/styles.md)。")
        print(f"使うには: kaigiroku export ID --format docx --template {args.output} -o 会議録.docx")
        return EXIT_OK
    if args.styles_command == "copy":
        folder = copy_preset(datadir.root, args.preset, args.name)
        print(f"スタイル「{args.name}」を作りました: {folder}")
        print("style.toml と .j2 のテンプレートを編集してください(使える項目は docs/styles.md)。")
        print(f"使うには: kaigiroku export ID --style {args.name}")
        return EXIT_OK
    from minutes.safe_text import visible

    lines = []
    for entry in list_styles(datadir.root if datadir.root.is_dir() else None):
        where = "プリセット" if entry.preset else f"データフォルダ {entry.folder}"
        text = f"使えません: {entry.problem}" if entry.problem else entry.description
        # A style's description and folder name are the clerk's text: nothing a terminal would act on.
        lines.append("\t".join(visible(part) for part in (entry.name, where, text)))
    _write_out("\n".join(lines) + "\n", None)
    return EXIT_OK


def _add_meeting(args: argparse.Namespace, meeting) -> str:
    datadir = _data_dir(args)
    with datadir.write_lock():
        return datadir.add_meeting(meeting)


def cmd_import(args: argparse.Namespace) -> int:
    meeting = _read_interchange(args.file)
    meeting_id = _add_meeting(args, meeting)
    print(f"会議を取り込みました。ID: {meeting_id}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from minutes.demo import load_council, load_demo

    meeting_id = _add_meeting(args, load_council() if args.council else load_demo())
    print(f"デモの会議を追加しました。ID: {meeting_id}", flush=True)
    if args.no_open:
        return EXIT_OK
    return _run_app(args, meeting_id)


def cmd_backup(args: argparse.Namespace) -> int:
    datadir = _data_dir(args)
    from storage.paths import backup_zip_name

    output = Path(args.output or backup_zip_name(datetime.now()))
    report = datadir.backup_zip(output)
    for name, reason in report.skipped:
        print(f"読めないため入れなかったファイル: {name}({reason})", file=sys.stderr)
    print(f"バックアップを保存しました: {output}({len(report.members)}ファイル)")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    datadir = _data_dir(args)
    with datadir.write_lock():
        message = datadir.restore(Path(args.file))
    print(message)
    return EXIT_OK


def cmd_open(args: argparse.Namespace) -> int:
    datadir = _data_dir(args)
    from storage.errors import StorageError, UnknownMeetingError
    from storage.paths import is_valid_meeting_id

    # Only check that it exists: the app reads the file (once) and reports a damaged one.
    try:
        exists = is_valid_meeting_id(args.id) and datadir.meeting_path(args.id).is_file()
    except StorageError as error:
        raise CommandError(error.for_command_line()) from None
    if not exists:
        raise CommandError(UnknownMeetingError(args.id, datadir.root).message)
    return _run_app(args, args.id)


def _run_app(args: argparse.Namespace, meeting_id: str | None) -> int:
    # No garbage collection until the first screen's first frame (tui.heap.settle_heap
    # turns it back on): imports and the meeting are objects that live all session, and the
    # collections meanwhile would only delay the first frame.
    gc.disable()
    try:
        from tui.app import KaigirokuApp

        app = KaigirokuApp(data_dir=_data_dir(args).root, meeting_id=meeting_id)
        try:
            app.run()
        finally:
            app.release()
    finally:
        gc.enable()
    return app.return_code or EXIT_OK


COMMANDS = {
    "open": cmd_open,
    "demo": cmd_demo,
    "list": cmd_list,
    "import": cmd_import,
    "export": cmd_export,
    "styles": cmd_styles,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from storage.errors import StorageError

    try:
        if args.command is None:
            return _run_app(args, None)
        return COMMANDS[args.command](args)
    except CommandError as error:
        print(f"kaigiroku: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except StorageError as error:
        print(f"kaigiroku: {error.for_command_line()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("kaigiroku: 中断しました。", file=sys.stderr)
        return 130
    except MemoryError:
        # Files are size-checked before they are read (storage.limits); this is the last
        # word when memory still runs out (a machine with very little, a limit set on it).
        print(
            "kaigiroku: メモリが足りなくなったため、やめました。データフォルダは、この操作の前のままか、"
            "書き終えたところまでです(どのファイルも書きかけでは残りません)。"
            "ほかのプログラムを閉じてから、もう一度試してください。",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
