"""Fill in an assessment one item at a time; each answer is journaled the moment it is given.

A choice item is answered with the arrow keys and Enter, or its number; a time or text item
is typed. Page Up goes back to change an answer, Page Down skips an item. After the last item
the score and band are shown with any notice; Enter closes the form as finished. Escape closes
it at any point with every answer so far kept: `s` offers to continue it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from companion.core.assessment_state import AssessmentResult
from companion.core.scripts.assessments import Assessment, Item
from companion.ui.dialogs.base import Dialog
from companion.ui.dialogs.field import Field
from companion.ui.dialogs.validation import FormError, parse_time_of_day
from companion.ui.safe_text import escape
from companion.ui.timefmt import wall_text


@dataclass(frozen=True)
class Answer:
    item_id: str
    score: int | None
    answer: str
    moment: float | None


Record = Callable[[Answer], AssessmentResult]  # journals one answer, returns the form as it stands
Finish = Callable[[], AssessmentResult]  # journals the end of the form


class AssessmentForm(Dialog[AssessmentResult | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Close", id="assessment.close", tooltip="Close; the answers so far are kept"),
        Binding("pageup", "back", "Back", id="assessment.back", tooltip="Back to the previous item", priority=True),
        Binding("pagedown", "skip", "Skip", id="assessment.skip", tooltip="Skip this item", priority=True),
        Binding("enter", "finish", "Finish", id="assessment.finish", tooltip="Close the form as finished"),
    ]
    DEFAULT_CSS = """
    AssessmentForm > .box { width: 76; }
    AssessmentForm #question { height: auto; margin: 1 0 0 0; text-style: bold; }
    AssessmentForm #progress { height: 1; color: $text-muted; }
    AssessmentForm OptionList { height: auto; max-height: 12; border: none; background: $surface; }
    AssessmentForm OptionList:focus { border: none; }
    AssessmentForm #result { height: auto; margin: 1 0 0 0; }
    AssessmentForm #notice { height: auto; color: $warning; display: none; }
    AssessmentForm #notice.-shown { display: block; }
    AssessmentForm #terms { height: auto; color: $text-muted; margin-top: 1; }
    """

    def __init__(
        self,
        assessment: Assessment,
        result: AssessmentResult,
        *,
        record: Record,
        finish: Finish,
        now: Callable[[], float],
    ) -> None:
        super().__init__(id="assessment-form")
        self.assessment = assessment
        self.result = result
        self.record = record
        self.finish = finish
        self.now = now
        answered = {answer.item_id for answer in result.answers}
        # A resumed form opens at its first unanswered item.
        self.index = next(
            (i for i, item in enumerate(assessment.items) if item.id not in answered), len(assessment.items)
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = escape(self.assessment.title)
            if self.assessment.instructions:
                yield Static(Content(self.assessment.instructions), classes="message")
            yield Static("", id="progress")
            yield Static("", id="question")
            yield OptionList(id="choices")
            yield Field(placeholder="", id="typed", max_length=200)
            yield Static("", id="refusal", classes="refusal")
            yield Static("", id="result")
            yield Static("", id="notice")
            if self.assessment.terms:
                yield Static(Content(self.assessment.terms), id="terms")
            yield Static("", id="hint", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_item()

    @property
    def item(self) -> Item | None:
        items = self.assessment.items
        return items[self.index] if 0 <= self.index < len(items) else None

    def show_item(self) -> None:
        item = self.item
        choices = self.query_one("#choices", OptionList)
        typed = self.query_one("#typed", Input)
        self.query_one("#refusal", Static).remove_class("-shown")
        self._show_notices()
        if item is None:
            self._show_result()
            return
        total = len(self.assessment.items)
        previous = self.result.answer(item.id)
        already = f"  ·  answered: {previous.answer}" if previous is not None else ""
        self.query_one("#progress", Static).update(Content(f"Item {self.index + 1} of {total}{already}"))
        self.query_one("#question", Static).update(Content(item.text))
        self.query_one("#result", Static).display = False
        if item.kind == "choice":
            typed.display = False
            choices.display = True
            choices.clear_options()
            choices.add_options(
                [Option(Content(f"{n}  {c.label}"), id=str(c.score)) for n, c in enumerate(item.choices, 1)]
            )
            scores = [c.score for c in item.choices]
            choices.highlighted = scores.index(previous.score) if previous and previous.score in scores else 0
            choices.focus()
            hint = "↑↓ and Enter, or the number · PgUp back · PgDn skip · Escape closes (answers kept)"
        else:
            choices.display = False
            typed.display = True
            typed.placeholder = "HH:MM" if item.kind == "time" else "type the answer"
            typed.value = previous.answer if previous is not None else ""
            typed.focus()
            hint = "Enter records · PgUp back · PgDn skip · Escape closes (answers kept)"
        self.query_one("#hint", Static).update(Content(hint))

    def _show_notices(self) -> None:
        notice = self.query_one("#notice", Static)
        raised = self.result.notices
        notice.update(Content("\n".join(raised)))
        notice.set_class(bool(raised), "-shown")

    def _show_result(self) -> None:
        self.query_one("#choices", OptionList).display = False
        self.query_one("#typed", Input).display = False
        self.query_one("#question", Static).update(Content("All items done."))
        answered = {answer.item_id for answer in self.result.answers}
        skipped = [item for item in self.assessment.items if item.id not in answered and not item.optional]
        total = self.assessment.total({a.item_id: a.score for a in self.result.answers if a.score is not None})
        lines = []
        if total is not None:
            low, high = self.assessment.score_range
            band = self.assessment.band(total)
            lines.append(f"Score {total} (of {low}-{high})" + (f": {band}" if band else ""))
        elif self.assessment.scored:
            lines.append("No total: some scored items are not answered.")
        if skipped:
            lines.append(f"Skipped: {len(skipped)} item(s). PgUp goes back to them.")
        result = self.query_one("#result", Static)
        result.update(Content("\n".join(lines) or f"{len(answered)} answer(s) recorded."))
        result.display = True
        self.query_one("#progress", Static).update(Content(f"{len(answered)} of {len(self.assessment.items)} answered"))
        self.query_one("#hint", Static).update(Content("Enter finishes · PgUp back · Escape closes (answers kept)"))
        self.set_focus(None)

    # -- answering ------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self.item
        if item is None or event.option.id is None:
            return
        score = int(event.option.id)
        choice = item.choice_for(score)
        self._answer(Answer(item.id, score, choice.label if choice else str(score), None))

    def on_key(self, event: events.Key) -> None:
        item = self.item
        if item is not None and item.kind == "choice" and event.character and event.character.isdigit():
            number = int(event.character)
            if 1 <= number <= len(item.choices):
                event.stop()
                choice = item.choices[number - 1]
                self._answer(Answer(item.id, choice.score, choice.label, None))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "finish":
            return self.item is None
        return True

    def action_finish(self) -> None:
        if self.item is None:
            self.dismiss(self.finish())

    @on(Input.Submitted, "#typed")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        item = self.item
        if item is None:
            return
        text = event.value.strip()
        if not text:
            self._refuse("Type an answer, or PgDn to skip this item.")
            return
        moment = None
        if item.kind == "time":
            try:
                moment = parse_time_of_day(text, self.now(), field="typed")
            except FormError as error:
                self._refuse(str(error))
                return
            text = wall_text(moment)
        self._answer(Answer(item.id, None, text, moment))

    def _refuse(self, message: str) -> None:
        refusal = self.query_one("#refusal", Static)
        refusal.update(Content(message))
        refusal.add_class("-shown")

    def _answer(self, answer: Answer) -> None:
        self.result = self.record(answer)
        self.index += 1
        self.show_item()

    def action_back(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.show_item()

    def action_skip(self) -> None:
        if self.item is not None:
            self.index += 1
            self.show_item()

    def action_cancel(self) -> None:
        self.dismiss(None)
