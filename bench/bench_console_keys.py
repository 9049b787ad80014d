"""Key press to screen update, in a pseudo-terminal: the time from writing a key to the first
byte of the repaint it causes.

The console runs on a fixed clock so that only the key changes the screen; the keys are space
(pause and resume: an event journaled and fsync'd, then the status line) and ] / [ (volume: the
sound panel). Baseline, same run: a bare Textual app whose Label changes on space. Target:
console median <= 50 ms.
A missed target is printed as such; `--strict` also makes it exit 1 (plain `make bench`
runs on to the next benchmark).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from console_pty import Child

PRESSES = 40
TARGET_MS = 50.0


def measure(mode: str, keys: list[bytes]) -> list[float]:
    child = Child(mode)
    try:
        child.first_frame()
        child.drain(1.5)  # let the start-up settle (the player opens after the first frame)
        times = []
        for index in range(PRESSES):
            times.append(child.press(keys[index % len(keys)]))
            child.drain(0.15)
        return times
    finally:
        child.stop()


def main() -> int:
    bare = measure("keys-label", [b" "])
    console = measure("keys-console", [b" ", b"]", b" ", b"["])
    b, c = statistics.median(bare) * 1000, statistics.median(console) * 1000
    worst = max(console) * 1000
    print(
        f"key press to screen update (median of {PRESSES}): console {c:.1f} ms (max {worst:.1f} ms), "
        f"bare Textual Label app {b:.1f} ms, ratio {c / b:.2f} (target: console <= {TARGET_MS:.0f} ms)"
    )
    met = c <= TARGET_MS
    if not met:
        print("  target NOT met")
    return 0 if met or "--strict" not in sys.argv else 1


if __name__ == "__main__":
    sys.exit(main())
