"""Vitals as the session holds them: each reading with the protocol's thresholds it crossed.

The flags name the protocol's own numbers in plain words and carry their side, so every view
(the console's panel, the report) shows them without working the thresholds out again.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.core.events import VitalsRecorded
from companion.core.scripts.script import Safety


@dataclass(frozen=True)
class VitalsFlag:
    """One reading beyond the protocol's own number, and which side of it."""

    short: str  # "HR 45", for a narrow screen
    above: bool  # above a maximum (else below a minimum)
    text: str  # a calm advisory naming the protocol's number: "Heart rate 45 is below this protocol's 50"


@dataclass(frozen=True)
class VitalsReading:
    at: float
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    note: str
    flagged: tuple[VitalsFlag, ...]
    respiratory_rate: int | None = None

    @property
    def flags(self) -> tuple[str, ...]:
        """The flags' sentences, e.g. "Systolic 182 is above this protocol's 180"."""
        return tuple(flag.text for flag in self.flagged)


def vitals_flags(safety: Safety, event: VitalsRecorded) -> tuple[VitalsFlag, ...]:
    """The readings beyond the protocol's own thresholds, in plain words; never advice."""
    flags: list[VitalsFlag] = []

    def check(label: str, short: str, value: float | None, limit: float | None, above: bool) -> None:
        if value is None or limit is None:
            return
        if (value > limit) if above else (value < limit):
            word = "above" if above else "below"
            text = f"{label} {_number(value)} is {word} this protocol's {_number(limit)}"
            flags.append(VitalsFlag(f"{short} {_number(value)}", above, text))

    check("Systolic", "Sys", event.systolic, safety.systolic_max, True)
    check("Diastolic", "Dia", event.diastolic, safety.diastolic_max, True)
    check("Heart rate", "HR", event.heart_rate, safety.heart_rate_max, True)
    check("Heart rate", "HR", event.heart_rate, safety.heart_rate_min, False)
    check("SpO2", "SpO2", event.spo2, safety.spo2_min, False)
    return tuple(flags)


def _number(value: float) -> str:
    return f"{value:g}"
