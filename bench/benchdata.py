"""The benchmark's data: meetings of 0, 100, 1,000 and 10,000 entries in a library of 1,000 meetings.

Everything is written through the storage layer (``DataDir.add_meeting``
under ``write_lock()``), exactly as ``kaigiroku import`` would, so the files
are the app's own. The text is realistic Japanese council speech: sentences
taken from the demo meeting (the seed minutes), recombined into speeches of
20–400 characters, some of several paragraphs, with a vote about every 50
entries, spread over several agenda items.

The build is deterministic (a fixed random seed) apart from the meeting ids,
which :meth:`DataDir.new_meeting_id` draws. A manifest beside the data folder
records the ids and the strings the first frame of each screen shows, so a
built folder can be reused (``bench/run.py --data DIR``).

Layout of a built folder::

    DIR/manifest.json     what was built (ids, markers, sizes, version of this builder)
    DIR/data/             a kaigiroku data folder (library.json, meetings/…)
"""

from __future__ import annotations

import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from minutes.demo import load_demo_dict
from minutes.interchange import meeting_from_dict
from minutes.model import APPROVE, Item, Meeting, Person, Speech, Vote
from minutes.speakers import MEMBER_UNNAMED, SECRETARIAT, SpeakerRef

#: Bump when the data changes shape: a cached folder of another version is rebuilt.
BUILD_VERSION = 5  # 5: meeting files written one entry per line (storage.meetings.encode_meeting)

#: The sizes of the measured meetings (entries).
SIZES = {"empty": 0, "e100": 100, "e1k": 1_000, "e10k": 10_000}
#: Meetings in the library, the measured ones included.
LIBRARY_SIZE = 1_000

#: Bodies (会議体) of the measured meetings: distinctive strings for the first-frame markers.
MEASURED_BODIES = {
    "empty": "計測用空会議審議会",
    "e100": "計測用百件審議会",
    "e1k": "計測用千件審議会",
    "e10k": "計測用一万件審議会",
}

#: Body of the library's newest meeting (the first row of the start screen).
NEWEST_BODY = "計測用最新会議"

#: Bodies of the library's small meetings.
LIBRARY_BODIES = [
    "小平市情報公開・個人情報保護・公文書管理審議会",
    "小平市都市計画審議会",
    "小平市環境審議会",
    "小平市社会教育委員の会議",
    "小平市図書館協議会",
    "小平市公民館運営審議会",
    "小平市子ども・子育て審議会",
    "小平市地域保健福祉推進協議会",
    "小平市廃棄物減量等推進審議会",
    "小平市景観審議会",
    "小平市国民健康保険運営協議会",
    "小平市介護保険運営協議会",
    "小平市男女共同参画推進委員会",
    "小平市行財政改革推進委員会",
    "小平市文化財保護審議会",
    "小平市スポーツ推進審議会",
    "小平市防災会議",
    "小平市交通安全対策会議",
    "小平市特別職報酬等審議会",
    "小平市緑化推進委員会",
]

SUBJECTS = [
    "市民アンケート調査における個人情報の本人以外からの収集及び目的外利用について",
    "公共施設予約システム導入に伴うオンライン結合による個人情報の提供について",
    "臨時特別給付金事業における個人情報の本人以外からの収集について",
    "基本計画の中間見直しについて",
    "令和年度事業報告について",
    "条例施行規則の一部改正について",
    "地域センター等の指定管理者の選定について",
    "公文書の保存期間の見直しについて",
    "防犯カメラの設置及び運用に関する基準について",
    "電子申請サービスの導入に伴う個人情報の外部提供について",
]


def _sentences() -> list[str]:
    """Every sentence of the demo meeting's speeches (ending in 。 or ?)."""
    data = load_demo_dict()
    pool: list[str] = []
    for item in data["agenda"]:
        for entry in item["log"]:
            text = entry.get("text")
            if not text:
                continue
            for paragraph in text.split("\n"):
                for sentence in re.findall(r"[^。?？]+[。?？]?", paragraph):
                    sentence = sentence.strip()
                    if len(sentence) >= 6:
                        pool.append(sentence)
    return pool


