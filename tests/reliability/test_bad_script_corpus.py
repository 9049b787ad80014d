"""A corpus of malformed scripts, exercises and playlist catalogues: each one a clear error, fast.

Three sources, about 300 fixed inputs and 140 drawn by hypothesis:
- hand-written files in tests/bad_scripts/{sessions,exercises,playlists,assessments}/, each starting with
  `# expect: X` where X is the field the first problem must name (or words its message holds);
- inputs made here: empty, blank, 10 MB, binary garbage, invalid UTF-8, UTF-16, NUL bytes, BOM
  and CRLF, deep nesting, alias bombs, a folder or a FIFO where a file should be, and every
  field of a valid script given each wrong kind of value;
- hypothesis: random mutations of a valid script and random YAML documents (not always
  malformed: the rule there is only "loads, or a clear error").

"A clear error": at least one problem, each `FILE:LINE:COL: [field: ]message` with FILE the
input, LINE within the file, a message of plain words (no traceback, no Python type names);
never an exception. Each input is timed through the library loader and must take under a
second (a generous bound: most take a few milliseconds). A sample also goes through the
`companion validate` and `companion run` commands in a subprocess.
"""

from __future__ import annotations

import os
import random
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.core.scripts.library import load_library
from companion.core.scripts.problems import Problem

CORPUS = Path(__file__).resolve().parents[1] / "bad_scripts"
KINDS = ("sessions", "exercises", "playlists", "assessments")
PER_INPUT_SECONDS = 1.0  # of CPU: a guard against inputs that make the reader hang, whatever the load
DUMMY_AUDIO = ("nothing.ogg", "bell.ogg", "x.ogg")  # named by the catalogue files, so only the intended problem shows
PYTHON_WORDS = re.compile(r"Traceback|NoneType|\bdict\b|\bstr\b|Error\(|object at 0x|<class ")

VALID_SESSION = """\
id: corpus
title: Corpus session
route: IM
description: A valid script the generated inputs break one field at a time.
safety:
  systolic_max: 180
  heart_rate_max: 110
  source: example
phases:
  - id: arrival
    title: Arrival
    duration: 15m
    advance: manual
    guide: Review intention.
    client: Settle in.
    music: none
    volume: 0.35
    checklist: [Blood pressure taken]
    vitals: true
  - id: dosing
    title: Dosing
    duration: 5m
    dose: true
    music: none
    reminders:
      - id: check
        after_dose: 2m
        text: Check
"""


def hand_written() -> list[Path]:
    return sorted(path for kind in KINDS for path in (CORPUS / kind).glob("*.yaml"))


