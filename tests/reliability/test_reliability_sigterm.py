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
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from crash_resume import Terminal, companion_command, private_env, session_screen

    term = Terminal(private_env(tmp_path))
    try:
        term.start(companion_command(), "run", "demo", "--speed", "60", "--client", "T-1")
        term.wait_for(session_screen, what="the session screen")
        time.sleep(2)  # pygame loaded: its signal handlers are in place
        pid = term.pid()
        os.kill(pid, signal.SIGTERM)
        # The music fades for a second first; the watchdog (signals.py) is not what ends it.
        from companion.ui.signals import EXIT_GRACE

        deadline = time.monotonic() + min(5, EXIT_GRACE - 1)
        while not term.dead():
            assert time.monotonic() < deadline, "the console ignored SIGTERM"
            time.sleep(0.1)
    finally:
        term.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has ended: only its parent has not read its status yet
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_closing_the_terminal_window_ends_the_console_and_its_music(tmp_path):
    """The window closed under it (SIGHUP, and the terminal gone): Textual's output thread dies
    on its first write and its shutdown used to wait for that thread forever, the music playing
    on in a process nobody could see."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from crash_resume import Terminal, companion_command, private_env, session_screen

    term = Terminal(private_env(tmp_path))
    pid = None
    try:
        term.start(companion_command(), "run", "demo", "--speed", "60", "--client", "T-3")
        term.wait_for(session_screen, what="the session screen")
        time.sleep(2)  # pygame loaded: the music thread runs
        pid = term.pid()
        term.close()  # the terminal goes away with the window
        deadline = time.monotonic() + 10
        while _alive(pid):
            assert time.monotonic() < deadline, "the console outlived its terminal"
            time.sleep(0.1)
    finally:
        term.close()
        if pid is not None and _alive(pid):
            os.kill(pid, signal.SIGKILL)
    journals = list((tmp_path / "tmp").rglob("*.jsonl"))
    assert journals and b"session_started" in journals[0].read_bytes()


def test_a_console_whose_terminal_vanished_still_ends_on_sigterm(tmp_path):
    """The terminal gone without a SIGHUP (its pty closed under a process that does not own
    it): Textual's output thread dies on its first failed write, the app's next writes fill
    its queue and the event loop blocks on it. SIGTERM must still end the process, music
    faded, journal kept: the handler runs outside the loop and a watchdog ends a stuck close."""
    import pty
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from crash_resume import companion_command, private_env

    from companion.ui.signals import EXIT_GRACE, SIGNAL_FADE

    master, slave = pty.openpty()
    env = {**os.environ, **private_env(tmp_path)}
    process = subprocess.Popen(
        [companion_command(), "run", "demo", "--speed", "60", "--client", "T-4"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    try:
        seen = b""
        deadline = time.monotonic() + 20
        while b"Arrival" not in seen:
            assert time.monotonic() < deadline, "no session screen"
            seen += os.read(master, 65536)
        time.sleep(2)  # pygame loaded: the music thread runs
        os.close(master)  # the terminal vanishes; no signal comes with it
        master = None
        time.sleep(10)  # the screen keeps changing at x60: its writes fill the dead thread's queue
        assert process.poll() is None  # still there (stuck), as nobody told it otherwise
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=EXIT_GRACE + SIGNAL_FADE + 5)
    finally:
        if master is not None:
            os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()
    journals = list((tmp_path / "tmp").rglob("*.jsonl"))
    assert journals and b"session_started" in journals[0].read_bytes()


def test_sigterm_with_records_unwritten_leaves_them_in_the_cache_and_says_where(tmp_path):
    """Issue 12, item 2: the journal's folder gone and unmakeable, a note kept only in memory,
    then SIGTERM: the whole journal lands in an owner-only file in the cache folder, named on
    stderr, instead of being lost with the process."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from crash_resume import Terminal, companion_command, private_env, session_screen

    term = Terminal(private_env(tmp_path))
    journals = tmp_path / "data" / "journals"
    try:
        term.start(companion_command(), "run", "demo", "--client", "T-4")
        term.wait_for(session_screen, what="the session screen")
        for text in ("on disk", "in memory only"):
            term.keys("t")
            term.wait_for(lambda shown: "Enter keeps" in shown, what="the note prompt")
            term.type(text)
            term.keys("Enter")
            term.wait_for(lambda shown: "Enter keeps" not in shown, what="the note recorded")
            if text == "on disk":
                deadline = time.monotonic() + 10
                while not any(b"on disk" in p.read_bytes() for p in journals.glob("*.jsonl")):
                    assert time.monotonic() < deadline, "the first note never reached the journal"
                    time.sleep(0.1)
                shutil.rmtree(journals)
                journals.write_text("a file where the journals folder was")
        term.wait_for(lambda shown: "kept in" in shown, what="the red band")
        os.kill(term.pid(), signal.SIGTERM)
        shown = term.wait_for(lambda shown: "instead" in shown, timeout=15, what="where the journal went")
    finally:
        term.close()
    (rescued,) = (tmp_path / "cache" / "unwritten").glob("*.jsonl")
    assert str(rescued.name) in shown.replace("\n", "")
    data = rescued.read_bytes()
    assert b"on disk" in data and b"in memory only" in data
    assert rescued.stat().st_mode & 0o777 == 0o600
