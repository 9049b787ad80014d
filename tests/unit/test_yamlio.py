"""The YAML reader: positions for every field, and the unsafe or unreadable refused plainly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from companion.core.scripts.problems import Problem, ScriptError
from companion.core.scripts.yamlio import MAX_BYTES, MAX_NODES, Located, load_yaml_file, parse_yaml


def write(tmp_path: Path, data: bytes | str, name: str = "script.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def only_problem(excinfo: pytest.ExceptionInfo[ScriptError]) -> Problem:
    problems = excinfo.value.problems
    assert len(problems) == 1, problems
    return problems[0]


def test_values_and_positions_of_every_field(tmp_path):
    path = write(
        tmp_path,
        "id: demo\nphases:\n  - id: a\n    duration: 5m\n    checklist: [one, two]\n",
    )
    doc = load_yaml_file(path)
    assert doc.value == {
        "id": "demo",
        "phases": [{"id": "a", "duration": "5m", "checklist": ["one", "two"]}],
    }
    assert doc.where("id") == (1, 5)
    assert doc.where("phases[0].duration") == (4, 15)
    assert doc.where("phases[0].checklist[1]") == (5, 22)
    assert doc.where("phases[0].duration", key=True) == (4, 5)
    # A missing field points at its nearest parent that exists.
    assert doc.where("phases[0].title") == (3, 5)
    assert doc.where("nothing.here") == (1, 1)


def test_problem_text_is_file_line_column_field_message(tmp_path):
    doc = parse_yaml(b"a:\n  b: 3\n", tmp_path / "x.yaml")
    problem = doc.problem("a.b", "expected text")
    assert str(problem) == f"{tmp_path / 'x.yaml'}:2:6: a.b: expected text"
    assert str(Problem(Path("f.yaml"), 1, 1, "", "the file is empty")) == "f.yaml:1:1: the file is empty"


def test_text_hash_is_sha256_of_the_bytes(tmp_path):
    import hashlib

    data = b"id: x\n"
    assert load_yaml_file(write(tmp_path, data)).text_hash == hashlib.sha256(data).hexdigest()


def test_scalars_keep_their_yaml_types_and_dates_stay_text(tmp_path):
    doc = parse_yaml(b"n: 3\nf: 0.5\nb: true\nz: ~\nd: 2024-01-01\nq: '3'\n", tmp_path / "x.yaml")
    assert doc.value == {"n": 3, "f": 0.5, "b": True, "z": None, "d": "2024-01-01", "q": "3"}


def test_utf8_bom_and_crlf_are_accepted_quietly(tmp_path):
    doc = load_yaml_file(write(tmp_path, b"\xef\xbb\xbfid: caf\xc3\xa9\r\ntitle: x\r\n"))
    assert doc.value == {"id": "café", "title": "x"}
    assert doc.where("title") == (2, 8)


def test_aliases_are_allowed_when_small(tmp_path):
    doc = parse_yaml(b"a: &items [x, y]\nb: *items\n", tmp_path / "x.yaml")
    assert doc.value == {"a": ["x", "y"], "b": ["x", "y"]}


@pytest.mark.parametrize(
    ("data", "line", "column", "field", "words"),
    [
        (b"a: !!python/object/apply:os.system [ls]\n", 1, 4, "a", "tag !!python/object/apply:os.system is not allowed"),
        (b"a: !!python/name:os.system ''\n", 1, 4, "a", "tag !!python/name:os.system is not allowed"),
        (b"a: !custom 3\n", 1, 4, "a", "tag !custom is not allowed"),
        (b"a: !!binary aGVsbG8=\n", 1, 4, "a", "tag !!binary is not allowed"),
        (b"a: !!set {x, y}\n", 1, 4, "a", "tag !!set is not allowed"),
        (b"a: 1\nb: 2\na: 3\n", 3, 1, "a", "repeated key; it is already set on line 1"),
        (b"base: &b {x: 1}\nmore:\n  <<: *b\n", 3, 3, "more", "merge keys (<<) are not supported"),
        (b"a: [1, 2\n", 2, 1, "", "not valid YAML"),
        (b"a: 1\n  b: 2\n", 2, 4, "", "not valid YAML"),
        (b"a:\n\t- x\n", 2, 1, "", "not valid YAML"),
        (b"a: 1\n---\nb: 2\n", 2, 1, "", "more than one YAML document"),
        (b"", 1, 1, "", "the file is empty"),
        (b"   \n\n", 1, 1, "", "the file is empty"),
        (b"# only a comment\n", 1, 1, "", "only comments"),
        (b"title: caf\xe9\n", 1, 11, "", "not UTF-8 text (byte 0xe9)"),
        (b"\xff\xfea\x00:\x00", 1, 1, "", "UTF-16"),
        (b"a: &x [*x]\n", 1, 4, "", "an alias refers to itself"),
    ],
)
def test_refused_input_names_the_line_and_column(tmp_path, data, line, column, field, words):
    path = write(tmp_path, data)
    with pytest.raises(ScriptError) as excinfo:
        load_yaml_file(path)
    problem = only_problem(excinfo)
    assert (problem.file, problem.line, problem.column, problem.field) == (path, line, column, field)
    assert words in problem.message


def test_every_bad_tag_in_a_file_is_reported_at_once(tmp_path):
    with pytest.raises(ScriptError) as excinfo:
        parse_yaml(b"a: !!python/none ''\nb: ok\nc: !x 1\n", tmp_path / "x.yaml")
    assert [(p.line, p.field) for p in excinfo.value.problems] == [(1, "a"), (3, "c")]


def test_alias_bomb_is_refused_before_it_expands(tmp_path):
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 12):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    path = write(tmp_path, "\n".join(lines) + "\n")  # 9**12 values once expanded
    started = time.process_time()
    with pytest.raises(ScriptError) as excinfo:
        load_yaml_file(path)
    # CPU time, not wall time: expanding this would take hours, refusing it takes a blink.
    assert time.process_time() - started < 1.0
    assert f"more than {MAX_NODES:,} values" in only_problem(excinfo).message


def test_a_file_over_one_megabyte_is_refused_without_parsing(tmp_path):
    path = write(tmp_path, b"a: " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(ScriptError) as excinfo:
        load_yaml_file(path)
    assert "limited to 1 MB" in only_problem(excinfo).message


def test_a_file_just_under_the_limit_loads(tmp_path):
    body = b"a: '" + b"x" * (MAX_BYTES - 10) + b"'\n"
    assert len(body) <= MAX_BYTES
    assert len(load_yaml_file(write(tmp_path, body)).value["a"]) == MAX_BYTES - 10


def test_ten_megabytes_of_binary_garbage_is_one_plain_problem(tmp_path):
    path = write(tmp_path, bytes(range(256)) * 40_000)
    with pytest.raises(ScriptError) as excinfo:
        load_yaml_file(path)
    assert "limited to 1 MB" in only_problem(excinfo).message


def test_small_binary_garbage_is_one_plain_problem(tmp_path):
    path = write(tmp_path, bytes(range(256)) * 4)
    with pytest.raises(ScriptError) as excinfo:
        load_yaml_file(path)
    assert "not" in only_problem(excinfo).message


def test_a_folder_where_a_file_should_be(tmp_path):
    (tmp_path / "sessions.yaml").mkdir()
    with pytest.raises(ScriptError) as excinfo:
        load_yaml_file(tmp_path / "sessions.yaml")
    assert only_problem(excinfo).message == "is a folder; expected a YAML file"


def test_a_missing_file(tmp_path):
    with pytest.raises(ScriptError) as excinfo:
        load_yaml_file(tmp_path / "nope.yaml")
    assert only_problem(excinfo).message == "no such file"


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path):
    with pytest.raises(ScriptError) as excinfo:
        parse_yaml(b"[" * 5000, tmp_path / "x.yaml")
    assert len(excinfo.value.problems) == 1


def test_located_is_plain_data(tmp_path):
    doc = parse_yaml(b"a: 1\n", tmp_path / "x.yaml")
    assert isinstance(doc, Located) and doc.file == tmp_path / "x.yaml"


def test_nesting_deeper_than_any_script_is_refused(tmp_path):
    with pytest.raises(ScriptError) as excinfo:
        parse_yaml(b"a: " + b"[" * 200 + b"]" * 200 + b"\n", tmp_path / "x.yaml")
    assert "nested too deeply" in only_problem(excinfo).message


def test_a_huge_plain_list_is_refused_without_blaming_aliases(tmp_path):
    path = write(tmp_path, b"a:\n" + b"- 1\n" * (MAX_NODES + 10))
    with pytest.raises(ScriptError) as excinfo:
        load_yaml_file(path)
    message = only_problem(excinfo).message
    assert f"more than {MAX_NODES:,} values" in message and "alias" not in message


@pytest.mark.parametrize(
    ("data", "line", "column"), [(b"id: a\x00b\n", 1, 6), (b"\x1fid: x\n", 1, 1), (b"a: 1\nb: \x07\n", 2, 4)]
)
def test_control_characters_are_one_line_with_their_position(tmp_path, data, line, column):
    with pytest.raises(ScriptError) as excinfo:
        parse_yaml(data, tmp_path / "x.yaml")
    problem = only_problem(excinfo)
    assert (problem.line, problem.column) == (line, column)
    assert "control character" in problem.message and "\n" not in problem.message
