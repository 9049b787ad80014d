"""Ask about the concomitant medicines the script lists: y, n or u for each, journaled at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from companion.core.scripts.script import Medicine
from companion.ui.dialogs.base import Dialog

ANSWER_WORDS = {"yes": "yes, taking it", "no": "no", "unknown": "not known"}
Answer = Callable[[Medicine, str], None]


def _prompt(medicine: Medicine, answer: str | None) -> Content:
    shown = ANSWER_WORDS.get(answer or "", "not asked yet")
    return Content.assemble(medicine.name.ljust(44), (shown, "bold" if answer else "dim"))


class MedicinesDialog(Dialog[None]):
    BINDINGS = [
        Binding("y", "answer('yes')", "Yes", id="medicines.yes", tooltip="Taking it"),
        Binding("n", "answer('no')", "No", id="medicines.no", tooltip="Not taking it"),
        Binding("u", "answer('unknown')", "Not known", id="medicines.unknown", tooltip="Not known"),
        Binding("escape", "close", "Close", id="medicines.close", tooltip="Close the list"),
    ]
    DEFAULT_CSS = """
    MedicinesDialog > .box { width: 72; }
    MedicinesDialog OptionList { height: auto; max-height: 12; border: none; background: $surface; }
    MedicinesDialog OptionList:focus { border: none; }
    """

    def __init__(self, medicines: Sequence[Medicine], answers: Mapping[str, str], on_answer: Answer) -> None:
        super().__init__(id="medicines")
        self.medicines = list(medicines)
        self.answers = dict(answers)
        self.on_answer = on_answer

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = "Concomitant medicines"
            yield Static("Is the client currently taking any of these?", classes="message")
            yield OptionList(*[Option(_prompt(m, self.answers.get(m.id)), id=m.id) for m in self.medicines])
            yield Static(
                "y yes · n no · u not known (each recorded at once; moves to the next) · Escape closes", classes="hint"
            )

    def on_mount(self) -> None:
        super().on_mount()
        choices = self.query_one(OptionList)
        choices.highlighted = 0
        choices.focus()

    def action_answer(self, answer: str) -> None:
        choices = self.query_one(OptionList)
        index = choices.highlighted
        if index is None:
            return
        medicine = self.medicines[index]
        self.on_answer(medicine, answer)
        self.answers[medicine.id] = answer
        choices.replace_option_prompt_at_index(index, _prompt(medicine, answer))
        if index + 1 < len(self.medicines):
            choices.highlighted = index + 1

    def action_close(self) -> None:
        self.dismiss(None)
