"""Words and numbers shared by the Markdown and HTML reports, so both say the same thing."""

from __future__ import annotations

from companion import __version__
from companion.core.report.model import (
    ExerciseLine,
    PhaseLine,
    ReminderLine,
    SessionReport,
    VitalsLine,
)
from companion.core.scripts.script import Safety
from companion.core.timefmt import format_minutes


def title(report: SessionReport) -> str:
    who = report.client_code or "no client code"
    return f"Session report: {who}"


def script_name(report: SessionReport) -> str:
    if report.script_title:
        return f"{report.script_title} ({report.script_id})"
    return report.script_id or "unknown"


def amount(value: float) -> str:
    return f"{value:g}"


def summary_rows(report: SessionReport) -> list[tuple[str, str]]:
    """The head of the note: who, what, when."""
    t = report.times
    rows = [("Client code", report.client_code or "—"), ("Script", script_name(report)), ("Route", report.route or "—")]
    rows.append(("Date", t.weekday_date(report.day) if report.day is not None else "—"))
    rows.append(("Start", t.clock(report.started_at) if report.started_at is not None else "not recorded"))
    if report.ended_at is not None:
        length = format_minutes(report.ended_at - report.started_at) if report.started_at is not None else ""
        end = t.clock_on(report.ended_at, report.day)
        rows.append(("End", f"{end} ({length})" if length else end))
    else:
        rows.append(("End", "not recorded: the session was not ended"))
    if report.doses and report.dose_at is not None:
        dose = t.clock_on(report.dose_at, report.day)
        if len(report.doses) > 1:
            dose += f" (the last of {len(report.doses)} dose entries)"
        rows.append(("Dose given", dose))
    rows += [("Notice", notice.text) for notice in report.notices]  # raised by an answer; they head the note
    if report.rehearsal:
        rows.append(("Rehearsal", f"yes, at {report.speed:g}× speed: not a clinical session"))
    rows.append(("Session id", report.session_id))
    return rows


def after_dose(report: SessionReport, at: float) -> str:
    dose = report.dose_at
    if dose is None or at < dose:
        return "before dose" if dose is not None else "—"
    return format_minutes(at - dose)


def dose_entries_note(report: SessionReport) -> str:
    """Said under the doses when there is more than one entry: how the console counted them."""
    if len(report.doses) < 2:
        return ""
    return (
        f"{len(report.doses)} dose entries were recorded. As on the console, the last entry is "
        "taken as the dose (a later entry corrects an earlier one), and times after the dose "
        "count from it."
    )


def blood_pressure(line: VitalsLine) -> str:
    if line.systolic is None and line.diastolic is None:
        return "—"
    return f"{_or_dash(line.systolic)}/{_or_dash(line.diastolic)}"


def _or_dash(value: int | None) -> str:
    return "—" if value is None else str(value)


def heart_rate(line: VitalsLine) -> str:
    return "—" if line.heart_rate is None else f"{line.heart_rate}"


def spo2(line: VitalsLine) -> str:
    return "—" if line.spo2 is None else f"{line.spo2} %"


def vitals_note(line: VitalsLine) -> str:
    """The note, led by the respiratory rate when one was taken (it has no column of its own)."""
    if line.respiratory_rate is None:
        return line.note
    rate = f"Respiratory rate {line.respiratory_rate}/min"
    return f"{rate}; {line.note}" if line.note else rate


def thresholds(safety: Safety) -> str:
    parts = []
    if safety.systolic_max is not None:
        parts.append(f"systolic above {safety.systolic_max:g}")
    if safety.diastolic_max is not None:
        parts.append(f"diastolic above {safety.diastolic_max:g}")
    if safety.heart_rate_max is not None:
        parts.append(f"heart rate above {safety.heart_rate_max:g}")
    if safety.heart_rate_min is not None:
        parts.append(f"heart rate below {safety.heart_rate_min:g}")
    if safety.spo2_min is not None:
        parts.append(f"SpO2 below {safety.spo2_min:g} %")
    source = f" (source: {safety.source})" if safety.source else ""
    return "Flagged against this script's thresholds: " + ", ".join(parts) + source + "."


