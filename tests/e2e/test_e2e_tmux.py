"""The installed `companion` command in a real terminal (tmux): keys in, screen text out.

Each test runs its own tmux server (a private socket), so nothing touches the user's tmux.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from companion.core.events import NoteAdded
from companion.core.journal.store import JournalStore, read_journal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

SCRIPT = """\
id: e2e-demo
title: End-to-end demo
route: IM
phases:
  - id: arrival
    title: Arrival and intention
    duration: 10m
    guide: Review intention and consent.
    checklist: [Blood pressure taken]
    music: none
  - id: journey
    title: Journey
    duration: 30m
    music: none
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has exited; tmux reaps it in its own time


def companion_command() -> str:
    beside = Path(sys.executable).parent / "companion"
    found = str(beside) if beside.exists() else shutil.which("companion")
    if not found:
        pytest.skip("the companion command is not installed")
    return found


class Terminal:
    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.socket = f"companion-e2e-{uuid.uuid4().hex[:10]}"
        self.env = env
        self.config = tmp_path / "tmux.conf"
        self.config.write_text("set -g default-size 100x30\nset -g remain-on-exit on\n")
        self.name = "console"

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True, timeout=20
        ).stdout

    def start(self, *argv: str) -> None:
        self.tmux(
            "-f", str(self.config), "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30", self._command(argv)
        )

    def _command(self, argv: tuple[str, ...]) -> str:
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in self.env.items())
        return f"exec env -u COLUMNS -u LINES {exports} {' '.join(shlex.quote(a) for a in argv)}"

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{shown}")
            time.sleep(0.2)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def wait_until_gone(self, pid: int, timeout: float = 15.0) -> None:
        """Until the process has exited (tmux does not always record a pane as dead, so ask /proc)."""
        deadline = time.monotonic() + timeout
        while _alive(pid):
            assert time.monotonic() < deadline, f"process {pid} still running; the screen shows:\n{self.screen()}"
            time.sleep(0.1)

    def respawn(self, *argv: str) -> None:
        """A new process in the same pane. Killing the session instead let the tmux server exit,
        and a new session asked of a server still exiting fails ("server exited unexpectedly")."""
        self.tmux("respawn-pane", "-k", "-t", self.name, self._command(argv))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20, check=False)


@pytest.fixture
def terminal(tmp_path, private_dirs):
    data, config = private_dirs
    scripts = tmp_path / "scripts" / "sessions"
    scripts.mkdir(parents=True)
    (scripts / "e2e-demo.yaml").write_text(SCRIPT)
    env = {
        "COMPANION_DATA_DIR": str(data),
        "COMPANION_CONFIG_DIR": str(config),
        "COMPANION_CACHE_DIR": str(tmp_path / "cache"),
        "SDL_AUDIODRIVER": "dummy",
        "PYGAME_HIDE_SUPPORT_PROMPT": "1",
        "TERM": "xterm-256color",
        "TMPDIR": str(tmp_path / "tmp"),
    }
    (tmp_path / "tmp").mkdir()
    term = Terminal(tmp_path, env)
    term.scripts = str(tmp_path / "scripts")
    term.data = data
    yield term
    term.close()


def notes_in_journal(data: Path) -> list[str]:
    (summary,) = JournalStore(data / "journals").list_sessions()
    return [e.text for e in read_journal(summary.path).events if isinstance(e, NoteAdded)]


def test_keys_drive_the_console_and_quit_leaves_it_resumable(terminal):
    exe = companion_command()
    terminal.start(exe, "run", "e2e-demo", "--client", "K-5", "--scripts", terminal.scripts)
    terminal.wait_for("phase 1 of 2")
    assert "client K-5" in terminal.screen()
    terminal.keys("t")
    terminal.wait_for("The time is added")
    terminal.type("breathing slowly")
    terminal.keys("Enter")
    terminal.wait_for("breathing slowly")
    terminal.keys("space")
    terminal.wait_for("PAUSED")
    terminal.keys("c")
    terminal.wait_for("Checklist: Arrival")
    terminal.keys("Space")
    terminal.wait_for("■ Blood pressure taken")
    terminal.keys("Escape")
    terminal.wait_for("phase 1 of 2")
    terminal.keys("n")
    terminal.wait_for("phase 2 of 2")
    pid = terminal.pid()
    terminal.keys("q")
    terminal.wait_for("Close the console?")
    terminal.keys("y")
    terminal.wait_until_gone(pid)
    assert notes_in_journal(terminal.data) == ["breathing slowly"]
    assert JournalStore(terminal.data / "journals").unfinished()


def test_killed_with_sigkill_then_resumed_with_the_note_intact(terminal):
    exe = companion_command()
    terminal.start(exe, "run", "e2e-demo", "--client", "K-6", "--scripts", terminal.scripts)
    terminal.wait_for("phase 1 of 2")
    terminal.keys("t")
    terminal.wait_for("The time is added")
    terminal.type("still here")
    terminal.keys("Enter")
    # The words are on the screen as soon as they are typed (in the note's field): kill only
    # once the note is in the journal, as it is once the console shows it in the Notes panel.
    deadline = time.monotonic() + 20
    while notes_in_journal(terminal.data) != ["still here"]:
        assert time.monotonic() < deadline, (
            f"the note never reached the journal; the screen shows:\n{terminal.screen()}"
        )
        time.sleep(0.1)
    pid = terminal.pid()
    os.kill(pid, signal.SIGKILL)
    terminal.wait_until_gone(pid)
    terminal.respawn(exe, "resume", "--scripts", terminal.scripts)
    shown = terminal.wait_for("still here")
    assert "client K-6" in shown and "phase 1 of 2" in shown


def test_vitals_typed_fast_across_tab_land_in_their_own_fields(terminal):
    exe = companion_command()
    terminal.start(exe, "run", "e2e-demo", "--client", "K-7", "--scripts", terminal.scripts)
    terminal.wait_for("phase 1 of 2")
    terminal.keys("v")
    terminal.wait_for("Record vitals")
    terminal.keys("1", "9", "0", "Tab", "9", "5", "Tab", "8", "0", "BSpace", "2", "Enter")
    shown = terminal.wait_for("BP 190/95")
    assert "HR 82" in shown


def test_a_note_typed_straight_after_t_is_kept_whole(terminal):
    exe = companion_command()
    terminal.start(exe, "run", "e2e-demo", "--client", "K-8", "--scripts", terminal.scripts)
    terminal.wait_for("phase 1 of 2")
    terminal.keys("t", "m", "a", "x", " ", "c", "a", "l", "m", "Enter")  # m, a and x are session keys
    terminal.wait_for("max calm")
    assert "Box breathing" not in terminal.screen() and "muted" not in terminal.screen()
    pid = terminal.pid()
    terminal.keys("q")
    terminal.wait_for("Close the console?")
    terminal.keys("y")
    terminal.wait_until_gone(pid)
    assert notes_in_journal(terminal.data) == ["max calm"]
