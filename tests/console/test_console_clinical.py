"""Assessments, medicines, adverse events and the discharge gate, driven through the real console."""

from __future__ import annotations

from dataclasses import replace

from console_kit import START, console, make_library, patience, settled
from script_kit import console_script

from companion import paths
from companion.audio.player import SilentPlayer
from companion.core.clock import FakeClock
from companion.core.events import (
    AdverseEventRecorded,
    AssessmentAnswered,
    AssessmentFinished,
    AssessmentStarted,
    DischargeChecked,
    DoseGiven,
    MedicineAnswered,
    ReminderAcknowledged,
    SessionEnded,
    VitalsRecorded,
)
from companion.core.journal.store import read_journal
from companion.core.scripts.assessments import load_assessment
from companion.core.scripts.script import Discharge, Medicine, Reminder
from companion.ui.app import make_app
from companion.ui.screens.session import SessionScreen

SIZE = (110, 36)
BUNDLED = paths.bundled_scripts_dir() / "assessments"


def clinical_library():
    base = console_script()
    arrival = replace(
        base.phases[0],
        assessments=("phq-9",),
        reminders=(Reminder(id="sedation", text="Sedation (MOAA/S)", at=60, assessment="moaa-s"),),
    )
    script = replace(
        base,
        phases=(arrival, *base.phases[1:]),
        medicines=(Medicine("benzodiazepines", "Benzodiazepines"), Medicine("opioids", "Opioids")),
        discharge=Discharge(
            minimum=7200, readings=("blood_pressure",), assessments=("moaa-s",), checklist=("Eyeshades ready",)
        ),
    )
    library = make_library(script)
    library.assessments = {
        ident: load_assessment(BUNDLED / f"{ident}.yaml") for ident in ("phq-9", "moaa-s", "post-session-check")
    }
    return library


def journal(app, store):
    return read_journal(store.path_for(app.session.session_id)).events


def kinds(app, store, kind):
    return [event for event in journal(app, store) if isinstance(event, kind)]


async def wait_for(pilot, condition) -> None:
    for _ in patience():
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the console never got there")


async def open_phq(pilot):
    await pilot.press("s")
    await wait_for(pilot, lambda: pilot.app.screen.id == "assessment-picker")
    await pilot.press("enter")  # the phase's own assessment comes first
    await wait_for(pilot, lambda: pilot.app.screen.id == "assessment-form")
    return pilot.app.screen


async def test_phq9_answers_are_journaled_one_by_one_and_item_9_raises_a_calm_notice(tmp_path):
    app, clock, player, store = console(tmp_path, library=clinical_library())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        form = await open_phq(pilot)
        for key in "12341234":  # items 1-8: scores 0,1,2,3,0,1,2,3
            await pilot.press(key)
        await pilot.pause()
        answers = kinds(app, store, AssessmentAnswered)
        assert [a.score for a in answers] == [0, 1, 2, 3, 0, 1, 2, 3]  # each on disk as it was given
        assert answers[1].answer == "Several days" and answers[0].question.startswith("Little interest")
        await pilot.press("2")  # item 9: "Several days"
        await pilot.pause()
        item9 = kinds(app, store, AssessmentAnswered)[-1]
        assert item9.item_id == "q9" and "“Several days”" in item9.notice
        assert "safety plan applies" in str(form.query_one("#notice").content)
        await pilot.press("1")  # the difficulty question: not scored
        await pilot.pause()
        result = str(form.query_one("#result").content)
        assert "Score 13 (of 0-27): Moderate" in result
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        line = app.screen.query_one("#clinical").plain
        assert "PHQ-9, item 9" in line and "The practice's safety plan applies." in line
        assert "PHQ-9 13 Moderate" in line
        for word in ("should", "call", "recommend"):  # a notice, never advice
            assert word not in line.lower()
    (finished,) = kinds(app, store, AssessmentFinished)
    assert (finished.completed, finished.score, finished.band) == (True, 13, "Moderate")
    (started,) = kinds(app, store, AssessmentStarted)
    assert "No permission required to reproduce" in started.terms  # the notice travels with the record


