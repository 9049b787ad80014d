"""Clocks. The session's time is wall-clock UTC seconds, advanced by the monotonic clock.

A running process anchors once (wall time and monotonic time) and from then on reads
anchor_wall + (monotonic - anchor_monotonic) * speed, so the displayed clock never drifts
and never jumps when the system clock changes. `speed` > 1 is a rehearsal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Session time: UTC seconds since the epoch."""
        ...


class MonotonicClock:
    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        self.speed = speed
        self._wall = time.time() if start is None else start
        self._mono = time.monotonic()

    def now(self) -> float:
        return self._wall + (time.monotonic() - self._mono) * self.speed


STEP = 60.0  # a wall clock moving more than this against the session's time is a step


class StepWatch:
    """Notices the wall clock stepping away from a session's own time (speed 1 only: a
    rehearsal's time runs away from the wall clock by design).

    `check(session_now)` returns the step in seconds the first time the wall clock has moved
    more than STEP since the last step (or the start), else None.
    """

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self.wall = wall
        self._offset: float | None = None

    def check(self, session_now: float) -> float | None:
        offset = self.wall() - session_now
        if self._offset is None:
            self._offset = offset
            return None
        step = offset - self._offset
        if abs(step) <= STEP:
            return None
        self._offset = offset
        return step


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds
