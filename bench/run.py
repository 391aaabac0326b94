"""kaigiroku's benchmark: each figure against a baseline taken in the same run.

::

    python bench/run.py                 # build the data (once per run), measure, print the table
    python bench/run.py --quick         # fewer runs and keys (about half the time)
    python bench/run.py --json          # ... and one JSON object on the last line
    python bench/run.py --data DIR      # build the data in DIR once and reuse it afterwards
    python bench/run.py --only open_1k_ratio,commit   # some figures only

See ``bench/README.md`` for what each figure means and how it is measured.
The benchmark is not a test: it never fails on a missed target (exit status 0
unless something broke); the table says OK or NG.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for path in (str(HERE), str(REPO)):
    if path not in sys.path:
        sys.path.insert(0, path)

import benchdata  # noqa: E402
import ptyrun  # noqa: E402
from baseline_app import MARKER as BASELINE_MARKER  # noqa: E402

PYTHON = sys.executable
BASELINE = [PYTHON, str(HERE / "baseline_app.py")]
BASELINE_EXITING = [*BASELINE, "--exit-after-first-frame"]

#: The keys of the JSON object, in order, and their targets (value ≤ target).
TARGETS: dict[str, float] = {
    "open_1k_ratio": 1.5,
    "open_10k_ratio": 2.0,
    "commit_p50_ms_10k": float("nan"),  # no target of its own (the p99 has one)
    "commit_p99_ms_10k": 16.0,
    "echo_ratio_10k": 1.2,
    "scroll_ratio_10k": 1.2,
    "export_1k_ratio": 0.6,
    "rss_10k_ratio": 1.5,
    "library_1k_open_ratio": 1.5,
    "search_1k_ms": 200.0,
    "edit_p99_ms_10k": 16.0,
    "day_rss_growth_ratio": 1.1,
}

#: Figure groups (what ``--only`` accepts besides the keys).
GROUPS = {
    "open": ["open_1k_ratio", "open_10k_ratio", "rss_10k_ratio"],
    "commit": ["commit_p50_ms_10k", "commit_p99_ms_10k"],
    "echo": ["echo_ratio_10k"],
    "scroll": ["scroll_ratio_10k"],
    "export": ["export_1k_ratio"],
    "library": ["library_1k_open_ratio"],
    "search": ["search_1k_ms"],
    "edit": ["edit_p99_ms_10k"],
    "day": ["day_rss_growth_ratio"],
}


@dataclass
class Figure:
    key: str
    label: str
    value: float | None
    """The figure reported under ``key`` (a ratio, or milliseconds)."""
    measured: str = ""
    """The measured quantity, for the table (``0.82 s``)."""
    baseline: str = ""
    unit: str = ""
    note: str = ""

    @property
    def target(self) -> float:
        return TARGETS[self.key]

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        if self.target != self.target:  # NaN: no target
            return "-"
        return "OK" if self.value <= self.target else "NG"


@dataclass
class Settings:
    runs: int
    commits: int
    edits: int
    day_meetings: int
    echo_keys: int
    scroll_keys: int
    settle: float
    quick: bool
    log: Callable[[str], None] = print
    extra_rows: list[tuple[str, str]] = field(default_factory=list)


def median(values: list[float]) -> float:
    return statistics.median(values)


def _fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _fmt_mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def kaigiroku_command() -> list[str]:
    script = Path(PYTHON).parent / "kaigiroku"
    if script.exists():
        return [str(script)]
    return [PYTHON, "-m", "tui.cli"]


# -- whole-process figures (measured from outside, in a pty) ------------------------------


def alternate(measured: Callable[[], ptyrun.Run], baseline: Callable[[], ptyrun.Run], runs: int, log, what: str):
    """Run measured, baseline, measured, baseline … (after one discarded warm-up of each)."""
    measured()
    baseline()
    ours: list[ptyrun.Run] = []
    theirs: list[ptyrun.Run] = []
    for index in range(runs):
        # Alternate which goes first too, so neither always follows the other.
        pair = (measured, baseline) if index % 2 == 0 else (baseline, measured)
        for function in pair:
            run = function()
            (ours if function is measured else theirs).append(run)
        log(f"    {what} {index + 1}/{runs}: {ours[-1].seconds * 1000:.0f} ms vs {theirs[-1].seconds * 1000:.0f} ms")
    return ours, theirs


def cpu_row(settings: Settings, what: str, ours: list[ptyrun.Run], theirs: list[ptyrun.Run]) -> str:
    """Add a row comparing CPU time (less sensitive to a busy machine than wall time); return it."""
    app = [run.cpu_seconds for run in ours if run.cpu_seconds is not None]
    bare = [run.cpu_seconds for run in theirs if run.cpu_seconds is not None]
    if not app or not bare or not median(bare):
        return ""
    text = f"{_fmt_s(median(app))} vs {_fmt_s(median(bare))}, ratio {median(app) / median(bare):.2f}"
    settings.extra_rows.append((f"{what}, CPU time", text))
    return f"; CPU time {text}"


def bare_first_frame(settings: Settings) -> ptyrun.Run:
    return ptyrun.first_frame(BASELINE, [BASELINE_MARKER], settle=settings.settle, cwd=str(REPO))


def figure_open(manifest: dict, size: str, settings: Settings) -> tuple[Figure, list[ptyrun.Run], list[ptyrun.Run]]:
    data_dir = manifest["data_dir"]
    meeting_id = manifest["ids"][size]
    argv = [*kaigiroku_command(), "--data-dir", data_dir, "open", meeting_id]
    markers = ["発言", manifest["bodies"][size]]
    ours, theirs = alternate(
        lambda: ptyrun.first_frame(argv, markers, settle=settings.settle, cwd=str(REPO)),
        lambda: bare_first_frame(settings),
        settings.runs,
        settings.log,
        f"open {size}",
    )
    app_s = median([run.seconds for run in ours])
    bare_s = median([run.seconds for run in theirs])
    key = {"e1k": "open_1k_ratio", "e10k": "open_10k_ratio"}[size]
    count = manifest["sizes"][size]
    cpu = cpu_row(settings, f"open {count:,} to first frame", ours, theirs)
    figure = Figure(
        key,
        f"open a {count:,}-entry meeting, to first frame",
        app_s / bare_s,
        _fmt_s(app_s),
        _fmt_s(bare_s),
        note=f"kaigiroku open: {_fmt_s(app_s)} (median of {len(ours)}), bare Textual app: {_fmt_s(bare_s)}{cpu}",
    )
    return figure, ours, theirs


def figure_rss(ours: list[ptyrun.Run], theirs: list[ptyrun.Run]) -> Figure:
    app_kib = median([run.peak_rss_kib for run in ours if run.peak_rss_kib])
    bare_kib = median([run.peak_rss_kib for run in theirs if run.peak_rss_kib])
    return Figure(
        "rss_10k_ratio",
        "peak memory, 10,000-entry meeting open",
        app_kib / bare_kib,
        _fmt_mib(app_kib),
        _fmt_mib(bare_kib),
        note=f"VmHWM {_fmt_mib(app_kib)} vs the bare app's {_fmt_mib(bare_kib)}",
    )


def figure_library(manifest: dict, settings: Settings) -> Figure:
    argv = [*kaigiroku_command(), "--data-dir", manifest["data_dir"]]
    markers = ["会議の一覧", manifest["newest_row"]["body"]]
    ours, theirs = alternate(
        lambda: ptyrun.first_frame(argv, markers, settle=settings.settle, cwd=str(REPO)),
        lambda: bare_first_frame(settings),
        settings.runs,
        settings.log,
        "library",
    )
    app_s = median([run.seconds for run in ours])
    bare_s = median([run.seconds for run in theirs])
    cpu = cpu_row(settings, "start screen to first frame", ours, theirs)
    return Figure(
        "library_1k_open_ratio",
        f"start screen, {manifest['library_size']:,} meetings, to first frame",
        app_s / bare_s,
        _fmt_s(app_s),
        _fmt_s(bare_s),
        note=f"kaigiroku (start screen): {_fmt_s(app_s)}, bare app: {_fmt_s(bare_s)}{cpu}",
    )


def figure_export(manifest: dict, settings: Settings, scratch: Path) -> Figure:
    argv = [
        *kaigiroku_command(),
        "--data-dir",
        manifest["data_dir"],
        "export",
        manifest["ids"]["e1k"],
        "--format",
        "markdown",
    ]
    output = scratch / "export.md"
    ours, theirs = alternate(
        lambda: ptyrun.plain(argv, output=output),
        lambda: ptyrun.until_exit(BASELINE_EXITING, cwd=str(REPO), expect=BASELINE_MARKER),
        settings.runs,
        settings.log,
        "export 1k",
    )
    if output.stat().st_size < 10_000:
        raise RuntimeError("the export wrote almost nothing")
    app_s = median([run.seconds for run in ours])
    bare_s = median([run.seconds for run in theirs])
    cpu = cpu_row(settings, "export, whole process", ours, theirs)
    return Figure(
        "export_1k_ratio",
        "export 1,000 entries to Markdown, whole process",
        app_s / bare_s,
        _fmt_s(app_s),
        _fmt_s(bare_s),
        note=f"kaigiroku export: {_fmt_s(app_s)}, bare app start to exit: {_fmt_s(bare_s)}{cpu}",
    )


# -- keystroke figures (measured inside the app, with Pilot) -------------------------------


def scratch_copy(manifest: dict, scratch: Path) -> Path:
    """A fresh copy of the data folder (the in-app runs write drafts, entries and backups)."""
    target = scratch / f"data-{time.monotonic_ns()}"
    shutil.copytree(
        manifest["data_dir"],
        target,
        ignore=shutil.ignore_patterns("backups", "drafts", "lock", "lock.info", "*.tmp"),
    )
    return target


def inapp(figure: str, data_dir: Path, meeting_id: str, count: int, extra: list[str] | None = None) -> dict:
    argv = [
        PYTHON,
        str(HERE / "inapp.py"),
        figure,
        "--data-dir",
        str(data_dir),
        "--meeting",
        meeting_id,
        "--count",
        str(count),
        *(extra or []),
    ]
    completed = subprocess.run(argv, capture_output=True, text=True, cwd=str(REPO), timeout=900)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def alternate_inapp(
    figure: str, manifest: dict, measured: str, baseline: str, count: int, settings: Settings, scratch: Path
) -> tuple[list[dict], list[dict]]:
    ours: list[dict] = []
    theirs: list[dict] = []
    for index in range(settings.runs):
        order = (measured, baseline) if index % 2 == 0 else (baseline, measured)
        for size in order:
            folder = scratch_copy(manifest, scratch)
            try:
                result = inapp(figure, folder, manifest["ids"][size], count)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            (ours if size == measured else theirs).append(result)
        settings.log(
            f"    {figure} {index + 1}/{settings.runs}: median {median(ours[-1]['samples_ms']):.2f} ms"
            f" vs {median(theirs[-1]['samples_ms']):.2f} ms"
        )
    return ours, theirs


def inapp_runs(figure: str, key: str, manifest: dict, settings: Settings, scratch: Path, count: int) -> list[dict]:
    """N runs of an in-app figure in the 10,000-entry meeting, a fresh copy of the data each."""
    results = []
    for run in range(settings.runs):
        folder = scratch_copy(manifest, scratch)
        try:
            result = inapp(figure, folder, manifest["ids"]["e10k"], count)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        one = result[key]
        settings.log(f"    {figure} {run + 1}/{settings.runs}: p50 {one['p50']:.1f} ms, p99 {one['p99']:.1f}, max {one['max']:.1f}")
        results.append(result)
    return results


def figure_commit(manifest: dict, settings: Settings, scratch: Path) -> list[Figure]:
    # N runs (a fresh copy of the data each), their commits pooled: the p99 of one run of
    # 200 is its 3rd slowest commit, and moves with one or two slow frames.
    from inapp import summary

    results = inapp_runs("commit", "shown_ms", manifest, settings, scratch, settings.commits)
    shown = summary([value for result in results for value in result["samples_ms"]])
    saved = {key: median([result["saved_ms"][key] for result in results]) for key in ("p50", "p99", "max")}
    per_run = ", ".join(f"{result['shown_ms']['p99']:.1f}" for result in results)
    library = manifest["library_size"]
    detail = (
        f"{shown['n']} commits in {len(results)} runs; shown p50 {shown['p50']:.1f} ms, p90 {shown['p90']:.1f},"
        f" p99 {shown['p99']:.1f}, max {shown['max']:.1f} (p99 of each run: {per_run});"
        f" saved (write returned, median of the runs) p50 {saved['p50']:.1f} ms, p99 {saved['p99']:.1f},"
        f" max {saved['max']:.1f}"
    )
    settings.log(f"    commit: {detail}")
    settings.extra_rows.append(("commit, Enter to saved (p50 / p99 / max)", f"{saved['p50']:.1f} / {saved['p99']:.1f} / {saved['max']:.1f} ms"))
    settings.extra_rows.append(("commit, Enter to shown (max; p99 of each run)", f"{shown['max']:.1f} ms; {per_run}"))
    cpus = [result.get("cpu_ms") for result in results if result.get("cpu_ms", {}).get("n")]
    if cpus:
        cpu = {key: median([one[key] for one in cpus]) for key in ("p50", "p99")}
        settings.extra_rows.append(
            ("commit, CPU time Enter to shown (p50 / p99)", f"{cpu['p50']:.1f} / {cpu['p99']:.1f} ms")
        )
        detail += f"; CPU time p50 {cpu['p50']:.1f} ms, p99 {cpu['p99']:.1f}"
    return [
        Figure(
            "commit_p50_ms_10k",
            f"commit, Enter to on disk and drawn, 10k entries ({library:,} meetings), p50",
            shown["p50"],
            f"{shown['p50']:.1f} ms",
            unit="ms",
            note=detail,
        ),
        Figure(
            "commit_p99_ms_10k",
            "commit, p99",
            shown["p99"],
            f"{shown['p99']:.1f} ms",
            unit="ms",
            note=detail,
        ),
    ]


def figure_edit(manifest: dict, settings: Settings, scratch: Path) -> Figure:
    """p99 of a mix of edits (delete, move, speaker, vote change, undo) by their keys, median of the runs' p99."""
    from inapp import EDIT_KINDS, summary

    results = inapp_runs("edit", "edit_ms", manifest, settings, scratch, settings.edits)
    p99s = [result["edit_ms"]["p99"] for result in results]
    value = median(p99s)
    pooled = summary([value for result in results for value in result["samples_ms"]])
    by_kind = ", ".join(
        f"{kind} {median([r['by_kind'][kind]['p50'] for r in results]):.1f}/{median([r['by_kind'][kind]['p99'] for r in results]):.1f}"
        for kind in EDIT_KINDS
    )
    cpu = {key: median([r["cpu_ms"][key] for r in results]) for key in ("p50", "p99")}
    cpu_kinds = ", ".join(f"{kind} {median([r['cpu_by_kind'][kind]['p50'] for r in results]):.1f}" for kind in EDIT_KINDS)
    detail = (
        f"{pooled['n']} edits in {len(results)} runs (each kind in turn); p99 of each run: "
        f"{', '.join(f'{v:.1f}' for v in p99s)}; pooled p50 {pooled['p50']:.1f} ms, p99 {pooled['p99']:.1f};"
        f" per kind p50/p99 {by_kind}; CPU time p50 {cpu['p50']:.1f} ms, p99 {cpu['p99']:.1f} (p50 per kind: {cpu_kinds})"
    )
    settings.log(f"    edit: {detail}")
    settings.extra_rows.append(("edit, p50 / p99 per kind (ms)", by_kind))
    settings.extra_rows.append(("edit, CPU time key to shown (p50 / p99)", f"{cpu['p50']:.1f} / {cpu['p99']:.1f} ms; p50 per kind {cpu_kinds}"))
    return Figure(
        "edit_p99_ms_10k",
        "edit (delete, move, speaker, vote, undo), key to on disk and drawn, 10k entries, p99",
        value,
        f"{value:.1f} ms",
        unit="ms",
        note=detail,
    )


