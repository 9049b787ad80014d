"""`companion play`: the preview app driven by the pilot, and the whole command heard end to end."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_audio_helpers import RATE, audio_priority, playlist, read_disk_output, tone_file, tone_level
from textual.widgets import Static

from companion.audio.measure import max_step, windowed_rms
from companion.audio.player import SilentPlayer
from companion.commands import play
from companion.core.scripts.playlists import Playlist, Track
from companion.ui.play_app import PlayApp


def args(name: str, seconds: float | None = None, scripts: list[Path] | None = None) -> argparse.Namespace:
    return argparse.Namespace(playlist=name, seconds=seconds, scripts=scripts or [])


def test_an_unknown_playlist_is_named_with_the_known_ones(capsys):
    assert play.run(args("nope")) == 1
    err = capsys.readouterr().err
    assert err.strip() == "There is no playlist called 'nope'. Playlists: journey, return, settling, still-water."


def test_seconds_must_be_above_zero(capsys):
    assert play.run(args("settling", seconds=0)) == 1
    assert "above zero" in capsys.readouterr().err


class RecordingFactory:
    def __init__(self) -> None:
        self.player: SilentPlayer | None = None

    def __call__(self, volume: float) -> SilentPlayer:
        self.player = SilentPlayer(_volume=volume)
        return self.player


async def test_keys_change_volume_mute_and_quit_with_a_fade(tmp_path):
    tone = tone_file(tmp_path / "tone.wav", 220, 1.0)
    factory = RecordingFactory()
    app = PlayApp(playlist(tone, fade_out=0.2), volume=0.5, player_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        player = factory.player
        assert player is not None and player.calls[0] == ("play", "test", 0.5)
        assert "Now: Test" in str(app.query_one("#track").render())
        await pilot.press("right_square_bracket", "right_square_bracket", "left_square_bracket")
        assert player.volume == pytest.approx(0.6)  # steps of 2 dB
        assert "60% (-24 LUFS)" in str(app.query_one("#volume").render())
        await pilot.press("m")
        assert player.muted and "muted" in str(app.query_one("#volume").render())
        await pilot.press("q")
        assert ("stop", 0.2) in player.calls
        await pilot.pause(1.2)
    assert ("close",) in player.calls
    assert app.return_code in (0, None)


async def test_depth_keys_move_a_soundscape_and_the_screen_shows_its_layers(tmp_path):
    layers = tuple(
        Track(tone_file(tmp_path / f"{name}.wav", freq, 1.0), name.title(), level=0.8, depth=depth)
        for name, freq, depth in (("pad", 220, 0.0), ("rain", 330, 0.7))
    )
    scape = Playlist("scape", "Scape", layers, layered=True, depth=0.5)
    factory = RecordingFactory()
    app = PlayApp(scape, volume=0.5, player_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        player = factory.player
        assert "Depth  [##########..........] 50%" in str(app.query_one("#depth").render())
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        assert player.depth == pytest.approx(0.7)
        assert ("set_depth", 0.7) in player.calls
        assert "70%" in str(app.query_one("#depth").render())
        await pilot.press("left_curly_bracket")
        assert player.depth == pytest.approx(0.6)


async def test_the_screen_is_written_only_when_what_it_shows_changes(tmp_path, monkeypatch):
    tone = tone_file(tmp_path / "tone.wav", 220, 1.0)
    factory = RecordingFactory()
    app = PlayApp(playlist(tone), volume=0.5, player_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        writes: list[str] = []
        original = Static.update
        monkeypatch.setattr(Static, "update", lambda self, *a, **k: (writes.append(self.id), original(self, *a, **k)))
        await pilot.pause(1.5)  # six ticks with nothing new to show
        assert writes == []
        await pilot.press("right_square_bracket")
        assert writes == ["volume"]  # only the line that changed


async def test_no_device_is_said_on_screen(tmp_path):
    tone = tone_file(tmp_path / "tone.wav", 220, 1.0)

    def factory(volume):
        return SilentPlayer(notice="No sound device found: the session goes on silently.")

    app = PlayApp(playlist(tone), player_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        assert "No sound device found" in str(app.query_one("#notice").render())


def test_companion_play_is_heard_and_ends_by_itself_with_a_fade(tmp_path):
    """The real command in a terminal-less process, heard through SDL's disk driver."""
    tone_file(tmp_path / "tone.wav", 220, 4.0)
    (tmp_path / "playlists.yaml").write_text(
        "playlists:\n"
        "  - id: check\n    title: Check\n    fade_in: 0.5s\n    fade_out: 0.5s\n"
        "    tracks:\n      - file: tone.wav\n        title: A tone\n"
    )
    disk = tmp_path / "heard.raw"
    env = dict(os.environ, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(disk))
    env.pop("SDL_DISKAUDIODELAY", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "companion",
            "play",
            "check",
            "--seconds",
            "2",
            "--scripts",
            str(tmp_path),
        ],
        env=env,
        preexec_fn=audio_priority,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-1500:]
    x = read_disk_output(disk)
    onset = np.flatnonzero(np.abs(x[:, 0]) > 1e-4)[0]
    music = x[onset:]
    levels = windowed_rms(music, RATE, 0.1)
    assert np.all(np.diff(levels[:4]) > 0)  # fades in
    # The 0.4 tone (-8.9 LUFS) played at volume 0.5: brought to -16 LUFS, then 10 dB down.
    assert tone_level(music, 220)[6:12].min() > 0.04
    last = np.flatnonzero(levels > 1e-4)[-1]
    assert 1.6 <= (last + 1) * 0.1 <= 2.6  # stopped by itself at about 2 s
    assert np.all(np.diff(levels[last - 3 : last + 1]) < 0)  # with a fade-out
    assert max_step(music) < 0.02


