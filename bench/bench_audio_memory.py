"""Peak memory of the player: a 60-minute playlist of 10-minute tracks against one 1-minute track.

Each case runs in a fresh process that opens the real pygame player (SDL `dummy` driver) and then
pushes the whole playlist through the same path the feeder takes (decode a block, mix, fade,
make the pygame Sound for the channel) as fast as it can, crossing every track change; the peak
resident set size is read at the end. A third process shows what decoding one 10-minute track
whole with `pygame.mixer.Sound(file)` would cost, the approach the player avoids.
Target: the long playlist peaks at most 30 MB above the short one. Exit 1 if it is missed.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

TARGET_MB = 30.0
RATE = 44100


def write_track(path: Path, seconds: float, seed: int) -> Path:
    """A soft, noisy chord: enough texture that Vorbis works as hard as on real music."""
    rng = np.random.default_rng(seed)
    with sf.SoundFile(path, "w", RATE, 2, format="OGG", subtype="VORBIS", compression_level=0.66) as out:
        for start in range(0, int(seconds * RATE), 65536):
            n = min(65536, int(seconds * RATE) - start)
            t = (start + np.arange(n)) / RATE
            chord = sum(0.08 * np.sin(2 * np.pi * f * t) for f in (110, 165, 220, 275))
            noise = 0.02 * rng.standard_normal((n, 2))
            out.write((chord[:, None] + noise).astype(np.float32))
    return path


def child(kind: str, folder: Path) -> None:
    """Runs in the measured process."""
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    from companion.audio.player import open_player
    from companion.audio.pygame_player import BLOCK, PCM16_SCALE, to_pcm16
    from companion.core.scripts.playlists import Playlist, Track

    player = open_player(volume=0.5)
    mixer = player._mixer  # type: ignore[attr-defined]
    if kind == "whole-sound":
        sound = mixer.Sound(str(folder / "ten.ogg"))
        print(sound.get_length())
    else:
        files = [folder / "ten.ogg"] * 6 if kind == "hour" else [folder / "one.ogg"]
        playlist = Playlist("bench", "Bench", tuple(Track(f, f.name) for f in files), loop=False)
        engine = player._engine  # type: ignore[attr-defined]
        with player._lock:  # type: ignore[attr-defined]
            engine.play(playlist)
            blocks = 0
            while not engine.silent_now:
                samples, _undo = engine.render_undoable(BLOCK, PCM16_SCALE)
                mixer.Sound(buffer=to_pcm16(samples))
                blocks += 1
        print(blocks * BLOCK / RATE)
    player.close()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # MB (Linux reports KB)


def measure(kind: str, folder: Path) -> tuple[float, float]:
    run = subprocess.run(
        [sys.executable, __file__, kind, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    played, peak = (float(line) for line in run.stdout.split()[-2:])
    return played, peak


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_track(folder / "ten.ogg", 600, 1)
        write_track(folder / "one.ogg", 60, 2)
        short_s, short_mb = measure("minute", folder)
        long_s, long_mb = measure("hour", folder)
        _, whole_mb = measure("whole-sound", folder)
    extra = long_mb - short_mb
    print(f"peak RSS, 1-minute track ({short_s / 60:.1f} min rendered): {short_mb:.1f} MB")
    print(f"peak RSS, 60-minute playlist of 10-minute tracks ({long_s / 60:.1f} min rendered): {long_mb:.1f} MB")
    print(f"difference: {extra:+.1f} MB (target <= {TARGET_MB:.0f} MB); ratio {long_mb / short_mb:.2f}")
    print(
        f"for comparison, pygame.mixer.Sound() of one 10-minute track: {whole_mb:.1f} MB ({whole_mb - short_mb:+.1f} MB)"
    )
    return 0 if extra <= TARGET_MB else 1


if __name__ == "__main__":
    if len(sys.argv) == 3:
        child(sys.argv[1], Path(sys.argv[2]))
    else:
        sys.exit(main())
