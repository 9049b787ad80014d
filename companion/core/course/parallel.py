"""A long course read in several processes.

Each journal is read and checked on its own, and reading one is all processor time (a session
holds a couple of thousand lines, each parsed and checked), so two cores read a course in about
half the time (bench/bench_course.py). Only where this process can be forked: a single-threaded
process on Linux (`companion course`; never the console, whose threads a fork would not carry).
What the workers need (the assessment files, a passphrase already given) is then theirs without
being sent, and a worker starts in milliseconds. Anywhere else, with few sessions, or when the
processes cannot be had, the journals are read here, one after the other: the same sessions.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

PARALLEL_FROM = 16  # journals: fewer are read sooner here than the workers start

Item = TypeVar("Item")
Result = TypeVar("Result")

_read_one: Callable[[object], object] | None = None  # set while the workers are forked


def read_all(items: Sequence[Item], read_one: Callable[[Item], Result], workers: int) -> list[Result]:
    """`read_one` of each item, in order: in up to `workers` forked processes when it is worth it."""
    if workers < 2 or len(items) < PARALLEL_FROM or not can_fork():
        return [read_one(item) for item in items]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    global _read_one
    _read_one = read_one  # type: ignore[assignment]
    size = -(-len(items) // (workers * 4))  # parts a quarter of a worker's share: a slower core takes fewer
    parts = [list(items[start : start + size]) for start in range(0, len(items), size)]
    try:
        with ProcessPoolExecutor(max_workers=len(parts), mp_context=get_context("fork")) as pool:
            return [result for part in pool.map(_read_part, parts) for result in part]  # type: ignore[misc]
    except (OSError, BrokenProcessPool):  # no processes to be had (limits, memory): read them here
        return [read_one(item) for item in items]
    finally:
        _read_one = None


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def _read_part(part: list[object]) -> list[object]:
    assert _read_one is not None  # inherited from the process that forked this one
    return [_read_one(item) for item in part]
