"""Session scripts: the typed model of a session's phases, reminders and safety thresholds.

Reading and checking one from YAML is script_loading.py's job (see problems.py for the error
format); this module imports no YAML, so a cached script (script_cache.py) needs none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Advance = Literal["manual", "auto"]


@dataclass(frozen=True)
class Reminder:
    """A cue inside a phase: `at` seconds from the phase's start, or `after_dose` seconds."""

    id: str  # "<phase id>.<index>" unless the script names it
    text: str
    at: float | None = None
    after_dose: float | None = None
    chime: str | None = None  # chime id from audio/playlists.yaml
    assessment: str | None = None  # an assessment id: the reminder opens its form


@dataclass(frozen=True)
class Phase:
    """One part of a session: planned `duration` seconds, what each screen shows, the music, the checks."""

    id: str
    title: str
    duration: float  # planned seconds
    advance: Advance = "manual"
    guide: str = ""  # therapist's screen
    client: str = ""  # client display
    music: str | None = None  # playlist id; None means silence ("none" in YAML)
    volume: float = 0.5  # 0.0 .. 1.0
    checklist: tuple[str, ...] = ()
    vitals: bool = False  # this phase asks for vitals
    dose: bool = False  # entering it asks for the dose
    reminders: tuple[Reminder, ...] = ()
    exercises: tuple[str, ...] = ()  # exercise ids, offered first in this phase
    assessments: tuple[str, ...] = ()  # assessment ids, offered first in this phase


@dataclass(frozen=True)
class Safety:
    """The practice's own thresholds. Readings beyond them are flagged, never advised on."""

    systolic_max: float | None = None
    diastolic_max: float | None = None
    heart_rate_max: float | None = None
    heart_rate_min: float | None = None
    spo2_min: float | None = None
    source: str = ""  # where the numbers come from, shown beside a flag


READINGS = ("blood_pressure", "heart_rate", "spo2", "respiratory_rate")


@dataclass(frozen=True)
class Medicine:
    """A concomitant medicine (or class of them) the script asks about."""

    id: str
    name: str


@dataclass(frozen=True)
class Discharge:
    """What the script says discharge requires. Checked when the session is ended; never blocks."""

    minimum: float | None = None  # seconds of observation
    counted_from: Literal["dose", "start"] = "dose"  # the dose (the start when there is none)
    readings: tuple[str, ...] = ()  # READINGS each recorded at least once after the dose
    recent: float | None = None  # ... and within this many seconds before the end
    assessments: tuple[str, ...] = ()  # assessment ids completed after the dose
    checklist: tuple[str, ...] = ()  # checklist items (of any phase) ticked


@dataclass(frozen=True)
class SessionScript:
    """A session as planned: its phases in order, the route of the dose, the practice's thresholds."""

    id: str
    title: str
    route: str  # IM, SL, IV, IN, ...
    phases: tuple[Phase, ...]
    description: str = ""
    safety: Safety = field(default_factory=Safety)
    source: Path | None = None  # the YAML file it came from
    text_hash: str = ""  # sha256 of the file's bytes, recorded in journals
    medicines: tuple[Medicine, ...] = ()  # concomitant medicines to ask about
    discharge: Discharge | None = None

    @property
    def total_planned(self) -> float:
        return sum(phase.duration for phase in self.phases)

    def phase_index(self, phase_id: str) -> int:
        for index, phase in enumerate(self.phases):
            if phase.id == phase_id:
                return index
        raise KeyError(phase_id)

    @property
    def dose_phase(self) -> Phase | None:
        return next((phase for phase in self.phases if phase.dose), None)
