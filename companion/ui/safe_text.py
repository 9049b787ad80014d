"""What people type (client codes, notes, script titles) goes into markup as text, never as tags.

The cleaning itself is `companion.core.text.for_terminal` (control characters and escape
sequences out, markup escaped), shared with the commands that print without Textual; `plain`
is the same for text shown without markup (`Content`, `markup=False`).
"""

from __future__ import annotations

from companion.core.text import ZERO_WIDTH_SPACE, for_terminal

__all__ = ["ZERO_WIDTH_SPACE", "escape", "plain"]


def escape(text: str) -> str:
    """`text` safe inside Textual markup: shown as typed, never as tags or escape codes."""
    return for_terminal(text, markup=True, newlines=True)


def plain(text: str) -> str:
    """`text` safe on a terminal without markup: no escape codes, no control characters."""
    return for_terminal(text, newlines=True)
