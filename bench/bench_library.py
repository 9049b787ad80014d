"""Library benchmark: loading every bundled script, exercise and the audio catalogue.

It runs at app start, so the target is under 50 ms. Baseline, measured in the same run: a bare
`yaml.load(..., CSafeLoader)` of the same files with no validation, positions or file checks,
i.e. the least any YAML-based loader could cost. Exit 1 if the target is missed.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The cache of checked scripts the library keeps goes to a folder of this run's, not the user's.
os.environ["COMPANION_CACHE_DIR"] = tempfile.mkdtemp(prefix="companion-bench-cache-")

import yaml  # noqa: E402

from companion.core.scripts.library import load_library  # noqa: E402

RUNS = 30
TARGET_MS = 50.0


def median_ms(action) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    started = time.perf_counter()
    library = load_library()
    first_ms = (time.perf_counter() - started) * 1000
    files = [source.path for source in library.files]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def baseline() -> None:
        for path in files:
            yaml.load(path.read_bytes(), Loader=loader)  # noqa: S506 - a safe loader

    base = median_ms(baseline)
    ours = median_ms(load_library)
    print(f"files: {len(files)} ({len(library.sessions)} sessions, {len(library.exercises)} exercises, "
          f"{len(library.assessments)} assessments, {len(library.playlists)} playlists), "
          f"problems: {len(library.problems)}")  # fmt: skip
    print(f"load_library, first call: {first_ms:.1f} ms")
    print(f"load_library, median of {RUNS}: {ours:.1f} ms (target < {TARGET_MS:.0f} ms)")
    print(f"baseline, bare yaml.load of the same files: {base:.1f} ms; ratio {ours / base:.2f}x")
    return 0 if ours < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
