"""How the console writes times: short, unambiguous, readable at a glance."""

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
