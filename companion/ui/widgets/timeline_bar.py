"""All phases as one bar, each as long as its plan, with the current position marked."""

from __future__ import annotations

from typing import Any

from companion.core.timeline import SessionState
from companion.ui.safe_text import escape
from companion.ui.widgets.quiet import QuietStatic


def phase_lengths(state: SessionState) -> list[float]:
    """Planned seconds of each phase: the current one with its adjustments."""
    lengths = [phase.duration for phase in state.script.phases]
    lengths[state.phase_index] = max(state.phase_planned, state.phase_elapsed)
    return [max(length, 1.0) for length in lengths]


def layout(lengths: list[float], width: int) -> list[tuple[int, int]]:
    """Column span (start, end) of each phase across `width` columns; every phase gets one."""
    total = sum(lengths)
    spans, start, acc = [], 0, 0.0
    count = len(lengths)
    for index, length in enumerate(lengths):
        acc += length
        end = round(acc / total * width)
        end = max(end, start + 1)
        end = min(end, width - (count - index - 1))
        spans.append((start, end))
        start = end
    return spans


def short_label(title: str, room: int) -> str:
    """The phase's title in `room` columns: whole, else its first word, else cut with an ellipsis."""
    if len(title) <= room:
        return title
    first = title.split()[0].rstrip(",;:(") if title.split() else title
    if len(first) <= room:
        return first
    if room >= 2:
        return first[: room - 1] + "…"
    return first[:room]


def place_labels(titles: list[str], spans: list[tuple[int, int]], width: int) -> list[tuple[int, str]]:
    """Where each phase's label starts, and the label. A label starts within its own phase's
    span but may run on into the spare room of the spans after it (a short Dosing phase then
    lends nothing, a long Journey lends its slack), so fewer titles are cut."""
    count = len(titles)
    # Right to left: the latest column each label can start at and still leave the ones after it whole.
    latest = [0] * count
    end = width
    for index in range(count - 1, -1, -1):
        start, stop = spans[index]
        latest[index] = max(start, min(stop - 1, end - len(titles[index])))
        end = latest[index] - 1  # a gap before the next label
    placed, cursor = [], 0
    for index, title in enumerate(titles):
        start = min(max(spans[index][0], cursor), spans[index][1] - 1)
        limit = latest[index + 1] - 1 if index + 1 < count else width
        label = short_label(title, max(0, limit - start))
        placed.append((start, label))
        cursor = start + len(label) + 1
    return placed


class TimelineBar(QuietStatic):
    DEFAULT_CSS = """
    TimelineBar { height: 2; padding: 0 1; text-wrap: nowrap; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._state: SessionState | None = None

    def render_state(self, state: SessionState) -> None:
        self._state = state
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        state = self._state
        width = self.content_size.width
        if state is None or width < len(state.script.phases):
            return
        lengths = phase_lengths(state)
        spans = layout(lengths, width)
        start, end = spans[state.phase_index]
        fraction = 1.0 if state.ended else min(1.0, state.phase_elapsed / lengths[state.phase_index])
        done = min(end - start - 1, int(fraction * (end - start))) if end - start > 1 else 0
        # The marker moves a cell at a time, a few times a phase: the labels are placed again
        # only when the bar would change.
        if not self.made_of(state.script, tuple(spans), state.phase_index, done):
            return
        bar = []
        for index, (start, end) in enumerate(spans):
            size = end - start
            if index < state.phase_index:
                bar.append(f"[$secondary 60%]{'━' * size}[/]")
            elif index > state.phase_index:
                bar.append(f"[dim]{'─' * size}[/]")
            else:
                bar.append(f"[$primary]{'━' * done}[/][b $primary]●[/][dim]{'─' * (size - done - 1)}[/]")
        titles = [phase.title for phase in state.script.phases]
        labels, column = [], 0
        for index, (start, label) in enumerate(place_labels(titles, spans, width)):
            style = "b" if index == state.phase_index else "dim"
            labels.append(" " * max(0, start - column) + f"[{style}]{escape(label)}[/]")
            column = max(column, start) + len(label)
        self.show("".join(bar) + "\n" + "".join(labels))
