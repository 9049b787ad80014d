"""Every key of the session screen, driven through the real app: the state and the journal after."""

from __future__ import annotations

import time
from pathlib import Path

from console_kit import console, make_library, patience, settled

from companion.audio.director import VOLUME_STEP
from companion.core.events import (
    ChecklistTicked,
    DistressMarked,
    DoseGiven,
    ExerciseFinished,
    ExerciseMoved,
    ExerciseStarted,
    MusicChanged,
    NoteAdded,
    Paused,
    PhaseAdjusted,
    PhaseStarted,
    ReminderAcknowledged,
    Resumed,
    SessionEnded,
    VitalsRecorded,
)
from companion.core.journal.store import read_journal
from companion.core.scripts.playlists import Playlist, Track
from companion.ui.screens.session import SessionScreen
from companion.ui.timefmt import wall_text

SIZE = (100, 30)


def journal(app, store):
    return read_journal(store.path_for(app.session.session_id)).events


def kinds(app, store, kind):
    return [event for event in journal(app, store) if isinstance(event, kind)]


async def each(pilot, *keys: str, wait: float | None = None) -> None:
    """Press the keys one at a time, letting the app take each before the next."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause(wait)


async def started(pilot):
    await pilot.pause()
    assert isinstance(pilot.app.screen, SessionScreen)


async def test_starts_on_the_first_phase_with_its_music(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.session.state().phase.id == "arrival"
        assert ("play", "settling", 0.35) in player.calls
        first = journal(app, store)[0]
        assert first.client_code == "K-7"


async def test_the_time_left_reads_as_a_span_not_a_time_of_day(tmp_path):
    app, clock, *_ = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        clock.advance(62)
        app.screen.tick()
        await pilot.pause()
        assert "13 min 58 s left  of 15 min" in app.screen.query_one("#phase").plain


async def test_space_pauses_and_resumes(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        clock.advance(60)
        await pilot.press("space")
        assert app.session.state().paused
        assert "PAUSED" in app.screen.query_one("#status").plain
        clock.advance(600)
        await pilot.press("space")
        state = app.session.state()
        assert not state.paused
        assert state.phase_elapsed == 60
    assert len(kinds(app, store, Paused)) == 1 and len(kinds(app, store, Resumed)) == 1


async def test_next_asks_when_the_checklist_is_incomplete_and_stays_on_no(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert "Checklist not complete" in str(app.screen.query_one(".box").border_title)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.session.state().phase.id == "arrival"
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("y")  # move on anyway
        await pilot.pause()
        assert app.session.state().phase.id == "dosing"
        # entering the dose phase asks for the dose
        assert app.screen.id == "dose-form"
        await pilot.press("escape")
        await pilot.pause()
    assert [e.phase_id for e in kinds(app, store, PhaseStarted)] == ["arrival", "dosing"]
    assert ("play", "journey", 0.5) in player.calls


async def test_checklist_ticks_then_next_goes_straight_on(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("space", "down", "enter", "up", "space", "space", "escape")
        await pilot.pause()
        state = app.session.state()
        assert state.checklist_complete
        await settled(pilot)
        assert "■ Blood pressure taken" in app.screen.query_one("#guide").plain
        await pilot.press("n")
        await pilot.pause()
        assert app.session.state().phase.id == "dosing"
    ticks = kinds(app, store, ChecklistTicked)
    assert [(t.item, t.done) for t in ticks] == [
        ("Blood pressure taken", True),
        ("Eyeshades ready", True),
        ("Blood pressure taken", False),
        ("Blood pressure taken", True),
    ]


async def test_back_returns_to_the_previous_phase(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.session.next_phase()
        await pilot.press("b")
        assert app.session.state().phase.id == "arrival"
    assert kinds(app, store, PhaseStarted)[-1].move == "back"


async def test_plus_and_minus_move_the_phase_end_by_five_minutes(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("plus")
        assert app.session.state().phase_planned == 900 + 300
        await pilot.press("minus", "minus")
        assert app.session.state().phase_planned == 900 - 300
        assert "10 min left" in app.screen.query_one("#phase").plain
    assert [e.seconds for e in kinds(app, store, PhaseAdjusted)] == [300, -300, -300]


async def test_dose_form_records_the_dose_and_shows_time_since_dose(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("5", "0", "enter")
        await pilot.pause()
        clock.advance(125)
        app.screen.tick()
        await pilot.pause()
        state = app.session.state()
        assert state.dose is not None and state.since_dose == 125
        assert app.screen.query_one("DoseClock").digits_value == "2:05"
    (dose,) = kinds(app, store, DoseGiven)
    assert (dose.amount, dose.unit, dose.route, dose.given_at) == (50, "mg", "IM", clock.now() - 125)


async def test_dose_time_can_be_typed_earlier(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        form.query_one("#time").value = wall_text(clock.now() - 600)
        form.query_one("#lot").value = "LOT-9"
        await pilot.press("4", "0", "enter")
        await pilot.pause()
    (dose,) = kinds(app, store, DoseGiven)
    assert clock.now() - 660 < dose.given_at <= clock.now() - 600
    assert dose.lot == "LOT-9"


async def test_vitals_refuses_an_implausible_number_then_records_and_flags(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("4", "0", "0", "tab", "8", "0", "enter")
        await pilot.pause()
        form = app.screen
        assert form.id == "vitals-form"
        assert "Systolic pressure 400 is outside 50-300" in form.refusal
        assert not kinds(app, store, VitalsRecorded)
        form.query_one("#systolic").value = "172"
        form.query_one("#heart_rate").value = "80"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        shown = app.screen.query_one("#vitals").plain
        assert "BP 172/80" in shown and "HR 80" in shown
        assert "160" in shown  # the protocol's own number is named beside the flag
        assert not list(app._notifications)  # said once, in the panel, not again in a toast over it
    (vitals,) = kinds(app, store, VitalsRecorded)
    assert (vitals.systolic, vitals.diastolic, vitals.heart_rate, vitals.spo2) == (172, 80, 80, None)


async def test_note_is_added_with_its_time(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("t")
        await pilot.pause()
        for key in "calm":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        await settled(pilot)
        assert "calm" in app.screen.query_one("#notes").plain
    (note,) = kinds(app, store, NoteAdded)
    assert note.text == "calm" and note.at == clock.now()


async def test_a_note_is_confirmed_when_the_window_is_too_small_to_show_it(tmp_path):
    app, clock, *_ = console(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await settled(pilot)
        await pilot.resize_terminal(50, 14)
        await pilot.pause()
        await pilot.press("t", *"settled", "enter")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [f"Note kept, {wall_text(clock.now())}."]


async def test_at_80x24_a_note_shows_on_the_panels_one_line_without_a_toast(tmp_path):
    app, *_ = console(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await settled(pilot)
        await pilot.press("t", *"settled", "enter")
        await pilot.pause()
        assert "settled" in app.screen.query_one("#notes").plain
        assert not list(app._notifications)


async def test_a_note_in_view_needs_no_toast(tmp_path):
    app, *_ = console(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(pilot)
        await pilot.press("t", *"settled", "enter")
        await pilot.pause()
        await settled(pilot)
        assert "settled" in app.screen.query_one("#notes").plain
        assert not list(app._notifications)


async def test_due_reminder_chimes_stays_until_acknowledged(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.session.give_dose(50, "mg", "IM")
        clock.advance(2400)
        app.screen.tick()
        await pilot.pause()
        due = app.screen.query_one("#due")
        assert due.has_class("-due") and "Blood pressure check" in due.plain
        assert ("chime", "soft-bell") in player.calls
        clock.advance(300)
        app.screen.tick()
        assert due.has_class("-due")
        assert player.calls.count(("chime", "soft-bell")) == 1
        await pilot.press("a")
        assert not due.has_class("-due")
    assert [e.reminder_id for e in kinds(app, store, ReminderAcknowledged)] == ["journey.bp"]


async def test_auto_phase_moves_on_by_itself_and_changes_the_music(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.session.jump("settle")
        app.screen.tick()
        clock.advance(601)
        app.screen.tick()
        await pilot.pause()
        assert app.session.state().phase.id == "integration"
        assert player.calls[-1][0] == "stop"  # integration is silent


async def test_distress_fades_marks_and_opens_the_phase_exercise(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.session.jump("journey")
        await pilot.press("x")
        await pilot.pause()
        fade = [call for call in player.calls if call[0] == "fade_to_silence"]
        assert fade and fade[0][1] <= 5
        assert type(app.screen).__name__ == "ExerciseScreen"
        assert app.session.state().exercise_running == "five-senses"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await settled(pilot)
        assert "silent now (f brings it back)" in app.screen.query_one("#audio").plain
    assert len(kinds(app, store, DistressMarked)) == 1
    (finished,) = kinds(app, store, ExerciseFinished)
    assert finished.exercise_id == "five-senses" and not finished.completed


async def test_f_brings_the_phase_s_music_back_after_distress_at_the_level_last_set(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.session.jump("journey")
        app.screen.show_state()  # the screen takes the jump (and the phase's music) at once
        journey = app.session.state().phase
        await pilot.press("left_square_bracket")  # the therapist's own level, below the phase's
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await settled(pilot)
        assert player.calls[-1][0] == "fade_to_silence"
        await pilot.press("f")
        await settled(pilot)
        assert player.calls[-1] == ("play", journey.music, round(journey.volume - VOLUME_STEP, 2))
        assert "♪" in app.screen.query_one("#audio").plain
        await pilot.press("f")  # playing again: f fades it out as before
        assert player.calls[-1][0] == "stop"
        await settled(pilot)
        assert "silent now (f brings it back)" in app.screen.query_one("#audio").plain
        app.session.next_phase()  # a new phase: its own music, as always
        app.screen.show_state()
        await settled(pilot)
        following = app.session.state().phase
        assert following.music and player.calls[-1][:2] == ("play", following.music)
        assert "f brings it back" not in app.screen.query_one("#audio").plain
    assert len(kinds(app, store, DistressMarked)) == 1


async def test_g_offers_the_exercises_and_journals_the_one_run(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExercisePicker"
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExerciseScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
    assert [e.exercise_id for e in kinds(app, store, ExerciseStarted)] == ["five-senses"]
    assert len(kinds(app, store, ExerciseFinished)) == 1


async def test_moves_inside_an_exercise_are_journaled_for_the_client_display(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await each(pilot, "g", "enter")
        assert type(app.screen).__name__ == "ExerciseScreen"
        await each(pilot, "space", "p", "escape")
    moved = kinds(app, store, ExerciseMoved)
    assert [(e.exercise_id, e.move) for e in moved] == [("five-senses", "forward"), ("five-senses", "pause")]
    assert 0 <= moved[0].after <= moved[1].after < 5
    started_at = kinds(app, store, ExerciseStarted)[0].at
    finished_at = kinds(app, store, ExerciseFinished)[0].at
    assert started_at <= moved[0].at <= finished_at


async def test_mute_volume_and_fade(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("m")
        await settled(pilot)
        assert player.muted and "muted" in app.screen.query_one("#audio").plain
        await pilot.press("m", "right_square_bracket")
        assert not player.muted and player.volume == round(0.35 + VOLUME_STEP, 2)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert player.volume == round(0.35 - VOLUME_STEP, 2)
        await settled(pilot)
        assert f"vol {round((0.35 - VOLUME_STEP) * 100)}%" in app.screen.query_one("#audio").plain
        await pilot.press("f")
        assert player.calls[-1][0] == "stop"
        await settled(pilot)
        assert "silent now (f brings it back)" in app.screen.query_one("#audio").plain
    changes = [(e.change, e.playlist, e.value) for e in kinds(app, store, MusicChanged)]
    assert changes == [
        ("playlist", "settling", 0.35),
        ("mute", "settling", 0.0),
        ("unmute", "settling", 0.0),
        ("volume", "settling", 0.45),
        ("volume", "settling", 0.35),
        ("volume", "settling", 0.25),
        ("fade", "settling", 0.0),
    ]


async def test_depth_keys_glide_a_soundscape_and_are_journaled(tmp_path):
    library = make_library()
    layers = tuple(
        Track(path=Path(f"/nonexistent/{name}.ogg"), title=name.title(), level=0.8, depth=depth)
        for name, depth in (("pad", 0.0), ("rain", 0.7))
    )
    library.playlists["journey"] = Playlist("journey", "Still water", layers, layered=True, depth=0.5)
    app, clock, player, store = console(tmp_path, library=library)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("right_curly_bracket")  # plain music: nothing to deepen
        assert not [call for call in player.calls if call[0] == "set_depth"]
        app.session.jump("journey")
        app.screen.show_state()
        await settled(pilot)
        await pilot.press("right_curly_bracket", "right_curly_bracket", "left_curly_bracket")
        assert [call for call in player.calls if call[0] == "set_depth"] == [
            ("set_depth", 0.6),
            ("set_depth", 0.7),
            ("set_depth", 0.6),
        ]
        await pilot.pause()
        assert "depth 60%  2 layers (l)" in app.screen.query_one("#audio").plain
        await each(pilot, "l", "down", "left", "left", "escape")  # the rain layer, 4 dB down
        assert [call for call in player.calls if call[0] == "set_layer_level"] == [
            ("set_layer_level", 1, 0.7),
            ("set_layer_level", 1, 0.6),
        ]
        assert app.screen.audio.layers == (("Pad", 0.8), ("Rain", 0.6))
    depths = [(e.playlist, e.value) for e in kinds(app, store, MusicChanged) if e.change == "depth"]
    assert depths == [("journey", 0.6), ("journey", 0.7), ("journey", 0.6)]
    layer = [(e.layer, e.value) for e in kinds(app, store, MusicChanged) if e.change == "layer"]
    assert layer == [("Rain", 0.7), ("Rain", 0.6)]


async def test_dim_toggles_and_keeps_the_one_theme(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("D")
        assert app.dimmed and app.theme == "dark-room"
        await pilot.press("D")
        assert not app.dimmed and app.theme == "dark-room"


async def test_quit_asks_and_leaves_the_session_resumable(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, SessionScreen)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert not app.is_running
    assert [s.session_id for s in store.unfinished()] == [app.session.session_id]


async def test_closing_fades_the_music_out_before_the_console_goes(tmp_path):
    from companion.audio.director import DRAIN
    from companion.ui.app import CLOSING_FADE

    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert player.now_playing is not None
        await each(pilot, "q")
        asked = time.monotonic()
        await pilot.press("y")
        assert player.calls[-1] == ("stop", CLOSING_FADE)
        for _ in patience():
            if not app.is_running:
                break
            await pilot.pause(0.05)
        assert not app.is_running
        # Still there while the music faded: a busy machine only makes this longer.
        assert time.monotonic() - asked >= CLOSING_FADE + DRAIN


async def test_closing_with_nothing_heard_is_immediate(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("m")  # muted: nothing to fade
        await each(pilot, "q")
        await each(pilot, "y", wait=0.3)
        assert not app.is_running
        assert ("stop", 2.0) not in player.calls


async def test_closing_after_distress_has_nothing_left_to_fade(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await each(pilot, "x", "escape")
        assert any(call[0] == "fade_to_silence" for call in player.calls)
        await each(pilot, "q")
        await each(pilot, "y", wait=0.3)
        assert not app.is_running  # at once: the music was silent already
        assert not any(call[0] == "stop" for call in player.calls)


async def test_end_closes_the_session_and_offers_the_report(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.session.state().ended
        assert "Write the session report" in str(app.screen.query_one(".message").content)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("n", "space", "plus")  # refused once ended
        assert app.session.state().phase.id == "arrival"
        assert app.screen.query_one("#phase-clock-label").plain == "SESSION ENDED"
        assert not app.screen.query_one("#phase-digits").display  # no "time left" once nothing runs
        await settled(pilot)
        assert "asks for vitals" not in app.screen.query_one("#vitals").plain
    assert len(kinds(app, store, SessionEnded)) == 1
    assert not kinds(app, store, Paused)
    assert store.unfinished() == []


async def test_the_report_offered_at_the_end_is_written(tmp_path, private_dirs):
    data, _ = private_dirs
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.session.add_note("a quiet session")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
    (report,) = (data / "reports").glob("*.md")
    assert "a quiet session" in report.read_text()


async def test_a_rehearsal_report_stays_beside_the_rehearsal_journal(tmp_path, private_dirs):
    from companion.core.journal.store import JournalStore

    data, _ = private_dirs
    rehearsals = JournalStore(tmp_path / "rehearsals")
    app, clock, player, store = console(tmp_path, speed=60, rehearsal_store=rehearsals)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert list((tmp_path / "rehearsals").glob("*.md"))
    assert not (data / "reports").exists() or not list((data / "reports").glob("*"))


async def test_question_mark_lists_every_key(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.id == "keys"
        listed = app.screen.listed
        for binding in SessionScreen.BINDINGS:
            assert binding.tooltip in listed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


async def test_a_manual_phase_past_its_plan_says_so_calmly(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await started(pilot)
        clock.advance(900 + 125)
        app.screen.tick()
        await pilot.pause()
        assert "2 min 5 s past the plan" in app.screen.query_one("#phase").plain
        assert app.screen.query_one("#phase-clock-label").plain == "PAST THE PLAN"
        assert app.session.state().phase.id == "arrival"  # a manual phase waits for the therapist


async def test_the_depth_and_layer_keys_are_in_the_command_palette(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Depth- ({)", "Depth+ (})", "Layers (l)"} <= set(titles)
