"""Short generated tracks and playlists for the audio tests, and ways to tell tones apart.

Imported by the other audio tests; its own tests check the helpers themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf

from companion.core.scripts.playlists import Playlist, Track

RATE = 44100


def audio_priority() -> None:
    """Run this process ahead of busy neighbours, as a sound server runs. The disk driver records
    in real time; when other tests keep both cores busy, a starved feeder thread leaves gaps
    that say nothing about the player. Without the right to raise priority, it runs as usual."""
    try:
        os.nice(-10)
    except OSError:
        pass


def tone_file(
    path: Path,
    freq: float,
    seconds: float,
    rate: int = RATE,
    channels: int = 2,
    level: float = 0.4,
) -> Path:
    """A soft sine making a whole number of cycles, so it loops without a seam."""
    frames = int(rate * seconds)
    cycles = round(freq * seconds)
    x = level * np.sin(2 * np.pi * cycles * np.arange(frames) / frames)
    sf.write(path, np.repeat(x[:, None], channels, axis=1), rate)
    return path


def playlist(*paths: Path, id: str = "test", **options) -> Playlist:
    settings = {
        "loop": False,
        "crossfade": 0.5,
        "fade_in": 1.0,
        "fade_out": 1.0,
    } | options
    tracks = tuple(Track(path=p, title=p.stem) for p in paths)
    return Playlist(id=id, title=id.title(), tracks=tracks, **settings)


def tone_level(x: np.ndarray, freq: float, rate: int = RATE, window: float = 0.1) -> np.ndarray:
    """Amplitude of one sine frequency in consecutive windows (a single-bin DFT per window)."""
    mono = x.mean(axis=1) if x.ndim == 2 else x
    size = int(rate * window)
    count = mono.shape[0] // size
    blocks = mono[: count * size].reshape(count, size)
    t = np.arange(size) / rate
    probe = np.exp(-2j * np.pi * freq * t)
    return 2 * np.abs(blocks @ probe) / size


def read_disk_output(path: Path) -> np.ndarray:
    """What SDL's disk driver wrote: signed 16-bit stereo at 44.1 kHz, as floats."""
    raw = np.fromfile(path, dtype=np.int16)
    return raw[: raw.size // 2 * 2].reshape(-1, 2).astype(np.float64) / 32768


def test_tone_level_tells_two_tones_apart():
    t = np.arange(RATE) / RATE
    x = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.1 * np.sin(2 * np.pi * 330 * t)
    assert np.allclose(tone_level(x, 220), 0.3, atol=0.01)
    assert np.allclose(tone_level(x, 330), 0.1, atol=0.01)
    assert np.all(tone_level(x, 550) < 0.01)
