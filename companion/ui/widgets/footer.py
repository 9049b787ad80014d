"""Textual's Footer, minus a leak that grows with every dialog opened (see textual_shim), and
sized to the window: below the wide layout only the keys a therapist reaches for first are
shown, so the last one is never cut off in the middle; `?` and ctrl+p list them all.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter

from companion.ui.textual_shim import footer_keys, forget_detached_watchers

# Which keys the footer has room for (the session's; other screens have few keys): the first
# tier always, the next from 110 columns, the next from 160; the rest only in `?` and ctrl+p.
# (`a` waits for a wide window: a due reminder's own line says "a done".)
TIERS = (
    {"question_mark", "x", "space", "n", "d", "v", "t", "q", "enter", "escape", "ctrl+p"},
    {"a", "c", "g"},
    {"plus", "minus", "m", "f", "e", "b"},
)


def tier(key: str) -> int:
    return next((number for number, keys in enumerate(TIERS) if key in keys), len(TIERS))


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        forget_detached_watchers(self)
        for widget, key in footer_keys(self):
            widget.add_class(f"-tier-{tier(key)}")
