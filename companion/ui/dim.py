"""Dim (`D`): every cell of every screen 40% darker, at once.

Why not a dimmer theme, or a class on the App? Either has Textual match the whole stylesheet
against every widget again (a theme also parses it again and redraws every widget's content):
at 160x48 that kept `D` at a quarter of a second on a busy laptop. A tint set on each widget's
own styles costs a repaint and no matching (bench/bench_console_keys.py, docs/benchmarks.md).

The App also carries DIM_CLASS, without restyling anything, so that what mounts while dimmed (a
dialog, a toast, a new note) takes the same tint from companion.tcss. The tint set here then
stays on each widget, clear when bright, and always wins over the stylesheet's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.app import App
from textual.color import Color
from textual.dom import DOMNode
from textual.widget import Widget

from companion.ui.widgets.reminders import DueReminder

DIM_CLASS = "-dim"
DIMMED = Color(0, 0, 0, 0.40)  # as `tint: black 40%` in companion.tcss
LESS = Color(0, 0, 0, 0.30)  # a due reminder: its amber mark turns olive in 256 colours at 40%
CLEAR = Color(0, 0, 0, 0)
# Rules of companion.tcss under App.-dim that are not a tint: only these widgets are restyled.
RESTYLED = "#dose-label, #phase-clock-label"


def set_dimmed(app: App[Any], dimmed: bool) -> None:
    app.set_class(dimmed, DIM_CLASS, update=False)
    for screen in app.screen_stack:
        for node in _drawn(screen):
            node.styles.tint = (LESS if isinstance(node, DueReminder) else DIMMED) if dimmed else CLEAR
        for label in screen.query(RESTYLED):
            label.update_node_styles(animate=False)


def _drawn(screen: DOMNode) -> Iterator[DOMNode]:
    """The screen and everything that draws on it, scroll bars included (not among its children)."""
    yield screen
    for node in screen.walk_children():
        yield node
        if isinstance(node, Widget) and node.is_scrollable:
            if node.show_vertical_scrollbar:
                yield node.vertical_scrollbar
            if node.show_horizontal_scrollbar:
                yield node.horizontal_scrollbar
            if node.show_vertical_scrollbar and node.show_horizontal_scrollbar:
                yield node.scrollbar_corner
