"""Textual's Footer, minus a leak that grows with every dialog opened (see textual_shim)."""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter

from companion.ui.textual_shim import forget_detached_watchers


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        forget_detached_watchers(self)
