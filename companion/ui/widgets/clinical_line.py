"""Notices raised by answers (PHQ-9 item 9), persistent and calm; forms left open; the latest scores.

A notice names the answer and says that the practice's safety plan applies; it gives no
advice, never blinks, and stays for the rest of the session.
"""

from __future__ import annotations

from companion.core.timeline import SessionState
from companion.ui.safe_text import escape
from companion.ui.timefmt import wall_text
from companion.ui.widgets.quiet import QuietStatic


def scores_text(state: SessionState) -> str:
    """ "PHQ-9 12 Moderate · MOAA/S 4 Sedated": the latest total of each assessment."""
    latest: dict[str, str] = {}
    for result in state.assessments:
        if result.score is not None:
            band = f" {result.band}" if result.band else ""
            latest[result.assessment_id] = (
                f"{result.title} {result.score}{band} ({wall_text(result.finished_at or result.started_at)})"
            )
    return " · ".join(latest.values())


class ClinicalLine(QuietStatic):
    DEFAULT_CSS = """
    ClinicalLine { height: auto; padding: 0 1; color: $text-muted; display: none; }
    ClinicalLine.-shown { display: block; }
    """

    def render_state(self, state: SessionState) -> None:
        lines = [f"[$warning]■[/] {escape(notice.text)}  [dim]{wall_text(notice.at)}[/]" for notice in state.notices]
        for form in state.assessments:
            if form.open:  # left mid-way (Escape, or a console that stopped): it waits under `s`
                answered = len(form.answers)
                lines.append(
                    f"[dim]{escape(form.title)} left open, {answered} answered:[/] [b]s[/] [dim]continues it[/]"
                )
        scores = scores_text(state)
        if scores:
            lines.append(f"[dim]{escape(scores)}[/]")
        self.set_class(bool(lines), "-shown")
        self.show("\n".join(lines))
