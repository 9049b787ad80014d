"""Key press to screen update, in a pseudo-terminal: the time from writing a key to the first
byte of the repaint it causes.

The console runs on a fixed clock so that only the key changes the screen; the keys are space
(pause and resume: an event journaled and fsync'd, then the status line) and ] / [ (volume: the
sound panel). Baseline, same run: a bare Textual app whose Label changes on space. Target:
console median <= 50 ms.

The dim key `D` repaints every cell, so it is timed to the last byte of its repaint, at 100x30
and at 160x48, beside the same console dimming as it did before (a switch to the dimmer twin
theme, which has Textual parse the stylesheet again and restyle every widget of every screen).
Target: dim median <= 100 ms.

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
DIM_PRESSES = 20
TARGET_MS = 50.0
DIM_TARGET_MS = 100.0


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


def measure_dim(mode: str, size: tuple[int, int]) -> tuple[list[float], float]:
    """Wall times of each press, and the child's CPU seconds per press (which a busy machine
    stretches far less than the wall time)."""
    child = Child(mode, size=size)
    try:
        child.first_frame()
        child.drain(1.5)
        cpu = child.cpu_seconds()
        times = [child.press_whole(b"D") for _ in range(DIM_PRESSES)]
        return times, (child.cpu_seconds() - cpu) / DIM_PRESSES
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
    for size in ((100, 30), (160, 48)):
        # Interleaved halves, so that a busy spell on the machine falls on both.
        now, before, cpu_now, cpu_before = [], [], [], []
        for _ in range(2):
            times, cpu = measure_dim("keys-console", size)
            now, cpu_now = now + times, cpu_now + [cpu]
            times, cpu = measure_dim("keys-console-theme", size)
            before, cpu_before = before + times, cpu_before + [cpu]
        d, t = statistics.median(now) * 1000, statistics.median(before) * 1000
        cd, ct = statistics.mean(cpu_now) * 1000, statistics.mean(cpu_before) * 1000
        print(
            f"dim key D to the end of its repaint at {size[0]}x{size[1]} (median of {len(now)}): "
            f"console {d:.1f} ms (max {max(now) * 1000:.1f} ms), as before (theme switch) {t:.1f} ms "
            f"(max {max(before) * 1000:.1f} ms), ratio {d / t:.2f} (target: <= {DIM_TARGET_MS:.0f} ms); "
            f"CPU per press {cd:.1f} ms, as before {ct:.1f} ms, ratio {cd / ct:.2f}"
        )
        if d > DIM_TARGET_MS:
            print("  target NOT met")
            met = False
    return 0 if met or "--strict" not in sys.argv else 1


if __name__ == "__main__":
    sys.exit(main())
