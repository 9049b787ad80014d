"""`companion run` and `companion resume` before the console opens: plain messages, exit codes."""

from __future__ import annotations

import os

import pytest
from script_kit import console_script

from companion import paths
from companion.cli import build_parser
from companion.commands import resume, run
from companion.core.clock import FakeClock
from companion.core.journal.store import JournalStore
from companion.core.session import LiveSession


@pytest.fixture(autouse=True)
def private_temp(monkeypatch, tmp_path):
    """Rehearsal journals go under the temporary directory: make it this test's own."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    return temp


def args(*argv):
    return build_parser().parse_args(list(argv))


@pytest.mark.parametrize("speed", ["0", "-2", "100000"])
def test_an_impossible_speed_is_refused(speed, capsys):
    assert run.run(args("run", "--speed", speed)) == 2
    assert "--speed must be above 0" in capsys.readouterr().err


def test_an_unknown_script_is_named(capsys):
    assert run.run(args("run", "no-such-script")) == 2
    assert "no-such-script" in capsys.readouterr().err


def test_resume_with_nothing_to_resume_says_so(capsys):
    assert resume.run(args("resume")) == 1
    assert "no unfinished session" in capsys.readouterr().err


def test_resume_of_an_ended_session_points_to_the_report(capsys):
    store = JournalStore()
    session = LiveSession.start(console_script(), store, FakeClock())
    session.end()
    session.close()
    assert resume.run(args("resume", session.session_id)) == 1
    assert f"companion report {session.session_id}" in capsys.readouterr().err


def test_resume_of_an_unknown_id_says_where_to_look(capsys):
    assert resume.run(args("resume", "20990101-0000-nothing")) == 1
    assert "companion sessions" in capsys.readouterr().err


def test_find_session_prefers_the_latest_unfinished_across_both_stores(tmp_path):
    clock = FakeClock()
    real, rehearsals = JournalStore(tmp_path / "real"), JournalStore(tmp_path / "rehearsals")
    LiveSession.start(console_script(), real, clock).close()
    clock.advance(600)
    later = LiveSession.start(console_script(), rehearsals, clock, rehearsal=True, speed=60)
    later.close()
    found = resume.find_session(None, [real, rehearsals])
    assert found.session_id == later.session_id and found.rehearsal


def test_find_session_compares_a_rehearsal_by_real_time_not_its_sped_up_clock(tmp_path):
    real_clock = FakeClock()
    real, rehearsals = JournalStore(tmp_path / "real"), JournalStore(tmp_path / "rehearsals")
    rehearsal_clock = FakeClock(real_clock.now() + 100)  # started 100 s after the real one
    rehearsal = LiveSession.start(console_script(), rehearsals, rehearsal_clock, rehearsal=True, speed=60)
    rehearsal_clock.advance(60 * 100)  # 100 real seconds at x60: its clock reads 100 minutes on
    rehearsal.add_note("a rehearsal note")
    rehearsal.close()
    session = LiveSession.start(console_script(), real, real_clock)
    real_clock.advance(600)  # the real session was still being used 10 minutes in
    session.add_note("a real note")
    session.close()
    found = resume.find_session(None, [real, rehearsals])
    assert found.session_id == session.session_id and not found.rehearsal


def test_rehearsals_go_to_a_private_folder_in_the_temporary_directory(private_temp):
    root = paths.rehearsal_root()
    assert root == private_temp / f"session-companion-rehearsal-{os.getuid()}"
    LiveSession.start(console_script(), JournalStore(root), FakeClock()).close()
    assert (root.stat().st_mode & 0o777) == 0o700


def test_a_planted_symlink_is_not_followed(private_temp, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (private_temp / f"session-companion-rehearsal-{os.getuid()}").symlink_to(elsewhere)
    assert paths.rehearsal_root() == paths.data_dir() / "rehearsals"


@pytest.mark.skipif(os.getuid() != 0, reason="needs to give a folder away to another user")
def test_a_folder_owned_by_someone_else_is_not_used(private_temp):
    planted = private_temp / f"session-companion-rehearsal-{os.getuid()}"
    planted.mkdir()
    os.chown(planted, 12345, 12345)
    assert paths.rehearsal_root() == paths.data_dir() / "rehearsals"


@pytest.mark.parametrize(
    "command", ["run", "resume", "validate", "list", "sessions", "play", "exercise", "display", "report"]
)
def test_a_command_parsed_alone_reads_and_helps_as_in_the_whole_command_line(command):
    from companion.cli import COMMANDS

    assert command in COMMANDS

    def subparser(parser):
        choices = next(action.choices for action in parser._actions if action.dest == "command")
        return choices[command]

    alone, whole = subparser(build_parser(command)), subparser(build_parser())
    assert alone.format_help() == whole.format_help()

    def described(parser):
        return [(a.dest, a.option_strings, a.nargs, a.default, a.type) for a in parser._actions]

    assert described(alone) == described(whole)


def test_the_console_is_the_command_when_none_is_named(monkeypatch):
    from companion import cli

    seen = []
    monkeypatch.setattr(run, "run", lambda parsed: seen.append(parsed) or 0)
    with pytest.raises(SystemExit) as stop:
        cli.main([])
    assert stop.value.code == 0
    assert seen[0].command == "run" and seen[0].script is None
