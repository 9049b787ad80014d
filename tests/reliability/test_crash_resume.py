"""SIGKILL the running console at random (seeded) moments, then `companion resume`: nothing lost.

The engine is bench/crash_resume.py (which runs the full 20 kills); the suite runs a few, on
the installed command in tmux, to stay quick. Each kill checks that every event the screen
showed as recorded is in the journal, and that the resumed screen shows the phase, pause and
notes that compute_state over read_journal gives.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from crash_resume import companion_command, run_kills  # noqa: E402

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

KILLS = 5


def test_killed_five_times_and_resumed_each_time_with_everything_shown_intact(tmp_path):
    if companion_command() is None:
        pytest.skip("the companion command is not installed")
    outcome = run_kills(KILLS, seed=11, root=tmp_path)
    assert outcome.failures == [], "\n\n".join(outcome.failures)
    assert outcome.survived == KILLS
    assert outcome.actions.get("note", 0) >= 2  # the run really recorded things between kills


def test_an_encrypted_session_survives_kills_the_same_way(tmp_path):
    if companion_command() is None:
        pytest.skip("the companion command is not installed")
    outcome = run_kills(2, seed=5, root=tmp_path, encrypt=True)
    assert outcome.failures == [], "\n\n".join(outcome.failures)
    assert outcome.survived == 2
