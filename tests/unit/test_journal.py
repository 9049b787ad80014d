"""The journal: durable appends, replay that survives crashes, a store of sessions."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from companion import paths
from companion.core.clock import FakeClock
from companion.core.events import NoteAdded, PhaseStarted, SessionEnded, SessionStarted
from companion.core.journal import reading
from companion.core.journal import store as journal_module
from companion.core.journal.store import (
    FORMAT_VERSION,
    JournalError,
    JournalHeader,
    JournalStore,
    JournalWriter,
    read_journal,
)
from companion.core.scripts.script import Phase, SessionScript

T0 = 1_800_000_000.0


def tiny_script(script_id: str = "im-standard") -> SessionScript:
    return SessionScript(
        id=script_id, title="Tiny", route="IM", phases=(Phase("one", "One", 600.0),), text_hash="hash-1"
    )


def header(session_id: str = "s1") -> JournalHeader:
    return JournalHeader(FORMAT_VERSION, session_id, "im-standard", "hash-1", "/x.yaml", T0)


def note(i: int) -> NoteAdded:
    return NoteAdded(at=T0 + i, text=f"note {i}")


@pytest.fixture
def jpath(tmp_path) -> Path:
    return tmp_path / "journals" / "s1.jsonl"


def test_appends_are_read_back_in_order_with_the_header(jpath):
    writer = JournalWriter.create(jpath, header())
    assert writer.pending == 0 and writer.last_error is None
    assert all(writer.append(note(i)) for i in range(5))
    writer.close()
    contents = read_journal(jpath)
    assert contents.header == header()
    assert contents.events == tuple(note(i) for i in range(5))
    assert not contents.torn and contents.problems == ()
    first = json.loads(jpath.read_bytes().split(b"\n")[0])
    assert first["format"] == 2 and first["script_hash"] == "hash-1" and first["speed"] == 1.0


def test_files_are_0600_and_the_folder_0700(jpath):
    old = os.umask(0o000)  # a permissive umask must not leak into the journal
    try:
        JournalWriter.create(jpath, header()).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(jpath.stat().st_mode) == 0o600
    assert stat.S_IMODE(jpath.parent.stat().st_mode) == 0o700


def test_a_torn_last_line_is_ignored_and_reported(jpath):
    writer = JournalWriter.create(jpath, header())
    writer.append(note(1))
    writer.close()
    with open(jpath, "ab") as f:
        f.write(b'{"kind":"note_added","at":1800000002.0,"te')
    contents = read_journal(jpath)
    assert contents.torn and contents.events == (note(1),)
    assert "last line was incomplete" in contents.problems[0]


def test_garbage_on_the_last_line_counts_as_torn(jpath):
    writer = JournalWriter.create(jpath, header())
    writer.append(note(1))
    writer.close()
    with open(jpath, "ab") as f:
        f.write(b"\x00\x00\x00\n")
    contents = read_journal(jpath)
    assert contents.torn and contents.events == (note(1),)


def test_a_bad_line_in_the_middle_is_skipped_and_named(jpath):
    writer = JournalWriter.create(jpath, header())
    writer.append(note(1))
    writer.close()
    with open(jpath, "ab") as f:
        f.write(b"not json\n")
        f.write(b'{"kind":"from_the_future","at":1}\n')
    writer = JournalWriter.open_existing(jpath)
    writer.append(note(2))
    writer.close()
    contents = read_journal(jpath)
    assert contents.events == (note(1), note(2)) and not contents.torn
    assert contents.problems[0].startswith("line 3 could not be read and was skipped")
    assert contents.problems[1].startswith("line 4 could not be read and was skipped")
    assert "from_the_future" in contents.problems[1]


@pytest.mark.parametrize(
    "content, words",
    [(b"", "empty"), (b'{"format":1,"sess', "never completely written"), (b"hello\n", "not a session journal")],
)
def test_an_unreadable_header_is_a_plain_error(jpath, content, words):
    jpath.parent.mkdir(parents=True)
    jpath.write_bytes(content)
    with pytest.raises(JournalError, match=words) as caught:
        read_journal(jpath)
    assert str(jpath) in str(caught.value)


def test_a_newer_format_is_refused_plainly(jpath):
    jpath.parent.mkdir(parents=True)
    jpath.write_text(json.dumps({"format": 99, "session_id": "x"}) + "\n")
    with pytest.raises(JournalError, match="format 99"):
        read_journal(jpath)


def test_open_existing_cuts_a_torn_tail_then_appends(jpath):
    writer = JournalWriter.create(jpath, header())
    writer.append(note(1))
    writer.close()
    with open(jpath, "ab") as f:
        f.write(b'{"kind":"note_ad')
    writer = JournalWriter.open_existing(jpath)
    assert writer.append(note(2))
    writer.close()
    contents = read_journal(jpath)
    assert contents.events == (note(1), note(2)) and not contents.torn


def test_a_journal_has_one_writer_at_a_time(jpath):
    writer = JournalWriter.create(jpath, header())
    with pytest.raises(JournalError, match="another companion window"):
        JournalWriter.open_existing(jpath)
    writer.close()
    JournalWriter.open_existing(jpath).close()


def _failing(error_number: int):
    def fail(*args, **kwargs):
        raise OSError(error_number, os.strerror(error_number))

    return fail


@pytest.mark.parametrize(
    "target, error_number, words",
    [
        ("write", errno.ENOSPC, "the disk is full"),
        ("fsync", errno.EACCES, "permission was refused"),
        ("write", errno.EROFS, "the disk is read-only"),
    ],
)
def test_a_refused_write_keeps_events_pending_then_writes_them_in_order(
    jpath, monkeypatch, target, error_number, words
):
    writer = JournalWriter.create(jpath, header())
    assert writer.append(note(1))
    monkeypatch.setattr(os, target, _failing(error_number))
    assert writer.append(note(2)) is False
    assert writer.append(note(3)) is False
    assert writer.pending == 2
    assert str(jpath) in writer.last_error and words in writer.last_error
    assert writer.retry() is False
    monkeypatch.undo()
    assert writer.append(note(4)) is True
    assert writer.pending == 0 and writer.last_error is None
    writer.close()
    assert read_journal(jpath).events == tuple(note(i) for i in (1, 2, 3, 4))


def test_a_half_written_line_is_cut_off_before_the_retry(jpath, monkeypatch):
    writer = JournalWriter.create(jpath, header())
    real_write = os.write
    calls = []

    def half_then_full_disk(fd, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full_disk)
    assert writer.append(note(1)) is False
    assert jpath.stat().st_size > len(jpath.read_bytes().split(b"\n")[0]) + 1  # a fragment is on disk
    monkeypatch.undo()
    assert writer.retry() is True
    writer.close()
    contents = read_journal(jpath)
    assert contents.events == (note(1),) and contents.problems == ()


def test_a_journal_that_cannot_even_be_created_waits_too(tmp_path, monkeypatch):
    path = tmp_path / "j" / "s1.jsonl"
    real_open = os.open
    monkeypatch.setattr(os, "open", _failing(errno.EROFS))
    writer = JournalWriter.create(path, header())
    assert writer.append(note(1)) is False and writer.pending == 2  # the header and the note
    assert "read-only" in writer.last_error
    monkeypatch.setattr(os, "open", real_open)
    assert writer.retry() is True
    writer.close()
    assert read_journal(path).events == (note(1),)


def test_a_read_only_folder_is_reported_and_recovered(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions; the monkeypatched tests cover this")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    writer = JournalWriter.create(folder / "s1.jsonl", header())
    assert writer.append(note(1)) is False and "permission" in writer.last_error
    folder.chmod(0o700)
    assert writer.retry() is True


# -- a writer killed mid-stream ---------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from companion.core.events import NoteAdded
    from companion.core.journal.store import JournalWriter, JournalHeader
    writer = JournalWriter.open_existing(sys.argv[1])
    i = 0
    while True:
        if writer.append(NoteAdded(at=1800000000.0 + i, text="event %d " % i + "x" * (i % 300))):
            print(i, flush=True)
        i += 1
    """
)


