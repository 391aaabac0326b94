"""Kill the real app with SIGKILL at random moments, many times over one data folder.

``kaigiroku --data-dir D open ID`` runs in a tmux pane (:mod:`tests.e2e.tmux`);
Japanese text is pasted (``tmux paste-buffer``, as an IME or the clipboard
delivers it), Enter is pressed, and at a random moment the app's process gets
``SIGKILL`` — no handler, no cleanup, no flush, like a pulled plug for the
process (the kernel still holds what was written, so this is a process
crash, not a power cut; fsync before rename is checked in
``tests/unit/test_storage_atomic.py``). Then the app is started again on the
same folder, and again, for a bounded number of cycles with seeded randomness
(``KAIGIROKU_CRASH_SEED`` replays a run; the seed is in every failure message).

What "pressed before the kill" means, observably
------------------------------------------------
A key is not pressed for the app until the app has read and handled it: a key
still in the terminal's buffer when the process dies was never seen by it. The
app acknowledges an Enter by showing the entry in the log, and it shows an
entry only *after* the entry is written to disk (atomically, fsynced). So:

* every entry whose echo appeared in the log before the kill (*acknowledged*)
  must be on disk afterwards, exactly once, with exactly its text, in order;
* an entry whose Enter was sent but whose echo was not yet seen (the kill came
  right after the key) may be on disk or not — but if it is, it is whole and
  exact, and never out of order;
* the draft of the entry bar is acknowledged when ``drafts/<ID>.json`` holds
  it (the app writes it 0.5 s after typing stops); an acknowledged draft must
  come back in the entry bar after the restart. A draft killed before that
  may come back or not, but only as text that really was in the bar;
* after every cycle, and at the end, every file in the data folder reads:
  the library, the meeting, every backup, the draft (and ``list`` and
  ``export`` in all three formats answer with status 0).

Edits of the log are records of the same journal: a second test makes a
deletion, a move, a change of speaker, a changed roll-call vote and an undo
through their keys, each acknowledged by the log showing it, kills the app
(sometimes with one more deletion racing the kill), and checks that the
meeting read back, and the app reopened on it, hold every edit exactly.
"""

from __future__ import annotations

import json
import os
import random
import shlex
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from minutes.model import Vote
from tests.conftest import base_env, last_word, run_command
from tests.e2e.tmux import Tmux, tmux_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tmux_available(), reason="tmux is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux and SIGKILL need a POSIX system"),
]

SCRIPT = Path(sys.executable).parent / "kaigiroku"
#: Replays a run: the seed of the random kill moments and texts.
SEED = int(os.environ.get("KAIGIROKU_CRASH_SEED", "20220315"))
#: How many kill cycles at most, and the wall-time budget for them (the e2e suite stays short).
CYCLES = int(os.environ.get("KAIGIROKU_CRASH_CYCLES", "20"))
BUDGET_SECONDS = float(os.environ.get("KAIGIROKU_CRASH_BUDGET", "60"))
#: Fewer cycles than this within the budget means the machine is far too slow to say anything.
MIN_CYCLES = 6
START_TIMEOUT = 30
ECHO_TIMEOUT = 15
#: The border title of the entry bar: everything above it is the header and the panes.
BAR_TITLE = "入力 (Enter"

FRAGMENTS = [
    "ただいまから会議を開会します。",
    "資料1について、事務局から説明をお願いします。",
    "個人情報の取扱いについて質問します。",
    "「公文書管理条例」の改正案、",
    "ご異議ございませんか。",
    "（「異議なし」の声あり）",
    "承認とします。",
    "１点目、調査項目の回答方法を教えてください。",
    "が(か＋゛)、㈱、髙﨑、〜、—、𠮷野家",
    "[b]太字ではない[/b] と **強調ではない** 文字。",
]


@dataclass
class Sent:
    """One entry whose Enter was sent: its text, and whether its echo was seen before the kill."""

    text: str
    acked: bool = False


@dataclass
class Ledger:
    """What the test did to the meeting, in order; what must (and may) be on disk."""

    sent: list[Sent] = field(default_factory=list)
    #: Texts that were in the entry bar during the cycle that was killed (a restored draft must be one).
    bar_texts: list[str] = field(default_factory=list)
    #: The draft the app acknowledged (written to drafts/) right before the kill, if any.
    acked_draft: str | None = None
    kills: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def marker_of(text: str) -> str:
    """The unique head of one of our texts: ``【03-2】``."""
    return text[: text.index("】") + 1]