@dataclass
class TextMaker:
    """Makes speeches of realistic Japanese from the demo's sentences."""

    rng: random.Random
    pool: list[str] = field(default_factory=_sentences)

    def length(self) -> int:
        """A target length: many short turns, some medium, a few long explanations."""
        roll = self.rng.random()
        if roll < 0.45:
            return self.rng.randint(20, 60)
        if roll < 0.8:
            return self.rng.randint(60, 180)
        return self.rng.randint(180, 400)

    def speech_text(self, target: int | None = None) -> str:
        target = target or self.length()
        parts: list[str] = []
        total = 0
        while total < target:
            sentence = self.rng.choice(self.pool)
            if total + len(sentence) > 400:
                sentence = sentence[: max(400 - total - 1, 5)] + "。"
            parts.append(sentence)
            total += len(sentence)
        text = ""
        multi = total > 150 and self.rng.random() < 0.4
        for index, part in enumerate(parts):
            if index and multi and self.rng.random() < 0.35:
                text += "\n"
            text += part
        if len(text) < 20:
            text += "以上でございます。よろしくお願いいたします。"
        return text[:400]


def _people() -> list[Person]:
    return [
        Person(**{k: v for k, v in person.items()})
        for person in load_demo_dict()["people"]
    ]


def _clock(seconds: int) -> str:
    seconds %= 24 * 3600
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def make_meeting(
    entries: int,
    *,
    body: str,
    day: date,
    rng: random.Random,
    text: TextMaker,
    items: int = 6,
    session: int = 1,
    end: str | None = None,
) -> Meeting:
    """A meeting with ``entries`` entries over ``items`` agenda items (a vote every ~50 entries)."""
    people = _people()
    departments = sorted({p.department for p in people if p.group == "関係課" and p.department})
    voters = [p.id for p in people if p.can_vote]
    agenda: list[Item] = []
    for index in range(items):
        if index == items - 1 and items > 1:
            agenda.append(Item(id=f"a{index + 1}", title="その他", section="その他"))
            continue
        kind = "諮問" if index % 3 != 2 else "報告"
        subject = SUBJECTS[(index + session) % len(SUBJECTS)]
        agenda.append(
            Item(
                id=f"a{index + 1}",
                title=f"{subject}",
                kind=kind,
                departments=[departments[index % len(departments)]],
            )
        )
    # Spread the entries: the 議事 items share most of them, その他 gets a few.
    counts = [0] * items
    if entries:
        weights = [1.0 if item.section == "議事" else 0.05 for item in agenda]
        scale = sum(weights)
        remaining = entries
        for index, weight in enumerate(weights):
            counts[index] = int(entries * weight / scale)
            remaining -= counts[index]
        counts[0] += remaining
    seconds = 13 * 3600 + 30 * 60
    number = 0
    chair_ref = SpeakerRef(speaker_id=people[0].id)
    for item, count in zip(agenda, counts):
        dept = SpeakerRef(label=item.departments[0]) if item.departments else SECRETARIAT
        for position in range(count):
            seconds += rng.randint(10, 90)
            number += 1
            time_text = _clock(seconds)
            if number % 50 == 0 and item.section == "議事":
                agenda_item_vote = Vote(
                    ballots={voter: APPROVE for voter in voters},
                    result=APPROVE,
                    question="この諮問を承認してよいか",
                    time=time_text,
                )
                item.log.append(agenda_item_vote)
                continue
            if position == 0:
                ref = chair_ref
                words = f"議事の{agenda.index(item) + 1}番目「{item.title}」です。担当課から説明をお願いします。"
            else:
                turn = rng.random()
                if turn < 0.3:
                    ref = chair_ref
                elif turn < 0.55:
                    ref = MEMBER_UNNAMED if rng.random() < 0.5 else SpeakerRef(speaker_id=rng.choice(voters))
                elif turn < 0.9:
                    ref = dept
                else:
                    ref = SECRETARIAT
                words = text.speech_text()
            item.log.append(Speech(text=words, speaker_id=ref.speaker_id, label=ref.label, time=time_text))
    return Meeting(
        body=body,
        date=day.isoformat(),
        start="13:30",
        end=end,
        place="市役所3階 庁議室",
        people=people,
        agenda=agenda,
        fiscal_year=day.year if day.month >= 4 else day.year - 1,
        session=session,
        serial=session + 40,
    )