def figure_day(manifest: dict, settings: Settings, scratch: Path) -> Figure:
    """RSS after the 50th meeting closed over RSS after the first, in one process; median of the runs."""
    prepared = scratch / "day"
    shutil.copytree(
        manifest["data_dir"], prepared, ignore=shutil.ignore_patterns("backups", "drafts", "lock", "lock.info", "*.tmp")
    )
    completed = subprocess.run(
        [PYTHON, str(HERE / "inapp.py"), "day-data", "--data-dir", str(prepared), "--meeting", manifest["ids"]["e1k"],
         "--count", str(settings.day_meetings)],
        capture_output=True, text=True, cwd=str(REPO), timeout=900,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"day-data failed:\n{completed.stderr[-3000:]}")
    ids = completed.stdout.strip().splitlines()[-1]
    results = []
    try:
        for run in range(settings.runs):
            folder = scratch / f"day-{run}"
            shutil.copytree(prepared, folder)
            try:
                result = inapp("day", folder, manifest["ids"]["e1k"], settings.day_meetings, ["--meetings", ids])
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            rss = result["rss_kib"]
            settings.log(f"    day {run + 1}/{settings.runs}: {_fmt_mib(rss[0])} after the first, {_fmt_mib(rss[-1])} after the last: {result['growth_ratio']:.3f}")
            results.append(result)
    finally:
        shutil.rmtree(prepared, ignore_errors=True)
    ratios = [result["growth_ratio"] for result in results]
    value = median(ratios)
    first = median([result["rss_kib"][0] for result in results])
    last = median([result["rss_kib"][-1] for result in results])
    detail = (
        f"{settings.day_meetings} meetings of 1,000 entries opened from the list and closed, in one process;"
        f" ratios {', '.join(f'{r:.3f}' for r in ratios)}; RSS after the first {_fmt_mib(first)}, after the last {_fmt_mib(last)}"
    )
    settings.log(f"    day: {detail}")
    return Figure(
        "day_rss_growth_ratio",
        f"memory after {settings.day_meetings} meetings (1,000 entries) opened and closed, over after the first",
        value,
        _fmt_mib(last),
        _fmt_mib(first),
        note=detail,
    )


