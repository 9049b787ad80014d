"""A text field that applies its own editing keys in the order they were typed.

Textual resolves a widget's key bindings (backspace, arrows, ctrl+u, enter) only once the key has
bubbled back up to the App, while typed characters are inserted as soon as the field reads them.
When keys arrive together (a fast typist, a paste of keystrokes, tmux), "8 0 backspace 2" would
become "802" minus its last character, "80". Running the binding here keeps the typed order.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class Field(Input):
    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)
