"""The display's parts without a screen: following a journal, what the client may see, the colour."""

from __future__ import annotations

import json
import os

import pytest

from companion.core.client_view import client_view
from companion.core.events import (
    DoseGiven,
    ExerciseFinished,
    ExerciseMoved,
    ExerciseStarted,
    NoteAdded,
    PhaseStarted,
    SessionEnded,
    SessionStarted,
    VitalsRecorded,
    to_record,
)
from companion.core.journal.store import JournalHeader
from companion.core.journal.tail import JournalTail
from companion.core.scripts.library import load_library
from companion.display.follow import SessionTime
from companion.display.serve import is_loopback, network_warning
from companion.display.terminal import AMBIENT_STEP_SECONDS, ambient_colour

T0 = 1_800_000_000.0
HEADER = {
    "format": 1,
    "session_id": "s1",
    "script_id": "demo",
    "script_hash": "",
    "script_path": "",
    "created": T0,
    "speed": 1.0,
    "rehearsal": False,
}


def _line(record: dict) -> bytes:
    return (json.dumps(record, separators=(",", ":")) + "\n").encode()


@pytest.fixture
def journal(tmp_path):
    path = tmp_path / "s1.jsonl"
    path.write_bytes(_line(HEADER) + _line(to_record(SessionStarted(T0, script_id="demo"))))
    return path


def test_tail_reads_the_header_and_events(journal):
    tail = JournalTail(journal)
    assert tail.poll() is True
    assert tail.header.session_id == "s1"
    assert [e.KIND for e in tail.events] == ["session_started"]
    assert tail.poll() is False  # nothing new


def test_tail_leaves_a_half_written_line_until_its_newline(journal):
    tail = JournalTail(journal)
    tail.poll()
    whole = _line(to_record(NoteAdded(T0 + 5, text="hello")))
    with open(journal, "ab") as stream:
        stream.write(whole[:10])
    tail.poll()
    assert len(tail.events) == 1
    with open(journal, "ab") as stream:
        stream.write(whole[10:])
    assert tail.poll() is True
    assert tail.events[-1] == NoteAdded(T0 + 5, text="hello")


def test_tail_starts_again_when_the_file_shrinks_or_is_replaced(journal):
    tail = JournalTail(journal)
    with open(journal, "ab") as stream:
        stream.write(_line(to_record(NoteAdded(T0 + 5, text="a"))))
    tail.poll()
    assert len(tail.events) == 2
    journal.write_bytes(_line(HEADER))  # shorter than what was read
    assert tail.poll() is True
    assert tail.events == []
    replacement = journal.with_suffix(".new")
    replacement.write_bytes(_line({**HEADER, "session_id": "s2"}) + _line(to_record(SessionStarted(T0))))
    os.replace(replacement, journal)
    tail.poll()
    assert tail.header.session_id == "s2" and len(tail.events) == 1


def test_tail_skips_lines_that_are_not_events(journal):
    with open(journal, "ab") as stream:
        stream.write(b'{"kind":"no_such_event","at":1}\nnot json\n')
        stream.write(_line(to_record(NoteAdded(T0 + 9, text="after"))))
    tail = JournalTail(journal)
    tail.poll()
    assert tail.skipped == 2
    assert tail.events[-1].text == "after"


def test_tail_of_a_missing_file_waits(tmp_path):
    tail = JournalTail(tmp_path / "later.jsonl")
    assert tail.poll() is False and tail.missing


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_client_view_carries_only_client_words(library):
    demo = library.session("demo")
    events = [
        SessionStarted(T0, script_id="demo", client_code="K-SECRET"),
        PhaseStarted(T0, phase_id="arrival", move="start"),
        NoteAdded(T0 + 1, text="PRIVATE"),
        VitalsRecorded(T0 + 2, systolic=190),
        DoseGiven(T0 + 3, amount=50, lot="LOT-X"),
    ]
    view = client_view(demo, events, library.exercises, T0 + 10)
    assert view.mode == "session"
    assert view.text == demo.phases[0].client
    assert view.exercise is None
    assert not any(secret in repr(view) for secret in ("K-SECRET", "PRIVATE", "190", "LOT-X", demo.phases[0].guide))


