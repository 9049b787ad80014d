"""playlists.yaml: tracks relative to the catalogue, folders of the user's own music, chimes."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.core.scripts.playlists import Chime, Playlist, Track, load_playlists, read_playlists
from companion.core.scripts.problems import ScriptError

CATALOGUE = """\
playlists:
  - id: settling
    title: Settling
    crossfade: 4s
    tracks:
      - file: settling/warm-pad.ogg
        title: Warm pad
        length: 6m
      - file: settling/second.ogg
  - id: my-music
    title: My own music
    folder: mine
    loop: false
    shuffle: true
chimes:
  - id: soft-bell
    file: chimes/soft-bell.ogg
    volume: 0.4
"""


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    for name in [
        "settling/warm-pad.ogg",
        "settling/second.ogg",
        "chimes/soft-bell.ogg",
        "mine/b.mp3",
        "mine/a.flac",
        "mine/notes.txt",
        "mine/.hidden.ogg",
        "mine/C.WAV",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"audio")
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "playlists.yaml"
    path.write_text(text)
    return path


def test_catalogue_loads_with_defaults_and_paths_relative_to_it(audio):
    playlists, chimes = load_playlists(write(audio, CATALOGUE))
    settling = playlists["settling"]
    assert settling == Playlist(
        id="settling",
        title="Settling",
        tracks=(
            Track(audio / "settling/warm-pad.ogg", "Warm pad", 360),
            Track(audio / "settling/second.ogg", "second", None),
        ),
        crossfade=4,
    )
    assert (settling.loop, settling.shuffle, settling.fade_in, settling.fade_out) == (True, False, 8, 5)
    assert settling.seconds is None  # one track's length is unknown
    mine = playlists["my-music"]
    assert [t.path.name for t in mine.tracks] == ["C.WAV", "a.flac", "b.mp3"]  # name order, audio only
    assert mine.folder == audio / "mine" and not mine.loop and mine.shuffle
    assert chimes == {"soft-bell": Chime("soft-bell", audio / "chimes/soft-bell.ogg", 0.4)}


def test_home_is_expanded_in_folders(audio, monkeypatch):
    monkeypatch.setenv("HOME", str(audio))
    playlists, _ = load_playlists(write(audio, CATALOGUE.replace("folder: mine", "folder: ~/mine")))
    assert playlists["my-music"].folder == audio / "mine"


def test_a_missing_track_is_a_problem_at_its_file_line_and_the_rest_still_plays(audio):
    path = write(audio, CATALOGUE.replace("settling/second.ogg", "settling/gone.ogg"))
    catalogue = read_playlists(path)
    [problem] = catalogue.problems
    assert (problem.line, problem.column, problem.field) == (9, 15, "playlists[0].tracks[1].file")
    assert "audio file not found" in problem.message and "gone.ogg" in problem.message
    assert [t.title for t in catalogue.playlists["settling"].tracks] == ["Warm pad"]
    with pytest.raises(ScriptError):
        load_playlists(path)


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "field", "words"),
    [
        ("folder: mine", "folder: nowhere", 12, 13, "playlists[1].folder", "folder not found"),
        ("folder: mine", "folder: settling/warm-pad.ogg", 12, 13, "playlists[1].folder", "got a file"),
        ("crossfade: 4s", "crosfade: 4s", 4, 5, "playlists[0].crosfade", 'did you mean "crossfade"'),
        ("crossfade: 4s", "crossfade: soon", 4, 16, "playlists[0].crossfade", "expected a duration"),
        ("volume: 0.4", "volume: 4", 18, 13, "chimes[0].volume", "from 0 to 1"),
        (
            "file: chimes/soft-bell.ogg",
            "file: chimes/soft-bell.txt",
            17,
            11,
            "chimes[0].file",
            "expected an audio file (.ogg, .mp3, .flac or .wav)",
        ),
        ("  - id: my-music", "  - id: settling", 10, 9, "playlists[1].id", 'repeated playlist id "settling"'),
        (
            "    folder: mine\n",
            "    folder: mine\n    tracks: [settling/second.ogg]\n",
            12,
            13,
            "playlists[1].folder",
            "one of `tracks:`, `folder:` or `layers:`",
        ),
        ("    folder: mine\n", "", 10, 5, "playlists[1]", "missing `tracks:`"),
    ],
)
def test_catalogue_mistakes(audio, old, new, line, column, field, words):
    (audio / "empty").mkdir()
    text = CATALOGUE.replace(old, new)
    assert text != CATALOGUE
    with pytest.raises(ScriptError) as excinfo:
        load_playlists(write(audio, text))
    [problem] = excinfo.value.problems
    assert (problem.line, problem.column, problem.field) == (line, column, field), str(problem)
    assert words in problem.message


def test_a_folder_without_audio_is_a_problem(audio):
    (audio / "empty").mkdir()
    (audio / "empty" / "readme.txt").write_text("no music here")
    catalogue = read_playlists(write(audio, CATALOGUE.replace("folder: mine", "folder: empty")))
    [problem] = catalogue.problems
    assert problem.line == 12 and "no audio files (.ogg, .mp3, .flac or .wav)" in problem.message
    assert "my-music" not in catalogue.playlists
    assert ("playlist", "my-music") in catalogue.declared  # so references to it are not blamed too
