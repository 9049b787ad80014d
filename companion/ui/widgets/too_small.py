"""What a window too small for the console shows instead of a broken layout."""

from __future__ import annotations

from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 60, 16


class TooSmall(Static):
    DEFAULT_CSS = """
    TooSmall { display: none; width: 100%; height: 100%; content-align: center middle; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__(
            f"The window is too small for the console.\nMake it at least {MIN_WIDTH}x{MIN_HEIGHT}.\n"
            "The session keeps running and every key still works.",
            id="too-small",
        )
