"""What every dialog shares: a centred calm box, Escape cancels, no blinking cursor."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from companion.ui.dialogs.validation import FormError

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    DEFAULT_CSS = """
    Dialog { align: center middle; background: $background 70%; }
    Dialog > .box {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; border: round $primary 60%; background: $surface;
        border-title-color: $text; border-title-style: bold;
    }
    Dialog .message { color: $text-muted; height: auto; }
    Dialog .refusal { color: $error-lighten-2; height: auto; display: none; }
    Dialog .refusal.-shown { display: block; }
    Dialog .row { height: auto; }
    Dialog .row > Input { width: 1fr; }
    Dialog .buttons { height: auto; align-horizontal: right; }
    Dialog Button { margin-left: 1; min-width: 10; }
    Dialog .hint { color: $text-muted; height: auto; }
    """

    # Tab moves focus as soon as the App receives the key (priority), not after the key has bubbled
    # up from the focused field: otherwise keys typed quickly after Tab are already queued for the
    # field being left, and "190 Tab 95" fills the first box with "1909".
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel", tooltip="Close without recording anything"),
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        # Once this dialog's field has focus, the keys typed while it opened are handed to it.
        release = getattr(self.app, "release_keys", None)  # the console's App; not the exercise app's
        if release is not None:
            self.call_after_refresh(release)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def refuse(self, error: FormError) -> None:
        """Say in the form why it cannot be recorded, and put the cursor in the field at fault."""
        refusal = self.query_one("#refusal", Static)
        refusal.update(Content(str(error)))
        refusal.add_class("-shown")
        self.query_one(f"#{error.field}", Input).focus()

    @property
    def refusal(self) -> str:
        """The refusal shown, or "" (for the tests)."""
        widget = self.query_one("#refusal", Static)
        return str(widget.content) if widget.has_class("-shown") else ""