def phase_planned(line: PhaseLine) -> str:
    """The plan, and each change made to it with + and -: "10 min, +5 min, -14 min: 1 min"."""
    if line.planned is None:
        return "—"
    if not line.changes:
        return format_minutes(line.planned)
    first = line.scripted if line.scripted is not None else line.planned - sum(line.changes)
    steps = ", ".join(f"{'+' if change > 0 else '-'}{format_minutes(abs(change))}" for change in line.changes)
    return f"{format_minutes(first)}, {steps}: {format_minutes(line.planned)}"


def phase_actual(line: PhaseLine) -> str:
    text = format_minutes(line.active)
    return text if line.ended_at is not None else f"{text} (journal stops here)"


def phase_difference(line: PhaseLine) -> str:
    if line.planned is None or line.ended_at is None:
        return ""
    delta = line.active - line.planned
    if abs(delta) < 30:
        return "as changed" if line.changes else "as planned"
    return f"{format_minutes(abs(delta))} {'longer' if delta > 0 else 'shorter'}"


def reminder_outcome(report: SessionReport, line: ReminderLine) -> str:
    t = report.times
    if line.outcome == "acknowledged" and line.acknowledged_at is not None:
        return f"acknowledged at {t.clock_on(line.acknowledged_at, report.day)}"
    if line.outcome == "missed":
        return "missed: due and not acknowledged"
    return "not reached before the session ended" if report.finished else "not reached when the journal stops"


def reminder_due(report: SessionReport, line: ReminderLine) -> str:
    return report.times.clock_on(line.due_at, report.day) if line.due_at is not None else "—"


def exercise_outcome(line: ExerciseLine) -> str:
    if line.completed is None:
        outcome = "no end recorded"
    elif line.completed:
        outcome = "completed"
    else:
        counts = line.counts or "steps or rounds"
        if line.step_reached == 1:
            counts = {"steps": "step", "rounds": "round"}.get(counts, "step or round")
        outcome = f"ended early, {line.step_reached} {counts} done"
    moves = []
    if line.skipped:
        moves.append("moved on once" if line.skipped == 1 else f"moved on {line.skipped} times")
    if line.paused:
        moves.append("paused once" if line.paused == 1 else f"paused {line.paused} times")
    return "; ".join([outcome, *moves])


def exercise_ended(report: SessionReport, line: ExerciseLine) -> str:
    return report.times.clock_on(line.finished_at, report.day) if line.finished_at is not None else "—"


def pause_text(report: SessionReport, started_at: float, ended_at: float | None) -> str:
    t = report.times
    if ended_at is None:
        return f"from {t.clock_on(started_at, report.day)}, not resumed"
    return (
        f"{t.clock_on(started_at, report.day)}–{t.clock_on(ended_at, report.day)} "
        f"({format_minutes(ended_at - started_at)})"
    )


def footer(report: SessionReport) -> str:
    t = report.times
    return (
        f"Written by Session Companion {__version__} on {t.date(report.generated_at)} at "
        f"{t.clock(report.generated_at)} from the journal of session {report.session_id}. "
        f"Times are in {t.moment(report.generated_at).tzname()}; phase durations exclude pauses."
    )


NONE_RECORDED = "None recorded."


VITALS_HEADINGS = ("Time", "After dose", "Blood pressure", "Heart rate", "SpO2", "Note", "Flags")


def vitals_rows(report: SessionReport) -> list[list[str]]:
    """The vitals table's rows, as text, for both renderers (each escapes them its own way)."""
    t, day = report.times, report.day
    return [
        [
            t.clock_on(v.at, day),
            after_dose(report, v.at),
            blood_pressure(v),
            heart_rate(v),
            spo2(v),
            vitals_note(v),
            "; ".join(v.flags),
        ]
        for v in report.vitals
    ]
