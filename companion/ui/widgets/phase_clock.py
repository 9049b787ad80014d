"""The phase's time left (or past the plan) in large digits, when the window is tall enough."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from companion.core.timeline import SessionState
from companion.ui.timefmt import clock_text
from companion.ui.widgets.big_clock import BigClock
from companion.ui.widgets.quiet import QuietStatic


class PhaseClock(Vertical):
    DEFAULT_CSS = """
    PhaseClock { height: auto; width: auto; padding: 0 2; }
    PhaseClock > #phase-clock-label { color: $text-muted; width: auto; }
    PhaseClock > BigClock { width: auto; color: $secondary; }
    PhaseClock.-over > BigClock { color: $text-muted; }
    PhaseClock.-ended > BigClock { display: none; }
    """

    def compose(self) -> ComposeResult:
        yield QuietStatic(id="phase-clock-label")
        yield BigClock("0:00", id="phase-digits")

    def on_mount(self) -> None:
        self._digits = self.query_one(BigClock)
        self._label = self.query_one("#phase-clock-label", QuietStatic)
        self._state: SessionState | None = None

    def on_show(self) -> None:
        if self._state is not None:
            self.render_state(self._state)

    def render_state(self, state: SessionState) -> None:
        self._state = state
        if not self.display:
            # Hidden in a short window: a widget refreshed off screen makes the next frame lay
            # out the whole screen again, every second. Drawn when it is shown.
            return
        self.set_class(state.ended, "-ended")
        if state.ended:  # no phase runs any more: no time left to show
            self._label.show("[b]SESSION ENDED[/]")
            return
        over = state.overrun > 0
        self.set_class(over, "-over")
        self._label.show("[b]PAST THE PLAN[/]" if over else "[b]LEFT IN PHASE[/]")
        value = clock_text(state.overrun if over else state.phase_remaining)
        self._digits.show_time(value)
