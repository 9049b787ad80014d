"""Write the bundled music and chimes under audio/ (OGG Vorbis). Deterministic: same files every run.

    .venv/bin/python audio/generate.py            # every file
    .venv/bin/python audio/generate.py bowl       # only the named tracks or chimes

Every track is *circular*: each oscillator makes a whole number of cycles over the track and every
noise bed is shaped in the frequency domain of the whole track, so the last sample flows into the
first and a looping playlist never clicks. Pads are just-intonation chords whose voices are detuned
by a fraction of a hertz (beats slower than 0.5 Hz), softened by a slowly breathing low-pass and
swelled by slow envelopes; beds are filtered noise with slow swells (ocean) or a steady soft hiss
(rain). Every track is then voiced for small speakers (a gentle lift over 200 Hz-2 kHz and less
of the deep bass a laptop cannot play, until at least half the energy is in that band; an EQ over
the whole circular track, so loops stay seamless) and levelled to the player's loudness target
(-16 LUFS, measured with the same BS.1770 meter the player uses). The soundscape's layers (pad,
drone, water, rain, bells) are loops of their own, each levelled alike; the player mixes them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from companion.audio.loudness import measure_samples
from companion.audio.measure import loop_jump, peak_dbfs
from companion.core.scripts.playlists import TARGET_LUFS

RATE = 44100
PAD_RATE = 11025  # pads hold nothing above ~4 kHz: rendered at a quarter rate, then upsampled
BLOCK = 65536  # frames per write: one huge OGG write crashes libsndfile
COMPRESSION = 0.66  # libsndfile level 0..1; Vorbis quality is about 1 - level (~0.34)
CHIME_PEAK = -1.0  # dBFS: room for a chime 7 LU over the music at most volumes (chimes are not limited)
CARRY_BAND = (200.0, 2000.0)  # what laptop and tablet speakers play well
CARRY_SHARE = 0.5  # at least this share of a track's energy in that band
PEAK_CEILING = -2.0  # dBFS: gently rounded above this (rare crests of the noise beds)
SEED = 20260
AUDIO = Path(__file__).resolve().parent

# Just-intonation chords, as ratios to the track's root.
MAJOR = (1, 3 / 2, 2, 5 / 2, 3)
ADD9 = (1, 3 / 2, 2, 9 / 4, 3)
SUB_IV = (2 / 3, 4 / 3, 5 / 3, 2, 8 / 3)
REL_MINOR = (5 / 6, 5 / 3, 2, 5 / 2, 10 / 3)
FIFTHS = (1, 3 / 2, 2, 3, 4)
DOMINANT_SUS = (3 / 4, 3 / 2, 2, 9 / 4, 3)


@dataclass(frozen=True)
class Pad:
    root: float  # Hz
    chords: tuple[tuple[float, ...], ...]  # one after another around the circle
    brightness: float = 900.0  # low-pass cutoff in Hz (breathes an octave around this)
    harmonics: int = 6
    detune: float = 0.12  # Hz either side: voices beat at 2 x detune
    level: float = 1.0


# -- circular building blocks ---------------------------------------------------------------


def _cycles(freq: float, frames: int, rate: int) -> int:
    """The whole number of cycles over the track nearest to `freq`."""
    return max(1, round(freq * frames / rate))


def _phase(cycles: int, frames: int, at: np.ndarray | None = None) -> np.ndarray:
    """Phase of a whole-cycles oscillator at frame indexes `at` (default: every frame)."""
    index = np.arange(frames, dtype=np.int64) if at is None else at
    # Integer arithmetic keeps the phase exact over millions of samples.
    return (2 * np.pi / frames) * ((cycles * index) % frames)


def _lfo(frames: int, count: int, offset: float = 0.0) -> np.ndarray:
    """A sine making `count` whole cycles over the track, -1..1."""
    return np.sin(_phase(count, frames) + offset)


def _upsample(x: np.ndarray, frames: int) -> np.ndarray:
    """Band-limited, circular resampling to `frames` by zero-padding the spectrum."""
    spectrum = np.fft.rfft(x, axis=0)
    out = np.fft.irfft(spectrum, n=frames, axis=0)
    return out * (frames / x.shape[0])


def _shaped_noise(rng: np.random.Generator, frames: int, gain: Callable[[np.ndarray], np.ndarray]):
    """Stereo noise, partly shared between the ears, shaped by `gain(freqs)`; circular."""
    white = rng.standard_normal((frames, 3)).astype(np.float32)
    shared = white[:, :1]
    stereo = 0.55 * shared + 0.8 * white[:, 1:]
    spectrum = np.fft.rfft(stereo, axis=0)
    spectrum *= gain(np.fft.rfftfreq(frames, 1.0 / RATE))[:, None].astype(np.float32)
    out = np.fft.irfft(spectrum, n=frames, axis=0)
    return out / np.sqrt(np.mean(out * out))


def _lowpass(cutoff: float, order: int = 2) -> Callable[[np.ndarray], np.ndarray]:
    return lambda f: 1.0 / np.sqrt(1 + (f / cutoff) ** (2 * order))


def _band(low: float, high: float, tilt: float = 0.5) -> Callable[[np.ndarray], np.ndarray]:
    """Pink-ish noise between `low` and `high` Hz with gentle second-order slopes."""

    def gain(f: np.ndarray) -> np.ndarray:
        safe = np.maximum(f, 1.0)
        highpass = (safe / low) ** 2 / np.sqrt(1 + (safe / low) ** 4)
        return highpass * _lowpass(high)(f) / safe**tilt

    return gain


# -- pads -------------------------------------------------------------------------------------


def render_pad(pad: Pad, seconds: float, rng: np.random.Generator) -> np.ndarray:
    frames = int(PAD_RATE * seconds)
    out = np.zeros((frames, 2))
    slots = len(pad.chords)
    slot = frames / slots
    position = np.arange(frames)
    breathing = 2.0 ** (0.5 * _lfo(frames, max(1, round(seconds / 50)), rng.uniform(0, 6.3)))
    cutoff = pad.brightness * breathing
    for number, chord in enumerate(pad.chords):
        # cos^2 windows half a slot wide either side tile the circle: chords melt into each other.
        centre = (number + 0.5) * slot
        distance = np.abs((position - centre + frames / 2) % frames - frames / 2) / slot
        window = np.where(distance < 1, np.cos(0.5 * np.pi * np.minimum(distance, 1)) ** 2, 0.0)
        active = np.flatnonzero(window > 0)
        env = window[active]
        for voice, ratio in enumerate(chord):
            freq = pad.root * ratio
            weight = 1.0 / (1 + 0.35 * voice)  # upper voices sit back
            swell = (
                0.75
                + 0.25
                * _lfo(
                    frames,
                    max(1, round(seconds / rng.uniform(18, 34))),
                    rng.uniform(0, 6.3),
                )[active]
            )
            for harmonic in range(1, pad.harmonics + 1):
                partial = freq * harmonic
                if partial > 0.42 * PAD_RATE:
                    break
                tone = 1.0 / (1 + (partial / cutoff[active]) ** 4) ** 0.5 / harmonic**1.2
                amplitude = weight * swell * env * tone
                for side, sign in ((0, 1), (1, -1)):
                    cycles = _cycles(partial + sign * pad.detune, frames, PAD_RATE)
                    phase = _phase(cycles, frames, active) + rng.uniform(0, 2 * np.pi)
                    out[active, side] += amplitude * np.sin(phase)
    return _upsample(out, int(RATE * seconds)) * pad.level


# -- beds -------------------------------------------------------------------------------------


def render_ocean(seconds: float, rng: np.random.Generator, calm: float = 1.0) -> np.ndarray:
    """Waves: a dark body that swells every ~10 s and brightens at each crest."""
    frames = int(RATE * seconds)
    dark = _shaped_noise(rng, frames, _band(40, 350, 0.3))
    bright = _shaped_noise(rng, frames, _band(120, 1400, 0.5))
    waves = 0.5 + 0.3 * _lfo(frames, round(seconds / 11), 0.3) + 0.2 * _lfo(frames, round(seconds / 7.3), 2.1)
    waves = np.clip(waves, 0, 1)[:, None]
    return (0.55 + 0.45 * waves) * dark + (0.2 + 0.8 * waves**2) * bright * 0.55 * calm


def render_rain(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Distant steady rain: soft mid-high hiss over a quiet low rumble, barely moving."""
    frames = int(RATE * seconds)
    hiss = _shaped_noise(rng, frames, _band(700, 4500, 0.6))
    rumble = _shaped_noise(rng, frames, _band(50, 260, 0.2))
    drift = (0.85 + 0.15 * _lfo(frames, round(seconds / 23), 1.0))[:, None]
    return drift * hiss * 0.6 + rumble * 0.45