def test_client_view_of_an_exercise_and_of_its_end(library):
    demo = library.session("demo")
    five = library.exercise("five-senses")
    events = [SessionStarted(T0, script_id="demo"), ExerciseStarted(T0 + 60, exercise_id="five-senses")]
    intro = client_view(demo, events, library.exercises, T0 + 61)
    assert intro.mode == "exercise" and intro.exercise.stage == "intro"
    first = client_view(demo, events, library.exercises, T0 + 60 + 8 + 1)
    assert first.exercise.stage == "step" and first.exercise.text == five.steps[0].say.strip()
    assert first.exercise.step_index == 0 and first.exercise.step_total == len(five.steps)
    over = client_view(demo, events, library.exercises, T0 + 60 + five.length + 60)
    assert over.mode == "session"  # its time is over: back to the phase's words
    ended = client_view(demo, [*events, SessionEnded(T0 + 100)], library.exercises, T0 + 101)
    assert ended.mode == "ended"


def test_client_view_without_the_script_shows_no_words():
    events = [SessionStarted(T0, script_id="gone")]
    assert client_view(None, events, {}, T0 + 5).text == ""
    assert client_view(None, [*events, SessionEnded(T0 + 9)], {}, T0 + 10).mode == "ended"
    assert client_view(None, [], {}, T0).mode == "waiting"


def test_ambient_colour_is_nearly_dark_and_never_jumps():
    previous = ambient_colour(0.0)
    largest_step = 0.0
    for step in range(1, 2000):
        colour = ambient_colour(step * AMBIENT_STEP_SECONDS)
        assert max(colour.r, colour.g, colour.b) <= 40  # nearly dark, never bright
        largest_step = max(
            largest_step, abs(colour.r - previous.r), abs(colour.g - previous.g), abs(colour.b - previous.b)
        )
        previous = colour
    assert largest_step <= 1  # one step of 0..255 per channel at most: no flash
    assert ambient_colour(0.0) != ambient_colour(300.0)  # it does drift


def test_session_time_follows_a_rehearsals_speed():
    wall = [T0 + 10]
    clock = SessionTime(lambda: wall[0])
    assert clock.now() == T0 + 10
    clock.header = JournalHeader(1, "s", "demo", "", "", created=T0, speed=60.0, rehearsal=True)
    assert clock.now() == T0 + 600
    clock.floor = T0 + 900  # an event already later than the estimate
    assert clock.now() == T0 + 900


def test_an_exercise_in_a_rehearsal_runs_in_real_seconds():
    wall = [T0 + 10]
    clock = SessionTime(lambda: wall[0])
    clock.header = JournalHeader(1, "s", "demo", "", "", created=T0, speed=60.0, rehearsal=True)
    started = clock.now()  # session time T0 + 600, an exercise starts
    wall[0] += 10
    assert clock.now() == started + 600  # the session's clock ran ten minutes
    assert clock.exercise_now(started) == pytest.approx(started + 10)  # the exercise, ten seconds


def test_client_view_follows_the_exercises_own_clock(library):
    demo = library.session("demo")
    events = [SessionStarted(T0, script_id="demo"), ExerciseStarted(T0 + 60, exercise_id="five-senses")]
    # An hour on the session's clock, but five seconds on the exercise's: still the intro.
    view = client_view(demo, events, library.exercises, T0 + 3600, lambda started: started + 5)
    assert view.mode == "exercise" and view.exercise.stage == "intro"


def test_serving_beyond_loopback_is_warned_about():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert network_warning("127.0.0.1", 8000) is None
    warning = network_warning("0.0.0.0", 8000)
    assert warning and "Anyone on this network" in warning
    assert not is_loopback("192.168.1.20") and not is_loopback("laptop.local")


def test_a_port_in_use_is_found_before_the_server_says_it_serves():
    import socket

    from companion.display.serve import port_problem

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert port_problem("127.0.0.1", port)
    assert port_problem("127.0.0.1", port) is None
    assert "not an address" in port_problem("no.such.host.invalid", 8000)


