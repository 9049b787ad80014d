"""The latest notes, newest first, each with its time: the newest is always in view, even when
an older one is long or the panel has room for one line only (80x24)."""

from __future__ import annotations

from companion.core.timeline import SessionState
from companion.ui.safe_text import escape
from companion.ui.timefmt import wall_text
from companion.ui.widgets.quiet import QuietStatic

SHOWN = 4


class NotesPanel(QuietStatic):
    DEFAULT_CSS = """
    NotesPanel { height: 1fr; padding: 0 1; border: round $panel-lighten-1; border-title-color: $text-muted; }
    """

    def on_mount(self) -> None:
        self.border_title = "Notes"

    def render_state(self, state: SessionState) -> None:
        if not state.notes:
            self.show("[dim]None yet.[/]  [b]t[/] adds one")
            return
        lines = [f"[dim]{wall_text(note.at)}[/] {escape(note.text)}" for note in reversed(state.notes[-SHOWN:])]
        self.show("\n".join(lines))
