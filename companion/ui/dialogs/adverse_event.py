"""Record an adverse event (what, when, severity, serious, action, outcome), or a correction of one.

A recorded event is never changed: correcting it opens this form filled with what stands, and
what is recorded is a new entry with the same id, marked as a correction.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from companion.core.events import AdverseEventRecorded
from companion.ui.dialogs.base import Dialog
from companion.ui.dialogs.field import Field
from companion.ui.dialogs.validation import FormError, parse_time_of_day
from companion.ui.timefmt import wall_text

SEVERITIES = ("mild", "moderate", "severe")
FIELDS = ("what", "when", "severity", "serious", "action", "outcome")


@dataclass(frozen=True)
class AdverseEntryForm:
    what: str
    occurred_at: float
    severity: str
    serious: bool
    action: str
    outcome: str


def parse_adverse(values: dict[str, str], now: float, default_time: str) -> AdverseEntryForm:
    what = values["what"].strip()
    if not what:
        raise FormError("what", "Say what happened (a few words).")
    when = values["when"].strip()
    occurred_at = now if when == default_time else parse_time_of_day(when, now, field="when")
    severity = values["severity"].strip().lower()
    matches = [word for word in SEVERITIES if severity and word.startswith(severity)]
    if len(matches) != 1:
        raise FormError("severity", "Severity is mild, moderate or severe (mi, mo, s are enough).")
    serious = values["serious"].strip().lower()
    if serious not in ("y", "yes", "n", "no"):
        raise FormError("serious", "Serious: y or n.")
    return AdverseEntryForm(
        what, occurred_at, matches[0], serious.startswith("y"), values["action"].strip(), values["outcome"].strip()
    )


class AdverseEventForm(Dialog[AdverseEntryForm | None]):
    DEFAULT_CSS = """
    AdverseEventForm > .box { width: 72; }
    AdverseEventForm .row > Label { width: 10; padding-top: 1; }
    """

    def __init__(self, now: float, standing: AdverseEventRecorded | None = None) -> None:
        super().__init__(id="adverse-event")
        self.now = now
        self.standing = standing
        self.default_time = wall_text(standing.occurred_at if standing else now)

    def compose(self) -> ComposeResult:
        s = self.standing
        values = {
            "what": s.what if s else "",
            "when": self.default_time,
            "severity": s.severity if s else "",
            "serious": ("y" if s.serious else "n") if s else "",
            "action": s.action if s else "",
            "outcome": s.outcome if s else "",
        }
        hints = {
            "what": "what happened",
            "when": "HH:MM",
            "severity": "mild, moderate or severe",
            "serious": "y or n",
            "action": "action taken (optional)",
            "outcome": "outcome (optional)",
        }
        with Vertical(classes="box") as box:
            box.border_title = f"Correct adverse event {s.entry_id}" if s else "Record an adverse event"
            for name in FIELDS:
                with Horizontal(classes="row"):
                    yield Label(name.capitalize())
                    yield Field(values[name], placeholder=hints[name], id=name, max_length=300)
            yield Static("", id="refusal", classes="refusal")
            yield Static("Tab moves between fields · Enter records · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#what", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        values = {name: self.query_one(f"#{name}", Input).value for name in FIELDS}
        default = self.default_time if self.standing is None else ""
        try:
            entry = parse_adverse(values, self.now, default)
            if self.standing is not None and values["when"].strip() == self.default_time:
                entry = AdverseEntryForm(
                    entry.what, self.standing.occurred_at, entry.severity, entry.serious, entry.action, entry.outcome
                )
        except FormError as error:
            refusal = self.query_one("#refusal", Static)
            refusal.update(Content(str(error)))
            refusal.add_class("-shown")
            self.query_one(f"#{error.field}", Input).focus()
            return
        self.dismiss(entry)
