"""The music engine rendered without a device: fades, crossfades, ramps and faulty files."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from test_audio_helpers import RATE, playlist, tone_file, tone_level

from companion.audio.engine import Engine
from companion.audio.limiter import LOOKAHEAD
from companion.audio.measure import longest_silence, max_step, windowed_rms
from companion.audio.ramp import Ramp
from companion.audio.stream import TrackError, TrackStream
from companion.core.scripts.playlists import volume_gain

BLOCK = 4096


def render(engine: Engine, seconds: float) -> np.ndarray:
    blocks = [engine.render(BLOCK) for _ in range(int(np.ceil(seconds * RATE / BLOCK)))]
    return np.concatenate(blocks).astype(np.float64)


@pytest.fixture
def tones(tmp_path):
    return {
        "low": tone_file(tmp_path / "low.wav", 220, 3.0),
        "high": tone_file(tmp_path / "high.wav", 330, 3.0),
        "other": tone_file(tmp_path / "other.wav", 440, 3.0),
    }


def sine_step(freq: float, level: float = 0.4) -> float:
    """The largest sample-to-sample step a sine of this level and frequency makes by itself."""
    return level * 2 * np.pi * freq / RATE


def test_ramp_glides_without_a_jump():
    ramp = Ramp(1.0)
    ramp.to(0.0, 1000)
    gains = np.concatenate([ramp.render(300) for _ in range(4)])
    assert gains[0] < 1.0 and gains[999] == 0.0 and np.all(gains[1000:] == 0.0)
    assert np.all(np.diff(gains) <= 0)
    assert np.max(np.abs(np.diff(gains))) < 3 / 1000  # a smooth S, never a step


def test_fade_in_rises_steadily_then_holds(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], fade_in=1.0))
    x = render(engine, 1.5)
    levels = windowed_rms(x, RATE, 0.1)
    fade = levels[:10]
    assert fade[0] < 0.05 * levels[12]
    assert np.all(np.diff(fade) > 0)
    assert levels[11] == pytest.approx(levels[13], rel=0.02)
    assert max_step(x) <= sine_step(220) * 1.01


def test_stop_falls_to_silence_over_the_fade_out(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], fade_in=0.2))
    render(engine, 0.5)
    engine.stop(1.0)
    x = render(engine, 1.3)
    levels = windowed_rms(x, RATE, 0.1)
    assert np.all(np.diff(levels[:10]) < 0)
    assert np.max(np.abs(x[int(1.05 * RATE) :])) == 0.0
    assert engine.silent_now and engine.now_playing is None


def test_track_change_crossfades_with_no_gap(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], tones["high"], crossfade=1.0, fade_in=0.3))
    x = render(engine, 5.5)
    low, high = tone_level(x, 220), tone_level(x, 330)
    both = np.flatnonzero((low > 0.02) & (high > 0.02))
    overlap = (both[-1] - both[0] + 1) * 0.1
    assert overlap == pytest.approx(1.0, abs=0.2)
    assert (both[-1] + 1) * 0.1 == pytest.approx(3.0, abs=0.1)  # ends where the first track ends
    onset = np.flatnonzero(np.abs(x[:, 0]) > 1e-3)[0]
    assert longest_silence(x[onset : int(5.0 * RATE)], RATE, 1e-3) < 0.02
    # Equal-power crossfade: no dip in loudness in the middle of it.
    middle = windowed_rms(x, RATE, 0.1)[24:32]
    assert np.min(middle) > 0.8 * np.max(middle)
    assert max_step(x) <= sine_step(220) + sine_step(330)  # both tones at once, at most; a click is far more


def test_playlist_change_crossfades_into_the_new_playlist(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], fade_in=0.2, loop=True))
    render(engine, 1.0)
    engine.play(playlist(tones["other"], id="second", crossfade=0.8, loop=True))
    x = render(engine, 1.5)
    low, other = tone_level(x, 220), tone_level(x, 440)
    both = np.flatnonzero((low > 0.02) & (other > 0.02))
    assert (both[-1] - both[0] + 1) * 0.1 == pytest.approx(0.8, abs=0.2)
    assert low[-3:].max() < 1e-6 and other[-3:].min() > 0.3
    assert longest_silence(x, RATE, 1e-3) < 0.02
    assert engine.now_playing == "other"


def test_looping_single_track_has_no_click_at_the_loop_point(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], loop=True, crossfade=0.5, fade_in=0.2))
    x = render(engine, 7.0)  # two loop points
    assert max_step(x) <= sine_step(220) * 1.05
    assert longest_silence(x[RATE:], RATE, 1e-3) < 0.02
    assert windowed_rms(x[RATE:], RATE, 0.1).min() > 0.5 * 0.4 / np.sqrt(2)


def test_volume_and_mute_move_in_ramps(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], fade_in=0.1, loop=True))
    render(engine, 0.5)
    engine.set_volume(0.25)
    x = render(engine, 1.2)
    levels = windowed_rms(x, RATE, 0.05)
    assert levels[0] > 0.9 * 0.4 / np.sqrt(2)
    assert levels[-1] == pytest.approx(volume_gain(0.25) * 0.4 / np.sqrt(2), rel=0.05)
    assert np.count_nonzero(np.diff(levels[:17]) < -0.001) >= 10  # many small steps down, not one
    assert max_step(x) <= sine_step(220) * 1.01
    engine.set_muted(True)
    muted = render(engine, 1.0)
    assert engine.muted and np.max(np.abs(muted[int(0.7 * RATE) :])) < 1e-6
    assert np.count_nonzero(np.diff(windowed_rms(muted, RATE, 0.05)[:12]) < 0) >= 8
    engine.set_muted(False)
    back = render(engine, 1.0)
    assert windowed_rms(back, RATE, 0.1)[-1] == pytest.approx(levels[-1], rel=0.05)


def test_duck_lowers_by_the_given_decibels_and_restore_undoes_it(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], fade_in=0.1, loop=True))
    full = windowed_rms(render(engine, 0.5), RATE, 0.1)[-1]
    engine.duck(12)
    ducked = windowed_rms(render(engine, 2.0), RATE, 0.1)
    assert 20 * np.log10(ducked[-1] / full) == pytest.approx(-12, abs=0.3)
    assert np.all(np.diff(ducked[:15]) <= 1e-6)
    engine.restore()
    assert windowed_rms(render(engine, 2.0), RATE, 0.1)[-1] == pytest.approx(full, rel=0.02)


def test_missing_and_corrupt_files_are_skipped_and_the_rest_plays(tmp_path, tones):
    corrupt = tmp_path / "corrupt.ogg"
    corrupt.write_bytes(b"OggS" + bytes(range(256)) * 20)
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    engine = Engine(volume=1.0)
    engine.play(playlist(tmp_path / "missing.ogg", corrupt, empty, tones["high"], fade_in=0.2))
    x = render(engine, 1.0)
    assert tone_level(x, 330)[-4:].min() > 0.3
    assert engine.now_playing == "high"
    assert engine.notices == [
        "Skipped missing.ogg: the file is missing.",
        "Skipped corrupt.ogg: it could not be read as audio.",
        "Skipped empty.mp3: the file is empty.",
    ]


def test_a_playlist_with_no_playable_track_stays_silent_and_says_so(tmp_path):
    engine = Engine(volume=1.0)
    engine.play(playlist(tmp_path / "gone.ogg", tmp_path / "also-gone.flac", loop=True))
    x = render(engine, 0.5)
    assert np.max(np.abs(x)) == 0.0 and engine.silent_now
    assert engine.notices[-1] == "None of the tracks of Test could be played: the music stays silent."


def test_a_playlist_that_does_not_loop_ends_with_a_fade(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], tones["high"], fade_in=0.2, fade_out=0.5, crossfade=0.5))
    x = render(engine, 7.0)
    assert engine.silent_now
    end = np.flatnonzero(np.abs(x[:, 0]) > 0)[-1] / RATE
    assert end == pytest.approx(5.5, abs=0.15)  # 3 s + 3 s less the 0.5 s crossfade
    last = windowed_rms(x[int((end - 0.5) * RATE) : int(end * RATE)], RATE, 0.05)
    assert np.all(np.diff(last) < 0)
    assert max_step(x) <= sine_step(220) + sine_step(330)  # both tones at once, at most; a click is far more


def test_shuffle_plays_every_track_once_per_round(tones):
    engine = Engine(volume=1.0, shuffle_seed=3)
    engine.play(
        playlist(
            tones["low"],
            tones["high"],
            tones["other"],
            shuffle=True,
            crossfade=0.2,
            fade_in=0.1,
        )
    )
    heard = []
    for _ in range(int(9.0 * RATE / BLOCK)):
        engine.render(BLOCK)
        if engine.now_playing and (not heard or heard[-1] != engine.now_playing):
            heard.append(engine.now_playing)
    assert sorted(heard) == ["high", "low", "other"]


def test_next_track_crossfades_now(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], tones["high"], fade_in=0.1, crossfade=0.5))
    render(engine, 0.5)
    engine.next_track()
    x = render(engine, 1.0)
    assert engine.now_playing == "high"
    assert tone_level(x, 220)[-3:].max() < 1e-6 and tone_level(x, 330)[-3:].min() > 0.3


def test_stream_converts_rate_and_channels(tmp_path):
    path = tone_file(tmp_path / "mono-22k.flac", 441, 2.0, rate=22050, channels=1)
    stream = TrackStream(path)
    x = np.concatenate([stream.read(10000) for _ in range(10)])
    assert x.shape[1] == 2 and abs(x.shape[0] - 2 * RATE) <= 2
    assert tone_level(x, 441)[5:-5].min() == pytest.approx(0.4, abs=0.02)
    # The file starts and ends abruptly: a band-limited resampler rings for a few samples there.
    assert max_step(x[100:-100]) <= sine_step(441) * 1.02


def test_stream_refuses_a_text_file_plainly(tmp_path):
    notes = tmp_path / "notes.wav"
    notes.write_text("not audio")
    with pytest.raises(TrackError, match="Skipped notes.wav: it could not be read as audio."):
        TrackStream(notes)


@pytest.mark.parametrize(
    ("suffix", "options"),
    [
        (".ogg", {"format": "OGG", "subtype": "VORBIS"}),
        (".mp3", {"format": "MP3", "subtype": "MPEG_LAYER_III"}),
        (".flac", {"format": "FLAC"}),
        (".wav", {"format": "WAV"}),
    ],
)
def test_every_supported_format_streams_at_48k_too(tmp_path, suffix, options):
    t = np.arange(48000 * 2) / 48000
    x = 0.3 * np.sin(2 * np.pi * 300 * t)
    path = tmp_path / f"tone{suffix}"
    sf.write(path, np.stack([x, x], axis=1), 48000, **options)
    stream = TrackStream(path)
    heard = np.concatenate([stream.read(8192) for _ in range(12)])
    assert abs(heard.shape[0] - 2 * RATE) <= 1200  # MP3 adds a little padding
    assert tone_level(heard, 300)[3:15].min() == pytest.approx(0.3, abs=0.03)


def test_a_file_shorter_than_its_header_says_ends_without_a_click(tmp_path, monkeypatch):
    t = np.arange(int(3.0 * RATE) + RATE // 880) / RATE  # ends on a crest, not a zero crossing
    wave = 0.4 * np.sin(2 * np.pi * 220 * t)
    sf.write(tmp_path / "crest.wav", np.stack([wave, wave], axis=1), RATE)
    monkeypatch.setattr(TrackStream, "frames", property(lambda self: 10 * RATE))  # a wrong header
    engine = Engine(volume=1.0)
    engine.play(playlist(tmp_path / "crest.wav", fade_in=0.1))
    x = render(engine, 3.5)
    assert np.abs(x[int(2.9 * RATE) : int(2.95 * RATE)]).max() > 0.3  # still at full level at 2.9 s
    assert max_step(x) <= sine_step(220) * 1.2
    assert np.max(np.abs(x[int(3.01 * RATE) + LOOKAHEAD :])) == 0.0  # heard after the limiter's delay


def test_playing_the_same_playlist_again_carries_on_and_only_moves_the_volume(tones):
    engine = Engine(volume=1.0)
    music = playlist(tones["low"], tones["high"], fade_in=0.1, loop=True)
    engine.play(music)
    render(engine, 1.0)
    assert not engine.busy
    engine.play(music, volume=0.5)
    assert engine.busy  # the volume ramp
    x = render(engine, 1.2)  # the first track runs to 3 s
    assert engine.now_playing == "low"
    assert engine.status().position == pytest.approx(2.2, abs=0.1)  # not started again
    assert tone_level(x, 220)[-2:].min() == pytest.approx(volume_gain(0.5) * 0.4, rel=0.05)
    assert tone_level(x, 330).max() < 0.01  # no restart, no crossfade into the second track
    assert not engine.busy


def test_an_undone_block_renders_again_identically_even_across_a_track_change(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], tones["high"], fade_in=0.1, crossfade=0.5))
    render(engine, 2.5)  # the next block starts the crossfade into the second track
    assert engine.now_playing == "low"
    first, undo = engine.render_undoable(22050)
    engine.undo(undo)
    again, _ = engine.render_undoable(22050)
    assert np.array_equal(first, again)
    assert engine.now_playing == "high"
    later = engine.render(BLOCK)
    assert max_step(np.concatenate([again, later])) <= sine_step(330) * 1.5


def test_a_command_given_after_an_undo_shapes_the_redone_block_without_a_jump(tones):
    engine = Engine(volume=1.0)
    engine.play(playlist(tones["low"], loop=True, fade_in=0.1))
    before = render(engine, 0.5)
    engine.render_undoable(22050)
    undo = engine.render_undoable(22050)[1]  # the second one waits on the channel
    engine.undo(undo)
    engine.set_muted(True)
    redone, _ = engine.render_undoable(22050)
    levels = windowed_rms(redone, RATE, 0.1)
    assert levels[0] > 0.2 and levels[-1] < 0.25 * levels[0]  # the mute ramp is in it
    assert np.all(np.diff(levels) < 0)
    assert max_step(redone) <= sine_step(220) * 1.01
    heard = before.shape[0] + 2 * 22050 - LOOKAHEAD  # the limiter holds back LOOKAHEAD frames
    assert engine.status().position == pytest.approx(heard / RATE, abs=0.01)
