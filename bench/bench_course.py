"""`companion course CODE` over a long course: 200 sessions of 2,000 events each, beside reading
the same journals with a bare JSON-lines loop (open, split lines, json.loads) in the same run.

The journals are written as `companion run` writes them: `JournalStore.create` (format 2, the
script's text in the header) and `JournalWriter.append` for every event (numbered lines). Only
the fsync after each line is skipped while they are written (400,000 fsyncs would take the
setup minutes); the bytes are the writer's own. With `--encrypted` the same course is written
sealed with a passphrase as well, and timed apart.

Both are timed as fresh processes (the installed command; `python -c` for the loop), so each
pays its interpreter start; the command reads a long course on every core it may use (the
bare loop on one: the figure a user waits for beside the plainest reading of the same bytes); then both in-process, without it. The two are run in turn, RUNS
times, so both meet the same load; the medians of wall-clock time (what the therapist waits)
and of CPU time (much less moved by other work on the machine) are printed. Target: the
command under 2 s of wall-clock time and within 3x of the bare loop (plain journals). Exit 0,
or 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from unittest import mock

SESSIONS = 200
EVENTS = 2000
RUNS = 5
CODE = "K-BENCH"
DAY = 86400.0
PASSPHRASE = "bench passphrase, not a secret"

BARE = """
import json, sys
from pathlib import Path
count = 0
for path in sorted(Path(sys.argv[1]).glob("*.jsonl")):
    for line in path.read_bytes().split(b"\\n")[1:]:
        if line:
            json.loads(line)
            count += 1
