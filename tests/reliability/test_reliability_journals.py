"""Damaged and strange files in the journal folder: listed as problems, never a hang or a crash.

A FIFO named like a journal used to block `companion sessions`, `resume` and the console's
resume offer for ever (opening a FIFO for reading waits for a writer); /dev/zero behind a
symlink would never end. Each reader now refuses anything but a regular file, in plain words.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from console_kit import START, console
from script_kit import console_script

from companion.core.clock import FakeClock
from companion.core.journal.store import JournalError, JournalStore, JournalWriter, read_journal
from companion.core.journal.tail import JournalTail
from companion.core.session import LiveSession
from companion.ui.screens.session import SessionScreen

HANG_SECONDS = 10


@pytest.fixture(autouse=True)
def no_hang():
    """A reader that blocks fails the test instead of stalling the suite."""

    def hung(signum, frame):
        raise TimeoutError(f"blocked for {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def strange_folder(root: Path) -> tuple[JournalStore, str]:
    """A journal folder with one good unfinished session and every kind of bad file."""
    store = JournalStore(root)
    session = LiveSession.start(console_script(), store, FakeClock(START), client_code="K-GOOD")
    session.add_note("still here")
    session.close()
    os.mkfifo(root / "a-fifo.jsonl")
    (root / "a-folder.jsonl").mkdir()
    (root / "zero.jsonl").symlink_to("/dev/zero")
    (root / "dangling.jsonl").symlink_to(root / "nowhere.jsonl")
    (root / "empty.jsonl").write_bytes(b"")
    (root / "garbage.jsonl").write_bytes(bytes(range(256)) * 40)
    (root / "nul.jsonl").write_bytes(b"\0" * 5000)
    (root / "torn-header.jsonl").write_bytes(b'{"format": 1, "session_id": "x", "scr')
    (root / "no-newline-5mb.jsonl").write_bytes(b"{" + b"a" * 5_000_000)
    (root / "header-only.jsonl").write_bytes(
        store.path_for(session.session_id)
        .read_bytes()
        .split(b"\n", 1)[0]
        .replace(session.session_id.encode(), b"header-only")
        + b"\n"
    )
    return store, session.session_id


def test_listing_names_each_bad_file_and_keeps_the_good_session(tmp_path):
    store, good = strange_folder(tmp_path / "journals")
    sessions = store.list_sessions()
    ids = {summary.session_id for summary in sessions}
    assert good in ids
    good_summary = next(s for s in sessions if s.session_id == good)
    assert good_summary.client_code == "K-GOOD" and not good_summary.finished
    named = " ".join(store.problems)
    for name in ("a-fifo", "a-folder", "zero", "dangling", "empty", "garbage", "nul", "torn-header", "no-newline-5mb"):
        assert f"{name}.jsonl" in named, name
    assert all("Traceback" not in problem and "Errno" not in problem for problem in store.problems)
    assert "not a regular file" in next(p for p in store.problems if "a-fifo" in p)


def test_every_reader_refuses_a_fifo_at_once(tmp_path):
    fifo = tmp_path / "journal.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(JournalError, match="not a regular file"):
        read_journal(fifo)
    with pytest.raises(JournalError, match="not a regular file"):
        JournalWriter.open_existing(fifo)
    tail = JournalTail(fifo)
    assert tail.poll() is False
    assert "not a regular file" in (tail.problem or "")


async def test_the_console_opens_with_a_fifo_in_the_journal_folder(tmp_path):
    store, good = strange_folder(tmp_path / "journals")
    app, clock, _player, _store = console(tmp_path, store=store, script=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Resume it now?" in str(app.screen.query_one(".message").render())
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)  # the newest unfinished one, header only
        assert app.session.session_id in {good, "header-only"}


def test_sessions_and_resume_commands_with_the_strange_folder(private_dirs):
    data, _config = private_dirs
    strange_folder(data / "journals")
    listed = subprocess.run(
        [sys.executable, "-m", "companion", "sessions"],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert listed.returncode == 0, listed.stderr
    assert "K-GOOD" in listed.stdout and "Traceback" not in listed.stdout + listed.stderr
    assert "a-fifo.jsonl is not a regular file" in listed.stdout + listed.stderr