async def test_a_form_left_mid_way_resumes_at_the_next_item_even_after_the_console_is_gone(tmp_path):
    clock = FakeClock(START)
    library = clinical_library()
    app, clock, player, store = console(tmp_path, clock=clock, library=library)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await open_phq(pilot)
        for key in "321":
            await pilot.press(key)
        await pilot.pause()
        session_id = app.session.session_id
    # The console is gone mid-form (as after a crash): the journal holds three answers.
    assert len(kinds(app, store, AssessmentAnswered)) == 3
    summary = next(s for s in store.unfinished() if s.session_id == session_id)
    again = make_app(library, store=store, resume=summary, clock=clock, player=SilentPlayer())
    async with again.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert "PHQ-9 left open, 3 answered: s continues it" in again.screen.query_one("#clinical").plain
        await pilot.press("s")
        await wait_for(pilot, lambda: again.screen.id == "assessment-picker")
        options = again.screen.query_one("#assessments")
        assert "Continue PHQ-9" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await wait_for(pilot, lambda: again.screen.id == "assessment-form")
        assert again.screen.item.id == "q4"
        assert "Item 4 of 10" in str(again.screen.query_one("#progress").content)
    runs = {
        event.run for event in read_journal(store.path_for(session_id)).events if isinstance(event, AssessmentStarted)
    }
    assert runs == {"phq-9#1"}  # the same form, continued


async def test_a_due_assessment_reminder_opens_its_form_with_one_key_and_finishing_acknowledges_it(tmp_path):
    app, clock, player, store = console(tmp_path, library=clinical_library())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        clock.advance(61)
        await wait_for(pilot, lambda: "a opens it" in app.screen.query_one("#due").plain)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.id == "assessment-form")
        await pilot.press("2")  # 4: lethargic response to name
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert not app.session.state().reminders_due
    (finished,) = kinds(app, store, AssessmentFinished)
    assert (finished.score, finished.band) == (4, "Sedated")
    assert [e.reminder_id for e in kinds(app, store, ReminderAcknowledged)] == ["sedation"]
    (started,) = kinds(app, store, AssessmentStarted)
    assert started.reminder_id == "sedation"


async def test_e_lists_what_discharge_still_lacks_and_the_clinician_may_end_all_the_same(tmp_path):
    app, clock, player, store = console(tmp_path, library=clinical_library())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.session.record(DoseGiven(at=clock.now(), amount=56, route="IN", given_at=clock.now()))
        clock.advance(30 * 60)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.query(".message"))
        message = str(app.screen.query_one(".message").content)
        assert "Minimum observation of 2 h since the dose: 1 h 30 min still to go" in message
        assert "No blood pressure recorded since the dose" in message
        assert "MOAA/S (sedation) not completed" in message
        assert "Not ticked: Eyeshades ready" in message
        await pilot.press("n")  # not yet: nothing ends, nothing is journaled
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert not kinds(app, store, SessionEnded) and not kinds(app, store, DischargeChecked)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.query(".message"))
        await pilot.press("y")
        await wait_for(pilot, lambda: kinds(app, store, SessionEnded))
    (check,) = kinds(app, store, DischargeChecked)
    assert check.ended and len(check.missing) == 4


async def test_with_discharge_items_missing_enter_goes_back_and_ends_nothing(tmp_path):
    app, clock, player, store = console(tmp_path, library=clinical_library())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.session.record(DoseGiven(at=clock.now(), amount=56, route="IN", given_at=clock.now()))
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.query(".message"))
        assert app.focused is not None and app.focused.id == "no"  # "Not yet" is the one Enter presses
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause()
        assert not app.session.state().ended
    assert not kinds(app, store, SessionEnded) and not kinds(app, store, DischargeChecked)


async def test_with_nothing_missing_enter_ends_the_session(tmp_path):
    app, clock, player, store = console(tmp_path)  # a script without discharge requirements
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.query(".message"))
        assert app.focused is not None and app.focused.id == "yes"
        await pilot.press("enter")
        await wait_for(pilot, lambda: kinds(app, store, SessionEnded))


