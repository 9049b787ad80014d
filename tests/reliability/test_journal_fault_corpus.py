"""A fault corpus: journals mutated in 100 ways, each through every reader (issue 12).

One good journal (the bundled demo script, a dose, vitals, notes, a pause, an exercise, a
distress mark), plain and encrypted, is broken line by line, value by value, byte by byte and
header by header. Each broken journal sits beside a good one in a fresh data folder and goes
through:

- `companion sessions` and `companion report` in every format, by id and by path (the real
  commands, in this process): exit 0 or 1, a plain message, never a traceback;
- resume: `companion resume`'s lookup, then the session reopened as the console reopens it,
  its state and its client view computed;
- the display: the client display's own reading of the session (`display/follow.py`: tail,
  script lookup, client view), its screen left out.

Each mutation runs under a 10 s alarm: a reader that loops or blocks fails, it does not hang
the suite. The good journal beside it must stay listed and reportable whatever its neighbour
holds. A sample also goes through the installed command in a subprocess.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from companion import paths
from companion.cli import main
from companion.commands.resume import find_session
from companion.core.clock import FakeClock
from companion.core.journal import crypto
from companion.core.journal.store import JournalError, JournalStore
from companion.core.report.files import FORMATS
from companion.core.scripts.library import load_library
from companion.core.scripts.loading import load_session
from companion.core.session import LiveSession

START = 1_800_000_000.0
SECRET = "corpus passphrase"
PYTHON_NAMES = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|File \"")

Mutation = Callable[[list[bytes]], list[bytes]]


def _good_journal(root: Path, encrypt: bool, start: float) -> Path:
    store = JournalStore(root, encrypt=encrypt)
    script = load_session(paths.bundled_scripts_dir() / "sessions" / "demo.yaml")
    clock = FakeClock(start)
    session = LiveSession.start(script, store, clock, client_code="K-1")
    clock.advance(60)
    session.record_vitals(systolic=120, diastolic=80, heart_rate=70, spo2=98)
    session.add_note("arrived calm")
    session.next_phase()
    clock.advance(60)
    session.give_dose(50)
    clock.advance(300)
    session.pause()
    clock.advance(30)
    session.resume_clock()
    session.exercise_started("five-senses")
    session.exercise_moved("five-senses", "forward", 12.0)
    session.exercise_finished("five-senses", step=3)
    session.mark_distress("a wave")
    session.adjust(300)
    session.add_note("settling [b]bold[/b] <i>x</i>")
    session.close()
    return store.path_for(session.session_id)


# -- the mutations ------------------------------------------------------------------------------


def _on_line(index: int, change: Callable[[bytes], bytes]) -> Mutation:
    def mutate(lines: list[bytes]) -> list[bytes]:
        out = list(lines)
        out[index] = change(out[index])
        return out

    return mutate


def _record_edit(index: int, field: str, raw: str) -> Mutation:
    """Set `field` of the record on line `index` to the JSON text `raw` (which may be invalid)."""

    def change(line: bytes) -> bytes:
        record = json.loads(line)
        record[field] = "@@VALUE@@"
        return json.dumps(record).replace('"@@VALUE@@"', raw).encode() + b"\n"

    return _on_line(index, change)


def _record_drop(index: int, field: str) -> Mutation:
    def change(line: bytes) -> bytes:
        record = json.loads(line)
        record.pop(field, None)
        return json.dumps(record).encode() + b"\n"

    return _on_line(index, change)


def _bit_flip(seed: int) -> Mutation:
    def mutate(lines: list[bytes]) -> list[bytes]:
        data = bytearray(b"".join(lines))
        rng = random.Random(seed)
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
        return [bytes(data)]

    return mutate


def _cut(fraction: float) -> Mutation:
    def mutate(lines: list[bytes]) -> list[bytes]:
        data = b"".join(lines)
        return [data[: int(len(data) * fraction)]]

    return mutate


EVENT = 3  # a vitals reading in the good journal (line 4)
NOTE = 4
PLAIN: dict[str, Mutation] = {
    # lines
    "empty": lambda lines: [],
    "header only": lambda lines: lines[:1],
    "no header": lambda lines: lines[1:],
    "first event deleted": lambda lines: lines[:1] + lines[2:],
    "middle line deleted": lambda lines: lines[:5] + lines[6:],
    "last line deleted": lambda lines: lines[:-1],
    "middle line twice": lambda lines: lines[:5] + [lines[5]] + lines[5:],
    "last line twice": lambda lines: lines + lines[-1:],
    "every line twice": lambda lines: lines[:1] + [line for line in lines[1:] for _ in (0, 1)],
    "two lines swapped": lambda lines: lines[:3] + [lines[4], lines[3]] + lines[5:],
    "events reversed": lambda lines: lines[:1] + lines[1:][::-1],
    "header twice": lambda lines: lines[:1] + lines,
    "cut mid header": _cut(0.02),
    "cut mid journal": _cut(0.6),
    "cut at a line boundary": lambda lines: lines[:7],
    "CRLF endings": lambda lines: [line.replace(b"\n", b"\r\n") for line in lines],
    "BOM first": lambda lines: [b"\xef\xbb\xbf" + lines[0]] + lines[1:],
    "garbage line": lambda lines: lines[:3] + [b"not json at all\n"] + lines[3:],
    "NUL bytes": lambda lines: lines[:3] + [b"\x00" * 500 + b"\n"] + lines[3:],
    "invalid UTF-8": lambda lines: (
        lines[:3] + [b'{"kind":"note_added","at":1800000100,"text":"\xff\xfe"}\n'] + lines[3:]
    ),
    "nested 200,000 deep": lambda lines: lines[:3] + [b"[" * 200_000 + b"]" * 200_000 + b"\n"] + lines[3:],
    "nested object deep": lambda lines: lines[:3] + [b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"\n"] + lines[3:],
    "a 9 MB line": lambda lines: (
        lines[:3] + [b'{"kind":"note_added","text":"' + b"x" * 9_000_000 + b'"}\n'] + lines[3:]
    ),
    "a line without newline at the end": lambda lines: lines + [b'{"kind":"paused","at":1800000999'],
    "an array line": lambda lines: lines[:3] + [b"[1, 2, 3]\n"] + lines[3:],
    # event values
    "at 1e999": _record_edit(NOTE, "at", "1e999"),
    "at -1e999": _record_edit(NOTE, "at", "-1e999"),
    "at 1e300": _record_edit(NOTE, "at", "1e300"),
    "at 1e12": _record_edit(NOTE, "at", "1e12"),
    "at NaN": _record_edit(NOTE, "at", "NaN"),
    "at Infinity": _record_edit(NOTE, "at", "Infinity"),
    "at text": _record_edit(NOTE, "at", '"noon"'),
    "at null": _record_edit(NOTE, "at", "null"),
    "at true": _record_edit(NOTE, "at", "true"),
    "at negative": _record_edit(NOTE, "at", "-1"),
    "at 254 years ahead": _record_edit(NOTE, "at", str(START + 254 * 365 * 86400)),
    "at a huge integer": _record_edit(NOTE, "at", "1" + "0" * 400),
    "at 5000 digits": _record_edit(NOTE, "at", "9" * 5000),
    "no at": _record_drop(NOTE, "at"),
    "vitals 10**300": _record_edit(EVENT, "systolic", str(10**300)),
    "vitals negative": _record_edit(EVENT, "systolic", "-5"),
    "vitals as text": _record_edit(EVENT, "heart_rate", '"70"'),
    "vitals float": _record_edit(EVENT, "spo2", "97.5"),
    "vitals huge float": _record_edit(EVENT, "spo2", "1e308"),
    "note text a number": _record_edit(NOTE, "text", "5"),
    "note text a list": _record_edit(NOTE, "text", "[1, 2]"),
    "note text an object": _record_edit(NOTE, "text", '{"a": 1}'),
    "note text escape codes": _record_edit(NOTE, "text", '"\\u001b[2J\\u001b[H gone"'),
    "note text 1 MB": _record_edit(NOTE, "text", '"' + "y" * 1_000_000 + '"'),
    "unknown kind": _record_edit(NOTE, "kind", '"mood_changed"'),
    "kind a number": _record_edit(NOTE, "kind", "7"),
    "no kind": _record_drop(NOTE, "kind"),
    "extra field": _record_edit(NOTE, "mood", '"ok"'),
    "sequence number 0": _record_edit(NOTE, "n", "0"),
    "sequence number negative": _record_edit(NOTE, "n", "-3"),
    "sequence number text": _record_edit(NOTE, "n", '"4"'),
    "sequence number 2**60": _record_edit(NOTE, "n", str(2**60)),
    "sequence number repeated": _record_edit(NOTE, "n", "2"),
    "no sequence number": _record_drop(NOTE, "n"),
    "move unknown": _record_edit(2, "move", '"sideways"'),
    # header
    "format 99": _record_edit(0, "format", "99"),
    "format text": _record_edit(0, "format", '"2"'),
    "format true": _record_edit(0, "format", "true"),
    "format 1 with numbered lines": _record_edit(0, "format", "1"),
    "created NaN": _record_edit(0, "created", "NaN"),
    "created 1e999": _record_edit(0, "created", "1e999"),
    "created 1e12": _record_edit(0, "created", "1e12"),
    "created negative": _record_edit(0, "created", "-1"),
    "created text": _record_edit(0, "created", '"today"'),
    "speed 0": _record_edit(0, "speed", "0"),
    "speed negative": _record_edit(0, "speed", "-1"),
    "speed NaN": _record_edit(0, "speed", "NaN"),
    "speed 1e9": _record_edit(0, "speed", "1e9"),
    "session id escapes": _record_edit(0, "session_id", '"../../escaped"'),
    "session id empty": _record_edit(0, "session_id", '""'),
    "session id a number": _record_edit(0, "session_id", "5"),
    "session id escape codes": _record_edit(0, "session_id", '"\\u001b[2Jx"'),
    "script id escape codes": _record_edit(0, "script_id", '"\\u001b[2Jdemo"'),
    "script id unknown": _record_edit(0, "script_id", '"no-such-script"'),
    "rehearsal text": _record_edit(0, "rehearsal", '"yes"'),
    "encryption garbage": _record_edit(0, "encryption", '{"scheme": "rot13"}'),
    "script text a number": _record_edit(0, "script_text", "12"),
    "script text broken YAML": _record_edit(0, "script_text", '"id: demo\\nphases: ["'),
    "script text another script": _record_edit(0, "script_text", '"id: other\\ntitle: O\\nroute: IM\\nphases: []"'),
    "no script text": _record_drop(0, "script_text"),
    "header an array": _on_line(0, lambda line: b"[1]\n"),
    "header nested deep": _on_line(0, lambda line: b"[" * 100_000 + b"\n"),
    # bytes
    **{f"bit flip {seed}": _bit_flip(seed) for seed in range(12)},
}

SEALED: dict[str, Mutation] = {
    "sealed line deleted": lambda lines: lines[:4] + lines[5:],
    "sealed lines reordered": lambda lines: lines[:3] + [lines[4], lines[3]] + lines[5:],
    "sealed line replayed": lambda lines: lines + [lines[4]],
    "sealed cut at a line boundary": lambda lines: lines[:6],
    "sealed header made a rehearsal": _on_line(0, lambda line: line.replace(b'"rehearsal":false', b'"rehearsal":true')),
    "sealed check damaged": _on_line(0, lambda line: re.sub(rb'"check":"[^"]{4}', b'"check":"AAAA', line)),
    "sealed scrypt cost 2**40": _on_line(0, lambda line: line.replace(b'"n":16384', b'"n":1099511627776')),
    "sealed number edited": _on_line(4, lambda line: re.sub(rb'"n":\d+', b'"n":77', line)),
    "sealed token cut": _on_line(4, lambda line: line[:40] + b'"}\n'),
    "sealed script damaged": _on_line(
        0, lambda line: re.sub(rb'"script_sealed":"[^"]{6}', b'"script_sealed":"AAAAAA', line)
    ),
    **{f"sealed bit flip {seed}": _bit_flip(100 + seed) for seed in range(4)},
}


def test_the_corpus_is_large_enough():
    assert len(PLAIN) + len(SEALED) >= 100


# -- the readers --------------------------------------------------------------------------------


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang("a reader took more than 10 s")


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COMPANION_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.delenv(crypto.ENVIRONMENT, raising=False)
    crypto.forget()
    previous = signal.signal(signal.SIGALRM, _alarm)
    yield tmp_path
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
    crypto.forget()


def _command(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def _plain(text: str, what: str) -> None:
    assert not PYTHON_NAMES.search(text), f"{what}: {text[:600]}"
    assert "\x1b" not in text, f"{what}: an escape code reached the terminal"


def _through_every_reader(capsys, journals: Path, damaged: Path, good: Path) -> None:
    signal.alarm(10)
    try:
        code, out, err = _command(capsys, "sessions")
        assert code == 0, err
        _plain(out + err, "sessions")
        assert good.stem in out, "the good session must stay listed beside a damaged one"
        for ref, formats in ((damaged.stem, ("md",)), (str(damaged), FORMATS)):
            for fmt in formats:
                code, out, err = _command(capsys, "report", ref, "--format", fmt)
                assert code in (0, 1), err
                _plain(err, f"report {fmt}")
                if fmt != "json":
                    _plain(out, f"report {fmt}")
                if code == 1:
                    assert err.startswith("companion report: ") and len(err.splitlines()) == 1, err
        code, out, err = _command(capsys, "report", str(damaged), "--format", "md", "-o", str(journals.parent / "r.md"))
        assert code in (0, 1) and not PYTHON_NAMES.search(err), err
        code, out, err = _command(capsys, "report", good.stem, "--format", "md")
        assert code == 0, err
        _resume(journals, damaged)
        _display(journals, damaged)
    finally:
        signal.alarm(0)


def _resume(journals: Path, damaged: Path) -> None:
    """As `companion resume ID` and the console do it, without the screen."""
    store = JournalStore(journals)
    found = find_session(damaged.stem, [store])
    if isinstance(found, str):
        assert not PYTHON_NAMES.search(found), found
        return
    library = load_library([])
    try:
        script = library.session(found.script_id)
    except LookupError:
        script = None
    try:
        session = LiveSession.resume(script, store, found.session_id, clock_factory=lambda speed, at: FakeClock(at))
    except JournalError as error:
        assert not PYTHON_NAMES.search(str(error)), error
        return
    state = session.state()
    from companion.core.client_view import client_view

    client_view(session.script, session.events, library.exercises, state.now)
    session.add_note("after the resume")
    session.close()


def _display(journals: Path, damaged: Path) -> None:
    """The client display's reading of the session (display/follow.py, which the terminal view
    and the web page's server both use), its screen left out."""
    from companion.display.follow import Follower

    follower = Follower(str(damaged), [JournalStore(journals)], wall=lambda: START + 900)
    problem = follower.start()
    if problem is not None:
        assert not PYTHON_NAMES.search(problem), problem
        return
    follower.poll()
    assert follower.poll().mode in ("waiting", "session", "exercise", "ended")


