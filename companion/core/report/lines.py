"""The plain values report lines are made of: times shown in one time zone, and a dose.

Apart from the session model (model.py, which re-exports them) so that a course of treatment
can show its sessions without loading what a full session report needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo


class Times:
    """Wall-clock seconds shown in one time zone (the machine's own unless the caller names one)."""

    def __init__(self, tz: tzinfo | None = None) -> None:
        self.tz = tz

    def moment(self, at: float) -> datetime:
        if self.tz is None:
            return datetime.fromtimestamp(at).astimezone()
        return datetime.fromtimestamp(at, self.tz)

    def clock(self, at: float) -> str:
        return self.moment(at).strftime("%H:%M")

    def date(self, at: float) -> str:
        return self.moment(at).strftime("%Y-%m-%d")

    def weekday_date(self, at: float) -> str:
        return self.moment(at).strftime("%Y-%m-%d (%A)")

    def iso(self, at: float) -> str:
        return self.moment(at).isoformat(timespec="seconds")

    def clock_on(self, at: float, day_of: float | None) -> str:
        """ "09:42", or with its date when it falls on another day than `day_of`."""
        if day_of is not None and self.date(at) != self.date(day_of):
            return f"{self.date(at)} {self.clock(at)}"
        return self.clock(at)


@dataclass(frozen=True)
class DoseLine:
    amount: float
    unit: str
    route: str
    lot: str
    given_at: float
    recorded_at: float
