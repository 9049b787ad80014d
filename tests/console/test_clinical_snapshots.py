"""Screenshots of the assessment form (mid-PHQ-9, the item-9 notice raised) and of the session
screen carrying that notice and a score, at 80x24 and 120x36, on a fixed clock and time zone."""

from __future__ import annotations

import time

import pytest
from console_kit import START, console, patience, settled
from test_console_clinical import clinical_library, open_phq

from companion.core.clock import FakeClock

SIZES = [(80, 24), (120, 36)]


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_phq9_form_with_the_item_9_notice(snap_compare, tmp_path, size):
    app, clock, player, store = console(tmp_path, clock=FakeClock(START), library=clinical_library())

    async def run_before(pilot):
        await settled(pilot)
        await open_phq(pilot)
        await pilot.press(*"111111112")  # item 9: "Several days"
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_session_with_a_notice_and_a_score(snap_compare, tmp_path, size):
    app, clock, player, store = console(tmp_path, clock=FakeClock(START), library=clinical_library())

    async def run_before(pilot):
        await settled(pilot)
        await open_phq(pilot)
        await pilot.press(*"1111111121", "enter")
        for _ in patience():
            if app.screen.id == "session":
                break
            await pilot.pause(0.02)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_discharge_gate_on_e(snap_compare, tmp_path, size):
    app, clock, player, store = console(tmp_path, clock=FakeClock(START), library=clinical_library())

    async def run_before(pilot):
        await settled(pilot)
        app.session.give_dose(56, "mg", "IN")
        clock.advance(45 * 60)
        await pilot.press("e")
        for _ in patience():
            if app.screen.query(".message"):
                break
            await pilot.pause(0.02)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
