"""ExercisePicker: choose a grounding exercise, the phase's own first, then the whole library.

Dismisses with the chosen exercise id, or None on Escape.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from companion.core.scripts.exercises import GroundingExercise
from companion.core.timefmt import format_minutes

KIND_WORDS = {"steps": "steps", "breathing": "breathing"}


LABEL_WIDTH = 52


def exercise_label(exercise: GroundingExercise, width: int = LABEL_WIDTH) -> Text:
    """One option row: the title, then its length and kind in aligned columns."""
    length = format_minutes(exercise.length)
    kind = KIND_WORDS.get(exercise.kind, exercise.kind)
    detail = f"{length:>8}   {kind:<9}"
    room = max(4, width - len(detail) - 1)
    title = exercise.title if len(exercise.title) <= room else exercise.title[: room - 1] + "…"
    text = Text(no_wrap=True)
    text.append(title.ljust(room + 1))
    text.append(detail, style="dim")
    return text


class ExercisePicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ExercisePicker { align: center middle; background: $background 70%; }
    ExercisePicker > #picker-box {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        border: round $primary 60%;
        border-title-color: $text;
        border-title-style: bold;
        background: $surface;
    }
    ExercisePicker OptionList {
        height: auto;
        max-height: 24;
        border: none;
        background: $surface;
        padding: 0;
    }
    ExercisePicker OptionList:focus { border: none; }
    ExercisePicker .hint { color: $text-muted; height: 1; }
    ExercisePicker .empty { color: $text-muted; height: auto; padding: 1 0; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="exercise_picker.cancel", tooltip="Close without starting"),
    ]

    def __init__(
        self,
        phase_exercises: Sequence[GroundingExercise],
        all_exercises: Sequence[GroundingExercise],
        *,
        title: str = "Grounding exercise",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.phase_exercises = tuple(phase_exercises)
        own = {exercise.id for exercise in self.phase_exercises}
        # The phase's own keep the script's order; the rest are easiest to find by title.
        others = (e for e in all_exercises if e.id not in own)
        self.other_exercises = tuple(sorted(others, key=lambda e: e.title.casefold()))
        self.box_title = title

    def options(self) -> list[Option | None]:
        """Headings are disabled rows; each exercise is an option whose id is the exercise id."""
        rows: list[Option | None] = []
        if self.phase_exercises:
            rows.append(Option(Text("For this phase", style="bold"), disabled=True))
            rows.extend(Option(exercise_label(e), id=e.id) for e in self.phase_exercises)
        if self.other_exercises:
            if rows:
                rows.append(None)
                rows.append(Option(Text("All exercises", style="bold"), disabled=True))
            rows.extend(Option(exercise_label(e), id=e.id) for e in self.other_exercises)
        return rows

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box") as box:
            box.border_title = self.box_title
            rows = self.options()
            if rows:
                yield OptionList(*rows)
                yield Static("enter start   esc close", classes="hint")
            else:
                yield Static("No exercises were found.", classes="empty")
                yield Static("esc close", classes="hint")

    def on_mount(self) -> None:
        for option_list in self.query(OptionList):
            option_list.focus()
            first = next(
                (i for i, option in enumerate(option_list.options) if not option.disabled),
                None,
            )
            if first is not None:
                option_list.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
