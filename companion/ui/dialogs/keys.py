"""Every key of the screen beneath, with what it does: the footer cannot hold them all at 80 columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from companion.ui.dialogs.base import Dialog


class KeysDialog(Dialog[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "cancel", "Close", id="keys.close", tooltip="Close the list of keys"),
    ]
    DEFAULT_CSS = """
    KeysDialog > .box { width: 76; }
    KeysDialog VerticalScroll { height: auto; max-height: 20; }
    """

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__(id="keys")
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        lines = []
        for binding in self.bindings:
            key = binding.key_display or binding.key.split(",")[0]
            lines.append(Content.assemble((key.rjust(6), "bold $primary"), "  ", binding.tooltip or binding.description))
        with VerticalScroll(classes="box") as box:
            box.border_title = "Keys"
            yield Static(Content("\n").join(lines))
            yield Static("Escape closes · ctrl+p finds any action by name", classes="hint")
