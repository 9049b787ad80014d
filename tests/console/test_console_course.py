"""The course on the console: standing notes shown at arrival, reachable with `i` and edited in
a form (saved, versioned, journaled); the last session's dose offered in the dose form."""

from __future__ import annotations

from console_kit import START, console, patience, settled
from script_kit import console_script as make_script
from textual.widgets import Input, Static, TextArea

from companion.core.clock import FakeClock
from companion.core.course.notes import StandingNotes
from companion.core.course.notes_store import NotesStore
from companion.core.events import ClientNotesChanged, DoseGiven
from companion.core.journal.store import read_journal
from companion.core.session import LiveSession
from companion.ui.screens.session import SessionScreen

SIZE = (100, 30)
WEEK = 7 * 86400.0


def earlier_session(store, code: str = "K-7", route: str = "IM", lot: str = "B7") -> str:
    session = LiveSession.start(make_script(), store, FakeClock(START - WEEK), client_code=code)
    session.give_dose(60, "mg", route, given_at=START - WEEK + 1200, lot=lot)
    session.end()
    session.close()
    return session.session_id


async def until(pilot, condition, what: str) -> None:
    for _ in patience():
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def journaled(app, store, kind):
    return [e for e in read_journal(store.path_for(app.session.session_id)).events if isinstance(e, kind)]


async def test_dose_form_offers_the_last_dose_and_records_it_once_confirmed(tmp_path):
    app, _, _, store = console(tmp_path, client_code="k-7 ")  # the same client, typed otherwise
    earlier_session(store)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("d")
        await until(pilot, lambda: app.screen.id == "dose-form", "the dose form")
        form = app.screen
        values = [form.query_one(f"#{name}", Input).value for name in ("amount", "unit", "route", "lot")]
        assert values == ["60", "mg", "IM", "B7"]
        note = str(form.query_one("#carried", Static).render())
        assert "Last session 2027-01-08" in note and "60 mg IM, lot B7" in note and "check each field" in note
        assert journaled(app, store, DoseGiven) == []  # offered, not recorded
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the form to close")
    (dose,) = journaled(app, store, DoseGiven)
    assert (dose.amount, dose.unit, dose.route, dose.lot) == (60, "mg", "IM", "B7")


async def test_a_last_dose_by_another_route_is_shown_but_not_filled_in(tmp_path):
    app, _, _, store = console(tmp_path)
    earlier_session(store, route="SL")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("d")
        await until(pilot, lambda: app.screen.id == "dose-form", "the dose form")
        form = app.screen
        assert form.query_one("#amount", Input).value == ""
        assert form.query_one("#route", Input).value == "IM"
        assert "the route differs" in str(form.query_one("#carried", Static).render())


async def test_a_new_client_has_no_defaults_and_no_arrival_notes(tmp_path):
    app, _, _, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("d")
        await until(pilot, lambda: app.screen.id == "dose-form", "the dose form")
        assert app.screen.query_one("#amount", Input).value == ""
        assert not app.screen.query("#carried")


async def test_standing_notes_show_at_arrival_and_edits_are_saved_and_journaled(tmp_path):
    NotesStore().save("K-7", StandingNotes(comfort="A hand on the shoulder, only if asked", touch="Hands only"))
    app, _, _, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#note-comfort")), "the notes at arrival")
        assert "A hand on the shoulder" in str(app.screen.query_one("#note-comfort", Static).render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the notes to close")
        await settled(pilot)
        await pilot.press("i")
        await until(pilot, lambda: app.screen.id == "client-notes", "the notes again, on i")
        await pilot.press("e")
        await until(pilot, lambda: bool(app.screen.query("#edit-music")), "the notes form")
        area = app.screen.query_one("#edit-music", TextArea)
        area.focus()
        await pilot.pause()
        await pilot.press(*"No drums")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the form to close")
        session_id = app.session.session_id
        (change,) = journaled(app, store, ClientNotesChanged)
    notes, version = NotesStore().current("K-7")
    assert notes.music == "No drums" and notes.touch == "Hands only"
    assert version.number == 2 and version.session_id == session_id
    assert (change.version, change.fields) == (2, "music")


async def test_dropping_the_form_changes_nothing(tmp_path):
    NotesStore().save("K-7", StandingNotes(music="strings"))
    app, _, _, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.id == "client-notes", "the notes at arrival")
        await pilot.press("e")
        await until(pilot, lambda: bool(app.screen.query("#edit-comfort")), "the notes form")
        await pilot.press(*"xyz")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the form to close")
        assert journaled(app, store, ClientNotesChanged) == []
    assert len(NotesStore().versions("K-7")) == 1


