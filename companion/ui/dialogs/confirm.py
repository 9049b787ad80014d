"""A yes/no question, answered with y / n, Enter or Escape.

Enter answers with the focused button: yes unless the question says no is the safe choice
(`default=False`, e.g. ending a session with discharge items missing).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from companion.ui.dialogs.base import Dialog
from companion.ui.safe_text import escape


class ConfirmDialog(Dialog[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Answer yes"),
        Binding("n", "answer(False)", "No", id="confirm.no", tooltip="Answer no"),
        Binding("escape", "answer(False)", "No", id="confirm.cancel", tooltip="Answer no"),
    ]

    def __init__(self, title: str, message: str, yes: str = "Yes", no: str = "No", default: bool = True) -> None:
        super().__init__()
        self.default_answer = default
        self.title_text = title
        self.message = message
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = escape(self.title_text)
            yield Static(Content(self.message), classes="message")
            with Horizontal(classes="buttons"):
                # The answer Enter gives is the one drawn as primary.
                yield Button(f"{self.no_label} (n)", id="no", variant="default" if self.default_answer else "primary")
                yield Button(f"{self.yes_label} (y)", id="yes", variant="primary" if self.default_answer else "default")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#yes" if self.default_answer else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
