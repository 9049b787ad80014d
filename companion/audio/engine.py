"""The music engine: playlists, soundscapes, fades, crossfades, loudness and the master gain,
rendered block by block.

Pure numpy, no device: `render(frames)` returns the next stereo block. Time is counted in
rendered frames, so every fade lasts exactly its length in the output whatever the caller's
timing; the pygame player feeds these blocks to a channel. Commands take effect at the next
block; a block rendered with `render_undoable` can be taken back with `undo` and rendered again
(the tracks' frames are kept, not decoded twice), which lets a command reach a block already
queued. All gain changes are ramps shaped like half a sine, so nothing ever jumps.

Each voice has three gains: its fade, its level (a soundscape layer's share of the mix, moved by
the depth control) and its trim (the gain that brings the track to the loudness target, from the
loudness cache; a track not measured yet starts as if loud and glides to its gain once known).
The master gain is the volume (in decibels: `volume_gain`) x mute x duck; a look-ahead limiter
after it keeps every peak under -1 dBFS without clipping.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from companion.audio.limiter import Limiter
from companion.audio.loudness import UNKNOWN_LUFS, LoudnessCache
from companion.audio.ramp import Ramp
from companion.audio.stream import TrackError, TrackStream
from companion.audio.voice import Status, Undo, Voice
from companion.core.scripts.playlists import TARGET_LUFS, Playlist, Track, depth_weight, volume_gain

RATE = 44100
MUTE_SECONDS = 0.6
VOLUME_SECONDS = 0.8
DUCK_SECONDS = 1.5
DEPTH_SECONDS = 6.0  # a depth step glides this long: felt as a tide, not a switch
LAYER_SECONDS = 3.0  # a layer's own level set from the Sound panel
TRIM_SECONDS = 3.0  # a track measured while it plays glides to its loudness gain
TAIL_FRAMES = 1024  # a file that ends unannounced is eased out over this many frames (23 ms)


@dataclass
class Engine:
    rate: int = RATE
    volume: float = 0.5
    open_track: Callable[[Path, int, bool], TrackStream] = TrackStream
    shuffle_seed: int | None = None
    notices: list[str] = field(default_factory=list)
    loudness: LoudnessCache | None = None  # None: every track at its own level (no matching)
    target: float = TARGET_LUFS

    def __post_init__(self) -> None:
        self._volume_value = max(0.0, min(1.0, self.volume))
        self._volume = Ramp(volume_gain(self._volume_value))
        self._mute = Ramp(1.0)
        self._duck = Ramp(1.0)
        self._limiter = Limiter()
        self._voices: list[Voice] = []
        self._playlist: Playlist | None = None
        self._order: list[int] = []
        self._next = 0  # index into _order of the next track to start
        self._random = random.Random(self.shuffle_seed)
        self._failures_in_a_row = 0
        self._depth = 0.5
        self._layer_levels: dict[int, float] = {}  # a soundscape's layers set from the Sound panel
        self._mix = 1.0  # a soundscape's layers, summed, come to the target at its starting depth
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
        if playlist.shuffle and not playlist.layered:
            self._random.shuffle(self._order)
        self._next = 0
        self._failures_in_a_row = 0
        if not playlist.tracks:
            self._say(f"The playlist {playlist.title} has no tracks: the music stays silent.")
            self._playlist = None
            return
        if self.loudness is not None:
            self.loudness.measure_soon(track.path for track in playlist.tracks)
        fade = playlist.crossfade if entering else playlist.fade_in
        if playlist.layered:
            self._start_layers(playlist, fade, crossfade=entering)
        else:
            self._start_next(fade, crossfade=entering)

    def next_track(self) -> None:
        """Crossfade to the next track now."""
        if self._playlist is None or self._playlist.layered:
            return
        self._fade_out_all(self._playlist.crossfade, crossfade=True)
        self._start_next(self._playlist.crossfade, crossfade=True)

    def stop(self, fade: float | None = None) -> None:
        if fade is None:
            fade = self._playlist.fade_out if self._playlist else 5.0
        self._fade_out_all(fade)
        self._playlist = None

    def set_volume(self, volume: float) -> None:
        self._volume_value = max(0.0, min(1.0, volume))
        self._volume.to(volume_gain(self._volume_value), self.seconds(VOLUME_SECONDS))

    def set_muted(self, muted: bool) -> None:
        self._mute.to(0.0 if muted else 1.0, self.seconds(MUTE_SECONDS))

    def duck(self, decibels: float) -> None:
        self._duck.to(10 ** (-abs(decibels) / 20), self.seconds(DUCK_SECONDS))

    def restore(self) -> None:
        self._duck.to(1.0, self.seconds(DUCK_SECONDS))

    def set_depth(self, depth: float, seconds: float = DEPTH_SECONDS) -> None:
        """A soundscape's depth 0..1: layers fade in as it rises, out as it falls, over `seconds`."""
        self._depth = max(0.0, min(1.0, depth))
        self._retarget_layers(self.seconds(seconds))

    def set_layer_level(self, layer: int, level: float) -> None:
        """One layer of the soundscape playing, 0..1 (in the volume's decibels), gliding there."""
        self._layer_levels[layer] = max(0.0, min(1.0, level))
        self._retarget_layers(self.seconds(LAYER_SECONDS))

    # -- state ---------------------------------------------------------------------------------

    @property
    def target_volume(self) -> float:
        return self._volume_value

    @property
    def depth(self) -> float:
        return self._depth

    @property
    def layered(self) -> bool:
        return self._playlist is not None and self._playlist.layered

    @property
    def muted(self) -> bool:
        return self._mute.target == 0.0

    @property
    def busy(self) -> bool:
        """A fade, crossfade or ramp is under way."""
        ramps = [self._volume, self._mute, self._duck]
        for voice in self._voices:
            ramps += (voice.gain, voice.level, voice.trim)
        return any(ramp.moving for ramp in ramps) or self._limiter.active

    @property
    def playing(self) -> bool:
        return bool(self._voices)

    @property
    def silent_now(self) -> bool:
        """Nothing is, or will be, heard from the music."""
        return not self._voices

    def layer_level(self, layer: int) -> float:
        playlist = self._playlist
        if playlist is None or not playlist.layered or not 0 <= layer < len(playlist.tracks):
            return 0.0
        return self._layer_levels.get(layer, playlist.tracks[layer].level)

    def status(self, latency_frames: int = 0) -> Status:
        current = self._current()
        position = 0.0
        length = None
        playlist = self._playlist
        layered = playlist is not None and playlist.layered
        if current is not None and not layered:
            position = max(0, current.stream.frames_read - latency_frames - self._limiter.lookahead) / self.rate
            length = current.stream.frames / self.rate
        layers: tuple[tuple[str, float], ...] = ()
        if playlist is not None and layered:
            layers = tuple((track.title, self.layer_level(n)) for n, track in enumerate(playlist.tracks))
        return Status(
            playlist=playlist.id if playlist else None,
            title=(playlist.title if layered and playlist else current.track.title if current else None),
            position=position,
            length=length,
            volume=self._volume_value,
            muted=self.muted,
            ducked=self._duck.target < 1.0,
            depth=self._depth if layered else None,
            layers=layers,
        )

    @property
    def now_playing(self) -> str | None:
        if self.layered and self._voices and self._playlist is not None:
            return self._playlist.title
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
        for voice, leaving, gain, level, trim, measured, frames_read in undo.voices:
            voice.leaving, voice.measured = leaving, measured
            voice.gain, voice.level, voice.trim = gain.copy(), level.copy(), trim.copy()
            voice.stream.frames_read = frames_read
            self._voices.append(voice)
        self._retired = []
        self._volume, self._mute, self._duck = (r.copy() for r in undo.master)
        self._limiter = undo.limiter.copy()
        self._volume_value, self._depth = undo.volume, undo.depth
        self._layer_levels = dict(undo.layer_levels)
        self._playlist = undo.playlist
        self._order = list(undo.order)
        self._next = undo.next
        self._random.setstate(undo.random_state)  # type: ignore[arg-type]
        self._failures_in_a_row = undo.failures_in_a_row
        self._replay = undo.reads

    def _checkpoint(self) -> Undo:
        return Undo(
            voices=[
                (
                    v,
                    v.leaving,
                    v.gain.copy(),
                    v.level.copy(),
                    v.trim.copy(),
                    v.measured,
                    v.stream.frames_read,
                )
                for v in self._voices
            ],
            master=(self._volume.copy(), self._mute.copy(), self._duck.copy()),
            limiter=self._limiter.copy(),
            volume=self._volume_value,
            depth=self._depth,
            layer_levels=dict(self._layer_levels),
            playlist=self._playlist,
            order=list(self._order),
            next=self._next,
            random_state=self._random.getstate(),
            failures_in_a_row=self._failures_in_a_row,
        )

    def close(self) -> None:
        """Close every file still open (the player is closing: nothing will be rendered again)."""
        for voice in self._voices + self._retired:
            voice.stream.close()
        self._voices, self._retired, self._replay = [], [], {}
        self._playlist = None

    def _close_retired(self) -> None:
        for voice in self._retired:
            voice.stream.close()
        self._retired = []

    def _read(self, voice: Voice, frames: int, record: dict[Voice, np.ndarray | TrackError]) -> np.ndarray:
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

    def _render(self, frames: int, scale: float, record: dict[Voice, np.ndarray | TrackError]) -> np.ndarray:
        self._schedule()
        self._apply_measurements()
        out = None
        master: float | np.ndarray | None = None  # computed once a voice sounds in this block
        for voice in list(self._voices):
            try:
                block = self._read(voice, frames, record)
            except TrackError as error:
                self._say(str(error))
                self._drop(voice)
                continue
            if master is None:
                master = self._master_gain(frames)
            # A steady master gain goes into each voice's own multiply: one pass over the block.
            out = self._mix_voice(out, voice, block, frames, master if isinstance(master, float) else 1.0)
            if voice.finished or block.shape[0] < frames:
                self._drop(voice)
        self._replay = {}
        if out is None:
            if not self._limiter.active:
                return np.zeros((frames, 2), dtype=np.float32)
            out = np.zeros((frames, 2), dtype=np.float32)  # let out what the limiter still holds
        if master is None:
            master = self._master_gain(frames)
        if not isinstance(master, float):
            out *= master
        return self._limiter.process(out, scale)

    def _mix_voice(
        self, out: np.ndarray | None, voice: Voice, block: np.ndarray, frames: int, master: float
    ) -> np.ndarray:
        """Add one voice's block, under its own gains and a steady `master`, to the mix (started
        here if still empty)."""
        got = block.shape[0]
        ramps = (voice.gain, voice.level, voice.trim)
        steady = got == frames and not any(ramp.moving for ramp in ramps)
        if steady:
            gain = np.float32(voice.gain.value * voice.level.value * voice.trim.value * master)
            if out is None:
                # Nearly always: the whole mix is this one block times a number.
                return block * gain
            out += block * gain
            return out
        if out is None:
            out = np.zeros((frames, 2), dtype=np.float32)
        gains = (voice.gain.render(frames) * voice.level.render(frames) * voice.trim.render(frames))[:got, None]
        if master != 1.0:
            gains *= np.float32(master)
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
        gains: np.ndarray = ramps[0].render(frames) * ramps[1].render(frames) * ramps[2].render(frames)
        return gains[:, None]

    # -- loudness and layers -------------------------------------------------------------------

    def _trim_for(self, track: Track) -> tuple[float, bool]:
        """The gain that brings `track` to the target, and whether it was measured (else a guess)."""
        if self.loudness is None:
            return 1.0, True
        found = self.loudness.known(track.path)
        if found is None:
            return float(10 ** ((self.target - UNKNOWN_LUFS) / 20)), False
        return float(10 ** (found.gain_db(self.target) / 20)), True

    def _apply_measurements(self) -> None:
        for voice in self._voices:
            if not voice.measured:
                trim, voice.measured = self._trim_for(voice.track)
                if voice.measured:
                    voice.trim.to(trim, self.seconds(TRIM_SECONDS))

    def _layer_gain(self, layer: int) -> float:
        playlist = self._playlist
        assert playlist is not None
        track = playlist.tracks[layer]
        return self._mix * volume_gain(self.layer_level(layer)) * depth_weight(self._depth, track.depth)

    def _retarget_layers(self, frames: int) -> None:
        if not self.layered:
            return
        for voice in self._voices:
            if voice.layer is not None and not voice.leaving:
                voice.level.to(self._layer_gain(voice.layer), frames)

    def _start_layers(self, playlist: Playlist, fade_in: float, crossfade: bool) -> None:
        """Every layer of a soundscape at once, each looping, mixed at the playlist's depth."""
        self._depth = playlist.depth
        self._layer_levels = {}
        # Independent layers add in power: scale the sum to the target at the starting depth.
        power = sum(
            (volume_gain(track.level) * depth_weight(playlist.depth, track.depth)) ** 2 for track in playlist.tracks
        )
        self._mix = 1.0 / float(np.sqrt(power)) if power > 0 else 1.0
        for layer, track in enumerate(playlist.tracks):
            try:
                stream = self.open_track(track.path, self.rate, True)
            except TrackError as error:
                self._say(str(error))
                continue
            gain = Ramp(0.0)
            gain.to(1.0, self.seconds(fade_in), power=crossfade)
            trim, measured = self._trim_for(track)
            voice = Voice(track, stream, gain, Ramp(self._layer_gain(layer)), Ramp(trim), measured, layer=layer)
            self._voices.append(voice)
        if not any(voice.layer is not None and not voice.leaving for voice in self._voices):
            self._say(f"None of the layers of {playlist.title} could be played: the music stays silent.")
            self._playlist = None

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
        for voice in list(self._voices):
            if not voice.leaving and voice.gain.value == 0.0 and voice.stream.frames_read == 0:
                # Not one frame of it heard yet (commands in quick succession, each redoing the
                # same waiting block): let it go now, or every command would add a voice. Not
                # closed here: the undo of a block being redone may still read it; it is freed
                # (and its file closed) once nothing holds it.
                self._voices.remove(voice)
            elif not voice.leaving:
                voice.leaving = True
                length = min(self.seconds(seconds), voice.stream.remaining)
                voice.gain.to(0.0, length, power=crossfade)

    def _schedule(self) -> None:
        """Start the next track when the current one is within a crossfade of its end."""
        playlist = self._playlist
        if playlist is None or playlist.layered:
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
                stream = self.open_track(track.path, self.rate, False)
            except TrackError as error:
                self._failures_in_a_row += 1
                self._say(str(error))
                continue
            self._failures_in_a_row = 0
            gain = Ramp(0.0)
            gain.to(1.0, min(self.seconds(fade_in), stream.frames // 2), power=crossfade)
            trim, measured = self._trim_for(track)
            self._voices.append(Voice(track, stream, gain, trim=Ramp(trim), measured=measured))
            return
