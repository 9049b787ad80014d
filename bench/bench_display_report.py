"""Client display and report benchmarks, each beside a baseline measured in the same run.

- An idle poll of the display (nothing new in the journal) beside a bare os.stat() of it.
- Following one new event (JournalTail.poll after an append) beside re-reading the whole journal
  with read_journal, which is what a display without the tail would do.
- One display refresh (client_view over a 3-hour session's 300 events) beside compute_state alone.
- Writing the report of that session (Markdown, HTML, JSON) beside read_journal of it.

Targets: an idle poll within 3x a bare stat (it is one stat and a compare); following an event
at least 5x cheaper than re-reading; a refresh under 2 ms (it runs twice a second); each report
under 50 ms. Exit 1 if a target is missed.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.core.client_view import client_view  # noqa: E402
from companion.core.events import (  # noqa: E402
    ChecklistTicked,
    DoseGiven,
    NoteAdded,
    PhaseStarted,
    ReminderAcknowledged,
    SessionEnded,
    SessionStarted,
    VitalsRecorded,
)
from companion.core.journal.store import FORMAT_VERSION, JournalHeader, JournalWriter, read_journal  # noqa: E402
from companion.core.journal.tail import JournalTail  # noqa: E402
from companion.core.report.files import render_report  # noqa: E402
from companion.core.scripts.script import Phase, Reminder, Safety, SessionScript  # noqa: E402
from companion.core.timeline import compute_state  # noqa: E402

T0 = 1_800_000_000.0
EVENTS = 300  # a long session, well documented: a note or a reading every 35 s for 3 hours

SCRIPT = SessionScript(
    id="bench",
    title="Bench session",
    route="IM",
    phases=tuple(
        Phase(
            f"p{i}",
            f"Phase {i}",
            1800.0,
            client=f"Words for the client in phase {i}.",
            checklist=("Blood pressure taken", "Water offered"),
            reminders=(Reminder(f"p{i}.0", "Visual check", at=900.0),),
        )
        for i in range(6)
    ),
    safety=Safety(systolic_max=160, diastolic_max=100, heart_rate_max=110, spo2_min=92, source="bench"),
)


def _events() -> list:
    events = [SessionStarted(T0, script_id="bench", client_code="B-1"), PhaseStarted(T0, phase_id="p0", move="start")]
    events.append(DoseGiven(T0 + 600, amount=60, unit="mg", route="IM", given_at=T0 + 600, lot="L1"))
    step = 3 * 3600 / EVENTS
    for n in range(EVENTS - 4):
        at = T0 + 700 + n * step
        if n % 50 == 49:
            events.append(PhaseStarted(at, phase_id=f"p{(n // 50) + 1}", move="next"))
        elif n % 5 == 0:
            events.append(VitalsRecorded(at, systolic=120 + n % 50, diastolic=80, heart_rate=70 + n % 45, spo2=97))
        elif n % 7 == 0:
            events.append(ChecklistTicked(at, phase_id=f"p{n // 50}", item="Water offered"))
        elif n % 11 == 0:
            events.append(ReminderAcknowledged(at, reminder_id=f"p{n // 50}.0"))
        else:
            events.append(NoteAdded(at, text=f"Observation {n}: resting, breathing slow and even."))
    events.append(SessionEnded(T0 + 3 * 3600 + 700))
    return events


def _best(function, repeat: int) -> float:
    """Median seconds of `repeat` calls (the median resists the other engineers' load)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    events = _events()
    failures = []
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.jsonl"
        header = JournalHeader(FORMAT_VERSION, "bench", "bench", "", "", T0)
        writer = JournalWriter.create(path, header)
        for event in events[:-1]:
            writer.append(event)

        tail = JournalTail(path)
        tail.poll()
        idle = _best(tail.poll, 2000)
        stat = _best(lambda: os.stat(path), 2000)
        rows.append(("idle poll", idle, stat, "stat()", idle / stat, "ratio <= 3"))
        if idle / stat > 3:
            failures.append("idle poll")

        follow_times, reread_times = [], []
        for n in range(200):
            writer.append(NoteAdded(T0 + 20000 + n, text="one more"))
            start = time.perf_counter()
            tail.poll()
            follow_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            read_journal(path)
            reread_times.append(time.perf_counter() - start)
        follow, reread = statistics.median(follow_times), statistics.median(reread_times)
        rows.append(("follow one event", follow, reread, "read_journal", reread / follow, "speed-up >= 5"))
        if reread / follow < 5:
            failures.append("follow one event")
        writer.close()

        live = events[:-1]
        now = live[-1].at + 1
        refresh = _best(lambda: client_view(SCRIPT, live, {}, now), 200)
        state = _best(lambda: compute_state(SCRIPT, live, now), 200)
        rows.append(("display refresh", refresh, state, "compute_state", refresh / state, "< 2 ms"))
        if refresh > 0.002:
            failures.append("display refresh")

        ended = Path(folder) / "ended.jsonl"
        writer = JournalWriter.create(ended, header)
        for event in events:
            writer.append(event)
        writer.close()
        read = _best(lambda: read_journal(ended), 30)
        contents = read_journal(ended)
        for fmt in ("md", "html", "json"):
            seconds = _best(lambda fmt=fmt: render_report(contents, SCRIPT, fmt, tz=UTC, generated_at=T0), 30)
            rows.append(
                (f"report {fmt} ({len(events)} events)", seconds, read, "read_journal", seconds / read, "< 50 ms")
            )
            if seconds > 0.05:
                failures.append(f"report {fmt}")

    print(f"{'figure':<28} {'project':>11} {'baseline':>11}  {'(baseline)':<14} {'ratio':>7}  target")
    for name, ours, base, base_name, ratio, target in rows:
        print(f"{name:<28} {ours * 1000:>8.3f} ms {base * 1000:>8.3f} ms  {base_name:<14} {ratio:>7.2f}  {target}")
    if failures:
        print("missed: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
