#!/usr/bin/env python3
"""Make a folder that installs kaigiroku on a machine with no network.

::

    python scripts/make_offline_bundle.py --dest DIR
    python scripts/make_offline_bundle.py --dest DIR --platform win_amd64 --python-version 3.12

Run it on a connected machine (it uses the package index through pip). DIR
then holds the wheel of kaigiroku, the wheels of every dependency, and
``install.sh``, ``install.bat`` and ``README.txt`` (Japanese) that say how to
install from the folder; on the machine with no network::

    pip install --no-index --find-links DIR kaigiroku

By default the wheels are for this machine (its platform and Python). With
``--platform`` (repeatable) and/or ``--python-version`` they are for another
one: only wheels, no source packages (``pip download --only-binary=:all:``),
and the dependencies are checked again against the target's environment
markers, which pip evaluates for this machine rather than the target.

* the kaigiroku wheel is built with ``pip wheel --no-deps`` from a clean copy
  of the project (so that a stale ``build/`` folder cannot leak into it);
* the folder is filled under a temporary name next to DIR and renamed at the
  end: a failed run leaves no half bundle; DIR must be absent or empty;
* ``--verify`` (this machine's bundles only) installs the result with
  ``--no-index`` into a throwaway virtual environment and runs
  ``kaigiroku --version``.

The files written: ``install.sh`` (UTF-8, LF, executable), ``install.bat``
(cp932 and CRLF, as cmd.exe on a Japanese Windows reads batch files; no BOM,
which cmd.exe would take for part of the first command), ``README.txt``
(UTF-8 with a BOM and CRLF, so that every Notepad, also before Windows 10
1903, and every Linux editor opens it correctly).

Exit status: 0 done, 1 failed (the reason on stderr, in Japanese), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import email.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
NAME = "kaigiroku"
MIN_PYTHON = (3, 11)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

#: Never copied from the project into the build folder.
_IGNORED = {
    ".git", ".venv", "venv", "build", "dist", "__pycache__", ".hypothesis",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", "node_modules",
}

try:  # pip always brings a copy of packaging along
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name, parse_wheel_filename
except ImportError:  # pragma: no cover - a Python with pip but without packaging
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.specifiers import SpecifierSet
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename


class BundleError(Exception):
    """A failure to report in Japanese; the run exits 1."""


# -- the target ---------------------------------------------------------------


def target_environment(platforms: list[str], python_version: str | None) -> dict[str, str] | None:
    """Environment-marker values for the target, or None for this machine."""
    if not platforms and not python_version:
        return None
    env: dict[str, str] = {}
    if python_version:
        env["python_version"] = python_version
        env["python_full_version"] = f"{python_version}.0"
        env["implementation_name"] = "cpython"
        env["platform_python_implementation"] = "CPython"
    if platforms:
        tag = platforms[0].lower()
        if tag.startswith("win"):
            machine = {"win32": "x86", "win_amd64": "AMD64", "win_arm64": "ARM64"}.get(tag, "AMD64")
            env.update(sys_platform="win32", platform_system="Windows", os_name="nt", platform_machine=machine)
        elif tag.startswith("macosx"):
            machine = "arm64" if tag.endswith("arm64") else "x86_64"
            env.update(sys_platform="darwin", platform_system="Darwin", os_name="posix", platform_machine=machine)
        elif "linux" in tag:
            machine = re.sub(r"^(many|musl)?linux(_\d+_\d+|\d+)?_", "", tag)
            env.update(sys_platform="linux", platform_system="Linux", os_name="posix", platform_machine=machine)
    return env


def describe_target(platforms: list[str], python_version: str | None) -> str:
    platform_text = "、".join(platforms) if platforms else "このパソコンと同じOS"
    version = python_version or f"{sys.version_info[0]}.{sys.version_info[1]}"
    return f"{platform_text}、Python {version}"


# -- pip --------------------------------------------------------------------


def run_pip(args: list[str], *, env: dict[str, str] | None = None) -> None:
    command = [sys.executable, "-m", "pip", *args]
    print("$ " + " ".join(command), file=sys.stderr, flush=True)
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        raise BundleError(
            f"pip が失敗しました(終了コード {result.returncode})。上のpipの表示を確認してください。"
            "パッケージの取得にはネットワーク(パッケージの索引)が必要です。"
        )


def check_pip() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--version"], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BundleError(
            f"この Python({sys.executable})では pip が使えません。"
            "pip の入った Python(仮想環境など)でこのスクリプトを実行してください。"
        )


def isolated_pip_env() -> dict[str, str]:
    """The environment for a pip that sees no configuration: only what the command line says."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.pop("PYTHONPATH", None)
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


