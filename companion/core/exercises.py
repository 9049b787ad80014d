"""Grounding exercises: a list of spoken steps, or a breathing pattern repeated for rounds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

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
