"""Fitting words into a terminal's columns: widths in cells (wide characters count two), and
cuts that end in an ellipsis, for the one-line widgets' short forms."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content


def cells(markup: str) -> int:
    """The width on screen of `markup`, its tags left out."""
    return Content.from_markup(markup).cell_length


def cut(text: str, width: int) -> str:
    """Plain `text` cut to `width` cells, ending in an ellipsis (whole if it fits)."""
    if cell_len(text) <= width:
        return text
    shortened = text
    while shortened and cell_len(shortened) > width - 1:
        shortened = shortened[:-1]
    return shortened.rstrip() + "…"
