"""Reading a session script from YAML: every problem at once, each at its file, line and column.

The model itself is script.py's.
"""

from __future__ import annotations

from pathlib import Path

from companion.core.scripts.durations import format_duration
from companion.core.scripts.fields import Checker, Field, Reference
from companion.core.scripts.problems import Problem, ScriptError
from companion.core.scripts.script import READINGS, Discharge, Medicine, Phase, Reminder, Safety, SessionScript
from companion.core.scripts.yamlio import Located, load_yaml_file

SESSION_KEYS = ("id", "title", "route", "description", "safety", "phases", "medicines", "discharge")
PHASE_KEYS = (
    "id", "title", "duration", "advance", "guide", "client", "music", "volume",
    "checklist", "vitals", "dose", "reminders", "exercises", "assessments",
)  # fmt: skip
REMINDER_KEYS = ("id", "at", "after_dose", "text", "chime", "assessment")
MEDICINE_KEYS = ("id", "name")
DISCHARGE_KEYS = ("minimum", "from", "readings", "recent", "assessments", "checklist")
SAFETY_KEYS = (
    "systolic_max", "diastolic_max", "heart_rate_max", "heart_rate_min", "spo2_min", "source",
)  # fmt: skip
# Plausible bounds only catch typos (a missing digit); the numbers themselves are the practice's.
_SAFETY_BOUNDS = {
    "systolic_max": (60, 300),
    "diastolic_max": (30, 200),
    "heart_rate_max": (30, 250),
    "heart_rate_min": (20, 200),
    "spo2_min": (50, 100),
}


def load_session(path: Path | str) -> SessionScript:
    """Load and validate one session script. Raises ScriptError listing every problem."""
    script, _references = read_session(path)
    return script


def session_from_text(text: str, file: Path) -> SessionScript:
    """A script from text kept elsewhere (a journal's header); `file` names it in messages.
    Raises ScriptError listing every problem."""
    from companion.core.scripts.yamlio import parse_yaml

    return parse_session(parse_yaml(text.encode("utf-8"), file))[0]


def read_session(path: Path | str) -> tuple[SessionScript, tuple[Reference, ...]]:
    """The script and the playlist, exercise and chime ids it uses (checked by the library)."""
    return parse_session(load_yaml_file(path))


def parse_session(doc: Located) -> tuple[SessionScript, tuple[Reference, ...]]:
    script, references, problems = check_session(doc)
    if problems or script is None:
        raise ScriptError(problems)
    return script, references


def check_session(doc: Located) -> tuple[SessionScript | None, tuple[Reference, ...], list[Problem]]:
    """The script (None when it has problems), the ids it refers to, and its problems in file
    order. References are returned even from a broken script, so they can be checked too."""
    checker = Checker(doc)
    root = checker.root
    references: list[Reference] = []
    if not root.mapping(SESSION_KEYS, ("id", "title", "route", "phases"), what="a session script (a mapping)"):
        return None, (), checker.sorted_problems()
    ident = root["id"].ident()
    title = root["title"].text(required=True)
    route = root["route"].text(required=True)
    description = root["description"].text()
    safety = _safety(root["safety"])
    phases: list[tuple[Phase, Field]] = []
    for item in root["phases"].items(required=True, non_empty=True):
        phase = _phase(item, references)
        if phase is not None:
            phases.append((phase, item))
    _check_phases(phases)
    medicines = _medicines(root["medicines"])
    discharge = _discharge(root["discharge"], [phase for phase, _ in phases], references)
    if checker.problems:
        return None, tuple(references), checker.sorted_problems()
    script = SessionScript(
        id=ident or "",
        title=title,
        route=route,
        phases=tuple(phase for phase, _ in phases),
        description=description,
        safety=safety,
        source=doc.file,
        text_hash=doc.text_hash,
        medicines=medicines,
        discharge=discharge,
    )
    return script, tuple(references), []


