"""CPU of the breathing pacer animating, against a bare Textual app redrawing one widget as often.

Each app runs headless in its own process for the same number of seconds, all at the same time
(so whatever else loads the machine loads them alike); the CPU each used is read from
os.wait4's rusage. Two pacer runs: coherent breathing (5.5 s in, 5.5 s out: the disc is always
moving) and box breathing (4-4-4-4: it rests half the time). The baseline is a Static whose text
changes on every frame at the pacer's frame rate. Target: pacer / baseline <= 1.3.

    .venv/bin/python bench/bench_pacer.py            # 60 s
    .venv/bin/python bench/bench_pacer.py --seconds 10
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

TARGET = 1.3
SIZE = (120, 36)


# -- the children ---------------------------------------------------------------------------


def run_pacer(seconds: float, pattern_name: str) -> dict:
    from textual.app import App, ComposeResult

    from companion.core.scripts.exercises import BreathPattern
    from companion.ui.theme import THEMES
    from companion.ui.widgets.pacer import BreathingPacer

    patterns = {"coherent": BreathPattern(5.5, 0, 5.5, 0), "box": BreathPattern(4, 4, 4, 4)}

    class PacerApp(App[None]):
        def compose(self) -> ComposeResult:
            self.pacer = BreathingPacer(patterns[pattern_name], rounds=1000)
            yield self.pacer

        def on_mount(self) -> None:
            for theme in THEMES:
                self.register_theme(theme)
            self.theme = THEMES[0].name
            self.cpu_at_start = time.process_time()
            self.set_timer(seconds, self.exit)

    app = PacerApp()
    app.run(headless=True, size=SIZE)
    return {"frames": app.pacer.frames_drawn, "animation_cpu": time.process_time() - app.cpu_at_start}


def run_baseline(seconds: float) -> dict:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from companion.ui.theme import THEMES
    from companion.ui.widgets.pacer import FRAMES_PER_SECOND

    class BareApp(App[None]):
        CSS = "Static { width: 1fr; height: 1fr; content-align: center middle; }"

        def compose(self) -> ComposeResult:
            self.frames = 0
            self.static = Static("0")
            yield self.static

        def on_mount(self) -> None:
            for theme in THEMES:
                self.register_theme(theme)
            self.theme = THEMES[0].name
            self.cpu_at_start = time.process_time()
            self.set_interval(1 / FRAMES_PER_SECOND, self.redraw)
            self.set_timer(seconds, self.exit)

        def redraw(self) -> None:
            self.frames += 1
            self.static.update(f"Breathe in  {self.frames}")

    app = BareApp()
    app.run(headless=True, size=SIZE)
    return {"frames": app.frames, "animation_cpu": time.process_time() - app.cpu_at_start}


# -- the parent -----------------------------------------------------------------------------


def measure(seconds: float) -> dict[str, dict]:
    roles = {"baseline": ["baseline"], "pacer-coherent": ["pacer", "coherent"], "pacer-box": ["pacer", "box"]}
    env = {**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    started: dict[int, tuple[str, subprocess.Popen]] = {}
    for name, role in roles.items():
        child = subprocess.Popen(
            [sys.executable, __file__, "--child", *role, "--seconds", str(seconds)],
            stdout=subprocess.PIPE,
            env=env,
        )
        started[child.pid] = (name, child)
    results: dict[str, dict] = {}
    while started:
        pid, status, usage = os.wait4(-1, 0)
        if pid not in started:
            continue
        name, child = started.pop(pid)
        child.returncode = os.waitstatus_to_exitcode(status)
        out = child.stdout.read().decode() if child.stdout else ""
        if child.returncode != 0:
            raise SystemExit(f"{name} failed with exit code {child.returncode}")
        report = json.loads(out.strip().splitlines()[-1])
        report["process_cpu"] = usage.ru_utime + usage.ru_stime
        results[name] = report
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        role = options.child[0]
        if role == "baseline":
            report = run_baseline(options.seconds)
        else:
            report = run_pacer(options.seconds, options.child[1])
        print(json.dumps(report))
        return 0

    seconds = options.seconds
    print(f"pacer vs a bare Textual app redrawing one widget, {seconds:g} s each, headless {SIZE[0]}x{SIZE[1]}")
    results = measure(seconds)
    base = results["baseline"]
    print(f"{'':16} {'process CPU s':>14} {'animating CPU s':>16} {'pictures drawn':>15}")
    for name in ("baseline", "pacer-coherent", "pacer-box"):
        r = results[name]
        print(f"{name:16} {r['process_cpu']:14.2f} {r['animation_cpu']:16.2f} {r['frames']:15d}")
    worst = 0.0
    for name in ("pacer-coherent", "pacer-box"):
        r = results[name]
        ratio = r["process_cpu"] / base["process_cpu"]
        animating = r["animation_cpu"] / base["animation_cpu"] if base["animation_cpu"] else float("inf")
        worst = max(worst, ratio)
        print(f"ratio {name} / baseline: {ratio:.2f} (process), {animating:.2f} (while animating)")
    verdict = "within" if worst <= TARGET else "ABOVE"
    print(f"worst ratio {worst:.2f}: {verdict} the target of {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
