"""A look-ahead peak limiter on the mix: a loud track raised to the target, or two tracks summing
in a crossfade, is turned down smoothly just before a peak instead of being clipped.

The gain for each frame is a moving average of a moving minimum of what every frame needs (the
ceiling over its peak): it is never above what the frame needs, it moves in straight ramps over
LOOKAHEAD frames (23 ms) on the way down and on the way back up, and never jumps. The audio is
delayed by LOOKAHEAD frames so the ramp down is finished when the peak arrives. Both filters are
O(n) numpy (van Herk's running minimum, a cumulative-sum average); a block that needs no
limiting only passes through the delay.
"""

from __future__ import annotations

import numpy as np

CEILING = 10 ** (-1.0 / 20)  # -1 dBFS: room for the 16-bit rounding and the DAC's overshoot
LOOKAHEAD = 1024


def running_min(values: np.ndarray, width: int) -> np.ndarray:
    """The minimum of each run of `width` values (len(values) - width + 1 of them)."""
    count = values.shape[0]
    padded = np.concatenate([values, np.full(-count % width, np.inf)])
    rows = padded.reshape(-1, width)
    prefix = np.minimum.accumulate(rows, axis=1).ravel()
    suffix = np.minimum.accumulate(rows[:, ::-1], axis=1)[:, ::-1].ravel()
    result: np.ndarray = np.minimum(suffix[: count - width + 1], prefix[width - 1 : count])
    return result


def running_mean(values: np.ndarray, width: int) -> np.ndarray:
    sums = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    result: np.ndarray = (sums[width:] - sums[:-width]) / width
    return result


class Limiter:
    def __init__(self, ceiling: float = CEILING, lookahead: int = LOOKAHEAD) -> None:
        self.ceiling = ceiling
        self.lookahead = lookahead - lookahead % 2
        self._audio = np.zeros((self.lookahead, 2), dtype=np.float32)  # frames not yet let out
        self._needs = np.ones(2 * self.lookahead)  # what the last frames needed (1.0: nothing)
        self._holding = False  # some of those frames needed turning down

    def copy(self) -> Limiter:
        twin = Limiter.__new__(Limiter)  # not __init__: its fresh buffers would be thrown away
        twin.ceiling, twin.lookahead, twin._holding = self.ceiling, self.lookahead, self._holding
        twin._audio = self._audio.copy()
        twin._needs = self._needs.copy()
        return twin

    @property
    def active(self) -> bool:
        """Some frame still in the look-ahead window is being turned down."""
        return self._holding

    def process(self, block: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """The block delayed by `lookahead` frames, turned down wherever it would exceed the
        ceiling, and multiplied by `scale` (full scale as the caller wants it) on the way out."""
        count = block.shape[0]
        # Nearly always: nothing over the ceiling, nothing still held down. Two flat reductions
        # cost a tenth of a per-frame maximum over the channels.
        quiet = count == 0 or (not self._holding and max(float(block.max()), -float(block.min())) <= self.ceiling)
        if quiet and count >= self.lookahead:
            # The delay and the scale in one pass, into one new block.
            held = self.lookahead
            out = np.empty_like(block)
            np.multiply(self._audio, np.float32(scale), out=out[:held])
            np.multiply(block[: count - held], np.float32(scale), out=out[held:])
            self._audio = block[count - held :].copy()
            return out
        audio = np.concatenate([self._audio, block])
        self._audio = audio[count:]
        if quiet:
            result = audio[:count]
        else:
            peaks = np.max(np.abs(block), axis=1)
            needs = np.concatenate([self._needs, np.minimum(1.0, self.ceiling / np.maximum(peaks, 1e-9))])
            self._needs = needs[count:]
            self._holding = bool(self._needs.min() < 1.0)
            width = self.lookahead + 1
            gain = running_mean(running_min(needs, width), width)
            result = audio[:count] * gain[:, None].astype(np.float32)
        if scale != 1.0:
            result *= np.float32(scale)
        return result