def make_text(rng: random.Random, cycle: int, number: int) -> str:
    body = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 3)))
    return f"【{cycle:02d}-{number}】{body}"


def split_screen(screen: str) -> tuple[str, str]:
    """(the panes above the entry bar, the entry bar and below)."""
    lines = screen.splitlines()
    for index, line in enumerate(lines):
        if BAR_TITLE in line:
            return "\n".join(lines[:index]), "\n".join(lines[index:])
    return screen, ""


# -- the data folder, read as the test's own process sees it ---------------------------


def read_draft(data_dir: Path, meeting_id: str) -> str | None:
    from storage.drafts import read_draft as read

    return read(data_dir / "drafts" / f"{meeting_id}.json")


def our_entries(data_dir: Path, meeting_id: str) -> list[str]:
    """The texts of the entries this test added (they start with 【), in log order."""
    from storage import DataDir

    meeting = DataDir(data_dir).load_meeting(meeting_id)
    texts = []
    for item in meeting.agenda:
        for entry in item.log:
            text = getattr(entry, "text", None)
            if text is not None and text.startswith("【"):
                texts.append(text)
    return texts


def embeds(on_disk: list[str], sent: list[Sent]) -> bool:
    """True if ``on_disk`` is ``sent`` in order with only unacknowledged entries left out.

    (The same text can be sent twice: a draft that was saved just before its
    Enter was handled comes back and is committed again.)
    """
    memo: dict[tuple[int, int], bool] = {}

    def fits(i: int, j: int) -> bool:
        if (i, j) in memo:
            return memo[i, j]
        if i == len(on_disk):
            result = all(not s.acked for s in sent[j:])
        elif j == len(sent):
            result = False
        else:
            result = (sent[j].text == on_disk[i] and fits(i + 1, j + 1)) or (not sent[j].acked and fits(i, j + 1))
        memo[i, j] = result
        return result

    return fits(0, 0)


def check_ledger(on_disk: list[str], ledger: Ledger, context: str) -> None:
    """Every acknowledged entry on disk, exactly, in order; nothing on disk that was not sent."""
    if embeds(on_disk, ledger.sent):
        return
    acked = [s.text for s in ledger.sent if s.acked]
    lost = [text for text in acked if text not in on_disk]
    unknown = [text for text in on_disk if text not in {s.text for s in ledger.sent}]
    raise AssertionError(
        f"{context}: the entries on disk do not match what was sent.\n"
        f"acknowledged but missing: {lost}\non disk but never sent (garbled?): {unknown}\n"
        f"on disk: {on_disk}\nsent: {[(s.text, s.acked) for s in ledger.sent]}"
    )


def check_every_file_reads(data_dir: Path, meeting_id: str, context: str) -> None:
    """The library, the meeting, every backup and the draft read back; no half-written file."""
    from storage import DataDir
    from storage.backups import _check_member
    from storage.drafts import decode_draft
    from storage.meetings import meeting_from_bytes

    datadir = DataDir(data_dir)
    rows = datadir.list_meetings()
    assert [row["id"] for row in rows] == [meeting_id], f"{context}: the library lists {rows}"
    datadir.load_meeting(meeting_id)
    _check_member("library.json", (data_dir / "library.json").read_bytes())
    backups = datadir.backups.list_backups(meeting_id)
    assert backups, f"{context}: no backup of the meeting was ever taken"
    for backup in backups:
        meeting_from_bytes(backup.read_bytes(), backup)
    draft = data_dir / "drafts" / f"{meeting_id}.json"
    if draft.exists():
        decode_draft(draft.read_bytes())
    info = data_dir / "lock.info"
    if info.exists():  # left by a killed copy; it is written atomically, so it reads
        assert isinstance(json.loads(info.read_text(encoding="utf-8")), dict)


# -- one run of the app ---------------------------------------------------------------


