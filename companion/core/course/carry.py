"""What a new session of a known client carries forward from the last one.

`last_session(code, stores, exclude=...)` is the client's latest readable session before this
one: its date, dose (amount, unit, route, lot: defaults for the dose form, still confirmed by
the therapist), how long each phase really ran, and what to notice (assessment notices such as
PHQ-9 item 9, adverse events, distress markers). When the therapist adopts those phase
lengths (a `PhaseLengthsAdopted` event), `adjustment` says how much to extend or shorten each
phase as it begins, journaled as an ordinary PhaseAdjusted, so a replay needs nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from companion.core.course import words
from companion.core.course.model import CourseSession, read_course
from companion.core.events import Event, PhaseAdjusted, PhaseLengthsAdopted
from companion.core.journal.store import JournalError, JournalStore, read_journal
from companion.core.report.lines import DoseLine, Times
from companion.core.scripts.script import SessionScript
from companion.core.timeline import compute_state


@dataclass(frozen=True)
class LastSession:
    session_id: str
    started_at: float
    script_id: str
    dose: DoseLine | None  # the last dose given, in this session or an earlier one
    notices: tuple[str, ...]
    phase_minutes: tuple[tuple[str, float], ...]  # (phase id, minutes) in the last ended session of the script

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


def last_session(
    code: str, stores: Sequence[JournalStore], exclude: str = "", script: SessionScript | None = None
) -> LastSession | None:
    """The client's latest readable session but `exclude`, with the phase lengths of the latest
    session that ran `script` to its end."""
    course = read_course(code, stores)
    readable = [s for s in course.readable if s.session_id != exclude and s.started_at is not None]
    if not readable:
        return None
    latest = readable[-1]
    dosed = [s for s in readable if s.dose is not None]
    ran = [s for s in readable if script is not None and s.script_id == script.id and s.ended_at is not None]
    return LastSession(
        session_id=latest.session_id,
        started_at=latest.started_at or 0.0,
        script_id=latest.script_id,
        dose=dosed[-1].dose if dosed else None,
        notices=tuple(words.notices(latest)),
        phase_minutes=_phase_minutes(ran[-1], script) if ran else (),
    )


def _phase_minutes(session: CourseSession, script: SessionScript | None) -> tuple[tuple[str, float], ...]:
    """How long each phase ran (its first visit, pauses included), by the script it ran with:
    auto-advancing phases leave no event, so only the timeline knows where they began."""
    if script is None or script.id != session.script_id or session.ended_at is None:
        return ()
    try:
        events = sorted(read_journal(session.path).events, key=lambda e: e.at)
    except JournalError:
        return ()
    try:
        state = compute_state(script, events, session.ended_at)
    except ValueError:
        return ()
    seen: dict[str, float] = {}
    for visit in state.history:
        if visit.phase_id not in seen and visit.ended_at is not None:
            seen[visit.phase_id] = round((visit.ended_at - visit.started_at) / 60.0, 1)
    return tuple(seen.items())


def lengths_text(minutes: tuple[tuple[str, float], ...]) -> str:
    """ "arrival=22,dosing=5": the form PhaseLengthsAdopted records."""
    return ",".join(f"{phase}={value:g}" for phase, value in minutes)


def parse_lengths(text: str) -> dict[str, float]:
    lengths: dict[str, float] = {}
    for part in text.split(","):
        phase, _, value = part.partition("=")
        try:
            lengths[phase.strip()] = float(value)
        except ValueError:
            continue
    return lengths


def adjustment(events: Sequence[Event], phase_id: str, visit_start: float, planned: float) -> float | None:
    """Seconds to add to the current phase's plan so it runs as long as an adopted length says.

    The phase current when the lengths were adopted follows them too, and so does every phase
    begun after. None when nothing is adopted for this phase, when it was already adjusted in
    this visit (by this rule or by hand: the therapist's own change stands), or when it fits."""
    adopted = [e for e in events if isinstance(e, PhaseLengthsAdopted)]
    if not adopted:
        return None
    target = parse_lengths(adopted[-1].minutes).get(phase_id)
    if target is None:
        return None
    if any(isinstance(e, PhaseAdjusted) and e.phase_id == phase_id and e.at >= visit_start for e in events):
        return None
    delta = target * 60.0 - planned
    return delta if abs(delta) >= 30.0 else None
