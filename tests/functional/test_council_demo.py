"""The second built-in example: a city council committee (kaigiroku demo --council)."""

from __future__ import annotations

from contextlib import redirect_stderr, redirect_stdout
from io import StringIO

from minutes.demo import load_council, load_demo
from minutes.interchange import meeting_from_dict, meeting_to_dict
from minutes.model import Event, Note, Vote
from tui.cli import main as cli_main


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    with redirect_stdout(out), redirect_stderr(StringIO()):
        code = cli_main(list(args))
    return code, out.getvalue()


def test_the_council_example_has_what_the_seed_lacks():
    meeting = load_council()
    assert meeting.chair.title == "委員長" and not meeting.chair.has_vote
    entries = [entry for _, entry in meeting.entries()]
    assert any(isinstance(e, Note) for e in entries)
    assert [e.kind for e in entries if isinstance(e, Event)] == ["開会", "休憩", "再開", "閉会"]
    hands = [e for e in entries if isinstance(e, Vote) and e.method == "hands"]
    assert hands and hands[0].tally == "全員" and hands[0].result_text == "原案のとおり可決"
    assert len(meeting.agenda) == 2 and meeting.documents and meeting.signers
    assert meeting_to_dict(meeting_from_dict(meeting_to_dict(meeting))) == meeting_to_dict(meeting)


def test_demo_council_adds_it_and_the_export_prints_it(tmp_path):
    root = str(tmp_path / "data")
    code, out = run("--data-dir", root, "demo", "--council", "--no-open")
    assert code == 0
    meeting_id = out.split()[-1]
    # The example names its own style (議会); 要録 asked for by name prints the v2 facts the 要録 way.
    code, text = run("--data-dir", root, "export", meeting_id)
    assert code == 0 and "◎山川委員長　ただいまから総務常任委員会を開会いたします。" in text.splitlines()
    code, text = run("--data-dir", root, "export", meeting_id, "--style", "要録")
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == "令和6年度第2回みどり野市議会総務常任委員会会議録"
    for line in (
        "委員長　ただいまから総務常任委員会を開会いたします。",
        "午前10時12分休憩",
        "午前10時20分再開",
        "(「なし」と呼ぶ者あり)",
        "(賛成者挙手)",
        "(採決の結果、挙手全員により原案のとおり可決)",
        "(異議なく採択)",
        "　(2)　陳情第4号 避難所の備蓄品の充実を求める陳情",
        "6　署名委員　肥田茂副委員長、佐藤真一委員",
        "　(1)　資料1　勤務時間の割振りの見直しについて",
    ):
        assert line in lines, line
    # the chair is never printed as 委員 nor given a ballot
    assert "委員　承認します。" not in lines


def test_plain_demo_is_still_the_seed(tmp_path):
    root = str(tmp_path / "data")
    code, out = run("--data-dir", root, "demo", "--no-open")
    assert code == 0
    assert meeting_to_dict(load_demo())["body"] == "小平市情報公開・個人情報保護・公文書管理審議会"
