"""`companion sessions` lists the journal store as a person reads it."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

from script_kit import three_hour_script

from companion.cli import main
from companion.core.clock import FakeClock
from companion.core.journal.store import JournalStore
from companion.core.session import LiveSession


def run_sessions(capsys) -> str:
    try:
        main(["sessions"])
    except SystemExit as exit_:
        assert exit_.code == 0
    return capsys.readouterr().out


def test_an_empty_store_says_so(capsys):
    assert run_sessions(capsys) == "No sessions recorded yet.\n"


def test_sessions_are_listed_newest_first_with_duration_and_status(capsys):
    store = JournalStore()
    clock = FakeClock(1_800_000_000.0)
    first = LiveSession.start(three_hour_script(), store, clock, client_code="K-12")
    clock.advance(2 * 3600 + 15 * 60)
    first.end()
    first.close()
    clock.advance(3600)
    second = LiveSession.start(three_hour_script(), store, clock, rehearsal=True, speed=60)
    clock.advance(300)
    second.add_note("half way")
    second.close()
    (store.root / "damaged.jsonl").write_text("{nope\n")

    lines = run_sessions(capsys).splitlines()
    assert lines[0].split() == ["Session", "Started", "Client", "Duration", "Status"]
    assert len(lines[0]) <= 80 and len(lines[3]) <= 80  # a session as the console writes it: 80 columns
    assert set(lines[1]) <= {"-", " "}
    newest, oldest = lines[2], lines[3]
    assert newest.startswith(second.session_id) and "unfinished (rehearsal x60)" in newest
    assert "5 min" in newest and " - " in newest  # no client code
    started = datetime.fromtimestamp(1_800_000_000.0).strftime("%Y-%m-%d %H:%M")
    assert oldest.startswith(first.session_id)
    assert started in oldest and "K-12" in oldest and "2 h 15 min" in oldest and oldest.endswith("finished")
    assert "damaged.jsonl" in lines[4] and lines[4].startswith("Skipped:")


def test_the_installed_command_runs_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "companion", "sessions"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == "No sessions recorded yet.\n"
