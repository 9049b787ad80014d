"""Music for real rooms, heard through SDL's `disk` driver and measured with the BS.1770 meter:
matched loudness across tracks and playlists, clean resampling, even volume steps, the depth
control's glide, and flat memory over many music changes.

As in test_sound_disk, each scenario is its own process (the driver is chosen when the mixer
starts) writing what a speaker would play to a file, with marks: how many frames had been
played when each command was given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from test_audio_helpers import RATE, audio_priority, read_disk_output  # noqa: E402

from companion.audio.loudness import measure_samples, short_term  # noqa: E402
from companion.core.scripts.playlists import TARGET_LUFS, Playlist, Track, volume_db  # noqa: E402

SCENARIOS = ("matched", "resampled", "steps", "depth", "memory", "unmeasured")
BUNDLED = Path(__file__).resolve().parents[2] / "audio"


def loud_track(path: Path, seconds: float = 12.0, rate: int = 48000) -> Path:
    """A user's ordinary loud master: pink-ish noise and a chord, about -9 LUFS, at 48 kHz."""
    rng = np.random.default_rng(7)
    frames = int(rate * seconds)
    spectrum = np.fft.rfft(rng.standard_normal((frames, 2)), axis=0)
    freqs = np.maximum(np.fft.rfftfreq(frames, 1 / rate), 20.0)
    noise = np.fft.irfft(spectrum / np.sqrt(freqs)[:, None], n=frames, axis=0)
    t = np.arange(frames) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))[:, None]
    x = 0.5 * noise / np.abs(noise).max() + 0.15 * chord
    x *= 0.9 / np.abs(x).max()
    sf.write(path, x, rate)
    return path


def sine_file(path: Path, freqs: tuple[float, ...], rate: int, seconds: float = 6.0, level: float = 0.2) -> Path:
    t = np.arange(int(rate * seconds)) / rate
    x = sum(level * np.sin(2 * np.pi * f * t) for f in freqs)
    sf.write(path, np.stack([x, x], axis=1), rate, subtype="FLOAT")
    return path


def steady_layer(path: Path, freq: float, seconds: float = 4.0) -> Path:
    """A steady tone making whole cycles over the file: it loops without a seam."""
    frames = int(RATE * seconds)
    x = 0.3 * np.sin(2 * np.pi * round(freq * seconds) * np.arange(frames) / frames)
    sf.write(path, np.stack([x, x], axis=1), RATE)
    return path


def _playlist(id: str, *paths: Path, **options) -> Playlist:
    settings = {"loop": True, "crossfade": 2.0, "fade_in": 0.5, "fade_out": 1.0} | options
    return Playlist(id, id.title(), tuple(Track(p, p.stem) for p in paths), **settings)


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# -- the scenarios (run in a subprocess) --------------------------------------------------------


