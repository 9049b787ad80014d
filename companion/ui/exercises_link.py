"""Opening grounding exercises from the console, journaled as started, moved and finished."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from companion.core.timeline import SessionState

if TYPE_CHECKING:
    from companion.audio.director import AudioDirector
    from companion.core.session import LiveSession
    from companion.ui.app import CompanionApp

FALLBACK = "five-senses"  # grounding through the senses needs no breath work


def first_for(state: SessionState, known: Iterable[str]) -> str | None:
    """The exercise the distress key opens: the phase's first; else the first any phase of the
    script names; else 5-4-3-2-1 senses; else the library's first. None: no exercise at all."""
    available = list(known)
    named = [*state.phase.exercises, *(e for phase in state.script.phases for e in phase.exercises), FALLBACK]
    return next((exercise for exercise in named if exercise in available), available[0] if available else None)


async def pick(app: CompanionApp, state: SessionState) -> str | None:
    """The exercise the therapist picks: the phase's own first, then the library."""
    from companion.ui.screens.exercise_picker import ExercisePicker

    library = app.library
    phase_exercises = [library.exercises[i] for i in state.phase.exercises if i in library.exercises]
    return await app.push_screen_wait(ExercisePicker(phase_exercises, list(library.exercises.values())))


async def run(app: CompanionApp, session: LiveSession, exercise_id: str, audio: AudioDirector) -> None:
    """Show the exercise; journal its start and how far it got."""
    from companion.ui.screens.exercise import ExerciseScreen

    exercise = app.library.exercises.get(exercise_id)
    if exercise is None:
        app.notify(f"The exercise {exercise_id!r} is not in the library.", markup=False)
        return
    session.exercise_started(exercise.id)
    outcome = await app.push_screen_wait(
        ExerciseScreen(
            exercise,
            player=audio.player,
            chimes=audio.chimes,
            clock=None,
            on_move=lambda move, after: session.exercise_moved(exercise.id, move, after),
        )
    )
    if outcome is None:
        session.exercise_finished(exercise.id, 0, False)
    else:
        session.exercise_finished(outcome.exercise_id, outcome.step_reached, outcome.completed)
