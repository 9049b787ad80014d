"""Everything the app can see: session scripts, exercises, playlists and chimes, found in layers.

Lookup order, first wins: each `--scripts DIR` in the order given, then the user config dir
(`paths.config_dir()`), then the bundled `scripts/` with the bundled audio catalogue. A user
item with the id of a later one overrides it, and `Library.overrides` says so.

Each folder may hold:
    sessions/*.yaml       session scripts
    exercises/*.yaml      grounding exercises
    assessments/*.yaml    questionnaires and observer ratings (PHQ-9, MOAA/S, ...)
    playlists.yaml        a playlist and chime catalogue (paths relative to it)
    *.yaml                any of the above directly in the folder: a file with `phases:` is a
                          session, one with `kind:` an exercise, one with `items:` an assessment, one with `playlists:` or
                          `chimes:` a catalogue
A single file may stand in for a folder (`--scripts my-session.yaml`).

A broken file does not stop the others: its problems go to `Library.problems`. A session that
names an unknown playlist, exercise or chime still loads (music it cannot find is silence) and
the reference is listed as a problem at the line that names it.

The YAML reader and the checkers are imported where a file is read: a console opening a script
kept in the cache (script_cache.py) shows its first frame without them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from companion import paths
from companion.core.scripts import cache as script_cache
from companion.core.scripts.problems import Problem, ScriptError, file_problem
from companion.core.scripts.script import SessionScript

if TYPE_CHECKING:
    from companion.core.scripts.assessments import Assessment
    from companion.core.scripts.exercises import GroundingExercise
    from companion.core.scripts.fields import Reference
    from companion.core.scripts.playlists import Chime, Playlist
    from companion.core.scripts.yamlio import Located

DEFAULT_SESSION_ID = "im-standard"
YAML_SUFFIXES = (".yaml", ".yml")
CATALOGUE_NAMES = ("playlists.yaml", "playlists.yml")
SETTINGS_NAMES = ("config.yaml",)  # in the config folder

SESSION, EXERCISE, CATALOGUE, UNKNOWN = "session", "exercise", "playlists", "unknown"
ASSESSMENT = "assessment"


class Override(NamedTuple):
    """An item hidden by one with the same id found earlier in the lookup order."""

    kind: str  # "session", "exercise", "playlist" or "chime"
    id: str
    winner: Path
    hidden: Path


class SessionFileError(ScriptError, LookupError):
    """`Library.session(path)` on a file with problems: a ScriptError, and a LookupError too, so
    a caller that only expects "no such session" still shows the problems instead of crashing."""


class SourceFile(NamedTuple):
    kind: str  # SESSION, EXERCISE, ASSESSMENT, CATALOGUE, or UNKNOWN when it could not be told
    path: Path
    origin: str  # "scripts", "config" or "bundled"


@dataclass
class Library:
    """Every script, exercise, playlist, chime and assessment the console can see, and the problems found."""

    sessions: dict[str, SessionScript] = field(default_factory=dict)
    exercises: dict[str, GroundingExercise] = field(default_factory=dict)
    playlists: dict[str, Playlist] = field(default_factory=dict)
    chimes: dict[str, Chime] = field(default_factory=dict)
    assessments: dict[str, Assessment] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)  # every file read, valid or not
    has_catalogue: bool = False  # some playlists.yaml was found (else music cannot be checked)
    _declared: set[tuple[str, str]] = field(default_factory=set, repr=False)

    def session(self, ref: str | os.PathLike[str]) -> SessionScript:
        """A session by id, or loaded from a YAML file when `ref` is a path.

        Raises LookupError: for an unknown id the message lists the known ones; for a file with
        problems (its references to playlists, exercises and chimes included) it is a
        SessionFileError, also a ScriptError, whose message lists every problem.
        """
        text = os.fspath(ref)
        if text in self.sessions:
            return self.sessions[text]
        if _looks_like_path(text):
            from companion.core.scripts.loading import read_session

            try:
                script, references = read_session(Path(text).expanduser())
            except ScriptError as error:
                raise SessionFileError(error.problems) from None
            problems = self.check_references(references)
            if problems:
                raise SessionFileError(problems)
            return script
        raise LookupError(_unknown("session script", text, self.sessions))

    def exercise(self, ident: str) -> GroundingExercise:
        """An exercise by id. Raises LookupError listing the known ones."""
        if ident in self.exercises:
            return self.exercises[ident]
        raise LookupError(_unknown("exercise", ident, self.exercises))

    def assessment_problems(self) -> list[Problem]:
        """The problems of assessment files: the assessment picker says why one is missing."""
        files = {source.path for source in self.files if source.kind == ASSESSMENT}
        return [problem for problem in self.problems if problem.file in files]

    @property
    def default_session(self) -> SessionScript | None:
        if DEFAULT_SESSION_ID in self.sessions:
            return self.sessions[DEFAULT_SESSION_ID]
        return next(iter(self.sessions.values()), None)

    def check_references(self, references: Iterable[Reference]) -> list[Problem]:
        """A problem for each reference to an id that nothing in the library provides."""
        known: dict[str, Mapping[str, object]] = {
            "playlist": self.playlists,
            "exercise": self.exercises,
            "chime": self.chimes,
            "assessment": self.assessments,
        }
        problems = []
        for reference in references:
            if reference.id in known[reference.kind]:
                continue
            if (reference.kind, reference.id) in self._declared:
                continue  # its own file is broken, and already says so
            if reference.kind in ("playlist", "chime") and not self.has_catalogue:
                continue  # no catalogue at all: one problem says that, not one per phase
            problems.append(reference.problem(_unknown(reference.kind, reference.id, known[reference.kind])))
        return problems


def _looks_like_path(text: str) -> bool:
    return text.endswith(YAML_SUFFIXES) or os.sep in text or "/" in text or Path(text).is_file()


def _unknown(kind: str, ident: str, known: Iterable[str]) -> str:
    from companion.core.scripts.fields import closest

    names = sorted(known)
    guess = closest(ident, names)
    message = f'unknown {kind} "{ident}"'
    if guess:
        message += f' (did you mean "{guess}"?)'
    if names:
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        return f"{message}; known: {shown}"
    return f"{message}; there are none"


class _Layer(NamedTuple):
    origin: str
    root: Path
    files: tuple[tuple[str | None, Path], ...]  # (kind, or None to decide from the content)


def layers(extra_dirs: Sequence[Path] = ()) -> list[_Layer]:
    """The places looked at, in lookup order."""
    found = [_layer("scripts", Path(directory).expanduser()) for directory in extra_dirs]
    found.append(_layer("config", paths.config_dir()))
    bundled = _layer("bundled", paths.bundled_scripts_dir())
    catalogue = paths.bundled_audio_dir() / "playlists.yaml"
    found.append(bundled._replace(files=bundled.files + ((CATALOGUE, catalogue),)))
    return found


def _layer(origin: str, root: Path) -> _Layer:
    if root.is_file() or origin == "scripts" and not root.is_dir():
        return _Layer(origin, root, ((_kind_from_place(root), root),))  # missing: yamlio says so
    files: list[tuple[str | None, Path]] = []
    files += [(SESSION, path) for path in _yaml_files(root / "sessions")]
    files += [(EXERCISE, path) for path in _yaml_files(root / "exercises")]
    files += [(ASSESSMENT, path) for path in _yaml_files(root / "assessments")]
    for path in _yaml_files(root):
        if origin == "config" and path.name in SETTINGS_NAMES:
            continue  # the settings (companion.core.config), not a script
        files.append((CATALOGUE if path.name in CATALOGUE_NAMES else None, path))
    return _Layer(origin, root, tuple(files))


def _kind_from_place(path: Path) -> str | None:
    if path.name in CATALOGUE_NAMES:
        return CATALOGUE
    return {"sessions": SESSION, "exercises": EXERCISE, "assessments": ASSESSMENT}.get(path.parent.name)


def _yaml_files(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return iter(())
    return (p for p in entries if p.suffix.lower() in YAML_SUFFIXES and not p.name.startswith("."))


def _kind_from_content(doc: Located) -> str | None:
    value = doc.value
    if not isinstance(value, dict):
        return None
    if "phases" in value:
        return SESSION
    if "kind" in value or "steps" in value or "pattern" in value:
        return EXERCISE
    if "items" in value:
        return ASSESSMENT
    if "playlists" in value or "chimes" in value:
        return CATALOGUE
    return None


def load_library(extra_dirs: Sequence[Path] = ()) -> Library:
    """Every session, exercise, playlist and chime in lookup order; never raises for bad files."""
    library = Library()
    builder = _Builder(library)
    for rank, layer in enumerate(layers(extra_dirs)):
        if layer.origin == "scripts" and not layer.root.exists():
            library.problems.append(file_problem(layer.root, "no such file or folder"))
            continue
        if layer.origin == "scripts" and layer.root.is_dir() and layer.root.suffix.lower() in YAML_SUFFIXES:
            library.problems.append(file_problem(layer.root, "is a folder; expected a YAML file"))
            continue
        for kind, path in layer.files:
            builder.add(kind, path, layer.origin, rank)
    builder.finish()
    return library


def load_session_alone(ident: str, extra_dirs: Sequence[Path] = ()) -> SessionScript | None:
    """The session `ident` read by itself, as `load_library(extra_dirs).session(ident)` finds it,
    without reading the rest of the library; None when that cannot be told without it.

    Lets the console show a named session without waiting for every other file. The lookup
    order is the library's; each session file before the one found is read and checked (from
    the cache when its text was checked before: script_cache.py). Anything unusual (a missing folder, a broken file
    that might declare the id, a script with problems) answers None and the caller reads the
    whole library, which reports it. The script's references to playlists, exercises and
    chimes are not checked here: they are when the whole library is read.
    """
    if _looks_like_path(ident):
        return None
    for layer in layers(extra_dirs):
        if layer.origin == "scripts" and (not layer.root.exists() or layer.root.suffix.lower() in YAML_SUFFIXES):
            return None
        for kind, path in layer.files:
            if kind not in (SESSION, None):
                continue
            data = _small_file_bytes(path)
            if data is None:
                return None  # the whole library's reading says what is wrong with it
            script = script_cache.cached(path, data) or _check_alone(kind, path, data)
            if script is _NOT_A_SESSION:
                continue
            if script is None:
                return None
            if script.id == ident:
                return script
    return None


_NOT_A_SESSION = SessionScript("", "", "", ())
_LARGEST_SCRIPT = 1024 * 1024  # yamlio.MAX_BYTES, without importing the YAML reader


def _small_file_bytes(path: Path) -> bytes | None:
    """The bytes of a regular file of at most a script's size, else None (never blocks on a FIFO)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > _LARGEST_SCRIPT:
            return None
        with open(path, "rb") as handle:
            data = handle.read(_LARGEST_SCRIPT + 1)
    except OSError:
        return None
    return data if len(data) <= _LARGEST_SCRIPT else None


