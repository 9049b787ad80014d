"""A client's course of treatment, gathered from every journal that names the client.

`read_course(code, stores)` finds the client's journals (codes match as `codes` says), reads
each once and keeps, per session, what a course shows: date, script, doses and lots, the
highest blood pressure, assessments before and after the dose, adverse events, the discharge
check. A journal that cannot be read is listed as damaged, with the reason, and the rest of the
course is still read. `list_clients(stores)` is the index: each client with a count and the
last visit. Rehearsals are never part of a course.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from companion.core.course import assessments_seam as seam
from companion.core.course import parallel
from companion.core.course.codes import code_key
from companion.core.events import DistressMarked, DoseGiven, Event, SessionEnded, SessionStarted, VitalsRecorded
from companion.core.journal.reading import JournalContents, open_regular, summary_and_events
from companion.core.journal.store import JournalError, JournalStore, SessionSummary, read_journal
from companion.core.report.lines import DoseLine

if TYPE_CHECKING:
    from companion.core.scripts.assessments import Assessment

# The assessment files by id, or a way to read them that is called only when a session needs
# them: a course shown as text needs them only for an assessment its events did not score.
Instruments = Mapping[str, "Assessment"] | Callable[[], Mapping[str, "Assessment"]]

# The events a course shows: only these are built from a journal's lines (every line is still
# checked, see read_journal).
WANTED = (
    frozenset({SessionStarted.KIND, SessionEnded.KIND, DoseGiven.KIND, VitalsRecorded.KIND, DistressMarked.KIND})
    | seam.EVENT_KINDS
)


@dataclass(frozen=True)
class BloodPressure:
    at: float
    systolic: int
    diastolic: int | None


@dataclass(frozen=True)
class CourseSession:
    session_id: str
    path: Path
    started_at: float | None
    ended_at: float | None
    script_id: str
    client_code: str
    doses: tuple[DoseLine, ...] = ()
    highest_bp: BloodPressure | None = None
    distress: int = 0
    assessments: tuple[seam.ScoredAssessment, ...] = ()
    adverse_events: tuple[seam.AdverseEvent, ...] = ()
    discharge: str = ""
    problems: tuple[str, ...] = ()  # lines of the journal that were skipped, a torn end
    damaged: str = ""  # why the journal could not be read at all ("" when it was)

    @property
    def day(self) -> float | None:
        return self.started_at

    @property
    def dose(self) -> DoseLine | None:
        """The dose as the console counts it: the last entry corrects earlier ones."""
        return self.doses[-1] if self.doses else None

    def before_dose(self) -> tuple[seam.ScoredAssessment, ...]:
        dose = self.dose
        return tuple(a for a in self.assessments if dose is None or a.at < dose.given_at)

    def after_dose(self) -> tuple[seam.ScoredAssessment, ...]:
        dose = self.dose
        return tuple(a for a in self.assessments if dose is not None and a.at >= dose.given_at)


@dataclass(frozen=True)
class Course:
    client_code: str  # as it was typed most recently
    sessions: tuple[CourseSession, ...]  # oldest first, damaged ones in their place

    def since_previous(self, index: int) -> float | None:
        """Seconds from the previous session's start to this one's (None for the first)."""
        here = self.sessions[index].started_at
        for earlier in reversed(self.sessions[:index]):
            if earlier.started_at is not None and here is not None:
                return here - earlier.started_at
        return None

    @property
    def readable(self) -> tuple[CourseSession, ...]:
        return tuple(s for s in self.sessions if not s.damaged)


@dataclass(frozen=True)
class ClientLine:
    client_code: str
    sessions: int
    last_visit: float | None
    damaged: int = 0


def _journals(stores: Sequence[JournalStore]) -> tuple[list[SessionSummary], list[tuple[Path, str]]]:
    """Every non-rehearsal session summary, and the journals that could not be read, with why."""
    summaries: list[SessionSummary] = []
    broken: list[tuple[Path, str]] = []
    for path, summary, _, reason in _each_journal(stores):
        if summary is not None:
            summaries.append(summary)
        else:
            broken.append((path, reason))
    return summaries, broken


def _each_journal(
    stores: Sequence[JournalStore],
) -> Iterator[tuple[Path, SessionSummary | None, JournalContents | None, str]]:
    """Each journal in turn: (path, its summary unless a rehearsal, the contents when making
    the summary read them all, why it could not be read). One at a time, so that a sealed
    journal's events are held only while its session is taken from them."""
    for store in stores:
        try:
            candidates = sorted(store.root.glob("*.jsonl"))
        except OSError:
            continue
        for path in candidates:
            try:
                summary, contents = summary_and_events(path)
            except JournalError as error:
                yield path, None, None, _reason(error, path)
                continue
            if not summary.rehearsal:
                yield path, summary, contents, ""