def expectation(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode()
    assert first.startswith("# expect: "), f"{path} has no '# expect:' first line"
    return first[len("# expect: ") :].strip()


def place(root: Path, kind: str, name: str, data: bytes | None) -> tuple[Path, Path]:
    """Put one input where the library looks for its kind: (the folder to load, the file)."""
    folder = root / f"{kind}-{name}"
    target = folder / ("playlists.yaml" if kind == "playlists" else f"{kind}/{name}.yaml")
    target.parent.mkdir(parents=True, exist_ok=True)
    if data is not None:
        target.write_bytes(data)
    for audio in DUMMY_AUDIO:
        (folder / audio).write_bytes(b"")
    return folder, target


def load_timed(folder: Path) -> tuple[list[Problem], float]:
    started = time.process_time()
    library = load_library([folder])
    elapsed = time.process_time() - started
    mine = [problem for problem in library.problems if _under(problem.file, folder)]
    return mine, elapsed


def _under(path: Path, folder: Path) -> bool:
    """Inside `folder`, by the name given (a symlink may point anywhere)."""
    return os.path.abspath(path).startswith(os.path.abspath(folder) + os.sep) or Path(path) == folder


def assert_clear(problems: list[Problem], target: Path, elapsed: float, lines: int | None = None) -> None:
    assert problems, f"{target}: loaded without a single problem"
    assert elapsed < PER_INPUT_SECONDS, f"{target}: took {elapsed:.2f} s"
    for problem in problems:
        text = str(problem)
        assert text.startswith(f"{problem.file}:{problem.line}:{problem.column}: "), text
        assert Path(problem.file) == target or _under(problem.file, target.parent), text
        assert problem.line >= 1 and problem.column >= 1, text
        if lines is not None:
            assert problem.line <= lines + 1, f"line {problem.line} is past the end of the file: {text}"
        assert problem.message and "\n" not in problem.message, text
        assert len(problem.message) < 400, f"a message too long to read: {text[:200]}..."
        assert not PYTHON_WORDS.search(problem.message), f"Python, not plain words: {text}"


# -- the hand-written corpus --------------------------------------------------------------------


def test_the_corpus_is_large_enough():
    files = hand_written()
    assert len(files) >= 150
    assert {path.parent.name for path in files} == set(KINDS)


@pytest.mark.parametrize("path", hand_written(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_hand_written(path, tmp_path):
    data = path.read_bytes()
    folder, target = place(tmp_path, path.parent.name, path.stem, data)
    problems, elapsed = load_timed(folder)
    assert_clear(problems, target, elapsed, lines=data.count(b"\n") + 1)
    expected = expectation(path)
    assert any(problem.field == expected or expected in problem.message for problem in problems), (
        f"{path.name}: expected a problem about {expected!r}; got:\n" + "\n".join(map(str, problems))
    )


# -- inputs made here -----------------------------------------------------------------------------


def _nested_flow(depth: int) -> bytes:
    return (f"id: deep\ntitle: Deep\nroute: IM\nphases: {'[' * depth}{']' * depth}\n").encode()


def _nested_block(depth: int) -> bytes:
    lines = ["id: deep", "title: Deep", "route: IM", "phases:"]
    lines += [" " * (2 * level + 2) + f"k{level}:" for level in range(depth)]
    return ("\n".join(lines) + " x\n").encode()


def _billion_laughs() -> bytes:
    lines = ['a0: &a0 "lol"']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append("id: bomb\ntitle: *a9\nroute: IM\nphases: []")
    return ("\n".join(lines) + "\n").encode()


def _quadratic_text() -> bytes:
    refs = ", ".join(["*t"] * 5000)
    return f"id: q\ntitle: &t {'x' * 900_000}\nroute: IM\nphases:\n  - id: a\n    title: A\n    duration: 1m\n    checklist: [{refs}]\n".encode()


def _garbage(seed: int, size: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


def _bad_utf8(at: int, bad: bytes) -> bytes:
    data = VALID_SESSION.encode()
    return data[:at] + bad + data[at:]


def made_inputs() -> dict[str, tuple[str, bytes]]:
    """name -> (kind, bytes). Each is malformed: it must give a problem."""
    valid = VALID_SESSION.encode()
    crlf_bad = VALID_SESSION.replace("duration: 15m", "duration: fifteen").replace("\n", "\r\n").encode()
    made = {
        "empty": ("sessions", b""),
        "blank-lines": ("sessions", b"\n\n\n   \n"),
        "bom-only": ("sessions", b"\xef\xbb\xbf"),
        "ten-megabytes": ("sessions", valid + b"# padding\n" * (10 * 1024 * 1024 // 10)),
        "just-over-one-megabyte": ("sessions", valid + b"#" * (1024 * 1024)),
        "utf16-le": ("sessions", b"\xff\xfe" + VALID_SESSION.encode("utf-16-le")),
        "utf16-be": ("sessions", b"\xfe\xff" + VALID_SESSION.encode("utf-16-be")),
        "utf32": ("sessions", VALID_SESSION.encode("utf-32")),
        "nul-in-title": ("sessions", valid.replace(b"Corpus session", b"Corpus\x00session")),
        "nul-everywhere": ("sessions", b"\x00" * 4096),
        "bom-crlf-bad-duration": ("sessions", b"\xef\xbb\xbf" + crlf_bad),
        "crlf-bad-duration": ("sessions", crlf_bad),
        "lone-cr-garbage": ("sessions", b"id: x\r\r\r: : :\r[\r"),
        "deep-flow-10000": ("sessions", _nested_flow(10_000)),
        "deep-flow-200": ("sessions", _nested_flow(200)),
        "deep-block-300": ("sessions", _nested_block(300)),
        "deep-mapping-flow": ("sessions", ("x: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n").encode()),
        "billion-laughs": ("sessions", _billion_laughs()),
        "quadratic-text": ("sessions", _quadratic_text()),
        "elf-header": ("sessions", b"\x7fELF\x02\x01\x01" + bytes(200)),
        "png-header": ("sessions", b"\x89PNG\r\n\x1a\n" + _garbage(1, 500)),
        "gzip": ("sessions", b"\x1f\x8b\x08\x00" + _garbage(2, 500)),
        "zip": ("exercises", b"PK\x03\x04" + _garbage(3, 500)),
        "ogg-as-script": ("sessions", b"OggS\x00\x02" + _garbage(4, 4000)),
        "long-line-no-newline": ("sessions", b"id: " + b"a" * 900_000),
        "one-key-a-hundred-thousand-times": ("sessions", b"".join(b"k%d: 1\n" % i for i in range(100_001))),
        "huge-list": ("sessions", b"phases: [" + b"1," * 100_001 + b"1]\n"),
        "tabs-only": ("sessions", b"\t\t\t\n\t\n"),
        "yaml-stream-of-nulls": ("sessions", b"---\n...\n---\n...\n"),
        "json-array": ("exercises", b'[{"id": "x"}, {"kind": "steps"}]'),
        "json-object-wrong": ("exercises", b'{"id": "x", "title": "X", "kind": "breathing", "rounds": "six"}'),
        "html": ("sessions", b"<!doctype html><html><body>not a script</body></html>"),
        "shell-script": ("sessions", b"#!/bin/sh\nrm -rf /\n"),
        "python-source": ("exercises", b"import os\nos.system('x')\n"),
        "catalogue-garbage": ("playlists", _garbage(9, 2000)),
        "catalogue-empty": ("playlists", b""),
        "catalogue-bad-utf8": ("playlists", b"playlists:\n  - id: \xff\xfe\n"),
    }
    for seed in range(12):
        made[f"garbage-{seed}"] = (KINDS[seed % 3], _garbage(100 + seed, 64 + 97 * seed))
    made["garbage-64k"] = ("sessions", _garbage(7, 64 * 1024))
    for index, (at, bad) in enumerate(
        [
            (0, b"\xff"),
            (30, b"\xc0\xaf"),
            (120, b"\x80"),
            (300, b"\xed\xa0\x80"),
            (len(valid), b"\xe2\x82"),
            (60, b"\xf8\x88\x80\x80\x80"),
        ]
    ):
        made[f"invalid-utf8-{index}"] = ("sessions", _bad_utf8(at, bad))
    made.update(wrong_kinds_of_value())
    return made


WRONG_VALUES = {
    "list": "[1, 2]",
    "mapping": "{a: 1}",
    "null": "~",
    "true": "true",
    "huge": "9" * 30,
    "negative": "-3",
    "nan": ".nan",
    "empty-text": "''",
    "tag": "!!python/none ''",
}
FIELDS = [  # (a line of VALID_SESSION, the field it holds, the wrong kinds that must be refused)
    ("id: corpus", "id", ("list", "mapping", "null", "true", "negative", "empty-text", "tag")),
    ("title: Corpus session", "title", ("list", "mapping", "null", "empty-text", "tag")),
    ("route: IM", "route", ("list", "mapping", "null", "tag")),
    ("  systolic_max: 180", "safety.systolic_max", ("list", "mapping", "true", "huge", "negative", "nan", "tag")),
    ("    duration: 15m", "phases[0].duration", tuple(WRONG_VALUES)),
    ("    advance: manual", "phases[0].advance", ("list", "mapping", "true", "huge", "nan", "tag")),
    ("    music: none", "phases[0].music", ("list", "mapping", "true", "tag")),
    (
        "    volume: 0.35",
        "phases[0].volume",
        ("list", "mapping", "true", "huge", "negative", "nan", "empty-text", "tag"),
    ),
    ("    checklist: [Blood pressure taken]", "phases[0].checklist", ("mapping", "true", "huge", "tag")),
    ("    vitals: true", "phases[0].vitals", ("list", "mapping", "huge", "negative", "empty-text", "tag")),
    ("        after_dose: 2m", "phases[1].reminders[0].after_dose", tuple(WRONG_VALUES)),
    ("        text: Check", "phases[1].reminders[0].text", ("list", "mapping", "null", "empty-text", "tag")),
]


def wrong_kinds_of_value() -> dict[str, tuple[str, bytes]]:
    made = {}
    for line, field, kinds in FIELDS:
        assert line + "\n" in VALID_SESSION, line
        key, _value = line.split(": ", 1)
        for kind in kinds:
            text = VALID_SESSION.replace(line + "\n", f"{key}: {WRONG_VALUES[kind]}\n", 1)
            made[f"{field}={kind}"] = ("sessions", text.encode())
    return made


MADE = made_inputs()


def test_enough_inputs_in_all():
    assert len(hand_written()) + len(MADE) >= 250


def test_the_valid_script_the_inputs_break_is_valid(tmp_path):
    folder, target = place(tmp_path, "sessions", "corpus", VALID_SESSION.encode())
    problems, _ = load_timed(folder)
    assert problems == []


def test_bom_and_crlf_on_a_valid_script_are_fine(tmp_path):
    data = b"\xef\xbb\xbf" + VALID_SESSION.replace("\n", "\r\n").encode()
    folder, _target = place(tmp_path, "sessions", "corpus", data)
    problems, _ = load_timed(folder)
    assert problems == []


@pytest.mark.parametrize("name", sorted(MADE))
def test_made_input(name, tmp_path):
    kind, data = MADE[name]
    folder, target = place(tmp_path, kind, "input", data)
    problems, elapsed = load_timed(folder)
    assert_clear(problems, target, elapsed, lines=data.count(b"\n") + data.count(b"\r") + 1)
    field = name.split("=", 1)[0]
    if "=" in name:  # a wrong kind of value: the problem names that field
        assert any(p.field.startswith(field) for p in problems), "\n".join(map(str, problems))


def test_crlf_errors_name_the_right_line(tmp_path):
    for name in ("crlf-bad-duration", "bom-crlf-bad-duration"):
        folder, _target = place(tmp_path, "sessions", name, MADE[name][1])
        problems, _ = load_timed(folder)
        line = VALID_SESSION.splitlines().index("    duration: 15m") + 1
        assert [(p.field, p.line) for p in problems] == [("phases[0].duration", line)], problems


def test_a_folder_where_a_file_should_be(tmp_path):
    folder, target = place(tmp_path, "sessions", "a-folder", None)
    target.mkdir()
    problems, elapsed = load_timed(folder)
    assert_clear(problems, target, elapsed)
    assert "is a folder" in problems[0].message
    result = _command("validate", str(target))  # named on the command line
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{target}:1:1: is a folder" in result.stdout, result.stdout


def test_a_fifo_where_a_file_should_be_does_not_block(tmp_path):
    folder, target = place(tmp_path, "sessions", "a-fifo", None)
    os.mkfifo(target)
    problems, elapsed = load_timed(folder)
    assert_clear(problems, target, elapsed)
    assert "not a regular file" in problems[0].message


def test_a_dangling_symlink_and_a_device(tmp_path):
    folder, target = place(tmp_path, "sessions", "dangling", None)
    target.symlink_to(tmp_path / "nowhere.yaml")
    problems, elapsed = load_timed(folder)
    assert_clear(problems, target, elapsed)
    folder, target = place(tmp_path, "sessions", "device", None)
    target.symlink_to("/dev/zero")  # endless: must be refused, not read
    problems, elapsed = load_timed(folder)
    assert_clear(problems, target, elapsed)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(tmp_path):
    folder, target = place(tmp_path, "sessions", "locked", VALID_SESSION.encode())
    target.chmod(0)
    problems, elapsed = load_timed(folder)
    assert_clear(problems, target, elapsed)
    target.chmod(stat.S_IRUSR | stat.S_IWUSR)


# -- hypothesis -------------------------------------------------------------------------------


def _check_any(tmp_path: Path, kind: str, data: bytes, counter: list[int]) -> None:
    counter[0] += 1
    folder, target = place(tmp_path / str(counter[0]), kind, "fuzz", data)
    started = time.process_time()
    library = load_library([folder])
    elapsed = time.process_time() - started
    assert elapsed < PER_INPUT_SECONDS
    mine = [p for p in library.problems if _under(p.file, folder)]
    if mine:
        assert_clear(mine, target, elapsed)


_lines = VALID_SESSION.splitlines(keepends=True)


@st.composite
def mutated_session(draw) -> bytes:
    lines = list(_lines)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap-value", "garble", "indent", "bytes"]))
        if action == "delete":
            lines.pop(index)
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap-value" and ":" in lines[index]:
            key = lines[index].split(":", 1)[0]
            lines[index] = (
                f"{key}: {draw(st.sampled_from(list(WRONG_VALUES.values()) + ['*x', '&x', '|', '>-', '[', '{']))}\n"
            )
        elif action == "garble":
            text = draw(st.text(max_size=20))
            lines[index] = text + lines[index]
        elif action == "indent":
            lines[index] = " " * draw(st.integers(1, 5)) + lines[index]
        if not lines:
            break
    data = "".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        position = draw(st.integers(0, len(data)))
        data = data[:position] + draw(st.binary(max_size=8)) + data[position:]
    return data


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=mutated_session())
def test_mutated_sessions_load_or_fail_clearly(tmp_path, data):
    _check_any(tmp_path, "sessions", data, _COUNTER)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(KINDS), value=yaml_values)
def test_random_documents_load_or_fail_clearly(tmp_path, kind, value):
    import yaml

    _check_any(tmp_path, kind, yaml.safe_dump(value, allow_unicode=True).encode("utf-8", "surrogatepass"), _COUNTER)


_COUNTER = [0]


# -- the commands -------------------------------------------------------------------------------

COMMAND_SAMPLE = [
    "sessions/duration-int-overflow.yaml",
    "sessions/tag-python-object.yaml",
    "sessions/two-documents.yaml",
    "exercises/rounds-huge.yaml",
    "sessions/recursive-alias.yaml",
]


def _command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True, text=True, timeout=60)


def test_companion_validate_on_a_sample(tmp_path):
    targets = [CORPUS / name for name in COMMAND_SAMPLE]
    garbage = tmp_path / "sessions" / "garbage.yaml"
    garbage.parent.mkdir()
    garbage.write_bytes(_garbage(5, 3000))
    bomb = tmp_path / "sessions" / "bomb.yaml"
    bomb.write_bytes(_billion_laughs())
    result = _command("validate", *map(str, targets), str(garbage), str(bomb))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    for target in [*targets, garbage, bomb]:
        assert re.search(re.escape(str(target)) + r":\d+:\d+: ", output), f"{target} not named:\n{output}"
    assert "7 problems in 7 files" in output or "problems in 7 files" in output, output


def test_companion_run_on_a_bad_file_says_why_and_never_opens_the_console():
    result = _command("run", str(CORPUS / "sessions" / "duration-negative.yaml"))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "phases[0].duration" in output and "duration-negative.yaml:" in output, output