def _check_alone(kind: str | None, path: Path, data: bytes) -> SessionScript | None:
    """The session checked from `data`, kept in the cache; None when it has problems, or
    _NOT_A_SESSION for another kind of file."""
    from companion.core.scripts.loading import check_session
    from companion.core.scripts.yamlio import parse_yaml

    try:
        doc = parse_yaml(data, path)
    except ScriptError:
        return None
    if (kind or _kind_from_content(doc)) != SESSION:
        return _NOT_A_SESSION
    script, _references, problems = check_session(doc)
    if script is None or problems:
        return None
    script_cache.remember(path, data, script)
    return script


class _Builder:
    """Adds files one by one, first-found wins, and checks references once everything is in."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.references: list[Reference] = []
        # (kind, id) -> (layer rank, path) of the winner, to tell an override from a duplicate
        self.owners: dict[tuple[str, str], tuple[int, Path]] = {}
        self.rank = 0
        self.seen: set[str] = set()

    def add(self, kind: str | None, path: Path, origin: str, rank: int) -> None:
        key = os.path.realpath(path)
        if key in self.seen:  # `validate scripts/sessions/demo.yaml` names a bundled file again
            return
        self.seen.add(key)
        self.rank = rank
        library = self.library
        from companion.core.scripts.loading import check_session
        from companion.core.scripts.yamlio import parse_yaml, read_script_bytes

        try:
            data = read_script_bytes(path)
            doc = parse_yaml(data, path)
        except ScriptError as error:
            library.files.append(SourceFile(kind or UNKNOWN, path, origin))
            library.problems.extend(error.problems)
            self._declare_from_name(kind, path)
            return
        kind = kind or _kind_from_content(doc)
        if kind is None:
            library.files.append(SourceFile(UNKNOWN, path, origin))
            library.problems.append(
                file_problem(
                    path,
                    "not a session (it has no phases:), an exercise (no kind:), an assessment (no items:) "
                    "or a playlist catalogue (no playlists:)",
                )
            )
            return
        library.files.append(SourceFile(kind, path, origin))
        try:
            if kind == SESSION:
                script, references, problems = check_session(doc)
                self.references.extend(references)  # checked even when the script is broken
                if problems or script is None:
                    raise ScriptError(problems)
                if script_cache.cached(path, data) is None:
                    script_cache.remember(path, data, script)  # the next console opens it at once
                if self._claim("session", script.id, doc):
                    library.sessions[script.id] = script
            elif kind == EXERCISE:
                from companion.core.scripts.exercises import parse_exercise  # not needed to open a session

                exercise = parse_exercise(doc)
                if self._claim("exercise", exercise.id, doc):
                    library.exercises[exercise.id] = exercise
            elif kind == ASSESSMENT:
                from companion.core.scripts.assessments import parse_assessment

                assessment = parse_assessment(doc)
                if self._claim("assessment", assessment.id, doc):
                    library.assessments[assessment.id] = assessment
            else:
                self._add_catalogue(doc)
        except ScriptError as error:
            library.problems.extend(error.problems)
            ident = doc.value.get("id") if isinstance(doc.value, dict) else None
            if isinstance(ident, str):
                library._declared.add((kind, ident))
            self._declare_from_name(kind, path)

    def _declare_from_name(self, kind: str | None, path: Path) -> None:
        if kind in (SESSION, EXERCISE, ASSESSMENT):
            self.library._declared.add((kind, path.stem))

    def _claim(self, kind: str, ident: str, doc: Located, *, where: str = "id") -> bool:
        """True when this is the first item with this id; records an override or a duplicate."""
        owner = self.owners.get((kind, ident))
        if owner is None:
            self.owners[(kind, ident)] = (self.rank, doc.file)
            return True
        winner_rank, winner = owner
        if winner_rank == self.rank:  # two files in one place: a mistake, not an override
            self.library.problems.append(doc.problem(where, f'{kind} id "{ident}" is already used by {winner}'))
        else:
            self.library.overrides.append(Override(kind, ident, winner, doc.file))
        return False

    def _add_catalogue(self, doc: Located) -> None:
        from companion.core.scripts.playlists import parse_playlists

        catalogue = parse_playlists(doc)
        library = self.library
        library.has_catalogue = True
        library.problems.extend(catalogue.problems)
        library._declared.update(catalogue.declared)
        for ident, playlist in catalogue.playlists.items():
            if self._claim("playlist", ident, doc, where=_id_path(doc, "playlists", ident)):
                library.playlists[ident] = playlist
        for ident, chime in catalogue.chimes.items():
            if self._claim("chime", ident, doc, where=_id_path(doc, "chimes", ident)):
                library.chimes[ident] = chime

    def finish(self) -> None:
        library = self.library
        if not library.has_catalogue:
            library.problems.append(
                file_problem(paths.bundled_audio_dir() / "playlists.yaml", "no playlist catalogue found")
            )
        library.problems.extend(library.check_references(self.references))


def _id_path(doc: Located, section: str, ident: str) -> str:
    entries = doc.value.get(section) if isinstance(doc.value, dict) else None
    for index, entry in enumerate(entries or ()):
        if isinstance(entry, dict) and entry.get("id") == ident:
            return f"{section}[{index}].id"
    return section
