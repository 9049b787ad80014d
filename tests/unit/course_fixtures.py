"""Journals of one client's course (and of others), written by hand in the journal's format.

Four sessions of K-007, typed three ways: a complete one; one whose header was damaged (its
start line still names the client); one with an unreadable line in the middle and a distress
marker; and one never ended. Beside them: another client, a rehearsal of K-007 (never part of a
course) and a journal so damaged it names nobody.
"""

from __future__ import annotations

import json
from pathlib import Path

from companion.core.events import (
    DistressMarked,
    DoseGiven,
    NoteAdded,
    PhaseStarted,
    SessionEnded,
    SessionStarted,
    VitalsRecorded,
    to_record,
)

DAY = 86400.0
T0 = 1_799_136_000.0  # 2027-01-05 08:00:00 UTC
MIN = 60.0


def _header(session_id: str, created: float, rehearsal: bool = False) -> str:
    return json.dumps(
        {
            "format": 1,
            "session_id": session_id,
            "script_id": "im-standard",
            "script_hash": "",
            "script_path": "",
            "created": created,
            "speed": 1.0,
            "rehearsal": rehearsal,
        }
    )


def _line(event) -> str:
    return json.dumps(to_record(event), separators=(",", ":"))


def session_events(start: float, code: str, dose: float | None, lot: str, pressures, ended: bool = True) -> list:
    events = [SessionStarted(start, script_id="im-standard", client_code=code)]
    for minutes, (systolic, diastolic) in pressures:
        events.append(
            VitalsRecorded(start + minutes * MIN, systolic=systolic, diastolic=diastolic, heart_rate=72, spo2=98)
        )
    if dose is not None:
        events.insert(
            2 if len(events) > 1 else 1,
            DoseGiven(start + 20 * MIN, amount=dose, unit="mg", route="IM", given_at=start + 20 * MIN, lot=lot),
        )
        events.append(PhaseStarted(start + 25 * MIN, phase_id="journey"))
    if ended:
        events.append(SessionEnded(start + 120 * MIN))
    return sorted(events, key=lambda e: e.at)


def write_course(root: Path) -> dict[str, Path]:
    """Write the fixture journals into `root` (a journals folder); return them by name."""
    root.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}

    def write(name: str, session_id: str, created: float, lines: list[str], rehearsal: bool = False) -> None:
        path = root / f"{session_id}.jsonl"
        path.write_text("\n".join([_header(session_id, created, rehearsal), *lines]) + "\n", encoding="utf-8")
        written[name] = path

    first = session_events(T0, "K-007", 50, "A1", [(5, (130, 80)), (60, (142, 88)), (110, (128, 79))])
    write("first", "20270105-0800-im-standard", T0, [_line(e) for e in first])

    second_start = T0 + 3 * DAY
    second = session_events(second_start, "k-007", 50, "A1", [(5, (135, 85))])
    path_lines = [_line(e) for e in second]
    write("damaged", "20270108-0800-im-standard", second_start, path_lines)
    damaged = written["damaged"]
    damaged.write_text("{this is not a header\n" + "\n".join(path_lines) + "\n", encoding="utf-8")

    third_start = T0 + 7 * DAY
    third = session_events(third_start, " K-007 ", 60, "B7", [(5, (138, 86)), (60, (151, 94))])
    third.insert(3, DistressMarked(third_start + 40 * MIN, note="wave of fear"))
    third_lines = [_line(e) for e in sorted(third, key=lambda e: e.at)]
    third_lines.insert(2, '{"kind":"vitals_recorded","at":"broken"}')
    write("partly-damaged", "20270112-0800-im-standard", third_start, third_lines)

    fourth_start = T0 + 14 * DAY
    fourth = session_events(fourth_start, "K-007 ", None, "", [], ended=False)
    fourth.append(NoteAdded(fourth_start + 3 * MIN, text="arrived late"))
    write("unfinished", "20270119-0800-im-standard", fourth_start, [_line(e) for e in fourth])

    other = session_events(T0 + DAY, "L-2", 40, "Z9", [(5, (120, 75))])
    write("other", "20270106-0800-im-standard", T0 + DAY, [_line(e) for e in other])

    rehearsal = session_events(T0 + 2 * DAY, "K-007", 99, "R", [(5, (190, 120))])
    write("rehearsal", "20270107-0800-im-standard", T0 + 2 * DAY, [_line(e) for e in rehearsal], rehearsal=True)

    nobody = root / "20270110-0800-im-standard.jsonl"
    nobody.write_bytes(b"\x00\x01 not a journal at all\n")
    written["nobody"] = nobody
    return written
