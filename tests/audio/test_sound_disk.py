"""The real pygame player, heard through SDL's `disk` driver: the file holds what a speaker would play.

Each scenario runs in its own process (the audio driver is chosen when the mixer starts, and the
rest of the suite uses `dummy`); the scenarios run side by side to keep the wall time short. The
scenario writes the disk file and a JSON of marks: how many frames had been played when each
command was given (the size of the disk file at that moment).
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from test_audio_helpers import RATE, audio_priority, playlist, read_disk_output, tone_file, tone_level  # noqa: E402

from companion.audio.measure import longest_silence, max_step, windowed_rms  # noqa: E402
from companion.core.scripts.playlists import volume_gain  # noqa: E402

SCENARIOS = ("fades", "switch", "levels", "distress", "device_lost")


# -- the scenarios (run in a subprocess) --------------------------------------------------------


def _scenario(name: str, out: Path) -> None:
    from companion.audio.player import open_player
    from companion.audio.pygame_player import DEVICE_LOST, PygamePlayer
    from companion.core.scripts.playlists import Chime

    disk = out / f"{name}.raw"
    os.environ["SDL_DISKAUDIOFILE"] = str(disk)
    marks: dict[str, object] = {}

    def mark(label: str) -> None:
        marks[label] = disk.stat().st_size // 4 if disk.exists() else 0

    def wait(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            player.update()  # as the UI's timer does
            time.sleep(0.05)

    low = tone_file(out / "low.wav", 220, 2.5)
    high = tone_file(out / "high.wav", 330, 2.5)
    long = tone_file(out / "long.wav", 220, 8.0)  # no track change while levels are measured
    bell_path = tone_file(out / "bell.wav", 880, 1.5, level=0.5)
    following = tone_file(out / "next.wav", 330, 8.0)
    player = open_player(volume=1.0)
    assert isinstance(player, PygamePlayer), player.notice
    # Measured before they play, so each is at the loudness target from its first frame: every
    # tone here is a 0.4 sine, so each plays at 0.4 x trim.
    for tone in (low, high, long, following):
        player.loudness.get(tone)
    marks["trim"] = 10 ** (player.loudness.get(low).gain_db() / 20)
    mark("open")
    if name == "fades":
        corrupt = out / "corrupt.ogg"
        corrupt.write_bytes(b"OggS" + bytes(range(256)) * 8)
        tracks = (out / "missing.ogg", low, corrupt, high)  # the bad ones are skipped
        mark("play")  # before the call: the device may write while play() decodes
        player.play(playlist(*tracks, fade_in=1.0, crossfade=1.0, fade_out=1.0))
        wait(3.0)
        mark("stop")
        marks["notice"] = player.notice
        player.stop(1.0)
        wait(1.8)
    elif name == "switch":
        player.play(playlist(long, loop=True, fade_in=0.3))
        wait(1.5)
        mark("switch")
        player.play(playlist(following, id="next", crossfade=1.0))
        wait(2.0)
    elif name == "levels":
        player.play(playlist(long, loop=True, fade_in=0.2, crossfade=0.5), volume=1.0)
        wait(1.0)
        mark("volume")
        player.set_volume(0.3)
        wait(1.5)
        mark("chime")
        player.chime(Chime(id="bell", path=bell_path, volume=1.0))
        wait(1.0)
        mark("mute")
        player.set_muted(True)
        wait(1.5)  # a queued block (0.5 s), the 0.6 s ramp, the limiter's 23 ms, and room
    elif name == "distress":
        player.play(playlist(long, loop=True, fade_in=0.2, crossfade=0.5))
        wait(1.0)
        player.chime(Chime(id="bell", path=bell_path, volume=0.5))
        mark("distress")
        player.fade_to_silence(1.0)
        wait(1.6)
    elif name == "device_lost":
        player.play(playlist(low, loop=True, fade_in=0.2))
        wait(0.5)
        import pygame

        with player._lock:  # not in the middle of the feeder's call
            pygame.mixer.quit()  # the device goes away behind the player's back
        wait(0.3)
        player.set_volume(0.2)
        player.chime(Chime(id="bell", path=bell_path))
        marks["notice"] = player.notice
        marks["available"] = player.available
        marks["expected"] = DEVICE_LOST
    player.close()
    (out / f"{name}.json").write_text(json.dumps(marks))


def _no_device(out: Path) -> None:
    from companion.audio.player import SilentPlayer, open_player

    player = open_player()
    player.play(playlist(out / "anything.ogg"))
    (out / "no_device.json").write_text(
        json.dumps(
            {
                "silent": isinstance(player, SilentPlayer),
                "notice": player.notice,
                "available": player.available,
            }
        )
    )


# -- the tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def heard(tmp_path_factory):
    """Run every scenario at once; return name -> (samples, marks)."""
    out = tmp_path_factory.mktemp("disk")
    env = dict(os.environ, SDL_AUDIODRIVER="disk", PYGAME_HIDE_SUPPORT_PROMPT="1")
    env.pop("SDL_DISKAUDIODELAY", None)  # at 0 it races ahead of the wall clock
    runs = {}
    for name in SCENARIOS:
        (out / name).mkdir()
        runs[name] = subprocess.Popen(
            [sys.executable, __file__, name, str(out / name)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    no_device_env = dict(env, SDL_AUDIODRIVER="no-such-driver")
    (out / "no_device").mkdir()
    runs["no_device"] = subprocess.Popen(
        [sys.executable, __file__, "no_device", str(out / "no_device")],
        env=no_device_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    results = {}
    for name, run in runs.items():
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err.decode(errors="replace")[-2000:]
        marks = json.loads((out / name / f"{name}.json").read_text())
        raw = out / name / f"{name}.raw"
        results[name] = (read_disk_output(raw) if raw.exists() else None, marks)
    return results


def seconds(frames: int) -> float:
    return frames / RATE


def test_start_fades_in_then_tracks_crossfade_then_stop_fades_out(heard):
    x, marks = heard["fades"]
    onset = np.flatnonzero(np.abs(x[:, 0]) > 1e-4)[0]
    assert onset >= marks["play"]
    music = x[onset:]
    levels = windowed_rms(music, RATE, 0.1)
    assert levels[0] < 0.1 * levels[12]
    assert np.all(np.diff(levels[:9]) > 0)  # rises steadily over the 1 s fade-in
    # The first track's end overlaps the second's start for the crossfade length (1 s).
    low, high = tone_level(music, 220), tone_level(music, 330)
    both = np.flatnonzero((low > 0.02) & (high > 0.02))
    assert (both[-1] - both[0] + 1) * 0.1 == pytest.approx(1.0, abs=0.25)
    stop = marks["stop"] - onset
    assert longest_silence(music[RATE // 2 : stop], RATE, 1e-3) < 0.02  # once the fade-in is audible
    # Stop: falls to silence over the 1 s fade-out (what was queued plays first: < 0.4 s).
    after = windowed_rms(music[stop:], RATE, 0.1)
    falling = after[: int(np.argmax(after < 1e-4))]
    assert 6 <= falling.size <= 15 and np.all(np.diff(falling[3:]) < 0)
    assert np.max(np.abs(music[stop + int(1.5 * RATE) :])) < 1e-4
    assert max_step(music) <= 0.4 * 2 * np.pi * 550 / RATE + 2 / 32768  # no click anywhere


def test_bad_files_are_skipped_with_a_notice_and_the_rest_plays(heard):
    x, marks = heard["fades"]
    assert marks["notice"] == "Skipped corrupt.ogg: it could not be read as audio."
    assert tone_level(x, 220).max() > 0.3 * marks["trim"] and tone_level(x, 330).max() > 0.3 * marks["trim"]


def test_a_playlist_change_crossfades_without_a_gap(heard):
    x, marks = heard["switch"]
    after = x[marks["switch"] :]
    old, new = tone_level(after, 220), tone_level(after, 330)
    both = np.flatnonzero((old > 0.02) & (new > 0.02))
    assert (both[-1] - both[0] + 1) * 0.1 == pytest.approx(1.0, abs=0.25)
    assert old[-3:].max() < 1e-3 and new[-3:].min() > 0.3 * marks["trim"]
    assert longest_silence(after[: int(1.8 * RATE)], RATE, 1e-3) < 0.02
    assert max_step(after) <= 0.4 * 2 * np.pi * 550 / RATE + 2 / 32768


def test_volume_ramps_down_a_chime_mixes_over_the_music_and_mute_ramps(heard):
    x, marks = heard["levels"]
    volume = x[marks["volume"] : marks["chime"]]
    levels = windowed_rms(volume, RATE, 0.05)
    full, low = levels[0], levels[-1]
    assert low == pytest.approx(volume_gain(0.3) * full, rel=0.1)  # 14 dB down
    in_between = levels[(levels < 0.95 * full) & (levels > 1.05 * low)]
    assert in_between.size >= 8  # a ramp through many levels, not a jump
    chime = x[marks["chime"] : marks["mute"]]
    music_level, bell_level = tone_level(chime, 220), tone_level(chime, 880)
    expected = volume_gain(0.3) * 0.4 * marks["trim"]
    together = (music_level > 0.5 * expected) & (bell_level > 0.05)
    assert together.sum() >= 5  # the bell rings while the music keeps playing
    assert music_level[together].mean() == pytest.approx(expected, rel=0.15)
    muted = windowed_rms(x[marks["mute"] :], RATE, 0.05)
    assert muted[-4:].max() < 1e-4
    assert np.count_nonzero((muted > 1e-3) & (muted < 0.9 * muted[0])) >= 4  # faded, not cut
    assert max_step(x) < 0.1


def test_fade_to_silence_is_silent_within_its_time(heard):
    x, marks = heard["distress"]
    start = marks["distress"]
    before = windowed_rms(x[start - RATE // 4 : start], RATE, 0.25)[0]
    assert before > 0.05
    assert np.max(np.abs(x[start + RATE :])) < 1e-4  # music and the ringing chime: silent after 1 s
    fading = windowed_rms(x[start : start + RATE], RATE, 0.1)
    assert np.count_nonzero((fading > 1e-3) & (fading < 0.9 * fading[0])) >= 3
    assert max_step(x[start:]) < 0.1


def test_a_lost_device_degrades_to_silence_with_a_notice(heard):
    _, marks = heard["device_lost"]
    assert marks["available"] is False
    assert marks["notice"] == marks["expected"]


def test_no_device_gives_a_silent_player_with_one_plain_notice(heard):
    _, marks = heard["no_device"]
    assert marks == {
        "silent": True,
        "notice": "No sound device found: the session goes on silently.",
        "available": False,
    }


if __name__ == "__main__":
    audio_priority()
    scenario, folder = sys.argv[1], Path(sys.argv[2])
    if scenario == "no_device":
        _no_device(folder)
    else:
        _scenario(scenario, folder)
