"""The top lines at 80 columns: every word a therapist needs is on screen in every state they can show."""

from __future__ import annotations

import dataclasses

import pytest
from console_kit import console, make_library, settled
from script_kit import console_script
from textual.geometry import Region

from companion.core.journal.store import JournalStore
from companion.ui.timefmt import minutes_text, wall_text

LONG_TITLE = "Intramuscular ketamine, second of six, with extended integration and music"
LONGEST_CODE = "K-0142-NORTH-CLINIC-ROOM-3-THURSDAY-PM-X"  # 40 characters, the prompt's limit


def _drawn(widget) -> str:
    """What the widget shows, row by row, as the terminal gets it (nothing past its edge)."""
    strips = widget.render_lines(Region(0, 0, widget.outer_size.width, widget.outer_size.height))
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def _app(tmp_path, title: str, code: str, rehearsal: bool):
    script = dataclasses.replace(console_script(), title=title)
    extra = {"speed": 60, "rehearsal_store": JournalStore(tmp_path / "rehearsals")} if rehearsal else {}
    return console(tmp_path, library=make_library(script), client_code=code, **extra)


CASES = [
    # (title, client code, rehearsal, paused, minutes in, dose given, ended)
    ("Intramuscular test session", "K-7", True, False, 0, False, False),  # cut "session just…" before
    ("Intramuscular test session", "K-7", True, True, 0, False, False),
    (LONG_TITLE, "K-014", False, True, 83, True, False),
    (LONG_TITLE, LONGEST_CODE, True, True, 83, True, False),
    (LONG_TITLE, LONGEST_CODE, False, False, 200, True, True),
    ("Short", "", True, False, 0, False, False),
]


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{len(c[0])}-{len(c[1])}-{'R' if c[2] else ''}{'P' if c[3] else ''}"
)
async def test_at_80_columns_the_top_line_cuts_nothing_a_therapist_needs(tmp_path, case):
    title, code, rehearsal, paused, minutes, dose, ended = case
    app, clock, *_ = _app(tmp_path, title, code, rehearsal)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        session = app.session
        if dose:
            session.next_phase()
            session.give_dose(50, "mg", "IM")
        clock.advance(minutes * 60)
        if paused:
            session.pause()
        if ended:
            session.end()
        app.screen.show_state()
        await pilot.pause()
        status = app.screen.query_one("#status")
        drawn = _drawn(status)
        shown = " ".join(drawn.split())
        state = session.state()
        assert wall_text(state.now if rehearsal else app.real_time()) in shown
        if rehearsal:
            assert "REHEARSAL x60" in shown
        if ended:
            assert "ENDED" in shown
        elif paused:
            assert "PAUSED" in shown
        if code:
            assert code in shown
        assert ("just started" if minutes == 0 else minutes_text(state.total_elapsed)) in shown
        if "…" in drawn:  # only the title is ever cut, and it comes last when it is
            assert drawn.count("…") == 1 and shown.endswith("…"), drawn
            assert shown[-6:-1] in title, drawn


async def test_a_wide_window_shows_the_whole_line_in_its_full_form(tmp_path):
    app, *_ = _app(tmp_path, "Intramuscular test session", "K-7", True)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        shown = " ".join(_drawn(app.screen.query_one("#status")).split())
        assert "REHEARSAL x60 Intramuscular test session client K-7 session just started" in shown


async def test_the_line_takes_its_short_form_when_the_window_narrows_and_back(tmp_path):
    app, *_ = _app(tmp_path, LONG_TITLE, "K-014", True)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        status = app.screen.query_one("#status")
        assert LONG_TITLE in _drawn(status)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        shown = _drawn(status)
        assert "K-014" in shown and "just started" in shown and shown.rstrip().endswith("…")
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert LONG_TITLE in _drawn(status)


async def test_at_80_columns_the_next_reminder_keeps_its_time_and_cuts_only_its_words(tmp_path):
    from companion.core.scripts.script import Reminder

    script = console_script()
    long = "Third device, if used (5 minutes after the second), then check the client's comfort"
    journey = dataclasses.replace(
        script.phases[2], reminders=(Reminder(id="journey.device", text=long, after_dose=600),)
    )
    script = dataclasses.replace(script, phases=(*script.phases[:2], journey, *script.phases[3:]))
    app, clock, *_ = console(tmp_path, library=make_library(script))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        nxt = app.screen.query_one("#next-reminder")
        before = " ".join(_drawn(nxt).split())
        assert "10 min after the dose, once the dose is recorded" in before, before
        app.session.give_dose(50, "mg", "IM")
        clock.advance(570)  # under a minute to go
        app.screen.show_state()
        await pilot.pause()
        shown = " ".join(_drawn(nxt).split())
        assert shown.startswith("Next, at 08:10, in under a minute: Third device"), shown
        assert shown.endswith("…")
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert f"Next: {long} at 08:10, in under a minute" in " ".join(_drawn(nxt).split())
