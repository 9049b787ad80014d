"""What the engine keeps about each sounding track, what it saves to redo a block, and what it
tells the screen."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from companion.audio.limiter import Limiter
from companion.audio.ramp import Ramp
from companion.audio.stream import TrackError, TrackStream
from companion.core.scripts.playlists import Playlist, Track


@dataclass(eq=False)  # compared and hashed by identity
class Voice:
    """One track sounding, with its own fade envelope."""

    track: Track
    stream: TrackStream
    gain: Ramp  # fade in, fade out, crossfade
    level: Ramp = field(default_factory=lambda: Ramp(1.0))  # a layer's share of the mix
    trim: Ramp = field(default_factory=lambda: Ramp(1.0))  # to the loudness target
    measured: bool = True  # trim is the track's measured gain (not a first guess)
    leaving: bool = False  # fading out; dropped when silent or finished
    layer: int | None = None  # index in a soundscape

    @property
    def finished(self) -> bool:
        return self.stream.remaining == 0 or (self.leaving and not self.gain.moving and self.gain.value == 0.0)


@dataclass
class Undo:
    """The engine as it was before a block, and what each track gave for that block: enough to
    render the block again after a command (the player redoes the block still waiting)."""

    voices: list[tuple[Voice, bool, Ramp, Ramp, Ramp, bool, int]]  # voice, leaving, ramps, measured, frames read
    master: tuple[Ramp, Ramp, Ramp]
    limiter: Limiter
    volume: float
    depth: float
    layer_levels: dict[int, float]
    playlist: Playlist | None
    order: list[int]
    next: int
    random_state: object
    failures_in_a_row: int
    reads: dict[Voice, np.ndarray | TrackError] = field(default_factory=dict)


@dataclass
class Status:
    """What the preview shows: the track heard now and where it is."""

    playlist: str | None
    title: str | None
    position: float  # seconds into the track
    length: float | None
    volume: float
    muted: bool
    ducked: bool
    depth: float | None = None  # a soundscape's depth target, else None
    layers: tuple[tuple[str, float], ...] = ()  # a soundscape's layers: title, own level
