"""Cues: a due reminder stays in view, calmly highlighted, until it is acknowledged; then the next one."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events

from companion.core.timeline import ReminderStatus, SessionState
from companion.ui.fit import cells, cut
from companion.ui.safe_text import escape
from companion.ui.timefmt import minutes_text, wall_text
from companion.ui.widgets.quiet import QuietStatic


def _when(status: ReminderStatus) -> str:
    reminder = status.reminder
    if reminder.after_dose is not None:
        return f"{minutes_text(reminder.after_dose)} after the dose"
    if reminder.at is not None:
        return f"{minutes_text(reminder.at)} into {status.phase_id}"
    return ""


class DueReminder(QuietStatic):
    """Visible only while a reminder is due; persistent, never blinking.

    The faint amber band alone turns to near-black without truecolor, so a solid bar at its left
    in an amber chosen to stay amber (yellow) in 256 and 16 colours marks it there too."""

    DEFAULT_CSS = """
    DueReminder {
        height: auto; padding: 0 1 0 0; background: $warning 18%; color: $text; display: none;
        border-left: outer $reminder-mark;
    }
    DueReminder.-due { display: block; }
    """

    def render_state(self, state: SessionState) -> None:
        due = state.reminders_due
        self.set_class(bool(due), "-due")
        if not due:
            self.show("")
            return
        first = due[0]
        since = max(0.0, state.now - (first.due_at or state.now))
        line = f"[b]Due:[/] {escape(first.reminder.text)}  [dim]since {wall_text(first.due_at or state.now)}"
        if since >= 60:
            line += f" ({minutes_text(since)})"
        line += "[/]   [b]a[/] opens it" if first.reminder.assessment else "[/]   [b]a[/] done"
        if len(due) > 1:
            line += f"   [dim]+{len(due) - 1} more due[/]"
        self.show(line)


class NextReminder(QuietStatic):
    """The next reminder on one line. When the whole line is too wide (80 columns, a long
    reminder), its time comes first and the reminder's words last, cut with an ellipsis: when it
    falls is never the part cut off."""

    DEFAULT_CSS = """
    NextReminder { height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    _last: SessionState | None = None

    def render_state(self, state: SessionState) -> None:
        self._last = state
        upcoming = state.reminders_upcoming
        if not upcoming:
            if self.made_of(None):  # remembered, so that the next reminder is drawn when one comes
                self.show("[dim]No more reminders planned.[/]")
            return
        status = upcoming[0]
        text = escape(status.reminder.text)
        if status.due_at is None:
            full = f"Next: {text}  [dim]{_when(status)} (once the dose is recorded)[/]"
            when = f"{_when(status)}, once the dose is recorded"
        else:
            wait = max(0.0, status.due_at - state.now)
            full = f"Next: {text}  [dim]at {wall_text(status.due_at)}, in {minutes_text(wait)}[/]"
            when = f"at {wall_text(status.due_at)}, in {minutes_text(wait)}"
        width = self.size.width or self.app.size.width - 2  # inside its padding (2 before layout)
        if not self.made_of(full, width):  # the line changes once a minute: measured once
            return
        if cells(full) <= width:
            self.show(full)
            return
        head = f"Next, {when}: "
        self.show(f"[dim]{head}[/]{escape(cut(status.reminder.text, width - cell_len(head)))}")

    def on_resize(self, event: events.Resize) -> None:
        if self._last is not None:
            self.render_state(self._last)
