"""What a new session of a known client carries forward from the last one.

`last_session(code, stores, exclude=...)` is the client's latest readable session before this
one: its date, dose (amount, unit, route, lot: defaults for the dose form, still confirmed by
the therapist), how long each phase really ran, and what to notice (assessment notices such as
PHQ-9 item 9, adverse events, distress markers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from companion.core.course import words
from companion.core.course.model import CourseSession, read_course
from companion.core.events import PhaseStarted, SessionEnded, SessionStarted
from companion.core.journal.store import JournalError, JournalStore, read_journal
from companion.core.report.model import DoseLine, Times


@dataclass(frozen=True)
class LastSession:
    session_id: str
    started_at: float
    script_id: str
    dose: DoseLine | None  # the last dose given, in this session or an earlier one
    notices: tuple[str, ...]
    phase_minutes: tuple[tuple[str, float], ...]  # (phase id, minutes it ran), in order

    def summary(self, times: Times | None = None) -> str:
        """ "Last session 2027-01-12 (im-standard): 60 mg IM, lot B7." and its notices."""
        times = times or Times()
        text = f"Last session {times.date(self.started_at)} ({self.script_id})"
        if self.dose is None:
            text += ": no dose recorded."
        elif times.date(self.dose.given_at) == times.date(self.started_at):
            text += f": {words.dose_text(self.dose)}."
        else:
            text += f", no dose; the last dose, {times.date(self.dose.given_at)}: {words.dose_text(self.dose)}."
        if self.notices:
            text += " " + " ".join(notice.rstrip(".") + "." for notice in self.notices)
        return text

    def dose_fits(self, route: str) -> bool:
        """Whether the last dose may stand as this session's default: same route (or none named)."""
        if self.dose is None:
            return False
        return not route or not self.dose.route or route.strip().casefold() == self.dose.route.strip().casefold()


def last_session(code: str, stores: Sequence[JournalStore], exclude: str = "") -> LastSession | None:
    course = read_course(code, stores)
    readable = [s for s in course.readable if s.session_id != exclude and s.started_at is not None]
    if not readable:
        return None
    latest = readable[-1]
    dosed = [s for s in readable if s.dose is not None]
    return LastSession(
        session_id=latest.session_id,
        started_at=latest.started_at or 0.0,
        script_id=latest.script_id,
        dose=dosed[-1].dose if dosed else None,
        notices=tuple(words.notices(latest)),
        phase_minutes=_phase_minutes(latest),
    )


def _phase_minutes(session: CourseSession) -> tuple[tuple[str, float], ...]:
    """How long each phase ran, from the phase moves the journal holds (pauses included)."""
    try:
        events = sorted(read_journal(session.path).events, key=lambda e: e.at)
    except JournalError:
        return ()
    marks: list[tuple[str, float]] = []
    end = session.ended_at
    for event in events:
        if isinstance(event, PhaseStarted):
            marks.append((event.phase_id, event.at))
        elif isinstance(event, SessionStarted) and not marks:
            marks.append(("", event.at))
        elif isinstance(event, SessionEnded):
            end = event.at
            break
    out = []
    for index, (phase_id, began) in enumerate(marks):
        finish = marks[index + 1][1] if index + 1 < len(marks) else end
        if phase_id and finish is not None:
            out.append((phase_id, round((finish - began) / 60.0, 1)))
    return tuple(out)
