"""Measurements of rendered audio: peak, loop-point continuity, silent gaps (loudness is
BS.1770's, in `loudness`).

Shared by the audio generator (to level the tracks), the tests (to check the bundled files and what
the player really played) and the benchmarks. Arrays are float frames x channels in -1..1.
"""

from __future__ import annotations

import numpy as np


def as_frames(samples: np.ndarray) -> np.ndarray:
    """Any 1-D or 2-D sample array as float64 frames x channels."""
    x = np.asarray(samples, dtype=np.float64)
    return x[:, None] if x.ndim == 1 else x


def db(value: float) -> float:
    return float(20.0 * np.log10(max(float(value), 1e-12)))


def peak_dbfs(samples: np.ndarray) -> float:
    return db(np.max(np.abs(as_frames(samples))))


def loop_jump(samples: np.ndarray) -> float:
    """How the step from the last frame back to the first compares with the signal's own steps.

    1.0 means the wrap-around is as smooth as a typical large step inside the track (99.9th
    percentile); a click shows as a value many times larger.
    """
    x = as_frames(samples)
    inner = np.abs(np.diff(x, axis=0))
    typical = float(np.percentile(inner, 99.9)) or 1e-9
    wrap = float(np.max(np.abs(x[0] - x[-1])))
    return wrap / typical


def max_step(samples: np.ndarray) -> float:
    """The largest sample-to-sample jump, in full-scale units."""
    x = as_frames(samples)
    return float(np.max(np.abs(np.diff(x, axis=0)))) if x.shape[0] > 1 else 0.0


def windowed_rms(samples: np.ndarray, rate: int, window: float) -> np.ndarray:
    """RMS over consecutive windows of `window` seconds (channels pooled)."""
    x = as_frames(samples)
    size = max(1, int(rate * window))
    count = x.shape[0] // size
    if count == 0:
        return np.zeros(0)
    blocks = x[: count * size].reshape(count, size, x.shape[1])
    levels: np.ndarray = np.sqrt(np.mean(blocks * blocks, axis=(1, 2)))
    return levels


def longest_silence(samples: np.ndarray, rate: int, threshold: float = 1e-4) -> float:
    """Seconds of the longest run of frames whose every channel stays below `threshold`."""
    x = as_frames(samples)
    quiet = np.all(np.abs(x) < threshold, axis=1).astype(np.int8)
    edges = np.diff(np.concatenate(([0], quiet, [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return float(np.max(ends - starts)) / rate if starts.size else 0.0
