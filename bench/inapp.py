"""Keystroke figures, measured inside the app with Pilot (``App.run_test``).

::

    python bench/inapp.py commit --data-dir D --meeting ID [--count N]
    python bench/inapp.py echo   --data-dir D --meeting ID [--count N]
    python bench/inapp.py scroll --data-dir D --meeting ID [--count N]

Each prints one JSON object on its last line: the samples in milliseconds and
a few facts for the diagnosis. ``bench/run.py`` runs these in fresh processes
(one process per sample set, so that no run inherits another's memory).

How a sample is taken: the key event is put on the app's queue the way
Pilot does (``driver.send_message(events.Key(...))``) and the clock starts
then. Every frame the screen produces goes through ``App._display``, which
is wrapped here: in a headless app Textual skips turning the frame into
terminal bytes, so the wrapper does that step itself
(``CompositorUpdate.render_segments``: the frame as the terminal would
receive it) and stops the clock at the end of the first frame that shows what
the key should have produced:

* ``commit``: the entry bar holds a speech that starts with a unique tag
  (``#c0042``); Enter; the clock stops at the first frame whose bytes hold
  the tag (the new entry is drawn in the log). ``saved_ms`` is the time to the
  return of the store's save (``MeetingStore.save_item``, the atomic rewrite,
  or ``append_entry``, the journal's fsynced line, where the store has it),
  and after each sample the meeting file or its journal is checked to hold
  the tag. ``cpu_ms`` is the process's CPU time over the same window (less
  sensitive to a busy machine; waiting for the disk is not in it).
* ``echo``: a letter typed in the entry bar; the clock stops at the first
  frame whose bytes hold everything typed so far (the bar is emptied every
  20 letters, outside the clock).
* ``scroll``: page-down in the log (focused with ctrl+l), from its top down
  to its end, then from the top again (the jump back is outside the clock);
  each page shows lines not drawn before, until the log wraps (a 100-entry
  log has about 23 pages, a 10,000-entry one about 2,000); the clock stops at the first frame drawn
  after the log reached the new position. Textual's scroll animation (about
  0.6 s a page, the same at any size) is off (``app.animation_level =
  "none"``) unless ``--animated``: the figure is what a page costs, and each
  frame of an animation costs the same.

The keys are spaced (``--gap``) so that each sample starts from an idle app,
like a clerk's keystrokes, not a flood (``edit``: the gap also comes between
the selection, made by code, and the timed key).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

SIZE = (120, 36)


class Window:
    """Profiles only the timed windows (key sent to frame shown) with cProfile, when asked."""

    profile = None

    @classmethod
    def start(cls) -> None:
        if cls.profile is not None:
            cls.profile.enable()

    @classmethod
    def stop(cls) -> None:
        if cls.profile is not None:
            cls.profile.disable()


class FrameWatch:
    """Wraps ``app._display``: renders each frame to terminal bytes and checks a condition on it."""

    def __init__(self, app) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.frames = 0
        self.frame_seconds = 0.0
        self._condition = None
        self._event = asyncio.Event()
        self.seen_at: float | None = None
        self.cpu_at: float | None = None
        original = app._display

        def display(screen, renderable) -> None:
            started = time.perf_counter()
            original(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                text = renderable.render_segments(app.console)
            else:  # pragma: no cover - Textual only sends compositor updates today
                text = str(renderable)
            now = time.perf_counter()
            self.frames += 1
            self.frame_seconds += now - started
            if self._condition is not None and self._condition(text):
                self.seen_at = now
                self.cpu_at = time.process_time()
                self._condition = None
                self._event.set()

        app._display = display

    def expect(self, condition) -> None:
        self._condition = condition
        self.seen_at = None
        self._event.clear()

    async def wait(self, timeout: float = 60.0) -> float:
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        finally:
            Window.stop()
        assert self.seen_at is not None
        return self.seen_at


def _send_key(app, key: str, char: str | None) -> None:
    from textual import events

    Window.start()
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def _ready(app, pilot, timeout: float = 120.0):
    """Wait until the meeting screen is up with its log laid out; return the screen."""
    from screens.meeting import MeetingScreen

    deadline = time.perf_counter() + timeout
    while True:
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, MeetingScreen) and screen.log_view.row_count > 0 or (
            isinstance(screen, MeetingScreen) and screen.meeting.entry_count() == 0 and screen.is_mounted
        ):
            await pilot.pause(0.2)
            return screen
        if time.perf_counter() > deadline:
            raise TimeoutError("the meeting screen did not come up")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": statistics.median(values) if values else None,
        "p90": _percentile(values, 0.90) if values else None,
        "p99": _percentile(values, 0.99) if values else None,
        "max": max(values) if values else None,
        "mean": statistics.fmean(values) if values else None,
    }


def on_disk(path: Path, tag: str) -> bool:
    """True if the meeting file, or a file beside it of the same meeting (its journal), holds ``tag``."""
    needle = tag.encode()
    files = sorted(path.parent.glob(f"{path.stem}*"), key=lambda p: p.stat().st_size)
    return any(needle in candidate.read_bytes() for candidate in files if candidate.is_file())


def time_saves(store) -> list[float]:
    """The moments the store's saves return, appended as they do (the caller clears the list).

    ``append_entry`` and ``save_change`` are the journal's fsynced record;
    ``save_item`` rewrites the whole file.
    """
    saved_at: list[float] = []

    def timed(method):
        def wrapper(*args, **kwargs):
            result = method(*args, **kwargs)
            saved_at.append(time.perf_counter())
            return result

        return wrapper

    for name in ("save_change", "save_item", "append_entry"):
        if callable(getattr(store, name, None)):
            setattr(store, name, timed(getattr(store, name)))
    return saved_at


async def measure_commit(app, count: int, gap: float) -> dict:
    from textual import events

    from benchdata import TextMaker

    rng = random.Random(7)
    maker = TextMaker(rng)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ready(app, pilot)
        watch = FrameWatch(app)
        store = screen.store
        assert store is not None, "the meeting opened read-only (is another kaigiroku using the folder?)"
        saved_at = time_saves(store)
        shown_ms: list[float] = []
        saved_ms: list[float] = []
        cpu_ms: list[float] = []
        entries_before = screen.meeting.entry_count()
        for number in range(count):
            tag = f"#c{number:04d}"
            text = f"{tag} {maker.speech_text()}"
            app.post_message(events.Paste(text))
            await pilot.pause()
            if screen.bar.text != text:
                raise RuntimeError("the entry bar did not take the pasted text")
            saved_at.clear()
            watch.expect(lambda frame, tag=tag: tag in frame)
            cpu_started = time.process_time()
            started = time.perf_counter()
            _send_key(app, "enter", "\r")
            seen = await watch.wait()
            shown_ms.append((seen - started) * 1000)
            cpu_ms.append((watch.cpu_at - cpu_started) * 1000)
            if saved_at:
                saved_ms.append((saved_at[0] - started) * 1000)
            await pilot.pause()
            if not on_disk(store.path, tag):
                raise RuntimeError(f"{tag} was shown but is not in {store.path} (nor beside it)")
            await asyncio.sleep(gap)
        entries_after = screen.meeting.entry_count()
        file_bytes = store.path.stat().st_size
        frames = watch.frames
    return {
        "figure": "commit",
        "samples_ms": shown_ms,
        "shown_ms": summary(shown_ms),
        "saved_ms": summary(saved_ms),
        "cpu_ms": summary(cpu_ms),
        "entries_before": entries_before,
        "entries_after": entries_after,
        "file_bytes_after": file_bytes,
        "frames": frames,
    }


async def measure_echo(app, count: int, gap: float) -> dict:
    letters = "kaigirokubenchmarkechotest"
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ready(app, pilot)
        watch = FrameWatch(app)
        samples: list[float] = []
        typed = ""
        for number in range(count):
            if number % 20 == 0:
                screen.bar.set_text("")
                await pilot.pause(0.05)
                typed = ""
            char = letters[number % len(letters)]
            typed += char
            watch.expect(lambda frame, typed=typed: typed in frame)
            started = time.perf_counter()
            _send_key(app, char, char)
            seen = await watch.wait()
            samples.append((seen - started) * 1000)
            await pilot.pause()
            if screen.bar.text != typed:
                raise RuntimeError(f"the entry bar holds {screen.bar.text!r}, not {typed!r}")
            await asyncio.sleep(gap)
        frames = watch.frames
        entries = screen.meeting.entry_count()
    return {"figure": "echo", "samples_ms": samples, "echo_ms": summary(samples), "entries": entries, "frames": frames}


async def measure_scroll(app, count: int, gap: float, animated: bool = False) -> dict:
    if not animated:
        # Textual animates a page-down over ~0.6 s whatever the log's size; without the
        # animation the figure is what a page costs (the animation's frames cost the same).
        app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ready(app, pilot)
        log = screen.log_view
        await pilot.press("ctrl+l")
        await pilot.pause()
        if app.focused is not log:
            raise RuntimeError("ctrl+l did not focus the log")
        watch = FrameWatch(app)
        animator = app.animator
        samples: list[float] = []
        frames_per_key: list[int] = []
        wraps = 0

        async def to_top() -> None:
            log.scroll_to(y=0, animate=False, force=True)
            await pilot.pause()
            await animator.wait_until_complete()
            await pilot.pause(0.05)
            if log.scroll_y != 0 or log.max_scroll_y <= 0:
                raise RuntimeError("the log cannot scroll (too short, or did not go back to the top)")

        await to_top()
        while len(samples) < count:
            # Page through the log from the top; at its end, back to the top (outside the clock).
            y0 = log.scroll_y
            if y0 >= log.max_scroll_y:
                wraps += 1
                await to_top()
                continue

            def arrived(frame: str, y0=y0) -> bool:
                return log.scroll_y != y0 and not animator.is_being_animated(log, "scroll_y")

            frames_before = watch.frames
            watch.expect(arrived)
            started = time.perf_counter()
            _send_key(app, "pagedown", None)
            seen = await watch.wait()
            samples.append((seen - started) * 1000)
            frames_per_key.append(watch.frames - frames_before)
            await pilot.pause()
            await asyncio.sleep(gap)
        rows = log.row_count
        height = log.scrollable_content_region.height
    return {
        "figure": "scroll",
        "samples_ms": samples,
        "scroll_ms": summary(samples),
        "frames_per_key": statistics.median(frames_per_key) if frames_per_key else None,
        "animated": animated,
        "log_rows": rows,
        "page_rows": height,
        "back_to_top": wraps,
    }


#: The edits of ``edit``, in turn: what a clerk does to the log after the fact.
EDIT_KINDS = ("delete", "move", "speaker", "vote", "undo")


async def measure_edit(app, count: int, gap: float, kinds: tuple[str, ...] = EDIT_KINDS) -> dict:
    """Edits of the log by their keys, each timed from the key to the first frame after the change is on disk."""
    from minutes.model import Speech, Vote
    from storage.meetings import load_meeting_readonly

    async with app.run_test(size=SIZE) as pilot:
        screen = await _ready(app, pilot)
        watch = FrameWatch(app)
        store = screen.store
        assert store is not None, "the meeting opened read-only (is another kaigiroku using the folder?)"
        log = screen.log_view
        saved_at = time_saves(store)
        meeting = screen.meeting
        item_index = max(range(len(meeting.agenda)), key=lambda i: len(meeting.agenda[i].log))
        item = meeting.agenda[item_index]

        async def select(index: int) -> None:
            if app.focused is not log:
                await pilot.press("ctrl+l")
            log.cursor = (item_index, index)
            await pilot.pause()

        samples: dict[str, list[float]] = {kind: [] for kind in kinds}
        cpu_by_kind: dict[str, list[float]] = {kind: [] for kind in kinds}
        all_ms: list[float] = []
        cpu_ms: list[float] = []
        changes_before = len(screen.editor.undo_stack) + len(screen.editor.redo_stack)
        for number in range(count):
            kind = kinds[number % len(kinds)]
            # Outside the clock: the selection on a speech in the middle of the longest item.
            middle = len(item.log) // 2 + (number % 40)
            speech = next(i for i in range(middle, len(item.log)) if isinstance(item.log[i], Speech))
            if kind == "vote":
                vote_at = next((i for i in range(len(item.log) - 1, -1, -1) if isinstance(item.log[i], Vote)), None)
                if vote_at is None:
                    raise RuntimeError("the meeting has no vote to change")
                await select(vote_at)
                await pilot.press("enter")  # the vote pane, editing this vote
                await pilot.press("right")  # one ballot changed
                await pilot.pause()
                key, char = "enter", "\r"
            elif kind == "undo":
                await select(speech)
                key, char = "ctrl+z", None
            else:
                await select(speech)
                key, char = {
                    "delete": ("delete", None),
                    "move": ("ctrl+down" if number % 2 else "ctrl+up", None),
                    "speaker": ("f2" if number % 2 else "f5", None),
                }[kind]
            entries = len(item.log)
            # The selection (and the vote pane's change) was made by code an instant ago and
            # its frame has just been drawn; Textual's frame timer then sleeps one to two
            # periods (up to 8.3 ms at 240 frames a second) before the next frame. A
            # clerk's key comes tens of milliseconds after the selection, not in that instant.
            await asyncio.sleep(gap)
            saved_at.clear()
            watch.expect(lambda frame: bool(saved_at))
            cpu_started = time.process_time()
            started = time.perf_counter()
            _send_key(app, key, char)
            seen = await watch.wait()
            elapsed = (seen - started) * 1000
            samples[kind].append(elapsed)
            all_ms.append(elapsed)
            cpu_ms.append((watch.cpu_at - cpu_started) * 1000)
            cpu_by_kind[kind].append(cpu_ms[-1])
            await pilot.pause()
            if kind == "delete" and len(item.log) != entries - 1:
                raise RuntimeError("Delete did not delete the selected entry")
        changes = len(screen.editor.undo_stack) + len(screen.editor.redo_stack) - changes_before
        on_disk = load_meeting_readonly(store.path)
        if [len(i.log) for i in on_disk.agenda] != [len(i.log) for i in meeting.agenda] or on_disk.agenda[item_index].log != item.log:
            raise RuntimeError("the meeting on disk is not the one on screen after the edits")
        entries_after = meeting.entry_count()
        frames = watch.frames
    return {
        "figure": "edit",
        "samples_ms": all_ms,
        "edit_ms": summary(all_ms),
        "by_kind": {kind: summary(values) for kind, values in samples.items()},
        "cpu_by_kind": {kind: summary(values) for kind, values in cpu_by_kind.items()},
        "cpu_ms": summary(cpu_ms),
        "changes": changes,
        "entries_after": entries_after,
        "frames": frames,
    }


def rss_kib() -> int:
    with open("/proc/self/status", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


async def measure_day(app, count: int, gap: float, meeting_ids: list[str]) -> dict:
    """Open and close ``count`` meetings in one process, from the list; RSS after each is closed."""
    from screens.meeting import MeetingScreen
    from screens.meeting_list import MeetingListScreen

    rss: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause()
            if isinstance(app.screen, MeetingListScreen):
                break
        await pilot.pause(0.3)
        start_rss = rss_kib()
        for number in range(count):
            app.open_meeting(meeting_ids[number % len(meeting_ids)])
            screen = await _ready(app, pilot)
            assert isinstance(screen, MeetingScreen)
            await pilot.press("alt+l")  # back to the list: the meeting is closed
            for _ in range(200):
                await pilot.pause()
                if isinstance(app.screen, MeetingListScreen) and not screen.is_attached:
                    break
            await pilot.pause(gap)
            rss.append(rss_kib())
    return {
        "figure": "day",
        "rss_kib": rss,
        "start_kib": start_rss,
        "growth_ratio": rss[-1] / rss[0],
        "meetings": count,
    }


def make_day_meetings(data_dir: Path, meeting_id: str, count: int) -> list[str]:
    """``count`` meetings like ``meeting_id`` (copies of its file under new ids), for ``day``."""
    from storage import DataDir

    datadir = DataDir(data_dir)
    ids = [meeting_id]
    with datadir.write_lock():
        meeting = datadir.load_meeting(meeting_id)
        for number in range(1, count):
            ids.append(datadir.add_meeting(meeting))
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("figure", choices=("commit", "echo", "scroll", "edit", "day", "day-data"))
    parser.add_argument("--meetings", help="day: the meetings to open, comma-separated (default: made by copying --meeting)")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--meeting", required=True)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--gap", type=float, default=None, help="seconds between keys (default 0.03; day: between meetings, 0.1)")
    parser.add_argument("--animated", action="store_true", help="scroll: keep Textual's scroll animation")
    parser.add_argument("--kinds", help="edit: the edits to make, in turn (default: " + ",".join(EDIT_KINDS) + ")")
    parser.add_argument("--profile", metavar="FILE", help="write a pyinstrument HTML profile of the session")
    parser.add_argument(
        "--cprofile", metavar="FILE", help="write a cProfile of the timed windows only (key to frame), as text"
    )
    args = parser.parse_args(argv)

    day_ids = None
    if args.figure == "day-data":
        print(",".join(make_day_meetings(Path(args.data_dir), args.meeting, args.count)))
        return 0
    if args.figure == "day":
        if args.meetings:
            day_ids = args.meetings.split(",")
        else:
            day_ids = make_day_meetings(Path(args.data_dir), args.meeting, args.count)
            import gc

            gc.collect()

    from tui.app import KaigirokuApp

    app = KaigirokuApp(Path(args.data_dir), None if args.figure == "day" else args.meeting)
    measure = {"commit": measure_commit, "echo": measure_echo, "scroll": measure_scroll, "edit": measure_edit}.get(args.figure)
    if args.figure == "scroll":
        measure = functools.partial(measure_scroll, animated=args.animated)
    if args.figure == "day":
        measure = functools.partial(measure_day, meeting_ids=day_ids)
    if args.figure == "edit" and args.kinds:
        measure = functools.partial(measure_edit, kinds=tuple(args.kinds.split(",")))
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="disabled")
        profiler.start()
    if args.cprofile:
        import cProfile

        Window.profile = cProfile.Profile()
    try:
        gap = args.gap if args.gap is not None else (0.1 if args.figure == "day" else 0.03)
        result = asyncio.run(measure(app, args.count, gap))
    finally:
        app.release()
        if Window.profile is not None:
            import io
            import pstats

            stream = io.StringIO()
            stats = pstats.Stats(Window.profile, stream=stream)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)
            Path(args.cprofile).write_text(stream.getvalue(), encoding="utf-8")
        if profiler is not None:
            profiler.stop()
            Path(args.profile).write_text(profiler.output_html(), encoding="utf-8")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
