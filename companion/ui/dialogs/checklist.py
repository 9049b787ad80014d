"""Tick the phase's checklist items: space toggles, Enter keeps the changes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import SelectionList, Static

from companion.ui.dialogs.base import Dialog

Changes = list[tuple[str, bool]]


class ChecklistDialog(Dialog[Changes | None]):
    BINDINGS = [
        Binding("enter", "keep", "Keep", id="checklist.keep", tooltip="Record the ticks", priority=True),
    ]
    DEFAULT_CSS = """
    ChecklistDialog SelectionList { height: auto; max-height: 16; border: none; background: $surface; }
    """

    def __init__(self, phase_title: str, items: tuple[str, ...], ticked: frozenset[str]) -> None:
        super().__init__(id="checklist")
        self.phase_title = phase_title
        self.items = items
        self.ticked = ticked

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = f"Checklist: {self.phase_title}"
            yield SelectionList[str](*[(item, item, item in self.ticked) for item in self.items])
            yield Static("Space ticks or unticks · Enter keeps · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(SelectionList).focus()

    def action_keep(self) -> None:
        selected = set(self.query_one(SelectionList).selected)
        changes = [(item, item in selected) for item in self.items if (item in selected) != (item in self.ticked)]
        self.dismiss(changes)
