"""The top line: clock, script, client code, time into the session, and the REHEARSAL / PAUSED marks.

What a therapist needs from it (the clock, the marks, the client code, the time into the
session) is never cut: when the full line is too wide for the window it takes shorter forms
in turn, the script's title (also on the picker and in the report) giving way first. Only
when even the shortest form does not fit (a client code of 40 characters beside every mark
at 80 columns) does it take a second line, laid out here rather than wrapped anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.cells import cell_len
from textual import events

from companion.core.timeline import SessionState
from companion.ui.fit import cells, cut
from companion.ui.safe_text import escape
from companion.ui.timefmt import minutes_text, wall_text
from companion.ui.widgets.quiet import QuietStatic

SHORTEST_TITLE = 12  # cells: a title cut shorter than this says nothing, and is left out


class StatusLine(QuietStatic):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    StatusLine.-two-lines { height: 2; }
    """

    def __init__(self, client_code: str = "", rehearsal_speed: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client_code = client_code
        self.rehearsal_speed = rehearsal_speed
        self._last: tuple[SessionState, float] | None = None

    def render_state(self, state: SessionState, real_now: float) -> None:
        self._last = (state, real_now)
        width = self.size.width or self.app.size.width - 2  # inside its padding (2 before layout)
        # What the line says changes once a minute: fitting it (measuring every form) is skipped
        # while nothing it is made of has changed.
        if not self.made_of(
            wall_text(real_now),
            state.ended,
            state.paused,
            state.script.title,
            _elapsed(state),
            self.client_code,
            self.rehearsal_speed,
            width,
        ):
            return
        markup = self.fitted(state, real_now, width)
        self.set_class("\n" in markup, "-two-lines")
        self.show(markup)

    def on_resize(self, event: events.Resize) -> None:
        if self._last is not None:
            self.render_state(*self._last)

    def fitted(self, state: SessionState, real_now: float, width: int) -> str:
        """The fullest form of the line that fits in `width` cells; two lines if none does."""
        for markup in self._forms(state, real_now, width):
            if cells(markup) <= width:
                return markup
        return markup

    def _forms(self, state: SessionState, real_now: float, width: int) -> Iterator[str]:
        marks = [f"[b]{wall_text(real_now)}[/]"]
        if self.rehearsal_speed:
            marks.append(f"[reverse $warning] REHEARSAL x{self.rehearsal_speed:g} [/]")
        if state.ended:
            marks.append("[reverse] ENDED [/]")
        elif state.paused:
            marks.append("[reverse $secondary] PAUSED [/]")
        title, code = state.script.title, self.client_code
        client = [f"client {escape(code)}"] if code else []
        elapsed, short_elapsed = _elapsed(state)
        # Whole minutes: the status line then repaints once a minute, not every second.
        yield "  ".join([*marks, escape(title), *client, *elapsed])
        # Shorter: the title last, cut to what room is left; then without it; then fewer words.
        rest = [*client, *short_elapsed]
        room = width - cells("  ".join([*marks, *rest])) - 2
        if room >= min(SHORTEST_TITLE, cell_len(title)):
            yield "  ".join([*marks, *rest, escape(cut(title, room))])
        yield "  ".join([*marks, *rest])
        yield " ".join([*marks, *([escape(code)] if code else []), *short_elapsed])
        # Two lines: the marks and the client code, then the time into the session and the title.
        second = "  ".join(elapsed)
        room = width - cell_len(second) - 2
        if room >= min(SHORTEST_TITLE, cell_len(title)):
            second += f"  {escape(cut(title, room))}" if second else escape(cut(title, room + 2))
        first = "  ".join([*marks, *client])
        if cells(first) > width:
            first = " ".join([*marks, *([escape(code)] if code else [])])
        yield first + "\n" + second


def _elapsed(state: SessionState) -> tuple[list[str], list[str]]:
    if state.started_at is None:
        return [], []
    if state.total_elapsed < 60:
        return ["session just started"], ["just started"]
    spent = minutes_text(state.total_elapsed)
    return [f"session {spent}"], [f"{spent} in"]
