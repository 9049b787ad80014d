"""How loud each track is (ITU-R BS.1770 / EBU R128), measured once and kept, so every track plays
at one loudness target whatever level it was mastered at.

The meter is libebur128 (through pyebur128), fed a block at a time from the decoder, in its
histogram mode: an hour-long file costs the time to decode it and a few hundred kilobytes.
Results are kept in one owner-only JSON file beside the script cache, keyed on the file's
absolute path, size and modification time; a changed file is measured again. Reading or writing
the cache never fails a caller: at worst a track is measured again.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyebur128
import soundfile as sf

from companion import paths
from companion.audio.stream import read_frames

TARGET_LUFS = -16.0  # what 100 % volume plays (see scripts/README.md: why -16)
MAX_BOOST_DB = 12.0  # a very quiet recording is raised this much at most (its noise rises too)
UNKNOWN_LUFS = -12.0  # assumed for a track not yet measured: loud, so a first play is never too loud
READ_BLOCK = 65536
# The background measurement rests this long after each 1.5 s block (still about 50 times faster
# than real time). Flat out, its thread and the player's feeder thread fight over the GIL and the
# feeder, whose numpy calls each give the GIL up and wait up to 5 ms to get it back, fell 0.4 s
# behind the sound device on a busy machine: a gap in the music.
BACKGROUND_PAUSE = 0.02
FORMAT = 1


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS, gated (BS.1770-4); -inf for digital silence
    peak: float  # sample peak, dBFS

    def gain_db(self, target: float = TARGET_LUFS) -> float:
        """The gain that brings this track to `target` (never more than MAX_BOOST_DB up)."""
        if not math.isfinite(self.integrated):
            return 0.0
        return min(MAX_BOOST_DB, target - self.integrated)


def measure_file(path: Path, pause: float = 0.0) -> Loudness:
    """Integrated loudness and sample peak of a whole file, read a block at a time, resting
    `pause` seconds after each block (see BACKGROUND_PAUSE)."""
    with sf.SoundFile(str(path)) as file:
        channels = min(file.channels, 2)
        meter = pyebur128.R128State(
            channels,
            file.samplerate,
            pyebur128.MeasurementMode.MODE_I
            | pyebur128.MeasurementMode.MODE_HISTOGRAM
            | pyebur128.MeasurementMode.MODE_SAMPLE_PEAK,
        )
        while True:
            block = read_frames(file, READ_BLOCK)  # not file.read(): it scrambles MP3 read in blocks
            if block.shape[0] == 0:
                break
            block = np.ascontiguousarray(block[:, :channels])
            meter.add_frames(block.ravel(), block.shape[0])  # interleaved, as libebur128 wants
            if block.shape[0] < READ_BLOCK:
                break
            if pause:
                time.sleep(pause)
    integrated = pyebur128.get_loudness_global(meter)
    peak = max(pyebur128.get_sample_peak(meter, channel) for channel in range(channels))
    return Loudness(integrated=integrated, peak=20 * math.log10(max(peak, 1e-12)))


def measure_samples(samples: np.ndarray, rate: int) -> Loudness:
    """The same measurement for audio already in memory (frames x channels, -1..1)."""
    x = np.ascontiguousarray(samples if samples.ndim == 2 else samples[:, None], dtype=np.float32)
    meter = pyebur128.R128State(
        x.shape[1],
        rate,
        pyebur128.MeasurementMode.MODE_I | pyebur128.MeasurementMode.MODE_SAMPLE_PEAK,
    )
    meter.add_frames(x.ravel(), x.shape[0])
    peak = max(pyebur128.get_sample_peak(meter, channel) for channel in range(x.shape[1]))
    return Loudness(pyebur128.get_loudness_global(meter), 20 * math.log10(max(peak, 1e-12)))


def short_term(samples: np.ndarray, rate: int, hop: float = 0.1) -> np.ndarray:
    """EBU R128 short-term loudness (3 s window) every `hop` seconds, in LUFS."""
    x = np.ascontiguousarray(samples if samples.ndim == 2 else samples[:, None], dtype=np.float32)
    meter = pyebur128.R128State(x.shape[1], rate, pyebur128.MeasurementMode.MODE_S)
    step = int(rate * hop)
    values = []
    for start in range(0, x.shape[0] - step + 1, step):
        meter.add_frames(x[start : start + step].ravel(), step)
        if start + step >= 3 * rate:
            values.append(pyebur128.get_loudness_shortterm(meter))
    return np.array(values)


class LoudnessCache:
    """Measured loudness by file, kept on disk; measurements run on one background thread."""

    def __init__(self, file: Path | None = None, measure: Callable[..., Loudness] = measure_file) -> None:
        self.file = file if file is not None else paths.cache_dir() / "loudness.json"
        self._measure = measure
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, float]] = self._load()
        self._queue: list[Path] = []
        self._worker: threading.Thread | None = None
        self._wake = threading.Condition(self._lock)

    def known(self, path: Path) -> Loudness | None:
        """The measurement of `path` as it is now on disk, if there is one."""
        key = self._key(path)
        with self._lock:
            entry = self._entries.get(str(path))
        if entry is None or key is None or (entry.get("size"), entry.get("mtime")) != key:
            return None
        return Loudness(entry["integrated"], entry["peak"])

    def get(self, path: Path, pause: float = 0.0) -> Loudness | None:
        """Measured now if not yet known (blocks for as long as decoding the file takes)."""
        found = self.known(path)
        if found is not None:
            return found
        key = self._key(path)
        if key is None:
            return None
        try:
            found = self._measure(path, pause) if pause else self._measure(path)
        except Exception:  # noqa: BLE001 - an unreadable file is the player's to report
            return None
        with self._lock:
            self._entries[str(path)] = {
                "size": key[0],
                "mtime": key[1],
                "integrated": found.integrated if math.isfinite(found.integrated) else -1000.0,
                "peak": found.peak,
            }
            self._save()
        return found

    def measure_soon(self, tracks: Iterable[Path]) -> None:
        """Measure these files on the background thread, in order, if they are not known yet."""
        wanted = [path for path in tracks if self.known(path) is None]
        if not wanted:
            return
        with self._lock:
            self._queue.extend(path for path in wanted if path not in self._queue)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="companion-loudness", daemon=True)
                self._worker.start()
            self._wake.notify()

    def wait_idle(self, timeout: float) -> bool:
        """True once every queued file is measured (for tests and the preview)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._worker = None
                    return
                path = self._queue.pop(0)
            self.get(path, BACKGROUND_PAUSE)

    @staticmethod
    def _key(path: Path) -> tuple[int, int] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return stat.st_size, stat.st_mtime_ns

    def _load(self) -> dict[str, dict[str, float]]:
        try:
            data = json.loads(self.file.read_bytes())
            if data.get("format") != FORMAT or not isinstance(data.get("tracks"), dict):
                return {}
            return dict(data["tracks"])
        except (OSError, ValueError, AttributeError):
            return {}

    def _save(self) -> None:
        try:
            paths.ensure_private_dir(self.file.parent)
            paths.write_private_file(self.file, json.dumps({"format": FORMAT, "tracks": self._entries}))
        except OSError:
            pass  # a full or read-only disk: measured again next time
