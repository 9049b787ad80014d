"""A player that fails in an unexpected way (a bug, a decoder crash) must not take the session
down: the console keeps running, records events, and says plainly that the sound stopped."""

from __future__ import annotations

from console_kit import console

from companion.audio.player import SilentPlayer
from companion.ui.screens.session import SessionScreen


class BrokenPlayer(SilentPlayer):
    def update(self) -> None:
        raise RuntimeError("decoder exploded")

    def play(self, playlist, volume=None) -> None:
        raise RuntimeError("decoder exploded")


async def test_a_player_that_raises_does_not_end_the_session(tmp_path):
    app, clock, _player, store = console(tmp_path, player=BrokenPlayer())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(1.2)
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("space")
        await pilot.pause(1.2)
        assert app.session.state().paused
    assert app.return_code in (None, 0)


async def test_the_screen_says_the_sound_stopped(tmp_path):
    app, clock, _player, store = console(tmp_path, player=BrokenPlayer())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(1.2)
        assert app.audio.notice == "The sound stopped after an unexpected fault: the session goes on silently."
        await pilot.press("t")
        await pilot.pause(0.3)
        await pilot.press(*"still recorded", "enter")
        await pilot.pause(0.3)
        assert [note.text for note in app.session.state().notes] == ["still recorded"]