# -- bells --------------------------------------------------------------------------------------


def render_bell(fundamental: float, partials: tuple[tuple[float, float, float], ...], seconds: float) -> np.ndarray:
    """A struck bell: inharmonic partials (ratio, amplitude, decay seconds), each a slow-beating pair."""
    frames = int(RATE * seconds)
    t = np.arange(frames) / RATE
    out = np.zeros((frames, 2))
    for number, (ratio, amplitude, decay) in enumerate(partials):
        freq = fundamental * ratio
        beat = 0.18 + 0.05 * number  # the bowl's slow "wah": well under 0.5 Hz
        env = amplitude * np.exp(-t / decay)
        for side, spread in ((0, 1.0), (1, -1.0)):
            pair = np.sin(2 * np.pi * freq * t + number) + 0.6 * np.sin(2 * np.pi * (freq + spread * beat) * t)
            out[:, side] += env * pair
    attack = np.minimum(1.0, t / 0.012)  # a soft mallet, not a click
    # The natural decay, eased to true silence over the last third (a file cannot ring forever).
    release = np.cos(0.5 * np.pi * np.clip((t - seconds * 2 / 3) / (seconds / 3), 0, 1)) ** 2
    return out * (np.sin(0.5 * np.pi * attack) ** 2 * release)[:, None]


