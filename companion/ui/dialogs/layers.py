"""A soundscape's layers, each with its own level: the Sound panel's detail, opened with `l`.

Up and down pick a layer, left and right (or `[` `]`) move its level a step, gliding over a few
seconds; every change is handed to `on_change` at once (the director plays and journals it)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from companion.ui.dialogs.base import Dialog

LEVEL_STEP = 0.1  # 2 dB, like the volume


class LayersDialog(Dialog[None]):
    BINDINGS = [
        Binding("escape,l,q", "cancel", "Close", id="layers.close", tooltip="Close the layers"),
        Binding("up", "pick(-1)", "Previous layer", id="layers.up", tooltip="The layer above"),
        Binding("down", "pick(1)", "Next layer", id="layers.down", tooltip="The layer below"),
        Binding(
            "left,left_square_bracket", "level(-1)", "Quieter", id="layers.down_level", tooltip="This layer quieter"
        ),
        Binding("right,right_square_bracket", "level(1)", "Louder", id="layers.up_level", tooltip="This layer louder"),
    ]
    DEFAULT_CSS = """
    LayersDialog .layer { height: 1; }
    LayersDialog .layer.-picked { color: $primary; text-style: bold; }
    """

    def __init__(self, layers: tuple[tuple[str, float], ...], on_change: Callable[[int, float], None]) -> None:
        super().__init__(id="layers")
        self._names = [name for name, _ in layers]
        self._levels = [level for _, level in layers]
        self.on_change = on_change
        self.picked = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = "Layers"
            for number in range(len(self._levels)):
                yield Static(self._row(number), classes="layer", id=f"layer-{number}")
            yield Static("↑ ↓ pick a layer · ← → its level · Escape closes", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self._show()

    def _row(self, number: int) -> Content:
        name, level = self._names[number], self._levels[number]
        filled = round(level * 10)
        return Content(f"{name:<12} [{'#' * filled}{'.' * (10 - filled)}] {round(level * 100):>3}%")

    def _show(self) -> None:
        for number in range(len(self._levels)):
            row = self.query_one(f"#layer-{number}", Static)
            row.update(self._row(number))
            row.set_class(number == self.picked, "-picked")

    def action_pick(self, direction: int) -> None:
        if self._levels:
            self.picked = (self.picked + direction) % len(self._levels)
            self._show()

    def action_level(self, direction: int) -> None:
        if not self._levels:
            return
        level = round(max(0.0, min(1.0, self._levels[self.picked] + direction * LEVEL_STEP)), 2)
        self._levels[self.picked] = level
        self.on_change(self.picked, level)
        self._show()
