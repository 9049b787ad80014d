"""The program's log: something to read after a bad afternoon, and nothing a client said.

Each process appends to one file a day, `<data dir>/logs/companion-YYYY-MM-DD.log` (folder 0700,
files 0600 whatever the umask); files older than a week are deleted when a command starts.
Warnings and errors are always logged; `--debug` or COMPANION_DEBUG=1 adds what happens in
between (start-up, the sound device, journal writes and retries, each event's kind).

What a log line may hold: event kinds, ids of scripts, phases and sessions, file paths, error
reasons, timings. Never note text, vitals, doses or client codes: modules log through
`logging.getLogger("companion....")` and pass only such facts; a test runs a whole session and
searches its log for what was typed.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import time
from pathlib import Path

from companion import __version__, paths

DEBUG_ENVIRONMENT = "COMPANION_DEBUG"
KEEP_DAYS = 7
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
_handler: logging.Handler | None = None


def logs_dir() -> Path:
    return paths.data_dir() / "logs"


def debug_from_environment() -> bool:
    return os.environ.get(DEBUG_ENVIRONMENT, "").strip().lower() in ("1", "true", "yes", "on")


def log_file(day: float | None = None) -> Path:
    """Today's log file (or the one of the day `day`, a Unix time, falls on)."""
    stamp = time.strftime("%Y-%m-%d", time.localtime(day))
    return logs_dir() / f"companion-{stamp}.log"


class _PrivateFileHandler(logging.FileHandler):
    """A FileHandler whose file is created owner-only, and opened only when there is a line."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, mode="a", encoding="utf-8", delay=True)

    def _open(self):  # type: ignore[no-untyped-def]  # logging's own hook for opening the stream
        folder = Path(self.baseFilename).parent
        paths.ensure_private_dir(folder.parent)  # mkdir(parents=True) leaves parents to the umask
        paths.ensure_private_dir(folder)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding="utf-8")


def setup(debug: bool = False, command: str = "") -> Path:
    """Send the `companion` loggers to today's file: everything with `debug`, else warnings and
    errors. Returns the file's path (it exists once a line has been written)."""
    global _handler
    path = log_file()
    logger = logging.getLogger("companion")
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
    _handler = _PrivateFileHandler(path)
    _handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(_handler)
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)
    logger.propagate = False  # nothing reaches the terminal the console draws on
    logging.captureWarnings(True)
    py_warnings = logging.getLogger("py.warnings")
    py_warnings.addHandler(_handler)
    py_warnings.propagate = False
    _forget_old_files()
    logger.debug(
        "companion %s, %s, Python %s on %s",
        __version__,
        command or "(no command)",
        platform.python_version(),
        platform.platform(terse=True),
    )
    return path


def close() -> None:
    """Detach the log file (tests; the process's end closes it too)."""
    global _handler
    if _handler is not None:
        logging.getLogger("companion").removeHandler(_handler)
        logging.getLogger("py.warnings").removeHandler(_handler)
        _handler.close()
        _handler = None


def _forget_old_files(now: float | None = None) -> None:
    cutoff = (time.time() if now is None else now) - KEEP_DAYS * 86400
    try:
        entries = list(logs_dir().glob("companion-*.log"))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            continue


def log_ended(command: str, code: int) -> None:
    """A command that ended with a non-zero exit status (the console's own crash among them)."""
    logging.getLogger("companion").warning("companion %s ended with exit status %d", command, code)


def log_uncaught(command: str) -> None:
    """Log the exception being handled (a crash of `command`) with its traceback."""
    logging.getLogger("companion").error("companion %s stopped on an error", command, exc_info=sys.exc_info())
