"""Console start-up: process start to the first painted frame of the session screen.

Baseline, measured in the same run: a bare Textual app showing one Label, started the same way
(a fresh Python process in a pseudo-terminal). The console starts as `companion run im-standard
--client BENCH` does: it reads the named script, opens the journal and builds the session
screen; the rest of the library and pygame load only after the first frame. Target ratio <= 1.5.

Both apps load their modules from bytecode caches, as an installed copy does (a wheel's
installer compiles them): Textual's come with the venv, and the console's are compiled into
`companion/**/__pycache__` first (`compileall`), since an editable install under
PYTHONDONTWRITEBYTECODE would otherwise compile every module from source at each start.
Likewise the console's cache of checked scripts (script_cache.py) is warm, as it is from the
second start on; the first start after installing or editing the script is also measured,
with an empty cache each time, and printed beside it (no target: it happens once).
A missed target is printed as such; `--strict` also makes it exit 1 (plain `make bench`
runs on to the next benchmark).
"""

from __future__ import annotations

import compileall
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from console_pty import Child

ROUNDS = 15
FIRST_START_ROUNDS = 5
TARGET = 1.5


def once(mode: str, cache: str | None = None) -> float:
    child = Child(mode, {"COMPANION_CACHE_DIR": cache} if cache else None)
    try:
        return child.first_frame()
    finally:
        child.stop()


def compile_console() -> bool:
    """Bring the console's bytecode caches up to date, as installing the package would."""
    package = Path(__file__).resolve().parent.parent / "companion"
    return bool(compileall.compile_dir(package, quiet=1))


def main() -> int:
    if not compile_console():
        print("  the console's modules could not all be compiled")
        return 1
    with tempfile.TemporaryDirectory(prefix="companion-bench-cache-") as cache:
        once("startup-label")  # warm the file cache for both, and the script cache
        once("startup-console", cache)
        bare, console, first = [], [], []
        for round_number in range(ROUNDS):
            bare.append(once("startup-label"))
            console.append(once("startup-console", cache))
            if round_number < FIRST_START_ROUNDS:
                with tempfile.TemporaryDirectory(prefix="companion-bench-cold-") as cold:
                    first.append(once("startup-console", cold))
    b, c, f = statistics.median(bare), statistics.median(console), statistics.median(first)
    ratio = c / b
    print(
        f"start-up to first frame (median of {ROUNDS}): console {c * 1000:.0f} ms, "
        f"bare Textual Label app {b * 1000:.0f} ms, ratio {ratio:.2f} (target <= {TARGET})"
    )
    print(
        f"  first start after the script was installed or edited (empty script cache, median of "
        f"{FIRST_START_ROUNDS}): {f * 1000:.0f} ms, ratio {f / b:.2f}"
    )
    met = ratio <= TARGET
    if not met:
        print("  target NOT met")
    return 0 if met or "--strict" not in sys.argv else 1


if __name__ == "__main__":
    sys.exit(main())
