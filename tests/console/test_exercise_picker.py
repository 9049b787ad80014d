"""The exercise picker: the phase's own first, then the rest of the library, Enter and Escape."""

from __future__ import annotations

from exercise_apps import BOX, COHERENT, SENSES
from textual.app import App
from textual.widgets import OptionList

from companion.ui.screens.exercise_picker import ExercisePicker, exercise_label


class PickerHost(App[None]):
    def __init__(self, picker: ExercisePicker) -> None:
        super().__init__()
        self.picker = picker
        self.picked: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.picker, self.picked.append)


def rows(picker: ExercisePicker) -> list[tuple[str | None, bool]]:
    return [(o.id, o.disabled) for o in picker.query_one(OptionList).options]


async def test_phase_exercises_first_then_the_rest_once():
    picker = ExercisePicker([COHERENT], [BOX, COHERENT, SENSES])
    async with PickerHost(picker).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listed = rows(picker)
        # The phase's own first, then the rest by title ("5-4-3-2-1 senses" before "Box breathing").
        assert [i for i, disabled in listed if not disabled] == ["coherent-breathing", "five-senses", "box-breathing"]
        headings = [str(o.prompt) for o in picker.query_one(OptionList).options if o.disabled]
        assert headings == ["For this phase", "All exercises"]
        assert listed[0] == (None, True)  # the phase's heading comes first


async def test_enter_picks_the_highlighted_exercise():
    picker = ExercisePicker([COHERENT], [SENSES, BOX, COHERENT])
    app = PickerHost(picker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.picked == ["coherent-breathing"]


async def test_down_skips_the_headings():
    picker = ExercisePicker([COHERENT], [SENSES, BOX, COHERENT])
    app = PickerHost(picker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.picked == ["five-senses"]


async def test_escape_cancels():
    app = PickerHost(ExercisePicker([], [SENSES]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.picked == [None]


async def test_empty_library_says_so():
    picker = ExercisePicker([], [])
    app = PickerHost(picker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "No exercises" in str(picker.query_one(".empty").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.picked == [None]


def test_label_shows_the_length_and_kind():
    assert exercise_label(SENSES).plain.split() == ["5-4-3-2-1", "senses", "2", "min", "steps"]
    assert exercise_label(BOX).plain.split()[-3:] == ["2", "min", "breathing"]
    long = exercise_label(SENSES.__class__(id="l", title="A very long title " * 5, kind="steps"))
    assert len(long.plain) <= 52 and "…" in long.plain
