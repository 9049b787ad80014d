"""The dark-room look: one custom theme and a dimmer twin, both low glare, no pure white."""

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

DARK_ROOM_DIM = Theme(
    name="dark-room-dim",
    primary="#6e5535",
    secondary="#455854",
    accent="#564f6b",
    warning="#72602f",
    error="#6a453c",
    success="#475c48",
    foreground="#6f6a63",
    background="#060708",
    surface="#0a0b0d",
    panel="#0f1114",
    dark=True,
    luminosity_spread=0.05,
    text_alpha=0.85,
    variables={
        "footer-key-foreground": "#6e5535",
        "reminder-mark": "#8a6a12",
        # Textual derives muted text from the foreground, brighter than this theme's own amber:
        # labels (TIME SINCE DOSE) then outshone their figures.
        "text-muted": "#55514b",
        "input-cursor-background": "#4a4238",
        "block-cursor-text-style": "none",
    },
)

THEMES = (DARK_ROOM, DARK_ROOM_DIM)
UNDIMMED, DIM = DARK_ROOM.name, DARK_ROOM_DIM.name  # `D` switches between the two
