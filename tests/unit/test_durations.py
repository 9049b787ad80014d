import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.core.scripts.durations import (
    DurationError,
    format_clock,
    format_duration,
    format_minutes,
    parse_duration,
)


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


def test_clock_and_minutes():
    assert format_clock(65) == "01:05"
    assert format_clock(3725) == "1:02:05"
    assert format_clock(-65) == "-01:05"
    assert format_minutes(5400) == "1 h 30 min"
    assert format_minutes(600) == "10 min"
    assert format_minutes(40) == "40 s"
