"""Disk trouble: the data folder full or unwritable. The session goes on, says so plainly and
persistently, keeps every event in memory, and writes them all, in order, once writing works.

Two ways of making the disk fail: a real full disk (a 64 KB tmpfs filled to the last byte,
when this machine lets the tests mount one) and a monkeypatched write that raises ENOSPC,
EACCES or EROFS (everywhere).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from console_kit import START, console, patience, settled, until
from script_kit import console_script

from companion.core.clock import FakeClock
from companion.core.events import NoteAdded, PhaseStarted, SessionStarted
from companion.core.journal import writer as journal_module
from companion.core.journal.store import JournalStore, read_journal
from companion.core.session import LiveSession
from companion.ui.screens.session import SessionScreen
from companion.ui.widgets.journal_warning import JournalWarning

SIZE = (100, 30)


# -- a real full disk -------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KB tmpfs mounted for this test (skipped where mounting is not allowed)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mountpoint = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mountpoint)], capture_output=True, timeout=10
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True, timeout=10)


def fill(folder: Path) -> Path:
    """Fill the disk holding `folder` to the last byte; return the filler file."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for block in (4096, 1):  # whole pages, then the last bytes
            try:
                while True:
                    os.write(fd, b"\0" * block)
            except OSError as error:
                assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_a_really_full_disk_keeps_events_and_writes_them_when_space_returns(tiny_disk):
    store = JournalStore(tiny_disk / "journals")
    session = LiveSession.start(console_script(), store, FakeClock(START), client_code="K-1")
    path = store.path_for(session.session_id)
    filler = fill(tiny_disk)
    written = 0  # the journal's last page still has room for a few lines
    while session.record(NoteAdded(at=START, text=f"note {written:03}")):
        written += 1
        assert written < 1000, "the disk never filled up"
    for n in range(3):
        assert not session.record(NoteAdded(at=START, text=f"after the disk filled {n}"))
    assert session.write_problem is not None
    assert "the disk is full" in session.write_problem and "kept in memory" in session.write_problem
    in_memory = [e.text for e in session.state().notes]
    assert len(in_memory) == written + 4
    on_disk = [e.text for e in read_journal(path).events if isinstance(e, NoteAdded)]
    assert on_disk == in_memory[:written]  # no fragment of a refused line was left behind
    filler.unlink()
    assert session.retry_writes()
    assert session.write_problem is None
    contents = read_journal(path)
    assert not contents.torn and contents.problems == ()
    assert list(contents.events) == list(session.events)  # every event, in order, once
    session.close()


def test_a_session_started_on_a_full_disk_writes_its_header_later(tiny_disk):
    store = JournalStore(tiny_disk / "journals")
    filler = fill(tiny_disk)
    session = LiveSession.start(console_script(), store, FakeClock(START))
    assert session.write_problem is not None
    session.add_note("before there was room")
    filler.unlink()
    session.add_note("after")
    assert session.write_problem is None
    contents = read_journal(store.path_for(session.session_id))
    assert [type(e) for e in contents.events[:2]] == [SessionStarted, PhaseStarted]
    assert [e.text for e in contents.events if isinstance(e, NoteAdded)] == ["before there was room", "after"]
    session.close()


# -- the console while writing fails ----------------------------------------------------------


class FailingDisk:
    """Makes every journal write fail with `code` until `heal()`."""

    def __init__(self, monkeypatch, code: int = errno.ENOSPC, under: Path | None = None) -> None:
        self.code = code
        self.failing = True
        self.attempts = 0
        real = journal_module._write_all

        def write_all(fd, data):
            if under is not None and not os.readlink(f"/proc/self/fd/{fd}").startswith(str(under)):
                return real(fd, data)  # another disk: it has room
            self.attempts += 1
            if self.failing:
                raise OSError(self.code, os.strerror(self.code))
            return real(fd, data)

        monkeypatch.setattr(journal_module, "_write_all", write_all)

    def heal(self) -> None:
        self.failing = False


def warning(app) -> JournalWarning:
    return app.screen.query_one(JournalWarning)


def notes_in(path: Path) -> list[str]:
    return [e.text for e in read_journal(path).events if isinstance(e, NoteAdded)]


