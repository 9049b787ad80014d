"""Keys typed in one burst, as a fast typist or `tmux send-keys` delivers them, land in the right field.

`pilot.press` waits for the app to go idle after every key, so it never shows the race; these tests
hand the whole burst to the driver at once, as a terminal does.
"""

from __future__ import annotations

from console_kit import console, until
from textual import events
from textual.keys import _character_to_key

from companion.core.events import DistressMarked, DoseGiven, NoteAdded, VitalsRecorded
from companion.core.journal.store import read_journal
from companion.ui.screens.session import SessionScreen

SIZE = (100, 30)


def typed_at_once(app, *keys: str) -> None:
    """Every key queued before the app handles the first, as bytes arriving together from a terminal."""
    for key in keys:
        character = key if len(key) == 1 else None
        if character and not character.isalnum():
            key = _character_to_key(character)
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


def recorded(app, store, kind):
    return [e for e in read_journal(store.path_for(app.session.session_id)).events if isinstance(e, kind)]


def field_values(screen, *names: str) -> list[str]:
    return [screen.query_one(f"#{name}").value for name in names]


async def open_dialog(pilot, key: str, dialog_id: str):
    await pilot.pause()
    assert isinstance(pilot.app.screen, SessionScreen)
    await pilot.press(key)
    await pilot.pause()
    assert pilot.app.screen.id == dialog_id
    return pilot.app.screen


async def test_vitals_typed_in_a_burst_across_tab_fill_each_field(tmp_path):
    app, _, _, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_dialog(pilot, "v", "vitals-form")
        typed_at_once(app, "1", "9", "0", "tab", "9", "5", "tab", "8", "0", "tab", "9", "7")
        await pilot.pause()
        assert field_values(form, "systolic", "diastolic", "heart_rate", "spo2") == ["190", "95", "80", "97"]
        typed_at_once(app, "shift+tab", "backspace", "backspace", "7", "2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
    (vitals,) = recorded(app, store, VitalsRecorded)
    assert (vitals.systolic, vitals.diastolic, vitals.heart_rate, vitals.spo2) == (190, 95, 72, 97)


async def test_vitals_typed_key_by_key_fill_each_field(tmp_path):
    app, *_ = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_dialog(pilot, "v", "vitals-form")
        await pilot.press("1", "9", "0", "tab", "9", "5", "tab", "8", "0")
        await pilot.pause()
        assert field_values(form, "systolic", "diastolic", "heart_rate") == ["190", "95", "80"]


async def test_dose_typed_in_a_burst_across_tab_fills_each_field(tmp_path):
    app, _, _, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_dialog(pilot, "d", "dose-form")
        # amount, unit (replaced), route (kept), time (kept), lot
        typed_at_once(app, "5", "0", "tab", "ctrl+u", "m", "g", "tab", "tab", "tab", "L", "9")
        await pilot.pause()
        assert field_values(form, "amount", "unit", "lot") == ["50", "mg", "L9"]
        typed_at_once(app, "enter")
        await pilot.pause()
    (dose,) = recorded(app, store, DoseGiven)
    assert (dose.amount, dose.unit, dose.route, dose.lot) == (50, "mg", "IM", "L9")


async def test_a_note_typed_in_a_burst_is_kept_whole(tmp_path):
    app, *_ = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        prompt = await open_dialog(pilot, "t", "note")
        typed_at_once(app, *"calm now", "tab", "shift+tab", *" and warm")
        await pilot.pause()
        assert prompt.query_one("#text").value == "calm now and warm"


async def test_the_client_code_typed_in_a_burst_is_kept_whole(tmp_path):
    app, *_ = console(tmp_path, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.id == "client-code"
        typed_at_once(app, "K", "-", "1", "4", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.session.events[0].client_code == "K-14"


async def test_checklist_ticks_typed_in_a_burst_tick_the_items_in_order(tmp_path):
    app, *_ = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot, "c", "checklist")
        typed_at_once(app, "space", "down", "space", "tab", "up", "space")
        await pilot.pause()
        assert app.screen.ticked == {"Eyeshades ready"}


async def test_a_note_typed_straight_after_t_goes_into_the_note_not_to_the_session_keys(tmp_path):
    app, _, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        typed_at_once(app, "t", *"max calm", "enter")  # m mutes, a acknowledges, x marks distress
        await until(pilot, lambda: isinstance(app.screen, SessionScreen) and recorded(app, store, NoteAdded))
        assert not app.audio.muted
    assert [e.text for e in recorded(app, store, NoteAdded)] == ["max calm"]
    assert not recorded(app, store, DistressMarked)


async def test_vitals_typed_straight_after_v_fill_the_form(tmp_path):
    app, _, _, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        typed_at_once(app, "v", "1", "2", "0", "tab", "8", "0", "enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen) and recorded(app, store, VitalsRecorded))
    (vitals,) = recorded(app, store, VitalsRecorded)
    assert (vitals.systolic, vitals.diastolic) == (120, 80)


async def test_a_dose_typed_straight_after_d_is_recorded(tmp_path):
    app, _, _, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        typed_at_once(app, "d", "5", "0", "enter")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen) and recorded(app, store, DoseGiven))
    (dose,) = recorded(app, store, DoseGiven)
    assert dose.amount == 50
