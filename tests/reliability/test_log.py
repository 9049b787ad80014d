"""The log: owner-only, a file a day and a week kept, warnings always, and nothing a client said."""

from __future__ import annotations

import logging
import os
import re
import stat
import time

import pytest
from console_kit import console, settled

from companion import log
from companion.cli import main
from companion.ui.screens.session import SessionScreen

NOTE = "purple elephant in the garden"
CLIENT = "K-PRIV-4417"
SYSTOLIC, DIASTOLIC, HEART_RATE = "173", "97", "66"


@pytest.fixture(autouse=True)
def detached_log():
    yield
    log.close()
    logging.getLogger("companion").setLevel(logging.WARNING)


async def wait_for(pilot, condition, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the console did not get there in time"
        await pilot.pause(0.02)


async def test_a_whole_session_logged_in_debug_holds_no_note_vitals_or_client_code(tmp_path, private_dirs):
    path = log.setup(debug=True, command="run")
    app, clock, player, store = console(tmp_path, client_code=CLIENT)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        await settled(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.id != "session")
        for key in NOTE:
            await pilot.press("space" if key == " " else key)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("v")
        await wait_for(pilot, lambda: app.screen.id == "vitals-form")
        form = app.screen
        form.query_one("#systolic").value = SYSTOLIC
        form.query_one("#diastolic").value = DIASTOLIC
        form.query_one("#heart_rate").value = HEART_RATE
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("x")  # distress: the music fades, an exercise opens
        await wait_for(pilot, lambda: not isinstance(app.screen, SessionScreen))
    logging.getLogger("companion").warning("a warning after the session")  # the file is still written
    text = path.read_text()
    # The session was logged: every event's kind, by name.
    for kind in ("SessionStarted", "NoteAdded", "VitalsRecorded", "DistressMarked"):
        assert kind in text, text
    # What each line says, after its time, process id and level (digits that may match by chance).
    said = "\n".join(line.split(" ", 4)[-1] for line in text.splitlines())
    for secret in (NOTE, "purple", "elephant", CLIENT, "PRIV"):
        assert secret not in text, f"{secret!r} is in the log:\n{text}"
    for number in (SYSTOLIC, DIASTOLIC, HEART_RATE):
        assert not re.search(rf"\b{number}\b", said), f"{number} is in the log:\n{text}"
    info = path.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700  # the data folder too


def test_without_debug_only_warnings_and_errors_are_written(private_dirs):
    path = log.setup(debug=False)
    logger = logging.getLogger("companion.journal")
    logger.debug("a detail nobody asked for")
    logger.info("an ordinary moment")
    assert not path.exists()  # nothing worth a file yet
    logger.warning("the journal could not be written (disk full)")
    logger.error("something failed")
    lines = path.read_text().splitlines()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(private_dirs[0].stat().st_mode) == 0o700
    assert len(lines) == 2
    assert "WARNING companion.journal: the journal could not be written (disk full)" in lines[0]
    assert "ERROR" in lines[1]


def test_a_file_a_day_and_those_older_than_a_week_are_deleted(private_dirs):
    folder = log.logs_dir()
    folder.mkdir(parents=True)
    now = time.time()
    old = folder / "companion-2020-01-01.log"
    recent = folder / "companion-2020-01-09.log"
    for path, age_days in ((old, 8), (recent, 6)):
        path.write_text("x\n")
        os.utime(path, (now - age_days * 86400, now - age_days * 86400))
    path = log.setup()
    assert path.name == time.strftime("companion-%Y-%m-%d.log")
    assert not old.exists()
    assert recent.exists()


def test_debug_from_the_command_line_or_the_environment(private_dirs, monkeypatch, capsys):
    with pytest.raises(SystemExit):
        main(["--debug", "paths"])
    path = log.log_file()
    assert "DEBUG companion: companion 0.1.0, paths, Python" in path.read_text()
    path.unlink()
    monkeypatch.setenv("COMPANION_DEBUG", "1")
    with pytest.raises(SystemExit):
        main(["paths"])
    assert "paths, Python" in path.read_text()
    path.unlink()
    monkeypatch.delenv("COMPANION_DEBUG")
    with pytest.raises(SystemExit):
        main(["paths", "--debug"])  # after the command too
    assert "paths, Python" in path.read_text()
    path.unlink()
    with pytest.raises(SystemExit):
        main(["paths"])
    assert not path.exists()


def test_a_crash_of_a_command_is_logged_with_its_traceback(private_dirs, monkeypatch):
    import companion.commands.paths as paths_command

    def broken(args):
        raise RuntimeError("the folder vanished")

    monkeypatch.setattr(paths_command, "run", broken)
    with pytest.raises(RuntimeError):
        main(["paths"])
    text = log.log_file().read_text()
    assert "ERROR companion: companion paths stopped on an error" in text
    assert "Traceback" in text and "RuntimeError: the folder vanished" in text


def test_a_command_ending_badly_is_logged_without_debug(private_dirs, capsys):
    with pytest.raises(SystemExit) as ended:
        main(["exercise", "no-such-exercise"])
    assert ended.value.code == 1
    assert "WARNING companion: companion exercise ended with exit status 1" in log.log_file().read_text()
