"""What the dose and vitals forms say about what was typed (pure functions, no screen)."""

from __future__ import annotations

import datetime as dt

import pytest

from companion.ui.dialogs.validation import FormError, parse_time_of_day, parse_vitals


def at(hour: int, minute: int) -> float:
    return dt.datetime(2027, 1, 15, hour, minute).timestamp()


def test_a_dose_time_later_than_now_is_said_to_be_in_the_future():
    with pytest.raises(FormError, match="14:00 is later than now"):
        parse_time_of_day("14:00", at(10, 0))


def test_a_dose_time_just_before_midnight_typed_after_it_is_yesterday():
    assert parse_time_of_day("23:50", at(0, 10)) == dt.datetime(2027, 1, 14, 23, 50).timestamp()


def test_a_dose_time_more_than_twelve_hours_back_is_still_refused_as_such():
    with pytest.raises(FormError, match="more than 12 hours ago"):
        parse_time_of_day("08:00", at(21, 0))


@pytest.mark.parametrize("typed", ["12O", "7 2", "1e2", "-80"])
def test_a_vitals_value_that_is_not_a_whole_number_is_refused(typed):
    with pytest.raises(FormError, match="is not a whole number"):
        parse_vitals("", "", typed, "", "")