class App:
    """The app in a tmux pane; the pane's process is the app itself (``exec``)."""

    def __init__(self, data_dir: Path, meeting_id: str, env: dict[str, str], cwd: Path) -> None:
        command = f"exec {shlex.quote(str(SCRIPT))} --data-dir {shlex.quote(str(data_dir))} open {meeting_id}"
        self.term = Tmux(command, env=env, cwd=cwd)

    def __enter__(self) -> App:
        self.term.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.term.kill_server()

    def kill(self) -> None:
        pid = self.term.pane_pid
        assert pid is not None, "tmux did not say the pane's process id"
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            cmdline = b"kaigiroku"  # already gone (or no /proc): the kill below is harmless
        assert b"kaigiroku" in cmdline, f"the pane's process is not kaigiroku: {cmdline!r}"
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        status = self.term.wait_for_exit(timeout=15)
        assert status in (-signal.SIGKILL, None), f"killed app ended with {status} ({self.term.last_info})"

    def wait_ready(self) -> str:
        screen = self.term.wait_for([BAR_TITLE, "発言"], timeout=START_TIMEOUT)
        screen = self.term.wait_stable(quiet=0.3, timeout=5)
        assert "Traceback" not in screen, screen
        assert "読み取り専用" not in screen, f"the lock of the killed copy was not taken over:\n{screen}"
        return screen

    def bar(self) -> str:
        return split_screen(self.term.capture())[1]

    def commit(self, text: str, ledger: Ledger) -> None:
        """Paste ``text``, press Enter, wait for its echo in the log (then it is acknowledged)."""
        sent = self.paste(text, ledger)
        self.enter(sent, ledger)
        self.wait_echo(sent)

    def paste(self, text: str, ledger: Ledger) -> Sent:
        ledger.bar_texts.append(text)
        self.term.paste(text)
        marker = marker_of(text)
        self.term.wait_until(lambda screen: marker in split_screen(screen)[1], timeout=ECHO_TIMEOUT,
                             what=f"{marker} in the entry bar")
        return Sent(text)

    def enter(self, sent: Sent, ledger: Ledger) -> None:
        ledger.sent.append(sent)
        self.term.send_keys("Enter")

    def wait_echo(self, sent: Sent) -> None:
        marker = marker_of(sent.text)
        self.term.wait_until(
            lambda screen: marker in split_screen(screen)[0] and marker not in split_screen(screen)[1],
            timeout=ECHO_TIMEOUT,
            what=f"the echo of {marker} in the log",
        )
        sent.acked = True


def restored_draft(app: App, ledger: Ledger, context: str) -> str | None:
    """The text the restarted app put back in the entry bar (checked against what was typed)."""
    if ledger.acked_draft is not None:
        marker = marker_of(ledger.acked_draft)
        app.term.wait_until(lambda screen: marker in split_screen(screen)[1], timeout=ECHO_TIMEOUT,
                            what=f"the acknowledged draft {marker} back in the entry bar")
    bar = app.bar()
    shown = [text for text in ledger.bar_texts if marker_of(text) in bar]
    if "【" in bar and not shown:
        raise AssertionError(f"{context}: the entry bar holds text that was never typed:\n{bar}")
    if ledger.acked_draft is not None:
        assert shown == [ledger.acked_draft], f"{context}: expected the draft {ledger.acked_draft!r} back:\n{bar}"
    return shown[-1] if shown else None


def run_cycle(app: App, rng: random.Random, cycle: int, ledger: Ledger, data_dir: Path, meeting_id: str) -> str:
    """Type, maybe commit, and kill at a random moment; returns the kind of kill."""
    kind = rng.choices(
        ["start", "after_echo", "draft_acked", "draft_racing", "enter_racing"],
        weights=[1, 2, 3, 2, 3],
    )[0]
    if kind == "start":
        # Killed while starting: taking the lock, the backup on open, the first paint.
        time.sleep(rng.uniform(0.0, 0.9))
        app.kill()
        return kind

    app.wait_ready()
    context = f"cycle {cycle} (seed {SEED})"
    draft = restored_draft(app, ledger, context)
    ledger.bar_texts = []
    ledger.acked_draft = None
    if draft is not None:
        # The restored draft is committed as it came back: its text on disk proves it exact.
        ledger.bar_texts.append(draft)
        sent = Sent(draft)
        app.enter(sent, ledger)
        app.wait_echo(sent)

    for number in range(rng.randint(0, 3)):
        app.commit(make_text(rng, cycle, number), ledger)

    if kind == "after_echo":
        time.sleep(rng.uniform(0.0, 0.3))
    elif kind == "draft_acked":
        text = make_text(rng, cycle, 8)
        app.paste(text, ledger)
        deadline = time.monotonic() + ECHO_TIMEOUT
        while read_draft(data_dir, meeting_id) != text:
            assert time.monotonic() < deadline, f"{context}: the draft was never saved"
            time.sleep(0.02)
        ledger.acked_draft = text
        time.sleep(rng.uniform(0.0, 0.2))
    elif kind == "draft_racing":
        app.paste(make_text(rng, cycle, 8), ledger)
        time.sleep(rng.uniform(0.0, 0.8))  # the draft is written 0.5 s after typing stops
    elif kind == "enter_racing":
        sent = app.paste(make_text(rng, cycle, 9), ledger)
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0.4, 0.7))  # let the draft be written, sometimes
        app.enter(sent, ledger)
        time.sleep(rng.choice([0.0, 0.005, 0.01, 0.02, 0.05]))  # kill while the Enter is (maybe) being handled
    app.kill()
    return kind


