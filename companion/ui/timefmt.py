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
