"""The current phase: its title, where it sits in the script, and the time left (or over)."""

from __future__ import annotations

from companion.core.timeline import SessionState
from companion.ui.safe_text import escape
from companion.ui.timefmt import duration_text
from companion.ui.widgets.quiet import QuietStatic


class PhaseHeader(QuietStatic):
    DEFAULT_CSS = """
    PhaseHeader { height: 2; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def render_state(self, state: SessionState) -> None:
        count = len(state.script.phases)
        title = f"[b $primary]{escape(state.phase.title)}[/]  [dim]phase {state.phase_index + 1} of {count}"
        if state.phase.advance == "auto":
            title += " · moves on by itself"
        title += "[/]"
        if state.ended:
            timing = "[dim]The session has ended.[/]"
        elif state.overrun > 0:
            timing = (
                f"[i]{duration_text(state.overrun)} past the plan[/]"
                f"  [dim](planned {duration_text(state.phase_planned)})[/]"
            )
        else:
            timing = (
                f"[b]{duration_text(state.phase_remaining)} left[/]  [dim]of {duration_text(state.phase_planned)}[/]"
            )
        if state.next_phase is not None and not state.ended:
            timing += f"   [dim]next: {escape(state.next_phase.title)}[/]"
        self.show(f"{title}\n{timing}")
