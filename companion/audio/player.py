"""Sound: the Player protocol the console drives, a SilentPlayer, and the pygame-backed player.

Nothing here blocks: the UI calls `update()` from its timer (a few times a second) and the
player advances fades, crossfades and track changes from the monotonic clock.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from companion.core.scripts.playlists import Chime, Playlist

_log = logging.getLogger("companion.audio")


class Player(Protocol):
    available: bool  # False: no device; everything is accepted and nothing is heard
    notice: str | None  # one plain sentence about a fault, for the screen; None when all is well

    def play(self, playlist: Playlist, volume: float | None = None) -> None:
        """Start a playlist with a fade-in, or crossfade into it from what is playing."""

    def stop(self, fade: float | None = None) -> None:
        """Fade out and stop (default: the playlist's fade_out)."""

    def fade_to_silence(self, seconds: float = 4.0) -> None:
        """The distress key: everything down to silence within `seconds`, never a hard cut."""

    def set_volume(self, volume: float) -> None:
        """Master volume 0..1, reached by a smooth ramp."""

    def set_muted(self, muted: bool) -> None:
        """Mute and unmute by a short ramp."""

    def duck(self, decibels: float) -> None:
        """Lower the music by `decibels` (for a blood-pressure check or talking)."""

    def restore(self) -> None:
        """Undo duck()."""

    def chime(self, chime: Chime) -> None:
        """Play a chime over the music on its own channel."""

    def set_depth(self, depth: float) -> None:
        """A soundscape's depth 0..1, gliding over several seconds (nothing for a plain playlist)."""

    def set_layer_level(self, layer: int, level: float) -> None:
        """One layer of the soundscape playing, 0..1, gliding there."""

    def prepare(self, playlists: list[Playlist]) -> None:
        """Measure these playlists' tracks ahead of need (in the background)."""

    def update(self) -> None:
        """Advance fades and track changes; call a few times a second."""

    def close(self) -> None:
        """Fade nothing, release the device (mixer.quit)."""

    @property
    def now_playing(self) -> str | None:
        """Title of what is heard now, or None."""

    @property
    def volume(self) -> float: ...

    @property
    def muted(self) -> bool: ...

    @property
    def depth(self) -> float | None:
        """The soundscape's depth, or None when what plays has no layers."""


@dataclass
class SilentPlayer:
    """Plays nothing and remembers every request: the no-device fallback and the tests' player."""

    notice: str | None = None
    available: bool = False
    calls: list[tuple[object, ...]] = field(default_factory=list)
    _volume: float = 0.5
    _muted: bool = False
    _playing: Playlist | None = None
    _depth: float = 0.5

    def play(self, playlist: Playlist, volume: float | None = None) -> None:
        self.calls.append(("play", playlist.id, volume))
        if playlist != self._playing:
            self._depth = playlist.depth
        self._playing = playlist
        if volume is not None:
            self._volume = volume

    def stop(self, fade: float | None = None) -> None:
        self.calls.append(("stop", fade))
        self._playing = None

    def fade_to_silence(self, seconds: float = 4.0) -> None:
        self.calls.append(("fade_to_silence", seconds))
        self._playing = None

    def set_volume(self, volume: float) -> None:
        self.calls.append(("set_volume", volume))
        self._volume = max(0.0, min(1.0, volume))

    def set_muted(self, muted: bool) -> None:
        self.calls.append(("set_muted", muted))
        self._muted = muted

    def duck(self, decibels: float) -> None:
        self.calls.append(("duck", decibels))

    def restore(self) -> None:
        self.calls.append(("restore",))

    def chime(self, chime: Chime) -> None:
        self.calls.append(("chime", chime.id))

    def set_depth(self, depth: float) -> None:
        self.calls.append(("set_depth", depth))
        self._depth = max(0.0, min(1.0, depth))

    def set_layer_level(self, layer: int, level: float) -> None:
        self.calls.append(("set_layer_level", layer, level))

    def prepare(self, playlists: list[Playlist]) -> None:
        pass

    def update(self) -> None:
        pass

    def close(self) -> None:
        self.calls.append(("close",))

    @property
    def now_playing(self) -> str | None:
        return self._playing.title if self._playing else None

    @property
    def volume(self) -> float:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def depth(self) -> float | None:
        return self._depth if self._playing is not None and self._playing.layered else None


NO_DEVICE = "No sound device found: the session goes on silently."
NO_AUDIO_SUPPORT = "Audio support is not installed: the session goes on silently."


def open_player(volume: float = 0.5) -> Player:
    """The pygame player when a sound device answers, else a SilentPlayer with a notice.

    pygame is imported here, not at module top: importing it costs about 0.3 s of start-up.
    """
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    # SDL's own SIGTERM/SIGINT handlers turn the signal into a quit event nobody reads, so a
    # shutdown or `kill` would be ignored; the app handles those signals itself.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    try:
        import pygame
        from pygame import mixer

        from companion.audio.pygame_player import DEVICE_BUFFER, PygamePlayer
    except ImportError as error:  # numpy or soundfile missing: the player cannot decode
        _log.warning("no audio support (%s): the session runs silently", error)
        return SilentPlayer(notice=NO_AUDIO_SUPPORT)
    try:
        # ALSA writes straight onto the terminal when there is no device.
        with _quiet_stderr():
            mixer.pre_init(44100, -16, 2, DEVICE_BUFFER, allowedchanges=0)
            mixer.init()
            mixer.set_num_channels(max(2, mixer.get_num_channels()))
    except pygame.error as error:
        _log.warning(
            "no sound device (%s, driver %s): the session runs silently",
            error,
            os.environ.get("SDL_AUDIODRIVER", "default"),
        )
        return SilentPlayer(notice=NO_DEVICE)
    _log.debug("sound device open: %s, %s", pygame.mixer.get_init(), _driver_name(pygame))
    return PygamePlayer(mixer, volume=volume)


def _driver_name(pygame: Any) -> str:
    try:
        return str(pygame.mixer.get_driver())
    except Exception:  # older pygame, or no such call
        return os.environ.get("SDL_AUDIODRIVER", "default")


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the duration (C libraries write there directly)."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
