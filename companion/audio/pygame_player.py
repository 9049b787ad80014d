"""The Player that is heard: the music engine's blocks fed to one pygame channel, chimes on another.

pygame.mixer.music is a single stream and cannot crossfade, and `Sound(file)` decodes a whole
file; so the engine decodes and mixes in blocks itself and this class queues each block on a
channel (a channel plays its queued sound gaplessly after the current one). A small feeder
thread keeps the queue full, so a busy UI never starves the sound; `update()` from the UI timer
also feeds and surfaces notices. A command renders the block still waiting again, with it.
Any pygame.error (the device went away) degrades to silence.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from companion.audio.engine import MUTE_SECONDS, RATE, Engine
from companion.audio.loudness import LoudnessCache
from companion.audio.voice import Status, Undo
from companion.core.scripts.playlists import Chime, Playlist, volume_lufs

# Frames per queued block (0.5 s). One plays while the next waits; a command redoes the waiting
# block, so it is heard when the playing one ends: after 0.25 s on average, 0.5 s at most.
# Each wake-up of the feeder costs about as much CPU as decoding a tenth of a second of music,
# so blocks are long and it looks only twice per block: the next block is always queued at
# least a quarter of a second before the device needs it.
BLOCK = 22050
FEED_INTERVAL = BLOCK / RATE / 2  # seconds between feeder wake-ups
# Frames SDL mixes ahead of the speaker (open_player's pre_init): 93 ms, too short to hear as
# a delay; SDL's audio thread wakes 11 times a second instead of 22, which halves its CPU.
DEVICE_BUFFER = 4096
PCM16_SCALE = 32767.0  # the engine renders straight at int16 scale: one multiply fewer
DEVICE_LOST = "The sound device stopped answering: the session goes on silently."
UNEXPECTED = "The music stopped after an unexpected error: the session goes on silently."
FADE_ON_FAILURE_MS = 300  # what is already queued fades rather than stops dead
CHIME_OVER_MUSIC_LU = 7.0  # a reminder is heard over the music, not startling
CHIME_LUFS_GUESS = -13.0  # a chime that could not be measured: about the bundled ones


class PygamePlayer:
    available = True

    def __init__(
        self, mixer: Any, volume: float = 0.5, feeder: bool = True, loudness: LoudnessCache | None = None
    ) -> None:
        self._mixer = mixer  # pygame.mixer, initialised by open_player
        self._error = _pygame_error()
        self.notice: str | None = None
        self._seen = 0  # engine notices already surfaced
        self.loudness = loudness if loudness is not None else LoudnessCache()
        self._engine = Engine(rate=RATE, volume=volume, loudness=self.loudness)
        self._lock = threading.RLock()
        self._music = mixer.Channel(0)
        self._bell = mixer.Channel(1)
        self._chimes: dict[Path, Any] = {}
        self._closed = False
        self._stop_feeding = threading.Event()
        self._thread: threading.Thread | None = None
        self._waiting: Waiting | None = None  # the block queued behind the playing one
        if feeder:
            self._thread = threading.Thread(target=self._feed_forever, name="companion-audio", daemon=True)
            self._thread.start()

    # -- Player protocol ---------------------------------------------------------------------------

    def play(self, playlist: Playlist, volume: float | None = None) -> None:
        self._command(self._engine.play, playlist, volume)

    def stop(self, fade: float | None = None) -> None:
        self._command(self._engine.stop, fade)

    def fade_to_silence(self, seconds: float = 4.0) -> None:
        # What is already queued still plays: start the fade that much shorter to keep the promise.
        fade = max(0.3, seconds - (BLOCK + DEVICE_BUFFER) / RATE)
        self._command(self._engine.stop, fade)
        with self._lock:
            if self.available:
                self._guard(lambda: self._bell.fadeout(int(fade * 1000)))

    def set_volume(self, volume: float) -> None:
        self._command(self._engine.set_volume, volume)

    def set_muted(self, muted: bool) -> None:
        self._command(self._engine.set_muted, muted)
        if muted:  # a chime still ringing goes quiet with the music
            with self._lock:
                if self.available:
                    self._guard(lambda: self._bell.fadeout(int(MUTE_SECONDS * 1000)))

    def duck(self, decibels: float) -> None:
        self._command(self._engine.duck, decibels)

    def restore(self) -> None:
        self._command(self._engine.restore)

    def set_depth(self, depth: float) -> None:
        self._command(self._engine.set_depth, depth)

    def set_layer_level(self, layer: int, level: float) -> None:
        self._command(self._engine.set_layer_level, layer, level)

    def prepare(self, playlists: list[Playlist]) -> None:
        """Measure these playlists' tracks in the background, so each plays at the target at once."""
        self.loudness.measure_soon(track.path for playlist in playlists for track in playlist.tracks)

    def next_track(self) -> None:
        """Crossfade to the next track of the playlist (the preview's `n` key)."""
        self._command(self._engine.next_track)

    def chime(self, chime: Chime) -> None:
        with self._lock:
            if not self.available:
                return
            self._guard(lambda: self._ring(chime))

    def _ring(self, chime: Chime) -> None:
        sound = self._chime_sound(chime.path)
        if sound is None or self._engine.muted:
            return
        sound.set_volume(self._chime_gain(chime))
        self._bell.play(sound)

    def _chime_gain(self, chime: Chime) -> float:
        """A chime CHIME_OVER_MUSIC_LU over the music at its volume (chime volume 0.5; each
        doubling of it is 6 dB more); never over the file's own level, which is not limited."""
        measured = self.loudness.get(chime.path)  # a few seconds of audio: quick, then kept
        native = measured.integrated if measured is not None else CHIME_LUFS_GUESS
        wanted = volume_lufs(self._engine.target_volume) + CHIME_OVER_MUSIC_LU + 20 * math.log10(2 * chime.volume)
        if self._engine.target_volume <= 0 or chime.volume <= 0:
            return 0.0
        return max(0.0, min(1.0, 10 ** ((wanted - native) / 20)))

    def update(self) -> None:
        if self._thread is None or not self._thread.is_alive():  # else the feeder keeps the queue full
            self._feed()
        with self._lock:
            notices = self._engine.notices
            if len(notices) > self._seen:
                self.notice = notices[-1]
                self._seen = len(notices)

    def close(self) -> None:
        self._stop_feeding.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self.available = False
            try:
                self._mixer.quit()
            except self._error:
                pass
            self._waiting = None
            self._engine.close()

    @property
    def busy(self) -> bool:
        """A fade or ramp is under way (the console updates more often meanwhile)."""
        return self._engine.busy

    @property
    def now_playing(self) -> str | None:
        return self._engine.now_playing

    @property
    def depth(self) -> float | None:
        """The soundscape's depth, or None when what plays has no layers."""
        return self._engine.depth if self._engine.layered else None

    @property
    def volume(self) -> float:
        return self._engine.target_volume

    @property
    def muted(self) -> bool:
        return self._engine.muted

    def status(self) -> Status:
        with self._lock:
            return self._engine.status(latency_frames=self._queued_frames())

    # -- feeding -----------------------------------------------------------------------------------

    def _feed_forever(self) -> None:
        while not self._stop_feeding.wait(FEED_INTERVAL):
            self._feed()

    def _feed(self) -> None:
        with self._lock:
            if not self.available or self._closed:
                return
            self._guard(self._top_up)

    def _top_up(self) -> None:
        # Only ever queue(): on an idle channel it starts at once, on a busy one it follows
        # gaplessly. Calling play() on a channel seen "not busy" races with pygame promoting the
        # queued block in the audio thread and splices the sound (a click).
        for _ in range(2):  # the block playing now and the one after it
            if self._engine.silent_now or self._music.get_queue() is not None:
                return
            starts_now = not self._music.get_busy()
            block = self._render()
            self._music.queue(block.sound)
            self._waiting = None if starts_now else block

    def _render(self) -> Waiting:
        samples, undo = self._engine.render_undoable(BLOCK, PCM16_SCALE)
        return Waiting(self._mixer.Sound(buffer=to_pcm16(samples)), undo)

    def _redo_waiting(self, command: Callable[[], object]) -> None:
        """Give a command to the engine and render the block still waiting again with it, so
        the command is heard as soon as the playing block ends instead of one block later."""
        waiting, self._waiting = self._waiting, None
        if waiting is None or self._music.get_queue() is not waiting.sound:
            command()
            return
        self._engine.undo(waiting.undo)
        command()
        redone = self._render()
        self._music.queue(redone.sound)  # replaces the waiting block
        if self._music.get_sound() is waiting.sound:
            # It started between our look and the replacement, which would repeat it: bring the
            # engine to its end, and give the command from there.
            self._engine.undo(waiting.undo)
            self._engine.render_undoable(BLOCK, PCM16_SCALE)
            command()
            redone = self._render()
            self._music.queue(redone.sound)
        self._waiting = redone

    def _queued_frames(self) -> int:
        if not self.available or not self._mixer.get_init():
            return 0
        try:
            return BLOCK * ((1 if self._music.get_busy() else 0) + (1 if self._music.get_queue() else 0))
        except self._error:
            return 0

    # -- helpers -----------------------------------------------------------------------------------

    def _command(self, action: Callable[..., object], *args: object) -> None:
        with self._lock:
            if self.available:
                self._guard(lambda: self._redo_waiting(lambda: action(*args)))
        self._feed()

    def _chime_sound(self, path: Path) -> Any:
        if path not in self._chimes:
            try:  # chimes are short: decoded whole, once
                self._chimes[path] = self._mixer.Sound(str(path))
            except (self._error, OSError):
                self._engine.notices.append(f"The chime {path.name} could not be played.")
                self._chimes[path] = None
        return self._chimes[path]

    def _guard(self, action: Callable[[], object]) -> None:
        """Run player work; on any failure go silent, say so once, and never raise to the UI."""
        try:
            # Channel calls on a closed mixer crash the whole process: check first.
            if not self._mixer.get_init():
                raise self._error("the mixer is not running")
            action()
        except self._error:
            self._go_silent(DEVICE_LOST)
        except Exception:  # a bug or a decoder failure must not take the session down
            self._go_silent(UNEXPECTED)
            self._try(lambda: self._music.fadeout(FADE_ON_FAILURE_MS))

    def _go_silent(self, notice: str) -> None:
        self.available = False
        self.notice = notice
        self._try(lambda: self._engine.stop(0.0))

    def _try(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception:  # already failing: nothing more to say than the notice
            pass


@dataclass
class Waiting:
    """A block queued on the channel, and how to take the engine back to before it."""

    sound: Any
    undo: Undo


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """A block rendered at PCM16_SCALE as 16-bit PCM, with TPDF dither (rounding a steady tone
    alone puts its error into harmonics 88 dB under it; dither turns that into a noise floor far
    lower per frequency), clipped in place (the block is ours; the limiter keeps it well under).
    Digital silence stays exactly silent: frames at zero get no dither. The dither is read from
    a table at a random place each block: the same noise as drawing it anew, at a tenth of the
    cost."""
    if not samples.any():
        return np.zeros(samples.shape, dtype=np.int16)
    count = samples.size
    if count > _DITHER_TABLE.size // 2:
        dither = (_RANDOM.random(count, dtype=np.float32) - _RANDOM.random(count, dtype=np.float32)).reshape(
            samples.shape
        )
    else:
        start = int(_RANDOM.integers(0, _DITHER_TABLE.size - count))
        dither = _DITHER_TABLE[start : start + count].reshape(samples.shape)
    if samples.all():  # music: no frame at zero, nothing to keep silent
        samples += dither
    else:
        samples += np.where(samples == 0, np.float32(0), dither)
    np.rint(samples, out=samples)
    np.clip(samples, -PCM16_SCALE, PCM16_SCALE, out=samples)
    return samples.astype(np.int16)


_RANDOM = np.random.default_rng()
# Triangular (TPDF) noise of one LSB either side, enough for four blocks.
_DITHER_TABLE = _RANDOM.random(8 * 2 * 22050, dtype=np.float32) - _RANDOM.random(8 * 2 * 22050, dtype=np.float32)


def _pygame_error() -> type[BaseException]:
    import pygame

    return pygame.error
