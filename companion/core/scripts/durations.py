"""Durations as people write them in scripts ("90s", "15m", "1h30m", plain seconds) and back.

A duration is a text with units (hours, minutes, seconds in that order, each at most once, up
to three decimals: "5.5s", "1h30m") or a plain whole number of seconds (90), under 24 hours.
Nothing else: YAML's other spellings of numbers (`1:30` read as 90, `0x258`, `1_200`) reach
here as text and are refused (yamlio.py), and so are fractions without a unit (`1e-7`, 2.5).
"""

from __future__ import annotations

import math
import re

_PART = re.compile(r"(\d+(?:\.\d{1,3})?)\s*(h|m|s)")
_WHOLE = re.compile(r"^(?:\s*\d+(?:\.\d{1,3})?\s*[hms])+\s*$")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0}
_LIMIT = 24 * 3600.0  # nothing in a session lasts a day


class DurationError(ValueError):
    """A duration that cannot be read; the message says what was expected."""


EXPECTED = 'a duration such as "90s", "15m", "1h30m" or a number of seconds'


def parse_duration(value: object, *, allow_zero: bool = False) -> float:
    """Seconds for a script duration. Raises DurationError saying what was expected."""
    if isinstance(value, bool):
        raise DurationError(f"expected {EXPECTED}, got {_kind(value)}")
    if isinstance(value, int) and abs(value) >= _LIMIT:
        raise DurationError(f"expected a duration under 24h, got {_shown(value)}")  # float() would overflow
    if isinstance(value, float):
        raise DurationError(f"expected {EXPECTED} (a plain number is whole seconds: write 5.5s), got {_shown(value)}")
    if isinstance(value, int):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if re.fullmatch(r"0|[1-9]\d{0,5}", text):
            seconds = float(text)
        elif _WHOLE.match(text):
            units = [unit for _, unit in _PART.findall(text)]
            if len(set(units)) != len(units) or units != sorted(units, key="hms".index):
                raise DurationError(f"expected {EXPECTED}, got {_shown(value)} (units out of order)")
            seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(text))
        else:
            raise DurationError(f"expected {EXPECTED}, got {_shown(value)}")
    else:
        raise DurationError(f"expected {EXPECTED}, got {_kind(value)}")
    if not math.isfinite(seconds):
        raise DurationError(f"expected {EXPECTED}, got {_shown(value)}")
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise DurationError(f"expected a duration above zero, got {_shown(value)}")
    if seconds >= _LIMIT:
        raise DurationError(f"expected a duration under 24h, got {_shown(value)}")
    return seconds


def _kind(value: object) -> str:
    """A value that is not a duration at all, in the words of a script's author."""
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _shown(value: object) -> str:
    if isinstance(value, int):
        text = str(value)
        return text if len(text) <= 20 else f"a number {len(text.lstrip('-'))} digits long"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def format_duration(seconds: float) -> str:
    """The script spelling of a duration: 5400 -> "1h30m", 90 -> "1m30s", 5.5 -> "5.5s"."""
    if seconds < 0:
        raise ValueError("negative duration")
    whole = int(seconds)
    fraction = round(seconds - whole, 3)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs or fraction or not parts:
        parts.append(f"{secs + fraction:g}s")
    return "".join(parts)


# How a length of time is written for people lives in core/timefmt; importable here as before.
from companion.core.timefmt import format_minutes  # noqa: E402

__all__ = ["EXPECTED", "DurationError", "format_duration", "format_minutes", "parse_duration"]