def _safety(node: Field) -> Safety:
    if not node.present or not node.mapping(SAFETY_KEYS, what="a mapping of thresholds"):
        return Safety()
    values = {name: node[name].number(minimum=low, maximum=high) for name, (low, high) in _SAFETY_BOUNDS.items()}
    low, high = values["heart_rate_min"], values["heart_rate_max"]
    if low is not None and high is not None and low >= high:
        node["heart_rate_min"].problem(f"expected less than heart_rate_max ({high:g}), got {low:g}")
    return Safety(**values, source=node["source"].text())


def _phase(node: Field, references: list[Reference]) -> Phase | None:
    if not node.mapping(PHASE_KEYS, ("id", "title", "duration"), what="a phase (a mapping)"):
        return None
    ident = node["id"].ident() or ""
    music_node = node["music"]
    music: str | None = None
    if music_node.present and music_node.value != "none":
        music = music_node.ident()
        if music:
            references.append(Reference.at("playlist", music, music_node))
    exercises = node["exercises"].id_list()
    references.extend(Reference.at("exercise", name, where) for name, where in exercises)
    assessments = node["assessments"].id_list()
    references.extend(Reference.at("assessment", name, where) for name, where in assessments)
    duration = node["duration"].duration(required=True)
    reminders = tuple(
        reminder
        for index, item in enumerate(node["reminders"].items())
        if (reminder := _reminder(item, ident, index, references)) is not None
    )
    return Phase(
        id=ident,
        title=node["title"].text(required=True),
        duration=duration or 0.0,
        advance=node["advance"].choice(("manual", "auto"), "manual"),  # type: ignore[arg-type]
        guide=node["guide"].text(),
        client=node["client"].text(),
        music=music,
        volume=node["volume"].number(0.5, minimum=0.0, maximum=1.0),  # type: ignore[arg-type]
        checklist=node["checklist"].text_list(),
        vitals=node["vitals"].boolean(),
        dose=node["dose"].boolean(),
        reminders=reminders,
        exercises=tuple(name for name, _ in exercises),
        assessments=tuple(name for name, _ in assessments),
    )


def _reminder(node: Field, phase_id: str, index: int, references: list[Reference]) -> Reminder | None:
    if not node.mapping(REMINDER_KEYS, ("text",), what="a reminder (a mapping)"):
        return None
    at_node, dose_node = node["at"], node["after_dose"]
    if at_node.present and dose_node.present:
        dose_node.problem("a reminder has either `at:` (from the phase's start) or `after_dose:`, not both")
    elif not at_node.present and not dose_node.present:
        node.problem("missing `at:` (from the phase's start) or `after_dose:`; one of them is required")
    chime_node = node["chime"]
    chime = None
    if chime_node.present and chime_node.value != "none":
        chime = chime_node.ident()
        if chime:
            references.append(Reference.at("chime", chime, chime_node))
    assessment = node["assessment"].ident(required=False)
    if assessment:
        references.append(Reference.at("assessment", assessment, node["assessment"]))
    ident = node["id"].ident() if node["id"].present else f"{phase_id}.{index + 1}"
    return Reminder(
        assessment=assessment,
        id=ident or "",
        text=node["text"].text(required=True),
        at=at_node.duration(allow_zero=True),
        after_dose=dose_node.duration(allow_zero=True),
        chime=chime,
    )


