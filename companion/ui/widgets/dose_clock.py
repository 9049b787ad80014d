"""TIME SINCE DOSE, large: the clock that matters clinically once a dose is recorded."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from companion.core.timeline import SessionState
from companion.ui.safe_text import escape
from companion.ui.timefmt import clock_text, wall_text
from companion.ui.widgets.big_clock import BigClock
from companion.ui.widgets.quiet import QuietStatic


class DoseClock(Vertical):
    DEFAULT_CSS = """
    DoseClock { height: auto; width: 1fr; padding: 0 1; }
    DoseClock > #dose-label { color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    DoseClock > BigClock { width: auto; color: $primary; }
    DoseClock.-none > BigClock { display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        # Starts as "no dose": set before mounting, a class costs no second styling pass.
        super().__init__(id=id, classes="-none")

    def compose(self) -> ComposeResult:
        yield QuietStatic(id="dose-label")
        yield BigClock("0:00", id="dose-digits")

    def on_mount(self) -> None:
        self._digits = self.query_one(BigClock)
        self._label = self.query_one("#dose-label", QuietStatic)

    @property
    def digits_value(self) -> str | None:
        return None if self.has_class("-none") else self._digits.value

    def render_state(self, state: SessionState) -> None:
        if state.dose is None or state.since_dose is None:
            self.set_class(True, "-none")
            self._label.show("[dim]No dose recorded yet.[/]  [b]d[/] records it" if state.script.dose_phase else "")
            return
        self.set_class(False, "-none")
        dose = state.dose
        route = f" {escape(dose.route)}" if dose.route else ""
        self._label.show(
            f"[b]TIME SINCE DOSE[/]  [dim]{dose.amount:g} {escape(dose.unit)}{route} at {wall_text(dose.given_at)}[/]"
        )
        value = clock_text(state.since_dose)
        self._digits.show_time(value)
