import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.core.scripts.durations import (
    DurationError,
    format_duration,
    parse_duration,
)
from companion.core.timefmt import format_minutes


@pytest.mark.parametrize(
    "text, seconds",
    [("90s", 90), ("15m", 900), ("1h30m", 5400), ("1h 30m", 5400), (90, 90), ("45", 45), ("5.5s", 5.5), ("2h", 7200)],
)
def test_parses_what_people_write(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "0", 0, -5, "-5m", "5x", "m5", "30m1h", "1m1m", True, None, [], "nan", 10**9])
def test_refuses_with_what_was_expected(bad):
    with pytest.raises(DurationError, match="expected"):
        parse_duration(bad)


def test_zero_allowed_only_when_asked():
    assert parse_duration("0s", allow_zero=True) == 0


@given(st.integers(min_value=1, max_value=24 * 3600 - 1))
def test_round_trips_whole_seconds(seconds):
    assert parse_duration(format_duration(seconds)) == seconds


@given(st.floats(min_value=0.001, max_value=3600, allow_nan=False).map(lambda x: round(x, 3)))
def test_round_trips_fractions(seconds):
    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds, abs=1e-6)


def test_minutes():
    assert format_minutes(5400) == "1 h 30 min"
    assert format_minutes(600) == "10 min"
    assert format_minutes(40) == "40 s"


# -- a duration is text with units or a whole number of seconds, nothing else (issue 12, item 9) --


@pytest.mark.parametrize(
    "yaml_value, words",
    [
        ("1:30", "got '1:30'"),  # YAML 1.1 reads it as 90 (base 60)
        ("0x258", "got '0x258'"),
        ("010", "got '010'"),
        ("1_200", "got '1_200'"),
        ("1:30.5", "got '1:30.5'"),
        ("24h", "under 24h"),
        ("86400", "under 24h"),
        ("1e-7s", "got '1e-7s'"),
        ("0.0000001s", "got '0.0000001s'"),
        ("2.5", "whole seconds"),
    ],
)
def test_a_script_duration_refuses_what_yaml_would_guess_at(tmp_path, yaml_value, words):
    from companion.core.scripts.loading import load_session
    from companion.core.scripts.problems import ScriptError

    path = tmp_path / "s.yaml"
    path.write_text(f"id: s\ntitle: S\nroute: IM\nphases:\n  - id: one\n    title: One\n    duration: {yaml_value}\n")
    with pytest.raises(ScriptError, match=rf"s.yaml:7:15: phases\[0\].duration: expected .*{words}") as error:
        load_session(path)
    assert len(str(error.value).splitlines()) == 1


def test_numbers_elsewhere_still_read_as_written(tmp_path):
    from companion.core.scripts.loading import load_session

    path = tmp_path / "s.yaml"
    path.write_text(
        "id: s\ntitle: S\nroute: IM\nsafety: {heart_rate_max: 120, spo2_min: 92.5}\n"
        "phases:\n  - id: one\n    title: One\n    duration: 90\n    volume: 0.5\n"
    )
    script = load_session(path)
    assert script.phases[0].duration == 90 and script.phases[0].volume == 0.5
    assert script.safety.heart_rate_max == 120 and script.safety.spo2_min == 92.5


def test_the_docs_and_the_validator_agree():
    from companion import paths

    docs = (paths.bundled_scripts_dir() / "README.md").read_text()
    section = docs[docs.index("## Durations") :].split("\n## ")[0]
    for good in re.findall(r"`(\d[\dhms.]*)`", section.split("and nothing else")[0]):
        parse_duration(good)  # every example the docs give is read
    for refused in ("24h", "1:30", "0x258", "010", "1_200", "2.5"):
        assert f"`{refused}`" in section
        with pytest.raises(DurationError):
            parse_duration(refused)
