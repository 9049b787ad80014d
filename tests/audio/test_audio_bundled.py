"""The bundled music and chimes as a listener would meet them: levels, loops, sizes, catalogue."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import yaml

from companion.audio.measure import loop_jump, loudness_db, peak_dbfs
from companion.paths import bundled_audio_dir

AUDIO = bundled_audio_dir()
CATALOGUE = yaml.safe_load((AUDIO / "playlists.yaml").read_text())
TRACKS = sorted({t["file"] for p in CATALOGUE["playlists"] for t in p["tracks"]})
CHIMES = sorted(c["file"] for c in CATALOGUE["chimes"])


@pytest.fixture(scope="module")
def decoded() -> dict[str, tuple[np.ndarray, int]]:
    return {name: sf.read(AUDIO / name, dtype="float32", always_2d=True) for name in TRACKS + CHIMES}


def test_the_agreed_playlists_and_chimes_exist_and_every_file_is_there():
    assert [p["id"] for p in CATALOGUE["playlists"]] == [
        "settling",
        "journey",
        "return",
    ]
    assert {c["id"] for c in CATALOGUE["chimes"]} == {"soft-bell", "bowl"}
    for name in TRACKS + CHIMES:
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
        for track in playlist["tracks"]:
            x, rate = decoded[track["file"]]
            assert f"{round(x.shape[0] / rate / 60)}m" == track["length"], track["file"]


@pytest.mark.parametrize("name", TRACKS + CHIMES)
def test_peaks_stay_at_or_below_minus_3_dbfs(decoded, name):
    x, _ = decoded[name]
    assert peak_dbfs(x) <= -3.0


def test_tracks_are_within_2_db_of_each_other_in_loudness(decoded):
    levels = {name: loudness_db(decoded[name][0], decoded[name][1]) for name in TRACKS}
    assert max(levels.values()) - min(levels.values()) <= 2.0, levels


@pytest.mark.parametrize("name", TRACKS)
def test_every_track_loops_without_a_click(decoded, name):
    x, _ = decoded[name]
    assert loop_jump(x) <= 1.5  # the wrap-around step is like the music's own steps


@pytest.mark.parametrize("name", TRACKS)
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
