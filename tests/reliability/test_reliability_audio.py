"""Audio faults the engine and device tests do not already cover (see test_audio_engine.py for
missing, corrupt and empty tracks, and test_sound_disk.py for no device and a lost device):

- unsupported files: an unknown WAV codec, a folder or a text file with an audio name, and odd
  but valid files (six channels, 8 kHz, 192 kHz) that must still play;
- chimes that are missing, empty, corrupt or unsupported: one notice each, never an exception,
  and the music goes on;
- the console: a player fault is shown on screen in plain words and the session goes on.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from console_kit import console, settled
from test_audio_helpers import RATE, playlist, tone_file, tone_level

from companion.audio.engine import Engine
from companion.audio.player import SilentPlayer
from companion.core.scripts.playlists import Chime
from companion.ui.screens.session import SessionScreen

BLOCK = 4096


def render(engine: Engine, seconds: float) -> np.ndarray:
    blocks = [engine.render(BLOCK) for _ in range(int(np.ceil(seconds * RATE / BLOCK)))]
    return np.concatenate(blocks).astype(np.float64)


def wav_with_codec(path: Path, codec: int) -> Path:
    """A WAV file whose header names a codec libsndfile does not decode."""
    data = bytes(4000)
    fmt = struct.pack("<HHIIHH", codec, 2, 44100, 44100 * 4, 4, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def test_unsupported_files_are_skipped_plainly_and_the_playable_one_plays(tmp_path):
    folder_named_ogg = tmp_path / "a-folder.ogg"
    folder_named_ogg.mkdir()
    text = tmp_path / "readme.flac"
    text.write_text("these are the liner notes, not audio")
    engine = Engine(volume=1.0)
    good = tone_file(tmp_path / "good.wav", 330, 3.0)
    engine.play(playlist(wav_with_codec(tmp_path / "odd-codec.wav", 0x1234), folder_named_ogg, text, good, fade_in=0.2))
    x = render(engine, 1.0)
    assert engine.now_playing == "good"
    assert tone_level(x, 330)[-4:].min() > 0.3
    assert engine.notices == [
        "Skipped odd-codec.wav: it could not be read as audio.",
        "Skipped a-folder.ogg: it could not be read as audio.",
        "Skipped readme.flac: it could not be read as audio.",
    ]


@pytest.mark.parametrize(("channels", "rate"), [(6, 44100), (1, 8000), (2, 192000)])
def test_odd_but_valid_files_play(tmp_path, channels, rate):
    t = np.arange(int(rate * 2.0)) / rate
    tone = 0.4 * np.sin(2 * np.pi * 330 * t)
    path = tmp_path / f"odd-{channels}-{rate}.wav"
    sf.write(path, np.stack([tone] * channels, axis=1), rate)
    engine = Engine(volume=1.0)
    engine.play(playlist(path, fade_in=0.1))
    x = render(engine, 1.0)
    assert engine.notices == []
    assert x.shape[1] == 2
    assert tone_level(x, 330)[-4:].min() == pytest.approx(0.4, abs=0.05)


# -- chimes through the pygame player (SDL's dummy driver) ----------------------------------


@pytest.fixture
def pygame_player():
    pygame = pytest.importorskip("pygame")
    from pygame import mixer

    from companion.audio.pygame_player import PygamePlayer

    try:
        mixer.init(44100, -16, 2, 2048)
    except pygame.error as error:
        pytest.skip(f"no dummy audio driver: {error}")
    player = PygamePlayer(mixer, volume=0.5, feeder=False)
    yield player
    player.close()


def test_bad_chimes_give_one_notice_each_and_the_music_goes_on(tmp_path, pygame_player):
    empty = tmp_path / "empty.ogg"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.ogg"
    corrupt.write_bytes(b"OggS" + bytes(range(256)) * 8)
    unsupported = wav_with_codec(tmp_path / "odd.wav", 0x1234)
    player = pygame_player
    player.play(playlist(tone_file(tmp_path / "music.wav", 220, 3.0), fade_in=0.1))
    bad = [tmp_path / "missing.ogg", empty, corrupt, unsupported]
    for _round in range(2):  # asked twice: decoded (and reported) once
        for path in bad:
            player.chime(Chime(id=path.stem, path=path, volume=0.5))
            player.update()
    assert player.available
    notices = player._engine.notices
    assert notices == [f"The chime {path.name} could not be played." for path in bad]
    assert player.notice == notices[-1]
    assert player.now_playing == "music"
    good = tone_file(tmp_path / "bell.wav", 660, 0.5)
    player.chime(Chime(id="bell", path=good, volume=0.5))  # a good chime still rings after bad ones
    player.update()
    assert player.available and player._chimes[good] is not None


# -- the console --------------------------------------------------------------------------------


async def test_a_player_notice_is_shown_on_screen_and_the_session_goes_on(tmp_path):
    player = SilentPlayer(notice="Skipped pad.ogg: the file is missing.")
    app, clock, _player, store = console(tmp_path, player=player)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await settled(pilot)
        assert "Skipped pad.ogg: the file is missing." in app.screen.query_one("#audio").plain
        await pilot.press("n", "y")
        await pilot.pause()
        assert app.session.state().phase.id == "dosing"
