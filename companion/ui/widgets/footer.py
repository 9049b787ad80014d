"""Textual's Footer, minus a leak that grows with every dialog opened (see textual_shim), and
sized to the window: in a narrower one only the keys a therapist reaches for first are shown,
so the last one is never cut off in the middle; `?` and ctrl+p list them all.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter

from companion.ui.textual_shim import footer_keys, forget_detached_watchers

# Which of the session's actions the footer has room for, by their action so a remapped key
# keeps its tier: the first tier always, the next from 110 columns, the next from 160, the last
# only in `?` and ctrl+p. Any other action (the picker's, the palette) is always shown.
# (`acknowledge` waits for a wide window: a due reminder's own line says "a done", and
# `assessment` for a wider one: a due assessment's reminder says "a opens it".)
TIERS: tuple[set[str], ...] = (
    set(),
    {"acknowledge", "checklist", "exercise"},
    {"extend", "shorten", "mute", "fade_out", "end_session", "previous_phase", "assessment"},
    {"volume(-1)", "volume(1)", "app.toggle_dim"},
)


def tier(action: str) -> int:
    return next((number for number, actions in enumerate(TIERS) if action in actions), 0)


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        forget_detached_watchers(self)
        for widget, action in footer_keys(self):
            widget.add_class(f"-tier-{tier(action)}")
