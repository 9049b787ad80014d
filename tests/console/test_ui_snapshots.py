"""Screenshots of the screens that matter, at 80x24 and 120x36, on a fixed clock and time zone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from console_kit import START, console, make_library
from script_kit import console_script

from companion.core.clock import FakeClock
from companion.core.scripts.problems import Problem

SIZES = [(80, 24), (120, 36)]


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _app(tmp_path, **kwargs):
    app, clock, player, store = console(tmp_path, clock=FakeClock(START), **kwargs)
    return app, clock


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_picker(snap_compare, tmp_path, size):
    library = make_library(
        console_script(),
        problems=[
            Problem(
                Path("scripts/sessions/mine.yaml"), 12, 7, "phases[2].duration", 'expected a duration such as "15m"'
            )
        ],
    )
    app, _ = _app(tmp_path, library=library, script=None, client_code=None)
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_session_before_dose(snap_compare, tmp_path, size):
    app, clock = _app(tmp_path)

    async def run_before(pilot):
        await pilot.pause()
        clock.advance(200)
        app.session.tick("Blood pressure taken")
        app.screen.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def _after_dose_with_a_reminder_due(pilot, app, clock) -> None:
    """Vitals, the dose and a note recorded; 40 minutes on, the 40-minute reminder is due."""
    await pilot.pause()
    session = app.session
    session.record_vitals(138, 86, 74, 98, "")
    clock.advance(900)
    session.next_phase()
    session.give_dose(50, "mg", "IM")
    clock.advance(300)
    session.next_phase()
    session.add_note("Settled, eyes closed.")
    clock.advance(2100 + 75)
    app.screen.tick()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_session_after_dose_with_a_reminder_due(snap_compare, tmp_path, size):
    app, clock = _app(tmp_path)

    async def run_before(pilot):
        await _after_dose_with_a_reminder_due(pilot, app, clock)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_vitals_form_refusing_a_reading(snap_compare, tmp_path, size):
    app, _ = _app(tmp_path)
    assert snap_compare(
        app,
        terminal_size=size,
        press=["v", "4", "0", "0", "tab", "8", "0", "enter"],
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_session_dimmed_after_dose_with_a_reminder_due(snap_compare, tmp_path, size):
    """Dim mode: every panel darker, the due reminder's band still marked."""
    app, clock = _app(tmp_path)

    async def run_before(pilot):
        await _after_dose_with_a_reminder_due(pilot, app, clock)
        await pilot.press("D")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_top_line_at_80x24_in_a_paused_rehearsal_with_the_longest_client_code(snap_compare, tmp_path):
    """Every mark, a 40-character client code and a long title: the top line takes two lines, cuts nothing."""
    import dataclasses

    from companion.core.journal.store import JournalStore

    script = dataclasses.replace(console_script(), title="Intramuscular ketamine, second of six, with music")
    app, clock = _app(
        tmp_path,
        library=make_library(script),
        client_code="K-0142-NORTH-CLINIC-ROOM-3-THURSDAY-PM-X",
        speed=60,
        rehearsal_store=JournalStore(tmp_path / "rehearsals"),
    )

    async def run_before(pilot):
        await pilot.pause()
        clock.advance(83 * 60)
        app.session.pause()
        app.screen.show_state()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
