"""The discharge gate: what the script says discharge requires, and what is still missing.

`e` (end) shows this list and how long is left of the minimum observation, then asks; the
clinician may end all the same, and the journal and the report record that it ended with
those items missing. Nothing here blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from companion.core.assessment_state import AssessmentResult
from companion.core.scripts.script import Discharge
from companion.core.timefmt import format_minutes
from companion.core.timeline import SessionState

READING_WORDS = {
    "blood_pressure": "blood pressure",
    "heart_rate": "heart rate",
    "spo2": "SpO2",
    "respiratory_rate": "respiratory rate",
}


class GateReading(Protocol):
    """A vitals reading as the gate sees it (timeline's VitalsReading is one)."""

    @property
    def at(self) -> float: ...
    @property
    def systolic(self) -> int | None: ...
    @property
    def diastolic(self) -> int | None: ...
    @property
    def heart_rate(self) -> int | None: ...
    @property
    def spo2(self) -> int | None: ...
    @property
    def respiratory_rate(self) -> int | None: ...


@dataclass(frozen=True)
class GateCheck:
    missing: tuple[str, ...]  # plain sentences, one per requirement not met
    minimum_left: float | None  # seconds of the minimum observation still to run; None: no minimum

    @property
    def clear(self) -> bool:
        return not self.missing


def discharge_missing(
    discharge: Discharge | None,
    *,
    now: float,
    started_at: float | None,
    dose_at: float | None,
    vitals: Iterable[GateReading],
    assessments: Iterable[AssessmentResult],
    ticked: Iterable[str],
    titles: Mapping[str, str] | None = None,
) -> GateCheck:
    """What `discharge` still lacks at `now`. Nothing here blocks: the clinician decides."""
    if discharge is None:
        return GateCheck((), None)
    missing: list[str] = []
    since = dose_at if discharge.counted_from == "dose" and dose_at is not None else started_at
    minimum_left: float | None = None
    if discharge.minimum is not None:
        if discharge.counted_from == "dose" and dose_at is None:
            missing.append(
                f"No dose is recorded, so the minimum observation ({format_minutes(discharge.minimum)}) cannot be counted"
            )
        elif since is not None:
            minimum_left = max(0.0, since + discharge.minimum - now)
            if minimum_left > 0:
                word = "the dose" if since == dose_at else "the start"
                missing.append(
                    f"Minimum observation of {format_minutes(discharge.minimum)} since {word}: "
                    f"{format_minutes(minimum_left)} still to go"
                )
    earliest = dose_at if dose_at is not None else (started_at if started_at is not None else float("-inf"))
    readings = [reading for reading in vitals if reading.at >= earliest]
    for name in discharge.readings:
        taken = [reading for reading in readings if _has(reading, name)]
        words = READING_WORDS.get(name, name)
        if not taken:
            missing.append(f"No {words} recorded since the dose" if dose_at is not None else f"No {words} recorded")
        elif discharge.recent is not None and now - max(r.at for r in taken) > discharge.recent:
            missing.append(f"No {words} in the last {format_minutes(discharge.recent)}")
    done = {result.assessment_id for result in assessments if result.completed and result.started_at >= earliest}
    titles = {**{result.assessment_id: result.title for result in assessments}, **(titles or {})}
    for ident in discharge.assessments:
        if ident not in done:
            missing.append(f"{titles.get(ident, ident)} not completed")
    ticked_items = set(ticked)
    for item in discharge.checklist:
        if item not in ticked_items:
            missing.append(f"Not ticked: {item}")
    return GateCheck(tuple(missing), minimum_left)


def _has(reading: GateReading, name: str) -> bool:
    values = {
        "blood_pressure": reading.systolic if reading.diastolic is not None else None,
        "heart_rate": reading.heart_rate,
        "spo2": reading.spo2,
        "respiratory_rate": reading.respiratory_rate,
    }
    return values.get(name) is not None


def requirement_words(discharge: Discharge, titles: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The script's requirements in plain words, for the report."""
    words = []
    if discharge.minimum is not None:
        since = "the dose" if discharge.counted_from == "dose" else "the start"
        words.append(f"At least {format_minutes(discharge.minimum)} of observation since {since}")
    for name in discharge.readings:
        recent = f" in the last {format_minutes(discharge.recent)}" if discharge.recent is not None else ""
        words.append(f"A {READING_WORDS.get(name, name)} reading{recent}")
    words += [f"{(titles or {}).get(ident, ident)} completed" for ident in discharge.assessments]
    words += [f"Ticked: {item}" for item in discharge.checklist]
    return tuple(words)


def check(state: SessionState, titles: Mapping[str, str] | None = None) -> GateCheck:
    """The gate for a session as it stands now (`titles`: assessment id -> title, for the words)."""
    return discharge_missing(
        state.script.discharge,
        now=state.ended_at if state.ended_at is not None else state.now,
        started_at=state.started_at,
        dose_at=state.dose.given_at if state.dose is not None else None,
        vitals=state.vitals,
        assessments=state.assessments,
        ticked=[item for items in state.checklist.values() for item in items],
        titles=titles,
    )