def test_a_writer_killed_with_sigkill_loses_no_acknowledged_event(jpath):
    JournalWriter.create(jpath, header()).close()
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(jpath)], stdout=subprocess.PIPE, text=True)
    acknowledged = []
    try:
        for line in process.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) >= 40:
                break
    finally:
        process.kill()  # SIGKILL: no cleanup, no flush, possibly mid-write
        process.wait()
    assert process.returncode == -9
    contents = read_journal(jpath)
    written = [int(event.text.split()[1]) for event in contents.events]
    assert written[: len(acknowledged)] == acknowledged
    assert written == list(range(len(written)))  # nothing out of order, nothing invented
    assert contents.problems == () or contents.torn  # at most the line being written is lost


# -- the store --------------------------------------------------------------------------------


def _start(store: JournalStore, clock: FakeClock, client: str = "", script_id: str = "im-standard") -> str:
    session_id, writer = store.create(tiny_script(script_id), clock=clock)
    writer.append(SessionStarted(at=clock.now(), script_id=script_id, client_code=client))
    writer.append(PhaseStarted(at=clock.now(), phase_id="one", move="start"))
    writer.close()
    return session_id


def test_session_ids_read_like_the_minute_and_stay_unique(clock):
    store = JournalStore()
    first = _start(store, clock)
    second = _start(store, clock)
    from datetime import datetime

    stem = datetime.fromtimestamp(clock.now()).strftime("%Y%m%d-%H%M")
    assert first == f"{stem}-im-standard" and second == f"{stem}-im-standard-2"
    assert store.root == paths.journals_dir()
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert read_journal(store.path_for(second)).header.session_id == second


