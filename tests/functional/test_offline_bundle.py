"""The offline bundle (``scripts/make_offline_bundle.py``).

The end-to-end test installs a prebuilt bundle with ``--no-index`` into a fresh
virtual environment, adds the demo meeting and exports it as cp932 with CRLF.
Building a bundle needs the package index, and the tests run without network,
so the bundle is built before the test run and named by the environment
variable ``KAIGIROKU_BUNDLE_DIR`` (``.ci/run`` does this); without it that test
is skipped. The other tests check the script's own logic and the files it
writes, without network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from minutes.encoding import to_windows

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "make_offline_bundle.py"
BUNDLE_ENV = "KAIGIROKU_BUNDLE_DIR"
WINDOWS = os.name == "nt"


@pytest.fixture(scope="module")
def bundler():
    spec = importlib.util.spec_from_file_location("make_offline_bundle", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


# -- installing a real bundle, with no index ---------------------------------------------


def _clean_env(tmp_path: Path, bundler) -> dict[str, str]:
    env = bundler.isolated_pip_env()  # no pip configuration: no find-links, no index but ours
    env.pop(BUNDLE_ENV, None)
    env.pop("KAIGIROKU_DATA_DIR", None)
    env.pop("VIRTUAL_ENV", None)
    env["HOME"] = str(tmp_path / "home")
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / "data")
    env["KAIGIROKU_NO_PAUSE"] = "1"
    env["PYTHON"] = sys.executable
    return env


def _run(command, *, env, cwd, timeout=600):
    result = subprocess.run(
        [str(part) for part in command], env=env, cwd=cwd, capture_output=True, timeout=timeout
    )
    return result.returncode, result.stdout, result.stderr.decode("utf-8", "replace")


@pytest.mark.skipif(
    not os.environ.get(BUNDLE_ENV),
    reason=f"{BUNDLE_ENV} is not set: build a bundle with "
    "`python scripts/make_offline_bundle.py --dest DIR` (needs the package index) and set "
    f"{BUNDLE_ENV}=DIR to test installing it with --no-index (.ci/run does this)",
)
def test_bundle_installs_with_no_index_and_exports_the_demo_as_cp932_crlf(tmp_path, bundler):
    bundle = Path(os.environ[BUNDLE_ENV])
    assert bundle.is_dir(), f"{BUNDLE_ENV}={bundle} is not a folder"
    names = {path.name for path in bundle.iterdir()}
    assert {"install.sh", "install.bat", "README.txt"} <= names
    assert any(re.fullmatch(r"kaigiroku-.+\.whl", name) for name in names)

    env = _clean_env(tmp_path, bundler)
    work = tmp_path / "work"
    work.mkdir()
    venv = tmp_path / "venv"
    # The install script the clerk runs: a fresh venv, then pip install --no-index --find-links.
    if WINDOWS:
        command = ["cmd", "/c", bundle / "install.bat", venv]
    else:
        command = ["sh", bundle / "install.sh", venv]
    code, out, err = _run(command, env=env, cwd=work)
    assert code == 0, err
    script = (bundle / ("install.bat" if WINDOWS else "install.sh")).read_bytes().decode("cp932" if WINDOWS else "utf-8")
    assert "--no-index" in script and "--require-hashes" in script

    bindir = venv / ("Scripts" if WINDOWS else "bin")
    app = bindir / ("kaigiroku.exe" if WINDOWS else "kaigiroku")
    python = bindir / ("python.exe" if WINDOWS else "python")

    # The installed copy, not this checkout, answers; its app files are in the package.
    code, out, err = _run(
        [python, "-c", "import importlib.resources as r, tui, tui.app; "
         "assert r.files('tui').joinpath('kaigiroku.tcss').is_file(); print(tui.__file__)"],
        env=env, cwd=work,
    )
    assert code == 0, err
    assert Path(out.decode().strip()).resolve().is_relative_to(venv.resolve())

    data = tmp_path / "data"
    code, out, err = _run([app, "--data-dir", data, "demo", "--no-open"], env=env, cwd=work)
    assert code == 0, err
    match = re.search(r"ID: (\S+)", out.decode("utf-8"))
    assert match, out
    meeting_id = match.group(1)

    target = work / "out.txt"
    code, out, err = _run(
        [app, "--data-dir", data, "export", meeting_id, "--encoding", "cp932", "--newline", "crlf", "-o", target],
        env=env, cwd=work,
    )
    assert code == 0, err
    assert "置き換えました" not in err
    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("cp932")  # strict: the file is valid Shift_JIS (cp932)
    assert raw.count(b"\n") == raw.count(b"\r\n") > 20  # every line ends in CRLF
    assert "小平市情報公開・個人情報保護・公文書管理審議会" in text

    # The same text as the UTF-8 export, but for the Windows neighbours and the line ends.
    code, utf8, err = _run([app, "--data-dir", data, "export", meeting_id], env=env, cwd=work)
    assert code == 0, err
    assert text == to_windows(utf8.decode("utf-8")).replace("\n", "\r\n")

    # Word output works from the bundle too: python-docx and lxml came with it.
    word = work / "会議録.docx"
    code, out, err = _run([app, "--data-dir", data, "export", meeting_id, "--format", "docx", "-o", word], env=env, cwd=work)
    assert code == 0, err
    code, out, err = _run(
        [python, "-c", "import sys, docx; print(docx.Document(sys.argv[1]).paragraphs[0].text)", word], env=env, cwd=work
    )
    assert code == 0, err
    assert "小平市情報公開・個人情報保護・公文書管理審議会" in out.decode("utf-8")

    # And a city's own Word template fills in: docxtpl came with it.
    template, filled = work / "様式.docx", work / "埋めた会議録.docx"
    code, out, err = _run([app, "--data-dir", data, "styles", "word-template", template], env=env, cwd=work)
    assert code == 0, err
    code, out, err = _run(
        [app, "--data-dir", data, "export", meeting_id, "--format", "docx", "--template", template, "-o", filled],
        env=env, cwd=work,
    )
    assert code == 0, err
    code, out, err = _run(
        [python, "-c", "import sys, docx; print(docx.Document(sys.argv[1]).sections[0].header.paragraphs[0].text)", filled],
        env=env, cwd=work,
    )
    assert code == 0, err
    assert out.decode("utf-8").strip() == "小平市情報公開・個人情報保護・公文書管理審議会"


# -- the script, without network ---------------------------------------------------------


def test_install_files(tmp_path, bundler):
    for name in ("kaigiroku-0.1.0-py3-none-any.whl", "textual-8.0.0-py3-none-any.whl"):
        (tmp_path / name).write_bytes(b"")
    epoch = 1_647_331_200  # 2022-03-15 08:00 UTC
    bundler.write_install_files(tmp_path, "0.1.0", "win_amd64、Python 3.12", epoch)
    first = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    bundler.write_install_files(tmp_path, "0.1.0", "win_amd64、Python 3.12", epoch)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == first  # no clock in them

    script = (tmp_path / "install.sh").read_bytes()
    assert script.startswith(b"#!/bin/sh\n") and b"\r" not in script
    assert b'--no-index --find-links "$HERE" --require-hashes --upgrade -r "$HERE/requirements.txt"' in script
    if not WINDOWS:
        assert os.access(tmp_path / "install.sh", os.X_OK)
        assert subprocess.run(["sh", "-n", str(tmp_path / "install.sh")]).returncode == 0

    batch = (tmp_path / "install.bat").read_bytes()
    assert not batch.startswith(b"\xef\xbb\xbf")
    assert batch.count(b"\n") == batch.count(b"\r\n")
    text = batch.decode("cp932")
    assert text.startswith("@echo off\r\n")
    assert '--no-index --find-links "%HERE%" --require-hashes --upgrade -r "%HERE%\\requirements.txt"' in text
    assert 'set "HERE=%~dp0."' in text  # never "%~dp0" before a quote
    assert "py -3" in text and "-m venv" in text
    for line in text.splitlines():
        if line.lstrip().lower().startswith("echo"):
            assert "(" not in line and ")" not in line, line
    for char in set(text):
        encoded = char.encode("cp932")
        assert not (len(encoded) == 2 and encoded[1] in (0x5C, 0x5E, 0x7C)), char

    readme = (tmp_path / "README.txt").read_bytes()
    assert readme.startswith(b"\xef\xbb\xbf")
    assert readme.count(b"\n") == readme.count(b"\r\n")
    text = readme.decode("utf-8-sig")
    for needle in ("install.bat", "install.sh", "--no-index", "--require-hashes", "win_amd64、Python 3.12",
                   "textual-8.0.0-py3-none-any.whl", "requirements.txt", "2022-03-15 08:00 (UTC)"):
        assert needle in text


def test_batch_text_refuses_characters_cmd_could_misread(bundler):
    for char in ("ソ", "表", "能"):  # second bytes 5C, 5C, 5C
        with pytest.raises(ValueError):
            bundler.batch_bytes(f"echo {char}\n")
    assert bundler.batch_bytes("echo あ\n") == "echo あ\r\n".encode("cp932")


def test_target_environment(bundler):
    assert bundler.target_environment([], None) is None
    windows = bundler.target_environment(["win_amd64"], "3.12")
    assert windows["sys_platform"] == "win32"
    assert windows["platform_system"] == "Windows"
    assert windows["os_name"] == "nt"
    assert windows["python_version"] == "3.12"
    linux = bundler.target_environment(["manylinux2014_aarch64"], None)
    assert linux["sys_platform"] == "linux"
    assert linux["platform_machine"] == "aarch64"
    assert bundler.target_environment(["manylinux_2_17_x86_64"], "3.11")["platform_machine"] == "x86_64"


def _fake_wheel(folder: Path, name: str, version: str, requires: list[str], python: str = ">=3.8") -> None:
    dist = f"{name}-{version}"
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", f"Requires-Python: {python}"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as archive:
        archive.writestr(f"{dist}.dist-info/METADATA", "\n".join(lines) + "\n")


def test_missing_dependencies_are_found_for_the_target(tmp_path, bundler):
    _fake_wheel(tmp_path, "kaigiroku", "0.1.0", [
        "alpha>=1",
        'winonly; sys_platform == "win32"',
        'oldonly; python_version < "3.12"',
        "beta[extra]>=2",
    ])
    _fake_wheel(tmp_path, "alpha", "1.5", [])
    _fake_wheel(tmp_path, "beta", "2.0", ['gamma; extra == "extra"', 'delta; extra == "other"'])
    windows = bundler.target_environment(["win_amd64"], "3.12")
    assert bundler.find_missing(tmp_path, windows, "3.12") == ["gamma", "winonly"]
    linux = bundler.target_environment(["manylinux2014_x86_64"], "3.11")
    assert bundler.find_missing(tmp_path, linux, "3.11") == ["gamma", "oldonly"]
    _fake_wheel(tmp_path, "gamma", "1.0", [])
    _fake_wheel(tmp_path, "winonly", "1.0", [])
    assert bundler.find_missing(tmp_path, windows, "3.12") == []


def test_a_wheel_for_another_python_is_reported(tmp_path, bundler):
    _fake_wheel(tmp_path, "kaigiroku", "0.1.0", ["alpha"])
    _fake_wheel(tmp_path, "alpha", "1.0", [], python=">=3.13")
    with pytest.raises(bundler.BundleError, match="alpha-1.0"):
        bundler.find_missing(tmp_path, bundler.target_environment(["win_amd64"], "3.12"), "3.12")


def test_a_version_that_does_not_fit_is_reported(tmp_path, bundler):
    _fake_wheel(tmp_path, "kaigiroku", "0.1.0", ["alpha>=2"])
    _fake_wheel(tmp_path, "alpha", "1.0", [])
    assert bundler.find_missing(tmp_path, None, None) == ["alpha>=2"]


def test_the_destination_must_be_empty(tmp_path, bundler, capsys):
    dest = tmp_path / "bundle"
    dest.mkdir()
    (dest / "old.whl").write_bytes(b"")
    assert bundler.main(["--dest", str(dest)]) == 1
    assert "空のフォルダではありません" in capsys.readouterr().err
    assert sorted(path.name for path in dest.iterdir()) == ["old.whl"]


@pytest.mark.parametrize(
    "args",
    [
        ["--python-version", "3"],
        ["--python-version", "3.10"],
        ["--platform", "win_amd64", "--verify"],
        [],
    ],
)
def test_wrong_usage_exits_2(tmp_path, bundler, args, capsys):
    argv = args if not args else ["--dest", str(tmp_path / "b"), *args]
    with pytest.raises(SystemExit) as caught:
        bundler.main(argv)
    assert caught.value.code == 2
    assert not (tmp_path / "b").exists()
    capsys.readouterr()


WIN_BUNDLE_ENV = "KAIGIROKU_WIN_BUNDLE_DIR"


@pytest.mark.skipif(
    not os.environ.get(WIN_BUNDLE_ENV),
    reason=f"{WIN_BUNDLE_ENV} is not set: build one with "
    "scripts/make_offline_bundle.py --dest DIR --platform win_amd64 --python-version 3.12 (.ci/run does)",
)
def test_a_windows_bundle_built_on_linux_installs_without_an_index(tmp_path):
    """pip, told it is a Windows Python 3.12 and given no index, finds everything in the bundle."""
    bundle = Path(os.environ[WIN_BUNDLE_ENV])
    wheels = sorted(path.name for path in bundle.glob("*.whl"))
    assert any(name.startswith("kaigiroku-") for name in wheels)
    for name in wheels:
        tags = name[:-4].split("-")[-3:]
        assert tags[2] in ("any", "win_amd64"), f"{name} is not for Windows"
    batch = (bundle / "install.bat").read_bytes()
    assert b"\r\n" in batch and b"\n" not in batch.replace(b"\r\n", b"")
    batch.decode("cp932")
    assert (bundle / "README.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(bundle),
         "--platform", "win_amd64", "--python-version", "3.12", "--only-binary=:all:",
         "--target", str(tmp_path / "target"), "--require-hashes", "-r", str(bundle / "requirements.txt")],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Would install" in done.stdout and "kaigiroku" in done.stdout
    assert "python-docx" in done.stdout and "lxml" in done.stdout  # Word output on Windows
    assert "docxtpl" in done.stdout  # and the city's own Word template


# -- the lock: the same wheels, byte for byte, in every bundle ----------------------------------


def test_the_lock_is_made_from_the_dependencies_pyproject_declares(bundler):
    made_from, entries = bundler.read_lock(REPO / "requirements.lock")
    declared = bundler.project_dependencies(REPO)
    assert made_from == declared, "pyproject.toml changed: run python scripts/make_offline_bundle.py --update-lock"
    locked = {entry.name: entry for entry in entries}
    for line in declared:
        requirement = Requirement(line)
        entry = locked[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(entry.version, prereleases=True), (line, entry.version)
    for entry in entries:
        assert entry.hashes and all(re.fullmatch(r"[0-9a-f]{64}", value) for value in entry.hashes), entry


def test_the_lock_reads_back_what_it_wrote(tmp_path, bundler):
    entries = [
        bundler.Locked("alpha", "1.0", None, ["a" * 64]),
        bundler.Locked("winonly", "2.1", 'sys_platform == "win32"', ["b" * 64, "c" * 64]),
    ]
    path = tmp_path / "requirements.lock"
    path.write_text(bundler.render_lock(["alpha>=1", "winonly"], entries), encoding="utf-8")
    made_from, read = bundler.read_lock(path)
    assert made_from == ["alpha>=1", "winonly"]
    assert read == entries
    windows = bundler.target_environment(["win_amd64"], "3.12")
    linux = bundler.target_environment(["manylinux2014_x86_64"], "3.12")
    assert [entry.name for entry in read if entry.wanted(windows)] == ["alpha", "winonly"]
    assert [entry.name for entry in read if entry.wanted(linux)] == ["alpha"]
    assert read[1].requirement_line() == f"winonly==2.1 --hash=sha256:{'b' * 64} --hash=sha256:{'c' * 64}"


def test_a_lock_line_without_a_pin_or_a_hash_is_refused(tmp_path, bundler):
    path = tmp_path / "requirements.lock"
    for line in ("alpha>=1 --hash=sha256:" + "a" * 64, "alpha==1"):
        path.write_text(line + "\n", encoding="utf-8")
        with pytest.raises(bundler.BundleError, match="--update-lock"):
            bundler.read_lock(path)


def test_a_package_only_some_targets_need_gets_a_marker(bundler):
    every = {(platform, python) for platform in bundler.LOCK_PLATFORMS for python in bundler.LOCK_PYTHONS}
    assert bundler.lock_marker(every) is None
    windows = {("win_amd64", python) for python in bundler.LOCK_PYTHONS}
    assert bundler.lock_marker(windows) == 'sys_platform == "win32"'
    old = {(platform, "3.11") for platform in bundler.LOCK_PLATFORMS}
    marker = bundler.lock_marker(old)
    for platform in bundler.LOCK_PLATFORMS:
        assert bundler.Locked("x", "1", marker, ["a" * 64]).wanted(bundler.target_environment([platform], "3.11"))
        assert not bundler.Locked("x", "1", marker, ["a" * 64]).wanted(bundler.target_environment([platform], "3.12"))


def test_a_bundle_without_a_lock_for_the_current_dependencies_is_refused(tmp_path, bundler, capsys):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "kaigiroku"\nversion = "0.1.0"\ndependencies = ["textual==8.2.8", "jinja2>=3"]\n',
        encoding="utf-8",
    )
    (project / "requirements.lock").write_text("# from: textual==8.2.8\n", encoding="utf-8")
    assert bundler.main(["--dest", str(tmp_path / "bundle"), "--project", str(project)]) == 1
    assert "--update-lock" in capsys.readouterr().err
    assert not (tmp_path / "bundle").exists()


@pytest.mark.skipif(
    not os.environ.get(BUNDLE_ENV),
    reason=f"{BUNDLE_ENV} is not set (.ci/run builds a bundle)",
)
def test_the_bundle_names_every_wheel_with_its_hash_and_pip_refuses_a_changed_one(tmp_path):
    bundle = Path(os.environ[BUNDLE_ENV])
    lines = (bundle / "requirements.txt").read_text(encoding="utf-8").splitlines()
    wheels = sorted(bundle.glob("*.whl"))
    assert len(lines) == len(wheels)
    named = {}
    for line in lines:
        spec, *hashes = line.split(" --hash=sha256:")
        name, version = spec.split("==")
        named[(canonicalize_name(name), version)] = set(hashes)
    for wheel in wheels:
        name, version, _, _ = parse_wheel_filename(wheel.name)
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() in named[(canonicalize_name(name), str(version))], wheel.name

    # A wheel changed on the way (a bad USB stick, a planted file): pip installs nothing.
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    textual = next(copy.glob("textual-*.whl"))
    textual.write_bytes(textual.read_bytes() + b"\0")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(copy),
         "--ignore-installed", "--target", str(tmp_path / "target"), "--require-hashes", "-r", str(copy / "requirements.txt")],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=300,
    )
    assert done.returncode != 0
    assert "HASHES" in done.stderr and "textual" in done.stderr


AGAIN_ENV = "KAIGIROKU_BUNDLE_AGAIN_DIR"


@pytest.mark.skipif(
    not (os.environ.get(BUNDLE_ENV) and os.environ.get(AGAIN_ENV)),
    reason=f"{BUNDLE_ENV} and {AGAIN_ENV} name two bundles built from the same source (.ci/run builds them)",
)
def test_two_bundles_of_the_same_source_are_the_same_bytes():
    def digests(folder: Path) -> dict[str, str]:
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}

    assert digests(Path(os.environ[BUNDLE_ENV])) == digests(Path(os.environ[AGAIN_ENV]))
