"""compute_state on arbitrary event sequences: it never fails and its arithmetic holds together."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from script_kit import three_hour_script
from test_timeline import T0

from companion.core.events import (
    DoseGiven,
    Paused,
    PhaseAdjusted,
    PhaseStarted,
    ReminderAcknowledged,
    Resumed,
    SessionEnded,
    SessionStarted,
)
from companion.core.timeline import compute_state

SCRIPT = three_hour_script()
PHASE_IDS = [p.id for p in SCRIPT.phases] + ["not-in-this-script"]
REMINDER_IDS = [r.id for p in SCRIPT.phases for r in p.reminders]

STEP = st.one_of(
    st.builds(
        lambda pid, move: ("phase", pid, move),
        st.sampled_from(PHASE_IDS),
        st.sampled_from(["next", "back", "jump", "auto"]),
    ),
    st.just(("pause",)),
    st.just(("resume",)),
    st.builds(lambda s: ("adjust", s), st.integers(-4000, 4000)),
    st.builds(lambda back: ("dose", back), st.integers(0, 3000)),
    st.builds(lambda rid: ("ack", rid), st.sampled_from(REMINDER_IDS)),
    st.just(("end",)),
)


def build(steps, waits, jitter):
    events = [SessionStarted(at=T0, script_id=SCRIPT.id)]
    t = T0
    for step, wait in zip(steps, waits, strict=False):
        t += wait
        stamp = t - jitter if wait % 5 == 0 else t  # now and then a clock that stepped back
        kind = step[0]
        if kind == "phase":
            events.append(PhaseStarted(at=stamp, phase_id=step[1], move=step[2]))
        elif kind == "pause":
            events.append(Paused(at=stamp))
        elif kind == "resume":
            events.append(Resumed(at=stamp))
        elif kind == "adjust":
            events.append(PhaseAdjusted(at=stamp, phase_id="", seconds=float(step[1])))
        elif kind == "dose":
            events.append(DoseGiven(at=stamp, amount=1.0, given_at=stamp - step[1]))
        elif kind == "ack":
            events.append(ReminderAcknowledged(at=stamp, reminder_id=step[1]))
        elif kind == "end":
            events.append(SessionEnded(at=stamp))
    return events, t


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(STEP, max_size=40),
    waits=st.lists(st.integers(0, 3000), min_size=40, max_size=40),
    jitter=st.integers(0, 100),
    tail=st.integers(0, 20000),
)
def test_any_sequence_gives_a_coherent_state(steps, waits, jitter, tail):
    events, last = build(steps, waits, jitter)
    now = last + tail
    state = compute_state(SCRIPT, events, now)
    end = state.ended_at if state.ended else now
    assert state.phase_remaining >= 0 and state.overrun >= 0
    assert state.phase_elapsed <= state.total_elapsed + 1e-6
    assert abs(state.phase_elapsed + state.phase_remaining - state.overrun - state.phase_planned) < 1e-6
    assert sum(v.active for v in state.history) <= state.total_elapsed + 1e-6
    for before, after in zip(state.history, state.history[1:], strict=False):
        assert before.ended_at == after.started_at
    assert state.history[-1].phase_id == state.phase.id
    for status in state.reminders_due:
        assert status.due_at is not None and status.due_at <= end
        assert status.reminder.id not in state.acknowledged
    for status in state.reminders_upcoming:
        assert status.due_at is None or status.due_at > end - 1e-6
    if state.ended:
        assert state.reminders_upcoming == () and state.next_phase_at is None
    # Time moving on changes nothing already past: the same events later give the same history
    # up to the current visit.
    later = compute_state(SCRIPT, events, now + 1)
    assert later.history[: len(state.history) - 1] == state.history[:-1]
    assert {s.reminder.id for s in state.reminders_due} <= {s.reminder.id for s in later.reminders_due}
