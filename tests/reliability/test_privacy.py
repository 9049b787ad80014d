"""Privacy: journals and reports are the owner's alone, and a session never talks to a network.

Permissions are checked under a permissive umask (000), so the code must set them itself. The
network checks run the console in a pilot with the socket module watched, and the installed
command under strace when strace is there; the one listening socket the program may open (the
client display's server) is checked to listen on loopback unless --host says otherwise.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from console_kit import START, console
from script_kit import console_script

from companion import paths
from companion.commands.run import rehearsal_store
from companion.core.clock import FakeClock
from companion.core.journal.store import JournalStore
from companion.core.report.files import write_report
from companion.core.session import LiveSession


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


def started_session(store: JournalStore, **kwargs) -> LiveSession:
    session = LiveSession.start(console_script(), store, FakeClock(START), client_code="K-1", **kwargs)
    session.add_note("a private note")
    session.end()
    session.close()
    return session


def test_journal_folder_is_0700_and_journal_0600_even_under_umask_000(open_umask):
    store = JournalStore()
    session = started_session(store)
    path = store.path_for(session.session_id)
    assert mode(path) == 0o600
    assert mode(paths.journals_dir()) == 0o700


def test_an_existing_open_journal_folder_is_tightened(open_umask):
    folder = paths.journals_dir()
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)
    started_session(JournalStore())
    assert mode(folder) == 0o700


def test_rehearsal_journals_are_private_too(open_umask, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    store = rehearsal_store()
    session = started_session(store, rehearsal=True, speed=60.0)
    assert store.root.parent == tmp_path / "tmp"
    assert mode(store.root) == 0o700
    assert mode(store.path_for(session.session_id)) == 0o600


def test_a_resumed_journal_keeps_0600(open_umask):
    store = JournalStore()
    session = LiveSession.start(console_script(), store, FakeClock(START))
    session.close()
    path = store.path_for(session.session_id)
    os.chmod(path, 0o644)  # loosened by hand, or copied back from a backup
    resumed = LiveSession.resume(console_script(), store, session.session_id)
    resumed.add_note("after")
    resumed.close()
    assert mode(path) == 0o600


def test_reports_folder_is_0700_and_every_format_0600(open_umask):
    store = JournalStore()
    session = started_session(store)
    for fmt in ("md", "html", "json"):
        written = write_report(session.session_id, fmt)
        assert written.parent == paths.reports_dir()
        assert mode(written) == 0o600
    assert mode(paths.reports_dir()) == 0o700


def test_companion_report_command_writes_0600(open_umask, tmp_path):
    store = JournalStore()
    session = started_session(store)
    target = tmp_path / "out.md"
    result = subprocess.run(
        [sys.executable, "-m", "companion", "report", session.session_id, "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "a private note" in target.read_text()
    assert mode(target) == 0o600


# -- no network ---------------------------------------------------------------------------------


class SocketWatch:
    """Records every socket that is not a local (AF_UNIX) one, and every connect or bind."""

    def __init__(self, monkeypatch) -> None:
        self.attempts: list[str] = []
        watch = self
        original = socket.socket

        class WatchedSocket(original):  # type: ignore[misc, valid-type]
            def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
                super().__init__(family, type, proto, fileno)
                if self.family != socket.AF_UNIX:
                    watch.attempts.append(f"socket({self.family!r})")

            def connect(self, address):
                watch.attempts.append(f"connect({address!r})")
                return super().connect(address)

            def connect_ex(self, address):
                watch.attempts.append(f"connect_ex({address!r})")
                return super().connect_ex(address)

            def bind(self, address):
                if self.family != socket.AF_UNIX:
                    watch.attempts.append(f"bind({address!r})")
                return super().bind(address)

        def create_connection(address, *args, **kwargs):
            watch.attempts.append(f"create_connection({address!r})")
            raise OSError("no network during a session")

        monkeypatch.setattr(socket, "socket", WatchedSocket)
        monkeypatch.setattr(socket, "create_connection", create_connection)


async def test_a_whole_session_in_the_console_opens_no_network_socket(tmp_path, monkeypatch):
    watch = SocketWatch(monkeypatch)
    app, clock, _player, store = console(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        for key in ("t", *"a note", "enter", "space", "space", "n", "y"):
            await pilot.press(key)
            await pilot.pause()
        clock.advance(3600)
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause(0.3)
    (summary,) = store.list_sessions()
    assert summary.finished  # the session really ran to its end under the watch
    assert watch.attempts == []


@pytest.mark.skipif(shutil.which("strace") is None or shutil.which("tmux") is None, reason="needs strace and tmux")
def test_the_installed_command_makes_no_inet_socket_during_a_session(tmp_path):
    """The real process, pygame and all, under strace: no AF_INET or AF_INET6 socket at all."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from crash_resume import Terminal, companion_command, private_env, session_screen

    exe = companion_command()
    if exe is None:
        pytest.skip("the companion command is not installed")
    env = private_env(tmp_path)
    trace = tmp_path / "strace.txt"
    term = Terminal(env)
    try:
        term.start(
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=socket,socketpair,connect,bind",
            "-o",
            str(trace),
            exe,
            "run",
            "demo",
            "--speed",
            "60",
            "--client",
            "NET",
        )
        term.wait_for(session_screen, timeout=40, what="the session screen")
        term.keys("t")
        term.wait_text("The time is added")
        term.type("no network")
        term.keys("Enter")
        term.wait_for(lambda s: "no network" in s and "The time is added" not in s)
        time.sleep(2)  # music starts, a second of timeline at x60
        term.keys("q")
        term.wait_text("Close the console?")
        term.keys("y")
        deadline = time.monotonic() + 20
        while not term.dead():
            assert time.monotonic() < deadline, term.screen()
            time.sleep(0.2)
    finally:
        term.close()
    calls = trace.read_text().splitlines()
    assert any("socketpair(AF_UNIX" in line for line in calls), "strace saw nothing: the trace is not working"
    inet = [line for line in calls if "AF_INET" in line]
    assert inet == [], "\n".join(inet[:10])


def _listening(port: int) -> list[str]:
    """Local addresses listening on `port`, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs /proc/net/tcp")
def test_the_display_server_listens_on_loopback_by_default():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "companion", "display", "--serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not _listening(port):
            assert server.poll() is None, server.stderr.read().decode(errors="replace")
            assert time.monotonic() < deadline, "the display server never listened"
            time.sleep(0.1)
        assert _listening(port) == ["0100007F"]  # 127.0.0.1, and nothing else
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
