"""A text field that applies its own editing keys in the order they were typed.

Textual resolves a widget's key bindings (backspace, arrows, ctrl+u, enter) only once the key has
bubbled back up to the App, while typed characters are inserted as soon as the field reads them.
When keys arrive together (a fast typist, a paste of keystrokes, tmux), "8 0 backspace 2" would
become "802" minus its last character, "80". Running the binding here keeps the typed order.

A paste of several lines is kept whole, its lines joined by spaces (Input keeps the first line
only, and the rest would be lost without a word).

Textual calls a class's own key handler before its base class's: a key handled here is
stopped before Input sees it; any other key goes on to Input, which inserts printable ones.
"""

from __future__ import annotations

from textual import events
from textual.binding import BindingsMap
from textual.widgets import Input

EDITING_KEYS = BindingsMap(Input.BINDINGS)


class Field(Input):
    async def on_key(self, event: events.Key) -> None:
        for binding in EDITING_KEYS.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return

    def on_paste(self, event: events.Paste) -> None:
        lines = [line.strip() for line in event.text.splitlines()]
        text = " ".join(line for line in lines if line)
        if text:
            self.insert_text_at_cursor(text)
        event.stop()
        event.prevent_default()