def _check_phases(phases: list[tuple[Phase, Field]]) -> None:
    """What no single field shows: repeated ids, several dose phases, cues outside their phase."""
    seen_phases: dict[str, str] = {}
    seen_reminders: dict[str, str] = {}
    dose_at: float | None = None  # planned: the dose is given as the dose phase starts
    dose_index: int | None = None
    start = 0.0
    starts = []
    for index, (phase, node) in enumerate(phases):
        starts.append(start)
        start += phase.duration
        if phase.id in seen_phases:
            node["id"].problem(f'repeated phase id "{phase.id}" (also {seen_phases[phase.id]})')
        elif phase.id:
            seen_phases[phase.id] = node.path
        if phase.dose:
            if dose_index is None:
                dose_index, dose_at = index, starts[index]
            else:
                first = phases[dose_index][0].id
                node["dose"].problem(f'only one phase can have dose: true; "{first}" already has it')
    # A phase whose duration could not be read (already reported) makes every time after it
    # unknown; checking cues against it would only add confusing problems.
    timed = all(phase.duration > 0 for phase, _ in phases)
    for index, (phase, node) in enumerate(phases):
        end = starts[index] + phase.duration
        for position, reminder in enumerate(phase.reminders):
            where = node["reminders"][position]
            if reminder.id in seen_reminders:
                where["id"].problem(
                    f'repeated reminder id "{reminder.id}" (also in phase "{seen_reminders[reminder.id]}")'
                )
            elif reminder.id:
                seen_reminders[reminder.id] = phase.id
            if not timed or (reminder.at is not None and reminder.after_dose is not None):
                continue
            if reminder.at is not None and reminder.at > phase.duration:
                where["at"].problem(
                    f"expected a time within the phase ({format_duration(phase.duration)} long), "
                    f"got {format_duration(reminder.at)}"
                )
            if reminder.after_dose is not None:
                _check_after_dose(
                    where["after_dose"], reminder.after_dose, index, starts[index], end,
                    dose_index, dose_at, phases,
                )  # fmt: skip


def _check_after_dose(
    node: Field,
    after: float,
    index: int,
    start: float,
    end: float,
    dose_index: int | None,
    dose_at: float | None,
    phases: list[tuple[Phase, Field]],
) -> None:
    if dose_index is None or dose_at is None:
        node.problem("this session has no dose phase (a phase with `dose: true`) to count from")
        return
    if index < dose_index:
        node.problem(
            f'this phase comes before the dose phase "{phases[dose_index][0].id}"; '
            "an after_dose reminder belongs in that phase or a later one"
        )
        return
    lands = dose_at + after
    if lands > end:
        node.problem(
            f"lands {format_duration(after)} after the dose, after this phase's planned end "
            f"({format_duration(end - dose_at)} after the dose); move it to a later phase"
        )
    elif lands < start:
        node.problem(
            f"lands {format_duration(after)} after the dose, before this phase starts "
            f"({format_duration(start - dose_at)} after the dose); move it to an earlier phase"
        )


def _medicines(node: Field) -> tuple[Medicine, ...]:
    found: list[Medicine] = []
    seen: set[str] = set()
    for item in node.items():
        if not item.mapping(MEDICINE_KEYS, MEDICINE_KEYS, what="a medicine {id: opioids, name: Opioids}"):
            continue
        ident = item["id"].ident()
        name = item["name"].text(required=True)
        if ident in seen:
            item["id"].problem(f'repeated medicine id "{ident}"')
        elif ident:
            seen.add(ident)
            found.append(Medicine(ident, name))
    return tuple(found)


def _discharge(node: Field, phases: list[Phase], references: list[Reference]) -> Discharge | None:
    """What discharge requires; checklist items must be some phase's."""
    if not node.present or not node.mapping(DISCHARGE_KEYS, what="what discharge requires (a mapping)"):
        return None
    readings = []
    for item in node["readings"].items():
        value = item.choice(READINGS, "")
        if value:
            readings.append(value)
    assessments = node["assessments"].id_list()
    references.extend(Reference.at("assessment", name, where) for name, where in assessments)
    known_items = {item for phase in phases for item in phase.checklist}
    checklist = []
    for item in node["checklist"].items():
        text = item.text(required=True)
        if text and text not in known_items:
            item.problem(f'"{text}" is not an item of any phase\'s checklist; copy it exactly as the phase has it')
        elif text:
            checklist.append(text)
    return Discharge(
        minimum=node["minimum"].duration(),
        counted_from=node["from"].choice(("dose", "start"), "dose"),  # type: ignore[arg-type]
        readings=tuple(readings),
        recent=node["recent"].duration(),
        assessments=tuple(name for name, _ in assessments),
        checklist=tuple(checklist),
    )
