"""Helpers shared by the storage tests (``test_storage_*.py``), and checks of the helpers.

They live here until they move to ``tests/conftest.py``: a small meeting with
every kind of entry, a fake clock, fault injection for atomic writes, and a
child process that holds a data folder's lock.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from minutes import interchange
from minutes.model import Item, Meeting, Person, Speech, Vote
from storage import atomic

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh, empty data folder (the same as the conftest fixture of that name)."""
    path = tmp_path / "data"
    path.mkdir(mode=0o700)
    return path


def make_meeting() -> Meeting:
    """A small meeting: people of every group, a speech of each speaker kind, a vote, その他."""
    return Meeting(
        body="小平市情報公開・個人情報保護・公文書管理審議会",
        date="2022-03-15",
        start="17:30",
        end=None,
        place="市役所3階 庁議室",
        fiscal_year=2021,
        session=3,
        serial=54,
        people=[
            Person(id="p1", name="昼間守仁", group="委員", title="会長", reading="ひるまもりひと"),
            Person(id="p2", name="大川強", group="委員", title="副会長"),
            Person(id="p3", name="村千鶴子", group="委員", title="委員"),
            Person(id="p4", name="欠席太郎", group="委員", title="委員", present=False),
            Person(id="s1", name="飯田", group="事務局", title="係長", department="総務課"),
        ],
        agenda=[
            Item(
                id="a1",
                title="市民アンケート調査における個人情報の目的外利用について",
                kind="諮問",
                departments=["資源循環課"],
                log=[
                    Speech(text="議事の1番目の諮問です。\n担当課から説明をお願いします。", speaker_id="p1"),
                    Speech(text="それでは、資料1を御覧ください。", label="資源循環課", time="17:35:10"),
                    Speech(text="1点目、[b]太字[/b]のような文字もそのまま。", label="委員"),
                    Vote(ballots={"p2": "承認", "p3": "承認"}, result="承認", time="18:10:05"),
                ],
            ),
            Item(id="a9", section="その他", title="その他", log=[Speech(text="特になし。", label="事務局")]),
        ],
        extra={"memo": "内部メモ", "n": [1, 2]},
    )


def uids(meeting: Meeting) -> list[str]:
    """Every entry's internal uid, in order."""
    return [entry.uid for _, entry in meeting.entries()]


class FakeClock:
    """A clock for the backups: starts at 2026-01-01 12:00 UTC, moves only when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Boom(Exception):
    """The failure injected into a write."""


def fail_at(monkeypatch: pytest.MonkeyPatch, step: str, error: BaseException | None = None) -> None:
    """Make every atomic write fail right after ``step``."""

    def hook(current: str) -> None:
        if current == step:
            raise error if error is not None else Boom(step)

    monkeypatch.setattr(atomic, "_fault_hook", hook)


def child_env() -> dict[str, str]:
    """The environment of a child Python that imports this repository."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


HOLDER_SCRIPT = textwrap.dedent(
    """
    import sys
    from storage.lock import DataDirLock
    lock = DataDirLock(sys.argv[1])
    lock.acquire()
    print("locked", flush=True)
    sys.stdin.readline()          # hold the lock until told (or killed)
    lock.release()
    print("released", flush=True)
    """
)


def start_holder(root: Path) -> subprocess.Popen:
    """A child process that takes ``root``'s lock and holds it until its stdin gets a line."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    line = child.stdout.readline()
    if line.strip() != "locked":
        child.kill()
        raise AssertionError(f"the lock holder did not start: {line!r} {child.stderr.read()}")
    return child


def snapshot(folder: Path) -> dict[str, str] | None:
    """Every file and folder under ``folder``: relative path → SHA-256 ('<dir>' for folders)."""
    folder = Path(folder)
    if not folder.exists():
        return None
    tree: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        tree[key] = "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return tree


# -- checks of the helpers ---------------------------------------------------------


def test_the_sample_meeting_is_valid_in_the_interchange_format():
    meeting = make_meeting()
    data = interchange.meeting_to_dict(meeting)
    again = interchange.meeting_from_dict(data, "sample")
    assert interchange.meeting_to_dict(again) == data


def test_snapshot_sees_a_changed_byte(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_bytes(b"one")
    before = snapshot(tmp_path)
    (tmp_path / "a" / "f").write_bytes(b"onE")
    assert snapshot(tmp_path) != before
    assert snapshot(tmp_path / "missing") is None


def test_fake_clock_moves_only_when_told():
    clock = FakeClock()
    first = clock()
    assert clock() == first
    clock.advance(minutes=5)
    assert clock() - first == timedelta(minutes=5)
