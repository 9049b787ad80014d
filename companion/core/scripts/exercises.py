"""Grounding exercises: a list of spoken steps, or a breathing pattern repeated for rounds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from companion.core.scripts.fields import Checker, Field
from companion.core.scripts.yamlio import Located, load_yaml_file

ExerciseKind = Literal["steps", "breathing"]


@dataclass(frozen=True)
class Step:
    say: str
    seconds: float  # `for:` in YAML


@dataclass(frozen=True)
class BreathPattern:
    """Seconds of each part of one breath; hold and rest may be zero."""

    inhale: float
    hold: float = 0.0
    exhale: float = 0.0
    rest: float = 0.0

    @property
    def cycle(self) -> float:
        return self.inhale + self.hold + self.exhale + self.rest


@dataclass(frozen=True)
class GroundingExercise:
    id: str
    title: str
    kind: ExerciseKind
    intro: str = ""
    outro: str = ""
    steps: tuple[Step, ...] = ()  # kind == "steps"
    pattern: BreathPattern | None = None  # kind == "breathing"
    rounds: int = 0  # kind == "breathing"
    source: Path | None = None

    @property
    def length(self) -> float:
        """Seconds the exercise takes when nobody skips or pauses."""
        if self.kind == "breathing" and self.pattern is not None:
            return self.pattern.cycle * self.rounds
        return sum(step.seconds for step in self.steps)


# --- loading ---------------------------------------------------------------------------------

EXERCISE_KEYS = ("id", "title", "kind", "intro", "outro", "steps", "pattern", "rounds")
STEP_KEYS = ("say", "for")
PATTERN_KEYS = ("in", "hold", "out", "rest")
_PATTERN_HINTS = {"inhale": "in", "exhale": "out", "pause": "rest", "breathe_in": "in", "breathe_out": "out"}


def load_exercise(path: Path | str) -> GroundingExercise:
    """Load and validate one grounding exercise. Raises ScriptError listing every problem."""
    return parse_exercise(load_yaml_file(path))


def parse_exercise(doc: Located) -> GroundingExercise:
    checker = Checker(doc)
    root = checker.root
    root.mapping(EXERCISE_KEYS, ("id", "title", "kind"), what="an exercise (a mapping)")
    ident = root["id"].ident()
    title = root["title"].text(required=True)
    kind = root["kind"].choice(("steps", "breathing"), "")
    steps: tuple[Step, ...] = ()
    pattern: BreathPattern | None = None
    rounds = 0
    if kind == "steps":
        steps = tuple(
            step for item in root["steps"].items(required=True, non_empty=True) if (step := _step(item)) is not None
        )
        for name in ("pattern", "rounds"):
            if root[name].present:
                root[name].problem("only for kind: breathing; a steps exercise has `steps:`")
    elif kind == "breathing":
        pattern = _pattern(root["pattern"])
        rounds = root["rounds"].integer(required=True, minimum=1, maximum=1000)
        if root["steps"].present:
            root["steps"].problem("only for kind: steps; a breathing exercise has `pattern:` and `rounds:`")
    checker.raise_if_any()
    return GroundingExercise(
        id=ident or "",
        title=title,
        kind=kind,  # type: ignore[arg-type]
        intro=root["intro"].text(),
        outro=root["outro"].text(),
        steps=steps,
        pattern=pattern,
        rounds=rounds,
        source=doc.file,
    )


def _step(node: Field) -> Step | None:
    if not node.mapping(STEP_KEYS, ("say", "for"), what="a step (a mapping with say: and for:)"):
        return None
    say = node["say"].text(required=True)
    seconds = node["for"].duration(required=True)
    return Step(say=say, seconds=seconds or 0.0)


def _pattern(node: Field) -> BreathPattern | None:
    if not node.present:
        node.problem("missing; a breathing exercise needs a pattern such as {in: 4s, out: 6s}")
        return None
    if not node.mapping(
        PATTERN_KEYS, ("in", "out"), what="a breathing pattern {in, hold, out, rest}", hints=_PATTERN_HINTS
    ):
        return None
    inhale = node["in"].duration(required=True)
    exhale = node["out"].duration(required=True)
    hold = node["hold"].duration(0.0, allow_zero=True)
    rest = node["rest"].duration(0.0, allow_zero=True)
    if inhale is None or exhale is None or hold is None or rest is None:
        return None
    return BreathPattern(inhale=inhale, hold=hold, exhale=exhale, rest=rest)
