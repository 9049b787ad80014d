"""The phase bar's labels: a short phase borrows room from the slack of the long ones after it."""

from __future__ import annotations

import pytest

from companion.ui.widgets.timeline_bar import layout, place_labels

IM_STANDARD = (
    ["Arrival", "Preparation", "Dosing", "Journey", "Return", "Integration", "Discharge"],
    [15, 10, 5, 50, 25, 30, 15],
)


def _line(titles, minutes, width):
    spans = layout(minutes, width)
    line = ""
    placed = place_labels(titles, spans, width)
    for (start, label), (span_start, span_end) in zip(placed, spans, strict=True):
        assert span_start <= start < span_end  # every label starts under its own phase
        assert len(line) < start or not line  # a gap between labels, no overlap
        line = line.ljust(start) + label
    assert len(line) <= width
    return line


def test_at_160_columns_every_title_of_the_standard_script_is_whole():
    assert _line(*IM_STANDARD, 156).split() == IM_STANDARD[0]  # was "Preparati… Dos…"


@pytest.mark.parametrize("width", [76, 96, 118, 156, 200])
def test_labels_stay_under_their_phases_and_never_overlap(width):
    line = _line(*IM_STANDARD, width)
    assert "Dosing" in line and "Journey" in line


def test_titles_with_no_room_to_borrow_are_cut_with_an_ellipsis():
    line = _line(["Arrival", "Recovery and integration", "Discharge instructions"], [60, 10, 10], 40)
    assert line.split() == ["Arrival", "Rec…", "Disc…"], line
