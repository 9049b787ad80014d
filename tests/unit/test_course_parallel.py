"""A long course read in several processes (`companion course` on a multi-core machine) is the
course read in this one: the same sessions, in order, damaged journals and lines included; and
where processes cannot be had, or must not be forked, it is read here."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from companion.core.course import model, parallel
from companion.core.events import DoseGiven, NoteAdded, SessionEnded, SessionStarted, VitalsRecorded
from companion.core.journal.store import JournalStore
from companion.core.scripts.library import load_library

T0 = 1_800_000_000.0
CODE = "K-PAR"


class _Clock:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def _write(root: Path, sessions: int = 20) -> JournalStore:
    script = load_library().session("im-standard")
    store = JournalStore(root)
    for number in range(sessions):
        at = T0 + number * 7 * 86400.0
        code = CODE if number % 3 else " k-par"  # one client, typed otherwise
        _, writer = store.create(script, client_code=code, clock=_Clock(at))  # type: ignore[arg-type]
        for event in (
            SessionStarted(at, script_id="im-standard", client_code=code),
            VitalsRecorded(at + 60, systolic=120 + number, diastolic=80, heart_rate=70, spo2=98),
            DoseGiven(at + 600, amount=50, unit="mg", route="IM", given_at=at + 600, lot=f"L{number}"),
            NoteAdded(at + 700, text=f"note {number}"),
            SessionEnded(at + 900),
        ):
            assert writer.append(event)
        assert writer.close()
        if number == 5:  # a line damaged in the middle of the course
            lines = writer.path.read_bytes().split(b"\n")
            lines[4] = lines[4][:-4]  # the note
            writer.path.write_bytes(b"\n".join(lines))
    store.create(script, client_code="K-OTHER", clock=_Clock(T0))[1].close()
    (root / "broken.jsonl").write_bytes(b"not a journal\n")
    return store


@pytest.fixture
def forking(monkeypatch):
    """The test runner's own threads would keep the reading in this process."""
    monkeypatch.setattr(parallel, "can_fork", lambda: sys.platform == "linux")


@pytest.mark.skipif(sys.platform != "linux", reason="processes are forked on Linux only")
def test_the_course_read_in_processes_is_the_course_read_here(tmp_path, forking):
    stores = [_write(tmp_path / "journals")]
    here = model.read_course(CODE, stores, workers=1)
    assert model.read_course(CODE, stores, workers=3) == here
    assert len(here.sessions) == 20 and [s.dose.lot for s in here.sessions if s.dose] == [f"L{n}" for n in range(20)]
    assert [bool(s.problems) for s in here.sessions].count(True) == 1


@pytest.mark.skipif(sys.platform != "linux", reason="processes are forked on Linux only")
def test_the_work_is_done_by_other_processes_and_comes_back_in_order(forking):
    got = parallel.read_all(list(range(40)), lambda n: (n, os.getpid()), workers=2)
    assert [n for n, _ in got] == list(range(40))
    workers = {pid for _, pid in got}
    assert workers and os.getpid() not in workers  # (a worker done with its part may take the next)


def test_without_processes_the_course_is_read_here(monkeypatch, forking):
    import concurrent.futures

    def no_pool(*args, **kwargs):
        raise OSError("no processes to be had")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    assert parallel.read_all(list(range(40)), lambda n: (n, os.getpid()), workers=2) == [
        (n, os.getpid()) for n in range(40)
    ]


def test_a_process_with_threads_and_a_short_course_are_read_here():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()  # a fork would not carry the other thread
        assert {pid for _, pid in parallel.read_all(list(range(40)), lambda n: (n, os.getpid()), 2)} == {os.getpid()}
    finally:
        stop.set()
        thread.join()
    assert parallel.read_all([1, 2, 3], lambda n: os.getpid(), workers=4) == [os.getpid()] * 3  # too few to share