def test_list_sessions_newest_first_with_finished_and_duration(clock):
    store = JournalStore()
    assert store.list_sessions() == [] and store.latest_unfinished() is None
    old = _start(store, clock, client="A-7")
    writer = JournalWriter.open_existing(store.path_for(old))
    writer.append(NoteAdded(at=clock.now() + 3000, text=""))
    writer.append(SessionEnded(at=clock.now() + 3600))
    writer.append(NoteAdded(at=clock.now() + 3700, text='{"kind":"session_ended"'))  # paperwork after the end
    writer.close()
    clock.advance(7200)
    new = _start(store, clock, client="B-2")
    sessions = store.list_sessions()
    assert [s.session_id for s in sessions] == [new, old]
    assert sessions[1].finished and sessions[1].client_code == "A-7" and sessions[1].duration == 3700
    assert not sessions[0].finished and sessions[0].duration == 0
    assert [s.session_id for s in store.unfinished()] == [new]
    assert store.latest_unfinished().session_id == new


def test_a_note_quoting_the_end_marker_does_not_finish_a_session(clock):
    store = JournalStore()
    session_id = _start(store, clock)
    writer = JournalWriter.open_existing(store.path_for(session_id))
    writer.append(NoteAdded(at=clock.now(), text='{"kind":"session_ended"}'))
    writer.close()
    assert store.latest_unfinished().session_id == session_id


def test_an_unreadable_journal_is_named_not_fatal(clock):
    store = JournalStore()
    _start(store, clock)
    (store.root / "broken.jsonl").write_text("garbage\n")
    assert len(store.list_sessions()) == 1
    assert "broken.jsonl" in store.problems[0]


@pytest.mark.parametrize("bad", ["", "../etc", ".hidden", "a/b"])
def test_path_for_refuses_what_is_not_a_session_id(bad):
    with pytest.raises(JournalError):
        JournalStore().path_for(bad)


