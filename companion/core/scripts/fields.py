"""Reading typed fields out of a parsed YAML file, collecting every problem instead of stopping.

A `Field` is one place in a `Located` document (its path and value). Its readers return a
typed value, or a fallback after recording a Problem that says what was expected, so a loader
walks the whole file once and reports everything wrong in it at once.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.core.scripts.durations import DurationError, parse_duration
from companion.core.scripts.problems import Problem, ScriptError
from companion.core.scripts.yamlio import Located, child_path, describe
from companion.core.text import control_characters

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
ID_EXPECTED = "an id: letters, digits, '-', '_' or '.', starting with a letter or digit"

_MISSING = object()


def closest(word: str, options: Collection[str]) -> str | None:
    """The known word `word` was probably meant to be, if any is close enough."""
    matches = difflib.get_close_matches(word.lower(), [option.lower() for option in options], 1, 0.6)
    if not matches:
        return None
    return next(option for option in options if option.lower() == matches[0])


def did_you_mean(word: str, options: Collection[str]) -> str:
    guess = closest(word, options)
    return f' (did you mean "{guess}"?)' if guess else ""


class Checker:
    """Holds the document and the problems found in it so far."""

    def __init__(self, doc: Located) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.misspelt: set[str] = set()  # paths of known keys an unknown key was taken for

    @property
    def root(self) -> Field:
        return Field(self, "", self.doc.value)

    def report(self, path: str, message: str, *, key: bool = False) -> None:
        if path in self.misspelt and message.startswith("missing"):
            return  # "unknown key (did you mean ...?)" already says where it went
        problem = self.doc.problem(path, message, key=key)
        if problem not in self.problems:  # two readers may notice the same missing field
            self.problems.append(problem)

    def sorted_problems(self) -> list[Problem]:
        """Every problem, in the order they appear in the file."""
        return sorted(self.problems, key=lambda p: (p.line, p.column))

    def raise_if_any(self) -> None:
        """Raise ScriptError with every problem, in the order they appear in the file."""
        if self.problems:
            raise ScriptError(self.sorted_problems())


class Field:
    """One field of the document: readers return a typed value or record why they cannot."""

    def __init__(self, checker: Checker, path: str, value: Any = _MISSING) -> None:
        self.checker = checker
        self.path = path
        self.value = value

    @property
    def present(self) -> bool:
        return self.value is not _MISSING

    @property
    def position(self) -> tuple[int, int]:
        return self.checker.doc.where(self.path)

    def problem(self, message: str, *, key: bool = False) -> None:
        self.checker.report(self.path, message, key=key)

    def _wrong(self, expected: str) -> None:
        hint = ""
        if isinstance(self.value, bool) and "text" in expected:
            hint = " (put it in quotes to keep it as text)"
        self.problem(f"expected {expected}, got {describe(self.value)}{hint}")

    def __getitem__(self, key: str | int) -> Field:
        """A field of a mapping, or an element of a list by index (missing when absent)."""
        value: Any = _MISSING
        if isinstance(key, int):
            if isinstance(self.value, list) and 0 <= key < len(self.value):
                value = self.value[key]
        elif isinstance(self.value, dict):
            value = self.value.get(key, _MISSING)
        return Field(self.checker, child_path(self.path, key), value)

    # --- structure -------------------------------------------------------------------------

    def mapping(
        self,
        known: Collection[str],
        required: Collection[str] = (),
        *,
        what: str = "a mapping",
        hints: dict[str, str] | None = None,  # likely words that difflib would not match
    ) -> bool:
        """True when this is a mapping; reports unknown keys (with a suggestion) and missing ones."""
        if not isinstance(self.value, dict):
            if self.present:
                self._wrong(what)
            return False
        for key in self.value:
            if key not in known:
                guess = (hints or {}).get(key) or closest(key, known)
                if guess is not None and guess not in self.value:
                    self.checker.misspelt.add(child_path(self.path, guess))
                if guess:
                    listed = f' (did you mean "{guess}"?)'
                else:
                    listed = f"; expected one of: {', '.join(sorted(known))}"
                self.checker.report(child_path(self.path, key), f"unknown key{listed}", key=True)
        for key in required:
            if key not in self.value:
                self.checker.report(child_path(self.path, key), "missing; this field is required")
        return True

    def items(self, *, required: bool = False, non_empty: bool = False) -> Iterator[Field]:
        """The elements of a list (nothing when it is missing or not a list)."""
        if not self.present:
            if required:
                self.problem("missing; this field is required")
            return iter(())
        if not isinstance(self.value, list):
            self._wrong("a list")
            return iter(())
        if non_empty and not self.value:
            self.problem("expected at least one entry, got an empty list")
        return (Field(self.checker, child_path(self.path, i), v) for i, v in enumerate(self.value))

    # --- scalars ---------------------------------------------------------------------------

    def text(self, default: str = "", *, required: bool = False, allow_empty: bool = True) -> str:
        if not self.present:
            if required:
                self.problem("missing; this field is required")
            return default
        if isinstance(self.value, str):
            stripped = self.value.strip()
            if not stripped and (required or not allow_empty):
                self.problem("expected some text, got an empty string")
                return default
            controls = control_characters(stripped)
            if controls:
                self.problem(f"control characters ({', '.join(controls[:3])}) are not allowed: write the words only")
                return default
            return stripped
        if isinstance(self.value, (int, float)) and not isinstance(self.value, bool) and not required:
            return str(self.value)  # `route: 7` is odd but harmless as text
        self._wrong("text")
        return default

    def ident(self, *, required: bool = True) -> str | None:
        if not self.present:
            if required:
                self.problem("missing; this field is required")
            return None
        value = self.value
        if isinstance(value, str) and _ID.fullmatch(value):
            return value
        if isinstance(value, str):
            self.problem(f"expected {ID_EXPECTED}, got {describe(value)}")
        else:
            self._wrong(f"{ID_EXPECTED}")
        return None

    def choice(self, options: Collection[str], default: str) -> str:
        if not self.present:
            return default
        if isinstance(self.value, str) and self.value in options:
            return self.value
        listed = " or ".join(f'"{option}"' for option in options)
        suggestion = did_you_mean(self.value, options) if isinstance(self.value, str) else ""
        self.problem(f"expected {listed}, got {describe(self.value)}{suggestion}")
        return default

    def boolean(self, default: bool = False) -> bool:
        if not self.present:
            return default
        if isinstance(self.value, bool):
            return self.value
        self._wrong("true or false")
        return default

    def number(
        self,
        default: float | None = None,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        required: bool = False,
    ) -> float | None:
        if not self.present:
            if required:
                self.problem("missing; this field is required")
            return default
        value = self.value
        # math.isfinite and :g would overflow on a huge integer; it is simply out of range.
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            self._wrong(_range_words("a number", minimum, maximum))
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.problem(f"expected {_range_words('a number', minimum, maximum)}, got {_number_text(value)}")
            return default
        return float(value)

    def integer(self, default: int = 0, *, minimum: int = 1, maximum: int = 10_000, required: bool = False) -> int:
        if not self.present:
            if required:
                self.problem("missing; this field is required")
            return default
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong(_range_words("a whole number", minimum, maximum))
            return default
        if not minimum <= value <= maximum:
            self.problem(f"expected {_range_words('a whole number', minimum, maximum)}, got {_number_text(value)}")
            return default
        return value

    def duration(
        self, default: float | None = None, *, required: bool = False, allow_zero: bool = False
    ) -> float | None:
        if not self.present:
            if required:
                self.problem("missing; this field is required")
            return default
        try:
            return parse_duration(self.value, allow_zero=allow_zero)
        except DurationError as error:
            self.problem(str(error))
            return default

    def id_list(self) -> tuple[tuple[str, Field], ...]:
        """A list of ids (a single id is accepted too), with each element's field for references."""
        if self.present and isinstance(self.value, str):
            single = self.ident()
            return ((single, self),) if single else ()
        found = []
        for item in self.items():
            ident = item.ident()
            if ident:
                found.append((ident, item))
        return tuple(found)

    def text_list(self) -> tuple[str, ...]:
        if self.present and isinstance(self.value, str):
            return (self.text(required=True),)
        return tuple(t for t in (item.text(required=True) for item in self.items()) if t)


def _number_text(value: float) -> str:
    if isinstance(value, int):
        return str(value) if abs(value) < 10**15 else describe(value)
    return f"{value:g}"


def _range_words(noun: str, minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{noun} from {minimum:g} to {maximum:g}"
    if minimum is not None:
        return f"{noun} of at least {minimum:g}"
    if maximum is not None:
        return f"{noun} of at most {maximum:g}"
    return noun


@dataclass(frozen=True)
class Reference:
    """A use of another item's id (a playlist, exercise or chime), checked once all are loaded."""

    kind: str  # "playlist", "exercise" or "chime"
    id: str
    file: Path
    line: int
    column: int
    field: str

    @classmethod
    def at(cls, kind: str, ident: str, where: Field) -> Reference:
        line, column = where.position
        return cls(kind, ident, where.checker.doc.file, line, column, where.path)

    def problem(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.column, self.field, message)
