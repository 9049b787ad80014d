"""Lines rebuilt only when what they are made of changes (QuietStatic.made_of): the Next line
that said "No more reminders planned." shows the next reminder again when one comes back (a
phase gone back to), though it reads as it did before."""

from __future__ import annotations

from types import SimpleNamespace

from textual.app import App, ComposeResult

from companion.ui.widgets.reminders import NextReminder

T0 = 1_800_000_000.0


class _Lines(App[None]):
    def compose(self) -> ComposeResult:
        yield NextReminder(id="next")


def _state(*upcoming: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(reminders_upcoming=list(upcoming), now=T0)


async def test_the_next_line_comes_back_after_no_more_reminders():
    reminder = SimpleNamespace(reminder=SimpleNamespace(text="Vitals check"), due_at=T0 + 600)
    app = _Lines()
    async with app.run_test(size=(100, 5)) as pilot:
        line = app.query_one(NextReminder)
        line.render_state(_state(reminder))  # type: ignore[arg-type]
        await pilot.pause()
        first = line.plain
        assert first.startswith("Next: Vitals check")
        line.render_state(_state())  # type: ignore[arg-type]
        assert line.plain == "No more reminders planned."
        line.render_state(_state(reminder))  # type: ignore[arg-type]
        assert line.plain == first
        line.render_state(_state(reminder))  # type: ignore[arg-type]  # the same: nothing rebuilt
        assert line.plain == first
