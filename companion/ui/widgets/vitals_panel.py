"""The last vitals reading, with any flag against the protocol's own numbers (never advice)."""

from __future__ import annotations

from companion.core.timeline import SessionState
from companion.core.vitals import VitalsReading
from companion.ui.safe_text import escape
from companion.ui.timefmt import wall_text
from companion.ui.widgets.quiet import QuietStatic


def reading_text(reading: VitalsReading, gap: str = "  ") -> str:
    parts = []
    if reading.systolic is not None or reading.diastolic is not None:
        parts.append(f"BP {reading.systolic or '?'}/{reading.diastolic or '?'}")
    if reading.heart_rate is not None:
        parts.append(f"HR {reading.heart_rate}")
    if reading.spo2 is not None:
        parts.append(f"SpO2 {reading.spo2}%")
    if reading.respiratory_rate is not None:
        parts.append(f"RR {reading.respiratory_rate}")
    return gap.join(parts) or "(no numbers)"


def compact_flags(reading: VitalsReading) -> list[str]:
    """The flagged readings in a line each for above and below: "▲ above: Sys 195, Dia 102"."""
    above = [flag.short for flag in reading.flagged if flag.above]
    below = [flag.short for flag in reading.flagged if not flag.above]
    lines = [f"▲ above: {', '.join(above)}"] if above else []
    return lines + ([f"▼ below: {', '.join(below)}"] if below else [])


def unchecked_lows(state: SessionState) -> str:
    """The readings the script gives no lower limit for ("HR, SpO2"), so a low one goes unflagged."""
    safety = state.script.safety
    missing = [name for name, low in (("HR", safety.heart_rate_min), ("SpO2", safety.spo2_min)) if low is None]
    return ", ".join(missing)


class VitalsPanel(QuietStatic):
    DEFAULT_CSS = """
    VitalsPanel { height: auto; padding: 0 1; border: round $panel-lighten-1; border-title-color: $text-muted; }
    """

    def on_mount(self) -> None:
        self.border_title = "Vitals"

    def render_state(self, state: SessionState) -> None:
        lines = []
        asked = state.phase.vitals and not state.ended and not any(v.at >= state.phase_started_at for v in state.vitals)
        if not state.vitals:
            lines.append("[dim]None recorded.[/]  [b]v[/] records")
        else:
            last = state.vitals[-1]
            if self.screen.has_class("-short"):  # the time in the title: the reading keeps one line
                self.border_title = f"Vitals {wall_text(last.at)}"
                lines.append(f"[b]{reading_text(last, ' ')}[/]")
            else:
                self.border_title = "Vitals"
                lines.append(f"[b]{reading_text(last)}[/]  [dim]{wall_text(last.at)}[/]")
            if last.flagged and self.screen.has_class("-short"):
                # A short window: the readings beyond the protocol's numbers, two short lines at most.
                lines += [f"[$warning]{escape(line)}[/]" for line in compact_flags(last)]
            else:
                lines += [f"[$warning]{'▲' if flag.above else '▼'} {escape(flag.text)}[/]" for flag in last.flagged]
            if last.note:
                lines.append(f"[dim]{escape(last.note)}[/]")
        if asked:
            lines.append("[$secondary]This phase asks for vitals.[/]")
        unchecked = unchecked_lows(state)
        if unchecked:
            lines.append(f"[dim]No lower limit set for {unchecked}.[/]")
        self.show("\n".join(lines))