def _prepare(data: Path, encrypt: bool, mutation: Mutation) -> tuple[Path, Path, Path]:
    journals = paths.journals_dir()
    good = _good_journal(journals, encrypt, START)
    damaged = _good_journal(journals, encrypt, START + 3600)
    lines = damaged.read_bytes().splitlines(keepends=True)
    damaged.write_bytes(b"".join(mutation(lines)))
    return journals, damaged, good


@pytest.mark.parametrize("name", list(PLAIN))
def test_a_damaged_journal_takes_nothing_down(data, capsys, name):
    journals, damaged, good = _prepare(data, False, PLAIN[name])
    _through_every_reader(capsys, journals, damaged, good)


@pytest.mark.parametrize("name", list(SEALED))
def test_a_damaged_encrypted_journal_takes_nothing_down(data, capsys, monkeypatch, name):
    monkeypatch.setenv(crypto.ENVIRONMENT, SECRET)
    journals, damaged, good = _prepare(data, True, SEALED[name])
    crypto.forget()
    _through_every_reader(capsys, journals, damaged, good)


def test_an_encrypted_report_asking_for_a_huge_scrypt_cost_is_refused_at_once(data, capsys, monkeypatch):
    monkeypatch.setenv(crypto.ENVIRONMENT, SECRET)
    report = data / "r.md.enc"
    sealed = crypto.seal_file_text("a report").replace(b'"n": 16384', b'"n": 1099511627776')
    report.write_bytes(sealed)
    signal.alarm(10)
    code, out, err = _command(capsys, "report", str(report))
    signal.alarm(0)
    assert code == 1 and "unreasonable scrypt cost" in err


# -- a sample through the installed command --------------------------------------------------------

SAMPLE = ["nested 200,000 deep", "at 1e999", "created NaN", "vitals 10**300", "session id escapes", "bit flip 3"]


@pytest.mark.parametrize("name", SAMPLE)
def test_the_installed_command_answers_plainly(data, name):
    journals, damaged, good = _prepare(data, False, PLAIN[name])
    command = shutil.which("companion") or str(Path(sys.executable).with_name("companion"))
    for argv in (["sessions"], ["report", str(damaged)], ["report", str(damaged), "--format", "html"]):
        done = subprocess.run(
            [command, *argv],
            capture_output=True,
            text=True,
            timeout=20,
            env=os.environ.copy(),
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode in (0, 1), done.stderr
        assert not PYTHON_NAMES.search(done.stderr) and "\x1b" not in done.stdout, done.stderr
