"""While the console runs, nothing but the console writes to the terminal.

Native libraries (libmpg123 on a broken MP3, ALSA, SDL) print straight to file descriptor 2,
over the screen Textual draws. Textual itself draws through `sys.__stderr__`. So for the
console's lifetime fd 2 is pointed at an owner-only log file, and `sys.__stderr__` (with
`sys.stderr`) at a copy of the terminal's descriptor, which Textual then draws through.
Everything is put back on the way out, also after an error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from companion import paths

LOG_NAME = "native-output.log"


def native_log() -> Path:
    """Where native libraries' messages go while the console runs."""
    return paths.ensure_private_dir(paths.data_dir() / "logs") / LOG_NAME


@contextmanager
def native_output_to_log(log: Path | None = None) -> Iterator[Path]:
    """fd 2 to `log` (default: `native_log()`); Python's stderr still reaches the terminal."""
    log = log or native_log()
    sys.stderr.flush()
    terminal = os.dup(2)
    log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.chmod(log, 0o600)
    saved = sys.__stderr__, sys.stderr
    encoding = getattr(sys.__stderr__, "encoding", None) or "utf-8"
    to_terminal = os.fdopen(terminal, "w", encoding=encoding, errors="replace", buffering=1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.__stderr__ = sys.stderr = to_terminal  # type: ignore[misc]  # Textual draws through it
    try:
        yield log
    finally:
        to_terminal.flush()
        os.dup2(terminal, 2)
        sys.__stderr__, sys.stderr = saved  # type: ignore[misc]
        to_terminal.close()
