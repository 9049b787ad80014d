"""Console start-up with a config.yaml that remaps keys, beside the same console without one.

Baseline, measured in the same run and interleaved: the bare Textual app showing one Label, and
the console with no config.yaml (`bench_console_startup.py` measures that one against its
target). A config.yaml with a keymap needs the YAML reader and every screen of the console
imported to check the keys; `core/config_cache.py` keeps the checked settings, so from the
second start on that costs nothing. The first start after editing config.yaml (an empty cache)
is measured too (no target: it happens once per edit). Target: with config.yaml <= 1.1 times
the console without it.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_console_startup import compile_console
from console_pty import Child

ROUNDS = 15
FIRST_START_ROUNDS = 5
TARGET = 1.1
CONFIG = "keymap:\n  session.next: j\n  session.mute: u\nstart_dimmed: true\nvolume_step: 0.1\n"


def once(mode: str, env: dict[str, str] | None) -> float:
    child = Child(mode, env)
    try:
        return child.first_frame()
    finally:
        child.stop()


def main() -> int:
    if not compile_console():
        print("  the console's modules could not all be compiled")
        return 1
    with tempfile.TemporaryDirectory(prefix="companion-bench-config-") as root:
        config_dir = Path(root) / "config"
        config_dir.mkdir()
        (config_dir / "config.yaml").write_text(CONFIG)
        plain = {"COMPANION_CACHE_DIR": str(Path(root) / "cache")}
        configured = {**plain, "COMPANION_CONFIG_DIR": str(config_dir)}
        once("startup-label", None)
        once("startup-console", plain)
        once("startup-console", configured)
        bare, without, with_config, first = [], [], [], []
        for round_number in range(ROUNDS):
            bare.append(once("startup-label", None))
            without.append(once("startup-console", plain))
            with_config.append(once("startup-console", configured))
            if round_number < FIRST_START_ROUNDS:
                (Path(root) / "cache" / "config.json").unlink(missing_ok=True)
                first.append(once("startup-console", configured))
    b, w, c, f = (statistics.median(values) for values in (bare, without, with_config, first))
    ratio = c / w
    print(
        f"start-up to first frame (median of {ROUNDS}): console with config.yaml {c * 1000:.0f} ms, "
        f"without {w * 1000:.0f} ms, ratio {ratio:.2f} (target <= {TARGET}); bare Label app {b * 1000:.0f} ms"
    )
    print(
        f"  first start after editing config.yaml (median of {FIRST_START_ROUNDS}): {f * 1000:.0f} ms, ratio {f / w:.2f}"
    )
    met = ratio <= TARGET
    if not met:
        print("  target NOT met")
    return 0 if met or "--strict" not in sys.argv else 1


if __name__ == "__main__":
    sys.exit(main())
