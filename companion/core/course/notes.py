"""A client's standing notes: what the therapist wants to know before the client arrives.

Written as a small YAML file (the same strict loading as scripts: `FILE:LINE:COL` for a typo, an
unknown key refused with "did you mean"). Every field is optional free text:

    comfort:        how they want to be calmed (words, a hand, silence)
    touch:          consent to touch, in their words
    safety_plan:    the practice's plan for this client
    safety_contact: who to call, and how
    music:          music they took to, or asked not to hear
    intention:      their intention for the course
    at_arrival:     anything else to see when they arrive
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from companion.core.scripts.problems import ScriptError, file_problem

FIELDS: dict[str, str] = {
    "comfort": "How they want to be calmed",
    "touch": "Consent to touch",
    "safety_plan": "Safety plan",
    "safety_contact": "Safety contact",
    "music": "Music",
    "intention": "Intention",
    "at_arrival": "At arrival",
}


@dataclass(frozen=True)
class StandingNotes:
    comfort: str = ""
    touch: str = ""
    safety_plan: str = ""
    safety_contact: str = ""
    music: str = ""
    intention: str = ""
    at_arrival: str = ""

    def items(self) -> list[tuple[str, str, str]]:
        """(field, label, text) of every field that holds something, in the file's order."""
        return [(f.name, FIELDS[f.name], getattr(self, f.name)) for f in fields(self) if getattr(self, f.name)]

    @property
    def empty(self) -> bool:
        return not self.items()

    def changed_from(self, other: StandingNotes | None) -> tuple[str, ...]:
        """The fields whose text differs from `other` (every filled field when there is none)."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name) != (getattr(other, f.name) if other else ""))


def parse_notes(text: str, file: Path) -> StandingNotes:
    """The notes a YAML text holds. Raises ScriptError with every problem, each FILE:LINE:COL."""
    stripped = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()
    if not stripped:
        return StandingNotes()  # a file of comments only: the notes were emptied on purpose
    from companion.core.scripts.fields import Checker  # PyYAML only when a file is read
    from companion.core.scripts.yamlio import parse_yaml

    doc = parse_yaml(text.encode("utf-8"), file)
    checker = Checker(doc)
    root = checker.root
    if not root.mapping(FIELDS, what="a mapping of the note fields"):
        if not checker.problems:
            raise ScriptError([file_problem(file, "expected a mapping of the note fields")])
        checker.raise_if_any()
    values = {name: root[name].text() for name in FIELDS}
    checker.raise_if_any()
    return StandingNotes(**values)


def notes_yaml(notes: StandingNotes, code: str) -> str:
    """The file the editor opens: every field, filled or empty, with what it is for."""
    lines = [
        f"# Standing notes for client {code}. Every field is optional free text.",
        "# Keep the field names; write text after the colon, or as an indented block after '|'.",
        "# Saved when you close the editor; a mistake is pointed out and the last version is kept.",
    ]
    for name, label in FIELDS.items():
        value = getattr(notes, name)
        lines.append(f"\n# {label}")
        if not value:
            lines.append(f'{name}: ""')
        else:
            lines.append(f"{name}: |")
            lines += [f"  {line}" if line else "" for line in value.splitlines()]
    return "\n".join(lines) + "\n"