# -- the test ---------------------------------------------------------------------------


@pytest.fixture
def script() -> Path:
    if not SCRIPT.exists():
        pytest.skip(f"no console script at {SCRIPT}")
    return SCRIPT


def test_sigkill_at_random_moments_loses_nothing_acknowledged(script, data_dir, home, workdir):
    env = base_env(home)
    code, out, err = run_command([str(script), "--data-dir", str(data_dir), "demo", "--no-open"], env=env, cwd=workdir)
    assert code == 0, err
    meeting_id = last_word(out)
    code, before_json, err = run_command(
        [str(script), "--data-dir", str(data_dir), "export", meeting_id, "--format", "json"], env=env, cwd=workdir
    )
    assert code == 0, err

    rng = random.Random(SEED)
    ledger = Ledger()
    started = time.monotonic()
    cycles = 0
    while cycles < CYCLES and time.monotonic() - started < BUDGET_SECONDS:
        cycles += 1
        context = f"after kill {cycles} (seed {SEED})"
        with App(data_dir, meeting_id, env, workdir) as app:
            try:
                kind = run_cycle(app, rng, cycles, ledger, data_dir, meeting_id)
            except AssertionError as error:
                raise AssertionError(f"cycle {cycles} (seed {SEED}): {error}") from None
        ledger.kills[kind] = ledger.kills.get(kind, 0) + 1
        check_ledger(our_entries(data_dir, meeting_id), ledger, context)
        check_every_file_reads(data_dir, meeting_id, context)
        if kind != "start":
            ledger.notes.append(kind)
    assert cycles >= MIN_CYCLES, f"only {cycles} cycles in {BUDGET_SECONDS}s: the machine is too slow to judge"

    # A last, clean run: the draft comes back, and ctrl+q ends the app normally.
    with App(data_dir, meeting_id, env, workdir) as app:
        app.wait_ready()
        draft = restored_draft(app, ledger, "the last run")
        if draft is not None:
            sent = Sent(draft)
            app.enter(sent, ledger)
            app.wait_echo(sent)
        app.term.send_keys("C-q")
        status = app.term.wait_for_exit(timeout=15)
        assert status == 0, f"the app ended with {status}:\n{app.term.capture()}"

    on_disk = our_entries(data_dir, meeting_id)
    check_ledger(on_disk, ledger, "at the end")
    assert sum(sent.acked for sent in ledger.sent) >= cycles // 2, "too few entries were acknowledged to judge"
    check_every_file_reads(data_dir, meeting_id, "at the end")
    leftovers = [p for p in data_dir.rglob(".*.tmp")]
    assert not leftovers, f"temporary files left after a clean run: {leftovers}"
    assert not (data_dir / "lock.info").exists(), "a clean exit removes lock.info"

    # The command line reads everything, in every format.
    code, listed, err = run_command([str(script), "--data-dir", str(data_dir), "list"], env=env, cwd=workdir)
    assert code == 0 and listed.startswith(meeting_id), err
    for fmt in ("text", "markdown", "json"):
        code, exported, err = run_command(
            [str(script), "--data-dir", str(data_dir), "export", meeting_id, "--format", fmt], env=env, cwd=workdir
        )
        assert code == 0, f"export --format {fmt}: {err}"
        if fmt == "text":
            for text in on_disk:
                assert text in exported
    after = json.loads(exported)
    before = json.loads(before_json)
    for item in after["agenda"]:
        item["log"] = [entry for entry in item["log"] if not str(entry.get("text", "")).startswith("【")]
    assert after == before, "the meeting changed beyond the entries typed in this test"
    print(f"\ncrash test: seed {SEED}, {cycles} kills {ledger.kills}, "
          f"{len(ledger.sent)} entries sent, {sum(s.acked for s in ledger.sent)} acknowledged, "
          f"{len(on_disk)} on disk, {time.monotonic() - started:.1f}s")


