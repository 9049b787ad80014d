"""Opening grounding exercises from the console, journaled as started, moved and finished.

The exercise screen and picker belong to their own module; until it is present the console
says so plainly instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from companion.core.timeline import SessionState

UNAVAILABLE = "Grounding exercises are not available in this build."


FALLBACK = "five-senses"  # grounding through the senses needs no breath work


def first_for(state: SessionState, known: Iterable[str]) -> str | None:
    """The exercise the distress key opens: the phase's first; else the first any phase of the
    script names; else 5-4-3-2-1 senses; else the library's first. None: no exercise at all."""
    available = list(known)
    named = [*state.phase.exercises, *(e for phase in state.script.phases for e in phase.exercises), FALLBACK]
    return next((exercise for exercise in named if exercise in available), available[0] if available else None)


async def pick(app: Any, state: SessionState) -> str | None:
    """The exercise the therapist picks: the phase's own first, then the library."""
    try:
        from companion.ui.screens.exercise_picker import ExercisePicker
    except ImportError:
        app.notify(UNAVAILABLE)
        return None
    library = app.library
    phase_exercises = [library.exercises[i] for i in state.phase.exercises if i in library.exercises]
    return await app.push_screen_wait(ExercisePicker(phase_exercises, list(library.exercises.values())))


async def run(app: Any, session: Any, exercise_id: str, audio: Any) -> None:
    """Show the exercise; journal its start and how far it got."""
    try:
        from companion.ui.screens.exercise import ExerciseScreen
    except ImportError:
        app.notify(UNAVAILABLE)
        return
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
