"""The breathing pacer as a pure function of the pattern and the time elapsed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.core.breathing import (
    breathing_seconds,
    ease,
    pacer_at,
    rounds_completed,
)
from companion.core.scripts.exercises import BreathPattern

BOX = BreathPattern(inhale=4, hold=4, exhale=4, rest=4)
FOUR_SEVEN_EIGHT = BreathPattern(inhale=4, hold=7, exhale=8)
COHERENT = BreathPattern(inhale=5.5, exhale=5.5)


def parts(pattern, rounds, instants):
    return [(f.part, f.count) for f in (pacer_at(pattern, rounds, t) for t in instants)]


def test_box_breathing_parts_and_counts_down():
    assert parts(BOX, 2, [0, 0.5, 1, 2.99, 3, 3.999]) == [
        ("in", 4), ("in", 4), ("in", 3), ("in", 2), ("in", 1), ("in", 1),
    ]  # fmt: skip
    assert parts(BOX, 2, [4, 7.5, 8, 12, 15.9]) == [
        ("hold", 4), ("hold", 1), ("out", 4), ("rest", 4), ("rest", 1),
    ]  # fmt: skip


def test_words_for_each_part():
    words = {pacer_at(BOX, 1, t).part: pacer_at(BOX, 1, t).word for t in (1, 5, 9, 13)}
    assert words == {"in": "Breathe in", "hold": "Hold", "out": "Breathe out", "rest": "Rest"}


def test_size_grows_on_in_holds_full_shrinks_on_out_rests_empty():
    assert pacer_at(BOX, 1, 0).size == 0.0
    assert pacer_at(BOX, 1, 2).size == pytest.approx(0.5)
    assert pacer_at(BOX, 1, 1).size < 0.25  # eased: slow at the start
    assert pacer_at(BOX, 1, 3.999).size == pytest.approx(1.0, abs=1e-5)
    assert [pacer_at(BOX, 1, t).size for t in (4, 6, 7.9)] == [1.0, 1.0, 1.0]
    assert pacer_at(BOX, 1, 8).size == pytest.approx(1.0)
    assert pacer_at(BOX, 1, 10).size == pytest.approx(0.5)
    assert [pacer_at(BOX, 1, t).size for t in (12, 14, 15.9)] == [0.0, 0.0, 0.0]


def test_size_is_monotonic_within_the_in_and_the_out_breath():
    ins = [pacer_at(BOX, 1, t / 10).size for t in range(0, 40)]
    outs = [pacer_at(BOX, 1, 8 + t / 10).size for t in range(0, 40)]
    assert ins == sorted(ins)
    assert outs == sorted(outs, reverse=True)


def test_zero_hold_and_rest_are_skipped():
    assert parts(FOUR_SEVEN_EIGHT, 1, [3.9, 4, 10.9, 11, 18.9]) == [
        ("in", 1), ("hold", 7), ("hold", 1), ("out", 8), ("out", 1),
    ]  # fmt: skip
    # No rest: the next breath starts straight after the out-breath.
    assert pacer_at(FOUR_SEVEN_EIGHT, 2, 19).part == "in"
    assert pacer_at(FOUR_SEVEN_EIGHT, 2, 19).round == 2
    assert [f.part for f in (pacer_at(COHERENT, 3, t) for t in (0, 5.4, 5.5, 10.9))] == [
        "in", "in", "out", "out",
    ]  # fmt: skip


def test_coherent_breathing_five_and_a_half_seconds():
    # 5.5 s parts: the count starts at 6 (5.5 s left rounds up) and reaches 1 in the last half second.
    assert parts(COHERENT, 6, [0, 0.5, 1.5, 4.5, 5.0, 5.49]) == [
        ("in", 6), ("in", 5), ("in", 4), ("in", 1), ("in", 1), ("in", 1),
    ]  # fmt: skip
    assert pacer_at(COHERENT, 6, 11).part == "in" and pacer_at(COHERENT, 6, 11).round == 2
    assert pacer_at(COHERENT, 6, 5.5 + 2.75).size == pytest.approx(0.5)


def test_no_drift_after_many_rounds():
    rounds = 10_000
    for k in (997, 5_000, 9_999):
        base = k * COHERENT.cycle
        assert pacer_at(COHERENT, rounds, base).part == "in"
        assert pacer_at(COHERENT, rounds, base).round == k + 1
        assert pacer_at(COHERENT, rounds, base).count == 6
        assert pacer_at(COHERENT, rounds, base + 5.5).part == "out"
        assert pacer_at(COHERENT, rounds, base + 2.75).size == pytest.approx(0.5)
        assert pacer_at(COHERENT, rounds, base - 0.01).part == "out"
    frame = pacer_at(BOX, 100_000, 16 * 77_777 + 12)
    assert (frame.part, frame.round, frame.count) == ("rest", 77_778, 4)


def test_done_after_the_last_round():
    assert pacer_at(BOX, 2, 31.99).part == "rest"
    assert pacer_at(BOX, 2, 31.99).round == 2
    done = pacer_at(BOX, 2, 32)
    assert (done.part, done.word, done.count, done.size, done.round) == ("done", "", 0, 0.0, 2)
    assert pacer_at(BOX, 2, 10_000).part == "done"
    assert pacer_at(BOX, 0, 0).part == "done"


def test_before_the_start_is_the_start():
    frame = pacer_at(BOX, 3, -5)
    assert (frame.part, frame.count, frame.size, frame.round) == ("in", 4, 0.0, 1)


def test_rounds_completed_and_length():
    assert breathing_seconds(BOX, 6) == 96
    assert [rounds_completed(BOX, 6, t) for t in (0, 15.99, 16, 47, 96, 500)] == [0, 0, 1, 2, 6, 6]
    assert rounds_completed(COHERENT, 100, 11 * 37) == 37


def test_ease_ends():
    assert ease(0) == 0 and ease(1) == 1 and ease(0.5) == pytest.approx(0.5)
    assert ease(-1) == 0 and ease(2) == 1


patterns = st.builds(
    BreathPattern,
    inhale=st.floats(0.5, 12),
    hold=st.sampled_from([0, 1, 2.5, 7]),
    exhale=st.floats(0.5, 12),
    rest=st.sampled_from([0, 1, 4]),
)


@given(pattern=patterns, rounds=st.integers(1, 50), elapsed=st.floats(0, 2_000))
def test_any_instant_gives_a_sane_frame(pattern, rounds, elapsed):
    frame = pacer_at(pattern, rounds, elapsed)
    assert 0.0 <= frame.size <= 1.0
    if elapsed < pattern.cycle * rounds - 1e-3:
        assert frame.part in ("in", "hold", "out", "rest")
        assert 1 <= frame.round <= rounds
        longest = max(pattern.inhale, pattern.hold, pattern.exhale, pattern.rest)
        assert 1 <= frame.count <= int(longest) + 1
        assert frame.round == rounds_completed(pattern, rounds, elapsed) + 1
    else:
        assert frame.part == "done"
