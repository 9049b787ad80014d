"""The current phase: its title, where it sits in the script, and the time left (or over)."""

from __future__ import annotations

from functools import lru_cache

from textual.content import Content

from companion.core.timeline import SessionState
from companion.ui.safe_text import escape, plain
from companion.ui.timefmt import duration_text
from companion.ui.widgets.quiet import QuietStatic

# The title line changes with the phase, the time line every second: the title is parsed from
# markup once, the time line is built from its parts (parsing its markup cost 0.15 ms a second).
_title_content = lru_cache(maxsize=32)(Content.from_markup)


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
        self.show_built(
            f"{title}\n{timing}", lambda: Content("\n").join([_title_content(title), Content.assemble(*parts)])
        )
