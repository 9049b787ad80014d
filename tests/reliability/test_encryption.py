"""Encryption at rest: sealed journal lines and reports, the passphrase asked once, and every
reader (resume, sessions, report, display) still working; crash safety unchanged."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from console_kit import START
from script_kit import console_script

from companion.core.clock import FakeClock
from companion.core.events import NoteAdded, SessionEnded
from companion.core.journal import crypto
from companion.core.journal import writer as journal_module
from companion.core.journal.store import (
    JournalError,
    JournalStore,
    JournalWriter,
    read_journal,
)
from companion.core.journal.tail import JournalTail
from companion.core.report.files import ReportError, report_for, write_report
from companion.core.session import LiveSession

SECRET = "correct horse battery staple"
NOTE = "client spoke of her brother"


pytestmark = pytest.mark.usefixtures("fresh_keys")


def encrypted_session(store: JournalStore, client: str = "K-SECRET") -> LiveSession:
    crypto.remember(SECRET)
    store.encrypt = True
    session = LiveSession.start(console_script(), store, FakeClock(START), client_code=client)
    session.add_note(NOTE)
    return session


def reopen_with(secret: str | None) -> None:
    """As a new process would: no derived key in memory, the passphrase given again (or not)."""
    crypto.forget()
    if secret is not None:
        crypto.remember(secret)


def test_the_file_holds_no_readable_event_and_its_header_says_encrypted(tmp_path):
    store = JournalStore(tmp_path / "journals")
    session = encrypted_session(store)
    session.close()
    data = store.path_for(session.session_id).read_bytes()
    for secret_text in (NOTE, "K-SECRET", "session_started", "note_added", "arrival"):
        assert secret_text.encode() not in data
    lines = data.splitlines()
    header = json.loads(lines[0])
    assert header["encryption"]["scheme"] == crypto.SCHEME
    assert header["session_id"] == session.session_id  # the header itself stays plain: it is listed
    assert all(set(json.loads(line)) == {"n", "sealed"} for line in lines[1:])
    assert len(lines) == 1 + len(session.events)


def test_the_right_passphrase_reads_every_event_back(tmp_path):
    store = JournalStore(tmp_path / "journals")
    session = encrypted_session(store)
    session.close()
    reopen_with(SECRET)
    contents = read_journal(store.path_for(session.session_id))
    assert contents.header.encrypted and not contents.torn and contents.problems == ()
    assert list(contents.events) == list(session.events)


@pytest.mark.parametrize("secret", ["wrong horse", None])
def test_a_wrong_or_missing_passphrase_is_a_plain_journal_error(tmp_path, secret):
    store = JournalStore(tmp_path / "journals")
    session = encrypted_session(store)
    session.close()
    reopen_with(secret)
    with pytest.raises(JournalError) as raised:
        read_journal(store.path_for(session.session_id))
    message = str(raised.value)
    assert "passphrase" in message and "Traceback" not in message
    if secret is None:
        assert crypto.ENVIRONMENT in message


def test_every_sealed_event_is_fsynced_on_its_own(tmp_path, monkeypatch):
    store = JournalStore(tmp_path / "journals")
    session = encrypted_session(store)
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(journal_module.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    for n in range(5):
        assert session.add_note(f"note {n}")
        assert len(synced) == n + 1  # durable before add_note returns, one fsync each
    session.close()


def test_a_torn_sealed_last_line_is_dropped_and_cut_before_appending(tmp_path):
    store = JournalStore(tmp_path / "journals")
    session = encrypted_session(store)
    session.close()
    path = store.path_for(session.session_id)
    whole = path.read_bytes()
    last_start = whole.rstrip(b"\n").rfind(b"\n") + 1
    path.write_bytes(whole + whole[last_start : last_start + 30])  # a crash mid-write of the next line
    reopen_with(SECRET)
    contents = read_journal(path)
    assert contents.torn and list(contents.events) == list(session.events)
    resumed = LiveSession.resume(console_script(), store, session.session_id)
    assert resumed.torn
    resumed.add_note("after the crash")
    resumed.close()
    reopen_with(SECRET)
    again = read_journal(path)
    assert not again.torn and again.problems == ()
    assert [e.text for e in again.events if isinstance(e, NoteAdded)] == [NOTE, "after the crash"]


def test_a_line_copied_from_another_journal_does_not_open(tmp_path):
    store = JournalStore(tmp_path / "journals")
    first = encrypted_session(store, client="A")
    second = encrypted_session(store, client="B")
    first.close()
    second.close()
    foreign = store.path_for(second.session_id).read_bytes().splitlines()[-1]
    path = store.path_for(first.session_id)
    path.write_bytes(path.read_bytes() + foreign + b"\n" + path.read_bytes().splitlines()[-1] + b"\n")
    reopen_with(SECRET)
    contents = read_journal(path)
    assert len(contents.problems) == 2 and "does not open" in contents.problems[0]
    assert "repeats record" in contents.problems[1]  # the last line, appended again, counts once


def test_resume_listing_display_and_report_keep_working(tmp_path, monkeypatch):
    store = JournalStore(tmp_path / "journals")
    session = encrypted_session(store)
    session_id = session.session_id
    session.close()
    reopen_with(SECRET)
    (summary,) = store.list_sessions()
    assert (summary.client_code, summary.finished, summary.started_at) == ("K-SECRET", False, START)
    resumed = LiveSession.resume(console_script(), store, session_id)
    assert [n.text for n in resumed.state().notes] == [NOTE]
    resumed.add_note("second")
    resumed.end()
    resumed.close()
    tail = JournalTail(store.path_for(session_id))
    assert tail.poll() and tail.problem is None
    assert isinstance(tail.events[-1], SessionEnded) and tail.skipped == 0
    (summary,) = store.list_sessions()
    assert summary.finished
    monkeypatch.setenv("COMPANION_DATA_DIR", str(tmp_path))  # store root = data dir / journals
    written = write_report(session_id, "md")
    assert written.name.endswith(".md.enc")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert NOTE.encode() not in written.read_bytes() and b"K-SECRET" not in written.read_bytes()
    assert NOTE in report_for(str(written))
    assert NOTE in report_for(session_id)  # printed from the journal itself
    reopen_with("wrong horse")
    with pytest.raises(ReportError, match="passphrase"):
        report_for(str(written))
    with pytest.raises(ReportError, match="passphrase"):
        report_for(session_id)


def test_the_display_without_the_passphrase_says_why_and_shows_nothing(tmp_path):
    store = JournalStore(tmp_path / "journals")
    session = encrypted_session(store)
    session.close()
    reopen_with(None)
    tail = JournalTail(store.path_for(session.session_id))
    tail.poll()
    assert tail.events == [] and "passphrase" in (tail.problem or "")


def test_a_plain_journal_is_unchanged_by_all_this(tmp_path):
    store = JournalStore(tmp_path / "journals")
    session = LiveSession.start(console_script(), store, FakeClock(START), client_code="K-PLAIN")
    session.close()
    data = store.path_for(session.session_id).read_bytes()
    assert b"encryption" not in data.splitlines()[0] and b"K-PLAIN" in data


def test_encrypting_without_a_passphrase_refuses_to_start(tmp_path):
    with pytest.raises(JournalError, match=crypto.ENVIRONMENT):
        JournalStore(tmp_path / "journals", encrypt=True).create(console_script())


def test_open_existing_needs_the_key_too(tmp_path):
    store = JournalStore(tmp_path / "journals")
    session = encrypted_session(store)
    session.close()
    reopen_with("wrong horse")
    with pytest.raises(JournalError, match="passphrase"):
        JournalWriter.open_existing(store.path_for(session.session_id))


# -- the commands -------------------------------------------------------------------------------


def _command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The command in a subprocess with no terminal; the passphrase only when `env` gives it."""
    full = {key: value for key, value in os.environ.items() if key != crypto.ENVIRONMENT}
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "companion", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env=full,
    )


