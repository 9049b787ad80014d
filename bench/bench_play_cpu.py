"""CPU of `companion play` over 60 s against the floor: `pygame.mixer.music` playing the same track
in a bare Textual app with a 1 Hz timer, both in a pseudo-terminal, same run, SDL's dummy driver
(which takes audio at a real device's pace). CPU is user + system time of every thread, from /proc,
after a 5 s settling time, the track's loudness already measured. Target ratio <= 1.5. `--seconds N` shortens the window for a quick look;
`--strict` exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_console_cpu import cpu_over, warm_loudness_cache
from console_pty import first_track

TARGET = 1.5


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--strict", action="store_true")
    options = parser.parse_args()
    env = {"BENCH_TRACK": str(first_track())}
    warm_loudness_cache(env)  # as on any start but the first after installing
    floor = cpu_over("cpu-floor", options.seconds, env)
    play = cpu_over("play-preview", options.seconds, env)
    ratio = play / floor if floor else float("inf")
    print(
        f"companion play over {options.seconds:.0f} s: {play:.2f} s CPU ({play / options.seconds * 100:.1f}% of a core); "
        f"floor (bare Textual 1 Hz + mixer.music) {floor:.2f} s ({floor / options.seconds * 100:.1f}%); "
        f"ratio {ratio:.2f} (target <= {TARGET})"
    )
    met = ratio <= TARGET
    if not met:
        print("  target NOT met")
    return 0 if met or not options.strict else 1


if __name__ == "__main__":
    sys.exit(main())
