"""CPU while playing: the player (decode, mix, fade in blocks, feed a channel) against
`pygame.mixer.music` playing the same OGG file alone, same run, same real-time pace.

Each case is a fresh process using SDL's `disk` driver writing to /dev/null at the speed of a real
device (SDL_DISKAUDIODELAY unset); the process CPU time (user + system, every thread) over
SECONDS of playback is divided by the wall time. Start-up (imports, mixer init) is not counted.
Prints both figures and their ratio; informative (no pass/fail threshold), exit 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECONDS = 8.0


def child(kind: str, path: Path) -> None:
    from companion.audio.player import open_player
    from companion.core.scripts.playlists import Playlist, Track

    player = open_player(volume=0.5)
    mixer = player._mixer  # type: ignore[attr-defined]
    if kind == "music":
        player.close()
        mixer.pre_init(44100, -16, 2, 2048, allowedchanges=0)
        mixer.init()
        mixer.music.load(str(path))
        mixer.music.set_volume(0.5)
        started = time.monotonic()
        cpu = time.process_time()
        mixer.music.play()
        while time.monotonic() - started < SECONDS:
            time.sleep(0.1)  # what a UI timer would do
    else:
        playlist = Playlist("bench", "Bench", (Track(path, "t"),), loop=True, fade_in=1.0)
        started = time.monotonic()
        cpu = time.process_time()
        player.play(playlist)
        while time.monotonic() - started < SECONDS:
            player.update()  # the UI timer; the feeder thread does the rest
            time.sleep(0.1)
    used = time.process_time() - cpu
    wall = time.monotonic() - started
    if kind == "music":
        mixer.quit()
    else:
        player.close()
    print(100.0 * used / wall)


def measure(kind: str, path: Path) -> float:
    env = dict(
        os.environ,
        SDL_AUDIODRIVER="disk",
        SDL_DISKAUDIOFILE=os.devnull,
        PYGAME_HIDE_SUPPORT_PROMPT="1",
    )
    env.pop("SDL_DISKAUDIODELAY", None)
    run = subprocess.run(
        [sys.executable, __file__, kind, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(run.stdout.split()[-1])


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_audio_memory import write_track

    with tempfile.TemporaryDirectory() as tmp:
        track = write_track(Path(tmp) / "track.ogg", 60, 3)
        music = min(measure("music", track) for _ in range(2))
        ours = min(measure("player", track) for _ in range(2))
    print(
        f"CPU while playing ({SECONDS:.0f} s, best of 2): player {ours:.1f} % of one core, "
        f"pygame.mixer.music alone {music:.1f} %; ratio {ours / music:.2f}"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3:
        child(sys.argv[1], Path(sys.argv[2]))
    else:
        sys.exit(main())