_STARTED = re.compile(rb'\{"kind": ?"session_started"[^\n]*')


def _salvage(path: Path) -> tuple[str, float | None] | None:
    """The client code and start of a journal whose header cannot be read, when its start line
    still can (so a damaged journal is listed in the right course)."""
    try:
        with open_regular(path) as stream:  # never a FIFO: it would block the reading for ever
            head = stream.read(64 * 1024)
    except (OSError, JournalError):
        return None
    found = _STARTED.search(head)
    if found is None:
        return None
    try:
        record = json.loads(found.group(0))
    except ValueError:
        return None
    at = record.get("at")
    return str(record.get("client_code", "")), float(at) if isinstance(at, (int, float)) else None


def list_clients(stores: Sequence[JournalStore]) -> tuple[ClientLine, ...]:
    """Every client with a code, most recently seen first."""
    summaries, broken = _journals(stores)
    groups: dict[str, list[tuple[float, str, bool]]] = {}  # key -> (when, code as typed, damaged)
    for summary in summaries:
        if code_key(summary.client_code):
            when = summary.started_at if summary.started_at is not None else summary.created
            groups.setdefault(code_key(summary.client_code), []).append((when, summary.client_code, False))
    for path, _ in broken:
        salvaged = _salvage(path)
        if salvaged and code_key(salvaged[0]):
            groups.setdefault(code_key(salvaged[0]), []).append((salvaged[1] or 0.0, salvaged[0], True))
    lines = []
    for seen in groups.values():
        seen.sort()
        readable = [entry for entry in seen if not entry[2]] or seen
        last = readable[-1]
        lines.append(ClientLine(shown_code(last[1]), len(seen), last[0] or None, sum(1 for entry in seen if entry[2])))
    lines.sort(key=lambda line: line.last_visit or 0.0, reverse=True)
    return tuple(lines)


def unattributed(stores: Sequence[JournalStore]) -> tuple[Path, ...]:
    """Journals so damaged that they name no client: no course can list them."""
    _, broken = _journals(stores)
    return tuple(path for path, _ in broken if not (_salvage(path) or ("", None))[0].strip())


def read_course(
    code: str, stores: Sequence[JournalStore], instruments: Instruments | None = None, workers: int = 1
) -> Course:
    """The course of the client `code` names, oldest session first. `instruments` (the
    assessment files, by id) give the scores' bands and ranges for the charts, and the score of
    an assessment left unfinished. Given as a function, they are read only for that last need
    (the bands are then left out). With `workers` above 1 a long course is read in that many
    processes where this one may fork (see `parallel`): the same course, sooner."""
    key = code_key(code)
    sessions: list[CourseSession] = []
    broken: list[tuple[Path, str]] = []
    unread: list[SessionSummary] = []
    for path, summary, contents, reason in _each_journal(stores):
        if summary is None:
            broken.append((path, reason))
        elif code_key(summary.client_code) == key and key:
            if contents is None:
                unread.append(summary)
            else:  # its listing read it whole already (a sealed journal)
                sessions.append(_read_session(summary, instruments, contents))
    sessions += parallel.read_all(unread, functools.partial(_read_session, instruments=instruments), workers)
    for path, reason in broken:
        salvaged = _salvage(path)
        if salvaged and code_key(salvaged[0]) == key and key:
            sessions.append(CourseSession(path.stem, path, salvaged[1], None, "", salvaged[0], damaged=reason))
    sessions.sort(key=lambda s: (s.started_at is None, s.started_at or 0.0, s.session_id))
    latest = max((s for s in sessions if s.started_at is not None), key=lambda s: s.started_at or 0.0, default=None)
    return Course(shown_code(latest.client_code if latest else code), tuple(sessions))


