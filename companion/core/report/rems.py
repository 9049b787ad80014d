"""The Spravato REMS Patient Monitoring Form, laid out field by field from the journal.

Each field is filled from what the session recorded, or plainly marked *not recorded*; nothing
is guessed. Blood pressure at the form's three points (before dosing, about 40 minutes after,
before the end of monitoring) is the nearest reading to each mark, shown with its time and how
far from the mark it was. Total monitoring minutes run from the dose (the first device) to the
end of the session. The answers the journal cannot know by itself come from the bundled
`rems-enrolment` and `post-session-check` assessments (see scripts/assessments/).

Source of the fields: the Patient Monitoring Form (11/2021, reproduced 2024) and the REMS
outpatient pages, gathered in PROTOCOLS.md. Check the form in use before filing.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.core.assessment_state import ItemAnswer
from companion.core.report.model import SessionReport, VitalsLine
from companion.core.timefmt import format_minutes

NOT_RECORDED = "not recorded"
BP_AFTER_DOSE = 40 * 60.0
# The form's concomitant medicine classes, by the medicine ids the bundled esketamine script uses.
MEDICINE_CLASSES = (
    ("benzodiazepines", "Benzodiazepines"),
    ("sedative-hypnotics", "Non-benzodiazepine sedative hypnotics"),
    ("psychostimulants", "Psychostimulants"),
    ("maois", "Monoamine oxidase inhibitors (MAOIs)"),
    ("opioids", "Opioids"),
)
ENROLMENT, POST_CHECK, MOAAS = "rems-enrolment", "post-session-check", "moaa-s"
MEDICINE_WORDS = {"yes": "Yes", "no": "No", "unknown": "Not known"}


@dataclass(frozen=True)
class RemsField:
    key: str
    label: str
    value: str | None  # None: not recorded
    detail: str = ""  # where it came from, or how far from its mark

    @property
    def recorded(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class BloodPressurePoint:
    point: str  # "before_dose", "after_40_minutes", "before_end"
    mark: float | None  # the moment the form asks about
    reading: VitalsLine | None  # the nearest reading, or None


@dataclass(frozen=True)
class RemsForm:
    fields: tuple[RemsField, ...]
    blood_pressure: tuple[BloodPressurePoint, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(field.label for field in self.fields if not field.recorded)


def applies(report: SessionReport) -> bool:
    """An intranasal esketamine session, or one that answered the REMS questions."""
    return report.route.upper() == "IN" or any(r.assessment_id == ENROLMENT for r in report.assessments)


def rems_form(report: SessionReport) -> RemsForm:
    t = report.times
    enrolment = _answers(report, ENROLMENT)
    post = _answers(report, POST_CHECK)
    dose = report.doses[-1] if report.doses else None
    end = report.ended_at

    def answer(key: str, label: str, answers: dict[str, ItemAnswer], item: str, source: str) -> RemsField:
        found = answers.get(item)
        if found is None:
            return RemsField(key, label, None)
        return RemsField(key, label, found.answer, f"{source}, {t.clock_on(found.at, report.day)}")

    fields = [
        RemsField("patient", "Patient (client code)", report.client_code or None),
        answer("first_treatment", "First esketamine treatment", enrolment, "first_treatment", "REMS enrolment"),
        answer("enrolled", "Patient enrolled in the REMS", enrolment, "enrolled", "REMS enrolment"),
        answer("provider", "Monitoring provider", enrolment, "provider", "REMS enrolment"),
        answer("clinic", "Healthcare setting", enrolment, "clinic", "REMS enrolment"),
        RemsField("date", "Date of treatment", t.date(report.day) if report.day is not None else None),
    ]
    medicines = {line.medicine_id: line for line in report.medicines}
    for ident, label in MEDICINE_CLASSES:
        line = medicines.get(ident)
        value = MEDICINE_WORDS.get(line.taking, line.taking) if line is not None and line.taking else None
        detail = f"asked {t.clock_on(line.at, report.day)}" if line is not None and line.at is not None else ""
        fields.append(RemsField(f"medicine.{ident}", f"Concomitant medicine: {label}", value, detail))
    fields.append(_dose_field(report))
    lot = dose.lot if dose is not None and dose.lot else None
    fields.append(RemsField("lot", "Lot number", lot))
    minutes = None
    detail = ""
    if dose is not None and end is not None:
        minutes = f"{round((end - dose.given_at) / 60)} minutes"
        detail = f"from the dose at {t.clock_on(dose.given_at, report.day)} to the end at {t.clock_on(end, report.day)}"
    fields.append(
        RemsField("total_minutes", "Total monitoring time (first device to end of monitoring)", minutes, detail)
    )
    fields.append(
        answer("ready_at", "Ready to leave, if there were no 2-hour minimum", post, "ready_at", "post-session check")
    )
    fields.append(
        answer(
            "vitals_before_dose", "Vitals acceptable before dosing", enrolment, "vitals_acceptable", "REMS enrolment"
        )
    )
    fields.append(
        answer(
            "vitals_before_end",
            "Vitals acceptable before the end of monitoring",
            post,
            "vitals_acceptable",
            "post-session check",
        )
    )
    points = _blood_pressure_points(report)
    labels = {
        "before_dose": "Blood pressure before dosing",
        "after_40_minutes": "Blood pressure about 40 minutes after dosing",
        "before_end": "Blood pressure before the end of monitoring",
    }
    for point in points:
        fields.append(_bp_field(report, point, labels[point.point]))
    for item, label in (
        ("sedation", "Sedation experienced"),
        ("dissociation", "Dissociation experienced"),
        ("respiratory_depression", "Respiratory depression experienced"),
    ):
        fields.append(_experienced(report, post, item, label))
    fields.append(_sedation_ratings(report))
    fields.append(_pulse_oximetry(report))
    fields.append(_serious_adverse_events(report, post))
    return RemsForm(tuple(fields), points)


def _answers(report: SessionReport, assessment_id: str) -> dict[str, ItemAnswer]:
    """The latest answer to each item of an assessment, across every time it was filled in."""
    found: dict[str, ItemAnswer] = {}
    for result in report.assessments:
        if result.assessment_id == assessment_id:
            found.update({answer.item_id: answer for answer in result.answers})
    return found


def _dose_field(report: SessionReport) -> RemsField:
    if not report.doses:
        return RemsField("dose", "Dose", None)
    dose = report.doses[-1]
    amount = f"{dose.amount:g} {dose.unit}"
    value = amount if dose.unit == "mg" and dose.amount in (56, 84) else f"Other: {amount}"
    return RemsField("dose", "Dose", value, f"given {report.times.clock_on(dose.given_at, report.day)}")


def _blood_pressure_points(report: SessionReport) -> tuple[BloodPressurePoint, ...]:
    readings = [v for v in report.vitals if v.systolic is not None and v.diastolic is not None]
    dose_at = report.dose_at
    end = report.ended_at
    if dose_at is None:
        return (
            BloodPressurePoint("before_dose", None, None),
            BloodPressurePoint("after_40_minutes", None, None),
            BloodPressurePoint("before_end", end, None),
        )
    before = [v for v in readings if v.at <= dose_at]
    after = [v for v in readings if v.at > dose_at and (end is None or v.at <= end)]
    mark_40 = dose_at + BP_AFTER_DOSE
    # The last reading stands for "before the end"; the 40-minute point is the nearest of the
    # others. A single reading after the dose goes to whichever mark it is nearer.
    at_end: VitalsLine | None = None
    if len(after) > 1 or (after and end is not None and abs(after[-1].at - end) < abs(after[-1].at - mark_40)):
        at_end = after[-1]
    at_40 = min((v for v in after if v is not at_end), key=lambda v: abs(v.at - mark_40), default=None)
    return (
        BloodPressurePoint("before_dose", dose_at, before[-1] if before else None),
        BloodPressurePoint("after_40_minutes", mark_40, at_40),
        BloodPressurePoint("before_end", end, at_end),
    )


def _bp_field(report: SessionReport, point: BloodPressurePoint, label: str) -> RemsField:
    reading = point.reading
    if reading is None:
        return RemsField(f"bp.{point.point}", label, None)
    t = report.times
    value = f"{reading.systolic}/{reading.diastolic}"
    detail = f"taken {t.clock_on(reading.at, report.day)}"
    if point.mark is not None:
        gap = reading.at - point.mark
        names = {"before_dose": "the dose", "after_40_minutes": "the 40-minute mark", "before_end": "the end"}
        if abs(gap) < 60:
            detail += f", at {names[point.point]}"
        else:
            side = "after" if gap > 0 else "before"
            detail += f", {format_minutes(abs(gap))} {side} {names[point.point]}"
    return RemsField(f"bp.{point.point}", label, value, detail)


def _experienced(report: SessionReport, post: dict[str, ItemAnswer], item: str, label: str) -> RemsField:
    found = post.get(item)
    if found is None or found.score is None:
        return RemsField(item, label, None)
    value = "No" if found.score == 0 else "Yes"
    detail = found.answer if found.score else ""
    resolved = post.get("resolved_at")
    if found.score == 1 and resolved is not None:
        detail += f" by {resolved.answer}"
    return RemsField(item, label, value, detail)


def _sedation_ratings(report: SessionReport) -> RemsField:
    t = report.times
    ratings = [r for r in report.assessments if r.assessment_id == MOAAS and r.score is not None]
    if not ratings:
        return RemsField("moaa_s", "Sedation ratings (MOAA/S)", None)
    value = ", ".join(f"{r.score} at {t.clock_on(r.finished_at or r.started_at, report.day)}" for r in ratings)
    return RemsField("moaa_s", "Sedation ratings (MOAA/S)", value, "5 = responds readily to name ... 0 = no response")


def _pulse_oximetry(report: SessionReport) -> RemsField:
    readings = [v for v in report.vitals if v.spo2 is not None]
    if not readings:
        return RemsField("pulse_oximetry", "Pulse oximetry", None)
    lowest = min(readings, key=lambda v: v.spo2 or 0)
    when = report.times.clock_on(lowest.at, report.day)
    count = "1 reading" if len(readings) == 1 else f"{len(readings)} readings"
    return RemsField("pulse_oximetry", "Pulse oximetry", f"{count}, lowest SpO2 {lowest.spo2} % at {when}")


def _serious_adverse_events(report: SessionReport, post: dict[str, ItemAnswer]) -> RemsField:
    label = "Serious adverse events"
    serious = [entry for entry in report.adverse_events if entry.current.serious]
    if serious:
        value = "Yes: " + "; ".join(
            f"{e.current.what} ({report.times.clock_on(e.current.occurred_at, report.day)})" for e in serious
        )
        return RemsField("serious_adverse_events", label, value, "from the adverse events recorded")
    others = len(report.adverse_events)
    asked = post.get("adverse_events")
    if others:
        return RemsField("serious_adverse_events", label, "No", f"{others} adverse event(s) recorded, none serious")
    if asked is not None and asked.score == 0:
        return RemsField("serious_adverse_events", label, "No", "none recorded; post-session check: no adverse event")
    return RemsField("serious_adverse_events", label, None)


def render_rems(report: SessionReport) -> str:
    """The form as text (Markdown), one field a line, for `companion report --format rems`."""
    form = rems_form(report)
    who = report.client_code or "no client code"
    out = [f"# Spravato REMS Patient Monitoring Form: {who}", ""]
    if report.rehearsal:
        out += ["> A rehearsal, not a clinical session.", ""]
    filled = sum(field.recorded for field in form.fields)
    out.append(f"{filled} of {len(form.fields)} fields filled from the journal of session {report.session_id}.")
    if form.missing:
        out.append("Not recorded: " + "; ".join(form.missing) + ".")
    out.append("")
    for field in form.fields:
        value = _plain(field.value) if field.value is not None else f"*{NOT_RECORDED}*"
        detail = f" ({_plain(field.detail)})" if field.detail else ""
        out.append(f"- **{field.label}:** {value}{detail}")
    out += ["", "Check each field against the form in use before filing it.", ""]
    return "\n".join(out)


def _plain(text: str) -> str:
    return " ".join(text.replace("*", "\\*").replace("<", "\\<").split())
