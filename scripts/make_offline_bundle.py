#!/usr/bin/env python3
"""Make a folder that installs kaigiroku on a machine with no network.

::

    python scripts/make_offline_bundle.py --dest DIR
    python scripts/make_offline_bundle.py --dest DIR --platform win_amd64 --python-version 3.12

Run it on a connected machine (it uses the package index through pip). DIR
then holds the wheel of kaigiroku, the wheels of every dependency,
``requirements.txt`` (each wheel's version and sha256) and ``install.sh``,
``install.bat`` and ``README.txt`` (Japanese) that say how to install from the
folder; on the machine with no network::

    pip install --no-index --find-links DIR --require-hashes -r DIR/requirements.txt

The dependencies are exactly those of ``requirements.lock`` (versions and
sha256 of their wheels), so two bundles made from the same source on different
days hold the same bytes: pip refuses a wheel whose hash is not in the lock.
``--update-lock`` writes the lock again from ``pyproject.toml`` (for Linux,
Windows and macOS, CPython 3.11 to 3.13); run it after changing a dependency.
The kaigiroku wheel is built with the time of the last commit
(``SOURCE_DATE_EPOCH``) as every file's time, so it too is the same each time.

By default the wheels are for this machine (its platform and Python). With
``--platform`` (repeatable) and/or ``--python-version`` they are for another
one. Only wheels, never source packages (``--only-binary=:all:``); the lock's
environment markers are evaluated for the target (pip would evaluate them for
this machine), and the folder is checked to hold every dependency the target needs.

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
import hashlib
import json
import tempfile
import time
import tomllib
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
NAME = "kaigiroku"
LOCK_NAME = "requirements.lock"
#: The file of the bundle that names every wheel in it with its hash.
BUNDLE_REQUIREMENTS = "requirements.txt"
#: What ``--update-lock`` resolves the dependencies for: every platform and Python a bundle is made for.
LOCK_PLATFORMS = ("manylinux2014_x86_64", "win_amd64", "macosx_11_0_arm64")
LOCK_PYTHONS = ("3.11", "3.12", "3.13")
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
    from packaging.markers import Marker
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name, parse_wheel_filename
except ImportError:  # pragma: no cover - a Python with pip but without packaging
    from pip._vendor.packaging.markers import Marker
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


def run_pip(args: list[str], *, env: dict[str, str] | None = None, hint: str = "") -> None:
    command = [sys.executable, "-m", "pip", *args]
    print("$ " + " ".join(command), file=sys.stderr, flush=True)
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        raise BundleError(
            f"pip が失敗しました(終了コード {result.returncode})。上のpipの表示を確認してください。"
            "パッケージの取得にはネットワーク(パッケージの索引)が必要です。" + hint
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


# -- the lock -------------------------------------------------------------------


@dataclass
class Locked:
    """One dependency of the lock: its exact version, where it is needed, and the sha256 of its wheels."""

    name: str
    version: str
    marker: str | None = None
    hashes: list[str] = field(default_factory=list)

    def wanted(self, env: dict[str, str] | None) -> bool:
        """Whether the target (``env``: marker values; ``None``: this machine) needs it."""
        return self.marker is None or Marker(self.marker).evaluate(env)

    def requirement_line(self) -> str:
        """``name==version --hash=sha256:… …``: the line of the bundle's requirements.txt (no marker)."""
        return " ".join([f"{self.name}=={self.version}"] + [f"--hash=sha256:{value}" for value in self.hashes])


def project_dependencies(project: Path) -> list[str]:
    """``[project].dependencies`` of the project's pyproject.toml, as written there."""
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data["project"]["dependencies"])


def _logical_lines(text: str) -> list[str]:
    lines, current = [], ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip():
            lines.append(current.strip())
        current = ""
    if current.strip():
        lines.append(current.strip())
    return lines