# -- building ---------------------------------------------------------------


def copy_project(project: Path, into: Path, skip: list[Path]) -> Path:
    """A clean copy of the project to build the wheel from."""
    skip_resolved = {path.resolve() for path in skip}

    def ignore(folder: str, names: list[str]) -> set[str]:
        ignored = set()
        for name in names:
            if name in _IGNORED or name.endswith(".egg-info") or name.endswith(".pyc"):
                ignored.add(name)
            elif (Path(folder) / name).resolve() in skip_resolved:
                ignored.add(name)
        return ignored

    target = into / "project"
    shutil.copytree(project, target, ignore=ignore, symlinks=True)
    return target


def build_own_wheel(project: Path, staging: Path, work: Path) -> Path:
    if not (project / "pyproject.toml").is_file():
        raise BundleError(f"「{project}」に pyproject.toml がありません。--project でkaigirokuのフォルダを指定してください。")
    source = copy_project(project, work, [staging])
    print("kaigiroku の wheel を作ります。", file=sys.stderr, flush=True)
    run_pip(["wheel", "--no-deps", "--progress-bar", "off", "--wheel-dir", str(staging), str(source)])
    wheels = sorted(staging.glob(f"{NAME}-*.whl"))
    if len(wheels) != 1:
        raise BundleError("kaigiroku の wheel ができませんでした。")
    return wheels[0]


def foreign_flags(platforms: list[str], python_version: str | None) -> list[str]:
    flags = ["--only-binary=:all:", "--implementation", "cp"]
    for platform in platforms:
        flags += ["--platform", platform]
    if python_version:
        flags += ["--python-version", python_version]
    return flags


def fetch_dependencies(own_wheel: Path, staging: Path, platforms: list[str], python_version: str | None) -> None:
    print("依存パッケージの wheel を集めます。", file=sys.stderr, flush=True)
    if platforms or python_version:
        run_pip(
            ["download", "--progress-bar", "off", "--dest", str(staging), "--find-links", str(staging)]
            + foreign_flags(platforms, python_version)
            + [str(own_wheel)]
        )
    else:
        run_pip(
            ["wheel", "--prefer-binary", "--progress-bar", "off", "--wheel-dir", str(staging),
             "--find-links", str(staging), str(own_wheel)]
        )


# -- checking the folder --------------------------------------------------------


