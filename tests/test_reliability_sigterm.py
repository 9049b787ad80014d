"""SIGTERM (a shutdown, `kill PID`, a supervisor) closes the console cleanly within seconds.

Today pygame's SDL installs a SIGTERM handler that turns the signal into an SDL_QUIT event
nobody reads, so the console ignores SIGTERM and runs on until SIGKILL. A fix: set
SDL_NO_SIGNAL_HANDLERS=1 before mixer.init (sound.open_player), and have the app handle
SIGTERM/SIGHUP by exiting (loop.add_signal_handler -> app.exit()), so Textual restores the
terminal and the journal is closed as after q, y.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]


def test_sigterm_ends_the_console_within_five_seconds(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from crash_resume import Terminal, companion_command, private_env, session_screen

    term = Terminal(private_env(tmp_path))
    try:
        term.start(companion_command(), "run", "demo", "--speed", "60", "--client", "T-1")
        term.wait_for(session_screen, what="the session screen")
        time.sleep(2)  # pygame loaded: its signal handlers are in place
        pid = term.pid()
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while not term.dead():
            assert time.monotonic() < deadline, "the console ignored SIGTERM"
            time.sleep(0.1)
    finally:
        term.close()
