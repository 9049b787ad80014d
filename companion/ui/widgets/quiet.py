"""A Static that repaints only when its markup really changes: the 1 Hz tick stays cheap.

When the widget's size cannot depend on its text (a fixed or fractional height and width),
a change repaints it without a layout pass over the whole screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.content import Content
from textual.widgets import Static


class QuietStatic(Static):
    """`show()` compares with what is on screen and skips the refresh when nothing changed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: str | None = None
        self._made_of: tuple[Any, ...] | None = None

    def made_of(self, *parts: Any) -> bool:
        """Whether the widget's text, built from `parts` (everything it depends on), is to be
        built again: False when the parts are those of the last call. For a line whose making
        (markup parsed to measure it, labels placed) costs more than the check, once a second."""
        if parts == self._made_of:
            return False
        self._made_of = parts
        return True

    def show(self, markup: str) -> None:
        if markup == self._shown:
            return
        first = self._shown is None
        self._shown = markup
        self.update(markup, layout=first or self._sized_by_content())

    def show_built(self, markup: str, build: Callable[[], Content]) -> None:
        """Like show(markup), drawing `build()`: the same text made without parsing the markup
        (for a line redrawn every second)."""
        if markup == self._shown:
            return
        first = self._shown is None
        self._shown = markup
        self.update(build(), layout=first or self._sized_by_content())

    def _sized_by_content(self) -> bool:
        width, height = self.styles.width, self.styles.height  # None width: the container's
        return (width is not None and width.is_auto) or height is None or height.is_auto

    @property
    def shown(self) -> str:
        return self._shown or ""

    @property
    def plain(self) -> str:
        """What is on screen, without markup."""
        return Content.from_markup(self._shown).plain if self._shown else ""
