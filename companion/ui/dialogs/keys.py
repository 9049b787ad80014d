"""Every key of the screen beneath, with what it does: the footer cannot hold them all at 80 columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from companion.ui.dialogs.base import Dialog


class KeysDialog(Dialog[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "cancel", "Close", id="keys.close", tooltip="Close the list of keys"),
    ]
    DEFAULT_CSS = """
    KeysDialog > .box { width: 76; }
    KeysDialog #key-list { height: auto; max-height: 18; }
    KeysDialog .key-row { height: auto; }
    KeysDialog .key { width: 8; padding-right: 2; text-align: right; color: $primary; text-style: bold; }
    KeysDialog .what { width: 1fr; }
    """

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__(id="keys")
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        # One row per key, the description in its own column, so a wrapped line stays under it.
        # The hint stays below the list, in view however far the list scrolls.
        with Vertical(classes="box") as box:
            box.border_title = "Keys"
            with VerticalScroll(id="key-list"):
                rows = [(b.key_display or b.key.split(",")[0], b.tooltip or b.description) for b in self.bindings]
                rows.append(("ctrl+p", "Find any action by name (the command palette)"))
                for key, what in rows:
                    with Horizontal(classes="key-row"):
                        yield Static(Content(key), classes="key")
                        yield Static(Content(what), classes="what")
            yield Static("Escape or ? closes this list · ctrl+p finds any action by name", classes="hint")

    @property
    def listed(self) -> str:
        """Every key and its description, as shown."""
        return "\n".join(
            f"{row.query_one('.key', Static).content} {row.query_one('.what', Static).content}"
            for row in self.query(".key-row")
        )