def read_lock(path: Path) -> tuple[list[str], list[Locked]]:
    """The requirements the lock was made from (its ``# from:`` lines) and its entries."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BundleError(
            f"「{path}」がありません。python scripts/make_offline_bundle.py --update-lock で作ってください"
            "(パッケージの索引が必要です)。"
        ) from None
    made_from = [line[len("# from: "):] for line in text.splitlines() if line.startswith("# from: ")]
    entries = []
    for line in _logical_lines(text):
        words = line.split()
        hashes = [word[len("--hash=sha256:"):] for word in words if word.startswith("--hash=sha256:")]
        spec = " ".join(word for word in words if not word.startswith("--hash="))
        requirement = Requirement(spec)
        pins = [item for item in requirement.specifier if item.operator == "=="]
        if len(pins) != 1 or not hashes:
            raise BundleError(f"「{path.name}」の「{spec}」には == の版と --hash=sha256: が必要です。--update-lock で作り直してください。")
        marker = str(requirement.marker) if requirement.marker is not None else None
        entries.append(Locked(canonicalize_name(requirement.name), pins[0].version, marker, hashes))
    return made_from, entries


def _platform_marker(platform: str) -> str:
    env = target_environment([platform], None) or {}
    return env["sys_platform"]


def lock_marker(needed: set[tuple[str, str]]) -> str | None:
    """The environment marker for a package the targets ``needed`` (platform, python) want, of all lock targets."""
    every = {(platform, python) for platform in LOCK_PLATFORMS for python in LOCK_PYTHONS}
    if needed >= every:
        return None
    parts = []
    for platform in LOCK_PLATFORMS:
        pythons = [python for python in LOCK_PYTHONS if (platform, python) in needed]
        if not pythons:
            continue
        system = f'sys_platform == "{_platform_marker(platform)}"'
        if len(pythons) == len(LOCK_PYTHONS):
            parts.append(system)
        else:
            versions = " or ".join(f'python_version == "{python}"' for python in pythons)
            parts.append(f"({system} and ({versions}))")
    return " or ".join(parts)


def render_lock(requirements: list[str], entries: list[Locked]) -> str:
    """The text of requirements.lock."""
    lines = [
        "# The exact wheels kaigiroku's offline bundle carries, with their sha256 (pip's hash-checking mode).",
        "# Written by: python scripts/make_offline_bundle.py --update-lock   (needs the package index)",
        f"# For: {', '.join(LOCK_PLATFORMS)}; CPython {', '.join(LOCK_PYTHONS)}.",
        "# Do not edit by hand: change pyproject.toml's dependencies and run the command again.",
    ]
    lines += [f"# from: {requirement}" for requirement in requirements]
    for entry in sorted(entries, key=lambda e: e.name):
        head = f"{entry.name}=={entry.version}" + (f" ; {entry.marker}" if entry.marker else "")
        lines.append(" \\\n".join([head] + [f"    --hash=sha256:{value}" for value in sorted(entry.hashes)]))
    return "\n".join(lines) + "\n"


def resolve_for(requirements: list[str], platform: str, python: str, work: Path) -> dict[str, tuple[str, str]]:
    """What pip installs for ``requirements`` on (platform, CPython python): name → (version, sha256 of the wheel)."""
    report = work / f"report-{platform}-{python}.json"
    run_pip(
        ["install", "--dry-run", "--ignore-installed", "--quiet", "--progress-bar", "off",
         "--target", str(work / "target"), "--report", str(report)]
        + foreign_flags([platform], python)
        + requirements
    )
    found = {}
    for item in json.loads(report.read_text(encoding="utf-8"))["install"]:
        name = canonicalize_name(item["metadata"]["name"])
        digest = item["download_info"].get("archive_info", {}).get("hashes", {}).get("sha256")
        if not digest:
            raise BundleError(f"{name} の wheel の sha256 を索引から得られませんでした。")
        found[name] = (item["metadata"]["version"], digest)
    return found


def update_lock(project: Path) -> Path:
    """Resolve pyproject's dependencies for every lock target and write requirements.lock."""
    check_pip()
    requirements = project_dependencies(project)
    versions: dict[str, set[str]] = {}
    hashes: dict[str, set[str]] = {}
    needed: dict[str, set[tuple[str, str]]] = {}
    with tempfile.TemporaryDirectory(prefix="kaigiroku-lock-") as work:
        for platform in LOCK_PLATFORMS:
            for python in LOCK_PYTHONS:
                print(f"依存パッケージを調べます: {platform}、Python {python}", file=sys.stderr, flush=True)
                for name, (version, digest) in resolve_for(requirements, platform, python, Path(work)).items():
                    versions.setdefault(name, set()).add(version)
                    hashes.setdefault(name, set()).add(digest)
                    needed.setdefault(name, set()).add((platform, python))
    split = {name: sorted(found) for name, found in versions.items() if len(found) > 1}
    if split:
        raise BundleError(
            "対象によって版の違うパッケージがあります: "
            + "、".join(f"{name}({' / '.join(found)})" for name, found in sorted(split.items()))
            + "。pyproject.toml で版をそろえてください。"
        )
    entries = [
        Locked(name, next(iter(versions[name])), lock_marker(needed[name]), sorted(hashes[name])) for name in versions
    ]
    path = project / LOCK_NAME
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(render_lock(requirements, entries), encoding="utf-8", newline="\n")
    os.replace(temporary, path)
    return path


