"""Plain checks for what the therapist types into the dose and vitals forms.

Pure functions: a value, or a FormError whose message says what is wrong and what is expected.
The plausibility limits only catch typing slips (a missing digit, a swapped field); they are
not clinical thresholds, which live in each script's `safety:` block.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from companion.core.limits import VITALS


class FormError(ValueError):
    """One plain sentence for the form's message line; `field` names the input to focus."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DoseEntry:
    amount: float
    unit: str
    route: str
    given_at: float
    lot: str = ""


@dataclass(frozen=True)
class VitalsEntry:
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    note: str = ""
    respiratory_rate: int | None = None


PLAUSIBLE = VITALS  # (label, low, high) for typing-slip checks, shared with the journal reader

LATEST_DOSE_AGE = 12 * 3600.0  # a dose time further back than this is a typing slip
FUTURE_TOLERANCE = 60.0


def parse_amount(text: str) -> float:
    cleaned = text.strip().replace(",", ".")
    try:
        amount = float(cleaned)
    except ValueError:
        raise FormError("amount", f"Amount {text.strip()!r} is not a number; type it like 50 or 0.5.") from None
    if not math.isfinite(amount) or amount <= 0:
        raise FormError("amount", "Amount must be a number above zero.")
    if amount >= 10_000:
        raise FormError("amount", f"Amount {amount:g} looks like a typing slip; check it.")
    return amount


def parse_time_of_day(text: str, now: float, field: str = "time") -> float:
    """The latest moment at or before `now` (+1 min) whose local time reads HH:MM.

    `now` is the session's clock, the one the screen shows. In the hour a DST change repeats,
    the most recent of the two moments that read HH:MM is taken."""
    match = re.fullmatch(r"\s*(\d{1,2})[:.h]?(\d{2})\s*", text)
    if not match:
        raise FormError(field, f"Time {text.strip()!r} is not a time of day; type it as HH:MM, e.g. 14:05.")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        raise FormError(field, f"Time {text.strip()!r} is not a time of day; hours 0-23, minutes 0-59.")
    current = dt.datetime.fromtimestamp(now)

    def moments(day: dt.date) -> list[float]:  # two in the hour a DST change repeats
        return [dt.datetime.combine(day, dt.time(hours, minutes, fold=fold)).timestamp() for fold in (0, 1)]

    candidates = [m for m in moments(current.date()) if m <= now + FUTURE_TOLERANCE]
    later_today = not candidates
    if later_today:
        candidates = moments(current.date() - dt.timedelta(days=1))
    moment = max(candidates)
    if now - moment > LATEST_DOSE_AGE:
        if later_today:
            raise FormError(
                field,
                f"{hours:02d}:{minutes:02d} is later than now ({current:%H:%M}): a dose time cannot be in the future.",
            )
        raise FormError(field, f"{text.strip()} would be more than 12 hours ago; check the time.")
    return moment


def parse_dose(
    amount: str, unit: str, route: str, time_text: str, lot: str, now: float, default_time: str
) -> DoseEntry:
    value = parse_amount(amount)
    unit = unit.strip() or "mg"
    if time_text.strip() == default_time:
        given_at = now  # left as proposed: the exact moment, seconds included
    else:
        given_at = parse_time_of_day(time_text, now)
    return DoseEntry(value, unit, route.strip(), given_at, lot.strip())


def _whole_number(field: str, text: str) -> int | None:
    cleaned = text.strip()
    if not cleaned:
        return None
    label, low, high = PLAUSIBLE[field]
    if not re.fullmatch(r"\d{1,4}", cleaned):
        raise FormError(field, f"{label} {cleaned!r} is not a whole number.")
    value = int(cleaned)
    if not low <= value <= high:
        raise FormError(
            field, f"{label} {value} is outside {low}-{high}: not recorded. Check the reading and type it again."
        )
    return value


def parse_vitals(
    systolic: str, diastolic: str, heart_rate: str, spo2: str, note: str, respiratory_rate: str = ""
) -> VitalsEntry:
    sys_value = _whole_number("systolic", systolic)
    dia_value = _whole_number("diastolic", diastolic)
    if (sys_value is None) != (dia_value is None):
        missing = "diastolic" if dia_value is None else "systolic"
        raise FormError(missing, "Blood pressure needs both numbers, systolic and diastolic (or neither).")
    if sys_value is not None and dia_value is not None and dia_value >= sys_value:
        raise FormError("diastolic", f"Diastolic {dia_value} is not below systolic {sys_value}: are the two swapped?")
    entry = VitalsEntry(
        sys_value,
        dia_value,
        _whole_number("heart_rate", heart_rate),
        _whole_number("spo2", spo2),
        note.strip(),
        _whole_number("respiratory_rate", respiratory_rate),
    )
    if entry.systolic is None and entry.heart_rate is None and entry.spo2 is None and entry.respiratory_rate is None:
        raise FormError("systolic", "Nothing to record: type at least one reading.")
    return entry
