"""BreathingPacer on its own, as the client display uses it: a pattern, a start time, a clock."""

from __future__ import annotations

from console_kit import patience
from textual.app import App, ComposeResult

from companion.core.clock import FakeClock
from companion.core.scripts.exercises import BreathPattern
from companion.ui.widgets.pacer import BreathingPacer

BOX = BreathPattern(4, 4, 4, 4)


class PacerHost(App[None]):
    def __init__(self, pacer: BreathingPacer) -> None:
        super().__init__()
        self.pacer = pacer
        self.finished: list[BreathingPacer] = []

    def compose(self) -> ComposeResult:
        yield self.pacer

    def on_breathing_pacer_finished(self, message: BreathingPacer.Finished) -> None:
        self.finished.append(message.pacer)


async def settle_until(pilot, condition) -> bool:
    """Let queued messages run until `condition()` holds (Show and Hide arrive a message later)."""
    for _ in patience():
        if condition():
            return True
        await pilot.pause()
    return condition()


def text_of(pacer: BreathingPacer) -> list[str]:
    return [pacer.render_line(y).text.rstrip() for y in range(pacer.size.height)]


async def test_follows_the_clock_from_its_start_time():
    clock = FakeClock(start=500.0)
    pacer = BreathingPacer(BOX, 2, started_at=490.0, clock=clock)  # begun ten seconds ago
    async with PacerHost(pacer).run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert (pacer.frame.part, pacer.frame.count) == ("out", 2)
        assert "Breathe out  2" in [line.strip() for line in text_of(pacer)]
        assert "1 of 2" in [line.strip() for line in text_of(pacer)]
        clock.advance(3)
        pacer._tick()
        assert (pacer.frame.part, pacer.frame.count) == ("rest", 3)


async def test_the_disc_grows_with_the_in_breath():
    clock = FakeClock(start=0.0)
    pacer = BreathingPacer(BOX, 2, started_at=0.0, clock=clock)
    async with PacerHost(pacer).run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        small = sum(line.count("█") for line in text_of(pacer))
        clock.advance(3.9)
        pacer._tick()
        await pilot.pause()
        large = sum(line.count("█") for line in text_of(pacer))
        assert large > 2 * small > 0


async def test_only_a_changed_picture_is_drawn():
    clock = FakeClock(start=0.0)
    pacer = BreathingPacer(BOX, 2, started_at=0.0, clock=clock)
    async with PacerHost(pacer).run_test(size=(60, 20)) as pilot:
        clock.advance(4.2)  # into the hold: the disc stays full for four seconds
        pacer._tick()
        await pilot.pause()
        drawn = pacer.frames_drawn
        for _ in range(5):
            clock.advance(0.1)
            pacer._tick()
            await pilot.pause()
        assert pacer.frames_drawn == drawn  # same disc, same count: nothing redrawn
        clock.advance(0.5)  # the count goes from 3 to 2
        pacer._tick()
        await pilot.pause()
        assert pacer.frames_drawn == drawn + 1


async def test_finishes_once_and_stops_ticking():
    clock = FakeClock(start=0.0)
    pacer = BreathingPacer(BOX, 1, started_at=0.0, clock=clock)
    app = PacerHost(pacer)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert pacer.running
        clock.advance(16)
        pacer._tick()
        pacer._tick()
        await pilot.pause()
        assert pacer.frame.part == "done"
        assert app.finished == [pacer]
        assert not pacer.running


async def test_hold_and_release_keep_the_place():
    clock = FakeClock(start=0.0)
    pacer = BreathingPacer(BOX, 3, started_at=0.0, clock=clock)
    async with PacerHost(pacer).run_test(size=(60, 20)) as pilot:
        clock.advance(9)
        pacer.hold()
        assert not pacer.running
        clock.advance(60)
        pacer._tick()
        assert (pacer.frame.part, pacer.frame.count) == ("out", 3)
        pacer.release()
        await pilot.pause()
        assert pacer.running
        clock.advance(1)
        pacer._tick()
        assert (pacer.frame.part, pacer.frame.count) == ("out", 2)


async def test_hidden_pacer_does_not_tick():
    clock = FakeClock(start=0.0)
    pacer = BreathingPacer(BOX, 3, started_at=0.0, clock=clock)
    async with PacerHost(pacer).run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert pacer.running
        pacer.display = False
        assert await settle_until(pilot, lambda: not pacer.running)
        pacer.display = True
        assert await settle_until(pilot, lambda: pacer.running)
