"""Dim mode (`D`): every panel of every screen darker, as drawn; labels never outshine their figures."""

from __future__ import annotations

import pytest
from console_kit import console, settled, until
from textual.geometry import Region
from textual.widget import Widget

from companion.ui.screens.session import SessionScreen

SIZE = (100, 30)


def _lightness(widget: Widget) -> float:
    """The brightest text drawn in `widget`, as a terminal shows it (sum of red, green and blue)."""
    strips = widget.render_lines(Region(0, 0, widget.outer_size.width, widget.outer_size.height))
    brightest = 0.0
    for strip in strips:
        for segment in strip:
            if segment.text.strip() and segment.style is not None and segment.style.color is not None:
                brightest = max(brightest, sum(segment.style.color.get_truecolor()))
    return brightest


def _background(widget: Widget) -> float:
    strips = widget.render_lines(Region(0, 0, widget.outer_size.width, 1))
    colours = [s.style.bgcolor for strip in strips for s in strip if s.style is not None and s.style.bgcolor]
    return sum(colours[0].get_truecolor()) if colours else 0.0


def _drawn(screen) -> dict[str, Widget]:
    """Every widget with an id that is on screen and draws text."""
    return {
        widget.id: widget
        for widget in screen.query("*")
        if widget.id and widget.display and widget.region.area and _lightness(widget)
    }


async def _after_dose(pilot, clock) -> None:
    app = pilot.app
    await settled(pilot)
    app.session.record_vitals(138, 86, 74, 98, "")
    app.session.next_phase()
    app.session.give_dose(50, "mg", "IM")
    app.session.add_note("Settled, eyes closed.")
    clock.advance(2401)  # the 40-minute reminder is due
    app.screen.show_state()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_panel_is_drawn_darker_when_dimmed_and_comes_back_as_it_was(tmp_path, size):
    app, clock, *_ = console(tmp_path)
    async with app.run_test(size=size) as pilot:
        await _after_dose(pilot, clock)
        bright = {name: (_lightness(w), _background(w)) for name, w in _drawn(app.screen).items()}
        assert {"status", "phase-title", "phase-time", "dose-label", "due", "vitals", "notes"} <= set(bright), sorted(
            bright
        )
        await pilot.press("D")
        await pilot.pause()
        for name, widget in _drawn(app.screen).items():
            text, ground = bright[name]
            # The brightest text of every panel; a due reminder dims a little less (its amber mark).
            assert _lightness(widget) <= (0.75 if name == "due" else 0.65) * text, name
            assert _background(widget) <= ground, name
        await pilot.press("D")
        await pilot.pause()
        assert {name: (_lightness(w), _background(w)) for name, w in _drawn(app.screen).items()} == bright


async def test_dimmed_the_dose_and_phase_labels_are_no_brighter_than_their_digits(tmp_path):
    app, clock, *_ = console(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:  # tall: the phase clock is shown too
        await _after_dose(pilot, clock)
        await pilot.press("D")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#phase-clock-label").region.area
        label, digits = _lightness(screen.query_one("#dose-label")), _lightness(screen.query_one("#dose-digits"))
        assert 0 < label <= digits, (label, digits)
        label, digits = (_lightness(screen.query_one(f"#{n}")) for n in ("phase-clock-label", "phase-digits"))
        assert 0 < label <= digits, (label, digits)


async def test_a_dialog_opened_while_dimmed_is_dimmed_and_the_session_stays_dim_after_it(tmp_path):
    app, clock, *_ = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("v")
        await until(pilot, lambda: not isinstance(app.screen, SessionScreen))
        await pilot.pause()
        bright_form = _lightness(app.screen.query_one(".box"))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause()
        bright_status = _lightness(app.screen.query_one("#status"))
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("v")
        await until(pilot, lambda: not isinstance(app.screen, SessionScreen))
        await pilot.pause()
        assert _lightness(app.screen.query_one(".box")) <= 0.65 * bright_form
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause()
        assert _lightness(app.screen.query_one("#status")) <= 0.65 * bright_status


async def test_dim_pressed_on_a_dialog_reaches_the_session_beneath_it(tmp_path):
    app, clock, *_ = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        bright_status = _lightness(app.screen.query_one("#status"))
        await pilot.press("v")
        await until(pilot, lambda: not isinstance(app.screen, SessionScreen))
        app.action_toggle_dim()  # as D does on a screen whose fields would take the letter
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause()
        assert _lightness(app.screen.query_one("#status")) <= 0.65 * bright_status


@pytest.mark.parametrize("system", ["truecolor", "256", "standard"])
async def test_dimmed_a_due_reminder_is_still_marked_in_amber(tmp_path, system):
    from rich.color import Color as RichColor
    from rich.color import ColorSystem

    downgrade = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT, "standard": ColorSystem.STANDARD}
    app, clock, *_ = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _after_dose(pilot, clock)
        await pilot.press("D")
        await pilot.pause()
        due = app.screen.query_one("#due")
        assert due.display
        strips = due.render_lines(Region(0, 0, due.size.width, due.size.height))
        shown = {
            RichColor.from_triplet(colour.triplet).downgrade(downgrade[system]).get_truecolor()
            for strip in strips
            for segment in strip
            if segment.style is not None
            for colour in (segment.style.color, segment.style.bgcolor)
            if colour is not None and colour.triplet is not None
        }
        # A warm colour (red over blue, clearly coloured), lit above the dark room's near-black.
        assert any(r - b >= 60 and max(r, g, b) >= 100 for r, g, b in shown), sorted(shown)
