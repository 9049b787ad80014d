"""The client display's cost and speed: the web page's server beside the terminal display, same run.

A live session (the demo script, the real clock) runs a box-breathing exercise. While it
breathes, for the same 60 s window:
- the server (`companion display --serve SESSION`) with one Chromium page connected at the
  tablet's 820x1180, DPR 2;
- the terminal display (`companion display SESSION`) in a pseudo-terminal of 100x30, its
  output read as a terminal would.
CPU is user + system time of each process (and of every process under it), from /proc.
Then the event-to-page latency: 20 phase changes journaled at random moments of the server's
poll, each timed from the journal's fsync to the moment the page put the new words in its DOM
(the page's own clock, the same computer's). Targets: the server at most half the terminal
display's CPU; latency median and p95 under 1 s.

`--textual-serve DIR` also measures, once, the previous server (textual-serve, one terminal
display process per browser) from a copy of the code that had it in DIR, for the record (it needs
`pip install textual-serve`, no longer a dependency).
`--seconds N` shortens the window; `--strict` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import random
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

SETTLE = 3.0
INTRO = 8.0  # the exercise's intro before the first breath (core/stepper.py INTRO_SECONDS)
CHANGES = 20


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds so far of `pid` and of every live process under it."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    wanted, found = {pid}, True
    while found:
        found = False
        for child, parent in parents.items():
            if parent in wanted and child not in wanted:
                wanted.add(child)
                found = True
    return {p: cpu[p] for p in wanted if p in cpu}


def used_between(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[p] - before.get(p, 0.0) for p in after)


class TerminalDisplay:
    """`companion display SESSION` in a pseudo-terminal whose output is read and thrown away."""

    def __init__(self, session_id: str, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "companion", "display", session_id],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color"},
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.running = True
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while self.running:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    os.read(self.master, 65536)
                except OSError:
                    return

    def stop(self) -> None:
        self.running = False
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        os.close(self.master)


def breathe(session, page, library) -> None:
    """Start box breathing and return once the page draws the pacer."""
    from companion.core.events import ExerciseStarted

    session.record(ExerciseStarted(session.now(), exercise_id="box-breathing"))
    page.wait_for_selector(".layer.shown.breathing", timeout=(INTRO + 30) * 1000)


def measure(pids: dict[str, int], seconds: float) -> dict[str, float]:
    before = {name: tree_cpu(pid) for name, pid in pids.items()}
    time.sleep(seconds)  # the measuring window itself
    after = {name: tree_cpu(pid) for name, pid in pids.items()}
    return {name: used_between(before[name], after[name]) for name in pids}


def latencies(session, page, demo) -> list[float]:
    from companion.core.events import ExerciseFinished

    session.record(ExerciseFinished(session.now(), exercise_id="box-breathing", completed=False))
    page.wait_for_selector(".layer.shown.words", timeout=20_000)
    words = {phase.id: phase.client for phase in demo.phases}
    delays = []
    for n in range(CHANGES):
        phase = ("return", "journey")[n % 2]
        seen = page.evaluate("() => window.__companion.changes.length")
        time.sleep(random.uniform(0.05, 0.6))  # a random moment of the server's half-second poll
        session.jump(phase)
        journaled = time.time()
        page.wait_for_function("(n) => window.__companion.changes.length > n", arg=seen, timeout=20_000)
        change = page.evaluate("(n) => window.__companion.changes[n]", seen)
        assert change["text"] == words[phase], change
        delays.append(change["at"] / 1000 - journaled)
    return delays


def textual_serve_cpu(old_tree: Path, env: dict[str, str], seconds: float, playwright, library) -> float:
    """The previous server (textual-serve) from `old_tree`, one browser, the same exercise."""
    from browser_kit import CHROMIUM, CHROMIUM_ARGS, TABLET, free_port

    from companion.core.clock import MonotonicClock
    from companion.core.journal.store import JournalStore
    from companion.core.session import LiveSession

    session = LiveSession.start(library.session("demo"), JournalStore(), MonotonicClock(), client_code="B-2")
    session.jump("journey")
    port = free_port()
    log = Path(env["TMPDIR"]) / "textual-serve.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "companion", "display", "--serve", "--port", str(port), session.session_id],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**env, "PYTHONPATH": str(old_tree)},
            cwd=old_tree,
            start_new_session=True,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        deadline = time.monotonic() + 30
        while "Serving" not in log.read_text(errors="replace"):
            assert time.monotonic() < deadline and server.poll() is None, log.read_text(errors="replace")
            time.sleep(0.1)
        page = browser.new_page(**TABLET)
        page.goto(f"http://127.0.0.1:{port}/", timeout=30_000)
        from companion.core.events import ExerciseStarted

        session.record(ExerciseStarted(session.now(), exercise_id="box-breathing"))
        time.sleep(INTRO + SETTLE)  # its page is a terminal emulator: no DOM to wait on
        return measure({"old": server.pid}, seconds)["old"]
    finally:
        browser.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        session.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--textual-serve", type=Path, help="a copy of the code that served through textual-serve")
    options = parser.parse_args()
    seconds = min(options.seconds, 80.0)  # box breathing lasts 96 s

    folder = tempfile.TemporaryDirectory(prefix="companion-bench-display-")
    base = Path(folder.name)
    env = dict(os.environ)
    env.update(
        COMPANION_DATA_DIR=str(base / "data"),
        COMPANION_CONFIG_DIR=str(base / "config"),
        COMPANION_CACHE_DIR=str(base / "cache"),
        TMPDIR=str(base),
        SDL_AUDIODRIVER="dummy",
        PYGAME_HIDE_SUPPORT_PROMPT="1",
    )
    os.environ.update(env)  # the session below writes where the displays read

    from browser_kit import CHROMIUM, CHROMIUM_ARGS, TABLET, start_server
    from playwright.sync_api import sync_playwright

    from companion.core.clock import MonotonicClock
    from companion.core.journal.store import JournalStore
    from companion.core.scripts.library import load_library
    from companion.core.session import LiveSession

    library = load_library()
    demo = library.session("demo")
    session = LiveSession.start(demo, JournalStore(), MonotonicClock(), client_code="B-1")
    session.jump("journey")
    terminal = TerminalDisplay(session.session_id, env)
    server = start_server(base, session.session_id)
    old = None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(**TABLET)
                page.goto(server.url, timeout=30_000)
                page.wait_for_selector(".layer.shown", timeout=30_000)
                breathe(session, page, library)
                time.sleep(SETTLE)
                cpu = measure({"server": server.process.pid, "terminal": terminal.process.pid}, seconds)
                delays = latencies(session, page, demo)
            finally:
                browser.close()
            if options.textual_serve:
                old = textual_serve_cpu(options.textual_serve.resolve(), env, seconds, playwright, library)
    finally:
        terminal.stop()
        server.stop()
        session.close()

    delays.sort()
    median = statistics.median(delays)
    p95 = delays[min(len(delays) - 1, round(0.95 * (len(delays) - 1)))]
    ratio = cpu["server"] / cpu["terminal"] if cpu["terminal"] else float("inf")
    share = lambda used: f"{used:.2f} s ({used / seconds * 100:.2f}% of a core)"  # noqa: E731
    print(
        f"CPU over {seconds:.0f} s of box breathing: web server with one Chromium page {share(cpu['server'])}, "
        f"terminal display in a pty {share(cpu['terminal'])}, ratio {ratio:.2f} (target <= 0.5)"
    )
    print(
        f"Event to page over {len(delays)} phase changes: median {median * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, worst {delays[-1] * 1000:.0f} ms (target < 1000 ms)"
    )
    if old is not None:
        print(f"textual-serve (the previous server, with its display process) over the same exercise: {share(old)}")
    missed = ratio > 0.5 or median >= 1.0 or p95 >= 1.0
    if missed:
        print("TARGET MISSED")
    return 1 if missed and options.strict else 0


if __name__ == "__main__":
    sys.exit(main())
