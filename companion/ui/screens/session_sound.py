"""The session screen's sound keys: mute, volume, a soundscape's depth and layers, fade and back.

A mixin of SessionScreen, kept apart so the screen stays one job: showing state and turning
keys into events. Each key asks the audio director and then redraws the Sound panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from companion.audio.director import DEPTH_STEP

if TYPE_CHECKING:
    from textual.app import App

    from companion.audio.director import AudioDirector


class _Screen(Protocol):
    """What the mixin needs of the screen it is mixed into."""

    @property
    def app(self) -> App[Any]: ...

    @property
    def audio(self) -> AudioDirector: ...

    def audio_changed(self) -> None: ...

    def notify(self, message: str, *, title: str = ..., timeout: float | None = ...) -> None: ...


class SoundKeys:
    """Actions for the sound keys, for a screen with an audio director."""

    def action_mute(self: _Screen) -> None:
        self.audio.toggle_mute()
        self.audio_changed()

    def action_volume(self: _Screen, direction: int) -> None:
        self.audio.change_volume(direction * self.audio.volume_step)
        self.audio_changed()

    def action_depth(self: _Screen, direction: int) -> None:
        if self.audio.change_depth(direction * DEPTH_STEP) is None:
            self.notify("The music playing has no layers to deepen.", title="Depth", timeout=4)
        self.audio_changed()

    def action_layers(self: _Screen) -> None:
        from companion.ui.dialogs.layers import LayersDialog

        if not self.audio.layers:
            self.notify("The music playing has no layers.", title="Layers", timeout=4)
            return

        def change(layer: int, level: float) -> None:
            self.audio.set_layer_level(layer, level)
            self.audio_changed()

        self.app.push_screen(LayersDialog(self.audio.layers, change))

    def action_fade_out(self: _Screen) -> None:
        """Fade the music out; when it is held quiet (a fade, distress), fade the phase's music back in."""
        if not self.audio.bring_back():
            self.audio.fade_out()
        self.audio_changed()