def _ratio_figure(key: str, label: str, ours: list[dict], theirs: list[dict], what: str) -> Figure:
    app_ms = median([median(run["samples_ms"]) for run in ours])
    bare_ms = median([median(run["samples_ms"]) for run in theirs])
    count = sum(len(run["samples_ms"]) for run in ours)
    return Figure(
        key,
        label,
        app_ms / bare_ms,
        f"{app_ms:.2f} ms",
        f"{bare_ms:.2f} ms",
        note=f"{what}: {app_ms:.2f} ms vs {bare_ms:.2f} ms (median of {len(ours)} runs' medians, {count} keys each side)",
    )


def figure_echo(manifest: dict, settings: Settings, scratch: Path) -> Figure:
    ours, theirs = alternate_inapp("echo", manifest, "e10k", "empty", settings.echo_keys, settings, scratch)
    return _ratio_figure(
        "echo_ratio_10k", "echo of a key in the entry bar, 10k entries over empty", ours, theirs, "key to echo"
    )


def figure_scroll(manifest: dict, settings: Settings, scratch: Path) -> Figure:
    ours, theirs = alternate_inapp("scroll", manifest, "e10k", "e100", settings.scroll_keys, settings, scratch)
    rows = (ours[0].get("log_rows"), theirs[0].get("log_rows"))
    settings.extra_rows.append(("scroll, log lines 10k / 100", f"{rows[0]:,} / {rows[1]:,}"))
    return _ratio_figure(
        "scroll_ratio_10k", "page-down in the log, per key, 10k entries over 100", ours, theirs, "page-down"
    )


