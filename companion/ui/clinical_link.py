"""The console's clinical paperwork: assessments, medicines, adverse events and the discharge gate.

The session screen hands each key to one of these; every answer is journaled as it is given
(through `LiveSession.record`), and the screen redraws from the state as usual.
"""

from __future__ import annotations

from typing import Any

from companion.core import discharge
from companion.core.assessment_state import (
    AssessmentResult,
    answered_event,
    assessment_results,
    finished_event,
    next_run,
)
from companion.core.clinical_record import next_adverse_id
from companion.core.events import (
    AdverseEventRecorded,
    AssessmentStarted,
    DischargeChecked,
    MedicineAnswered,
    ReminderAcknowledged,
)
from companion.core.scripts.assessments import Assessment
from companion.core.timeline import SessionState
from companion.ui.timefmt import wall_text


async def pick_assessment(app: Any, session: Any, state: SessionState) -> None:
    """`s`: the open forms, the phase's own assessments, then the library; opens the one chosen."""
    from companion.ui.dialogs.assessment_picker import AssessmentPicker

    known: dict[str, Assessment] = app.library.assessments
    own = [known[ident] for ident in state.phase.assessments if ident in known]
    open_forms = [result for result in state.assessments if result.open and result.assessment_id in known]
    problems = [str(problem) for problem in app.library.assessment_problems()]
    choice = await app.push_screen_wait(AssessmentPicker(own, list(known.values()), open_forms, problems))
    if not choice:
        return
    if choice.startswith("run:"):
        form = next(result for result in open_forms if result.run == choice[4:])
        await fill_in(app, session, known[form.assessment_id], form.run)
    else:
        await fill_in(app, session, known[choice])


async def open_from_reminder(app: Any, session: Any, assessment_id: str, reminder_id: str) -> None:
    """A due reminder that names an assessment opens its form (an open one is continued)."""
    assessment = app.library.assessments.get(assessment_id)
    if assessment is None:  # its file is gone or broken: the reminder must not stay due for ever
        session.record(ReminderAcknowledged(at=session.now(), reminder_id=reminder_id))
        app.notify(
            f"The assessment {assessment_id!r} is not in the library (s says why); the reminder is marked done.",
            markup=False,
            timeout=10,
        )
        return
    state = session.state()
    open_form = next((r for r in state.assessments if r.open and r.assessment_id == assessment_id), None)
    await fill_in(app, session, assessment, open_form.run if open_form else None, reminder_id=reminder_id)


async def fill_in(
    app: Any, session: Any, assessment: Assessment, run: str | None = None, *, reminder_id: str = ""
) -> AssessmentResult | None:
    """Show the form; journal each answer, and the end. Finishing acknowledges its reminders."""
    from companion.ui.dialogs.assessment_form import Answer, AssessmentForm

    started = run is not None
    run_name = run or next_run(session.events, assessment.id)

    def current() -> AssessmentResult:
        found = [r for r in assessment_results(session.events) if r.run == run_name]
        if found:
            return found[0]
        now = session.now()
        return AssessmentResult(run_name, assessment.id, assessment.title, now, None, False, (), None, "")

    def begin() -> None:
        """The form is journaled from its first answer (or its end): opening it and leaving is nothing."""
        nonlocal started
        if not started:
            session.record(
                AssessmentStarted(
                    session.now(), run_name, assessment.id, assessment.title, reminder_id, assessment.terms
                )
            )
            started = True

    def record(answer: Answer) -> AssessmentResult:
        begin()
        session.record(
            answered_event(
                assessment,
                run_name,
                answer.item_id,
                session.now(),
                score=answer.score,
                answer=answer.answer,
                moment=answer.moment,
            )
        )
        return current()

    def finish() -> AssessmentResult:
        begin()
        session.record(finished_event(assessment, current(), session.now()))
        return current()

    result: AssessmentResult | None = await app.push_screen_wait(
        AssessmentForm(assessment, current(), record=record, finish=finish, now=session.now)
    )
    if result is None:
        if reminder_id and not started:
            await _maybe_done_without(app, session, assessment, reminder_id)
        return None
    state = session.state()
    for status in state.reminders_due:
        if status.reminder.assessment == assessment.id or status.reminder.id == reminder_id:
            session.record(ReminderAcknowledged(at=session.now(), reminder_id=status.reminder.id))
    app.notify(result_words(result), title=assessment.title, timeout=8, markup=False)
    return result


