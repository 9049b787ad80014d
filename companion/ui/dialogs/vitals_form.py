"""Record vitals. Numbers that cannot be a real reading are refused with a plain message."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from companion.ui.dialogs.base import Dialog
from companion.ui.dialogs.field import Field
from companion.ui.dialogs.validation import FormError, VitalsEntry, parse_vitals

FIELDS = ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate", "note")


class VitalsForm(Dialog[VitalsEntry | None]):
    DEFAULT_CSS = """
    VitalsForm .row > Label { width: 8; padding-top: 1; }
    VitalsForm .row > Label.second { width: 7; padding: 1 0 0 1; }
    VitalsForm .row > Label.slash { width: 3; padding: 1 0 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="vitals-form")

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = "Record vitals"
            with Horizontal(classes="row"):
                yield Label("BP")
                yield Field(placeholder="systolic", id="systolic", max_length=4)
                yield Label("/", classes="slash")
                yield Field(placeholder="diastolic", id="diastolic", max_length=4)
            with Horizontal(classes="row"):
                yield Label("HR")
                yield Field(placeholder="per minute", id="heart_rate", max_length=4)
                yield Label("SpO2", classes="second")
                yield Field(placeholder="%", id="spo2", max_length=4)
            with Horizontal(classes="row"):
                yield Label("RR")
                yield Field(placeholder="breaths per minute, optional", id="respiratory_rate", max_length=4)
            with Horizontal(classes="row"):
                yield Label("Note")
                yield Field(placeholder="optional", id="note", max_length=500)
            yield Static("", id="refusal", classes="refusal")
            yield Static("Leave a field empty to skip it · Enter records · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#systolic", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        values = {name: self.query_one(f"#{name}", Input).value for name in FIELDS}
        try:
            entry = parse_vitals(**values)
        except FormError as error:
            self.refuse(error)
            return
        self.dismiss(entry)
