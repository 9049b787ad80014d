"""config.yaml's keymap and settings in the real console: the footer, the `?` list and the keys."""

from __future__ import annotations

import re

from console_kit import console, patience, settled

from companion.core.config import load_config
from companion.core.events import PhaseStarted
from companion.core.journal.store import read_journal
from companion.ui.dialogs.keys import KeysDialog
from companion.ui.keymap import binding_specs, checked
from companion.ui.screens.session import SessionScreen
from companion.ui.settings import apply_settings

SIZE = (160, 48)


def with_config(tmp_path, private_dirs, text: str):
    config_dir = private_dirs[1]
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.yaml").write_text(text)
    app, clock, player, store = console(tmp_path)
    config = checked(load_config())
    apply_settings(app, config)
    return app, store, config


def footer_text(app) -> str:
    from textual.widgets import Footer

    footer = app.screen.query_one(Footer)
    return " ".join(str(key.render()) for key in footer.query("FooterKey"))


async def test_a_remapped_key_is_in_the_footer_the_keys_list_and_acts(tmp_path, private_dirs):
    app, store, config = with_config(tmp_path, private_dirs, "keymap:\n  session.next: j\n  session.mute: u\n")
    assert config.problems == ()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.pause()
        shown = footer_text(app)
        assert re.search(r"\bj Next\b", shown), shown
        assert re.search(r"\bu Mute\b", shown), shown
        assert not re.search(r"\bn Next\b", shown), shown

        await pilot.press("question_mark")
        for _ in patience():
            if isinstance(app.screen, KeysDialog):
                break
            await pilot.pause(0.02)
        listed = app.screen.listed.splitlines()
        assert "j Move on to the next phase" in listed
        assert "u Mute or unmute the music" in listed
        assert "? List every key and what it does" in listed  # not remapped: as declared
        await pilot.press("escape")
        for _ in patience():
            if isinstance(app.screen, SessionScreen):
                break
            await pilot.pause(0.02)

        # The old key does nothing now; the new one acts (the checklist is incomplete: it asks).
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("j")
        for _ in patience():
            if not isinstance(app.screen, SessionScreen):
                break
            await pilot.pause(0.02)
        await pilot.press("y")
        for _ in patience():
            if app.session.state().phase.id == "dosing":
                break
            await pilot.pause(0.02)
        assert app.session.state().phase.id == "dosing"
        phases = [
            e.phase_id
            for e in read_journal(store.path_for(app.session.session_id)).events
            if isinstance(e, PhaseStarted)
        ]
        assert phases[-1] == "dosing"


async def test_settings_dim_the_console_and_set_the_volume_step_and_report(tmp_path, private_dirs):
    app, _store, config = with_config(
        tmp_path, private_dirs, "start_dimmed: true\nvolume_step: 0.2\nreport_format: html\n"
    )
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert app.dimmed
        assert app.report_format == "html"
        before = app.audio.shown_volume
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.audio.shown_volume == round(min(1.0, before + 0.2), 2)


async def test_a_bad_config_is_mentioned_once_and_the_console_runs(tmp_path, private_dirs):
    app, _store, config = with_config(tmp_path, private_dirs, "keymap:\n  session.next: m\nvolume: loud\n")
    assert len(config.problems) == 2
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        messages = [n.message for n in app._notifications]
        assert any("2 problem(s) in" in m and "companion config" in m for m in messages), messages
        assert re.search(r"\bn Next\b", footer_text(app))  # the refused entry keeps its default


def test_every_binding_id_in_the_console_is_known_to_the_keymap():
    """A screen or dialog added later is checked too: its ids come from its BINDINGS."""
    import pathlib

    source = pathlib.Path(__file__).resolve().parents[2] / "companion" / "ui"
    written = set()
    for path in list(source.glob("screens/*.py")) + list(source.glob("dialogs/*.py")):
        written |= set(re.findall(r'\bid="([a-z_]+\.[a-z_]+)"', path.read_text()))
    known = {spec.binding_id for spec in binding_specs() if spec.remappable}
    assert written and written <= known, written - known


async def test_the_exercise_screens_take_the_keymap_too(private_dirs):
    from exercise_apps import BOX, SENSES

    from companion.core.clock import FakeClock
    from companion.ui import keymap
    from companion.ui.exercise_app import ExerciseApp
    from companion.ui.screens.exercise import ExerciseScreen

    private_dirs[1].mkdir(parents=True, exist_ok=True)
    (private_dirs[1] / "config.yaml").write_text("keymap:\n  exercise.end: k\n")
    app = ExerciseApp({e.id: e for e in (SENSES, BOX)}, first="five-senses", clock=FakeClock(), open_sound=False)
    keymap.apply(app, keymap.checked(load_config()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen)
        await pilot.press("escape")  # escape and q were the keys that end it; k is now
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen)
        await pilot.press("k")
        for _ in patience():
            if app.summary:
                break
            await pilot.pause(0.02)
    assert app.summary == ["5-4-3-2-1 senses: ended after 0 of 5 steps."]
