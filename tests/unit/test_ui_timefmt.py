"""Spans of time are written so that nobody reads them as a time of day."""

from __future__ import annotations

import pytest

from companion.ui.timefmt import clock_text, duration_text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (42.9, "42 s"),
        (60, "1 min"),
        (898, "14 min 58 s"),
        (900, "15 min"),
        (3599, "59 min 59 s"),
        (3600, "1 h 00 min"),
        (3900 + 59, "1 h 05 min"),
        (-5, "0 s"),
    ],
)
def test_duration_text(seconds, text):
    assert duration_text(seconds) == text


def test_no_duration_looks_like_a_clock_reading():
    for seconds in range(0, 4 * 3600, 37):
        assert ":" not in duration_text(seconds)


def test_clock_text_stays_for_the_large_digits():
    assert clock_text(898) == "14:58" and clock_text(3725) == "1:02:05"