def test_sigterm_fades_the_preview_out_rather_than_cutting_it(tmp_path):
    """A shutdown or a closed window during `companion play`: a short fade, never a hard cut."""
    import signal
    import time

    tone_file(tmp_path / "tone.wav", 220, 10.0)
    (tmp_path / "playlists.yaml").write_text(
        "playlists:\n"
        "  - id: check\n    title: Check\n    fade_in: 0.5s\n    fade_out: 5s\n"
        "    tracks:\n      - file: tone.wav\n        title: A tone\n"
    )
    disk = tmp_path / "heard.raw"
    env = dict(os.environ, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(disk))
    env.pop("SDL_DISKAUDIODELAY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "companion", "play", "check", "--scripts", str(tmp_path)],
        env=env,
        preexec_fn=audio_priority,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not (disk.exists() and disk.stat().st_size > RATE * 4 * 2 * 2):  # 2 s heard
            assert process.poll() is None, process.stderr.read().decode(errors="replace")[-1500:]
            assert time.monotonic() < deadline, "nothing was heard"
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=8)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    x = read_disk_output(disk)
    onset = np.flatnonzero(np.abs(x[:, 0]) > 1e-4)[0]
    music = x[onset:]
    levels = windowed_rms(music, RATE, 0.1)
    last = np.flatnonzero(levels > 1e-4)[-1]
    assert np.all(np.diff(levels[last - 5 : last + 1]) < 0)  # faded out over the last half second
    assert max_step(music) < 0.02  # no click


def test_a_broken_user_catalogue_is_named_with_its_line(tmp_path, capsys):
    (tmp_path / "playlists.yaml").write_text(
        "playlists:\n  - id: mine\n    title: Mine\n    tracks:\n      - fiel: x.ogg\n"
    )
    assert play.run(args("mine", scripts=[tmp_path])) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "There is no playlist called 'mine'. Playlists: journey, return, settling, still-water."
    assert err[1].startswith(f"{tmp_path / 'playlists.yaml'}:5:")
    assert "fiel" in err[1]
