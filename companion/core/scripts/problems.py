"""The one shape every script problem takes: `FILE:LINE:COL: field.path: what was expected`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at the 1-based line and column of the offending YAML node."""

    file: Path
    line: int
    column: int
    field: str  # dotted path such as "phases[2].reminders[0].at"; "" for the whole file
    message: str

    def __str__(self) -> str:
        if not self.field:
            return f"{self.file}:{self.line}:{self.column}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.field}: {self.message}"


class ScriptError(Exception):
    """A file could not be loaded. Carries every problem found in it, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def file_problem(file: Path, message: str, line: int = 1, column: int = 1) -> Problem:
    """A problem with the file as a whole (unreadable, empty, too large, not YAML)."""
    return Problem(file, line, column, "", message)
