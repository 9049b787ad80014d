"""Layout and surroundings of the session screen: sizes, the palette, the journal warning."""

from __future__ import annotations

from pathlib import Path

from console_kit import console, settled

from companion.ui.screens.session import SessionScreen
from companion.ui.widgets.timeline_bar import layout


async def test_a_tiny_window_shows_a_plain_note_and_keys_still_work(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=(50, 14)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#too-small").display
        assert not screen.query_one("#console").display
        await pilot.press("space")
        assert app.session.state().paused
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not screen.query_one("#too-small").display
        assert screen.query_one("#console").display


async def test_at_80x24_nothing_overlaps_and_the_notes_keep_one_line(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await settled(pilot)
        assert screen.query_one("#notes").display and screen.query_one("#notes").region.height == 3
        shown = [w for w in screen.query("#console > *, #panels > *, #side > *") if w.display and w.region.area]
        for index, first in enumerate(shown):
            assert first.region.right <= 80 and first.region.bottom <= 23  # above the footer
            for second in shown[index + 1 :]:
                if first in second.ancestors or second in first.ancestors:
                    continue
                assert not first.region.overlaps(second.region), (first, second)
    wide, *_ = console(tmp_path / "wide")
    async with wide.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await settled(pilot)
        assert wide.screen.query_one("#notes").display


async def test_every_session_key_is_in_the_command_palette(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for binding in SessionScreen.BINDINGS:
            assert binding.id and binding.tooltip
            key = binding.key_display or binding.key.split(",")[0]
            assert f"{binding.description} ({key})" in titles
        extend = next(c for c in app.get_system_commands(app.screen) if c.title == "+5m (+)")
        extend.callback()
        await pilot.pause()
        assert app.session.state().phase_planned == 900 + 300


class _FullDisk:
    """A journal writer on a full disk, until `freed`."""

    def __init__(self):
        self.path = Path("/data/x.jsonl")  # the client-screen mark looks beside it once a second
        self.pending = 3
        self.full = True
        self.lost = False
        self.reason = "the disk is full"
        self.last_error = (
            "The journal /data/x.jsonl could not be written (the disk is full); "
            "3 record(s) are kept in memory and will be written when it works again."
        )

    def append(self, event):
        return self.retry()

    def retry(self):
        if self.full:
            return False
        self.pending, self.last_error = 0, None
        return True

    def close(self):
        pass


async def test_a_journal_that_cannot_be_written_is_said_plainly_and_stays_said(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        warning = app.screen.query_one("#journal-warning")
        assert not warning.display
        app.session.writer = _FullDisk()
        await pilot.press("space")
        assert warning.display and "disk is full" in warning.plain and "3 record(s)" in warning.plain
        clock.advance(5)
        app.screen.tick()
        assert warning.display
        app.session.writer.full = False  # space freed: the next tick writes what waited
        app.screen.tick()
        assert not warning.display


def test_timeline_layout_gives_every_phase_a_column_and_fills_the_width():
    spans = layout([900, 300, 2700, 1, 1800], 40)
    assert spans[0][0] == 0 and spans[-1][1] == 40
    assert all(end > start for start, end in spans)
    assert all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))


async def test_no_text_cursor_blinks_not_even_the_command_palette(tmp_path):
    from textual.widgets import Input

    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        fields = list(app.screen.query(Input))
        assert fields and all(not field.cursor_blink for field in fields)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert not app.screen.query_one(Input).cursor_blink
