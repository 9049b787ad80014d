"""ClientScreenMark: one dim line saying a client's screen is following this session.

The display processes (`companion display`, with or without `--serve`) keep a small status
file beside the journal they follow (companion/display/status.py); this widget reads them once
a second and shows a line only while at least one screen is connected, so the therapist knows
the tablet or the second terminal really shows the session. Hidden otherwise: it takes no room.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Static

from companion.display.status import screens_following

CHECK_SECONDS = 1.0


class ClientScreenMark(Static):
    DEFAULT_CSS = """
    ClientScreenMark { height: 1; padding: 0 1; color: $text-muted; background: $panel; display: none; }
    ClientScreenMark.-connected { display: block; }
    """

    def __init__(self, journal: Callable[[], Path | None], **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)
        self.journal = journal
        self.screens = 0
        """Client screens following the session at the last look."""

    def on_mount(self) -> None:
        self.look()
        self.set_interval(CHECK_SECONDS, self.look)

    def look(self) -> None:
        journal = self.journal()
        screens = screens_following(journal) if journal is not None else 0
        if screens == self.screens:
            return
        self.screens = screens
        self.set_class(screens > 0, "-connected")
        self.update("Client screen connected" if screens == 1 else f"{screens} client screens connected")
