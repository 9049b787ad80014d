"""The music engine: playlists, fades, crossfades and the master gain, rendered block by block.

Pure numpy, no device: `render(frames)` returns the next stereo block. Time is counted in
rendered frames, so every fade lasts exactly its length in the output whatever the caller's
timing; the pygame player feeds these blocks to a channel. Commands take effect at the next
block; a block rendered with `render_undoable` can be taken back with `undo` and rendered again
(the tracks' frames are kept, not decoded twice), which lets a command reach a block already
queued. All gain changes are ramps shaped like half a sine, so nothing ever jumps.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from companion.audio.stream import TrackError, TrackStream
from companion.core.scripts.playlists import Playlist, Track

RATE = 44100
MUTE_SECONDS = 0.6
VOLUME_SECONDS = 0.8
DUCK_SECONDS = 1.5
TAIL_FRAMES = 1024  # a file that ends unannounced is eased out over this many frames (23 ms)


class Ramp:
    """A gain that glides from where it is to a target over a number of frames (S-shaped)."""

    def __init__(self, value: float) -> None:
        self.value = value  # where it will be at the end of the last rendered block
        self._start = value
        self._target = value
        self._length = 0
        self._done = 0
        self._power = False

    @property
    def target(self) -> float:
        return self._target

    @property
    def moving(self) -> bool:
        return self._done < self._length

    def to(self, target: float, frames: int, power: bool = False) -> None:
        """Glide to `target`. `power`: a quarter-sine, so two crossfading tracks keep their summed
        power (no dip in the middle); otherwise a half-sine S-curve, gentle at both ends."""
        self._power = power
        self._start = self.value
        self._target = target
        self._length = max(0, int(frames))
        self._done = 0
        if self._length == 0:
            self.value = target

    def render(self, frames: int) -> np.ndarray:
        if not self.moving:
            return np.full(frames, self.value, dtype=np.float32)
        steps = self._done + 1 + np.arange(frames)
        progress = np.minimum(steps / self._length, 1.0)
        if not self._power:
            shape = np.sin(0.5 * np.pi * progress) ** 2
        elif self._target >= self._start:
            shape = np.sin(0.5 * np.pi * progress)
        else:
            shape = 1 - np.cos(0.5 * np.pi * progress)
        gains = self._start + (self._target - self._start) * shape
        self._done = min(self._length, self._done + frames)
        self.value = float(gains[-1])
        return gains.astype(np.float32)


@dataclass(eq=False)  # compared and hashed by identity
class Voice:
    """One track sounding, with its own fade envelope."""

    track: Track
    stream: TrackStream
    gain: Ramp
    leaving: bool = False  # fading out; dropped when silent or finished

    @property
    def finished(self) -> bool:
        return self.stream.remaining == 0 or (self.leaving and not self.gain.moving and self.gain.value == 0.0)


@dataclass
class Undo:
    """The engine as it was before a block, and what each track gave for that block: enough to
    render the block again after a command (the player redoes the block still waiting)."""

    voices: list[tuple[Voice, bool, Ramp, int]]  # voice, leaving, gain, frames read
    master: tuple[Ramp, Ramp, Ramp]
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


@dataclass
class Engine:
    rate: int = RATE
    volume: float = 0.5
    open_track: Callable[[Path, int], TrackStream] = TrackStream
    shuffle_seed: int | None = None
    notices: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._volume = Ramp(self.volume)
        self._mute = Ramp(1.0)
        self._duck = Ramp(1.0)
        self._voices: list[Voice] = []
        self._playlist: Playlist | None = None
        self._order: list[int] = []
        self._next = 0  # index into _order of the next track to start
        self._random = random.Random(self.shuffle_seed)
        self._failures_in_a_row = 0
        # Dropped voices, closed only once their last block can no longer be redone.
        self._retired: list[Voice] = []
        self._replay: dict[Voice, np.ndarray | TrackError] = {}

    # -- commands ------------------------------------------------------------------------------

    def seconds(self, value: float) -> int:
        return round(value * self.rate)

    def play(self, playlist: Playlist, volume: float | None = None) -> None:
        if volume is not None:
            self.set_volume(volume)
        if self._playlist == playlist and self._current() is not None:
            return  # already playing (two phases, same music): carry on, only the volume moves
        entering = bool(self._voices)
        self._fade_out_all(playlist.crossfade, crossfade=True)
        self._playlist = playlist
        self._order = list(range(len(playlist.tracks)))
        if playlist.shuffle:
            self._random.shuffle(self._order)
        self._next = 0
        self._failures_in_a_row = 0
        if not playlist.tracks:
            self._say(f"The playlist {playlist.title} has no tracks: the music stays silent.")
            self._playlist = None
            return
        if entering:
            self._start_next(playlist.crossfade, crossfade=True)
        else:
            self._start_next(playlist.fade_in)

    def next_track(self) -> None:
        """Crossfade to the next track now."""
        if self._playlist is None:
            return
        self._fade_out_all(self._playlist.crossfade, crossfade=True)
        self._start_next(self._playlist.crossfade, crossfade=True)

    def stop(self, fade: float | None = None) -> None:
        if fade is None:
            fade = self._playlist.fade_out if self._playlist else 5.0
        self._fade_out_all(fade)
        self._playlist = None

    def set_volume(self, volume: float) -> None:
        self._volume.to(max(0.0, min(1.0, volume)), self.seconds(VOLUME_SECONDS))

    def set_muted(self, muted: bool) -> None:
        self._mute.to(0.0 if muted else 1.0, self.seconds(MUTE_SECONDS))

    def duck(self, decibels: float) -> None:
        self._duck.to(10 ** (-abs(decibels) / 20), self.seconds(DUCK_SECONDS))

    def restore(self) -> None:
        self._duck.to(1.0, self.seconds(DUCK_SECONDS))

    # -- state ---------------------------------------------------------------------------------

    @property
    def target_volume(self) -> float:
        return self._volume.target

    @property
    def muted(self) -> bool:
        return self._mute.target == 0.0

    @property
    def busy(self) -> bool:
        """A fade, crossfade or ramp is under way."""
        ramps = (
            self._volume,
            self._mute,
            self._duck,
            *(voice.gain for voice in self._voices),
        )
        return any(ramp.moving for ramp in ramps)

    @property
    def playing(self) -> bool:
        return bool(self._voices)

    @property
    def silent_now(self) -> bool:
        """Nothing is, or will be, heard from the music."""
        return not self._voices

    def status(self, latency_frames: int = 0) -> Status:
        current = self._current()
        position = 0.0
        length = None
        if current is not None:
            position = max(0, current.stream.frames_read - latency_frames) / self.rate
            length = current.stream.frames / self.rate
        return Status(
            playlist=self._playlist.id if self._playlist else None,
            title=current.track.title if current else None,
            position=position,
            length=length,
            volume=self._volume.target,
            muted=self.muted,
            ducked=self._duck.target < 1.0,
        )

    @property
    def now_playing(self) -> str | None:
        current = self._current()
        return current.track.title if current else None

    # -- rendering -----------------------------------------------------------------------------

    def render(self, frames: int, scale: float = 1.0) -> np.ndarray:
        """The next `frames` stereo frames as float32; full scale is `scale` (1.0, or int16's)."""
        self._close_retired()
        return self._render(frames, scale, {})

    def render_undoable(self, frames: int, scale: float = 1.0) -> tuple[np.ndarray, Undo]:
        """Like render(), with what `undo()` needs to go back to before this block."""
        self._close_retired()
        undo = self._checkpoint()
        return self._render(frames, scale, undo.reads), undo

    def undo(self, undo: Undo) -> None:
        """Back to before the block `undo` came with; rendering again replays its tracks' frames."""
        kept = {voice for voice, *_ in undo.voices}
        for voice in self._voices + self._retired:
            if voice not in kept:  # opened during that block
                voice.stream.close()
        self._voices = []
        for voice, leaving, gain, frames_read in undo.voices:
            voice.leaving, voice.gain = leaving, copy.copy(gain)
            voice.stream.frames_read = frames_read
            self._voices.append(voice)
        self._retired = []
        self._volume, self._mute, self._duck = (copy.copy(r) for r in undo.master)
        self._playlist = undo.playlist
        self._order = list(undo.order)
        self._next = undo.next
        self._random.setstate(undo.random_state)
        self._failures_in_a_row = undo.failures_in_a_row
        self._replay = undo.reads

    def _checkpoint(self) -> Undo:
        return Undo(
            voices=[(v, v.leaving, copy.copy(v.gain), v.stream.frames_read) for v in self._voices],
            master=(
                copy.copy(self._volume),
                copy.copy(self._mute),
                copy.copy(self._duck),
            ),
            playlist=self._playlist,
            order=list(self._order),
            next=self._next,
            random_state=self._random.getstate(),
            failures_in_a_row=self._failures_in_a_row,
        )

    def _close_retired(self) -> None:
        for voice in self._retired:
            voice.stream.close()
        self._retired = []

    def _read(self, voice: Voice, frames: int, record: dict) -> np.ndarray:
        """The voice's next frames: from its file, or as read before when a block is redone."""
        got = self._replay.pop(voice, None)
        if got is None:
            try:
                got = voice.stream.read(frames)
            except TrackError as error:
                got = error
        else:
            voice.stream.frames_read += 0 if isinstance(got, TrackError) else got.shape[0]
        record[voice] = got
        if isinstance(got, TrackError):
            raise got
        return got

    def _render(self, frames: int, scale: float, record: dict) -> np.ndarray:
        self._schedule()
        out = None
        for voice in list(self._voices):
            try:
                block = self._read(voice, frames, record)
            except TrackError as error:
                self._say(str(error))
                self._drop(voice)
                continue
            out = self._mix_voice(out, voice, block, frames)
            if voice.finished or block.shape[0] < frames:
                self._drop(voice)
        self._replay = {}
        if out is None:
            return np.zeros((frames, 2), dtype=np.float32)
        master = self._master_gain(frames)
        if isinstance(master, float):
            if master * scale != 1.0:
                out *= np.float32(master * scale)
        else:
            out *= master * np.float32(scale)
        return out

    def _mix_voice(self, out: np.ndarray | None, voice: Voice, block: np.ndarray, frames: int) -> np.ndarray:
        """Add one voice's block, under its own gain, to the mix (started here if still empty)."""
        got = block.shape[0]
        steady = got == frames and not voice.gain.moving
        if steady and out is None:
            # Nearly always: the whole mix is this one block times a number.
            return block * np.float32(voice.gain.value)
        if out is None:
            out = np.zeros((frames, 2), dtype=np.float32)
        if steady:
            out += block * np.float32(voice.gain.value)
            return out
        gains = voice.gain.render(frames)[:got, None]
        if got < frames:
            # The file ended sooner than its header said: ease the last frames to zero.
            tail = min(got, TAIL_FRAMES)
            gains = gains.copy()
            gains[got - tail :, 0] *= np.cos(0.5 * np.pi * np.arange(1, tail + 1) / tail) ** 2
        out[:got] += block * gains
        return out

    def _master_gain(self, frames: int) -> float | np.ndarray:
        """Volume x mute x duck: a plain number while none of them moves, else one per frame."""
        ramps = (self._volume, self._mute, self._duck)
        if not any(ramp.moving for ramp in ramps):
            return float(np.float32(ramps[0].value * ramps[1].value * ramps[2].value))
        gains = ramps[0].render(frames) * ramps[1].render(frames) * ramps[2].render(frames)
        return gains[:, None]

    # -- internals -----------------------------------------------------------------------------

    def _say(self, notice: str) -> None:
        if notice not in self.notices:  # a looping playlist must not repeat the same complaint
            self.notices.append(notice)

    def _current(self) -> Voice | None:
        arriving = [voice for voice in self._voices if not voice.leaving]
        return arriving[-1] if arriving else None

    def _drop(self, voice: Voice) -> None:
        if voice in self._voices:
            self._voices.remove(voice)
            self._retired.append(voice)

    def _fade_out_all(self, seconds: float, crossfade: bool = False) -> None:
        for voice in self._voices:
            if not voice.leaving:
                voice.leaving = True
                length = min(self.seconds(seconds), voice.stream.remaining)
                voice.gain.to(0.0, length, power=crossfade)

    def _schedule(self) -> None:
        """Start the next track when the current one is within a crossfade of its end."""
        playlist = self._playlist
        if playlist is None:
            return
        current = self._current()
        if current is None:
            self._start_next(playlist.fade_in)
            return
        overlap = min(self.seconds(playlist.crossfade), current.stream.frames // 2)
        if current.stream.remaining > overlap:
            return
        if self._next >= len(self._order) and not playlist.loop:
            # The last track: let it end with the playlist's fade-out, then the playlist is done.
            current.leaving = True
            current.gain.to(0.0, min(self.seconds(playlist.fade_out), current.stream.remaining))
            self._playlist = None
            return
        current.leaving = True
        current.gain.to(0.0, current.stream.remaining, power=True)
        self._start_next(current.stream.remaining / self.rate, crossfade=True)

    def _start_next(self, fade_in: float, crossfade: bool = False) -> None:
        """Open the next playable track and fade it in; skip bad files with a notice."""
        playlist = self._playlist
        assert playlist is not None
        while True:
            if self._next >= len(self._order):
                if not playlist.loop:
                    self._playlist = None
                    return
                if playlist.shuffle:
                    self._random.shuffle(self._order)
                self._next = 0
            if self._failures_in_a_row >= len(self._order):
                self._say(f"None of the tracks of {playlist.title} could be played: the music stays silent.")
                self._playlist = None
                return
            track = playlist.tracks[self._order[self._next]]
            self._next += 1
            try:
                stream = self.open_track(track.path, self.rate)
            except TrackError as error:
                self._failures_in_a_row += 1
                self._say(str(error))
                continue
            self._failures_in_a_row = 0
            gain = Ramp(0.0)
            gain.to(1.0, min(self.seconds(fade_in), stream.frames // 2), power=crossfade)
            self._voices.append(Voice(track, stream, gain))
            return
