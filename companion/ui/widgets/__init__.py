"""Widgets of the therapist console and the client display: panels, clocks, the pacer and the step prompt."""