@pytest.fixture
def stored_session(private_dirs):
    data, _config = private_dirs
    session = encrypted_session(JournalStore(data / "journals"))
    session.close()
    crypto.forget()
    return session.session_id


def test_sessions_and_report_commands_with_the_passphrase(stored_session):
    listed = _command("sessions", env={crypto.ENVIRONMENT: SECRET})
    assert listed.returncode == 0, listed.stderr
    assert "K-SECRET" in listed.stdout
    printed = _command("report", stored_session, env={crypto.ENVIRONMENT: SECRET})
    assert printed.returncode == 0 and NOTE in printed.stdout


@pytest.mark.parametrize("command", [["sessions"], ["report", "ID"], ["resume"], ["display", "ID"]])
def test_a_wrong_passphrase_is_one_plain_line_and_exit_1(stored_session, command):
    argv = [stored_session if part == "ID" else part for part in command]
    result = _command(*argv, env={crypto.ENVIRONMENT: "wrong horse"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "passphrase does not open" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_passphrase_and_no_terminal_says_how_to_give_one(stored_session):
    result = _command("sessions")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert crypto.ENVIRONMENT in result.stderr


# -- in a real terminal -------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_run_encrypt_asks_twice_then_resume_asks_once_and_shows_the_note(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from crash_resume import Terminal, companion_command, private_env, session_screen

    exe = companion_command()
    if exe is None:
        pytest.skip("the companion command is not installed")
    env = private_env(tmp_path)
    term = Terminal(env)
    try:
        term.start(exe, "run", "demo", "--encrypt", "--client", "ENC-1")
        term.wait_text("Journal passphrase")
        term.type(SECRET)
        term.keys("Enter")
        term.wait_text("The same passphrase again")
        term.type(SECRET)
        term.keys("Enter")
        term.wait_for(session_screen, what="the session screen")
        term.keys("t")
        term.wait_text("The time is added")
        term.type(NOTE)
        term.keys("Enter")
        term.wait_for(lambda s: NOTE in s and "The time is added" not in s)
        term.kill_process()
        journals = list((tmp_path / "data" / "journals").glob("*.jsonl"))
        assert len(journals) == 1 and NOTE.encode() not in journals[0].read_bytes()
        term.respawn(exe, "resume")
        term.wait_text("Journal passphrase")
        term.type(SECRET)
        term.keys("Enter")
        shown = term.wait_for(session_screen, what="the resumed session")
        assert NOTE in shown and "client ENC-1" in shown
    finally:
        term.close()


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_client_display_follows_an_encrypted_live_session(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from crash_resume import Terminal, companion_command, private_env, session_screen

    exe = companion_command()
    if exe is None:
        pytest.skip("the companion command is not installed")
    env = {**private_env(tmp_path), crypto.ENVIRONMENT: SECRET}
    console_term, display_term = Terminal(env), Terminal(env)
    try:
        console_term.start(exe, "run", "demo", "--encrypt", "--client", "D-1")
        console_term.wait_for(session_screen, what="the session screen")
        display_term.start(exe, "display")
        shown = display_term.wait_text("Welcome. This is a short demonstration.")
        assert "D-1" not in shown  # the client's screen never shows the client code
    finally:
        console_term.close()
        display_term.close()
