"""One line of free text: a note, or the client code. Enter keeps it, Escape drops it.

Nothing typed is cut without a word: near its limit the hint counts the characters left, and
at the limit it says so. A pasted text of several lines is kept whole (see Field).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from companion.ui.dialogs.base import Dialog
from companion.ui.dialogs.field import Field
from companion.ui.safe_text import escape

HINT = "Enter keeps it · Escape cancels"
COUNT_FROM = 200  # characters left when the hint starts counting them


class TextPrompt(Dialog[str | None]):
    def __init__(
        self,
        title: str,
        message: str,
        placeholder: str = "",
        allow_empty: bool = False,
        max_length: int = 2000,
        prompt_id: str = "prompt",
    ) -> None:
        super().__init__(id=prompt_id)
        self.title_text = title
        self.message = message
        self.placeholder = placeholder
        self.allow_empty = allow_empty
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = escape(self.title_text)
            yield Static(Content(self.message), classes="message")
            yield Field(placeholder=self.placeholder, max_length=self.max_length, id="text")
            yield Static(HINT, id="hint", classes="hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        left = self.max_length - len(event.value)
        if left > COUNT_FROM:
            hint = HINT
        elif left > 0:
            hint = f"{left} characters left of {self.max_length:,} · {HINT}"
        else:
            hint = f"This is the {self.max_length:,}-character limit: Enter keeps it; a further note can add more."
        self.query_one("#hint", Static).update(Content(hint))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text and not self.allow_empty:
            self.dismiss(None)
            return
        self.dismiss(text)