# -- the catalogue ------------------------------------------------------------------------------


def _mix(*layers: np.ndarray) -> np.ndarray:
    frames = min(layer.shape[0] for layer in layers)
    return sum(layer[:frames] for layer in layers)


def _norm(x: np.ndarray) -> np.ndarray:
    return x / np.sqrt(np.mean(x * x))


# Every root is an A or a D (a fifth apart), so a crossfade between any two tracks, within a
# playlist or from one playlist to the next, stays consonant.


def warm_pad(rng):
    pad = Pad(110.0, (MAJOR, REL_MINOR, SUB_IV, ADD9, SUB_IV, MAJOR), brightness=850)
    air = render_ocean(180, rng, calm=0.4)
    return _mix(_norm(render_pad(pad, 180, rng)), 0.12 * _norm(air))


def soft_rain(rng):
    pad = Pad(220.0, (FIFTHS, ADD9, FIFTHS, SUB_IV), brightness=700, harmonics=4, detune=0.1)
    return _mix(_norm(render_rain(180, rng)), 0.35 * _norm(render_pad(pad, 180, rng)))


def deep_drift(rng):
    pad = Pad(
        73.42,
        (FIFTHS, ADD9, REL_MINOR, FIFTHS, SUB_IV, ADD9),
        brightness=600,
        harmonics=7,
        detune=0.08,
    )
    return _mix(_norm(render_pad(pad, 240, rng)), 0.1 * _norm(render_ocean(240, rng, calm=0.3)))


def ocean_floor(rng):
    drone = Pad(55.0, (FIFTHS, FIFTHS, ADD9, FIFTHS), brightness=420, harmonics=8, detune=0.07)
    return _mix(_norm(render_ocean(240, rng)), 0.45 * _norm(render_pad(drone, 240, rng)))


def slow_light(rng):
    pad = Pad(
        146.83,
        (ADD9, MAJOR, DOMINANT_SUS, ADD9, REL_MINOR, MAJOR),
        brightness=1200,
        harmonics=5,
        detune=0.15,
    )
    return _mix(_norm(render_pad(pad, 180, rng)), 0.08 * _norm(render_rain(180, rng)))


