"""The current phase: its title, where it sits in the script, and the time left (or over).

Two lines, each its own widget: the time line changes every second, the title with the phase,
and a widget repaints whole (both lines as one cost twice the time line alone)."""

from __future__ import annotations

from functools import lru_cache

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content

from companion.core.timeline import SessionState
from companion.ui.safe_text import escape, plain
from companion.ui.timefmt import duration_text
from companion.ui.widgets.quiet import QuietStatic

# The title line changes with the phase, the time line every second: the title is parsed from
# markup once, the time line is built from its parts (parsing its markup cost 0.15 ms a second).
_title_content = lru_cache(maxsize=32)(Content.from_markup)


class PhaseHeader(Vertical):
    DEFAULT_CSS = """
    PhaseHeader { height: 2; padding: 0 1; }
    PhaseHeader > QuietStatic { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def compose(self) -> ComposeResult:
        yield QuietStatic(id="phase-title")
        yield QuietStatic(id="phase-time")

    def on_mount(self) -> None:
        self._title = self.query_one("#phase-title", QuietStatic)
        self._time = self.query_one("#phase-time", QuietStatic)

    @property
    def plain(self) -> str:
        """Both lines as shown, without markup."""
        return f"{self._title.plain}\n{self._time.plain}"

    def render_state(self, state: SessionState) -> None:
        count = len(state.script.phases)
        title = f"[b $primary]{escape(state.phase.title)}[/]  [dim]phase {state.phase_index + 1} of {count}"
        if state.phase.advance == "auto":
            title += " · moves on by itself"
        title += "[/]"
        # (text, style) parts of the time line; the markup below says the same, for `shown`.
        parts: list[tuple[str, str] | str]
        if state.ended:
            parts = [("The session has ended.", "dim")]
            timing = "[dim]The session has ended.[/]"
        elif state.overrun > 0:
            over, planned = duration_text(state.overrun), duration_text(state.phase_planned)
            parts = [(f"{over} past the plan", "i"), "  ", (f"(planned {planned})", "dim")]
            timing = f"[i]{over} past the plan[/]  [dim](planned {planned})[/]"
        else:
            left, planned = duration_text(state.phase_remaining), duration_text(state.phase_planned)
            parts = [(f"{left} left", "b"), "  ", (f"of {planned}", "dim")]
            timing = f"[b]{left} left[/]  [dim]of {planned}[/]"
        if state.next_phase is not None and not state.ended:
            parts += ["   ", (f"next: {plain(state.next_phase.title)}", "dim")]
            timing += f"   [dim]next: {escape(state.next_phase.title)}[/]"
        self._title.show_built(title, lambda: _title_content(title))
        self._time.show_built(timing, lambda: Content.assemble(*parts))
