"""The therapist's guide text for the phase and its checklist, ticked or not.

In a short window a long checklist scrolls, with a scrollbar that shows there is more.
"""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll

from companion.core.timeline import SessionState
from companion.ui.safe_text import escape
from companion.ui.widgets.quiet import QuietStatic


class GuidePanel(QuietStatic):
    DEFAULT_CSS = """
    GuidePanel { height: auto; padding: 0 1; }
    """

    def __init__(self, exercise_titles: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exercise_titles = exercise_titles or {}

    def render_state(self, state: SessionState) -> None:
        phase = state.phase
        lines = [escape(phase.guide)] if phase.guide else ["[dim]No guide text for this phase.[/]"]
        if phase.checklist:
            ticked = state.checklist.get(phase.id, frozenset())
            lines.append("")
            for item in phase.checklist:
                mark = "[$success]■[/]" if item in ticked else "[dim]□[/]"
                style = "dim" if item in ticked else ""
                lines.append(f"{mark} [{style}]{escape(item)}[/]" if style else f"{mark} {escape(item)}")
            lines.append("[dim]c ticks items[/]")
        if phase.exercises:
            titles = ", ".join(self.exercise_titles.get(name, name) for name in phase.exercises)
            lines.append(f"[dim]g exercises: {escape(titles)}[/]")
        self.show("\n".join(lines))


class GuideBox(VerticalScroll):
    """The Guide's frame: scrolls the GuidePanel inside it when the phase's text is too long."""

    DEFAULT_CSS = """
    GuideBox {
        height: 1fr; border: round $panel-lighten-1; border-title-color: $text-muted;
        scrollbar-size-vertical: 1; background: $background;
    }
    """

    def on_mount(self) -> None:
        self.border_title = "Guide"
