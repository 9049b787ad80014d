"""`companion validate` and `companion list` as a person runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from companion.cli import main

GOOD = textwrap.dedent(
    """\
    id: mine
    title: My session
    route: IM
    phases:
      - id: arrival
        title: Arrival
        duration: 10m
        music: settling
    """
)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as excinfo:
        main(list(argv))
    out, err = capsys.readouterr()
    return excinfo.value.code, out, err


def test_validate_everything_bundled(capsys):
    code, out, err = run_cli(capsys, "validate")
    assert code == 0, out + err
    assert out.strip() == "22 files valid: 5 sessions, 11 exercises, 5 assessments, 1 playlist catalogue"


def test_validate_one_good_file(capsys, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD)
    code, out, _ = run_cli(capsys, "validate", str(path))
    assert (code, out.strip()) == (0, "1 file valid: 1 session")


def test_validate_lists_every_problem_in_file_line_column_form(capsys, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD.replace("duration: 10m", "duration: 10 minutes").replace("music: settling", "music: setling"))
    other = tmp_path / "exercises" / "x.yaml"
    other.parent.mkdir()
    other.write_text("id: x\ntitle: X\nkind: breathing\npattern: {in: 4s, out: 4s}\nrounds: many\n")
    code, out, _ = run_cli(capsys, "validate", str(path), str(other))
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[:3] == [
        f'{path}:7:15: phases[0].duration: expected a duration such as "90s", "15m", "1h30m" or a '
        "number of seconds, got '10 minutes'",
        f'{path}:8:12: phases[0].music: unknown playlist "setling" (did you mean "settling"?); '
        "known: journey, return, settling, still-water",
        f'{other}:5:9: rounds: expected a whole number from 1 to 1000, got text "many"',
    ]  # grouped by file, in line order
    assert lines[-1] == "3 problems in 2 files (2 files checked)"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(os.urandom(4096)), "mine.yaml:"),
        (lambda p: p.write_bytes(b"a: " + b"x" * (10 * 1024 * 1024)), "limited to 1 MB"),
        (lambda p: p.write_text("id: [unclosed\n"), "not valid YAML"),
        (lambda p: p.write_text("!!python/object/apply:os.system [echo hi]\n"), "not allowed"),
    ],
    ids=["folder", "binary", "ten-megabytes", "syntax", "python-tag"],
)
def test_validate_never_answers_with_a_traceback(capsys, tmp_path, make, words):
    target = tmp_path / "sessions" / "mine.yaml"
    target.parent.mkdir()
    make(target)
    code, out, err = run_cli(capsys, "validate", str(target))
    assert code == 1
    assert "Traceback" not in out + err
    assert words in out
    assert out.startswith(str(target))


def test_validate_a_missing_path(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and f"{tmp_path / 'nope.yaml'}:1:1: no such file or folder" in out


def test_list_shows_sessions_exercises_and_playlists_in_80_columns(capsys):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "  im-standard         Intramuscular ketamine, standard session" in out
    assert "IM, 2 h 30 min: arrival 15m, preparation 10m," in out
    assert "Exercises (11)" in out
    assert "  box-breathing       Box breathing" in out and "breathing  2 min" in out
    assert "  journey      Journey               3 tracks   11 min" in out
    assert "  still-water  Still water           5 layers   soundscape" in out
    assert "Assessments (5)" in out
    assert re.search(r"^  phq-9 +PHQ-9 +10 items +total 0-27 +self$", out, re.MULTILINE)
    assert "Notes" not in out  # nothing overridden, nothing broken


def test_list_notes_overrides_and_problems(capsys, tmp_path):
    (tmp_path / "sessions").mkdir()
    (tmp_path / "sessions" / "im.yaml").write_text(GOOD.replace("id: mine", "id: im-standard"))
    (tmp_path / "broken.yaml").write_text("phases: 3\n")
    code, out, _ = run_cli(capsys, "list", "--scripts", str(tmp_path))
    assert code == 0
    notes = " ".join(out.split("Notes\n")[1].split())
    assert "session im-standard: your file" in notes and "overrides the bundled one" in notes
    assert "1 file has problems; `companion validate` lists them." in notes
    assert "  im-standard         My session" in out


def test_installed_command_validates(tmp_path):
    command = Path(sys.executable).parent / "companion"
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("title: Arrival", "titel: Arrival"))
    env = {**os.environ, "COMPANION_CONFIG_DIR": str(tmp_path / "config")}
    result = subprocess.run([str(command), "validate", str(bad)], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert result.stdout.startswith(f'{bad}:6:5: phases[0].titel: unknown key (did you mean "title"?)')
    assert "Traceback" not in result.stderr
    ok = subprocess.run([str(command), "validate"], capture_output=True, text=True, env=env, timeout=60)
    assert (ok.returncode, ok.stdout.strip()) == (
        0,
        "22 files valid: 5 sessions, 11 exercises, 5 assessments, 1 playlist catalogue",
    )
