"""Large digits for the clocks (TIME SINCE DOSE, LEFT IN PHASE), three lines high.

The figures are the ones Textual's Digits draws (its thin 3x3 font), written here as plain
text: Digits draws them through a Rich renderable, which took 0.75 ms of each second's repaint,
as long as the rest of the screen's changes together; drawn here line by line (Textual's line
API), they take a fifth of that. A time that only changes its figures repaints without a layout
pass; the width changes with the number of figures, and then it lays out.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

# Each character as its three rows, three cells wide (a colon one).
GLYPHS: dict[str, tuple[str, str, str]] = {
    "0": ("╭─╮", "│ │", "╰─╯"),
    "1": ("╶╮ ", " │ ", "╶┴╴"),
    "2": ("╶─╮", "┌─┘", "╰─╴"),
    "3": ("╶─╮", " ─┤", "╶─╯"),
    "4": ("╷ ╷", "╰─┤", "  ╵"),
    "5": ("╭─╴", "╰─╮", "╶─╯"),
    "6": ("╭─╴", "├─╮", "╰─╯"),
    "7": ("╶─┐", "  │", "  ╵"),
    "8": ("╭─╮", "├─┤", "╰─╯"),
    "9": ("╭─╮", "╰─┤", "╶─╯"),
    ":": ("   ", " : ", "   "),
    "-": ("   ", "╶─╴", "   "),
    "+": ("   ", "╶┼╴", "   "),
    " ": ("   ", "   ", "   "),
}


def rows_of(value: str) -> tuple[str, str, str]:
    """`value` in large figures; a character without a figure is written as it is, at the bottom."""
    glyphs = [GLYPHS.get(character, (" ", " ", character)) for character in value]
    top, middle, bottom = ("".join(glyph[row] for glyph in glyphs) for row in range(3))
    return top, middle, bottom


class BigClock(Widget):
    """A time such as 1:02:03 in large figures (`value`, `show_time`), drawn line by line."""

    DEFAULT_CSS = """
    BigClock { width: auto; height: 3; }
    """

    def __init__(self, value: str = "0:00", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._value = value
        self._rows = rows_of(value)

    @property
    def value(self) -> str:
        return self._value

    def show_time(self, value: str) -> None:
        if value == self._value:
            return
        rows = rows_of(value)
        relaid = len(rows[1]) != len(self._rows[1])
        self._value, self._rows = value, rows
        self.refresh(layout=relaid)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self._rows[1])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        line = Strip([Segment(self._rows[y], style)] if y < 3 else [])
        return line.extend_cell_length(self.content_size.width, style)
