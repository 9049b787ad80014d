"""Rich styles for a widget's component classes with their colour's alpha really applied.

`Widget.get_component_rich_style` hands back the CSS colour as it is, so `$primary 45%` would
draw at full strength; a dark room needs the blend against the widget's own background.
"""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def component_style(widget: Widget, name: str) -> Style:
    styles = widget.get_component_styles(name)
    background = widget.background_colors[1]
    colour = background + styles.color
    text_style = styles.text_style
    return Style(
        color=colour.rich_color,
        bgcolor=background.rich_color,
        bold=bool(text_style.bold),
        italic=bool(text_style.italic),
    )
