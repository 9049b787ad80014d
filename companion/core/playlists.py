"""Playlists and chimes from audio/playlists.yaml (or a user's own), as typed models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

AUDIO_SUFFIXES = (".ogg", ".mp3", ".flac", ".wav")


@dataclass(frozen=True)
class Track:
    path: Path  # absolute
    title: str
    seconds: float | None = None  # known length, when the catalogue or the file says


@dataclass(frozen=True)
class Playlist:
    id: str
    title: str
    tracks: tuple[Track, ...]
    loop: bool = True
    shuffle: bool = False
    crossfade: float = 8.0  # seconds between tracks and into this playlist
    fade_in: float = 8.0
    fade_out: float = 5.0
    folder: Path | None = None  # set when the playlist is "every audio file in this folder"

    @property
    def seconds(self) -> float | None:
        lengths = [track.seconds for track in self.tracks]
        if not lengths or any(length is None for length in lengths):
            return None
        return float(sum(lengths))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Chime:
    id: str
    path: Path
    volume: float = 0.5
