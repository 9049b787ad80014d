"""The large LEFT IN PHASE clock, shown only in a tall window: while hidden it is not redrawn
every second (a widget refreshed off screen makes the next frame lay out the whole screen), and
once the window grows it shows the time left now, not when it was last seen."""

from __future__ import annotations

from console_kit import console, until

from companion.ui.screens.session import SessionScreen
from companion.ui.timefmt import clock_text
from companion.ui.widgets.big_clock import BigClock, rows_of


async def test_a_hidden_phase_clock_waits_and_shows_the_time_left_once_the_window_grows(tmp_path):
    app, clock, _, _ = console(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        screen = app.screen
        digits = screen.query_one("#phase-digits")
        await until(pilot, lambda: digits.value == clock_text(app.session.state().phase_remaining))
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: not screen.query_one("#phase-clock").display)
        hidden = digits.value
        for _ in range(3):
            clock.advance(61)
            screen.tick()
            await pilot.pause()
        assert digits.value == hidden  # not redrawn while nobody can see it
        await pilot.resize_terminal(160, 48)
        left = clock_text(app.session.state().phase_remaining)
        assert left != hidden
        await until(pilot, lambda: screen.query_one("#phase-clock").display and digits.value == left)


def test_the_large_figures_are_three_rows_of_three_cells_a_character():
    assert rows_of("1:02:03") == (
        "╶╮    ╭─╮╶─╮   ╭─╮╶─╮",
        " │  : │ │┌─┘ : │ │ ─┤",
        "╶┴╴   ╰─╯╰─╴   ╰─╯╶─╯",
    )
    assert rows_of("14:59")[1] == " │ ╰─┤ : ╰─╮╰─┤"
    assert rows_of("x") == (" ", " ", "x")  # no figure: written as it is


async def test_the_clock_lays_out_only_when_its_width_changes(tmp_path):
    app, clock, _, _ = console(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        digits = app.screen.query_one("#phase-digits", BigClock)
        relaid: list[bool] = []
        original = digits.refresh
        digits.refresh = lambda *args, **kwargs: relaid.append(kwargs.get("layout", False)) or original(*args, **kwargs)
        digits.show_time("10:01")
        relaid.clear()
        digits.show_time("10:01")  # the same: nothing to draw
        digits.show_time("10:02")  # new figures, the same width: a repaint only
        digits.show_time("1:02:03")  # wider: laid out
        assert relaid == [False, True]
        await pilot.pause()
        await until(
            pilot, lambda: digits.size.width == len(rows_of(digits.value)[0])
        )  # its own width, whatever it shows