print(count)
"""


def session_events(at: float, number: int) -> list:
    """One session as the console journals it: start, a PHQ-9 before and after the dose, the
    dose, vitals every few events, notes, checklist ticks, acknowledged reminders, the end."""
    from companion.core.events import (
        AssessmentAnswered,
        AssessmentFinished,
        AssessmentStarted,
        ChecklistTicked,
        DoseGiven,
        NoteAdded,
        PhaseStarted,
        ReminderAcknowledged,
        SessionEnded,
        SessionStarted,
        VitalsRecorded,
    )

    code = CODE if number % 4 else "k-bench "  # the same client, typed otherwise

    def phq9(t: float, run: str, score: int) -> list:
        answers = [
            AssessmentAnswered(
                t + i,
                run=run,
                item_id=f"q{i + 1}",
                question=f"Item {i + 1}",
                answer="Several days",
                score=1 if i < score else 0,
            )
            for i in range(9)
        ]
        band = "mild" if score >= 5 else "minimal"
        return [
            AssessmentStarted(t, run=run, assessment_id="phq-9", title="PHQ-9"),
            *answers,
            AssessmentFinished(t + 10, run=run, score=score, band=band),
        ]

    events = [SessionStarted(at, script_id="im-standard", client_code=code), PhaseStarted(at, phase_id="arrival")]
    events += phq9(at + 60, "phq-9#1", 5 + number % 5)
    events.append(DoseGiven(at + 600, amount=50, unit="mg", route="IM", given_at=at + 600, lot=f"L{number}"))
    kinds = (
        lambda t, i: VitalsRecorded(t, systolic=120 + i % 40, diastolic=80 + i % 15, heart_rate=70, spo2=98),
        lambda t, i: NoteAdded(t, text=f"note {i}: client resting, breathing slow and even"),
        lambda t, i: ChecklistTicked(t, phase_id="arrival", item="Blood pressure taken", done=bool(i % 2)),
        lambda t, i: ReminderAcknowledged(t, reminder_id=f"r{i}"),
    )
    while len(events) < EVENTS - 12:
        index = len(events)
        events.append(kinds[index % len(kinds)](at + 600 + index, index))
    events += phq9(at + 600 + EVENTS, "phq-9#2", 2 + number % 3)
    events.append(SessionEnded(at + 620 + EVENTS))
    assert len(events) == EVENTS
    return events


class _Clock:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def write_journals(root: Path, encrypt: bool = False) -> None:
    """SESSIONS journals of one client, a week apart, through the store and its writer."""
    from companion.core.journal.store import JournalStore
    from companion.core.scripts.library import load_library

    script = load_library().session("im-standard")
    assert script is not None
    store = JournalStore(root, encrypt=encrypt)
    start = 1_800_000_000.0
    with mock.patch("os.fsync"):  # see the module's docstring
        for number in range(SESSIONS):
            at = start + number * 7 * DAY
            _, writer = store.create(script, client_code=CODE, clock=_Clock(at))  # type: ignore[arg-type]
            for event in session_events(at, number):
                writer.append(event)
            assert writer.close(), writer.last_error


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds of one run of `command`, and the CPU seconds it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_turn(first: Callable[[], tuple[float, float]], second: Callable[[], tuple[float, float]]) -> list[Figure]:
    """Median (wall, CPU) of RUNS runs of each, taken in turn so both meet the same load."""
    runs: list[tuple[tuple[float, float], tuple[float, float]]] = [(first(), second()) for _ in range(RUNS)]
    return [
        Figure(statistics.median(run[i][0] for run in runs), statistics.median(run[i][1] for run in runs))
        for i in (0, 1)
    ]


class Figure(NamedTuple):
    wall: float
    cpu: float


def measure(folder: Path, env: dict[str, str]) -> tuple[list[Figure], list[Figure], int]:
    """(command, bare loop) as processes, (read_course + render, bare loop) in process, and the
    bytes of journals."""
    journals = folder / "data" / "journals"
    companion = str(Path(sys.executable).with_name("companion"))
    command = [companion, "course", CODE]
    bare = [sys.executable, "-c", BARE, str(journals)]
    # As installed: bytecode compiled once and kept (pip does it on install), not every module
    # compiled again in every process as PYTHONDONTWRITEBYTECODE would have it.
    env = dict(env, PYTHONPYCACHEPREFIX=str(folder / "bytecode"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for warm_up in (command, bare):  # the first runs write the bytecode
        timed(warm_up, env)
    processes = in_turn(lambda: timed(command, env), lambda: timed(bare, env))

    from companion.core.course import model, text
    from companion.core.journal.store import JournalStore
    from companion.core.report.model import Times

    def in_process() -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        course = model.read_course(CODE, [JournalStore(journals)])
        text.render_terminal(course, Times())
        figures = time.perf_counter() - started, time.process_time() - cpu
        assert len(course.sessions) == SESSIONS, len(course.sessions)
        assert all(s.dose is not None and len(s.assessments) == 2 and not s.problems for s in course.sessions)
        return figures

    def bare_in_process() -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        for path in sorted(journals.glob("*.jsonl")):
            for line in path.read_bytes().split(b"\n")[1:]:
                if line:
                    json.loads(line)
        return time.perf_counter() - started, time.process_time() - cpu

    size = sum(path.stat().st_size for path in journals.glob("*.jsonl"))
    return processes, in_turn(in_process, bare_in_process), size


def report(title: str, figures: tuple[list[Figure], list[Figure], int]) -> None:
    (ours, loop), (ours_in, loop_in), size = figures
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"{title}: {SESSIONS} sessions x {EVENTS} events, {size / 1e6:.0f} MB, median of {RUNS}, wall (CPU); "
        f"the command on {cores} cores, the in-process read on one"
    )
    print(
        f"  as processes:  companion course {ours.wall:.2f} s ({ours.cpu:.2f})   "
        f"bare JSON-lines loop {loop.wall:.2f} s ({loop.cpu:.2f})   ratio {ours.wall / loop.wall:.2f}"
    )
    print(
        f"  in process:    read_course+render {ours_in.wall:.2f} s ({ours_in.cpu:.2f})   "
        f"bare loop {loop_in.wall:.2f} s ({loop_in.cpu:.2f})   ratio {ours_in.wall / loop_in.wall:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encrypted", action="store_true", help="also time the same course sealed with a passphrase")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-course-"))
    sealed = Path(tempfile.mkdtemp(prefix="bench-course-sealed-"))
    try:
        os.environ.pop("COMPANION_PASSPHRASE", None)
        os.environ["COMPANION_DATA_DIR"] = str(folder / "data")
        write_journals(folder / "data" / "journals")
        env = dict(os.environ)
        plain = measure(folder, env)
        report("plain journals (format 2)", plain)
        if args.encrypted:
            os.environ["COMPANION_PASSPHRASE"] = PASSPHRASE
            os.environ["COMPANION_DATA_DIR"] = str(sealed / "data")
            write_journals(sealed / "data" / "journals", encrypt=True)
            report("encrypted journals (format 2, not part of the target)", measure(sealed, dict(os.environ)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(sealed, ignore_errors=True)
    ours, loop = plain[0]
    ok = ours.wall < 2.0 and ours.wall / loop.wall <= 3.0
    print("target (under 2 s, within 3x of the bare loop):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
