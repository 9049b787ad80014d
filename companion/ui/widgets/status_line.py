"""The top line: real clock, script, client code, and the REHEARSAL / PAUSED marks."""

from __future__ import annotations

from typing import Any

from companion.core.timeline import SessionState
from companion.ui.safe_text import escape
from companion.ui.timefmt import minutes_text, wall_text
from companion.ui.widgets.quiet import QuietStatic


class StatusLine(QuietStatic):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, client_code: str = "", rehearsal_speed: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client_code = client_code
        self.rehearsal_speed = rehearsal_speed

    def render_state(self, state: SessionState, real_now: float) -> None:
        parts = [f"[b]{wall_text(real_now)}[/]"]
        if self.rehearsal_speed:
            parts.append(f"[reverse $warning] REHEARSAL x{self.rehearsal_speed:g} [/]")
        if state.ended:
            parts.append("[reverse] ENDED [/]")
        elif state.paused:
            parts.append("[reverse $secondary] PAUSED [/]")
        parts.append(escape(state.script.title))
        if self.client_code:
            parts.append(f"client {escape(self.client_code)}")
        if state.started_at is not None:
            # Whole minutes: the status line then repaints once a minute, not every second.
            parts.append(
                f"session {minutes_text(state.total_elapsed) if state.total_elapsed >= 60 else 'just started'}"
            )
        self.show("  ".join(parts))