async def add_note(pilot, text: str) -> None:
    await pilot.press("t")
    await pilot.pause()
    for key in text:
        await pilot.press("space" if key == " " else key)
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the disk is read-only"),  # EACCES: the unwritable folder test below
    ],
)
async def test_the_console_warns_plainly_and_persistently_and_keeps_the_note(tmp_path, monkeypatch, code, words):
    app, clock, _player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert not warning(app).display
        path = store.path_for(app.session.session_id)
        disk = FailingDisk(monkeypatch, code)
        await add_note(pilot, "kept")
        shown = warning(app)
        assert shown.display and shown.has_class("-shown")
        assert words in shown.plain and "kept in memory" in shown.plain
        assert "Traceback" not in shown.plain and "Errno" not in shown.plain
        await settled(pilot)
        assert "kept" in app.screen.query_one("#notes").plain  # the note is on screen
        if code == errno.ENOSPC:  # the warning stays through the 1 Hz ticks
            for _ in range(2):
                clock.advance(30)
                await pilot.pause(0.6)
                assert warning(app).display
        await pilot.press("space")  # keys still work while the disk is failing
        await pilot.pause()
        assert app.session.state().paused
        disk.heal()
        await add_note(pilot, "again")
        assert not warning(app).display
        assert notes_in(path) == ["kept", "again"]
    assert app.return_code in (None, 0)


async def test_an_unwritable_data_folder_at_the_start_still_opens_the_session(tmp_path, monkeypatch):
    """The journal file cannot even be created: the session runs, the warning says why."""

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(journal_module.JournalWriter, "_open_new", refuse)
    app, clock, _player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "permission was refused" in warning(app).plain
        await add_note(pilot, "held")
        assert [n.text for n in app.session.state().notes] == ["held"]
        monkeypatch.undo()
        await add_note(pilot, "saved")
        assert not warning(app).display
        assert notes_in(store.path_for(app.session.session_id)) == ["held", "saved"]


async def test_waiting_events_are_written_on_the_tick_once_the_disk_works(tmp_path, monkeypatch):
    """No key needed: the console's tick retries, so a note waits no longer than the disk does."""
    app, clock, _player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        path = store.path_for(app.session.session_id)
        disk = FailingDisk(monkeypatch, errno.ENOSPC)
        await add_note(pilot, "waiting")
        assert warning(app).display
        disk.heal()
        deadline = time.monotonic() + 30  # the tick is a real timer: slow on a busy machine
        while notes_in(path) != ["waiting"] and time.monotonic() < deadline:
            clock.advance(1)
            await pilot.pause(0.25)
        assert notes_in(path) == ["waiting"]
        await until(pilot, lambda: not warning(app).display)


# -- closing while records are unwritten (issue 12, item 2) -----------------------------------------


def _dialog_text(app) -> str:
    return " ".join(str(widget.render()) for widget in app.screen.query("Static"))


async def test_closing_on_a_full_disk_says_how_many_and_writes_them_where_the_therapist_says(tmp_path, monkeypatch):
    app, clock, _player, store = console(tmp_path)
    elsewhere = tmp_path / "usb" / "journal.jsonl"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await settled(pilot)
        FailingDisk(monkeypatch, under=store.root)
        await add_note(pilot, "one")
        await add_note(pilot, "two")
        await pilot.press("q")
        await pilot.pause()
        shown = _dialog_text(app)
        assert "2 record(s) are not yet in the journal (the disk is full)" in shown
        assert "saved" not in shown
        await pilot.press("n")  # stay: nothing closes, the records are still kept
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, SessionScreen) and app.session.unwritten == 2
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        app.screen.query_one("#text").value = str(elsewhere)
        await pilot.press("enter")
        for _ in patience():
            if not app.is_running:
                break
            await pilot.pause(0.05)
    assert not app.is_running
    assert notes_in(elsewhere) == ["one", "two"]
    assert os.stat(elsewhere).st_mode & 0o777 == 0o600


async def test_a_console_closed_with_records_unwritten_leaves_them_in_the_cache_and_says_where(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))
    app, clock, _player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        FailingDisk(monkeypatch, under=store.root)
        await add_note(pilot, "only in memory")
        app.exit()  # as SIGTERM's close does, with no dialog
        await pilot.pause()
    said = app.unwritten_notice
    assert said and "1 record(s) could not be written" in said
    (rescued,) = (tmp_path / "cache" / "unwritten").glob("*.jsonl")
    assert str(rescued) in said and notes_in(rescued) == ["only in memory"]
    assert os.stat(rescued).st_mode & 0o777 == 0o600
