"""Journal benchmarks: append latency beside plain write+fsync, and replay of 10,000 events.

Targets: p50 append latency within 1.5x of a bare `os.write` + `os.fsync` of the same bytes
(measured in the same run, interleaved, so disk and load affect both alike); read_journal +
compute_state of a 10,000-event journal under 100 ms. Exit 1 if a target is missed.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.core.events import (  # noqa: E402
    ChecklistTicked,
    DoseGiven,
    NoteAdded,
    Paused,
    PhaseAdjusted,
    PhaseStarted,
    ReminderAcknowledged,
    Resumed,
    SessionStarted,
    VitalsRecorded,
)
from companion.core.journal.store import FORMAT_VERSION, JournalHeader, JournalWriter, encode_event, read_journal  # noqa: E402
from companion.core.scripts.script import Phase, Reminder, Safety, SessionScript  # noqa: E402
from companion.core.timeline import compute_state  # noqa: E402

APPENDS = 400
EVENTS = 10_000
APPEND_RATIO_TARGET = 1.5
REPLAY_TARGET_MS = 100.0
T0 = 1_800_000_000.0

SCRIPT = SessionScript(
    id="bench",
    title="Bench",
    route="IM",
    phases=tuple(
        Phase(
            f"p{i}",
            f"Phase {i}",
            1200.0,
            advance="auto" if i % 2 else "manual",
            checklist=("a", "b"),
            reminders=(
                Reminder(f"p{i}.0", "cue", at=600.0),
                Reminder(f"p{i}.d", "dose cue", after_dose=600.0 * (i + 1)),
            ),
        )
        for i in range(8)
    ),
    safety=Safety(systolic_max=180, heart_rate_max=120, spo2_min=92),
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_append(folder: Path) -> tuple[list[float], list[float]]:
    header = JournalHeader(FORMAT_VERSION, "bench", "bench", "", "", T0)
    writer = JournalWriter.create(folder / "project.jsonl", header)
    baseline_fd = os.open(folder / "baseline.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    project, baseline = [], []
    try:
        for i in range(APPENDS):
            event = NoteAdded(at=T0 + i, text=f"Client resting quietly, breathing slow and even ({i}).")
            data = encode_event(event)
            # Alternate which goes first so neither always meets a warm or a cold disk queue.
            order = (0, 1) if i % 2 else (1, 0)
            for which in order:
                if which == 0:
                    started = time.perf_counter()
                    if not writer.append(event):
                        raise SystemExit(f"append failed: {writer.last_error}")
                    project.append(time.perf_counter() - started)
                else:
                    started = time.perf_counter()
                    os.write(baseline_fd, data)
                    os.fsync(baseline_fd)
                    baseline.append(time.perf_counter() - started)
    finally:
        writer.close()
        os.close(baseline_fd)
    return project, baseline


def typical_events(count: int) -> list:
    events: list = [SessionStarted(at=T0, script_id="bench"), PhaseStarted(at=T0, phase_id="p0", move="start")]
    t = T0
    kinds = 0
    while len(events) < count:
        t += 1.7
        kinds += 1
        k = kinds % 10
        if k == 0:
            events.append(VitalsRecorded(at=t, systolic=120 + kinds % 70, diastolic=80, heart_rate=70, spo2=97))
        elif k == 1:
            events.append(NoteAdded(at=t, text=f"Note {kinds}: resting, eyes closed."))
        elif k == 2:
            events.append(ChecklistTicked(at=t, phase_id="p0", item="a", done=kinds % 4 == 2))
        elif k == 3:
            events.append(Paused(at=t))
        elif k == 4:
            events.append(Resumed(at=t))
        elif k == 5:
            events.append(PhaseAdjusted(at=t, phase_id="", seconds=30.0))
        elif k == 6:
            events.append(PhaseStarted(at=t, phase_id=f"p{(kinds // 10) % 8}", move="jump"))
        elif k == 7:
            events.append(ReminderAcknowledged(at=t, reminder_id=f"p{kinds % 8}.0"))
        elif k == 8 and kinds % 1000 == 8:
            events.append(DoseGiven(at=t, amount=50, given_at=t - 60))
        else:
            events.append(NoteAdded(at=t, text="Quiet."))
    return events[:count]


def bench_replay(folder: Path) -> tuple[float, float]:
    path = folder / "replay.jsonl"
    events = typical_events(EVENTS)
    with open(path, "wb") as f:
        # Format 2, as journals are written now: every event numbered, so replay also checks the
        # numbers and times of each line.
        f.write(
            b'{"format":2,"session_id":"r","script_id":"bench","script_hash":"","script_path":"","created":1800000000.0}\n'
        )
        for seq, event in enumerate(events, start=1):
            f.write(encode_event(event, seq))
    now = events[-1].at + 60
    project, baseline = [], []
    for _ in range(7):
        started = time.perf_counter()
        contents = read_journal(path)
        state = compute_state(SCRIPT, contents.events, now)
        project.append(time.perf_counter() - started)
        assert len(contents.events) == EVENTS and state.started_at == T0
        # Baseline: the least any replay does, reading the file and parsing each line's JSON.
        started = time.perf_counter()
        lines = path.read_bytes().split(b"\n")
        parsed = [json.loads(line) for line in lines if line]
        baseline.append(time.perf_counter() - started)
        assert len(parsed) == EVENTS + 1
    return statistics.median(project), statistics.median(baseline)


def main() -> int:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as name:
        folder = Path(name)
        project, baseline = bench_append(folder)
        replay, replay_baseline = bench_replay(folder)
    p50, p99 = percentile(project, 0.5), percentile(project, 0.99)
    b50, b99 = percentile(baseline, 0.5), percentile(baseline, 0.99)
    ratio50, ratio99 = p50 / b50, p99 / b99
    print(f"journal append ({APPENDS} events, fsync each)")
    print(
        f"  p50 {p50 * 1e3:8.3f} ms   baseline write+fsync {b50 * 1e3:8.3f} ms   ratio {ratio50:.2f} (target <= {APPEND_RATIO_TARGET})"
    )
    print(f"  p99 {p99 * 1e3:8.3f} ms   baseline write+fsync {b99 * 1e3:8.3f} ms   ratio {ratio99:.2f}")
    print(f"replay {EVENTS} events (read_journal + compute_state)")
    print(
        f"  {replay * 1e3:8.1f} ms   baseline read + json.loads {replay_baseline * 1e3:8.1f} ms   "
        f"ratio {replay / replay_baseline:.2f}   (target < {REPLAY_TARGET_MS:g} ms)"
    )
    missed = []
    if ratio50 > APPEND_RATIO_TARGET:
        missed.append(f"append p50 ratio {ratio50:.2f} > {APPEND_RATIO_TARGET}")
    if replay * 1e3 >= REPLAY_TARGET_MS:
        missed.append(f"replay {replay * 1e3:.1f} ms >= {REPLAY_TARGET_MS:g} ms")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
