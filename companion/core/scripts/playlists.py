"""Playlists and chimes from audio/playlists.yaml (or a user's own), as typed models, and what a
volume means in decibels.

A playlist plays its tracks one after another; a soundscape (`layers:` instead of `tracks:`)
plays all its layers at once, each looping, mixed by the depth control: a layer with `depth: 0`
is always heard, one with `depth: 0.6` fades in as the depth rises towards 0.6.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from companion.core.scripts.fields import Checker, Field
from companion.core.scripts.problems import Problem, ScriptError
from companion.core.scripts.yamlio import Located, load_yaml_file

AUDIO_SUFFIXES = (".ogg", ".mp3", ".flac", ".wav")


# Every track is played at one loudness (BS.1770 integrated), whatever it was mastered at; a
# volume of 1.0 plays that loudness and each step down is the same number of decibels.
TARGET_LUFS = -16.0
VOLUME_RANGE_DB = 20.0  # volume 0.05 is 19 dB under the target; 0 is silence
DEPTH_SPAN = 0.25  # a layer fades in over this much depth below its own `depth`
DEFAULT_DEPTH = 0.5


def volume_db(volume: float) -> float:
    """The gain a volume 0..1 stands for, in dB (0 at 1.0, -inf at 0): the same dB for every step."""
    if volume <= 0:
        return float("-inf")
    return VOLUME_RANGE_DB * (min(1.0, volume) - 1.0)


def volume_gain(volume: float) -> float:
    """volume_db as an amplitude factor (0.0 for silence)."""
    if volume <= 0:
        return 0.0
    return float(10 ** (volume_db(volume) / 20))


def volume_lufs(volume: float) -> float:
    """The loudness a volume plays at (every track levelled to TARGET_LUFS first)."""
    return TARGET_LUFS + volume_db(volume)


def depth_weight(depth: float, layer_depth: float) -> float:
    """How much of a layer is heard at `depth`: 0 below layer_depth - DEPTH_SPAN, rising evenly
    to 1 at layer_depth and above (a layer at depth 0 is always heard)."""
    if layer_depth <= 0:
        return 1.0
    return max(0.0, min(1.0, (depth - layer_depth) / DEPTH_SPAN + 1.0))


@dataclass(frozen=True)
class Track:
    path: Path  # absolute
    title: str
    seconds: float | None = None  # known length, when the catalogue or the file says
    level: float = 1.0  # a soundscape layer's own level (0..1, in the volume's decibels)
    depth: float = 0.0  # a soundscape layer: the depth at which it is fully heard


@dataclass(frozen=True)
class Playlist:
    id: str
    title: str
    tracks: tuple[Track, ...]
    loop: bool = True
    shuffle: bool = False
    crossfade: float = 8.0  # seconds between tracks and into this playlist
    fade_in: float = 8.0
    fade_out: float = 5.0
    folder: Path | None = None  # set when the playlist is "every audio file in this folder"
    layered: bool = False  # a soundscape: every track is a layer, all sounding at once, looping
    depth: float = DEFAULT_DEPTH  # a soundscape's depth when it starts

    @property
    def seconds(self) -> float | None:
        lengths = [track.seconds for track in self.tracks]
        if not lengths or any(length is None for length in lengths):
            return None
        return float(sum(lengths))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Chime:
    id: str
    path: Path
    volume: float = 0.5


# --- loading ---------------------------------------------------------------------------------

CATALOGUE_KEYS = ("playlists", "chimes")
PLAYLIST_KEYS = (
    "id", "title", "loop", "shuffle", "crossfade", "fade_in", "fade_out", "tracks", "folder", "layers", "depth",
)  # fmt: skip
TRACK_KEYS = ("file", "title", "length")
LAYER_KEYS = ("file", "title", "level", "depth")
CHIME_KEYS = ("id", "file", "volume")
_SUFFIXES_WORDS = ", ".join(AUDIO_SUFFIXES[:-1]) + " or " + AUDIO_SUFFIXES[-1]


@dataclass(frozen=True)
class Catalogue:
    """What one playlists.yaml provides. `problems` lists what was left out, and why."""

    source: Path
    playlists: dict[str, Playlist] = field(default_factory=dict)
    chimes: dict[str, Chime] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    declared: frozenset[tuple[str, str]] = frozenset()  # ("playlist"|"chime", id) named in the file


def load_playlists(path: Path | str) -> tuple[dict[str, Playlist], dict[str, Chime]]:
    """Playlists and chimes by id. Raises ScriptError listing every problem in the file."""
    catalogue = read_playlists(path)
    if catalogue.problems:
        raise ScriptError(catalogue.problems)
    return catalogue.playlists, catalogue.chimes


def read_playlists(path: Path | str) -> Catalogue:
    """Everything usable in the file, even when some of it is not: a missing track leaves the
    rest of its playlist playable. Raises ScriptError only when the file cannot be read at all."""
    doc = load_yaml_file(path)
    return parse_playlists(doc)


def parse_playlists(doc: Located) -> Catalogue:
    checker = Checker(doc)
    root = checker.root
    base = doc.file.parent
    root.mapping(CATALOGUE_KEYS, what="a playlist catalogue (a mapping with playlists: and chimes:)")
    playlists: dict[str, Playlist] = {}
    chimes: dict[str, Chime] = {}
    declared: set[tuple[str, str]] = set()
    for node in root["playlists"].items():
        playlist = _playlist(node, base, declared)
        if playlist is None:
            continue
        if playlist.id in playlists:
            node["id"].problem(f'repeated playlist id "{playlist.id}"')
        else:
            playlists[playlist.id] = playlist
    for node in root["chimes"].items():
        chime = _chime(node, base, declared)
        if chime is None:
            continue
        if chime.id in chimes:
            node["id"].problem(f'repeated chime id "{chime.id}"')
        else:
            chimes[chime.id] = chime
    problems = tuple(sorted(checker.problems, key=lambda p: (p.line, p.column)))
    return Catalogue(doc.file, playlists, chimes, problems, frozenset(declared))


def _audio_path(node: Field, base: Path) -> Path | None:
    """The absolute path a `file:` names, if it is an existing audio file; else a problem."""
    text = node.text(required=True)
    if not text:
        return None
    path = Path(text).expanduser()
    path = path if path.is_absolute() else base / path
    if path.suffix.lower() not in AUDIO_SUFFIXES:
        node.problem(f"expected an audio file ({_SUFFIXES_WORDS}), got {text!r}")
        return None
    if not path.is_file():
        node.problem(f"audio file not found: {path}")
        return None
    return path


def _playlist(node: Field, base: Path, declared: set[tuple[str, str]]) -> Playlist | None:
    if not node.mapping(PLAYLIST_KEYS, ("id",), what="a playlist (a mapping)"):
        return None
    ident = node["id"].ident()
    if ident is None:
        return None
    declared.add(("playlist", ident))
    tracks_node, folder_node, layers_node = node["tracks"], node["folder"], node["layers"]
    folder: Path | None = None
    tracks: list[Track] = []
    given = [part for part in (tracks_node, folder_node, layers_node) if part.present]
    if len(given) > 1:
        given[1].problem("a playlist has one of `tracks:`, `folder:` or `layers:`, not several")
    elif layers_node.present:
        for item in layers_node.items(non_empty=True):
            layer = _layer(item, base)
            if layer is not None:
                tracks.append(layer)
    elif folder_node.present:
        folder, tracks = _folder(folder_node, base)
    elif tracks_node.present:
        for item in tracks_node.items(non_empty=True):
            track = _track(item, base)
            if track is not None:
                tracks.append(track)
    else:
        node.problem("missing `tracks:` (a list of files), `folder:` (a folder of audio files) or `layers:`")
    playlist = Playlist(
        id=ident,
        title=node["title"].text(ident) or ident,
        tracks=tuple(tracks),
        loop=node["loop"].boolean(True),
        shuffle=node["shuffle"].boolean(False),
        crossfade=node["crossfade"].duration(8.0, allow_zero=True),  # type: ignore[arg-type]
        fade_in=node["fade_in"].duration(8.0, allow_zero=True),  # type: ignore[arg-type]
        fade_out=node["fade_out"].duration(5.0, allow_zero=True),  # type: ignore[arg-type]
        folder=folder,
        layered=layers_node.present,
        depth=node["depth"].number(DEFAULT_DEPTH, minimum=0.0, maximum=1.0),  # type: ignore[arg-type]
    )
    return playlist if playlist.tracks else None


def _layer(node: Field, base: Path) -> Track | None:
    if not node.mapping(LAYER_KEYS, ("file",), what="a layer (a mapping with file:)"):
        return None
    path = _audio_path(node["file"], base)
    title = node["title"].text()
    level = node["level"].number(1.0, minimum=0.0, maximum=1.0)
    depth = node["depth"].number(0.0, minimum=0.0, maximum=1.0)
    if path is None:
        return None
    return Track(path=path, title=title or path.stem, level=level, depth=depth)  # type: ignore[arg-type]


def _track(node: Field, base: Path) -> Track | None:
    if isinstance(node.value, str):  # `- calm/pad.ogg` is short for `- file: calm/pad.ogg`
        path = _audio_path(node, base)
        return Track(path=path, title=path.stem) if path else None
    if not node.mapping(TRACK_KEYS, ("file",), what="a track (a mapping with file:)"):
        return None
    path = _audio_path(node["file"], base)
    title = node["title"].text()
    length = node["length"].duration()
    if path is None:
        return None
    return Track(path=path, title=title or path.stem, seconds=length)


def _folder(node: Field, base: Path) -> tuple[Path | None, list[Track]]:
    text = node.text(required=True)
    if not text:
        return None, []
    folder = Path(text).expanduser()
    folder = folder if folder.is_absolute() else base / folder
    try:
        files = sorted(
            entry
            for entry in folder.iterdir()
            if entry.suffix.lower() in AUDIO_SUFFIXES and not entry.name.startswith(".") and entry.is_file()
        )
    except FileNotFoundError:
        node.problem(f"folder not found: {folder}")
        return folder, []
    except NotADirectoryError:
        node.problem(f"expected a folder of audio files, got a file: {folder}")
        return folder, []
    except OSError as error:
        node.problem(f"cannot read the folder {folder} ({error.strerror})")
        return folder, []
    if not files:
        node.problem(f"no audio files ({_SUFFIXES_WORDS}) in {folder}")
    return folder, [Track(path=path, title=path.stem) for path in files]


def _chime(node: Field, base: Path, declared: set[tuple[str, str]]) -> Chime | None:
    if not node.mapping(CHIME_KEYS, ("id", "file"), what="a chime (a mapping)"):
        return None
    ident = node["id"].ident()
    if ident is None:
        return None
    declared.add(("chime", ident))
    volume = node["volume"].number(0.5, minimum=0.0, maximum=1.0)
    path = _audio_path(node["file"], base)
    if path is None:
        return None
    return Chime(id=ident, path=path, volume=volume)  # type: ignore[arg-type]
