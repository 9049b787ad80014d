"""CPU of a running session with music playing, over 60 s, against the floor.

The console: the default script's first phase (music playing through the project's player),
the real clock, a 1 Hz tick. The floor, same run: a bare Textual app with a 1 Hz timer that
updates a Label and plays the same track with pygame.mixer.music. Both in a pseudo-terminal,
SDL's dummy audio driver for both. CPU is user + system time of every thread, read from /proc
after a 5 s settling time. Target ratio <= 1.25.
A missed target is printed as such; `--strict` also makes it exit 1 (plain `make bench`
runs on to the next benchmark).

A third run, the same console with a silent player, shows how the cost divides between the
screen and the music engine. `--seconds N` shortens the measured window for a quick look.

Every run shares one cache folder, whose loudness measurements of the bundled music are taken
before the runs: what a console does on any start but the very first after installing (which
measures the whole bundled library once, in the background; its cost is printed apart).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from console_pty import Child, first_track

SETTLE = 5.0
TARGET = 1.25


def cpu_over(mode: str, seconds: float, env: dict[str, str]) -> float:
    child = Child(mode, env)
    try:
        child.first_frame()
        deadline = time.monotonic() + SETTLE
        while time.monotonic() < deadline:
            child.drain(0.2)
        start = child.cpu_seconds()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            child.drain(0.5)  # a terminal reads what the app writes
        return child.cpu_seconds() - start
    finally:
        child.stop()


def warm_loudness_cache(env: dict[str, str]) -> float:
    """Measure every bundled track into the shared cache, as a first start does; CPU seconds."""
    import os
    import tempfile

    env["COMPANION_CACHE_DIR"] = tempfile.mkdtemp(prefix="companion-bench-cache-")
    os.environ["COMPANION_CACHE_DIR"] = env["COMPANION_CACHE_DIR"]
    from companion.audio.loudness import LoudnessCache
    from companion.core.scripts.library import load_library

    cache = LoudnessCache()
    started = time.process_time()
    for playlist in load_library([]).playlists.values():
        for track in playlist.tracks:
            cache.get(track.path)
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    seconds = parser.parse_args().seconds
    env = {"BENCH_TRACK": str(first_track())}
    first_start = warm_loudness_cache(env)
    floor = cpu_over("cpu-floor", seconds, env)
    console = cpu_over("cpu-console", seconds, env)
    screen_only = cpu_over("cpu-console-silent", seconds, env)
    ratio = console / floor if floor else float("inf")
    print(
        f"CPU over {seconds:.0f} s with music playing: console {console:.2f} s ({console / seconds * 100:.1f}% of a core), "
        f"floor (bare Textual 1 Hz + mixer.music) {floor:.2f} s ({floor / seconds * 100:.1f}%), "
        f"ratio {ratio:.2f} (target <= {TARGET})"
    )
    print(
        f"  of which the screen alone (same console, silent player): {screen_only:.2f} s "
        f"({screen_only / seconds * 100:.1f}% of a core); the rest is the music engine"
    )
    print(f"  once, on the first start after installing: measuring the bundled music, {first_start:.1f} s of CPU")
    met = ratio <= TARGET
    if not met:
        print("  target NOT met")
    return 0 if met or "--strict" not in sys.argv else 1


if __name__ == "__main__":
    sys.exit(main())