def test_writes_are_durable_per_event(jpath, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    writer = JournalWriter.create(jpath, header())
    before = len(synced)
    writer.append(note(1))
    writer.append(note(2))
    assert len(synced) - before == 2
    writer.close()


def test_encode_event_matches_to_record():
    from companion.core.events import to_record

    event = NoteAdded(at=T0, text="héllo\nworld")
    assert json.loads(journal_module.encode_event(event)) == to_record(event)


@pytest.mark.parametrize(
    "line, why",
    [
        (b'{"kind":"note_added","at":"noon","text":"x"}', "at has the wrong type (str)"),
        (b'{"kind":"vitals_recorded","at":1,"systolic":"high"}', "systolic has the wrong type"),
        (b'{"kind":"paused","at":NaN}', "NaN is not a time"),
        (b'{"kind":"paused"}', "no time"),
        (b'{"kind":"note_added","at":1,"text":"x","mood":"ok"}', "unexpected fields"),
        (b"[1, 2]", "not a JSON object"),
    ],
)
def test_damaged_records_are_skipped_with_a_reason(jpath, line, why):
    writer = JournalWriter.create(jpath, header())
    writer.close()
    with open(jpath, "ab") as f:
        f.write(line + b"\n")
    writer = JournalWriter.open_existing(jpath)
    writer.append(note(1))
    writer.close()
    contents = read_journal(jpath)
    assert contents.events == (note(1),)
    assert contents.problems[0].startswith("line 2 could not be read and was skipped") and why in contents.problems[0]


def test_an_older_record_missing_a_field_takes_its_default(jpath):
    writer = JournalWriter.create(jpath, dataclasses.replace(header(), format=1))
    writer.close()
    with open(jpath, "ab") as f:
        f.write(b'{"kind":"session_started","at":%d,"script_id":"im-standard"}\n' % (T0 + 5))
    (event,) = read_journal(jpath).events
    assert event == SessionStarted(at=T0 + 5, script_id="im-standard") and event.speed == 1.0


def test_a_long_journal_is_listed_from_its_ends_and_still_correct(clock, monkeypatch):
    monkeypatch.setattr(reading, "_WINDOW", 512)
    store = JournalStore()
    ended = _start(store, clock, client="LONG")
    writer = JournalWriter.open_existing(store.path_for(ended))
    for i in range(100):
        writer.append(NoteAdded(at=clock.now() + i, text=f"note {i} " + "x" * 40))
    writer.append(SessionEnded(at=clock.now() + 200))
    for i in range(50):  # long paperwork after the end: the end is no longer in the tail window
        writer.append(NoteAdded(at=clock.now() + 300 + i, text="afterwards " + "y" * 40))
    writer.close()
    clock.advance(60)
    running = _start(store, clock, client="RUN")
    writer = JournalWriter.open_existing(store.path_for(running))
    for i in range(100):
        writer.append(NoteAdded(at=clock.now() + i, text="z" * 60))
    writer.close()
    with open(store.path_for(running), "ab") as f:
        f.write(b'{"kind":"note_added","at":99')  # torn
    by_id = {s.session_id: s for s in store.list_sessions()}
    assert by_id[ended].finished and by_id[ended].client_code == "LONG"
    assert by_id[ended].last_event_at == clock.now() - 60 + 349
    assert not by_id[running].finished and by_id[running].client_code == "RUN"
    assert by_id[running].last_event_at == clock.now() + 99
    assert store.path_for(ended).stat().st_size > 4 * 512


def test_a_long_finished_journal_is_listed_without_reading_it_all(clock, monkeypatch):
    monkeypatch.setattr(reading, "_WINDOW", 512)
    store = JournalStore()
    session_id = _start(store, clock, client="C")
    writer = JournalWriter.open_existing(store.path_for(session_id))
    for i in range(100):
        writer.append(NoteAdded(at=clock.now() + i, text="n" * 60))
    writer.append(SessionEnded(at=clock.now() + 500))
    writer.close()
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read the whole journal"))
    (summary,) = store.list_sessions()
    assert summary.finished and summary.duration == 500 and summary.client_code == "C"


def test_decode_line_reads_one_line_as_replay_does():
    assert journal_module.decode_line(journal_module.encode_event(note(3)).rstrip(b"\n")) == note(3)
    with pytest.raises(ValueError, match="wrong type"):
        journal_module.decode_line(b'{"kind":"paused","at":"later"}')
