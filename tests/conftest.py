"""Hermetic tests: temporary data and config dirs, headless audio, no user files touched."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# Test modules whose helpers other groups share (test_timeline, tone files) are importable by name;
# script_kit.py (the scripts every group uses) and console_kit.py sit in tests/ itself.
for group in ("unit", "audio"):
    sys.path.insert(0, str(Path(__file__).resolve().parent / group))

# Before anything imports pygame.
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

import pytest  # noqa: E402

from companion.core.clock import FakeClock  # noqa: E402


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    data = tmp_path / "data"
    config = tmp_path / "config"
    monkeypatch.setenv("COMPANION_DATA_DIR", str(data))
    monkeypatch.setenv("COMPANION_CONFIG_DIR", str(config))
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))
    # Rehearsal journals live in the temporary folder (paths.rehearsal_root): each test gets its
    # own, in this process and in every command it starts, so a rehearsal another test (or
    # anyone else on the machine) runs is never the session a test sees, nor left in /tmp.
    temp = tmp_path / "tmpdir"
    temp.mkdir(exist_ok=True)
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return data, config


@pytest.fixture
def fresh_keys(monkeypatch):
    """No passphrase from the environment and none remembered, before and after the test."""
    from companion.core.journal import crypto

    monkeypatch.delenv(crypto.ENVIRONMENT, raising=False)
    crypto.forget()
    yield
    crypto.forget()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def companions_under(root: str) -> list[int]:
    """Live processes (not zombies) whose COMPANION_DATA_DIR lies under `root`: consoles,
    displays and commands the tests started."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environ = open(f"/proc/{entry}/environ", "rb").read().split(b"\0")
            state = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        data = next(
            (item[len(b"COMPANION_DATA_DIR=") :] for item in environ if item.startswith(b"COMPANION_DATA_DIR=")), b""
        )
        if state != "Z" and data.decode(errors="replace").startswith(root):
            found.append(int(entry))
    return found


@pytest.fixture(scope="session", autouse=True)
def no_console_outlives_its_test(tmp_path_factory):
    """A console whose terminal closed must end (SIGHUP; signals.py): none may be left behind."""
    import signal
    import time

    yield
    root = str(tmp_path_factory.getbasetemp())
    deadline = time.monotonic() + 15  # a stuck close is cut short within about 7 s
    while (left := companions_under(root)) and time.monotonic() < deadline:
        time.sleep(0.25)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert not left, f"processes outlived the tests that started them: {left}"