async def _maybe_done_without(app: Any, session: Any, assessment: Assessment, reminder_id: str) -> None:
    """Closed from a reminder before any answer: the clinician may decide it is not to be done."""
    from companion.ui.dialogs.confirm import ConfirmDialog

    if await app.push_screen_wait(
        ConfirmDialog(
            assessment.title,
            f"Nothing was answered. Mark the reminder done without {assessment.title}?",
            yes="Mark done",
            no="Keep it due",
        )
    ):
        session.record(ReminderAcknowledged(at=session.now(), reminder_id=reminder_id))


def result_words(result: AssessmentResult) -> str:
    if result.score is not None:
        band = f", {result.band}" if result.band else ""
        return f"Score {result.score}{band}. Recorded at {wall_text(result.finished_at or result.started_at)}."
    return f"{len(result.answers)} answer(s) recorded."


async def ask_medicines(app: Any, session: Any, state: SessionState) -> None:
    from companion.ui.dialogs.medicines import MedicinesDialog

    medicines = state.script.medicines
    if not medicines:
        app.notify("This script lists no medicines to ask about.")
        return

    def answer(medicine: Any, taking: str) -> None:
        session.record(MedicineAnswered(at=session.now(), medicine_id=medicine.id, name=medicine.name, taking=taking))

    answers = {ident: event.taking for ident, event in state.medicines.items()}
    await app.push_screen_wait(MedicinesDialog(medicines, answers, answer))


async def record_adverse_event(app: Any, session: Any, state: SessionState) -> None:
    """A new adverse event, or (when some are recorded) a correction of one, chosen first."""
    from companion.ui.dialogs.adverse_event import AdverseEventForm

    standing = None
    if state.adverse_events:
        from companion.ui.dialogs.choice import ChoiceDialog

        options = [("new", "Record a new adverse event")]
        options += [
            (entry.entry_id, f"Correct {entry.entry_id}: {entry.current.what} ({wall_text(entry.current.occurred_at)})")
            for entry in state.adverse_events
        ]
        picked = await app.push_screen_wait(ChoiceDialog("Adverse events", options))
        if picked is None:
            return
        standing = next((entry.current for entry in state.adverse_events if entry.entry_id == picked), None)
    entry = await app.push_screen_wait(AdverseEventForm(session.now(), standing))
    if entry is None:
        return
    durable = session.record(
        AdverseEventRecorded(
            at=session.now(),
            entry_id=standing.entry_id if standing is not None else next_adverse_id(session.events),
            what=entry.what,
            occurred_at=entry.occurred_at,
            severity=entry.severity,
            serious=entry.serious,
            action=entry.action,
            outcome=entry.outcome,
            correction=standing is not None,
        )
    )
    what = "Correction" if standing else "Adverse event"
    if durable:
        app.notify(f"{what} recorded in the journal.", timeout=4)
    else:  # the red line says why; it is written as soon as the disk takes it
        app.notify(f"{what} kept, not yet on disk.", severity="warning", timeout=8)


def gate_message(state: SessionState, titles: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """The words `e` shows, and the requirements still missing."""
    check = discharge.check(state, titles)
    if state.script.discharge is None:
        return "End the session now? The journal is closed and the timeline stops.", ()
    if check.clear:
        return "Every discharge requirement of this script is met.\nEnd the session now?", ()
    lines = ["Not yet met for discharge:"]
    lines += [f"  □ {item}" for item in check.missing]
    lines.append("\nEnd the session anyway? The journal and the report will say what was missing.")
    return "\n".join(lines), check.missing


async def confirm_end(app: Any, session: Any, state: SessionState) -> bool:
    """`e`: the discharge gate's list and the question; the clinician decides. Journals the check."""
    from companion.ui.dialogs.confirm import ConfirmDialog

    titles = {ident: assessment.title for ident, assessment in app.library.assessments.items()}
    message, missing = gate_message(state, titles)
    yes = "End anyway" if missing else "End it"
    # With items missing, Enter goes back: ending anyway takes a deliberate `y` or a click.
    dialog = ConfirmDialog("End the session", message, yes=yes, no="Not yet", default=not missing)
    if not await app.push_screen_wait(dialog):
        return False
    if state.script.discharge is not None:
        session.record(DischargeChecked(at=session.now(), missing=missing, ended=True))
    return True
