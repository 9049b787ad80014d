"""StepPrompt: one calm sentence at a time, the steps as dots, and a thin line of time left.

It shows what it is given (text, which step of how many, the share of time left) and decides
nothing: the exercise screen drives it from the clock, the client display from the journal.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from companion.ui.widgets.component_style import component_style

DONE, CURRENT, LATER = "●", "●", "○"


def dot_marks(index: int | None, total: int) -> list[str]:
    """Which mark each step gets: "done", "current" or "later".

    index None: before the first step (all later); index >= total: all done.
    """
    marks = []
    for step in range(max(0, total)):
        if index is not None and step < index:
            marks.append("done")
        elif index is not None and step == index:
            marks.append("current")
        else:
            marks.append("later")
    return marks


class StepDots(Widget):
    """ "● ● ○ ○ ○": steps passed, the current one (warmer), those to come."""

    COMPONENT_CLASSES = {"step-dots--done", "step-dots--current", "step-dots--later"}

    DEFAULT_CSS = """
    StepDots { height: 1; width: 1fr; content-align: center middle; }
    StepDots > .step-dots--done { color: $foreground 45%; }
    StepDots > .step-dots--current { color: $primary 85%; }
    StepDots > .step-dots--later { color: $foreground 30%; }
    """

    def __init__(self, index: int | None = None, total: int = 0, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._marks = dot_marks(index, total)

    @property
    def marks(self) -> list[str]:
        return list(self._marks)

    def set_step(self, index: int | None, total: int) -> None:
        marks = dot_marks(index, total)
        if marks != self._marks:
            self._marks = marks
            self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, justify="center")
        shape = {"done": DONE, "current": CURRENT, "later": LATER}
        for number, mark in enumerate(self._marks):
            if number:
                text.append(" ")
            text.append(shape[mark], component_style(self, f"step-dots--{mark}"))
        return text


class TimeLeftLine(Widget):
    """A one-row line whose bright part shrinks as the step's time runs out."""

    COMPONENT_CLASSES = {"time-left-line--left", "time-left-line--gone"}

    DEFAULT_CSS = """
    TimeLeftLine { height: 1; width: 1fr; }
    TimeLeftLine > .time-left-line--left { color: $primary 45%; }
    TimeLeftLine > .time-left-line--gone { color: $panel-lighten-1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._fraction: float | None = None
        self._cells: int | None = None

    @property
    def fraction(self) -> float | None:
        return self._fraction

    def set_fraction(self, fraction: float | None) -> None:
        """Share of the time left, 0..1; None hides the line. Repaints only when a cell changes."""
        self._fraction = None if fraction is None else min(1.0, max(0.0, fraction))
        cells = None if self._fraction is None else round(self._fraction * self.size.width)
        if cells != self._cells:
            self._cells = cells
            self.refresh()

    def on_resize(self) -> None:
        self._cells = None
        self.set_fraction(self._fraction)

    def render(self) -> Text:
        width = self.size.width
        if self._fraction is None or width <= 0:
            return Text("")
        left = round(self._fraction * width)
        text = Text(no_wrap=True)
        text.append("─" * left, component_style(self, "time-left-line--left"))
        text.append("─" * (width - left), component_style(self, "time-left-line--gone"))
        return text


class StepPrompt(Vertical):
    """The current prompt in large calm type, with progress dots and the time-left line."""

    DEFAULT_CSS = """
    StepPrompt {
        width: 1fr;
        height: 1fr;
        align: center middle;
        background: $background;
    }
    StepPrompt > #step-text {
        width: 100%;
        max-width: 68;
        height: auto;
        min-height: 7;
        padding: 2 4;
        border: round $panel-lighten-2;
        content-align: center middle;
        text-align: center;
        text-style: bold;
        color: $foreground;
        background: $surface;
    }
    StepPrompt > StepDots {
        width: 100%;
        max-width: 68;
        margin-top: 1;
    }
    StepPrompt > TimeLeftLine {
        width: 100%;
        max-width: 68;
        margin-top: 1;
        padding: 0 4;
    }
    """

    def __init__(
        self,
        text: str = "",
        index: int | None = None,
        total: int = 0,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._text = text
        self._index = index
        self._total = total

    def compose(self) -> ComposeResult:
        yield Static(self._text, id="step-text", markup=False)
        yield StepDots(self._index, self._total, id="step-dots")
        yield TimeLeftLine()

    @property
    def text(self) -> str:
        return self._text

    @property
    def index(self) -> int | None:
        return self._index

    def show(self, text: str, index: int | None, total: int) -> None:
        """Show `text` as step `index` (0-based) of `total`; None before the first step."""
        if (text, index, total) == (self._text, self._index, self._total):
            return
        self._text, self._index, self._total = text, index, total
        self.query_one("#step-text", Static).update(text)
        self.query_one(StepDots).set_step(index, total)

    def set_time_left(self, fraction: float | None) -> None:
        self.query_one(TimeLeftLine).set_fraction(fraction)