# -- search ------------------------------------------------------------------------------------

#: The word searched: in many speeches of many meetings (the demo's sentences are about it).
SEARCH_WORD = "個人情報"


def search_once(data_dir: str, word: str) -> dict | None:
    """One search across the library, as the search screen runs it; ``None`` while there is no search.

    The search screen warms the search's cache when it opens, then searches
    as the clerk types; the figure is that search (``warm_ms``). The first
    search of a fresh cache (``cold_ms``) is reported beside it.
    """
    from storage import DataDir

    if not callable(getattr(DataDir, "search", None)):
        return None
    cold_dir = DataDir(data_dir)
    started = time.perf_counter()
    cold = cold_dir.search(word)
    cold_ms = (time.perf_counter() - started) * 1000
    warm_dir = DataDir(data_dir)
    if callable(getattr(warm_dir, "warm_search", None)):
        warm_dir.warm_search()
    started = time.perf_counter()
    warm = warm_dir.search(word)
    warm_ms = (time.perf_counter() - started) * 1000
    hits = len(getattr(warm, "hits", []) or [])
    del cold
    return {"cold_ms": cold_ms, "warm_ms": warm_ms, "hits": hits}


def figure_search(manifest: dict, settings: Settings) -> Figure:
    runs: list[dict] = []
    for _ in range(settings.runs):
        # A fresh process each time: a cold search reads every file, as the first one of a session does.
        completed = subprocess.run(
            [PYTHON, str(HERE / "run.py"), "--search-once", manifest["data_dir"]],
            capture_output=True,
            text=True,
            cwd=str(REPO),
            timeout=300,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"the search failed:\n{completed.stderr[-3000:]}")
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        if result is None:
            return Figure(
                "search_1k_ms",
                f"search across {manifest['library_size']:,} meetings",
                None,
                "—",
                note="not implemented",
            )
        runs.append(result)
    warm = median([run["warm_ms"] for run in runs])
    cold = median([run["cold_ms"] for run in runs])
    settings.extra_rows.append(("search, first of a session (cold cache)", f"{cold:.0f} ms"))
    return Figure(
        "search_1k_ms",
        f"search across {manifest['library_size']:,} meetings (warm cache)",
        warm,
        f"{warm:.0f} ms",
        unit="ms",
        note=(
            f"DataDir.search('{SEARCH_WORD}'), {runs[0]['hits']} hits: {warm:.0f} ms with the cache warmed"
            f" (as the search screen does on opening), {cold:.0f} ms cold; drawing the results is not included"
        ),
    )