def _check_round_trip(meeting: Meeting) -> None:
    """The generated meeting is valid interchange data (the strict import accepts it)."""
    from minutes.interchange import meeting_to_dict

    meeting_from_dict(meeting_to_dict(meeting), "bench")


def build(folder: Path, *, log=print) -> dict:
    """Build the data folder under ``folder`` and write its manifest; return the manifest."""
    from storage import DataDir

    folder.mkdir(parents=True, exist_ok=True)
    root = folder / "data"
    rng = random.Random(20220315)
    text = TextMaker(rng)
    datadir = DataDir(root)
    started = time.perf_counter()
    ids: dict[str, str] = {}
    bodies: dict[str, str] = {}
    with datadir.write_lock():
        # The measured meetings: ongoing (no closing time), dated before the library's newest.
        for offset, (name, count) in enumerate(SIZES.items()):
            meeting = make_meeting(
                count,
                body=MEASURED_BODIES[name],
                day=date(2024, 6, 3) + timedelta(days=offset),
                rng=rng,
                text=text,
                session=offset + 1,
            )
            _check_round_trip(meeting)
            ids[name] = datadir.add_meeting(meeting)
            bodies[name] = meeting.body
            log(f"  built {name}: {count} entries ({time.perf_counter() - started:.1f}s)")
        # The newest meeting of the library (the start screen's first row): a short, distinctive body,
        # which the start screen shows whole whatever its columns (the first-frame marker).
        newest = make_meeting(
            12, body=NEWEST_BODY, day=date(2026, 3, 24), rng=rng, text=text, items=3, session=6, end="15:00"
        )
        datadir.add_meeting(newest)
        small = LIBRARY_SIZE - len(SIZES) - 1
        first_day = date(2001, 4, 10)
        for index in range(small):
            day = first_day + timedelta(days=index * 9 + rng.randint(0, 8))
            meeting = make_meeting(
                rng.randint(3, 30),
                body=LIBRARY_BODIES[index % len(LIBRARY_BODIES)],
                day=day,
                rng=rng,
                text=text,
                items=rng.randint(2, 4),
                session=index % 6 + 1,
                end="15:00",
            )
            datadir.add_meeting(meeting)
            if (index + 1) % 250 == 0:
                log(f"  built library: {index + 1 + len(SIZES)} meetings ({time.perf_counter() - started:.1f}s)")
        rows = datadir.list_meetings()
    if rows[0]["body"] != NEWEST_BODY:
        raise RuntimeError("the newest meeting of the library is not the one built for the marker")
    files = {name: str((root / "meetings" / f"{meeting_id}.json").stat().st_size) for name, meeting_id in ids.items()}
    manifest = {
        "version": BUILD_VERSION,
        "data_dir": str(root),
        "ids": ids,
        "bodies": bodies,
        "sizes": SIZES,
        "file_bytes": {name: int(size) for name, size in files.items()},
        "library_size": len(rows),
        "library_bytes": (root / "library.json").stat().st_size,
        "newest_row": {"id": rows[0]["id"], "date": rows[0]["date"], "title": rows[0]["title"], "body": rows[0]["body"]},
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def load_or_build(folder: Path, *, log=print) -> dict:
    """The manifest of a built folder, building it first if missing or of another version."""
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
        if manifest and manifest.get("version") == BUILD_VERSION and Path(manifest["data_dir"]).is_dir():
            log(f"reusing the data in {folder}")
            return manifest
        if (folder / "data").exists():
            raise SystemExit(
                f"{folder} holds data of another version of the benchmark; remove it or choose another --data"
            )
    log(f"building the data in {folder} (once; reuse it with --data {folder})")
    return build(folder, log=log)


if __name__ == "__main__":  # pragma: no cover - a manual aid
    import sys

    print(json.dumps(load_or_build(Path(sys.argv[1])), ensure_ascii=False, indent=2))