def morning_pad(rng):
    pad = Pad(
        220.0,
        (MAJOR, ADD9, SUB_IV, MAJOR, DOMINANT_SUS, ADD9),
        brightness=1300,
        harmonics=5,
        detune=0.14,
    )
    return _mix(_norm(render_pad(pad, 180, rng)), 0.1 * _norm(render_ocean(180, rng, calm=0.5)))


def gentle_shore(rng):
    pad = Pad(146.83, (MAJOR, SUB_IV, ADD9, MAJOR), brightness=900, harmonics=4, detune=0.1)
    return _mix(_norm(render_ocean(180, rng, calm=0.7)), 0.4 * _norm(render_pad(pad, 180, rng)))


# A singing bowl: modes near 1, 2.7, 5.2, 8.5 with the upper ones dying first.
BOWL = (
    (1.0, 1.0, 7.0),
    (2.71, 0.5, 4.5),
    (5.16, 0.22, 2.6),
    (8.45, 0.08, 1.4),
    (12.4, 0.03, 0.8),
)
# A small soft bell: a hum note under the strike note, a minor third and a fifth above.
SOFT_BELL = (
    (0.5, 0.5, 4.0),
    (1.0, 1.0, 3.0),
    (1.19, 0.3, 2.2),
    (1.5, 0.18, 1.6),
    (2.0, 0.1, 1.0),
)

# -- the soundscape "Still water": layers the player mixes live, each a loop of its own --------


def layer_pad(rng):
    pad = Pad(146.83, (FIFTHS, ADD9, SUB_IV, FIFTHS, MAJOR, ADD9), brightness=1000, harmonics=5, detune=0.12)
    return render_pad(pad, 120, rng)


def layer_drone(rng):
    # One chord twice round: the two windows sum to a constant, so the drone holds steady.
    drone = Pad(73.42, (FIFTHS, FIFTHS), brightness=700, harmonics=9, detune=0.05)
    return render_pad(drone, 90, rng)


def layer_water(rng):
    return render_ocean(66, rng, calm=0.6)


def layer_rain(rng):
    return render_rain(60, rng)


def layer_bells(rng):
    """Soft bells now and then (D pentatonic, just intonation), wrapping round the loop."""
    seconds = 90
    frames = RATE * seconds
    out = np.zeros((frames, 2))
    notes = [587.33 * ratio for ratio in (1, 9 / 8, 5 / 4, 3 / 2, 5 / 3)]
    strikes = 9
    for number in range(strikes):
        at = int((number + rng.uniform(0.1, 0.9)) * frames / strikes)
        bell = render_bell(notes[int(rng.integers(len(notes)))], SOFT_BELL, 9.0) * rng.uniform(0.6, 1.0)
        where = (at + np.arange(bell.shape[0])) % frames
        out[where] += bell
    return out


LAYERS: dict[str, tuple[str, Callable[[np.random.Generator], np.ndarray]]] = {
    "still-water-pad": ("still-water/pad.ogg", layer_pad),
    "still-water-drone": ("still-water/drone.ogg", layer_drone),
    "still-water-water": ("still-water/water.ogg", layer_water),
    "still-water-rain": ("still-water/rain.ogg", layer_rain),
    "still-water-bells": ("still-water/bells.ogg", layer_bells),
}

TRACKS: dict[str, tuple[str, Callable[[np.random.Generator], np.ndarray]]] = {
    "warm-pad": ("settling/warm-pad.ogg", warm_pad),
    "soft-rain": ("settling/soft-rain.ogg", soft_rain),
    "deep-drift": ("journey/deep-drift.ogg", deep_drift),
    "ocean-floor": ("journey/ocean-floor.ogg", ocean_floor),
    "slow-light": ("journey/slow-light.ogg", slow_light),
    "morning-pad": ("return/morning-pad.ogg", morning_pad),
    "gentle-shore": ("return/gentle-shore.ogg", gentle_shore),
    **LAYERS,
}
CHIMES: dict[str, tuple[str, Callable[[], np.ndarray]]] = {
    "bowl": ("chimes/bowl.ogg", lambda: render_bell(196.0, BOWL, 16.0)),
    "soft-bell": ("chimes/soft-bell.ogg", lambda: render_bell(523.25, SOFT_BELL, 9.0)),
}


