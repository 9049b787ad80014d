"""Whether a journal is live in another companion window, asked without taking its lock.

The journal store takes an exclusive lock on a journal while a console writes it; a second
console that tried to resume it would be refused. This asks first, so the console can say so.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: journals are not locked, so none is ever open elsewhere
    fcntl = None  # type: ignore[assignment]


def open_elsewhere(path: Path) -> bool:
    """True while another companion window holds the journal at `path` (its lock is taken)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing also lets go of the shared lock just taken
    return False
