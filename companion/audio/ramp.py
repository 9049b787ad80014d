"""A gain that glides: every fade, crossfade, volume and depth change in the engine is one of these,
so nothing the engine does ever makes the level jump."""

from __future__ import annotations

import numpy as np


class Ramp:
    """A gain that glides from where it is to a target over a number of frames (S-shaped)."""

    def __init__(self, value: float) -> None:
        self.value = value  # where it will be at the end of the last rendered block
        self._start = value
        self._target = value
        self._length = 0
        self._done = 0
        self._power = False

    def copy(self) -> Ramp:
        """The same glide at the same point (what an undo keeps; a tenth of copy.copy's cost)."""
        twin = Ramp.__new__(Ramp)
        twin.__dict__.update(self.__dict__)
        return twin

    @property
    def target(self) -> float:
        return self._target

    @property
    def moving(self) -> bool:
        return self._done < self._length

    def to(self, target: float, frames: int, power: bool = False) -> None:
        """Glide to `target`. `power`: a quarter-sine, so two crossfading tracks keep their summed
        power (no dip in the middle); otherwise a half-sine S-curve, gentle at both ends."""
        self._power = power
        self._start = self.value
        self._target = target
        self._length = max(0, int(frames))
        self._done = 0
        if self._length == 0:
            self.value = target

    def render(self, frames: int) -> np.ndarray:
        if not self.moving:
            return np.full(frames, self.value, dtype=np.float32)
        steps = self._done + 1 + np.arange(frames)
        progress = np.minimum(steps / self._length, 1.0)
        if not self._power:
            shape = np.sin(0.5 * np.pi * progress) ** 2
        elif self._target >= self._start:
            shape = np.sin(0.5 * np.pi * progress)
        else:
            shape = 1 - np.cos(0.5 * np.pi * progress)
        gains = self._start + (self._target - self._start) * shape
        # Where the glide ends it is exactly the target: 1 - cos(pi/2) is not quite 1, and a voice
        # faded "to 0.00000000000000006" would never count as silent and never be let go.
        gains[progress >= 1.0] = self._target
        self._done = min(self._length, self._done + frames)
        self.value = float(gains[-1])
        return gains.astype(np.float32)