def shown_code(code: str) -> str:
    """A code as it is shown: as typed, without the spaces around it."""
    return " ".join(code.split())


def _reason(error: JournalError, path: Path) -> str:
    """The journal's error in words that do not repeat its path (the course names the session)."""
    return str(error).replace(f"{path}: ", "").replace(str(path), "the journal")


def _read_session(
    summary: SessionSummary, instruments: Instruments | None, contents: JournalContents | None = None
) -> CourseSession:
    """The session of `summary`, from `contents` when its summary already read them all (every
    event, of which a course uses the WANTED kinds as it would have read them)."""
    try:
        if contents is None:
            contents = read_journal(summary.path, kinds=WANTED)
    except JournalError as error:
        return CourseSession(
            summary.session_id,
            summary.path,
            summary.started_at,
            None,
            summary.script_id,
            summary.client_code,
            damaged=_reason(error, summary.path),
        )
    return session_from_events(
        contents.header.session_id or summary.session_id,
        summary.path,
        contents.header.script_id,
        contents.events,
        contents.problems,
        instruments,
    )


def session_from_events(
    session_id: str,
    path: Path,
    script_id: str,
    events: Iterable[Event],
    problems: Sequence[str] = (),
    instruments: Instruments | None = None,
) -> CourseSession:
    """What a course keeps of one session, in one pass over its events."""
    ordered = sorted(events, key=lambda event: event.at)
    started: SessionStarted | None = None
    ended_at: float | None = None
    doses: list[DoseLine] = []
    highest: BloodPressure | None = None
    distress = 0
    for event in ordered:
        kind = type(event)
        if kind is VitalsRecorded:
            assert isinstance(event, VitalsRecorded)
            if event.systolic is not None and (highest is None or event.systolic > highest.systolic):
                highest = BloodPressure(event.at, event.systolic, event.diastolic)
        elif kind is DoseGiven:
            assert isinstance(event, DoseGiven)
            doses.append(
                DoseLine(event.amount, event.unit, event.route, event.lot, event.given_at or event.at, event.at)
            )
        elif kind is SessionStarted and started is None:
            assert isinstance(event, SessionStarted)
            started = event
        elif kind is SessionEnded and ended_at is None:
            ended_at = event.at
        elif kind is DistressMarked:
            distress += 1
    return CourseSession(
        session_id=session_id,
        path=path,
        started_at=started.at if started else None,
        ended_at=ended_at,
        script_id=script_id or (started.script_id if started else ""),
        client_code=started.client_code if started else "",
        doses=tuple(doses),
        highest_bp=highest,
        distress=distress,
        assessments=_assessments(ordered, instruments),
        adverse_events=seam.adverse_events(ordered),
        discharge=seam.discharge_check(ordered),
        problems=tuple(problems),
    )


def _assessments(events: Sequence[Event], instruments: Instruments | None) -> tuple[seam.ScoredAssessment, ...]:
    if instruments is None or isinstance(instruments, Mapping):
        return seam.session_assessments(events, instruments)
    found = seam.session_assessments(events)
    if any(result.score is None for result in found):  # unfinished: its instrument scores it
        return seam.session_assessments(events, instruments())
    return found