def _wheel_metadata(path: Path) -> email.message.Message:
    with zipfile.ZipFile(path) as archive:
        names = [name for name in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", name)]
        if not names:
            raise BundleError(f"「{path.name}」に METADATA がありません。壊れた wheel です。")
        text = archive.read(names[0]).decode("utf-8")
    return email.parser.Parser().parsestr(text, headersonly=True)


def index_wheels(folder: Path) -> dict[str, tuple[object, Path]]:
    """Canonical name → (version, path) of every wheel in ``folder``."""
    found: dict[str, tuple[object, Path]] = {}
    for path in sorted(folder.glob("*.whl")):
        name, version, _build, _tags = parse_wheel_filename(path.name)
        found[canonicalize_name(name)] = (version, path)
    return found


def find_missing(folder: Path, env: dict[str, str] | None, python_version: str | None) -> list[str]:
    """Requirements of kaigiroku (recursively, for the target) that no wheel in ``folder`` meets."""
    wheels = index_wheels(folder)
    base_env = dict(env or {})
    target_python = python_version or f"{sys.version_info[0]}.{sys.version_info[1]}"
    missing: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    queue: list[tuple[str, frozenset[str], str]] = [(NAME, frozenset(), NAME)]
    while queue:
        name, extras, spelled = queue.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        if name not in wheels:
            missing.append(spelled)
            continue
        version, path = wheels[name]
        metadata = _wheel_metadata(path)
        requires_python = metadata.get("Requires-Python")
        if requires_python and not SpecifierSet(requires_python).contains(f"{target_python}.0", prereleases=True):
            raise BundleError(f"「{path.name}」は Python {requires_python} 用で、Python {target_python} では使えません。")
        for line in metadata.get_all("Requires-Dist") or []:
            requirement = Requirement(line)
            if requirement.marker is not None:
                wanted = any(
                    requirement.marker.evaluate({**base_env, "extra": extra}) for extra in (extras or {""})
                )
                if not wanted:
                    continue
            child = canonicalize_name(requirement.name)
            if child in wheels and not requirement.specifier.contains(wheels[child][0], prereleases=True):
                missing.append(str(requirement))
                continue
            text = requirement.name + str(requirement.specifier)
            queue.append((child, frozenset(requirement.extras), text))
    return sorted(set(missing))


def complete_for_target(staging: Path, env: dict[str, str] | None, platforms: list[str], python_version: str | None) -> None:
    for _round in range(5):
        missing = find_missing(staging, env, python_version)
        if not missing:
            return
        if env is None:
            break
        print("対象の環境で必要なパッケージを追加します: " + "、".join(missing), file=sys.stderr, flush=True)
        run_pip(
            ["download", "--no-deps", "--progress-bar", "off", "--dest", str(staging)]
            + foreign_flags(platforms, python_version)
            + missing
        )
    raise BundleError("次のパッケージの wheel が揃いませんでした: " + "、".join(find_missing(staging, env, python_version)))


# -- the files for the person who installs -----------------------------------------

INSTALL_SH = """\
#!/bin/sh
# kaigiroku を、このフォルダの wheel からインストールします(ネットワークは使いません)。
# 使い方:  sh install.sh [インストール先]
#   インストール先を省くと、このフォルダの中の venv に入れます。
#   使う Python は環境変数 PYTHON で変えられます(既定: python3)。
set -eu
HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
TARGET=${1:-"$HERE/venv"}
PYTHON=${PYTHON:-python3}

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "Python 3 ($PYTHON) が見つかりません。Python 3.11 以上を先にインストールしてください。" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "kaigiroku には Python 3.11 以上が必要です(今の Python: $("$PYTHON" -V 2>&1))。" >&2
  exit 1
fi
echo "仮想環境を作ります: $TARGET"
if ! "$PYTHON" -m venv "$TARGET"; then
  echo "仮想環境を作れませんでした。Debian/Ubuntu では python3-venv パッケージが必要です。" >&2
  exit 1
fi
echo "このフォルダからインストールします(ネットワークは使いません)。"
if ! "$TARGET/bin/python" -m pip install --no-index --find-links "$HERE" --upgrade kaigiroku; then
  echo "インストールできませんでした。このフォルダの README.txt を確認してください。" >&2
  exit 1
fi
echo
echo "インストールしました。起動するには:"
echo "  \\"$TARGET/bin/kaigiroku\\""
echo "デモの会議を追加して開くには:"
echo "  \\"$TARGET/bin/kaigiroku\\" demo"
"""

# cmd.exe: no parentheses in echo lines (they would end a block), "%~dp0."
# rather than "%~dp0" (a trailing backslash before the quote escapes it for
# Python's argument parser).
INSTALL_BAT = """\
@echo off
rem kaigiroku を、このフォルダの wheel からインストールします。ネットワークは使いません。
rem 使い方:  install.bat [インストール先]
rem   インストール先を省くと、このフォルダの中の venv に入れます。
rem   終わりに一時停止しないようにするには、環境変数 KAIGIROKU_NO_PAUSE を設定します。
setlocal
set "HERE=%~dp0."
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=%~dp0venv"

set "PY="
py -3 -c "import sys" >nul 2>nul
if not errorlevel 1 set "PY=py -3"
if defined PY goto have_python
python -c "import sys" >nul 2>nul
if not errorlevel 1 set "PY=python"
if defined PY goto have_python
echo Python が見つかりません。Python 3.11 以上を先にインストールしてください。 1>&2
goto fail

:have_python
%PY% -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)"
if errorlevel 1 goto old_python
echo 仮想環境を作ります: %TARGET%
%PY% -m venv "%TARGET%"
if errorlevel 1 goto fail_venv
echo このフォルダからインストールします。ネットワークは使いません。
"%TARGET%\\Scripts\\python.exe" -m pip install --no-index --find-links "%HERE%" --upgrade kaigiroku
if errorlevel 1 goto fail_pip
echo.
echo インストールしました。起動するには:
echo   "%TARGET%\\Scripts\\kaigiroku.exe"
echo デモの会議を追加して開くには:
echo   "%TARGET%\\Scripts\\kaigiroku.exe" demo
if not defined KAIGIROKU_NO_PAUSE pause
endlocal
exit /b 0

:old_python
echo kaigiroku には Python 3.11 以上が必要です。 1>&2
goto fail
:fail_venv
echo 仮想環境を作れませんでした。 1>&2
goto fail
:fail_pip
echo インストールできませんでした。このフォルダの README.txt を確認してください。 1>&2
:fail
if not defined KAIGIROKU_NO_PAUSE pause
endlocal
exit /b 1
"""

README_TXT = """\
kaigiroku {version} オフライン・インストール用フォルダ
==================================================

このフォルダには、会議録アプリ kaigiroku と、動かすのに必要なパッケージ
(wheel ファイル)がすべて入っています。インターネットにつながっていない
パソコンに、このフォルダごと持ち込んでインストールできます。

  作成日時: {created}
  対象:     {target}
  {portability}

■ 準備
  ・Python 3.11 以上が入っていること。
    Windows: python.org のインストーラーで入れます(「py ランチャー」も一緒に
      入ります)。オフラインのパソコンには、インストーラーも USB メモリで
      持ち込んでください。
    Linux: python3 と python3-venv(Debian/Ubuntu のパッケージ名)。
  ・このフォルダを USB メモリからパソコンの中(デスクトップやホームフォルダ)に
    コピーしてから始めます。USB メモリの上で直接インストールしないでください。

■ Windows
  1. コピーしたフォルダの install.bat をダブルクリックします。
     (コマンドプロンプトで install.bat と打っても同じです。)
     フォルダの中の venv にインストールされます。
     別の場所に入れるには: install.bat C:\\kaigiroku
  2. 起動:        venv\\Scripts\\kaigiroku.exe
     デモの会議:  venv\\Scripts\\kaigiroku.exe demo
     (Windows ターミナルかコマンドプロンプトの中で実行します。)

■ Linux
  1. 端末でコピーしたフォルダに移り、次を実行します:
       sh install.sh
     別の場所に入れるには: sh install.sh ~/kaigiroku
  2. 起動:        venv/bin/kaigiroku
     デモの会議:  venv/bin/kaigiroku demo

■ 手で入れる場合(どちらの OS でも)
  python -m venv venv
  venv の pip で:  pip install --no-index --find-links このフォルダ kaigiroku

■ うまくいかないとき
  ・「No matching distribution found」: このフォルダが別の OS や別の版の
    Python 用に作られています(上の「対象」を確認してください)。
    つながったパソコンで、対象に合わせて作り直します:
      python scripts/make_offline_bundle.py --dest フォルダ --platform win_amd64 --python-version 3.12
  ・仮想環境を作れない(Linux): python3-venv パッケージを入れてください。

■ 入っているファイル
{files}
"""


def render_readme(version: str, target: str, pure: bool, files: list[str]) -> str:
    portability = (
        "wheel はどれも OS を選ばないので、Python 3.11 以上ならどの OS でも使えます。"
        if pure
        else "OS 専用の wheel を含むため、上の対象と同じ OS・Python の版で使ってください。"
    )
    return README_TXT.format(
        version=version,
        created=datetime.now().strftime("%Y-%m-%d %H:%M"),
        target=target,
        portability=portability,
        files="\n".join(f"  {name}" for name in files),
    )


#: Trail bytes that cmd.exe could read as \\, ^ or | if it took the file in another code page.
_RISKY_TRAIL_BYTES = {0x5C, 0x5E, 0x7C}


def batch_bytes(text: str) -> bytes:
    """``text`` as cmd.exe reads a batch file on a Japanese Windows: cp932, CRLF.

    Refuses a character whose second byte is ``\\``, ``^`` or ``|`` (such as
    ソ or 表): in another code page cmd.exe would take it for that symbol.
    """
    data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("cp932")
    for char in set(text):
        encoded = char.encode("cp932")
        if len(encoded) == 2 and encoded[1] in _RISKY_TRAIL_BYTES:
            raise ValueError(f"install.bat に使えない文字「{char}」があります。")
    return data


def write_install_files(folder: Path, version: str, target: str) -> None:
    """Write install.sh, install.bat and README.txt into ``folder``."""
    wheels = sorted(path.name for path in folder.glob("*.whl"))
    pure = all(name.endswith("-none-any.whl") for name in wheels)
    script = folder / "install.sh"
    script.write_bytes(INSTALL_SH.encode("utf-8"))
    script.chmod(0o755)
    (folder / "install.bat").write_bytes(batch_bytes(INSTALL_BAT))
    readme = render_readme(version, target, pure, wheels)
    (folder / "README.txt").write_bytes(b"\xef\xbb\xbf" + readme.replace("\n", "\r\n").encode("utf-8"))


# -- verifying ------------------------------------------------------------------


def verify(folder: Path) -> None:
    """Install from ``folder`` with --no-index into a throwaway venv and run the app's --version."""
    print("確かめます: ネットワークなしでインストールできるか。", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="kaigiroku-verify-") as work:
        venv = Path(work) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        bindir = venv / ("Scripts" if os.name == "nt" else "bin")
        python = bindir / ("python.exe" if os.name == "nt" else "python")
        result = subprocess.run(
            [str(python), "-m", "pip", "install", "--no-index", "--find-links", str(folder), NAME],
            env=isolated_pip_env(),
        )
        if result.returncode != 0:
            raise BundleError("このフォルダからネットワークなしでインストールできませんでした。")
        app = bindir / ("kaigiroku.exe" if os.name == "nt" else "kaigiroku")
        result = subprocess.run([str(app), "--version"], capture_output=True, text=True, cwd=work)
        if result.returncode != 0:
            raise BundleError(f"インストールした kaigiroku が動きませんでした: {result.stderr.strip()}")
        print(f"確かめました: {result.stdout.strip()}", file=sys.stderr)


# -- main -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    try:
        sys.path.insert(0, str(PROJECT))
        from tui import argparse_ja

        argparse_ja.install()
    except ImportError:  # pragma: no cover - the script copied out of the project
        pass
    finally:
        if sys.path and sys.path[0] == str(PROJECT):
            del sys.path[0]
    parser = argparse.ArgumentParser(
        prog="make_offline_bundle.py",
        description="ネットワークのないパソコンに kaigiroku をインストールするためのフォルダを作ります"
        "(wheel 一式と install.sh、install.bat、README.txt)。ネットワークにつながったパソコンで実行します。",
    )
    parser.add_argument("--dest", required=True, metavar="DIR", help="作るフォルダ(ないか空のフォルダ)")
    parser.add_argument(
        "--platform",
        action="append",
        default=[],
        metavar="PLATFORM",
        help="別の OS 用に作ります(例: win_amd64、manylinux2014_x86_64。複数指定できます)。既定: このパソコン",
    )
    parser.add_argument(
        "--python-version", metavar="X.Y", help="対象の Python の版(例: 3.12)。既定: この Python"
    )
    parser.add_argument("--project", metavar="DIR", default=str(PROJECT), help="kaigiroku のフォルダ(既定: このスクリプトの親)")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="作ったあと、使い捨ての仮想環境にネットワークなしでインストールして確かめます(このパソコン用のときだけ)",
    )
    return parser