def band_share(x: np.ndarray, band: tuple[float, float] = CARRY_BAND) -> float:
    """The share of the track's energy between band[0] and band[1] Hz."""
    power = np.abs(np.fft.rfft(x.mean(axis=1))) ** 2
    freqs = np.fft.rfftfreq(x.shape[0], 1.0 / RATE)
    return float(power[(freqs >= band[0]) & (freqs <= band[1])].sum() / power.sum())


def carry(x: np.ndarray) -> np.ndarray:
    """Voiced for small speakers: a broad lift around 600 Hz, and the bass under 150 Hz lowered
    step by step (at most 12 dB) until CARRY_SHARE of the energy is in CARRY_BAND. One EQ over the
    whole track's spectrum: still circular."""
    spectrum = np.fft.rfft(x, axis=0)
    freqs = np.maximum(np.fft.rfftfreq(x.shape[0], 1.0 / RATE), 1.0)
    lift = 10 ** (3.0 * np.exp(-((np.log2(freqs / 600.0) / 1.3) ** 2)) / 20)
    for cut in range(0, 13, 2):
        shelf = 10 ** (-cut / 20) + (1 - 10 ** (-cut / 20)) / (1 + (150.0 / freqs) ** 4)
        out = np.fft.irfft(spectrum * (lift * shelf)[:, None], n=x.shape[0], axis=0)
        if band_share(out) >= CARRY_SHARE:
            break
    return out


def round_peaks(x: np.ndarray, ceiling_db: float = PEAK_CEILING) -> np.ndarray:
    """Crests above 6 dB under the ceiling are rounded smoothly towards it (never a hard clip)."""
    ceiling = 10 ** (ceiling_db / 20)
    knee = ceiling / 2
    over = np.abs(x) > knee
    if not over.any():
        return x
    y = x.copy()
    excess = (np.abs(x[over]) - knee) / (ceiling - knee)
    y[over] = np.sign(x[over]) * (knee + (ceiling - knee) * np.tanh(excess))
    return y


def level(x: np.ndarray) -> np.ndarray:
    """At the player's loudness target, crests rounded; measured again after the rounding."""
    for _ in range(3):
        x = x * 10 ** ((TARGET_LUFS - measure_samples(x, RATE).integrated) / 20)
        x = round_peaks(x)
    return x


def write_ogg(path: Path, x: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = np.ascontiguousarray(x, dtype=np.float32)
    with sf.SoundFile(
        path,
        "w",
        RATE,
        data.shape[1],
        format="OGG",
        subtype="VORBIS",
        compression_level=COMPRESSION,
    ) as out:
        for start in range(0, data.shape[0], BLOCK):
            out.write(data[start : start + BLOCK])


def main(names: list[str]) -> int:
    wanted = set(names) or set(TRACKS) | set(CHIMES)
    unknown = wanted - set(TRACKS) - set(CHIMES)
    if unknown:
        print(f"unknown: {', '.join(sorted(unknown))}; known: {', '.join([*TRACKS, *CHIMES])}")
        return 1
    for number, (name, (relative, render)) in enumerate(TRACKS.items()):
        if name not in wanted:
            continue
        x = level(carry(render(np.random.default_rng(SEED + number))))
        write_ogg(AUDIO / relative, x)
        print(
            f"{relative:32} {x.shape[0] / RATE:6.0f} s  peak {peak_dbfs(x):6.1f} dBFS"
            f"  {measure_samples(x, RATE).integrated:6.1f} LUFS  200 Hz-2 kHz {100 * band_share(x):3.0f} %"
            f"  loop {loop_jump(x):.2f}"
        )
    for name, (relative, render) in CHIMES.items():
        if name not in wanted:
            continue
        x = render()
        x *= 10 ** ((CHIME_PEAK - peak_dbfs(x)) / 20)
        write_ogg(AUDIO / relative, x)
        print(f"{relative:28} {x.shape[0] / RATE:6.1f} s  peak {peak_dbfs(x):6.1f} dBFS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
