"""Record the dose: amount, unit, route (from the script), time (now unless changed), lot."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from companion.core.report.model import DoseLine
from companion.ui.dialogs.base import Dialog
from companion.ui.dialogs.field import Field
from companion.ui.dialogs.validation import DoseEntry, FormError, parse_dose
from companion.ui.timefmt import wall_text


class DoseForm(Dialog[DoseEntry | None]):
    DEFAULT_CSS = """
    DoseForm .row > Label { width: 8; padding-top: 1; }
    DoseForm .row > Label.second { width: 7; padding: 1 0 0 1; }
    """

    def __init__(
        self, route: str, now: float, unit: str = "mg", carried: DoseLine | None = None, carried_note: str = ""
    ) -> None:
        super().__init__(id="dose-form")
        self.carried = carried  # the last session's dose, offered as defaults (course_link)
        self.carried_note = carried_note
        self.route = carried.route if carried and carried.route else route
        self.unit = carried.unit if carried else unit
        self.now = now
        self.default_time = wall_text(now)

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = "Record the dose"
            with Horizontal(classes="row"):
                yield Label("Amount")
                yield Field(f"{self.carried.amount:g}" if self.carried else "", placeholder="e.g. 50", id="amount")
                yield Label("Unit", classes="second")
                yield Field(self.unit, placeholder="mg", id="unit", max_length=12)
            with Horizontal(classes="row"):
                yield Label("Route")
                yield Field(self.route, placeholder="IM, SL, IV, IN ...", id="route", max_length=20)
                yield Label("Time", classes="second")
                yield Field(self.default_time, placeholder="HH:MM", id="time", max_length=5)
            with Horizontal(classes="row"):
                yield Label("Lot")
                yield Field(self.carried.lot if self.carried else "", placeholder="optional", id="lot", max_length=60)
            if self.carried_note:
                filled = "Filled in from it: check each field." if self.carried else "Not filled in: the route differs."
                yield Static(f"{self.carried_note} {filled}", markup=False, classes="message", id="carried")
            yield Static("", id="refusal", classes="refusal")
            yield Static("Time is now unless changed (HH:MM) · Enter records · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#amount", Input).focus()

    def field_value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            entry = parse_dose(
                self.field_value("amount"),
                self.field_value("unit"),
                self.field_value("route"),
                self.field_value("time"),
                self.field_value("lot"),
                self.now,
                self.default_time,
            )
        except FormError as error:
            self.refuse(error)
            return
        self.dismiss(entry)