async def test_without_a_client_code_the_key_says_why(tmp_path):
    app, _, _, _ = console(tmp_path, client_code="")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("i")
        await until(
            pilot,
            lambda: any("no client code" in str(n.message) for n in app._notifications),
            "a word about the missing code",
        )
        assert isinstance(app.screen, SessionScreen)


def earlier_session_with_lengths(store) -> None:
    """Arrival ran 22 minutes, dosing 8, then the rest as planned, and the session ended."""
    clock = FakeClock(START - WEEK)
    session = LiveSession.start(make_script(), store, clock, client_code="K-7")
    clock.advance(22 * 60)
    session.next_phase()
    session.give_dose(60, "mg", "IM", lot="B7")
    clock.advance(8 * 60)
    session.next_phase()
    clock.advance(45 * 60)
    session.end()
    session.close()


async def test_the_last_sessions_phase_lengths_are_followed_once_adopted(tmp_path):
    from companion.core.events import PhaseAdjusted, PhaseLengthsAdopted

    app, clock, _, store = console(tmp_path)
    earlier_session_with_lengths(store)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("i")
        await until(pilot, lambda: bool(app.screen.query("#lengths")), "the notes with the phase lengths")
        words = str(app.screen.query_one("#lengths", Static).render())
        assert "Arrival and intention 22 min" in words and "Dosing 8 min" in words
        assert journaled(app, store, PhaseAdjusted) == []  # shown, not yet adopted
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen), "the notes to close")
        await until(pilot, lambda: journaled(app, store, PhaseAdjusted), "arrival adjusted")
        (adopted,) = journaled(app, store, PhaseLengthsAdopted)
        assert adopted.minutes.startswith("arrival=22,dosing=8")
        clock.advance(60)
        await pilot.press("n")
        await until(pilot, lambda: app.screen.query("#yes"), "the unticked checklist asked about")
        await pilot.press("y")
        await until(pilot, lambda: app.screen.id == "dose-form", "entering dosing asks for the dose")
        await pilot.press("escape")
        await until(pilot, lambda: len(journaled(app, store, PhaseAdjusted)) == 2, "dosing adjusted as it begins")
        await pilot.press("plus")  # the therapist's own change still applies on top
        await until(pilot, lambda: len(journaled(app, store, PhaseAdjusted)) == 3, "the therapist's +5")
    arrival, dosing, by_hand = journaled(app, store, PhaseAdjusted)
    assert (arrival.phase_id, arrival.seconds) == ("arrival", 22 * 60 - 900)
    assert (dosing.phase_id, dosing.seconds) == ("dosing", 8 * 60 - 300)
    assert (by_hand.phase_id, by_hand.seconds) == ("dosing", 300)
    assert app.session.state().phase_planned == 8 * 60 + 300


async def test_a_notice_from_the_last_session_is_shown_at_arrival_even_without_notes(tmp_path):
    app, _, _, store = console(tmp_path)
    clock = FakeClock(START - WEEK)
    earlier = LiveSession.start(make_script(), store, clock, client_code="K-7")
    clock.advance(600)
    earlier.mark_distress("wave of fear")
    earlier.end()
    earlier.close()
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot, lambda: bool(app.screen.query("#last-session") and app.screen.query("#no-notes")), "the arrival view"
        )
        assert "Distress marked 1 time." in str(app.screen.query_one("#last-session", Static).render())
        assert app.screen.query("#no-notes")
