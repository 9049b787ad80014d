"""Measuring the loudness of an hour-long track (what the player does once per file, then keeps):
the time and the peak memory, beside decoding the same file alone in the same run.

The track is an hour of 44.1 kHz stereo OGG Vorbis (a minute of shaped noise and a chord, written
sixty times), made once in a temporary folder. Each figure comes from a fresh process: wall time
of the whole pass, and its peak resident memory above what it held before the pass
(VmHWM, reset through /proc/self/clear_refs, less VmRSS before). Informative: prints both and their ratio, exit 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINUTES = 60


def write_hour(path: Path) -> Path:
    import numpy as np
    import soundfile as sf

    rate = 44100
    rng = np.random.default_rng(3)
    frames = rate * 60
    spectrum = np.fft.rfft(rng.standard_normal((frames, 2)), axis=0)
    freqs = np.maximum(np.fft.rfftfreq(frames, 1 / rate), 20.0)
    minute = np.fft.irfft(spectrum / np.sqrt(freqs)[:, None], n=frames, axis=0)
    t = np.arange(frames) / rate
    minute = (0.3 * minute / np.abs(minute).max() + 0.1 * np.sin(2 * np.pi * 220 * t)[:, None]).astype(np.float32)
    with sf.SoundFile(path, "w", rate, 2, format="OGG", subtype="VORBIS") as out:
        for _ in range(MINUTES):
            for start in range(0, frames, 65536):
                out.write(minute[start : start + 65536])
    return path


def child(kind: str, path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import soundfile as sf

    from companion.audio.loudness import measure_file
    from companion.audio.stream import read_frames

    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    if kind == "measure":
        result = measure_file(path)
        what = f"{result.integrated:.1f} LUFS"
    else:
        with sf.SoundFile(str(path)) as file:
            while read_frames(file, 65536).shape[0] == 65536:
                pass
        what = "decoded"
    seconds = time.perf_counter() - started
    peak = _status_kb("VmHWM") - before
    print(f"{seconds:.2f} {peak} {what}")


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run(kind: str, path: Path) -> tuple[float, int, str]:
    out = subprocess.run(
        [sys.executable, __file__, kind, str(path)], capture_output=True, text=True, check=True, env=dict(os.environ)
    ).stdout.split()
    return float(out[0]), int(out[1]), " ".join(out[2:])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        made = time.perf_counter()
        track = write_hour(Path(tmp) / "hour.ogg")
        print(
            f"an hour of OGG Vorbis written in {time.perf_counter() - made:.0f} s ({track.stat().st_size / 1e6:.0f} MB)"
        )
        decode = run("decode", track)
        measure = run("measure", track)
    print(
        f"loudness of an hour-long track: {measure[0]:.1f} s, peak memory +{measure[1] / 1024:.1f} MB ({measure[2]}); "
        f"decoding alone: {decode[0]:.1f} s, +{decode[1] / 1024:.1f} MB; time ratio {measure[0] / decode[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3:
        child(sys.argv[1], Path(sys.argv[2]))
    else:
        sys.exit(main())
