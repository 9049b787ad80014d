"""App-wide messages: small dataclasses that carry results from workers to the handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from companion.audio.player import Player


@dataclass
class PlayerReady(Message):
    """The audio device is open (or known to be absent): the player to drive from now on."""

    player: Player


@dataclass
class ReportWritten(Message):
    """The session report was written (path), or could not be (problem)."""

    path: str | None
    problem: str | None = None