# -- the report --------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            total_kib = int(handle.readline().split()[1])
            memory = f", {total_kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        from importlib.metadata import version

        textual = version("textual")
        tinydb = version("tinydb")
    except Exception:  # pragma: no cover
        textual = tinydb = "?"
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()};"
        f" Python {platform.python_version()}, Textual {textual}, TinyDB {tinydb}"
    )


def load_average() -> str:
    """The 1-minute load average (other work on the machine makes wall times noisy)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover
        return "?"


def source_state() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "unknown"


def _target_text(key: str) -> str:
    target = TARGETS[key]
    if target != target:
        return "-"
    if key.endswith("_ms") or "_ms_" in key:
        return f"≤ {target:g} ms"
    return f"≤ {target:g}"


def table(figures: list[Figure], settings: Settings) -> str:
    headers = ("figure", "key", "value", "baseline", "ratio", "target", "")
    rows = []
    for figure in figures:
        ratio = "-" if figure.unit == "ms" or figure.value is None else f"{figure.value:.2f}"
        rows.append(
            (
                figure.label,
                figure.key,
                figure.measured or "-",
                figure.baseline or "-",
                ratio,
                _target_text(figure.key),
                figure.verdict,
            )
        )

    from rich.cells import cell_len

    widths = [max(cell_len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells) -> str:
        return "  ".join(str(cell) + " " * (widths[i] - cell_len(str(cell))) for i, cell in enumerate(cells)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    if settings.extra_rows:
        out.append("")
        out.append("more (no target):")
        out += [f"  {name}: {value}" for name, value in settings.extra_rows]
    return "\n".join(out)


def markdown_table(figures: list[Figure]) -> str:
    out = ["| figure | key | value | baseline | ratio | target | |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for figure in figures:
        ratio = "-" if figure.unit == "ms" or figure.value is None else f"{figure.value:.2f}"
        out.append(
            f"| {figure.label} | `{figure.key}` | {figure.measured or '-'} | {figure.baseline or '-'} | {ratio} |"
            f" {_target_text(figure.key)} | {figure.verdict} |"
        )
    return "\n".join(out)


def selected(only: str | None) -> set[str]:
    if not only:
        return set(TARGETS)
    keys: set[str] = set()
    for word in only.split(","):
        word = word.strip()
        if word in GROUPS:
            keys.update(GROUPS[word])
        elif word in TARGETS:
            keys.add(word)
        elif word:
            raise SystemExit(f"--only: unknown figure {word!r} (keys: {', '.join(TARGETS)}; groups: {', '.join(GROUPS)})")
    return keys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kaigiroku's benchmark (see bench/README.md)")
    parser.add_argument("--quick", action="store_true", help="3 runs a figure and fewer keys")
    parser.add_argument("--runs", type=int, help="runs of each command and its baseline (default 5, --quick 3)")
    parser.add_argument("--data", metavar="DIR", help="build the data here once and reuse it (default: a temp folder)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown too (for the README)")
    parser.add_argument("--only", metavar="KEYS", help="comma-separated keys or groups: " + ", ".join(GROUPS))
    parser.add_argument("--commits", type=int, help="commits measured (default 200, --quick 60)")
    parser.add_argument("--search-once", metavar="DATA_DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.search_once:
        print(json.dumps(search_once(args.search_once, SEARCH_WORD)))
        return 0

    quick = args.quick
    settings = Settings(
        runs=args.runs or (3 if quick else 5),
        commits=args.commits or (60 if quick else 200),
        edits=60 if quick else 100,
        day_meetings=50,
        echo_keys=30 if quick else 60,
        scroll_keys=40 if quick else 100,
        settle=0.3,
        quick=quick,
        log=lambda text: print(text, file=sys.stderr, flush=True),
    )
    keys = selected(args.only)
    log = settings.log
    started = time.perf_counter()
    load_before = load_average()
    temp = Path(tempfile.mkdtemp(prefix="kaigiroku-bench-"))
    # An installed kaigiroku has its bytecode compiled (pip does it), like Textual's: let the
    # measured processes cache theirs too (outside the work tree), whatever this shell says.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(temp / "pycache")
    try:
        data_folder = Path(args.data).resolve() if args.data else temp / "built"
        manifest = benchdata.load_or_build(data_folder, log=log)
        scratch = temp / "scratch"
        scratch.mkdir()
        log(
            f"data: {manifest['data_dir']} (10k meeting file {manifest['file_bytes']['e10k'] / 1e6:.1f} MB,"
            f" library {manifest['library_size']} meetings)"
        )
        figures: dict[str, Figure] = {}

        def step(name: str) -> None:
            log(f"[{time.perf_counter() - started:5.0f}s] {name}")

        if {"open_1k_ratio"} & keys:
            step("open 1k")
            figures["open_1k_ratio"], _, _ = figure_open(manifest, "e1k", settings)
        if {"open_10k_ratio", "rss_10k_ratio"} & keys:
            step("open 10k (and peak memory)")
            figure, ours, theirs = figure_open(manifest, "e10k", settings)
            if "open_10k_ratio" in keys:
                figures["open_10k_ratio"] = figure
            if "rss_10k_ratio" in keys:
                figures["rss_10k_ratio"] = figure_rss(ours, theirs)
        if "library_1k_open_ratio" in keys:
            step("start screen with the library")
            figures["library_1k_open_ratio"] = figure_library(manifest, settings)
        if "export_1k_ratio" in keys:
            step("export 1k to Markdown")
            figures["export_1k_ratio"] = figure_export(manifest, settings, scratch)
        if {"commit_p50_ms_10k", "commit_p99_ms_10k"} & keys:
            step(f"commit x{settings.commits} in the 10k meeting, {settings.runs} runs")
            for figure in figure_commit(manifest, settings, scratch):
                if figure.key in keys:
                    figures[figure.key] = figure
        if "echo_ratio_10k" in keys:
            step("echo")
            figures["echo_ratio_10k"] = figure_echo(manifest, settings, scratch)
        if "scroll_ratio_10k" in keys:
            step("scroll")
            figures["scroll_ratio_10k"] = figure_scroll(manifest, settings, scratch)
        if "search_1k_ms" in keys:
            step("search")
            figures["search_1k_ms"] = figure_search(manifest, settings)
        if "edit_p99_ms_10k" in keys:
            step(f"edit x{settings.edits} in the 10k meeting, {settings.runs} runs")
            figures["edit_p99_ms_10k"] = figure_edit(manifest, settings, scratch)
        if "day_rss_growth_ratio" in keys:
            step(f"a day: {settings.day_meetings} meetings opened and closed, {settings.runs} runs")
            figures["day_rss_growth_ratio"] = figure_day(manifest, settings, scratch)
        elapsed = time.perf_counter() - started
        step("done")
    finally:
        shutil.rmtree(temp, ignore_errors=True)

    load_after = load_average()
    ordered = [figures[key] for key in TARGETS if key in figures]
    now = datetime.now().astimezone()
    header = (
        f"kaigiroku benchmark  {now:%Y-%m-%d %H:%M %z}  source {source_state()}\n"
        f"machine: {machine()}\n"
        f"runs: {settings.runs} per figure (medians), {settings.commits} commits,"
        f" {settings.echo_keys} echo keys and {settings.scroll_keys} page-downs per run; {elapsed:.0f} s;"
        f" load average {load_before} before, {load_after} after ({os.cpu_count()} cores)"
    )
    print(header)
    print()
    print(table(ordered, settings))
    if args.markdown:
        print()
        print(markdown_table(ordered))
    if args.json:
        result: dict[str, object] = {}
        for key in TARGETS:
            figure = figures.get(key)
            result[key] = None if figure is None or figure.value is None else round(figure.value, 4)
        notes = {key: figures[key].note for key in TARGETS if key in figures and figures[key].note}
        notes["source"] = source_state()
        notes["runs"] = settings.runs
        notes["elapsed_s"] = round(elapsed)
        notes["load_average"] = f"{load_before} before, {load_after} after"
        result["machine"] = machine()
        result["date"] = now.date().isoformat()
        result["notes"] = notes
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
