"""Pick one of a few options (Enter), or Escape: a small list dialog."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from companion.ui.dialogs.base import Dialog


class ChoiceDialog(Dialog[str | None]):
    DEFAULT_CSS = """
    ChoiceDialog OptionList { height: auto; max-height: 12; border: none; background: $surface; }
    ChoiceDialog OptionList:focus { border: none; }
    """

    def __init__(self, title: str, options: Sequence[tuple[str, str]]) -> None:
        super().__init__(id="choice")
        self.title_text = title
        self.options = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = self.title_text
            yield OptionList(*[Option(Content(label), id=ident) for ident, label in self.options])
            yield Static("Enter chooses · Escape closes", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        choices = self.query_one(OptionList)
        choices.highlighted = 0
        choices.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
