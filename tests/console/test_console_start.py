"""Starting the console: the picker, the client code, the resume offer, resume, rehearsal."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_kit import START, console, make_library, settled, until
from script_kit import console_script
from textual.geometry import Size

from companion.audio.player import SilentPlayer
from companion.core.clock import FakeClock
from companion.core.journal.store import JournalStore, read_journal
from companion.core.scripts.problems import Problem
from companion.core.session import LiveSession
from companion.ui.app import make_app
from companion.ui.screens.picker import ScriptPicker
from companion.ui.screens.session import SessionScreen
from companion.ui.startup import size_classes

SIZE = (100, 30)


async def test_picker_lists_every_script_with_its_outline_and_enter_starts(tmp_path):
    other = console_script("other")
    library = make_library(
        console_script(),
        other,
        problems=[Problem(Path("scripts/sessions/bad.yaml"), 4, 3, "phases[0].duration", "expected a duration")],
    )
    app, clock, player, store = console(tmp_path, library=library, script=None, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ScriptPicker)
        outline = str(app.screen.query_one("#outline").content)
        assert "route IM" in outline and "Arrival and intention" in outline and "15 min" in outline
        assert "bad.yaml:4:3" in str(app.screen.query_one("#problems").content)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.id == "client-code"
        for key in "K-22":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "client K-22" in app.screen.query_one("#status").plain
    events = read_journal(store.path_for(app.session.session_id)).events
    assert events[0].client_code == "K-22"


async def test_client_code_can_be_skipped_with_enter(tmp_path):
    app, clock, player, store = console(tmp_path, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.session.events[0].client_code == ""


async def _interrupted_session(tmp_path, clock):
    """A session with a dose, vitals, a tick and a note, left without ending (as by a crash)."""
    store = JournalStore(tmp_path / "journals")
    script = console_script()
    session = LiveSession.start(script, store, clock, client_code="K-9")
    session.tick("Blood pressure taken")
    session.record_vitals(150, 90, 72, 98, "before dose")
    clock.advance(300)
    session.next_phase()
    session.give_dose(50, "mg", "IM")
    clock.advance(120)
    session.add_note("eyes closed, breathing slowly")
    session.close()
    return store, session.session_id


async def test_resume_offer_restores_phase_clocks_notes_vitals_and_checklist(tmp_path):
    clock = FakeClock(START)
    store, session_id = await _interrupted_session(tmp_path, clock)
    clock.advance(60)
    app, _, player, _ = console(tmp_path, clock=clock, store=store, script=None, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Resume it now?" in str(app.screen.query_one(".message").content)
        await pilot.press("y")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert app.session.session_id == session_id
        state = app.session.state()
        assert state.phase.id == "dosing" and state.since_dose == 180
        await settled(pilot)
        assert "eyes closed" in screen.query_one("#notes").plain
        await settled(pilot)
        assert "BP 150/90" in screen.query_one("#vitals").plain
        assert "client K-9" in screen.query_one("#status").plain
        assert screen.query_one("DoseClock").digits_value == "3:00"
        assert ("play", "journey", 0.5) in player.calls


async def test_a_session_resumed_after_distress_in_this_phase_stays_silent(tmp_path):
    clock = FakeClock(START)
    store = JournalStore(tmp_path / "journals")
    session = LiveSession.start(console_script(), store, clock, client_code="K-9")
    clock.advance(60)
    session.mark_distress("")
    session.close()
    clock.advance(30)
    app, _, player, _ = console(tmp_path, clock=clock, store=store, script=None, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert not [call for call in player.calls if call[0] == "play"]
        await settled(pilot)
        assert "silent now (f brings it back)" in app.screen.query_one("#audio").plain
        phase_volume = app.session.state().phase.volume
        assert phase_volume != 0.5 and app.audio.shown_volume == phase_volume
        assert f"vol {round(phase_volume * 100)}%" in app.screen.query_one("#audio").plain


async def test_declining_the_offer_opens_the_picker(tmp_path):
    clock = FakeClock(START)
    store, _ = await _interrupted_session(tmp_path, clock)
    app, *_ = console(tmp_path, clock=clock, store=store, script=None, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ScriptPicker)


async def test_resume_says_when_the_script_changed(tmp_path):
    clock = FakeClock(START)
    store, session_id = await _interrupted_session(tmp_path, clock)
    changed = console_script()
    import dataclasses

    changed = dataclasses.replace(changed, text_hash="different")
    library = make_library(changed)
    summary = next(s for s in store.unfinished() if s.session_id == session_id)
    app = make_app(library, store=store, resume=summary, clock=clock, player=SilentPlayer())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "script has changed" in str(app.screen.query_one("#notices").content)


def _tear_last_line(path):
    with open(path, "ab") as journal:
        journal.write(b'{"kind":"note_added","at":18000')


async def test_resume_says_when_the_last_line_was_torn(tmp_path):
    clock = FakeClock(START)
    store, session_id = await _interrupted_session(tmp_path, clock)
    _tear_last_line(store.path_for(session_id))
    summary = next(s for s in store.unfinished() if s.session_id == session_id)
    app = make_app(make_library(), store=store, resume=summary, clock=clock, player=SilentPlayer())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notices = str(app.screen.query_one("#notices").content)
        assert "From the journal: the last line was incomplete" in notices
        app.screen.hide_notices()  # after a few minutes they make room again
        await pilot.pause()
        assert not app.screen.query_one("#notices").display
        await settled(pilot)
        assert "eyes closed" in app.screen.query_one("#notes").plain


async def test_rehearsal_is_marked_and_journaled_apart(tmp_path):
    rehearsals = JournalStore(tmp_path / "rehearsals")
    app, clock, player, store = console(tmp_path, speed=60, rehearsal_store=rehearsals)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "REHEARSAL x60" in app.screen.query_one("#status").plain
    assert store.list_sessions() == []
    (summary,) = rehearsals.list_sessions()
    assert summary.rehearsal and summary.speed == 60


async def test_an_unfinished_rehearsal_is_offered_to_the_next_rehearsal_and_resumed_as_one(tmp_path):
    rehearsals = JournalStore(tmp_path / "rehearsals")
    clock = FakeClock(START)
    LiveSession.start(console_script(), rehearsals, clock, rehearsal=True, speed=60).close()
    real, *_ = console(tmp_path, clock=clock, script=None, client_code=None, rehearsal_store=rehearsals)
    async with real.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(real.screen, ScriptPicker)  # a real run is not asked about rehearsals
    app, *_ = console(tmp_path, clock=clock, script=None, client_code=None, rehearsal_store=rehearsals, speed=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "rehearsal" in str(app.screen.query_one(".message").content)
        await pilot.press("y")
        await pilot.pause()
        assert "REHEARSAL x60" in app.screen.query_one("#status").plain


async def test_player_opens_after_the_first_frame(tmp_path):
    opened = []
    library = make_library()

    def open_player():
        opened.append(True)
        return SilentPlayer(notice="No sound device was found: the session runs silently.")

    app = make_app(
        library,
        store=JournalStore(tmp_path / "j"),
        script=library.sessions["test-im"],
        client_code="",
        clock=FakeClock(START),
        open_player=open_player,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)  # the first frame is out: the player is asked for after it
        await until(pilot, lambda: opened and app.audio.player is not None)
        assert app.audio.player.calls[0] == ("play", "settling", 0.35)
        await until(pilot, lambda: "runs silently" in app.screen.query_one("#audio").plain)
        assert "runs silently" in app.screen.query_one("#audio").plain
        assert not list(app._notifications)  # said once, in the Sound panel, not again as a toast


async def test_no_device_found_on_the_picker_is_said_once_in_the_sound_panel(tmp_path):
    library = make_library()
    app = make_app(
        library,
        store=JournalStore(tmp_path / "j"),
        script=None,
        client_code="",
        clock=FakeClock(START),
        open_player=lambda: SilentPlayer(notice="No sound device found."),
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await settled(pilot)
        assert "No sound device found." in app.screen.query_one("#audio").plain
        await settled(pilot)
        assert "Settling pads, not heard" in app.screen.query_one("#audio").plain
        assert not list(app._notifications)


async def test_a_sound_fault_arising_mid_session_is_told_once_and_stays_in_the_panel(tmp_path):
    player = SilentPlayer()
    app, clock, player, store = console(tmp_path, player=player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not list(app._notifications)
        player.notice = "The sound device went away: the session goes on silently."
        for _ in range(3):
            clock.advance(1)
            app.screen.tick()
            await pilot.pause()
        toasts = [n.message for n in app._notifications]
        assert toasts == ["The sound device went away: the session goes on silently."]
        await settled(pilot)
        assert "went away" in app.screen.query_one("#audio").plain
        player.notice = "Skipped rain.ogg: it could not be read."
        app.screen.tick()
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == "Skipped rain.ogg: it could not be read."
        assert len(list(app._notifications)) == 2


async def test_a_reminder_due_while_the_console_was_closed_is_shown_on_resume_without_a_chime(tmp_path):
    clock = FakeClock(START)
    store, session_id = await _interrupted_session(tmp_path, clock)
    clock.advance(2400)
    app, _, player, _ = console(tmp_path, clock=clock, store=store, script=None, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        due = app.screen.query_one("#due")
        assert due.has_class("-due") and "Blood pressure check" in due.plain
        assert not [call for call in player.calls if call[0] == "chime"]


async def test_square_brackets_in_what_people_type_are_shown_as_typed(tmp_path):
    """Client codes, notes, amounts and checklist items are text, never markup."""
    clock = FakeClock(START)
    store = JournalStore(tmp_path / "journals")
    script = console_script()
    session = LiveSession.start(script, store, clock, client_code="[b]K-1[/b")
    session.add_note("[red]not red")
    session.close()
    app, *_ = console(tmp_path, clock=clock, store=store, script=None, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "client [b]K-1[/b" in str(app.screen.query_one(".message").content)
        await pilot.press("y")
        await pilot.pause()
        assert "client [b]K-1[/b" in app.screen.query_one("#status").plain
        await settled(pilot)
        assert "[red]not red" in app.screen.query_one("#notes").plain
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#amount").value = "[b"
        await pilot.press("enter")
        await pilot.pause()
        assert "'[b' is not a number" in str(app.screen.query_one("#refusal").content)


async def test_the_console_takes_sigterm_and_sighup_while_open_and_gives_them_back(tmp_path):
    import signal

    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
        assert handlers[0] == app._signals._on_signal and handlers[1] == app._signals._on_signal
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before


BREAKPOINT_CLASSES = {name for _, name in SessionScreen.HORIZONTAL_BREAKPOINTS + SessionScreen.VERTICAL_BREAKPOINTS}


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (59, 15, {"-tiny-w", "-tiny-h"}),
        (60, 16, {"-narrow", "-short"}),
        (80, 24, {"-narrow", "-short"}),
        (109, 29, {"-narrow", "-short"}),
        (110, 30, {"-wide", "-tall"}),
        (159, 47, {"-wide", "-tall"}),
        (160, 48, {"-vast", "-tall"}),
    ],
)
async def test_the_session_screen_is_built_with_the_size_classes_textual_gives_it(tmp_path, width, height, expected):
    """Given as the screen is built, so its first resize restyles nothing; at every threshold
    they must be the ones Textual sets (it would replace wrong ones, and this would fail)."""
    app, *_ = console(tmp_path)
    async with app.run_test(size=(width, height)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        built_with = set(size_classes(screen, Size(width, height)))
        assert built_with == expected
        unmounted = SessionScreen(app.session, app.audio, app.session.clock)
        assert unmounted.classes & BREAKPOINT_CLASSES == built_with  # before any resize reaches it
        await settled(pilot)
        assert screen.classes & BREAKPOINT_CLASSES == built_with  # Textual's own, after its resize
        turned = Size(height + 40, width)
        await pilot.resize_terminal(*turned)  # and they follow a resize as before
        await until(pilot, lambda: screen.classes & BREAKPOINT_CLASSES != built_with)
        assert screen.classes & BREAKPOINT_CLASSES == set(size_classes(screen, turned))


async def test_the_clients_notes_are_looked_up_after_the_first_frame(tmp_path, monkeypatch):
    """Reading the standing notes and past journals (in a thread) waits until the panels are up,
    so it does not compete with the first frame."""
    from companion.core.course.notes import StandingNotes
    from companion.core.course.notes_store import NotesStore
    from companion.ui import course_link

    NotesStore().save("K-7", StandingNotes(music="strings"))
    looked_up_with_panels: list[bool] = []
    gather = course_link._gather

    def watched(screen):
        looked_up_with_panels.append(screen._complete and bool(screen.query("#panels")))
        return gather(screen)

    monkeypatch.setattr(course_link, "_gather", watched)
    app, *_ = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.id == "client-notes")  # the notes still show at arrival
    assert looked_up_with_panels == [True]