async def test_medicines_and_an_adverse_event_with_its_correction_are_journaled(tmp_path):
    app, clock, player, store = console(tmp_path, library=clinical_library())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("M")
        await wait_for(pilot, lambda: app.screen.id == "medicines")
        await pilot.press("n", "y", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: app.screen.id == "adverse-event")
        await pilot.press(*"Nausea", "tab", "tab", *"mo", "tab", "n", "tab", *"Rested", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: app.screen.id == "choice")
        await pilot.press("down", "enter")  # correct ae-1
        await wait_for(pilot, lambda: app.screen.id == "adverse-event")
        app.screen.query_one("#outcome").value = "Resolved"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(kinds(app, store, AdverseEventRecorded)) == 2)
    assert [(m.medicine_id, m.taking) for m in kinds(app, store, MedicineAnswered)] == [
        ("benzodiazepines", "no"),
        ("opioids", "yes"),
    ]
    first, correction = kinds(app, store, AdverseEventRecorded)
    assert (first.entry_id, first.what, first.severity, first.serious, first.correction) == (
        "ae-1",
        "Nausea",
        "moderate",
        False,
        False,
    )
    assert (correction.entry_id, correction.outcome, correction.correction) == ("ae-1", "Resolved", True)
    assert first.outcome == ""  # the first record stands as written


async def test_vitals_take_an_optional_respiratory_rate(tmp_path):
    app, clock, player, store = console(tmp_path, library=clinical_library())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("v")
        await wait_for(pilot, lambda: app.screen.id == "vitals-form")
        await pilot.press(*"120", "tab", *"80", "tab", "tab", "tab", *"14", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert "RR 14" in app.screen.query_one("#vitals").plain
    (vitals,) = kinds(app, store, VitalsRecorded)
    assert (vitals.systolic, vitals.diastolic, vitals.respiratory_rate) == (120, 80, 14)


async def test_a_respiratory_rate_that_is_not_a_number_is_refused_and_said(tmp_path):
    app, clock, player, store = console(tmp_path, library=clinical_library())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("v")
        await wait_for(pilot, lambda: app.screen.id == "vitals-form")
        await pilot.press(*"120", "tab", *"80", "tab", "tab", "tab", *"1O", "enter")
        await wait_for(pilot, lambda: "not a whole number" in str(app.screen.query_one("#refusal").render()))
        assert app.screen.id == "vitals-form"  # kept open, with what was typed
    assert kinds(app, store, VitalsRecorded) == []


async def test_the_list_names_an_assessment_file_that_could_not_be_loaded_and_why(tmp_path):
    from pathlib import Path

    from companion.core.scripts.problems import Problem

    library = clinical_library()
    broken = Problem(Path("/practice/assessments/cadss.yaml"), 12, 5, "items[3].id", 'repeated item id "q3"')
    library.assessment_problems = lambda: [broken]
    app, clock, player, store = console(tmp_path, library=library)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: app.screen.id == "assessment-picker")
        said = str(app.screen.query_one("#unavailable").content)
        assert 'Not available: /practice/assessments/cadss.yaml:12:5: items[3].id: repeated item id "q3"' in said
        assert app.screen.query_one("#assessments").option_count == 3  # the good ones are all there


async def test_adverse_events_and_medicines_are_in_the_command_palette(tmp_path):
    app, clock, player, store = console(tmp_path, library=clinical_library())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Adverse event (r)" in titles and "Medicines (M)" in titles and "Assess (s)" in titles


async def test_a_reminder_s_form_closed_unanswered_may_be_marked_done_without_it(tmp_path):
    def asks(app) -> bool:
        return any("without MOAA/S" in str(message.content) for message in app.screen.query(".message"))

    app, clock, player, store = console(tmp_path, library=clinical_library())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        clock.advance(61)
        await wait_for(pilot, lambda: "a opens it" in app.screen.query_one("#due").plain)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.id == "assessment-form")
        await pilot.press("escape")
        await wait_for(pilot, lambda: asks(app))
        await pilot.press("n")  # keep it due
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert app.session.state().reminders_due
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.id == "assessment-form")
        await pilot.press("escape")
        await wait_for(pilot, lambda: asks(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.session.state().reminders_due)
    assert not kinds(app, store, AssessmentStarted)  # nothing was filled in, nothing pretends it was
    assert [e.reminder_id for e in kinds(app, store, ReminderAcknowledged)] == ["sedation"]