# -- edits of the log, then the kill ----------------------------------------------------
#
# An edit (a deletion, a move, a change of speaker, a changed vote, an undo) is one
# record appended to the meeting's journal, like an entry; the app shows the edit only
# after that record is fsynced. So an edit seen on the screen before the kill must be in
# the meeting afterwards, exactly, and one whose key was sent just before the kill is
# there whole or not at all.

#: The markers of the entries typed for the edits, in the order they are typed.
EDITED = ["【E-1】", "【E-2】", "【E-3】", "【E-4】"]
#: The demo's chair (F2, and who speaks when the meeting opens) and what F5 makes a speech.
CHAIR = ("p1", None)
SECRETARIAT = (None, "事務局")


def log_pane(screen: str) -> list[str]:
    """The lines of the panes above the entry bar (the log among them)."""
    return split_screen(screen)[0].splitlines()


def line_of(screen: str, marker: str) -> str | None:
    """The line of the panes that shows ``marker`` (an entry's first line), if one does."""
    return next((line for line in log_pane(screen) if marker in line), None)


def order_on_screen(screen: str) -> list[str]:
    """The markers of :data:`EDITED` in the order the log shows them."""
    text = split_screen(screen)[0]
    return sorted((marker for marker in EDITED if marker in text), key=text.index)


def select_from_last(app: App, steps: int) -> None:
    """Back to the entry bar, then the log with its last entry selected, then ``steps`` entries up."""
    # Escape on its own: a terminal sends it as a lone ESC, which read together with the
    # next key would make one alt+key of both.
    app.term.send_keys("Escape")
    app.term.wait_until(lambda screen: "^e 時刻" not in screen, what="the entry bar focused")
    app.term.send_keys("C-l")
    app.term.wait_for("^e 時刻")  # the log has the focus, an entry selected
    if steps:
        app.term.send_keys(*["Up"] * steps)
        # F2–F9 are the screen's priority keys: the app takes one as it arrives, before the
        # log has handled the arrow keys queued for it. The selection shows only in the
        # colours, so the screen is read with them until it stops changing.
        app.term.wait_stable(quiet=0.3, escapes=True)


