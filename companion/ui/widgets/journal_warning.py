"""A persistent plain warning while the journal cannot be written to."""

from __future__ import annotations

from companion.ui.safe_text import escape
from companion.ui.widgets.quiet import QuietStatic


class JournalWarning(QuietStatic):
    DEFAULT_CSS = """
    JournalWarning { height: auto; padding: 0 1; background: $error 25%; color: $text; display: none; }
    JournalWarning.-shown { display: block; }
    """

    def render_problem(self, problem: str | None) -> None:
        self.set_class(bool(problem), "-shown")
        self.show(escape(problem) if problem else "")
