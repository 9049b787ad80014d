"""Read an audio file a block at a time as 44.1 kHz stereo float32, whatever its own format.

Memory stays bounded by the block size however long the file is. OGG Vorbis, FLAC, WAV and MP3
are decoded by libsndfile (through soundfile); other rates are converted by linear interpolation,
other channel counts folded to stereo.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf


def _read_frames(file: sf.SoundFile, count: int) -> np.ndarray:
    """The next `count` frames (fewer at the end), as float32 frames x channels.

    soundfile's own read() seeks back to where it thinks it is after every read; libsndfile's
    seek is not exact for MP3 (and not always for Vorbis: libsndfile#885), which scrambles a
    file read in blocks. So read through libsndfile directly, without any seek; fall back to
    read() if a future soundfile hides the handle.
    """
    handle = getattr(file, "_file", None)
    reader = getattr(_sf_lib, "sf_readf_float", None)
    if handle is None or reader is None or _sf_ffi is None:
        return file.read(count, dtype="float32", always_2d=True)
    out = np.empty((count, file.channels), dtype=np.float32)
    got = reader(handle, _sf_ffi.cast("float *", _sf_ffi.from_buffer(out)), count)
    if got < 0:
        raise RuntimeError("libsndfile read failed")
    return out[:got]


_sf_lib = getattr(sf, "_snd", None)
_sf_ffi = getattr(sf, "_ffi", None)
# Frames decoded per read (0.74 s, 256 KB): memory stays bounded, the decoder is woken rarely.
READ_AHEAD = 32768
# MP3 headers only estimate the length (libsndfile#1001): plan the fade-out to end this early.
MP3_LENGTH_MARGIN = 1.0


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
        """Total length in output frames, as the file's header reports it (MP3: a safe guess)."""
        frames = int(self._file.frames / self._step)
        if self._file.format == "MP3":
            frames = max(self.frames_read, frames - int(MP3_LENGTH_MARGIN * self.rate))
        return frames

    @property
    def remaining(self) -> int:
        return max(0, self.frames - self.frames_read)

    def _pull(self, count: int) -> None:
        if self._source_done or count <= 0:
            return
        # A few large reads cost far less than many small ones.
        count = max(count, READ_AHEAD)
        try:
            block = _read_frames(self._file, count)
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
            self._pull(frames - self._buffer.shape[0])
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