def make_bundle(
    dest: Path, *, platforms: list[str], python_version: str | None, project: Path
) -> list[str]:
    """Build the bundle into ``dest``; returns the names of the wheels."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BundleError(f"「{dest}」は空のフォルダではありません。新しいフォルダか空のフォルダを --dest に指定してください。")
    check_pip()
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
    staging.chmod(0o755)
    try:
        with tempfile.TemporaryDirectory(prefix="kaigiroku-bundle-") as work:
            own = build_own_wheel(project, staging, Path(work))
            fetch_dependencies(own, staging, platforms, python_version)
        env = target_environment(platforms, python_version)
        complete_for_target(staging, env, platforms, python_version)
        version = str(parse_wheel_filename(own.name)[1])
        write_install_files(staging, version, describe_target(platforms, python_version))
        if dest.exists():
            dest.rmdir()
        os.replace(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(path.name for path in dest.glob("*.whl"))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.python_version is not None:
        match = re.fullmatch(r"(\d+)\.(\d+)", args.python_version)
        if not match:
            parser.error("--python-version は 3.12 のように「メジャー.マイナー」で指定してください")
        if (int(match[1]), int(match[2])) < MIN_PYTHON:
            parser.error("kaigiroku には Python 3.11 以上が必要です")
    foreign = bool(args.platform or args.python_version)
    if args.verify and foreign:
        parser.error("--verify はこのパソコン用のフォルダにだけ使えます(--platform、--python-version なし)")
    dest = Path(args.dest).resolve()
    try:
        wheels = make_bundle(
            dest, platforms=args.platform, python_version=args.python_version, project=Path(args.project).resolve()
        )
        if args.verify:
            verify(dest)
    except BundleError as error:
        print(f"make_offline_bundle: {error}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:
        print(f"make_offline_bundle: ファイルを読み書きできませんでした({error})。", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("make_offline_bundle: 中断しました。作りかけのフォルダは消しました。", file=sys.stderr)
        return 130
    print(f"作りました: {dest}({len(wheels)} 個の wheel)")
    for name in wheels:
        print(f"  {name}")
    print(f"ネットワークのないパソコンでは: pip install --no-index --find-links \"{dest}\" kaigiroku")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
