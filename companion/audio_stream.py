"""Read an audio file a block at a time as 44.1 kHz stereo float32, whatever its own format.

Memory stays bounded by the block size however long the file is. OGG Vorbis, FLAC, WAV and MP3
are decoded by libsndfile (through soundfile); other rates are converted by linear interpolation,
other channel counts folded to stereo.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf


class TrackError(Exception):
    """A file that cannot be played; the message is one plain sentence naming it."""


def describe_failure(path: Path, error: Exception | None = None) -> str:
    if not path.exists():
        return f"Skipped {path.name}: the file is missing."
    if path.is_file() and path.stat().st_size == 0:
        return f"Skipped {path.name}: the file is empty."
    return f"Skipped {path.name}: it could not be read as audio."


class TrackStream:
    """One open track. `read(frames)` returns up to `frames` stereo frames; fewer means the end."""

    def __init__(self, path: Path, rate: int = 44100) -> None:
        self.path = Path(path)
        self.rate = rate
        try:
            self._file = sf.SoundFile(str(self.path))
        except Exception as error:  # libsndfile raises several types for bad input
            raise TrackError(describe_failure(self.path, error)) from error
        if self._file.frames == 0 or self._file.samplerate <= 0:
            self._file.close()
            raise TrackError(describe_failure(self.path))
        self._step = self._file.samplerate / rate
        self._buffer = np.zeros((0, 2), dtype=np.float32)
        self._position = 0.0  # fractional index into _buffer of the next output frame
        self._source_done = False
        self.frames_read = 0

    @property
    def frames(self) -> int:
        """Total length in output frames (as the file's header reports it)."""
        return int(self._file.frames / self._step)

    @property
    def remaining(self) -> int:
        return max(0, self.frames - self.frames_read)

    def _pull(self, count: int) -> None:
        if self._source_done or count <= 0:
            return
        try:
            block = self._file.read(count, dtype="float32", always_2d=True)
        except Exception as error:
            self._source_done = True
            raise TrackError(f"Stopped {self.path.name} early: the rest of the file could not be read.") from error
        if block.shape[0] < count:
            self._source_done = True
        if block.shape[1] == 1:
            block = np.repeat(block, 2, axis=1)
        elif block.shape[1] > 2:
            block = block[:, :2]
        self._buffer = np.concatenate([self._buffer, block]) if self._buffer.size else block

    def read(self, frames: int) -> np.ndarray:
        if self._step == 1.0:
            self._pull(frames)
            out, self._buffer = self._buffer[:frames], self._buffer[frames:]
        else:
            out = self._read_resampled(frames)
        self.frames_read += out.shape[0]
        return out

    def _read_resampled(self, frames: int) -> np.ndarray:
        needed = int(np.ceil(self._position + frames * self._step)) + 2
        self._pull(needed - self._buffer.shape[0])
        where = self._position + np.arange(frames) * self._step
        usable = where < self._buffer.shape[0] - 1
        where = where[usable]
        left = where.astype(np.int64)
        frac = (where - left)[:, None].astype(np.float32)
        out = self._buffer[left] * (1 - frac) + self._buffer[left + 1] * frac
        self._position += frames * self._step
        drop = min(int(self._position), self._buffer.shape[0])
        self._buffer = self._buffer[drop:]
        self._position -= drop
        return out

    def close(self) -> None:
        self._file.close()
