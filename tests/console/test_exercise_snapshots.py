"""Snapshots of the exercise screens at 80x24 and 120x36, with a fake clock so frames are fixed."""

from __future__ import annotations

import pytest
from exercise_apps import BOX, SENSES, ExerciseHost
from textual.app import App

from companion.core.clock import FakeClock
from companion.ui.screens.exercise_picker import ExercisePicker
from companion.ui.theme import THEMES

SIZES = [(80, 24), (120, 36)]


def moved_to(seconds_after_intro: float, presses: tuple[str, ...] = ()):
    """A run_before that skips the intro, presses keys, and moves the clock on."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await pilot.press("space", *presses)
        app.clock.advance(seconds_after_intro)
        app.exercise_screen.refresh_from_clock()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_step_prompt(snap_compare, size):
    # The second of five steps, a third of its 30 s gone.
    app = ExerciseHost(SENSES, FakeClock())
    assert snap_compare(app, terminal_size=size, run_before=moved_to(10, ("space",)))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("instant", [("in", 2.5), ("hold", 5), ("out", 10)], ids=lambda i: i[0])
def test_pacer(snap_compare, size, instant):
    app = ExerciseHost(BOX, FakeClock())
    assert snap_compare(app, terminal_size=size, run_before=moved_to(instant[1]))


class PickerHost(App[None]):
    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = THEMES[0].name
        self.push_screen(ExercisePicker([BOX], [SENSES, BOX]))


def test_picker(snap_compare):
    assert snap_compare(PickerHost(), terminal_size=(80, 24))
