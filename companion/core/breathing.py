"""Where a paced breath is at any instant: a pure function of the pattern and the time elapsed.

The pacer on screen never counts frames: each frame asks `pacer_at(pattern, rounds, elapsed)`
with elapsed read from the monotonic clock, so however long it runs it stays on the pattern.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from companion.core.scripts.exercises import BreathPattern

BreathPart = Literal["in", "hold", "out", "rest", "done"]

WORDS: dict[str, str] = {
    "in": "Breathe in",
    "hold": "Hold",
    "out": "Breathe out",
    "rest": "Rest",
    "done": "",
}

# Elapsed times are read to the microsecond: 3 × 5.5 s must land on the start of a part,
# not a hair before it because of binary fractions.
_RESOLUTION = 1e-6


@dataclass(frozen=True)
class PacerFrame:
    part: BreathPart
    word: str  # what the screen says: "Breathe in", "Hold", "Breathe out", "Rest"
    count: int  # whole seconds left in this part, counting down 4, 3, 2, 1 (0 when done)
    size: float  # 0..1: grows on in, stays full on hold, shrinks on out, stays small on rest
    round: int  # 1-based round in progress; the last round once done
    progress: float = 0.0  # 0..1 through this part


def ease(fraction: float) -> float:
    """Slow at both ends, like a breath: a half cosine from 0 to 1."""
    fraction = min(1.0, max(0.0, fraction))
    return (1.0 - math.cos(math.pi * fraction)) / 2.0


def breathing_seconds(pattern: BreathPattern, rounds: int) -> float:
    """How long the whole exercise breathes."""
    return pattern.cycle * max(0, rounds)


def rounds_completed(pattern: BreathPattern, rounds: int, elapsed: float) -> int:
    """Whole breaths finished by `elapsed` (never more than `rounds`)."""
    if pattern.cycle <= 0 or rounds <= 0 or elapsed <= 0:
        return 0
    whole = math.floor(round(elapsed / _RESOLUTION) * _RESOLUTION / pattern.cycle + 1e-9)
    return min(rounds, whole)


def pacer_at(pattern: BreathPattern, rounds: int, elapsed: float) -> PacerFrame:
    """The pacer's frame `elapsed` seconds after the first in-breath began."""
    cycle = pattern.cycle
    if cycle <= 0 or rounds <= 0:
        return PacerFrame("done", WORDS["done"], 0, 0.0, max(0, rounds), 1.0)
    elapsed = max(0.0, round(elapsed / _RESOLUTION) * _RESOLUTION)
    if elapsed >= cycle * rounds - _RESOLUTION / 2:
        return PacerFrame("done", WORDS["done"], 0, 0.0, rounds, 1.0)

    # One division from the start, never a sum of steps: round 10,000 is as exact as round 1.
    index = min(rounds - 1, int(elapsed // cycle))
    into = elapsed - index * cycle
    # Guard the division's own rounding: `into` is always within [0, cycle).
    into = min(max(into, 0.0), cycle)

    parts = (
        ("in", pattern.inhale),
        ("hold", pattern.hold),
        ("out", pattern.exhale),
        ("rest", pattern.rest),
    )
    start = 0.0
    for part, seconds in parts:
        if seconds <= 0:
            continue
        if into < start + seconds - _RESOLUTION / 2 or part == "rest" or start + seconds >= cycle:
            within = min(max(into - start, 0.0), seconds)
            return _frame(part, seconds, within, index + 1)
        start += seconds
    # Unreachable for a pattern with a positive cycle; kept total for safety.
    return PacerFrame("done", WORDS["done"], 0, 0.0, rounds, 1.0)


def _frame(part: str, seconds: float, within: float, round_number: int) -> PacerFrame:
    left = seconds - within
    count = max(1, math.ceil(round(left, 6)))
    fraction = within / seconds
    if part == "in":
        size = ease(fraction)
    elif part == "hold":
        size = 1.0
    elif part == "out":
        size = 1.0 - ease(fraction)
    else:
        size = 0.0
    return PacerFrame(part, WORDS[part], count, size, round_number, fraction)  # type: ignore[arg-type]