def test_sigkill_after_edits_of_the_log_keeps_every_edit_seen(script, data_dir, home, workdir):
    env = base_env(home)
    code, out, err = run_command([str(script), "--data-dir", str(data_dir), "demo", "--no-open"], env=env, cwd=workdir)
    assert code == 0, err
    meeting_id = last_word(out)
    rng = random.Random(SEED)
    from storage import DataDir
    from storage.journal import journal_path, read_records

    before = DataDir(data_dir).load_meeting(meeting_id)
    item_index = 3  # the demo opens on its last item with entries (その他): new entries go there
    original = list(before.agenda[item_index].log)
    raced = None

    with App(data_dir, meeting_id, env, workdir) as app:
        app.wait_ready()
        ledger = Ledger()
        for marker in EDITED:
            app.commit(f"{marker}編集のための発言です。", ledger)
        # A roll-call vote, all 承認, after them (F12, then Enter in the vote pane).
        app.term.send_keys("F12")
        app.term.wait_for("Enter 記録")
        app.term.send_keys("Enter")
        app.term.wait_for("採決　承認5・不承認0・保留0")
        # The log is now: the demo's 3 speeches, E-1, E-2, E-3, E-4, the vote.

        # Delete E-2 (up from the vote: E-4, E-3, E-2).
        select_from_last(app, 3)
        app.term.send_keys("DC")
        app.term.wait_until(lambda s: "【E-2】" not in split_screen(s)[0], what="E-2 deleted from the log")
        # Move E-4 above E-3.
        select_from_last(app, 1)
        app.term.send_keys("C-Up")
        app.term.wait_until(lambda s: order_on_screen(s) == ["【E-1】", "【E-4】", "【E-3】"], what="E-4 moved above E-3")
        # E-1 said by the secretariat (F5), not the chair (up from the vote: E-3, E-4, E-1).
        select_from_last(app, 3)
        app.term.send_keys("F5")
        app.term.wait_until(lambda s: "事務局" in (line_of(s, "【E-1】") or ""), what="E-1 given to 事務局")
        # The vote changed: its first voter 不承認.
        select_from_last(app, 0)
        app.term.send_keys("Enter")
        app.term.wait_for("Enter 記録")
        app.term.send_keys("Right", "Enter")
        app.term.wait_for("採決　承認4・不承認1・保留0")
        # E-3 given to the secretariat, then ctrl+z: back to the chair.
        select_from_last(app, 1)
        app.term.send_keys("F5")
        app.term.wait_until(lambda s: "事務局" in (line_of(s, "【E-3】") or ""), what="E-3 given to 事務局")
        app.term.send_keys("C-z")
        app.term.wait_until(lambda s: "会長" in (line_of(s, "【E-3】") or ""), what="E-3 back to the chair (undo)")

        # Every edit is in the journal, not yet in the meeting file: the kill leaves them there.
        records = read_records(journal_path(DataDir(data_dir).meeting_path(meeting_id)))
        assert sum(record.get("op") == "splice" for record in records) >= 6, records
        # One more edit raced against the kill: E-3 deleted, its key sent just before.
        if rng.random() < 0.5:
            select_from_last(app, 1)
            app.term.send_keys("DC")
            raced = "【E-3】"
            time.sleep(rng.choice([0.0, 0.005, 0.01, 0.02, 0.05]))
        app.kill()

    def check(meeting, context: str) -> None:
        log = meeting.agenda[item_index].log
        assert log[: len(original)] == original, f"{context}: the demo's own entries changed"
        ours = log[len(original) :]
        texts = [marker_of(entry.text) for entry in ours[:-1]]
        allowed = [["【E-1】", "【E-4】", "【E-3】"]]
        if raced:
            allowed.append(["【E-1】", "【E-4】"])  # the raced deletion may or may not have been saved
        assert texts in allowed, f"{context}: our entries are {texts}, expected one of {allowed}"
        speakers = {marker_of(entry.text): (entry.speaker_id, entry.label) for entry in ours[:-1]}
        assert speakers["【E-1】"] == SECRETARIAT, f"{context}: E-1's speaker {speakers['【E-1】']}"
        assert speakers["【E-4】"] == CHAIR, f"{context}: E-4's speaker {speakers['【E-4】']}"
        if "【E-3】" in speakers:
            assert speakers["【E-3】"] == CHAIR, f"{context}: the undone change of E-3's speaker {speakers['【E-3】']}"
        vote = ours[-1]
        assert isinstance(vote, Vote), f"{context}: the last entry is {vote!r}, not the vote"
        assert sorted(vote.ballots.values()) == ["不承認", "承認", "承認", "承認", "承認"], vote.ballots
        assert vote.result == "承認"
        for other_index, item in enumerate(meeting.agenda):
            if other_index != item_index:
                assert item.log == before.agenda[other_index].log, f"{context}: item {other_index} changed"

    # Read back as every reader reads it (the file, then the journal replayed over it).
    check(DataDir(data_dir).load_meeting(meeting_id), "after the kill")
    check_every_file_reads(data_dir, meeting_id, "after the kill")

    # Reopened: the app shows every edit, and a clean exit folds the journal into the file.
    with App(data_dir, meeting_id, env, workdir) as app:
        screen = app.wait_ready()
        assert "【E-2】" not in split_screen(screen)[0]
        assert order_on_screen(screen) in (["【E-1】", "【E-4】", "【E-3】"], ["【E-1】", "【E-4】"]), screen
        assert "事務局" in line_of(screen, "【E-1】"), screen
        assert "採決　承認4・不承認1・保留0" in screen, screen
        app.term.send_keys("C-q")
        assert app.term.wait_for_exit(timeout=15) == 0
    assert not journal_path(DataDir(data_dir).meeting_path(meeting_id)).exists()
    check(DataDir(data_dir).load_meeting(meeting_id), "after the reopened app closed")