def _scenario(name: str, out: Path) -> None:
    from companion.audio.player import open_player
    from companion.audio.pygame_player import PygamePlayer

    disk = out / f"{name}.raw"
    os.environ["SDL_DISKAUDIOFILE"] = str(disk if name != "memory" else os.devnull)
    marks: dict[str, object] = {}

    def mark(label: str) -> None:
        marks[label] = disk.stat().st_size // 4 if disk.exists() else 0

    def wait(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            player.update()
            time.sleep(0.05)

    player = open_player(volume=0.6)
    assert isinstance(player, PygamePlayer), player.notice
    if name == "matched":
        # Steady rain: a few seconds of it are as loud as the whole track (a pad's chords swell).
        bundled = _playlist("bundled", BUNDLED / "settling" / "soft-rain.ogg")
        mine = _playlist("mine", loud_track(out / "loud.wav"))
        for playlist in (bundled, mine):
            player.loudness.get(playlist.tracks[0].path)
        player.play(bundled)
        wait(1.0)
        mark("bundled")
        wait(6.0)
        mark("change")
        player.play(mine)
        wait(3.0)
        mark("mine")
        wait(6.0)
        mark("end")
    elif name == "resampled":
        low = sine_file(out / "low-rate.wav", (3000.0,), 11025)
        high = sine_file(out / "high-rate.wav", (1000.0, 10000.0, 16000.0, 18000.0), 48000, level=0.08)
        for path in (low, high):
            player.loudness.get(path)
        player.set_volume(1.0)
        player.play(_playlist("low", low, fade_in=0.3))
        wait(1.0)
        mark("low")
        wait(2.5)
        player.play(_playlist("high", high, crossfade=0.3))
        wait(1.5)
        mark("high")
        wait(2.5)
    elif name == "steps":
        # Long enough that the playlist never crossfades into itself while the steps are read
        # (two copies of one tone crossfading swell and dip: not a level to measure).
        tone = steady_layer(out / "steady.wav", 440.0, seconds=30.0)
        player.loudness.get(tone)
        player.set_volume(1.0)
        player.play(_playlist("steady", tone, fade_in=0.3))
        wait(1.0)
        for volume in (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.1, 0.0):
            player.set_volume(volume)
            # Heard after the playing block (0.5 s at most), then the 0.8 s ramp; the level is
            # read from the frames just before this mark, long after the ramp has ended.
            wait(2.2)
            mark(f"{volume:.1f}")
    elif name == "depth":
        layers = tuple(
            Track(steady_layer(out / f"{n}.wav", f), n, level=level, depth=depth)
            for n, f, level, depth in (
                ("pad", 220.0, 1.0, 0.0),
                ("water", 330.0, 0.85, 0.4),
                ("rain", 495.0, 0.75, 0.7),
                ("bells", 660.0, 0.7, 0.9),
            )
        )
        for layer in layers:
            player.loudness.get(layer.path)
        scape = Playlist("scape", "Scape", layers, fade_in=0.5, layered=True, depth=0.3)
        player.play(scape)
        wait(4.0)
        mark("deeper")
        player.set_depth(1.0)
        wait(8.0)
        mark("shallower")
        player.set_depth(0.3)
        wait(8.0)
        mark("end")
    elif name == "memory":
        a = _playlist("a", BUNDLED / "settling" / "warm-pad.ogg", crossfade=0.3)
        b = _playlist("b", loud_track(out / "loud.wav", 20.0), crossfade=0.3)
        scape = _playlist("scape", *(BUNDLED / "still-water" / f"{n}.ogg" for n in ("pad", "drone", "water")))
        scape = Playlist(scape.id, scape.title, scape.tracks, crossfade=0.3, layered=True)
        player.prepare([a, b, scape])
        player.loudness.wait_idle(60)
        changes = [
            lambda: player.play(a),
            lambda: player.play(b),
            lambda: player.play(scape),
            lambda: player.set_depth(0.9),
            lambda: player.set_volume(0.4),
            lambda: player.set_muted(True),
            lambda: player.set_muted(False),
            lambda: player.stop(0.3),
        ]
        rss = []
        for number in range(240):
            changes[number % len(changes)]()
            wait(0.06)
            if number in (39, 239):  # 40 changes in (every allocator pool warm), and 200 later
                rss.append(_rss_kb())
        marks["rss_kb"] = rss
    elif name == "unmeasured":
        # The bundled soundscape with an empty cache: its five layers are measured on the
        # background thread while they play, and glide to their gains once known.
        names = ("pad", "drone", "water", "rain", "bells")
        layers = tuple(Track(BUNDLED / "still-water" / f"{n}.ogg", n, depth=0.0) for n in names)
        player.play(Playlist("scape", "Scape", layers, fade_in=0.5, layered=True))
        mark("play")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(player.loudness.known(layer.path) is None for layer in layers):
            wait(0.5)
        marks["measured"] = all(player.loudness.known(layer.path) is not None for layer in layers)
        wait(3.5)  # the last gain's glide
        mark("end")
    player.close()
    (out / f"{name}.json").write_text(json.dumps(marks))


# -- the tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def heard(tmp_path_factory):
    out = tmp_path_factory.mktemp("music")
    env = dict(os.environ, SDL_AUDIODRIVER="disk", PYGAME_HIDE_SUPPORT_PROMPT="1")
    env.pop("SDL_DISKAUDIODELAY", None)  # at 0 it races ahead of the wall clock
    runs = {}
    for name in SCENARIOS:
        (out / name).mkdir()
        runs[name] = subprocess.Popen(
            [sys.executable, __file__, name, str(out / name)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    results = {}
    for name, run in runs.items():
        _, err = run.communicate(timeout=180)
        assert run.returncode == 0, f"{name}: " + err.decode(errors="replace")[-2000:]
        marks = json.loads((out / name / f"{name}.json").read_text())
        raw = out / name / f"{name}.raw"
        results[name] = (read_disk_output(raw) if raw.exists() else None, marks)
    return results


def lufs(x: np.ndarray) -> float:
    return measure_samples(x.astype(np.float32), RATE).integrated


def test_a_bundled_track_and_a_loud_track_of_ones_own_play_within_1_lu(heard):
    x, marks = heard["matched"]
    bundled = lufs(x[marks["bundled"] : marks["change"]])
    mine = lufs(x[marks["mine"] : marks["end"]])
    assert abs(bundled - mine) <= 1.0, (bundled, mine)
    assert bundled == pytest.approx(TARGET_LUFS + volume_db(0.6), abs=1.0)  # 100 % is the target


def test_a_playlist_change_has_no_jump_in_short_term_loudness(heard):
    x, marks = heard["matched"]
    around = short_term(x[marks["bundled"] : marks["end"]].astype(np.float32), RATE)
    steps = np.abs(np.diff(around))
    assert steps.max() <= 1.0, f"short-term loudness jumped {steps.max():.2f} LU"


def _spectrum_db(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mono = x[: 2 * RATE].mean(axis=1)
    window = np.blackman(mono.shape[0])  # side lobes under -58 dB, falling fast: a clean floor
    spectrum = np.abs(np.fft.rfft(mono * window)) / window.sum() * 2
    return np.fft.rfftfreq(mono.shape[0], 1 / RATE), 20 * np.log10(np.maximum(spectrum, 1e-15))


def _worst_outside(freqs: np.ndarray, levels: np.ndarray, tones: tuple[float, ...]) -> float:
    far = np.ones_like(freqs, dtype=bool)
    for tone in tones:
        far &= np.abs(freqs - tone) > 60
    return float(levels[far & (freqs > 40)].max())


def test_an_11025_hz_file_is_resampled_with_images_below_minus_90_db(heard):
    x, marks = heard["resampled"]
    freqs, levels = _spectrum_db(x[marks["low"] :])
    tone = levels[np.abs(freqs - 3000) < 5].max()
    images = [11025 - 3000, 11025 + 3000, 22050 - 3000]  # where linear interpolation left them
    for image in images:
        assert levels[np.abs(freqs - image) < 20].max() - tone < -90, image
    assert _worst_outside(freqs, levels, (3000.0,)) - tone < -90


def test_a_48_khz_file_is_resampled_cleanly_and_flat_to_18_khz(heard):
    x, marks = heard["resampled"]
    freqs, levels = _spectrum_db(x[marks["high"] :])
    tones = (1000.0, 10000.0, 16000.0, 18000.0)
    heights = [levels[np.abs(freqs - tone) < 5].max() for tone in tones]
    assert max(heights) - min(heights) <= 0.5, heights
    assert _worst_outside(freqs, levels, tones) - max(heights) < -90


def test_each_volume_step_is_the_same_number_of_decibels_down_to_silence(heard):
    x, marks = heard["steps"]
    labels = ["1.0", "0.9", "0.8", "0.7", "0.6", "0.5", "0.1"]
    plateau = RATE // 4
    levels = [20 * np.log10(np.sqrt(np.mean(x[marks[v] - plateau : marks[v]] ** 2))) for v in labels]
    steps = np.diff(levels[:6])
    assert np.allclose(steps, steps[0], atol=0.2) and steps[0] == pytest.approx(-2.0, abs=0.2), steps
    assert levels[6] - levels[0] == pytest.approx(volume_db(0.1), abs=0.3)  # 18 dB under full
    assert np.max(np.abs(x[marks["0.0"] - plateau : marks["0.0"]])) == 0.0  # the bottom is silence


def test_the_depth_control_glides_monotonically_with_no_step_over_1_lu(heard):
    x, marks = heard["depth"]
    rising = short_term(x[marks["deeper"] - 3 * RATE : marks["shallower"]].astype(np.float32), RATE)
    falling = short_term(x[marks["shallower"] - 3 * RATE : marks["end"]].astype(np.float32), RATE)
    for curve, direction in ((rising, 1), (falling, -1)):
        steps = np.diff(curve) * direction
        assert steps.min() > -0.05, "the loudness turned back during the glide"
        assert np.abs(steps).max() <= 1.0
        assert (curve[-1] - curve[0]) * direction > 2.0  # the depth really moved the mix (2.4 LU here)


def test_200_music_changes_leave_the_players_memory_within_5_mb(heard):
    _, marks = heard["memory"]
    before, after = marks["rss_kb"]
    assert after - before <= 5 * 1024, f"{(after - before) / 1024:.1f} MB more after 200 changes"


def test_music_measured_while_it_plays_has_no_gap(heard):
    x, marks = heard["unmeasured"]
    assert marks["measured"]
    heard_part = x[marks["play"] : marks["end"]]
    onset = np.flatnonzero(np.abs(heard_part[:, 0]) > 1e-4)[0]
    quiet = np.all(np.abs(heard_part[onset:]) < 1e-5, axis=1).astype(np.int8)
    edges = np.diff(np.concatenate(([0], quiet, [0])))
    runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    assert runs.max(initial=0) < RATE // 200, f"a gap of {runs.max() / RATE * 1000:.0f} ms"


if __name__ == "__main__":
    audio_priority()
    _scenario(sys.argv[1], Path(sys.argv[2]))
