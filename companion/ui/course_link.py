"""The console's side of a course: the client's standing notes and what the last session carries.

The session screen calls three things here: `open_notes` (the `i` key and the palette),
`at_arrival` (a new session of a client with standing notes shows them once) and `carried_dose`
(the dose form's defaults from the last session, still confirmed by the therapist). Saving the
notes journals a `ClientNotesChanged` in the session, and says "saved" only once it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from companion.core.events import ClientNotesChanged, PhaseStarted, SessionStarted

if TYPE_CHECKING:
    from companion.core.course.carry import LastSession
    from companion.core.course.notes import StandingNotes
    from companion.ui.screens.session import SessionScreen

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
        return last_session(_code(screen), [store], exclude=screen.session.session_id)
    except OSError:
        return None


def _read(code: str) -> tuple[StandingNotes, str]:
    from companion.core.course.notes import StandingNotes
    from companion.core.course.notes_store import NotesError, NotesStore

    try:
        return NotesStore().current(code)[0], ""
    except NotesError as error:
        return StandingNotes(), f"The standing notes could not be read: {error}"


async def open_notes(screen: SessionScreen) -> None:
    """Show the notes; `e` in the view opens the form; a kept form is saved and journaled."""
    from companion.ui.dialogs.client_notes import ClientNotesForm, ClientNotesView

    code = _code(screen)
    if not code_key(code):
        screen.notify("This session has no client code: standing notes are kept by client code.", markup=False)
        return
    notes, problem = _read(code)
    last = _last(screen)
    answer = await screen.app.push_screen_wait(ClientNotesView(code, notes, last.summary() if last else "", problem))
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
    """A new session (nothing recorded yet but its start) of a client with standing notes: show them."""
    events = screen.session.events
    if any(not (isinstance(event, SessionStarted) or _opening(event)) for event in events):
        return  # resumed, or under way
    if not code_key(_code(screen)):
        return
    notes, problem = _read(_code(screen))
    if notes.empty and not problem:
        return
    screen.run_worker(open_notes(screen), exclusive=True, group="dialog")


def _opening(event: object) -> bool:
    return isinstance(event, PhaseStarted) and event.move == "start"


def carried_dose(screen: SessionScreen, route: str) -> dict[str, Any]:
    """Keyword arguments for the dose form: the last session's dose when its route fits this one."""
    last = _last(screen)
    if last is None or last.dose is None:
        return {}
    return {"carried": last.dose if last.dose_fits(route) else None, "carried_note": last.summary()}
