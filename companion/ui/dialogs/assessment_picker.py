"""Choose an assessment: forms left open first, then the phase's own, then the library.

Files that could not be loaded are named under the list with their `FILE:LINE:COL` problem,
so a practice's own instrument that is missing says why. Dismisses with the choice (an
assessment id, or "run:<run>" to continue an open form), or None.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from companion.core.assessment_state import AssessmentResult
from companion.core.scripts.assessments import Assessment
from companion.ui.dialogs.base import Dialog
from companion.ui.timefmt import wall_text

RATER_WORDS = {"self": "self-report", "observer": "observer-rated"}


def _row(assessment: Assessment) -> Content:
    count = "1 item" if len(assessment.items) == 1 else f"{len(assessment.items)} items"
    detail = f"{count}, {RATER_WORDS.get(assessment.rater, assessment.rater)}"
    return Content.assemble(assessment.title.ljust(40), (detail, "dim"))


class AssessmentPicker(Dialog[str | None]):
    DEFAULT_CSS = """
    AssessmentPicker > .box { width: 76; }
    AssessmentPicker OptionList { height: auto; max-height: 16; border: none; background: $surface; }
    AssessmentPicker OptionList:focus { border: none; }
    AssessmentPicker #unavailable { height: auto; max-height: 6; color: $text-muted; }
    """

    def __init__(
        self,
        phase_assessments: Sequence[Assessment],
        library: Sequence[Assessment],
        open_forms: Sequence[AssessmentResult] = (),
        problems: Sequence[str] = (),
    ) -> None:
        super().__init__(id="assessment-picker")
        self.phase_assessments = list(phase_assessments)
        own = {a.id for a in self.phase_assessments}
        self.rest = [a for a in library if a.id not in own]
        self.open_forms = list(open_forms)
        self.problems = list(problems)

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        for form in self.open_forms:
            label = f"Continue {form.title} (started {wall_text(form.started_at)}, {len(form.answers)} answered)"
            options.append(Option(Content(label), id=f"run:{form.run}"))
        if self.open_forms:
            options.append(None)
        options += [Option(_row(a), id=a.id) for a in self.phase_assessments]
        if self.phase_assessments and self.rest:
            options.append(None)
        options += [Option(_row(a), id=a.id) for a in self.rest]
        with Vertical(classes="box") as box:
            box.border_title = "Assessments"
            if any(option is not None for option in options):
                yield OptionList(*options, id="assessments")
            else:
                yield Static("No assessment is installed.", classes="message")
            if self.problems:
                listed = "\n".join(f"Not available: {problem}" for problem in self.problems)
                yield Static(Content(listed), id="unavailable")
            yield Static("Enter opens · Escape closes", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        for choices in self.query(OptionList):
            choices.highlighted = 0
            choices.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
