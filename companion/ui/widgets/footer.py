"""Textual's Footer, minus a leak that grows with every dialog opened.

Each FooterKey is bound to the Footer's `compact` reactive (data_bind), and the Footer recomposes
on every screen change. Textual prunes a reactive's watcher list only when that reactive changes,
which `compact` never does, so every FooterKey ever drawn stays alive: about 0.85 MB per dialog,
tens of MB over a long session. Pruning the watchers of detached keys after each recompose
keeps memory flat.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if node is self or node.is_attached]
