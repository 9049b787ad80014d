"""Session reports from fixture journals, compared with the expected files beside them.

To change an expected file on purpose: UPDATE_REPORT_FIXTURES=1 pytest tests/test_report.py,
then read the diff before committing it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import stat
from datetime import UTC
from html.parser import HTMLParser
from pathlib import Path

import pytest

from companion import __version__, paths
from companion.cli import main as cli_main
from companion.core.journal.store import read_journal
from companion.core.report.files import ReportError, render_report, resolve_journal, write_report
from companion.core.report.json_report import SCHEMA_VERSION, load_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "journals"
EXPECTED = FIXTURES / "expected"
UPDATE = os.environ.get("UPDATE_REPORT_FIXTURES") == "1"


def _fixture_module():
    spec = importlib.util.spec_from_file_location("report_fixture_journals", FIXTURES / "make_journals.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FX = _fixture_module()
GENERATED_AT = FX.T0 + 3 * 3600
CASES = ["complete", "unfinished-torn", "no-script"]


def render(name: str, fmt: str) -> str:
    contents = read_journal(FIXTURES / f"{name}.jsonl")
    script = None if name == "no-script" else FX.SCRIPT
    return render_report(contents, script, fmt, exercises=FX.EXERCISES, tz=UTC, generated_at=GENERATED_AT)


def _stable(text: str) -> str:
    return text.replace(__version__, "<VERSION>")


@pytest.mark.parametrize("fmt", ["md", "json"])
@pytest.mark.parametrize("name", CASES)
def test_report_matches_expected_file(name, fmt):
    text = _stable(render(name, fmt))
    expected = EXPECTED / f"{name}.{fmt}"
    if UPDATE:
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag != "meta":  # the only void element the report writes without "/>"
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data):
        if self.open and self.open[-1] not in {"style"}:
            self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.open == [], f"unclosed tags: {page.open}"
    return page


def test_html_report_is_well_formed_self_contained_and_says_it_all():
    html = render("complete", "html")
    page = _parse(html)
    words = page.words
    for expected in (
        "Session report: K-0142",
        "Intramuscular ketamine, fixture session (report-fixture)",
        "2027-01-15 (Friday)",
        "75 mg",
        "LOT-2291",
        "168/96",
        "Systolic 168 is above this protocol's 160",
        "Journey",
        "55 min",
        "51 min",
        "Offer water",
        "missed: due and not acknowledged",
        "acknowledged at 08:56",
        "Box breathing",
        "ended early, 3 rounds done",
        "Tearful, breathing fast",
        "spoke of her <sister>.",  # recorded text comes through as text, not as a tag
        "Ride home confirmed",
    ):
        assert expected in words, expected
    assert "sister" not in page.tags
    # One file: nothing fetched from elsewhere.
    assert page.tags.count("style") == 1
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not [value for name, value in page.attrs if name in {"src", "href"}]
    # The vitals chart: one line per series, one point per reading.
    assert page.tags.count("svg") == 1
    assert page.tags.count("polyline") == 3
    assert page.tags.count("circle") == 9


def test_html_of_a_journal_without_vitals_has_no_chart():
    contents = read_journal(FIXTURES / "unfinished-torn.jsonl")  # one reading only
    page = _parse(render_report(contents, FX.SCRIPT, "html", tz=UTC, generated_at=GENERATED_AT))
    assert "svg" not in page.tags
    assert "The session was not ended; the journal stops at 08:40." in page.words


class SchemaMismatch(AssertionError):
    pass


def _validate(document: dict) -> None:
    """Against schema.json: with jsonschema when it is installed, and always with the small
    checker below (the parts of JSON Schema the report's schema uses, and date-times with their
    offset, which jsonschema checks only when an extra package is there)."""
    schema = load_schema()
    _check(document, schema, "$")
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.Draft202012Validator.check_schema(schema)
    try:
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
    except jsonschema.ValidationError as error:
        raise SchemaMismatch(error.message) from None


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is(value, name: str) -> bool:
    if name in ("number", "integer"):
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        return numeric and (name == "number" or float(value).is_integer())
    return isinstance(value, _TYPES[name])


def _check(value, schema: dict, where: str) -> None:
    if "oneOf" in schema:
        passing = 0
        for option in schema["oneOf"]:
            try:
                _check(value, option, where)
                passing += 1
            except SchemaMismatch:
                pass
        if passing != 1:
            raise SchemaMismatch(f"{where}: matches {passing} of oneOf")
        return
    if "const" in schema and value != schema["const"]:
        raise SchemaMismatch(f"{where}: expected {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaMismatch(f"{where}: {value!r} not in {schema['enum']}")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(value, name) for name in names):
            raise SchemaMismatch(f"{where}: {value!r} is not {names}")
    if schema.get("format") == "date-time" and isinstance(value, str):
        from datetime import datetime

        if datetime.fromisoformat(value).tzinfo is None:
            raise SchemaMismatch(f"{where}: {value!r} has no UTC offset")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            raise SchemaMismatch(f"{where}: below {schema['minimum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            raise SchemaMismatch(f"{where}: not above {schema['exclusiveMinimum']}")
    if isinstance(value, dict):
        missing = set(schema.get("required", ())) - set(value)
        if missing:
            raise SchemaMismatch(f"{where}: missing {sorted(missing)}")
        properties = schema.get("properties", {})
        extra = set(value) - set(properties)
        if extra and schema.get("additionalProperties") is False:
            raise SchemaMismatch(f"{where}: unexpected {sorted(extra)}")
        for key, item in value.items():
            if key in properties:
                _check(item, properties[key], f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _check(item, schema["items"], f"{where}[{index}]")


@pytest.mark.parametrize("name", CASES)
def test_json_report_matches_its_schema(name):
    document = json.loads(render(name, "json"))
    assert document["schema_version"] == SCHEMA_VERSION
    _validate(document)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d["vitals"][0].__setitem__("pulse", 70),  # a field the schema does not know
        lambda d: d["session"].pop("client_code"),
        lambda d: d["reminders"][0].__setitem__("outcome", "forgotten"),
        lambda d: d["doses"][0].__setitem__("given_at", "2027-01-15T08:15:00"),  # no offset
        lambda d: d.__setitem__("schema_version", 2),
        lambda d: d["music"][0].pop("at"),
        lambda d: d["music"][0].__setitem__("at", "2027-01-15T08:46:00"),  # no offset
        lambda d: d["music"][0].__setitem__("loudness", -30),  # a field the schema does not know
    ],
)
def test_schema_catches_a_report_that_drifts_from_it(spoil):
    document = json.loads(render("complete", "json"))
    spoil(document)
    with pytest.raises(SchemaMismatch):
        _validate(document)


def test_schema_names_every_field_the_report_writes():
    schema = load_schema()
    document = json.loads(render("complete", "json"))
    assert set(schema["required"]) == set(document)
    assert set(schema["properties"]["session"]["required"]) == set(document["session"])
    assert set(schema["properties"]["music"]["items"]["required"]) == set(document["music"][0])


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_unfinished_and_torn_journal_says_what_is_missing(fmt):
    text = render("unfinished-torn", fmt)
    assert "The session was not ended; the journal stops at 08:40." in text
    assert "The last line of the journal was incomplete and was left out." in text


def test_unfinished_journal_shows_the_open_phase_and_pause():
    text = render("unfinished-torn", "md")
    assert "| Journey | 08:19 | 45 min | 21 min (journal stops here) |  |" in text
    assert "Paused: from 08:40, not resumed." in text
    assert "| Blood pressure check | 08:55 | not reached when the journal stops |" in text  # the dose is known


def test_report_without_the_script_keeps_every_recorded_fact():
    text = render("no-script", "md")
    assert "The script retired-script could not be found" in text
    for recorded in ("75 mg", "LOT-2291", "168/96", "Calmer; long exhales.", "Tearful, breathing fast", "Final vitals"):
        assert recorded in text
    assert "Flagged against" not in text  # thresholds live in the script


def test_markdown_table_cells_cannot_be_broken_by_recorded_text():
    contents = read_journal(FIXTURES / "complete.jsonl")
    from companion.core.events import VitalsRecorded

    odd = VitalsRecorded(FX.at(50), systolic=120, diastolic=80, note="left | arm\nlying down")
    contents = type(contents)(contents.header, (*contents.events, odd), False, ())
    text = render_report(contents, FX.SCRIPT, "md", tz=UTC, generated_at=GENERATED_AT)
    row = next(line for line in text.splitlines() if "left" in line)
    assert "left \\| arm lying down" in row
    cells = re.split(r"(?<!\\)\|", row)[1:-1]
    assert len(cells) == 7 and cells[5].strip() == "left \\| arm lying down"


def test_rehearsal_is_labelled_as_not_clinical():
    contents = read_journal(FIXTURES / "complete.jsonl")
    header = type(contents.header)(**{**contents.header.__dict__, "rehearsal": True, "speed": 60.0})
    text = render_report(
        type(contents)(header, contents.events, False, ()), FX.SCRIPT, "md", tz=UTC, generated_at=GENERATED_AT
    )
    assert "- **Rehearsal:** yes, at 60× speed: not a clinical session" in text


def _store_fixture(name: str) -> str:
    session_id = read_journal(FIXTURES / f"{name}.jsonl").header.session_id
    target = paths.ensure_private_dir(paths.journals_dir()) / f"{session_id}.jsonl"
    shutil.copyfile(FIXTURES / f"{name}.jsonl", target)
    return session_id


def test_write_report_writes_owner_only_into_the_reports_folder():
    session_id = _store_fixture("unfinished-torn")
    path = write_report(session_id, "html")
    assert path == paths.reports_dir() / f"{session_id}.html"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.reports_dir().stat().st_mode) == 0o700
    assert "K-0142" in path.read_text(encoding="utf-8")
    again = write_report(session_id, "html")  # replacing keeps it private
    assert again == path and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_write_report_to_a_chosen_file(tmp_path):
    target = tmp_path / "out" / "note.md"
    target.parent.mkdir()
    target.write_text("old")
    os.chmod(target, 0o644)
    assert write_report(FIXTURES / "complete.jsonl", "md", target) == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("# Session report: K-0142")
    assert [p.name for p in target.parent.iterdir()] == ["note.md"]  # no temporary left


def test_write_report_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(ReportError, match="does not exist"):
        write_report(FIXTURES / "complete.jsonl", "md", tmp_path / "nowhere" / "note.md")


def test_a_session_that_does_not_exist_is_named_plainly():
    with pytest.raises(ReportError, match="No session 'nope'"):
        resolve_journal("nope")


def test_cli_prints_the_report_without_output_option(capsys):
    with pytest.raises(SystemExit) as done:
        cli_main(["report", str(FIXTURES / "complete.jsonl"), "--format", "json"])
    assert done.value.code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["session"]["client_code"] == "K-0142"
    assert document["session"]["script_found"] is False  # not in the library
    assert document["doses"][0]["lot"] == "LOT-2291"


def test_cli_writes_a_file_with_output_option(tmp_path, capsys):
    target = tmp_path / "report.html"
    with pytest.raises(SystemExit) as done:
        cli_main(["report", str(FIXTURES / "complete.jsonl"), "--format", "html", "-o", str(target)])
    assert done.value.code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert f"Report written to {target}" in capsys.readouterr().err


def test_cli_unknown_session_is_a_plain_error(capsys):
    with pytest.raises(SystemExit) as done:
        cli_main(["report", "no-such-session"])
    assert done.value.code == 1
    err = capsys.readouterr().err
    assert "No session 'no-such-session'" in err and "Traceback" not in err


def test_cli_finds_the_script_in_a_scripts_folder_and_notes_it_changed(capsys):
    with pytest.raises(SystemExit) as done:
        cli_main(["report", str(FIXTURES / "complete.jsonl"), "--scripts", str(FIXTURES / "scripts")])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "- **Script:** Intramuscular ketamine, fixture session (report-fixture)" in text
    assert "Systolic 168 is above this protocol's 160" in text
    assert "| Offer water | " in text and "missed: due and not acknowledged" in text
    # The journal recorded another text of the script (its hash differs): the report says so.
    assert "The script has changed since this session" in text


def test_a_report_written_by_session_id_uses_the_store_and_the_library():
    session_id = _store_fixture("complete")
    path = write_report(session_id, "json", extra_dirs=[FIXTURES / "scripts"])
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["session"]["script_found"] is True
    assert [p["phase_id"] for p in document["phases"]] == ["arrival", "dosing", "journey", "integration"]
    assert document["exercises"][1]["title"] == "5-4-3-2-1 senses"  # from the bundled exercises
    _validate(document)


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_a_journal_with_nothing_but_its_header_still_renders(tmp_path, fmt):
    journal = tmp_path / "empty.jsonl"
    lines = (FIXTURES / "complete.jsonl").read_text(encoding="utf-8").splitlines()
    journal.write_text(lines[0] + "\n" + '{"kind":"session_sta', encoding="utf-8")
    contents = read_journal(journal)
    text = render_report(contents, FX.SCRIPT, fmt, tz=UTC, generated_at=GENERATED_AT)
    assert "The journal holds no start of a session." in text
    assert "The session was not ended; the journal holds no events." in text
    assert "The last line of the journal was incomplete and was left out." in text
    if fmt == "json":
        _validate(json.loads(text))


def test_cli_finds_a_rehearsal_by_its_id(tmp_path, monkeypatch, capsys):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    from companion.paths import rehearsal_root

    folder = paths.ensure_private_dir(rehearsal_root())
    session_id = read_journal(FIXTURES / "complete.jsonl").header.session_id
    shutil.copyfile(FIXTURES / "complete.jsonl", folder / f"{session_id}.jsonl")
    with pytest.raises(SystemExit) as done:
        cli_main(["report", session_id])
    assert done.value.code == 0
    assert "# Session report: K-0142" in capsys.readouterr().out


def test_a_second_dose_entry_is_counted_as_the_console_counts_it():
    contents = read_journal(FIXTURES / "complete.jsonl")
    from companion.core.events import DoseGiven

    correction = DoseGiven(FX.at(20), amount=70, unit="mg", route="IM", given_at=FX.at(16), lot="LOT-2291")
    events = sorted((*contents.events, correction), key=lambda e: e.at)
    text = render_report(
        type(contents)(contents.header, tuple(events), False, ()), FX.SCRIPT, "md", tz=UTC, generated_at=GENERATED_AT
    )
    assert "- **Dose given:** 08:16 (the last of 2 dose entries)" in text
    assert "2 dose entries were recorded. As on the console, the last entry is taken as the dose" in text
    assert "| 08:56 | 40 min | 168/96 |" in text  # after the dose counts from 08:16, not 08:15


def test_an_exercise_s_moves_are_counted_in_the_report():
    from dataclasses import replace

    from companion.core.events import ExerciseFinished, ExerciseMoved, ExerciseStarted

    contents = read_journal(FIXTURES / "complete.jsonl")
    start = next(e for e in contents.events if isinstance(e, ExerciseStarted))
    finish = next(e for e in contents.events if isinstance(e, ExerciseFinished) and e.exercise_id == start.exercise_id)
    at = contents.events.index(finish)
    moves = (
        ExerciseMoved(start.at + 5, start.exercise_id, "forward", 5.0),
        ExerciseMoved(start.at + 20, start.exercise_id, "pause", 20.0),
        ExerciseMoved(start.at + 40, start.exercise_id, "resume", 40.0),
        ExerciseMoved(start.at + 50, start.exercise_id, "forward", 50.0),
        ExerciseMoved(start.at + 60, "another-exercise", "forward", 1.0),  # not this one's
    )
    moved = replace(contents, events=(*contents.events[:at], *moves, *contents.events[at:]))
    md = render_report(moved, FX.SCRIPT, "md", exercises=FX.EXERCISES, tz=UTC, generated_at=GENERATED_AT)
    assert "ended early, 3 rounds done; moved on 2 times; paused once" in md
    document = json.loads(
        render_report(moved, FX.SCRIPT, "json", exercises=FX.EXERCISES, tz=UTC, generated_at=GENERATED_AT)
    )
    first = document["exercises"][0]
    assert (first["skipped"], first["paused"]) == (2, 1)
    assert (document["exercises"][1]["skipped"], document["exercises"][1]["paused"]) == (0, 0)
    _validate(document)


def test_the_report_shows_each_change_to_a_phases_plan_and_one_step_in_the_singular(tmp_path):
    from console_kit import START, make_library
    from script_kit import console_script

    from companion.core.clock import FakeClock
    from companion.core.journal.store import JournalStore
    from companion.core.session import LiveSession

    script, library, clock = console_script(), make_library(), FakeClock(START)
    session = LiveSession.start(script, JournalStore(tmp_path), clock, client_code="K-1")
    clock.advance(30)
    session.adjust(300)  # 15 -> 20 min
    for _ in range(4):
        clock.advance(5)
        session.adjust(-300)  # down to 0 min, held at the shortest plan
    clock.advance(60)
    session.next_phase()
    session.exercise_started("five-senses")
    clock.advance(40)
    session.exercise_finished("five-senses", 1, False)
    session.end()
    session.close()
    text = render_report(read_journal(session.writer.path), script, "md", exercises=library.exercises, tz=UTC)
    arrival = next(line for line in text.splitlines() if line.startswith("| Arrival and intention |"))
    assert "15 min, +5 min, -5 min, -5 min, -5 min, -5 min: " in arrival, arrival
    assert "as planned" not in arrival
    assert "ended early, 1 step done" in text
