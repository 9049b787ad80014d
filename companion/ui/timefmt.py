"""The console's time formatting lives in `companion.core.timefmt` (shared with listings and reports)."""

from companion.core.timefmt import clock_text, duration_text, minutes_text, wall_text

__all__ = ["clock_text", "duration_text", "minutes_text", "wall_text"]
