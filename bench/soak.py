"""Soak: a 3-hour session at --speed 60 (3 minutes) in tmux; resident memory and logged errors.

The installed `companion` runs a 3-hour script of auto-advancing phases with the bundled
music (decoded and mixed for real on SDL's dummy audio device), chimed reminders, and every
8 seconds (8 minutes of session) a note, a pause and resume, and +5 minutes, as a busy
therapist might. --no-keys leaves the keys out, to tell their cost from the rest. The resident memory of the process (VmRSS in
/proc/PID/status) is sampled every 2 seconds.

Target: RSS grows by less than 10 MB from minute 1 (of the run) to the end, no exception is
logged in Textual's log (TEXTUAL_LOG) or shown on the terminal after exit, and the console
exits with status 0 when closed with q, y. The baseline printed beside it is the RSS at
minute 1; the ratio is the growth over the 10 MB allowed.

    python bench/soak.py [--hours 3] [--speed 60]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crash_resume import Terminal, companion_command, private_env, session_screen  # noqa: E402

LIMIT_MB = 10.0
SAMPLE_EVERY = 2.0
ERROR_MARKS = ("Traceback", "Error:", "Exception")


def soak_script(hours: float) -> str:
    """Auto-advancing phases filling `hours`, with music and chimed reminders in each."""
    phases = []
    plan = [("settle", "Settling", "settling"), ("journey", "Journey", "journey"), ("return", "Return", "return")]
    total_minutes = int(hours * 60)
    count = 9
    minutes = total_minutes // count
    for index in range(count):
        ident, title, music = plan[index % len(plan)]
        phases.append(
            f"  - id: {ident}-{index + 1}\n"
            f"    title: {title} {index + 1}\n"
            f"    duration: {minutes}m\n"
            f"    advance: auto\n"
            f"    music: {music}\n"
            f"    volume: 0.4\n"
            f"    reminders:\n"
            f"      - at: {minutes // 2}m\n"
            f"        text: Check in {index + 1}\n"
            f"        chime: soft-bell\n"
        )
    return "id: soak\ntitle: Soak, three hours\nroute: IM\nphases:\n" + "".join(phases)


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    if not found:
        raise RuntimeError(f"no VmRSS for process {pid}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--no-keys", action="store_true", help="press no keys (to tell their cost apart)")
    parser.add_argument("--no-log", action="store_true", help="leave Textual's log off")
    args = parser.parse_args()
    exe = companion_command()
    if exe is None or shutil.which("tmux") is None:
        print("needs tmux and the installed companion command", file=sys.stderr)
        return 1
    duration = args.hours * 3600 / args.speed
    with tempfile.TemporaryDirectory(prefix="companion-soak-") as folder:
        root = Path(folder)
        env = private_env(root)
        log = root / "textual.log"
        if not args.no_log:
            env["TEXTUAL_LOG"] = str(log)
        scripts = root / "scripts"
        (scripts / "sessions").mkdir(parents=True)
        (scripts / "sessions" / "soak.yaml").write_text(soak_script(args.hours))
        term = Terminal(env)
        samples: list[tuple[float, int]] = []
        actions = 0
        try:
            term.start(exe, "run", "soak", "--speed", f"{args.speed:g}", "--client", "SOAK", "--scripts", str(scripts))
            term.wait_for(session_screen, what="the session screen")
            pid = term.pid()
            started = time.monotonic()
            next_action = started + 5
            while (elapsed := time.monotonic() - started) < duration:
                samples.append((elapsed, rss_kb(pid)))
                if not args.no_keys and time.monotonic() >= next_action:
                    actions += 1
                    act(term, actions)
                    next_action = time.monotonic() + 8
                time.sleep(SAMPLE_EVERY)
            samples.append((time.monotonic() - started, rss_kb(pid)))
            final_screen = term.screen()
            term.keys("q")
            term.wait_text("Close the console?")
            term.keys("y")
            deadline = time.monotonic() + 20
            while not term.dead():
                if time.monotonic() > deadline:
                    raise AssertionError("the console did not close")
                time.sleep(0.2)
            after_exit = term.screen()
            status = term.exit_status()
        finally:
            term.close()
        logged = log.read_text(errors="replace") if log.exists() else ""
    errors = [line for line in logged.splitlines() if any(mark in line for mark in ERROR_MARKS)]
    errors += [line for line in after_exit.splitlines() if any(mark in line for mark in ERROR_MARKS)]
    minute_one = next(kb for seconds, kb in samples if seconds >= 60)
    at_ten = next(kb for seconds, kb in samples if seconds >= 10)
    peak = max(kb for _, kb in samples)
    end = samples[-1][1]
    growth = (end - minute_one) / 1024
    print(
        f"soak: {args.hours:g} h session at x{args.speed:g} in {duration:.0f} s, {len(samples)} RSS samples, "
        f"{actions} rounds of keys (note, pause, resume, +5m)"
    )
    print(f"baseline, RSS at minute 1: {minute_one / 1024:.1f} MB (at 10 s: {at_ten / 1024:.1f} MB)")
    print(
        f"RSS at the end: {end / 1024:.1f} MB, peak {peak / 1024:.1f} MB; growth from minute 1 "
        f"{growth:+.1f} MB (limit {LIMIT_MB:g} MB); ratio {growth / LIMIT_MB:.2f}"
    )
    timeline = "  ".join(f"{seconds:.0f}s:{kb / 1024:.1f}" for seconds, kb in samples[::10])
    print(f"RSS (MB) every ~20 s: {timeline}")
    print(f"exit status {status}; lines with an error in the Textual log or on the terminal: {len(errors)}")
    for line in errors[:10]:
        print(f"  {line}")
    print(f"last screen:\n{final_screen}")
    return 0 if growth < LIMIT_MB and not errors and status in ("0", "unknown") else 1


def act(term: Terminal, number: int) -> None:
    """A note, a pause and resume, and +5 minutes, each waited for on the screen."""
    text = f"soak note {number}"
    term.keys("t")
    term.wait_text("The time is added")
    term.type(text)
    term.keys("Enter")
    term.wait_for(lambda s: text in s and "The time is added" not in s, what=text)
    term.keys("space")
    term.wait_text("PAUSED")
    term.keys("space")
    term.wait_for(lambda s: "PAUSED" not in s, what="the pause to end")
    term.keys("+")


if __name__ == "__main__":
    sys.exit(main())
