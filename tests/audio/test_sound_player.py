"""PygamePlayer's own logic against a stand-in mixer: feeding, chimes, faults, closing.

The stand-in records what the player asks of pygame and lets the test decide when a block has
been played, so the queueing and the fault handling are checked without any audio driver.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from test_audio_helpers import playlist, tone_file

from companion.audio.limiter import LOOKAHEAD
from companion.audio.loudness import measure_file
from companion.audio.measure import windowed_rms
from companion.audio.pygame_player import BLOCK, DEVICE_LOST, UNEXPECTED, PygamePlayer
from companion.core.scripts.playlists import Chime, volume_lufs


class FakeSound:
    def __init__(self, file: str | None = None, buffer=None) -> None:
        if file is not None and file.endswith("missing.ogg"):
            raise FileNotFoundError(file)
        self.file = file
        self.samples = np.frombuffer(buffer, dtype=np.int16).reshape(-1, 2) if buffer is not None else None
        self.volume = 1.0

    def set_volume(self, volume: float) -> None:
        self.volume = volume


class FakeChannel:
    def __init__(self) -> None:
        self.playing: FakeSound | None = None
        self.queued: FakeSound | None = None
        self.heard: list[FakeSound] = []
        self.faded_ms: int | None = None

    def queue(self, sound: FakeSound) -> None:  # pygame: starts at once on an idle channel
        if self.playing is None:
            self.playing = sound
        else:
            self.queued = sound

    def get_queue(self) -> FakeSound | None:
        return self.queued

    def get_busy(self) -> bool:
        return self.playing is not None

    def get_sound(self) -> FakeSound | None:
        return self.playing

    def play(self, sound: FakeSound) -> None:
        self.playing, self.queued = sound, None

    def fadeout(self, ms: int) -> None:
        self.faded_ms = ms

    def finish_block(self) -> None:
        """The device has played the current block: the queued one follows."""
        if self.playing is not None:
            self.heard.append(self.playing)
        self.playing, self.queued = self.queued, None


class FakeMixer:
    def __init__(self) -> None:
        self.channels = {0: FakeChannel(), 1: FakeChannel()}
        self.running = True
        self.quits = 0

    def Channel(self, number: int) -> FakeChannel:  # pygame's spelling
        return self.channels[number]

    def Sound(self, file: str | None = None, buffer=None) -> FakeSound:
        return FakeSound(file, buffer)

    def get_init(self):
        return (44100, -16, 2) if self.running else None

    def quit(self) -> None:
        self.quits += 1
        self.running = False


@pytest.fixture
def rig(tmp_path):
    mixer = FakeMixer()
    player = PygamePlayer(mixer, volume=1.0, feeder=False)
    tone = tone_file(tmp_path / "tone.wav", 220, 3.0)
    return mixer, player, tone


def heard_samples(channel: FakeChannel) -> np.ndarray:
    return np.concatenate([sound.samples for sound in channel.heard]).astype(float) / 32767


def test_the_channel_holds_one_block_playing_and_one_waiting(rig):
    mixer, player, tone = rig
    music = mixer.channels[0]
    player.play(playlist(tone, fade_in=0.5))
    assert music.playing is not None and music.queued is not None
    played = 3  # blocks; with the two queued, 2.5 s of the 3 s tone
    for _ in range(played):
        music.finish_block()
        player.update()
        assert music.playing is not None and music.queued is not None
    x = heard_samples(music)
    assert x.shape[0] == played * BLOCK
    levels = windowed_rms(x, 44100, 0.1)
    assert np.all(np.diff(levels[:5]) > 0)  # the fade-in, block after block
    heard = (played + 2) * BLOCK - 2 * BLOCK - LOOKAHEAD  # the limiter holds back LOOKAHEAD frames
    assert player.status().position == pytest.approx(heard / 44100, abs=0.01)


def test_nothing_is_queued_once_the_music_has_faded_out(rig):
    mixer, player, tone = rig
    music = mixer.channels[0]
    player.play(playlist(tone, fade_in=0.1))
    player.stop(0.2)
    for _ in range(8):
        music.finish_block()
        player.update()
    assert music.playing is None and music.queued is None
    assert player.now_playing is None


def test_a_chime_plays_on_its_own_channel_at_its_volume_and_not_when_muted(rig):
    mixer, player, tone = rig
    bell = mixer.channels[1]
    player.play(playlist(tone))
    player.set_volume(0.5)
    player.chime(Chime(id="bell", path=tone, volume=0.6))
    assert bell.playing is not None and bell.playing.file == str(tone)
    # 7 LU over the music at this volume; a chime volume of 0.6 is 1.6 dB over the usual 0.5.
    wanted = volume_lufs(0.5) + 7 + 20 * np.log10(0.6 / 0.5)
    assert bell.playing.volume == pytest.approx(10 ** ((wanted - measure_file(tone).integrated) / 20), rel=1e-3)
    bell.playing = None
    player.set_muted(True)
    assert bell.faded_ms is not None  # a ringing chime goes quiet with the music
    player.chime(Chime(id="bell", path=tone, volume=0.6))
    assert bell.playing is None


def test_a_missing_chime_is_a_notice_not_an_error(rig, tmp_path):
    _, player, _ = rig
    player.chime(Chime(id="gone", path=tmp_path / "missing.ogg"))
    player.update()
    assert player.notice == "The chime missing.ogg could not be played."
    assert player.available


def test_an_unexpected_failure_goes_silent_with_a_notice_and_never_raises(rig, monkeypatch):
    mixer, player, tone = rig
    player.play(playlist(tone))

    def explode(*args):
        raise RuntimeError("decoder exploded")

    monkeypatch.setattr(player._engine, "render_undoable", explode)
    mixer.channels[0].finish_block()
    player.update()
    assert player.notice == UNEXPECTED and not player.available
    assert mixer.channels[0].faded_ms is not None  # what was queued fades, no dead stop
    player.set_volume(0.2)  # everything after is accepted quietly
    player.chime(Chime(id="bell", path=tone))
    player.play(playlist(tone))
    player.update()


def test_a_mixer_that_went_away_is_a_lost_device(rig):
    mixer, player, tone = rig
    player.play(playlist(tone))
    mixer.running = False
    player.update()
    assert player.notice == DEVICE_LOST and not player.available


def test_close_releases_the_device_once(rig):
    mixer, player, _ = rig
    player.close()
    player.close()
    assert mixer.quits == 1 and not player.available


def test_the_feeder_thread_keeps_the_channel_fed_and_stops_on_close(tmp_path):
    mixer = FakeMixer()
    player = PygamePlayer(mixer, volume=1.0, feeder=True)
    player.play(playlist(tone_file(tmp_path / "tone.wav", 220, 3.0)))
    music = mixer.channels[0]
    music.finish_block()
    deadline = time.monotonic() + 2.0
    while music.queued is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert music.queued is not None  # refilled without any update() call
    player.close()
    assert player._thread is not None and not player._thread.is_alive()


def test_a_command_redoes_the_waiting_block_so_it_is_heard_one_block_sooner(rig):
    mixer, player, tone = rig
    music = mixer.channels[0]
    player.play(playlist(tone, fade_in=0.1))
    music.finish_block()
    player.update()
    waiting = music.queued
    player.set_muted(True)
    # Replaced by a block rendered with the mute in it.
    assert music.queued is not waiting
    music.finish_block()
    music.finish_block()
    x = heard_samples(music)
    levels = windowed_rms(x[2 * BLOCK :], 44100, 0.1)
    # The mute starts right after the block that was playing.
    assert levels[0] > 0.1 and levels[-1] < 0.25 * levels[0]
    assert np.max(np.abs(np.diff(x, axis=0))) < 0.05  # and joins it without a jump


def test_a_waiting_block_that_starts_while_it_is_redone_is_not_played_twice(rig):
    mixer, player, tone = rig
    music = mixer.channels[0]
    player.play(playlist(tone, fade_in=0.1))
    music.finish_block()
    player.update()
    queue = music.queue

    def promoted_first(sound):  # the audio thread moves on just before the replacement
        music.queue = queue
        music.finish_block()
        queue(sound)

    music.queue = promoted_first
    player.set_volume(0.2)
    music.finish_block()
    music.finish_block()
    x = heard_samples(music)
    assert x.shape[0] == 4 * BLOCK
    # Four blocks of the track were heard, none of them twice.
    assert player.status().position == pytest.approx((4 * BLOCK - LOOKAHEAD) / 44100, abs=0.01)
    assert np.max(np.abs(np.diff(x, axis=0))) < 0.05  # no block repeated: no jump
    levels = windowed_rms(x[3 * BLOCK :], 44100, 0.1)
    assert levels[-1] < 0.6 * levels[0]  # the volume still came down, a block later