def source_date_epoch(project: Path) -> int:
    """The time every file of the bundle is stamped with: SOURCE_DATE_EPOCH, else the last commit's, else now."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "")
    if given.isdigit():
        return int(given)
    try:
        result = subprocess.run(
            ["git", "-C", str(project), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        result = None
    if result is not None and result.returncode == 0 and result.stdout.strip().isdigit():
        return int(result.stdout.strip())
    return int(time.time())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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


def build_own_wheel(project: Path, staging: Path, work: Path, epoch: int) -> Path:
    if not (project / "pyproject.toml").is_file():
        raise BundleError(f"「{project}」に pyproject.toml がありません。--project でkaigirokuのフォルダを指定してください。")
    source = copy_project(project, work, [staging])
    print("kaigiroku の wheel を作ります。", file=sys.stderr, flush=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}  # every file of the wheel gets this time
    run_pip(["wheel", "--no-deps", "--progress-bar", "off", "--wheel-dir", str(staging), str(source)], env=env)
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


def fetch_dependencies(
    locked: list[Locked], staging: Path, work: Path, platforms: list[str], python_version: str | None
) -> None:
    """Download exactly the locked wheels the target needs; pip refuses any whose sha256 is not in the lock."""
    print("依存パッケージの wheel を集めます(requirements.lock のとおり)。", file=sys.stderr, flush=True)
    requirements = work / "locked.txt"
    requirements.write_text("".join(entry.requirement_line() + "\n" for entry in locked), encoding="utf-8")
    flags = foreign_flags(platforms, python_version) if platforms or python_version else ["--only-binary=:all:"]
    run_pip(
        ["download", "--no-deps", "--require-hashes", "--progress-bar", "off", "--dest", str(staging),
         "-r", str(requirements)] + flags,
        hint=" ハッシュが合わないときは、requirements.lock にこの対象の wheel がありません"
        "(--update-lock で作り直してください)。",
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


def check_complete(staging: Path, env: dict[str, str] | None, python_version: str | None) -> None:
    """Every dependency the target needs is in the folder (the lock may be older than pyproject.toml)."""
    missing = find_missing(staging, env, python_version)
    if missing:
        raise BundleError(
            "requirements.lock に次のパッケージがありません: " + "、".join(missing)
            + "。python scripts/make_offline_bundle.py --update-lock で作り直してください。"
        )


def write_bundle_requirements(folder: Path, locked: list[Locked], own_wheel: Path) -> None:
    """requirements.txt of the bundle: every wheel in it, pinned, with its sha256 (kaigiroku's own computed here)."""
    version = str(parse_wheel_filename(own_wheel.name)[1])
    own = Locked(NAME, version, None, [file_sha256(own_wheel)])
    lines = [entry.requirement_line() for entry in sorted(locked, key=lambda e: e.name)] + [own.requirement_line()]
    (folder / BUNDLE_REQUIREMENTS).write_bytes(("\n".join(lines) + "\n").encode("utf-8"))


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
if ! "$TARGET/bin/python" -m pip install --no-index --find-links "$HERE" --require-hashes --upgrade -r "$HERE/requirements.txt"; then
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
"%TARGET%\\Scripts\\python.exe" -m pip install --no-index --find-links "%HERE%" --require-hashes --upgrade -r "%HERE%\\requirements.txt"
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

  ソースの日時: {created}
  対象:         {target}
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
  venv の pip で:
    pip install --no-index --find-links このフォルダ --require-hashes -r このフォルダ/requirements.txt
  (requirements.txt に、どの wheel も版と sha256 で書いてあります。
  中身の違う wheel は pip が入れません。)

■ うまくいかないとき
  ・「No matching distribution found」: このフォルダが別の OS や別の版の
    Python 用に作られています(上の「対象」を確認してください)。
    つながったパソコンで、対象に合わせて作り直します:
      python scripts/make_offline_bundle.py --dest フォルダ --platform win_amd64 --python-version 3.12
  ・仮想環境を作れない(Linux): python3-venv パッケージを入れてください。

■ 入っているファイル
{files}
"""


def render_readme(version: str, target: str, pure: bool, files: list[str], epoch: int) -> str:
    portability = (
        "wheel はどれも OS を選ばないので、Python 3.11 以上ならどの OS でも使えます。"
        if pure
        else "OS 専用の wheel を含むため、上の対象と同じ OS・Python の版で使ってください。"
    )
    return README_TXT.format(
        version=version,
        created=datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M (UTC)"),
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


def write_install_files(folder: Path, version: str, target: str, epoch: int) -> None:
    """Write install.sh, install.bat and README.txt into ``folder`` (the same bytes for the same arguments)."""
    wheels = sorted(path.name for path in folder.glob("*.whl"))
    pure = all(name.endswith("-none-any.whl") for name in wheels)
    script = folder / "install.sh"
    script.write_bytes(INSTALL_SH.encode("utf-8"))
    script.chmod(0o755)
    (folder / "install.bat").write_bytes(batch_bytes(INSTALL_BAT))
    readme = render_readme(version, target, pure, wheels + [BUNDLE_REQUIREMENTS], epoch)
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
            [str(python), "-m", "pip", "install", "--no-index", "--find-links", str(folder),
             "--require-hashes", "-r", str(folder / BUNDLE_REQUIREMENTS)],
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
    parser.add_argument("--dest", metavar="DIR", help="作るフォルダ(ないか空のフォルダ)")
    parser.add_argument(
        "--update-lock",
        action="store_true",
        help="フォルダは作らず、pyproject.toml の依存パッケージから requirements.lock を作り直します(索引が必要)",
    )
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
    env = target_environment(platforms, python_version)
    made_from, entries = read_lock(project / LOCK_NAME)
    if made_from != project_dependencies(project):
        raise BundleError(
            "requirements.lock は今の pyproject.toml の依存パッケージから作られたものではありません。"
            "python scripts/make_offline_bundle.py --update-lock で作り直してください。"
        )
    locked = [entry for entry in entries if entry.wanted(env)]
    epoch = source_date_epoch(project)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
    staging.chmod(0o755)
    try:
        with tempfile.TemporaryDirectory(prefix="kaigiroku-bundle-") as work:
            own = build_own_wheel(project, staging, Path(work), epoch)
            fetch_dependencies(locked, staging, Path(work), platforms, python_version)
        check_complete(staging, env, python_version)
        write_bundle_requirements(staging, locked, own)
        version = str(parse_wheel_filename(own.name)[1])
        write_install_files(staging, version, describe_target(platforms, python_version), epoch)
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
    if args.update_lock:
        if args.dest or foreign or args.verify:
            parser.error("--update-lock はほかのオプション(--project のほか)と一緒には使えません")
        try:
            path = update_lock(Path(args.project).resolve())
        except BundleError as error:
            print(f"make_offline_bundle: {error}", file=sys.stderr)
            return EXIT_FAILED
        print(f"書きました: {path}")
        return EXIT_OK
    if not args.dest:
        parser.error("--dest(作るフォルダ)を指定してください")
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
    print(
        f"ネットワークのないパソコンでは: pip install --no-index --find-links \"{dest}\" "
        f"--require-hashes -r \"{dest / BUNDLE_REQUIREMENTS}\""
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