def test_the_serve_command_refuses_a_port_in_use_plainly(capsys):
    import socket

    from companion.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(SystemExit) as done:
            main(["display", "--serve", "--port", str(taken.getsockname()[1])])
    assert done.value.code == 1
    captured = capsys.readouterr()
    assert "cannot serve on 127.0.0.1" in captured.err and "Serving" not in captured.out


def test_client_view_follows_the_therapists_moves_in_an_exercise(library):
    demo = library.session("demo")
    five = library.exercise("five-senses")
    start = T0 + 60
    events = [SessionStarted(T0, script_id="demo"), ExerciseStarted(start, exercise_id="five-senses")]

    def view(*moves, at):
        return client_view(demo, [*events, *moves], library.exercises, start + at).exercise

    # Skipped on from the intro at 2 s, then twice more at 5 s: the third step from 5 s on.
    on = [
        ExerciseMoved(start + 2, "five-senses", "forward", 2.0),
        ExerciseMoved(start + 5, "five-senses", "forward", 5.0),
        ExerciseMoved(start + 5, "five-senses", "forward", 5.0),
    ]
    third = view(*on, at=6)
    assert (third.stage, third.step_index, third.text) == ("step", 2, five.steps[2].say.strip())
    assert third.stage_started_at == start + 5 and third.held is None
    # Back once at 7 s: the second step, from its start.
    back = view(*on, ExerciseMoved(start + 7, "five-senses", "back", 7.0), at=8)
    assert (back.step_index, back.stage_started_at) == (1, start + 7)
    # Held at 10 s (5 s into the third step): still there, still 5 s in, a minute later.
    held = [*on, ExerciseMoved(start + 10, "five-senses", "pause", 10.0)]
    paused = view(*held, at=70)
    assert (paused.step_index, paused.held) == (2, 5.0)
    # Let go at 70 s: it runs on from where it was held, so its 35 s end 30 s later.
    going = [*held, ExerciseMoved(start + 70, "five-senses", "resume", 70.0)]
    assert view(*going, at=99).step_index == 2
    assert view(*going, at=101).step_index == 3
    # Moves of another exercise, or of a kind this version does not know, change nothing.
    other = [
        ExerciseMoved(start + 2, "box-breathing", "forward", 2.0),
        ExerciseMoved(start + 2, "five-senses", "somersault", 2.0),
    ]
    assert view(*other, at=3).stage == "intro"


def test_the_moves_of_an_earlier_run_of_the_same_exercise_are_not_replayed(library):
    demo = library.session("demo")
    events = [
        SessionStarted(T0, script_id="demo"),
        ExerciseStarted(T0 + 10, exercise_id="five-senses"),
        ExerciseMoved(T0 + 11, "five-senses", "forward", 1.0),
        ExerciseFinished(T0 + 12, exercise_id="five-senses", completed=False),
        ExerciseStarted(T0 + 100, exercise_id="five-senses"),
    ]
    assert client_view(demo, events, library.exercises, T0 + 101).exercise.stage == "intro"


def test_the_pages_message_carries_the_client_words_and_nothing_else(library):
    from companion.display.web.feed import view_message

    demo = library.session("demo")
    events = [
        SessionStarted(T0, script_id="demo", client_code="K-SECRET"),
        PhaseStarted(T0, phase_id="arrival", move="start"),
        NoteAdded(T0 + 1, text="PRIVATE"),
        VitalsRecorded(T0 + 2, systolic=190),
    ]
    clock = SessionTime(lambda: T0 + 10)
    message = view_message(client_view(demo, events, library.exercises, T0 + 10), clock)
    assert message == {"type": "view", "mode": "session", "words": demo.phases[0].client, "status": ""}
    waiting = view_message(client_view(demo, [], library.exercises, T0), clock)
    assert waiting["mode"] == "waiting" and waiting["status"] == "Waiting for a session to start."


