"""How the console knows a client's screen is following its session: small files beside the journal.

A display process (the terminal view, or the web page's server) that follows a journal keeps
one owner-only file `<journal stem>.screen-<pid>.json` beside it, saying how many screens it
shows the session on: {"pid": ..., "kind": "terminal" | "browser", "screens": n}. It rewrites
the file only when that number or the journal changes and removes it when it stops. The console
reads them once a second (`screens_following`); a file whose process is gone (killed) is
ignored, so a crash never leaves the console saying a screen is connected.

Nothing else goes in the file: no session words, no client code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from companion import paths


def status_path(journal: Path, pid: int) -> Path:
    return journal.with_name(f"{journal.stem}.screen-{pid}.json")


class ScreenStatus:
    """This process's file for the journal it follows (none while it follows nothing)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.pid = os.getpid()
        self._written: tuple[Path, int] | None = None

    def update(self, journal: Path | None, screens: int) -> None:
        wanted = (journal, screens) if journal is not None and screens > 0 else None
        if wanted == self._written:
            return
        if self._written is not None:
            status_path(self._written[0], self.pid).unlink(missing_ok=True)
            self._written = None
        if wanted is None:
            return
        path = status_path(wanted[0], self.pid)
        record = json.dumps({"pid": self.pid, "kind": self.kind, "screens": wanted[1]})
        try:
            paths.write_private_file(path, record + "\n")
        except OSError:
            return  # the console then says nothing is connected; the display goes on
        self._written = (wanted[0], wanted[1])


def screens_following(journal: Path) -> int:
    """Client screens that display processes say they show `journal` on, counting live ones only."""
    total = 0
    try:
        candidates = list(journal.parent.glob(f"{journal.stem}.screen-*.json"))
    except OSError:
        return 0
    for path in candidates:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            pid, screens = int(record["pid"]), int(record["screens"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if _alive(pid):
            total += max(0, screens)
    return total


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
