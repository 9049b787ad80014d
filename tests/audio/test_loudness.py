"""The loudness cache, the limiter and the soundscape mix, without a device."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from test_audio_helpers import RATE, tone_file

from companion.audio.engine import Engine
from companion.audio.limiter import CEILING, Limiter
from companion.audio.loudness import MAX_BOOST_DB, Loudness, LoudnessCache, measure_file, measure_samples
from companion.core.scripts.playlists import TARGET_LUFS, Playlist, Track, depth_weight, volume_db, volume_gain


def test_a_sine_measures_as_bs1770_says():
    t = np.arange(RATE * 5) / RATE
    x = 0.5 * np.sin(2 * np.pi * 997 * t)
    # BS.1770: a 0 dBFS 1 kHz sine in one channel is -3.01 LKFS (K-weighting's gain there and the
    # -0.691 cancel). Here -6 dBFS in each of two channels: the power of one at 0 dBFS, halved.
    assert measure_samples(np.stack([x, x], axis=1), RATE).integrated == pytest.approx(-6.02, abs=0.1)


def test_the_cache_is_owner_only_and_measures_a_file_once(tmp_path):
    calls = []

    def measure(path, *pause):
        calls.append(path)
        return measure_file(path)

    tone = tone_file(tmp_path / "tone.wav", 220, 1.0)
    cache = LoudnessCache(tmp_path / "cache" / "loudness.json", measure=measure)
    first = cache.get(tone)
    assert first is not None and cache.get(tone) == first and calls == [tone]
    again = LoudnessCache(tmp_path / "cache" / "loudness.json", measure=measure)
    assert again.known(tone) == first and calls == [tone]  # kept between runs
    assert stat.S_IMODE(os.stat(cache.file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cache.file.parent).st_mode) == 0o700


def test_a_changed_file_is_measured_again_and_a_damaged_cache_is_ignored(tmp_path):
    path = tmp_path / "tone.wav"
    tone_file(path, 220, 1.0, level=0.4)
    cache = LoudnessCache(tmp_path / "loudness.json")
    loud = cache.get(path)
    tone_file(path, 220, 2.0, level=0.1)  # another size, another mtime
    assert cache.known(path) is None
    quiet = cache.get(path)
    assert quiet.integrated == pytest.approx(loud.integrated - 12.0, abs=0.2)
    cache.file.write_text("{not json")
    assert LoudnessCache(cache.file).known(path) is None


def test_the_background_measurement_finishes_and_a_missing_file_is_no_error(tmp_path):
    cache = LoudnessCache(tmp_path / "loudness.json")
    tones = [tone_file(tmp_path / f"t{n}.wav", 220 + 110 * n, 1.0) for n in range(3)]
    cache.measure_soon([*tones, tmp_path / "missing.ogg"])
    assert cache.wait_idle(30)
    assert all(cache.known(tone) is not None for tone in tones)
    assert cache.known(tmp_path / "missing.ogg") is None


def test_a_very_quiet_track_is_raised_at_most_so_much():
    assert Loudness(-60.0, -40.0).gain_db() == MAX_BOOST_DB
    assert Loudness(-10.0, -1.0).gain_db() == pytest.approx(TARGET_LUFS + 10.0)


def test_the_limiter_keeps_every_peak_under_the_ceiling_and_moves_smoothly():
    rng = np.random.default_rng(1)
    t = np.arange(RATE * 2) / RATE
    x = (0.5 * np.sin(2 * np.pi * 200 * t))[:, None].repeat(2, axis=1).astype(np.float32)
    x[RATE : RATE + 50] += 1.2 * rng.standard_normal((50, 2)).astype(np.float32)  # a burst to 2.0
    limiter = Limiter()
    out = np.concatenate([limiter.process(x[start : start + 4096]) for start in range(0, x.shape[0], 4096)])
    assert np.abs(out).max() <= CEILING + 1e-6
    delayed = np.concatenate([np.zeros((limiter.lookahead, 2), np.float32), x])[: out.shape[0]]
    gain = np.divide(out[:, 0], delayed[:, 0], out=np.ones(out.shape[0]), where=np.abs(delayed[:, 0]) > 0.05)
    moving = gain[np.abs(delayed[:, 0]) > 0.05]
    assert moving.min() < 0.6  # it did turn the burst down
    assert np.abs(np.diff(moving)).max() < 0.01  # in a ramp, never a jump
    assert np.allclose(out[: RATE // 2 + limiter.lookahead][limiter.lookahead :], x[: RATE // 2])  # untouched


def test_the_limiter_scales_on_the_way_out_exactly_as_scaling_after_it():
    # Blocks of every kind: quiet ones (delay and scale in one pass), a burst (turned down), the
    # release after it, and blocks shorter than the look-ahead.
    rng = np.random.default_rng(2)
    x = (0.4 * rng.standard_normal((RATE, 2))).clip(-0.8, 0.8).astype(np.float32)
    x[20000:20100] *= 3.0
    sizes = [22050, 4096, 300, 700, 22050, 8192]
    plain, scaled = Limiter(), Limiter()
    start = 0
    for size in sizes * 2:
        block = x[start : start + size]
        start += size
        if not block.shape[0]:
            break
        expected = plain.process(block.copy()) * np.float32(32767.0)
        np.testing.assert_allclose(scaled.process(block.copy(), 32767.0), expected, rtol=1e-6, atol=1e-3)
    assert start > 20100  # the burst was among them


def test_sixteen_bit_output_keeps_silence_silent_and_dithers_the_rest():
    from companion.audio.pygame_player import to_pcm16

    assert not to_pcm16(np.zeros((4096, 2), np.float32)).any()
    music = np.full((4096, 2), 1000.25, np.float32)
    out = to_pcm16(music.copy())
    assert out.dtype == np.int16 and abs(float(out.mean()) - 1000.25) < 0.1 and len(np.unique(out)) > 1
    gap = music.copy()
    gap[1000:2000] = 0.0  # a fade's end inside a block: those frames stay exactly at zero
    out = to_pcm16(gap)
    assert not out[1000:2000].any() and out[:1000].all() and out[2000:].all()


def test_a_soundscape_mixes_its_layers_by_depth_and_each_layers_level(tmp_path):
    layers = tuple(
        Track(tone_file(tmp_path / f"{n}.wav", f, 2.0, level=0.2), n, level=lvl, depth=d)
        for n, f, lvl, d in (("pad", 220, 1.0, 0.0), ("rain", 330, 0.5, 0.7))
    )
    scape = Playlist("s", "S", layers, layered=True, depth=0.4, fade_in=0.1)
    engine = Engine(volume=1.0)
    engine.play(scape)
    first = np.concatenate([engine.render(4096) for _ in range(30)])  # past the end of the files
    assert engine.now_playing == "S" and engine.status().depth == 0.4
    from test_audio_helpers import tone_level

    assert tone_level(first, 220)[-5:].min() > 0.15  # the pad loops on past its file's end
    assert tone_level(first, 330)[-5:].max() < 1e-3  # rain: silent at depth 0.4 (rises from 0.45 to 0.7)
    engine.set_depth(0.7, seconds=1.0)
    deeper = np.concatenate([engine.render(4096) for _ in range(20)])
    rain = tone_level(deeper, 330)
    assert rain[-3:].min() == pytest.approx(0.2 * volume_gain(0.5) * depth_weight(0.7, 0.7), rel=0.05)
    assert np.all(np.diff(rain[:12]) >= -1e-4)  # rises steadily
    engine.set_layer_level(1, 0.3)
    later = np.concatenate([engine.render(4096) for _ in range(40)])
    ratio_db = 20 * np.log10(tone_level(later, 330)[-3:].mean() / rain[-3:].mean())
    assert ratio_db == pytest.approx(volume_db(0.3) - volume_db(0.5), abs=0.3)
    assert engine.status().layers == (("pad", 1.0), ("rain", 0.3))
