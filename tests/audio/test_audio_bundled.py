"""The bundled music and chimes as a listener would meet them: levels, loops, sizes, catalogue."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import yaml

from companion.audio.loudness import measure_samples
from companion.audio.measure import loop_jump, peak_dbfs
from companion.core.scripts.playlists import TARGET_LUFS
from companion.paths import bundled_audio_dir

AUDIO = bundled_audio_dir()
CATALOGUE = yaml.safe_load((AUDIO / "playlists.yaml").read_text())
TRACKS = sorted({t["file"] for p in CATALOGUE["playlists"] for t in p.get("tracks", [])})
LAYERS = sorted({t["file"] for p in CATALOGUE["playlists"] for t in p.get("layers", [])})
BED_LAYERS = [name for name in LAYERS if not name.endswith("bells.ogg")]  # bells ring now and then
CHIMES = sorted(c["file"] for c in CATALOGUE["chimes"])


@pytest.fixture(scope="module")
def decoded() -> dict[str, tuple[np.ndarray, int]]:
    return {name: sf.read(AUDIO / name, dtype="float32", always_2d=True) for name in TRACKS + LAYERS + CHIMES}


def test_the_agreed_playlists_and_chimes_exist_and_every_file_is_there():
    assert [p["id"] for p in CATALOGUE["playlists"]] == [
        "settling",
        "journey",
        "return",
        "still-water",
    ]
    assert {c["id"] for c in CATALOGUE["chimes"]} == {"soft-bell", "bowl"}
    assert [Path(name).stem for name in LAYERS] == sorted(["pad", "drone", "water", "rain", "bells"])
    for name in TRACKS + LAYERS + CHIMES:
        assert (AUDIO / name).is_file(), name
        assert sf.info(str(AUDIO / name)).subtype == "VORBIS", name  # Opus does not load in pygame


def test_there_are_twenty_minutes_of_distinct_music(decoded):
    minutes = sum(decoded[name][0].shape[0] / decoded[name][1] for name in TRACKS) / 60
    assert minutes >= 20


def test_all_bundled_audio_fits_in_25_megabytes():
    total = sum(path.stat().st_size for path in AUDIO.rglob("*.ogg"))
    assert total <= 25 * 1024 * 1024


def test_catalogue_lengths_match_the_files(decoded):
    for playlist in CATALOGUE["playlists"]:
        for track in playlist.get("tracks", []):
            x, rate = decoded[track["file"]]
            assert f"{round(x.shape[0] / rate / 60)}m" == track["length"], track["file"]


@pytest.mark.parametrize("name", TRACKS + LAYERS)
def test_music_peaks_stay_at_or_below_minus_3_dbfs_at_the_target(decoded, name):
    x, _ = decoded[name]
    assert peak_dbfs(x) <= -3.0


@pytest.mark.parametrize("name", CHIMES)
def test_chimes_peak_just_under_full_scale(decoded, name):
    assert -1.5 <= peak_dbfs(decoded[name][0]) <= -0.5  # loud enough to ring 7 LU over the music


@pytest.mark.parametrize("name", TRACKS + LAYERS)
def test_every_track_is_at_the_loudness_target_by_the_meter(decoded, name):
    x, rate = decoded[name]
    assert measure_samples(x, rate).integrated == pytest.approx(TARGET_LUFS, abs=0.5)


@pytest.mark.parametrize("name", TRACKS + LAYERS)
def test_at_least_half_of_every_track_carries_on_small_speakers(decoded, name):
    x, rate = decoded[name]
    power = np.abs(np.fft.rfft(x.mean(axis=1))) ** 2
    freqs = np.fft.rfftfreq(x.shape[0], 1.0 / rate)
    share = power[(freqs >= 200) & (freqs <= 2000)].sum() / power.sum()
    assert share >= 0.48, f"{name}: {share:.0%} of the energy in 200 Hz-2 kHz"


@pytest.mark.parametrize("name", TRACKS + LAYERS)
def test_every_track_loops_without_a_click(decoded, name):
    x, _ = decoded[name]
    assert loop_jump(x) <= 1.5  # the wrap-around step is like the music's own steps


@pytest.mark.parametrize("name", TRACKS + BED_LAYERS)
def test_no_stretch_of_a_track_is_silent_or_sudden(decoded, name):
    x, rate = decoded[name]
    second = rate
    levels = np.sqrt(
        np.mean(
            x[: x.shape[0] // second * second].reshape(-1, second, x.shape[1]) ** 2,
            axis=(1, 2),
        )
    )
    db = 20 * np.log10(levels)
    assert db.min() > -45  # never a hole
    assert np.max(np.abs(np.diff(db))) < 3.0  # from one second to the next, no sudden swell


@pytest.mark.parametrize("name", CHIMES)
def test_chimes_ring_out_to_silence(decoded, name):
    x, rate = decoded[name]
    head = np.abs(x[: rate // 100]).max()
    tail = np.abs(x[-rate // 20 :]).max()
    assert head < np.abs(x).max()  # a soft strike: not at full level on the first frame
    assert tail < 10 ** (-60 / 20)


def test_the_generator_is_deterministic_in_what_it_renders():
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("audio_generate", Path(AUDIO) / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    sys.modules["audio_generate"] = generate  # its dataclasses look their module up
    spec.loader.exec_module(generate)
    first = generate.CHIMES["soft-bell"][1]()
    again = generate.CHIMES["soft-bell"][1]()
    assert np.array_equal(first, again)
    pad = generate.Pad(110.0, (generate.MAJOR, generate.ADD9))
    one = generate.render_pad(pad, 4.0, np.random.default_rng(1))
    two = generate.render_pad(pad, 4.0, np.random.default_rng(1))
    assert np.array_equal(one, two)
    assert loop_jump(one) <= 1.5  # circular by construction
