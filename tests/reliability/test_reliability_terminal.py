"""The terminal shrunk to 40x12 and back mid-session: no crash, a plain note while too small,
every key still working, and the whole console back afterwards. In a pilot, and for real in tmux."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from console_kit import console

from companion.core.events import NoteAdded
from companion.core.journal.store import read_journal
from companion.ui.screens.session import SessionScreen
from companion.ui.widgets.too_small import TooSmall

BIG, SMALL = (100, 30), (40, 12)


def too_small_shown(app) -> bool:
    note = app.screen.query_one(TooSmall)
    return note.display and app.screen.query_one("#console").display is False


async def test_shrunk_to_40x12_and_back_mid_session(tmp_path):
    app, clock, _player, store = console(tmp_path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert not app.screen.query_one(TooSmall).display
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert too_small_shown(app)
        text = str(app.screen.query_one(TooSmall).render())
        assert "too small" in text and "keeps running" in text
        await pilot.press("space")  # keys still reach the session
        clock.advance(120)
        await pilot.pause(0.3)
        assert app.session.state().paused
        await pilot.resize_terminal(*BIG)
        await pilot.pause()
        assert not app.screen.query_one(TooSmall).display
        assert app.screen.query_one("#console").display
        assert "PAUSED" in app.screen.query_one("#status").plain


async def test_resized_while_a_dialog_is_open_and_many_times_over(tmp_path):
    app, clock, _player, store = console(tmp_path)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        for size in (SMALL, (20, 5), (1, 1), (200, 60), SMALL, BIG):
            await pilot.resize_terminal(*size)
        for key in "ok":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert [
            e.text for e in read_journal(store.path_for(app.session.session_id)).events if isinstance(e, NoteAdded)
        ] == ["ok"]
        for width in range(30, 121, 7):  # a window dragged slowly wider
            await pilot.resize_terminal(width, 12 + width // 10)
        await pilot.pause()
        assert not app.screen.query_one(TooSmall).display


async def test_the_script_picker_says_so_too(tmp_path):
    app, clock, _player, store = console(tmp_path, script=None)
    async with app.run_test(size=BIG) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert app.screen.query_one(TooSmall).display
        await pilot.resize_terminal(*BIG)
        await pilot.pause()
        assert not app.screen.query_one(TooSmall).display


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_real_terminal_resized_to_40x12_and_back(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from crash_resume import Terminal, companion_command, private_env, session_screen

    exe = companion_command()
    if exe is None:
        pytest.skip("the companion command is not installed")
    term = Terminal(private_env(tmp_path))
    try:
        term.start(exe, "run", "demo", "--speed", "60", "--client", "R-1")
        term.wait_for(session_screen, what="the session screen")
        term.resize(*SMALL)
        shown = term.wait_text("too small")
        assert "Traceback" not in shown
        term.keys("space")
        time.sleep(0.5)
        term.resize(*BIG)
        shown = term.wait_for(session_screen, what="the console back")
        term.wait_text("PAUSED")
        assert not term.dead()
    finally:
        term.close()
