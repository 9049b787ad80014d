"""One clock on screen and for typed times (issue 12, item 7).

The top line, the notes, the dose form's default and the parsing of a typed time all read the
session's clock, so a wall clock stepped (or a resume under a changed clock) cannot make the
header say 06:34 while the notes say 08:34. In the hour a DST change repeats, a typed time is
the most recent moment that reads so.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from console_kit import START, console, settled

from companion.ui.dialogs.validation import parse_time_of_day
from companion.ui.timefmt import wall_text
from companion.ui.widgets.status_line import StatusLine

SIZE = (100, 30)


async def test_the_top_line_reads_the_sessions_clock_not_the_wall_clock(tmp_path):
    two_hours_behind = lambda: START - 2 * 3600  # noqa: E731 - the system clock, stepped back
    app, clock, _player, _store = console(tmp_path, real_time=two_hours_behind)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.screen.tick()
        top = str(app.screen.query_one(StatusLine).render())
        assert wall_text(START) in top and wall_text(START - 2 * 3600) not in top


@pytest.fixture
def berlin(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_time_in_the_repeated_hour_is_the_most_recent_one(berlin):
    # 25 Oct 2026: clocks go back from 03:00 CEST to 02:00 CET, so 02:00-03:00 happens twice.
    second_0205 = dt.datetime(2026, 10, 25, 1, 5, tzinfo=dt.UTC).timestamp()  # 02:05 CET
    assert time.strftime("%H:%M %Z", time.localtime(second_0205)) == "02:05 CET"
    moment = parse_time_of_day("02:50", second_0205)  # the first 02:50 (CEST), 15 minutes ago
    assert second_0205 - moment == 15 * 60
    moment = parse_time_of_day("02:01", second_0205)  # the second 02:01 (CET), 4 minutes ago
    assert second_0205 - moment == 4 * 60


def test_typed_times_follow_the_clock_they_are_given(berlin):
    session_now = dt.datetime(2026, 12, 1, 8, 34, tzinfo=dt.UTC).timestamp()  # 09:34 local
    assert session_now - parse_time_of_day("09:10", session_now) == 24 * 60
