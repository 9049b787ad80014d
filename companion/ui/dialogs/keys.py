"""Every key of the screen beneath, with what it does: the footer cannot hold them all at 80 columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
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
    KeysDialog .key-row { height: auto; }
    KeysDialog .key { width: 8; padding-right: 2; text-align: right; color: $primary; text-style: bold; }
    KeysDialog .what { width: 1fr; }
    """

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__(id="keys")
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        # One row per key, the description in its own column, so a wrapped line stays under it.
        with VerticalScroll(classes="box") as box:
            box.border_title = "Keys"
            for binding in self.bindings:
                key = binding.key_display or binding.key.split(",")[0]
                with Horizontal(classes="key-row"):
                    yield Static(Content(key), classes="key")
                    yield Static(Content(binding.tooltip or binding.description), classes="what")
            yield Static("Escape closes · ctrl+p finds any action by name", classes="hint")

    @property
    def listed(self) -> str:
        """Every key and its description, as shown."""
        return "\n".join(
            f"{row.query_one('.key', Static).content} {row.query_one('.what', Static).content}"
            for row in self.query(".key-row")
        )
