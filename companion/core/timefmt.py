"""How times and lengths of time are written for people: short, unambiguous, readable at a glance.

The one place for it: the console, the listings and the reports all write times from here.
(A script's own spelling of a duration, "1h30m", is `core.scripts.durations.format_duration`,
the inverse of its parser.)
"""

from __future__ import annotations

import math
import time


def clock_text(seconds: float) -> str:
    """A duration as H:MM:SS, or M:SS under an hour (whole seconds, rounded down)."""
    whole = max(0, math.floor(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def duration_text(seconds: float) -> str:
    """A span of time in words, never mistaken for a time of day: "14 min 58 s", "42 s", "1 h 05 min".

    Beside the real clock in the top line, "14:58 left" reads like a time; this does not.
    """
    whole = max(0, math.floor(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"


def minutes_text(seconds: float) -> str:
    """A rough duration for cues: "in 12 min", "under a minute"."""
    minutes = round(seconds / 60)
    if seconds < 60:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


def wall_text(at: float, seconds: bool = False) -> str:
    """Local wall-clock time of a session timestamp: 14:05 (or 14:05:09)."""
    return time.strftime("%H:%M:%S" if seconds else "%H:%M", time.localtime(at))


def format_minutes(seconds: float) -> str:
    """A plain length for lists: 5400 -> "1 h 30 min", 600 -> "10 min", 40 -> "40 s"."""
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    hours, rest = divmod(total, 3600)
    minutes = round(rest / 60)
    if minutes == 60:
        hours, minutes = hours + 1, 0
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min"