def test_the_pages_message_of_an_exercise_counts_seconds_into_its_stage(library):
    from companion.display.web.feed import view_message

    demo = library.session("demo")
    five = library.exercise("five-senses")
    events = [SessionStarted(T0, script_id="demo"), ExerciseStarted(T0 + 60, exercise_id="five-senses")]
    now = T0 + 60 + 8 + 3  # 3 s into the first step
    clock = SessionTime(lambda: now)
    step = view_message(client_view(demo, events, library.exercises, now, clock.exercise_now), clock)["exercise"]
    assert step["stage"] == "step" and step["text"] == five.steps[0].say.strip()
    assert step["dots"] == [0, len(five.steps)] and step["elapsed"] == pytest.approx(3.0)
    assert step["stageSeconds"] == five.steps[0].seconds and step["held"] is False and "pattern" not in step

    box = library.exercise("box-breathing")
    events = [SessionStarted(T0, script_id="demo"), ExerciseStarted(T0 + 60, exercise_id="box-breathing")]
    held = [*events, ExerciseMoved(T0 + 60 + 8 + 5, "box-breathing", "pause", 13.0)]
    later = T0 + 60 + 8 + 40
    clock = SessionTime(lambda: later)
    breath = view_message(client_view(demo, held, library.exercises, later, clock.exercise_now), clock)["exercise"]
    assert breath["stage"] == "breathing" and breath["held"] is True and breath["elapsed"] == pytest.approx(5.0)
    assert breath["pattern"] == {"in": 4.0, "hold": 4.0, "out": 4.0, "rest": 4.0} and breath["rounds"] == box.rounds
    assert breath["dots"] == [None, 0]


def test_a_host_header_is_read_as_the_browser_wrote_it():
    from companion.display.web.server import _hostname

    assert _hostname("127.0.0.1:8000") == "127.0.0.1"
    assert _hostname("[::1]:8000") == "::1"
    assert _hostname("LocalHost:80") == "localhost"
    assert _hostname("rebound.example") == "rebound.example"


def test_the_printed_address_carries_the_key_and_the_host_others_reach():
    from companion.display.serve import page_url, qr_code, reachable_host

    assert page_url("127.0.0.1", 8000, "abc") == "http://127.0.0.1:8000/?t=abc"
    assert page_url("::1", 8000, "abc") == "http://[::1]:8000/?t=abc"
    assert reachable_host("192.168.1.20") == "192.168.1.20"
    assert reachable_host("0.0.0.0") not in ("0.0.0.0", "")
    drawn = qr_code("http://192.168.1.20:8000/?t=abc")
    assert len(drawn.splitlines()) > 10 and "\u2588" in drawn


def test_a_journal_is_in_use_only_while_a_console_writes_it(tmp_path):
    from companion.core.clock import FakeClock
    from companion.core.journal.in_use import open_elsewhere
    from companion.core.journal.store import JournalStore
    from companion.core.session import LiveSession
    from companion.display.follow import journal_in_use

    session = LiveSession.start(load_library().session("demo"), JournalStore(tmp_path), FakeClock())
    path = session.writer.path
    assert journal_in_use(path) and open_elsewhere(path)
    session.close()
    assert not journal_in_use(path) and not open_elsewhere(path)
    assert not journal_in_use(tmp_path / "missing.jsonl")


def test_where_proc_locks_does_not_name_the_files_a_lock_is_tried_instead(tmp_path, monkeypatch):
    from companion.core.clock import FakeClock
    from companion.core.journal.store import JournalStore
    from companion.core.session import LiveSession
    from companion.display import follow

    monkeypatch.setattr(follow, "_lock_table", lambda: "")  # a /proc/locks that shows nothing
    monkeypatch.setattr(follow, "_PROC_LOCKS_WORK", {})
    session = LiveSession.start(load_library().session("demo"), JournalStore(tmp_path), FakeClock())
    assert follow.journal_in_use(session.writer.path)
    assert follow._PROC_LOCKS_WORK == {tmp_path: False}
    session.close()
    assert not follow.journal_in_use(session.writer.path)
    assert list(tmp_path.glob(".screen-lock-check-*")) == []


def test_the_serve_command_refuses_a_font_scale_out_of_range(capsys):
    from companion.cli import main

    with pytest.raises(SystemExit) as done:
        main(["display", "--serve", "--font-scale", "9"])
    assert done.value.code == 2
    assert "--font-scale must be between 0.5 and 3" in capsys.readouterr().err
