"""What the console is opened with: one dataclass for the CLI, `companion resume`, benches and tests.

`make_app(library, **fields)` builds a `ConsoleOptions` from its keywords, so the App's
parameters are written once, here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from companion.core.clock import Clock, MonotonicClock
from companion.core.journal.store import JournalStore, SessionSummary

if TYPE_CHECKING:
    from companion.audio.player import Player
    from companion.core.scripts.library import Library
    from companion.core.scripts.script import SessionScript


@dataclass(frozen=True)
class ConsoleOptions:
    """How to open the console.

    `clock`: every session (new or resumed) runs on it and the real-time line shows it too, so
    tests and screenshots are the same on every run; without it each session gets a
    MonotonicClock at its own speed. `load_rest`: `library` holds only what the first frame
    needs; this reads the whole of it once the session screen is painted (or at once, for the
    resume question or the picker). `player`: open already (tests); else `open_player` (or the
    real one) is called in a thread after the first frame.
    """

    store: JournalStore = field(default_factory=JournalStore)
    rehearsal_store: JournalStore | None = None
    script: SessionScript | None = None
    client_code: str | None = None
    speed: float = 1.0
    resume: SessionSummary | None = None
    offer_resume: bool = True
    clock: Clock | None = None
    player: Player | None = None
    open_player: Callable[[], Player] | None = None
    real_time: Callable[[], float] | None = None
    extra_dirs: tuple[Path, ...] = ()
    load_rest: Callable[[], Library] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra_dirs", tuple(self.extra_dirs))

    def clock_for(self, speed: float, start: float) -> Clock:
        """The clock of a session started (or resumed) at `start`, running at `speed`."""
        return self.clock if self.clock is not None else MonotonicClock(speed, start)

    def now(self) -> float:
        """The wall time the status line shows."""
        if self.real_time is not None:
            return self.real_time()
        return self.clock.now() if self.clock is not None else time.time()
