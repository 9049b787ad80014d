"""The dark-room look: one custom theme, low glare, no pure white; `D` darkens it (dim.py)."""

from __future__ import annotations

from textual.theme import Theme

DARK_ROOM = Theme(
    name="dark-room",
    primary="#b4874f",  # warm amber, like a shaded lamp
    secondary="#6f8d88",
    accent="#8c80ad",
    warning="#b89146",
    error="#a9695a",
    success="#6f9270",
    foreground="#b3aca2",
    background="#0c0d10",
    surface="#13151a",
    panel="#1a1d23",
    dark=True,
    luminosity_spread=0.08,
    text_alpha=0.9,
    variables={
        "footer-key-foreground": "#b4874f",
        "reminder-mark": "#b8860b",  # amber that stays amber in 256 and 16 colours (yellow)
        "input-cursor-background": "#8a7a66",
        "block-cursor-text-style": "none",
    },
)

THEMES = (DARK_ROOM,)
UNDIMMED = DARK_ROOM.name  # the one theme: `D` darkens it with a tint (dim.py), not a second theme
