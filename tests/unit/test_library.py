"""The library: bundled content loads; lookup order, overrides and references across files."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from companion import paths
from companion.core.scripts.library import DEFAULT_SESSION_ID, Override, load_library
from companion.core.scripts.problems import ScriptError

BUNDLED_SESSIONS = {"im-standard", "sublingual-lozenge", "iv-infusion", "esketamine-in", "demo"}
BUNDLED_EXERCISES = {
    "five-senses", "box-breathing", "breathing-478", "coherent-breathing", "physiological-sigh",
    "body-scan", "orienting", "feet-on-floor", "safe-place", "humming-breath",
}  # fmt: skip


def session_yaml(ident: str, title: str = "Mine", extra_phase: str = "") -> str:
    return (
        textwrap.dedent(
            f"""\
        id: {ident}
        title: {title}
        route: IM
        phases:
          - id: only
            title: Only
            duration: 10m
            music: settling
            exercises: [five-senses]
        """
        )
        + extra_phase
    )


def put(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_whole_bundled_library_loads_without_a_problem():
    library = load_library()
    assert [str(p) for p in library.problems] == []
    assert set(library.sessions) == BUNDLED_SESSIONS
    assert BUNDLED_EXERCISES <= set(library.exercises)
    assert {"settling", "journey", "return"} <= set(library.playlists)
    assert {"soft-bell", "bowl"} <= set(library.chimes)
    assert library.overrides == []
    assert library.default_session is library.sessions[DEFAULT_SESSION_ID]


def test_bundled_sessions_hold_what_their_protocols_say():
    sessions = load_library().sessions
    demo = sessions["demo"]
    assert demo.total_planned == 600
    assert [p.advance for p in demo.phases].count("auto") == 1
    first_cue = min(r.at for p in demo.phases for r in p.reminders if r.at is not None)
    assert first_cue <= 180
    lozenge = {r.id: r for p in sessions["sublingual-lozenge"].phases for r in p.reminders}
    assert lozenge["spit"].after_dose == 420 and lozenge["spit"].chime
    iv = sorted(r.after_dose for p in sessions["iv-infusion"].phases for r in p.reminders
                if r.text.startswith("Vitals"))  # fmt: skip
    assert iv == [900, 1800, 2700, 3600, 5400]
    assert sessions["iv-infusion"].dose_phase.duration == 40 * 60
    esketamine = sessions["esketamine-in"]
    assert sum(p.duration for p in esketamine.phases[esketamine.phase_index(esketamine.dose_phase.id) :]) >= 7200
    assert any(r.after_dose == 2400 for p in esketamine.phases for r in p.reminders)
    discharge = esketamine.phases[-1].checklist
    assert any("Transport" in item for item in discharge)
    assert any("No driving until the next day" in item for item in discharge)
    for script in sessions.values():
        assert script.safety.source.startswith("Example thresholds — replace with your practice's own")
        assert sum(p.dose for p in script.phases) == 1


def test_every_bundled_file_names_its_sources():
    for path in sorted(paths.bundled_scripts_dir().glob("*/*.yaml")):
        head = path.read_text().split("\nid:")[0]
        assert "Source" in head, path


def test_lookup_order_scripts_then_config_then_bundled(tmp_path, private_dirs):
    _, config = private_dirs
    first, second = tmp_path / "first", tmp_path / "second"
    put(first, "sessions/a.yaml", session_yaml("im-standard", "From first"))
    put(second, "sessions/b.yaml", session_yaml("im-standard", "From second"))
    put(config, "sessions/c.yaml", session_yaml("im-standard", "From config"))
    put(config, "sessions/own.yaml", session_yaml("own", "Config only"))
    library = load_library([first, second])
    assert library.sessions["im-standard"].title == "From first"
    assert library.sessions["own"].title == "Config only"
    bundled = paths.bundled_scripts_dir() / "sessions" / "im-standard.yaml"
    winner = first / "sessions/a.yaml"
    assert library.overrides == [
        Override("session", "im-standard", winner, second / "sessions/b.yaml"),
        Override("session", "im-standard", winner, config / "sessions/c.yaml"),
        Override("session", "im-standard", winner, bundled),
    ]
    assert library.problems == []
    assert library.session("im-standard").title == "From first"


def test_config_dir_overrides_bundled_exercise_and_playlist(tmp_path, private_dirs):
    _, config = private_dirs
    put(config, "exercises/box.yaml", "id: box-breathing\ntitle: My box\nkind: breathing\n"
        "pattern: {in: 3s, out: 3s}\nrounds: 2\n")  # fmt: skip
    put(config, "music/one.ogg", "x")
    put(config, "playlists.yaml", "playlists:\n  - id: journey\n    tracks: [music/one.ogg]\n")
    library = load_library()
    assert library.exercises["box-breathing"].title == "My box"
    assert library.playlists["journey"].tracks[0].path == config / "music/one.ogg"
    assert {(o.kind, o.id) for o in library.overrides} == {("exercise", "box-breathing"), ("playlist", "journey")}
    assert "settling" in library.playlists  # the rest of the bundled catalogue is still there
    assert library.problems == []


def test_yaml_files_directly_in_a_folder_are_told_apart_by_content(tmp_path):
    put(tmp_path, "mine.yaml", session_yaml("mine"))
    put(tmp_path, "calm.yml", "id: calm\ntitle: Calm\nkind: steps\nsteps: [{say: Hello, for: 5s}]\n")
    put(tmp_path, "notes.yaml", "shopping: [milk]\n")
    library = load_library([tmp_path])
    assert "mine" in library.sessions and "calm" in library.exercises
    [problem] = library.problems
    assert problem.file == tmp_path / "notes.yaml" and "not a session" in problem.message


def test_a_broken_file_does_not_stop_the_others(tmp_path):
    put(tmp_path, "sessions/good.yaml", session_yaml("good"))
    put(tmp_path, "sessions/bad.yaml", session_yaml("bad").replace("duration: 10m", "duration: often"))
    put(tmp_path, "sessions/binary.yaml", "")
    (tmp_path / "sessions/binary.yaml").write_bytes(b"\x00\xff\xfe" * 100)
    (tmp_path / "sessions/folder.yaml").mkdir()
    library = load_library([tmp_path])
    assert "good" in library.sessions and "bad" not in library.sessions
    assert sorted(p.file.name for p in library.problems) == ["bad.yaml", "binary.yaml", "folder.yaml"]
    assert set(library.sessions) >= BUNDLED_SESSIONS


def test_two_files_with_one_id_in_the_same_place_is_a_problem(tmp_path):
    put(tmp_path, "sessions/a.yaml", session_yaml("twin"))
    put(tmp_path, "sessions/b.yaml", session_yaml("twin", "Second"))
    library = load_library([tmp_path])
    [problem] = library.problems
    assert (problem.file.name, problem.line, problem.field) == ("b.yaml", 1, "id")
    assert f'session id "twin" is already used by {tmp_path / "sessions/a.yaml"}' == problem.message
    assert library.sessions["twin"].title == "Mine"


def test_unknown_references_point_at_the_line_that_names_them(tmp_path):
    text = (
        session_yaml("refs")
        .replace("music: settling", "music: jorney")
        .replace("exercises: [five-senses]", "exercises: [five-senses, box-breath]")
        + "    reminders:\n      - at: 1m\n        text: Bell\n        chime: gong\n"
    )
    path = put(tmp_path, "sessions/refs.yaml", text)
    library = load_library([tmp_path])
    found = sorted((p.line, p.field, p.message.split(";")[0]) for p in library.problems)
    assert found == [
        (8, "phases[0].music", 'unknown playlist "jorney" (did you mean "journey"?)'),
        (9, "phases[0].exercises[1]", 'unknown exercise "box-breath" (did you mean "box-breathing"?)'),
        (13, "phases[0].reminders[0].chime", 'unknown chime "gong"'),
    ]
    assert all(p.file == path for p in library.problems)
    assert "known: bowl, soft-bell" in library.problems[-1].message
    assert "refs" in library.sessions  # still usable: unknown music is silence


def test_a_broken_exercise_is_not_also_blamed_on_its_users(tmp_path):
    put(tmp_path, "exercises/mine.yaml", "id: mine\ntitle: Mine\nkind: steps\nsteps: []\n")
    put(tmp_path, "sessions/s.yaml", session_yaml("s").replace("[five-senses]", "[mine]"))
    library = load_library([tmp_path])
    assert [p.file.name for p in library.problems] == ["mine.yaml"]


def test_missing_scripts_folder_is_a_problem(tmp_path):
    library = load_library([tmp_path / "nowhere"])
    [problem] = library.problems
    assert problem.file == tmp_path / "nowhere" and "no such file or folder" in problem.message


def test_session_by_id_or_path_and_plain_lookup_errors(tmp_path):
    library = load_library()
    assert library.session("demo").id == "demo"
    path = put(tmp_path, "elsewhere.yaml", session_yaml("elsewhere"))
    assert library.session(str(path)).source == path
    assert library.session(path).id == "elsewhere"
    with pytest.raises(LookupError) as excinfo:
        library.session("im-standrd")
    assert str(excinfo.value).startswith('unknown session script "im-standrd" (did you mean "im-standard"?)')
    assert "demo, esketamine-in, im-standard" in str(excinfo.value)
    bad = put(tmp_path, "bad.yaml", session_yaml("bad").replace("settling", "nothing-like-it"))
    with pytest.raises(ScriptError) as scripterror:
        library.session(str(bad))
    assert "unknown playlist" in str(scripterror.value)
    assert isinstance(scripterror.value, LookupError)  # callers catching LookupError show it
    with pytest.raises(LookupError) as missing:
        library.session(str(tmp_path / "gone.yaml"))
    assert str(missing.value) == f"{tmp_path / 'gone.yaml'}:1:1: no such file"
    with pytest.raises(LookupError):
        library.exercise("nope")


def test_a_copy_of_the_bundled_scripts_as_user_dir_overrides_everything(tmp_path, private_dirs):
    _, config = private_dirs
    shutil.copytree(paths.bundled_scripts_dir(), config)
    library = load_library()
    assert library.problems == []
    hidden = {(o.kind, o.id) for o in library.overrides}
    assert {("session", s) for s in BUNDLED_SESSIONS} <= hidden
    assert all(s.source.is_relative_to(config) for s in library.sessions.values())


def test_the_annotated_examples_in_scripts_readme_are_valid(tmp_path, monkeypatch):
    readme = (paths.bundled_scripts_dir() / "README.md").read_text()
    blocks = [block.split("```", 1)[0] for block in readme.split("```yaml\n")[1:]]
    placed = []
    for block in blocks:
        first = block.splitlines()[0]  # "# sessions/my-im.yaml — ..." names where it goes
        relative = first.lstrip("# ").split()[0]
        put(tmp_path, relative, block)
        placed.append(relative)
    assert placed == ["sessions/my-im.yaml", "exercises/five-senses.yaml",
                      "exercises/box-breathing.yaml", "assessments/mood-check.yaml", "playlists.yaml"]  # fmt: skip
    for audio in ["settling/warm-pad.ogg", "settling/soft-rain.ogg", "chimes/soft-bell.ogg",
                  "home/Music/kap/track.mp3", "still-water/pad.ogg", "still-water/rain.ogg"]:  # fmt: skip
        put(tmp_path, audio, "x")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    library = load_library([tmp_path])
    assert [str(p) for p in library.problems] == []
    script = library.sessions["my-im"]
    assert [r.id for p in script.phases for r in p.reminders] == ["bp-40", "journey.2", "journey.3"]
    assert script.discharge is not None and script.discharge.checklist == ("Blood pressure taken",)
    assert [m.id for m in script.medicines] == ["benzodiazepines", "opioids"]
    mood = library.assessments["mood-check"]
    assert mood.score_range == (0, 9) and mood.band(5) == "Moderate" and mood.notices[0].item == "harm"
    assert library.playlists["my-music"].tracks[0].path == tmp_path / "home/Music/kap/track.mp3"
    water = library.playlists["still-water"]
    assert water.layered and [(t.title, t.level, t.depth) for t in water.tracks] == [
        ("Pad", 1.0, 0.0),
        ("rain", 0.75, 0.7),
    ]
