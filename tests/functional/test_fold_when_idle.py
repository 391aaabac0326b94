"""When the journal is nearly due, the meeting file is rewritten while the clerk pauses, not on a keystroke.

The journal limit is made small here (8 records: due from 6) and the pause
short; the real ones are in ``storage/meetings.py`` and ``screens/meeting.py``.
"""

from __future__ import annotations

import pytest

import screens.meeting as meeting_screen
import storage.meetings as meetings_module
from storage.journal import journal_path
from storage.meetings import load_meeting_readonly
from tests.functional.appkit import demo_meeting_app, paste

SIZE = (120, 36)


@pytest.fixture
def small_journal(monkeypatch):
    monkeypatch.setattr(meetings_module, "JOURNAL_LIMIT", 8)
    monkeypatch.setattr(meeting_screen, "FOLD_DELAY", 0.3)


async def _commit(pilot, text: str) -> None:
    await paste(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


async def test_a_nearly_full_journal_is_folded_once_the_clerk_pauses(tmp_path, small_journal):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        store = app.screen.store
        journal = journal_path(store.path)
        for n in range(5):
            await _commit(pilot, f"第{n}の発言です。")
        await pilot.pause(0.5)
        assert journal.exists(), "folded before the journal was nearly due"
        await _commit(pilot, "六つ目の発言です。")
        # Still typing: each keystroke puts the rewrite off.
        for word in ("続けて", "入力して", "います"):
            await paste(pilot, word)
            await pilot.pause(0.15)
        assert journal.exists(), "folded while the clerk was typing"
        await pilot.pause(0.6)
        assert not journal.exists(), "the journal was not folded during the pause"
        on_file = store.path.read_text(encoding="utf-8")
        assert all(f"第{n}の発言です。" in on_file for n in range(5)) and "六つ目の発言です。" in on_file
        assert app.screen.bar.text == "続けて入力しています"  # the bar is as typed


async def test_a_fold_that_fails_says_so_in_japanese_and_loses_nothing(tmp_path, small_journal, monkeypatch):
    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        store = app.screen.store
        for n in range(6):
            await _commit(pilot, f"第{n}の発言です。")

        def no_space(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(meetings_module, "atomic_write_bytes", no_space)
        await pilot.pause(0.6)
        notices = [(n.title, n.message) for n in app._notifications]
        assert any("書き直しができませんでした" in title and "ジャーナルに保存済み" in title for title, _ in notices), notices
        assert any("空き" in message for _, message in notices), notices
        assert journal_path(store.path).exists()
        log = load_meeting_readonly(store.path).agenda
        texts = [getattr(entry, "text", "") for item in log for entry in item.log]
        assert all(f"第{n}の発言です。" in texts for n in range(6))


async def test_a_backup_that_fails_after_a_save_or_a_fold_is_told_and_the_entry_kept(tmp_path, small_journal, monkeypatch):
    from storage.errors import StorageError

    app = demo_meeting_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        store = app.screen.store

        def backup_fails(*args, **kwargs):
            raise StorageError("バックアップを書けませんでした(ディスクの空きがありません)。空きを作ってください。")

        monkeypatch.setattr(store._backups, "maybe_backup", backup_fails)
        for n in range(6):
            await _commit(pilot, f"第{n}の発言です。")
        await pilot.pause(0.6)  # the fold in the pause, then its backup fails
        messages = [n.message for n in app._notifications if n.title == "バックアップまたは一覧の更新"]
        assert any(message.startswith("バックアップを書けませんでした") for message in messages), messages
        assert not journal_path(store.path).exists()  # the fold itself held
        assert "第5の発言です。" in store.path.read_text(encoding="utf-8")
