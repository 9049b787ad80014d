"""`companion course CODE` over a long course: 200 sessions of 2,000 events each, beside reading
the same journals with a bare JSON-lines loop (open, split lines, json.loads) in the same run.

Both are timed as fresh processes (the installed command; `python -c` for the loop), so each
pays its interpreter start; then both in-process, without it. Median of RUNS. Target: the
command under 2 s and within 3x of the bare loop. Prints the figures and ratios; exit 0, or 1
when the target is missed.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SESSIONS = 200
EVENTS = 2000
RUNS = 5
CODE = "K-BENCH"
DAY = 86400.0

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


def write_journals(root: Path) -> None:
    from companion.core.events import (
        ChecklistTicked,
        DoseGiven,
        NoteAdded,
        PhaseStarted,
        ReminderAcknowledged,
        SessionEnded,
        SessionStarted,
        VitalsRecorded,
    )
    from companion.core.journal.store import encode_event

    root.mkdir(parents=True)
    start = 1_800_000_000.0
    for number in range(SESSIONS):
        at = start + number * 7 * DAY
        code = CODE if number % 4 else "k-bench "  # the same client, typed otherwise
        session_id = f"bench-{number:04d}"
        header = {
            "format": 1,
            "session_id": session_id,
            "script_id": "im-standard",
            "script_hash": "",
            "script_path": "",
            "created": at,
            "speed": 1.0,
            "rehearsal": False,
        }
        events = [SessionStarted(at, script_id="im-standard", client_code=code), PhaseStarted(at, phase_id="arrival")]
        events.append(DoseGiven(at + 600, amount=50, unit="mg", route="IM", given_at=at + 600, lot=f"L{number}"))
        kinds = (
            lambda t, i: VitalsRecorded(t, systolic=120 + i % 40, diastolic=80 + i % 15, heart_rate=70, spo2=98),
            lambda t, i: NoteAdded(t, text=f"note {i}: client resting, breathing slow and even"),
            lambda t, i: ChecklistTicked(t, phase_id="arrival", item="Blood pressure taken", done=bool(i % 2)),
            lambda t, i: ReminderAcknowledged(t, reminder_id=f"r{i}"),
        )
        while len(events) < EVENTS - 1:
            index = len(events)
            events.append(kinds[index % len(kinds)](at + 600 + index, index))
        events.append(SessionEnded(at + 600 + EVENTS))
        with open(root / f"{session_id}.jsonl", "wb") as stream:
            stream.write((json.dumps(header) + "\n").encode())
            stream.writelines(encode_event(event) for event in events)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="bench-course-"))
    try:
        journals = folder / "data" / "journals"
        write_journals(journals)
        env = dict(os.environ, COMPANION_DATA_DIR=str(folder / "data"))
        env.pop("COMPANION_PASSPHRASE", None)
        companion = str(Path(sys.executable).with_name("companion"))
        command = [companion, "course", CODE]
        bare = [sys.executable, "-c", BARE, str(journals)]
        ours = statistics.median(timed(command, env) for _ in range(RUNS))
        loop = statistics.median(timed(bare, env) for _ in range(RUNS))

        os.environ["COMPANION_DATA_DIR"] = str(folder / "data")
        from companion.core.course import model, text
        from companion.core.journal.store import JournalStore
        from companion.core.report.model import Times

        def in_process() -> float:
            started = time.perf_counter()
            course = model.read_course(CODE, [JournalStore(journals)])
            text.render_terminal(course, Times())
            assert len(course.sessions) == SESSIONS
            return time.perf_counter() - started

        def bare_in_process() -> float:
            started = time.perf_counter()
            for path in sorted(journals.glob("*.jsonl")):
                for line in path.read_bytes().split(b"\n")[1:]:
                    if line:
                        json.loads(line)
            return time.perf_counter() - started

        ours_in = statistics.median(in_process() for _ in range(RUNS))
        loop_in = statistics.median(bare_in_process() for _ in range(RUNS))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"course of {SESSIONS} sessions x {EVENTS} events, median of {RUNS}")
    print(
        f"  as processes:  companion course {ours:.2f} s   bare JSON-lines loop {loop:.2f} s   ratio {ours / loop:.2f}"
    )
    print(
        f"  in process:    read_course+render {ours_in:.2f} s   bare loop {loop_in:.2f} s   ratio {ours_in / loop_in:.2f}"
    )
    ok = ours < 2.0 and ours / loop <= 3.0
    print("target (under 2 s, within 3x of the bare loop):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
