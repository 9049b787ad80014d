"""A Static that repaints only when its markup really changes: the 1 Hz tick stays cheap."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class QuietStatic(Static):
    """`show()` compares with what is on screen and skips the refresh when nothing changed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: str | None = None

    def show(self, markup: str) -> None:
        if markup == self._shown:
            return
        self._shown = markup
        self.update(markup)

    @property
    def shown(self) -> str:
        return self._shown or ""

    @property
    def plain(self) -> str:
        """What is on screen, without markup."""
        return Content.from_markup(self._shown).plain if self._shown else ""
