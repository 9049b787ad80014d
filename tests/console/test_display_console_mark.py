"""The console's line that says a client's screen follows the session, read from the display's status file."""

from __future__ import annotations

import os

from console_kit import patience
from textual.app import App, ComposeResult

from companion.display.status import ScreenStatus, screens_following, status_path
from companion.ui.widgets.client_screen import ClientScreenMark


class MarkApp(App[None]):
    def __init__(self, journal) -> None:
        super().__init__()
        self.journal = journal

    def compose(self) -> ComposeResult:
        yield ClientScreenMark(lambda: self.journal)


async def _until(pilot, condition, within: float = 5.0) -> bool:
    for _ in patience(max(within, 30.0)):
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


async def test_the_mark_shows_while_a_screen_follows_and_goes_when_it_stops(tmp_path):
    journal = tmp_path / "20270115-0800-demo.jsonl"
    journal.write_text("{}\n")
    app = MarkApp(journal)
    status = ScreenStatus("browser")
    async with app.run_test(size=(60, 5)) as pilot:
        mark = app.query_one(ClientScreenMark)
        await pilot.pause(0.2)
        assert not mark.display and mark.screens == 0
        status.update(journal, 2)
        assert await _until(pilot, lambda: mark.screens == 2)
        assert mark.display and "2 client screens connected" in str(mark.render())
        status.update(journal, 1)
        assert await _until(pilot, lambda: "Client screen connected" in str(mark.render()))
        status.update(None, 0)
        assert await _until(pilot, lambda: not mark.display)
    assert not status_path(journal, os.getpid()).exists()


def test_a_status_file_left_by_a_killed_display_counts_for_nothing(tmp_path):
    journal = tmp_path / "s.jsonl"
    dead = 2**22 + 12345  # above the default pid_max: no such process
    status_path(journal, dead).write_text(f'{{"pid": {dead}, "kind": "browser", "screens": 3}}\n')
    status_path(journal, os.getpid()).write_text("not json")
    assert screens_following(journal) == 0
    ScreenStatus("terminal").update(journal, 1)
    assert screens_following(journal) == 1
    assert status_path(journal, os.getpid()).stat().st_mode & 0o777 == 0o600


async def test_the_session_screen_says_when_a_client_screen_follows_it(tmp_path):
    from console_kit import console, settled, until

    app, clock, player, store = console(tmp_path)
    status = ScreenStatus("browser")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        mark = app.screen.query_one(ClientScreenMark)
        assert not mark.display
        status.update(app.screen.session.writer.path, 1)  # as `companion display --serve` does
        await until(pilot, lambda: mark.display)
        assert "Client screen connected" in str(mark.render())
        status.update(None, 0)
        await until(pilot, lambda: not mark.display)
