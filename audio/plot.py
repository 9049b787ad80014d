"""Look at the bundled audio: a spectrogram with a level curve under it, one PNG per file.

    .venv/bin/python audio/plot.py OUT_DIR [FILES...]     # default: every OGG here

Frequency runs up on a log scale from 30 Hz to 16 kHz; brightness is level in dB (60 dB range).
The strip under each spectrogram is the short-term RMS level, with a line at -3 dBFS for the peak
limit. No plotting library needed: the PNG is written by hand.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import soundfile as sf

AUDIO = Path(__file__).resolve().parent
WIDTH, HEIGHT, STRIP = 900, 260, 80


def write_png(path: Path, rgb: np.ndarray) -> None:
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].astype(np.uint8).tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    )


def _colour(level: np.ndarray) -> np.ndarray:
    """0..1 -> dark blue, through orange, to pale yellow."""
    stops = np.array(
        [[8, 8, 30], [60, 30, 110], [200, 80, 60], [250, 200, 90], [255, 255, 220]],
        float,
    )
    position = np.clip(level, 0, 1) * (len(stops) - 1)
    low = np.floor(position).astype(int).clip(0, len(stops) - 2)
    frac = (position - low)[..., None]
    return stops[low] * (1 - frac) + stops[low + 1] * frac


def render(path: Path, out: Path) -> None:
    x, rate = sf.read(path, always_2d=True)
    mono = x.mean(axis=1)
    hop = max(1, len(mono) // WIDTH)
    size = 8192
    bins = np.fft.rfftfreq(size, 1.0 / rate)
    rows = np.geomspace(30, 16000, HEIGHT)[::-1]
    picks = np.searchsorted(bins, rows).clip(0, len(bins) - 1)
    window = np.hanning(size)
    image = np.zeros((HEIGHT, WIDTH))
    levels = np.zeros(WIDTH)
    for column in range(WIDTH):
        start = column * hop
        frame = mono[start : start + size]
        if frame.size < size:
            frame = np.pad(frame, (0, size - frame.size))
        spectrum = np.abs(np.fft.rfft(frame * window)) / (size / 4)
        image[:, column] = 20 * np.log10(spectrum[picks] + 1e-9)
        block = x[start : start + hop]
        levels[column] = 20 * np.log10(np.sqrt(np.mean(block * block)) + 1e-9)
    top = image.max()
    rgb = _colour((image - (top - 60)) / 60)
    strip = np.full((STRIP, WIDTH, 3), 20.0)
    # Level strip: 0 dBFS at the top, -60 at the bottom.
    heights = ((-levels) / 60 * STRIP).clip(0, STRIP - 1).astype(int)
    for column, h in enumerate(heights):
        strip[h:, column] = (90, 200, 140)
    strip[int(3 / 60 * STRIP), :] = (255, 80, 80)
    write_png(out, np.concatenate([rgb, np.full((4, WIDTH, 3), 255.0), strip]))
    peak = 20 * np.log10(np.max(np.abs(x)) + 1e-12)
    print(f"{path.relative_to(AUDIO) if path.is_relative_to(AUDIO) else path}: peak {peak:.1f} dBFS -> {out}")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 1
    out_dir = Path(argv[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [Path(a) for a in argv[1:]] or sorted(AUDIO.glob("*/*.ogg"))
    for path in files:
        render(path, out_dir / (path.stem + ".png"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
