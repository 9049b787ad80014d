"""The console's side of a course: the client's standing notes and what the last session carries.

The session screen calls four things here: `open_notes` (the `i` key and the palette),
`at_arrival` (a new session of a client with standing notes shows them once), `carried_dose`
(the dose form's defaults from the last session, still confirmed by the therapist) and
`follow_lengths` (each tick: once the therapist adopted the last session's phase lengths with
`l` in the notes, a phase that begins is planned that long, as if by + and -). Saving the
notes journals a `ClientNotesChanged` in the session, and says "saved" only once it is.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from companion.core.events import ClientNotesChanged, PhaseLengthsAdopted, PhaseStarted, SessionStarted

if TYPE_CHECKING:
    from companion.core.course.carry import LastSession
    from companion.core.course.notes import StandingNotes
    from companion.ui.screens.session import SessionScreen

    Found = tuple[StandingNotes, str, LastSession | None]  # the notes, why they could not be read, the last session

# The notes and the course are read only when first wanted: nothing here may slow the first frame.


def _code(screen: SessionScreen) -> str:
    return " ".join((screen.client_code or "").split())


def code_key(code: str) -> str:
    from companion.core.course.codes import code_key

    return code_key(code)


def _last(screen: SessionScreen) -> LastSession | None:
    from companion.core.course.carry import last_session

    store = getattr(screen.app, "store", None)
    if store is None or not code_key(_code(screen)):
        return None
    try:
        return last_session(_code(screen), [store], exclude=screen.session.session_id, script=screen.session.script)
    except OSError:
        return None


def _read(code: str) -> tuple[StandingNotes, str]:
    from companion.core.course.notes import StandingNotes
    from companion.core.course.notes_store import NotesError, NotesStore

    try:
        return NotesStore().current(code)[0], ""
    except NotesError as error:
        return StandingNotes(), f"The standing notes could not be read: {error}"


def _gather(screen: SessionScreen) -> Found:
    notes, problem = _read(_code(screen))
    return notes, problem, _last(screen)


async def open_notes(screen: SessionScreen, found: Found | None = None) -> None:
    """Show the notes; `e` in the view opens the form; a kept form is saved and journaled."""
    from companion.ui.dialogs.client_notes import ClientNotesForm, ClientNotesView

    code = _code(screen)
    if not code_key(code):
        screen.notify("This session has no client code: standing notes are kept by client code.", markup=False)
        return
    notes, problem, last = found or _gather(screen)
    lengths = _lengths_words(screen, last)
    answer = await screen.app.push_screen_wait(
        ClientNotesView(code, notes, last.summary() if last else "", problem, lengths)
    )
    if answer == "lengths" and last is not None:
        adopt_lengths(screen, last)
        return
    if answer != "edit" or problem:
        return
    edited = await screen.app.push_screen_wait(ClientNotesForm(code, notes))
    if edited is not None:
        save(screen, code, edited)


def save(screen: SessionScreen, code: str, notes: StandingNotes) -> None:
    from companion.core.course.notes_store import NotesError, NotesStore

    header = screen.session.header
    encrypted = bool(header is not None and header.encrypted) or None
    try:
        version = NotesStore().save(code, notes, session_id=screen.session.session_id, encrypt=encrypted)
    except NotesError as error:
        screen.notify(f"The standing notes were not saved: {error}", severity="error", timeout=15, markup=False)
        return
    if version is None:
        screen.notify("The standing notes are unchanged.", timeout=4, markup=False)
        return
    screen.session.record(
        ClientNotesChanged(screen.clock.now(), version=version.number, fields=",".join(version.changed))
    )
    screen.notify(f"Standing notes saved (version {version.number}).", timeout=6, markup=False)


def at_arrival(screen: SessionScreen) -> None:
    """A new session (nothing recorded yet but its start) of a client with standing notes, or
    whose last session raised a notice (PHQ-9 item 9, an adverse event, distress): show them.
    The journals and notes are read in a thread; the screen stays live meanwhile."""
    events = screen.session.events
    if any(not (isinstance(event, SessionStarted) or _opening(event)) for event in events):
        return  # resumed, or under way
    if not code_key(_code(screen)):
        return
    screen.run_worker(partial(_arrival, screen), thread=True, group="course", exit_on_error=False)


def _arrival(screen: SessionScreen) -> None:
    found = _gather(screen)
    notes, problem, last = found
    if notes.empty and not problem and not (last is not None and last.notices):
        return
    screen.app.call_from_thread(
        screen.run_worker, open_notes(screen, found), exclusive=True, group="dialog", exit_on_error=False
    )


def _lengths_words(screen: SessionScreen, last: LastSession | None) -> str:
    """ "Arrival 22 min, Journey 48 min": the last session's phase lengths, when it ran this script."""
    if last is None or not last.phase_minutes or screen.session.state().ended:
        return ""
    titles = {phase.id: phase.title for phase in screen.session.script.phases}
    return ", ".join(f"{titles.get(phase, phase)} {minutes:g} min" for phase, minutes in last.phase_minutes)


def adopt_lengths(screen: SessionScreen, last: LastSession) -> None:
    from companion.core.course.carry import lengths_text

    screen.session.record(
        PhaseLengthsAdopted(screen.clock.now(), from_session=last.session_id, minutes=lengths_text(last.phase_minutes))
    )
    follow_lengths(screen)
    screen.notify("The phases are planned as long as last time; + and - still change them.", timeout=6)


_followed: WeakKeyDictionary[Any, tuple[str, float, int]] = WeakKeyDictionary()


def follow_lengths(screen: SessionScreen) -> None:
    """Each tick: a phase begun since the lengths were adopted is planned as long as last time."""
    state = screen.session.state()
    events = screen.session.events
    key = (state.phase.id, state.phase_started_at, len(events))
    if _followed.get(screen) == key:
        return
    _followed[screen] = key
    if state.ended or not any(isinstance(event, PhaseLengthsAdopted) for event in events):
        return
    from companion.core.course.carry import adjustment

    delta = adjustment(events, state.phase.id, state.phase_started_at, state.phase_planned)
    if delta is not None:
        screen.session.adjust(delta)


def _opening(event: object) -> bool:
    return isinstance(event, PhaseStarted) and event.move == "start"


def carried_dose(screen: SessionScreen, route: str) -> dict[str, Any]:
    """Keyword arguments for the dose form: the last session's dose when its route fits this one."""
    last = _last(screen)
    if last is None or last.dose is None:
        return {}
    return {"carried": last.dose if last.dose_fits(route) else None, "carried_note": last.summary()}
