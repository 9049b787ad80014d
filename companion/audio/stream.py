"""Read an audio file a block at a time as 44.1 kHz stereo float32, whatever its own format.

Memory stays bounded by the block size however long the file is. OGG Vorbis, FLAC, WAV and MP3
are decoded by libsndfile (through soundfile); other rates are converted by libsoxr (through
python-soxr) in streaming mode, block by block; other channel counts folded to stereo.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import soxr


def read_frames(file: sf.SoundFile, count: int) -> np.ndarray:
    """The next `count` frames (fewer at the end), as float32 frames x channels.

    soundfile's own read() seeks back to where it thinks it is after every read; libsndfile's
    seek is not exact for MP3 (and not always for Vorbis: libsndfile#885), which scrambles a
    file read in blocks. So read through libsndfile directly, without any seek; fall back to
    read() if a future soundfile hides the handle.
    """
    handle = getattr(file, "_file", None)
    reader = getattr(_sf_lib, "sf_readf_float", None)
    if handle is None or reader is None or _sf_ffi is None:
        data: np.ndarray = file.read(count, dtype="float32", always_2d=True)
        return data
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
LOOP_FRAMES = 2**62  # a looping layer's "length": it never ends


class TrackError(Exception):
    """A file that cannot be played; the message is one plain sentence naming it."""


def describe_failure(path: Path, error: Exception | None = None) -> str:
    if not path.exists():
        return f"Skipped {path.name}: the file is missing."
    if path.is_file() and path.stat().st_size == 0:
        return f"Skipped {path.name}: the file is empty."
    return f"Skipped {path.name}: it could not be read as audio."


class TrackStream:
    """One open track. `read(frames)` returns up to `frames` stereo frames; fewer means the end.

    `loop`: the file starts again where it ends, with no seam (a soundscape's layer), and never ends.
    """

    def __init__(self, path: Path, rate: int = 44100, loop: bool = False) -> None:
        self.path = Path(path)
        self.rate = rate
        self.loop = loop
        self._file = self._open()
        if self._file.frames == 0 or self._file.samplerate <= 0:
            self._file.close()
            raise TrackError(describe_failure(self.path))
        self._ratio = rate / self._file.samplerate
        # Asked for at every block (soundfile looks them up anew each time): read them once.
        self._source_frames = self._file.frames
        self._mp3 = self._file.format == "MP3"
        # soxr's high-quality setting: images and aliases under -100 dB, flat to 20 kHz at 44.1 kHz.
        self._resampler = (
            None
            if self._file.samplerate == rate
            else soxr.ResampleStream(self._file.samplerate, rate, 2, "float32", "HQ")
        )
        self._buffer = np.zeros((0, 2), dtype=np.float32)
        self._source_done = False
        self._round = 0  # frames decoded since the file was last opened
        self.frames_read = 0

    def _open(self) -> sf.SoundFile:
        try:
            return sf.SoundFile(str(self.path))
        except Exception as error:  # libsndfile raises several types for bad input
            raise TrackError(describe_failure(self.path, error)) from error

    @property
    def frames(self) -> int:
        """Total length in output frames, as the file's header reports it (MP3: a safe guess)."""
        if self.loop:
            return LOOP_FRAMES
        frames = int(self._source_frames * self._ratio)
        if self._mp3:
            frames = max(self.frames_read, frames - int(MP3_LENGTH_MARGIN * self.rate))
        return frames

    @property
    def remaining(self) -> int:
        return max(0, self.frames - self.frames_read)

    def _decode(self) -> np.ndarray:
        """The next source block as output-rate stereo (a few large reads cost far less than many
        small ones)."""
        try:
            block = read_frames(self._file, READ_AHEAD)
        except Exception as error:
            self._source_done = True
            raise TrackError(f"Stopped {self.path.name} early: the rest of the file could not be read.") from error
        ended = block.shape[0] < READ_AHEAD
        if block.shape[1] == 1:
            block = np.repeat(block, 2, axis=1)
        elif block.shape[1] > 2:
            block = np.ascontiguousarray(block[:, :2])
        self._round += block.shape[0]
        if ended and self.loop and self._round > 0:
            # Round again from the first frame, through the same resampler: no seam, no flush.
            self._file.close()
            self._file = self._open()
            self._round = 0
            ended = False
        if ended:
            self._source_done = True
        if self._resampler is not None:
            block = self._resampler.resample_chunk(block, last=ended)
        return block

    def read(self, frames: int) -> np.ndarray:
        # What is buffered, then fresh decodes, joined only where a block spans two of them: the
        # rest stays a view of the decoded block, never copied again.
        pieces = []
        have = 0
        while True:
            take = self._buffer[: frames - have]
            if take.shape[0]:
                pieces.append(take)
                have += take.shape[0]
                self._buffer = self._buffer[take.shape[0] :]
            if have >= frames or self._source_done:
                break
            self._buffer = self._decode()
        if not pieces:
            out = self._buffer[:0]
        else:
            out = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
        self.frames_read += out.shape[0]
        return out

    def close(self) -> None:
        self._file.close()
        # The resampler (a native object) is let go now, not whenever the interpreter gets to it.
        self._resampler = None
        self._buffer = self._buffer[:0]
