"""Tick the phase's checklist: each tick is recorded at once; Escape closes."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from companion.ui.dialogs.base import Dialog
from companion.ui.safe_text import escape

Toggle = Callable[[str, bool], None]


def _prompt(item: str, done: bool) -> str:
    return f"[$success]■[/] [dim]{escape(item)}[/]" if done else f"□ {escape(item)}"


class ChecklistDialog(Dialog[None]):
    BINDINGS = [
        Binding("space", "tick", "Tick", id="checklist.tick", tooltip="Tick or untick the highlighted item"),
        Binding("escape,c", "close", "Close", id="checklist.close", tooltip="Close the checklist"),
    ]
    DEFAULT_CSS = """
    ChecklistDialog OptionList { height: auto; max-height: 16; border: none; background: $surface; }
    """

    def __init__(self, phase_title: str, items: tuple[str, ...], ticked: frozenset[str], on_toggle: Toggle) -> None:
        super().__init__(id="checklist")
        self.phase_title = phase_title
        self.items = items
        self.ticked = set(ticked)
        self.on_toggle = on_toggle

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = f"Checklist: {escape(self.phase_title)}"
            yield OptionList(*[Option(_prompt(item, item in self.ticked), id=item) for item in self.items])
            yield Static("Space or Enter ticks and unticks (recorded at once) · Escape closes", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        choices = self.query_one(OptionList)
        choices.highlighted = 0
        choices.focus()

    def action_tick(self) -> None:
        choices = self.query_one(OptionList)
        if choices.highlighted is not None:
            self._toggle(choices.highlighted)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._toggle(event.option_index)

    def _toggle(self, index: int) -> None:
        item = self.items[index]
        done = item not in self.ticked
        self.on_toggle(item, done)
        if done:
            self.ticked.add(item)
        else:
            self.ticked.discard(item)
        self.query_one(OptionList).replace_option_prompt_at_index(index, _prompt(item, done))

    def action_close(self) -> None:
        self.dismiss(None)
