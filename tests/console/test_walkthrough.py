"""The console as a therapist finds it: the rough edges of a full walk-through, each pinned down."""

from __future__ import annotations

import pytest
from console_kit import console, make_library, settled, until
from script_kit import console_script

from companion.ui.screens.picker import ScriptPicker
from companion.ui.screens.session import SessionScreen

SIZE = (100, 30)


async def test_escape_on_the_client_code_goes_back_to_the_picker_and_starts_nothing(tmp_path):
    app, clock, player, store = console(tmp_path, library=make_library(), script=None, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ScriptPicker)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.id == "client-code"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScriptPicker)
        assert app.session is None
    assert store.list_sessions() == []


async def test_escape_on_the_client_code_of_a_named_script_opens_the_picker(tmp_path):
    app, clock, player, store = console(tmp_path, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.id == "client-code"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScriptPicker)
        assert app.session is None
    assert store.list_sessions() == []


async def test_the_palette_offers_only_the_consoles_own_commands(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Dim (D)" in titles and "Quit (q)" in titles
        ours = {f"{b.description} ({b.key_display or b.key.split(',')[0]})" for b in SessionScreen.BINDINGS}
        assert titles <= ours, titles - ours  # no Theme, Screenshot, Maximize of Textual's


async def test_ctrl_q_asks_before_closing_a_live_session_as_q_does(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert "Close the console" in str(app.screen.query_one(".box").border_title)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.is_running


async def test_a_vitals_field_refuses_what_is_not_a_number_and_says_so(tmp_path):
    from companion.core.events import VitalsRecorded

    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("v")
        await pilot.pause()
        form = app.screen
        await pilot.press("1", "2", "O", "tab", "8", "0", "enter")
        await pilot.pause()
        assert form.query_one("#systolic").value == "12O"
        assert "'12O' is not a whole number" in form.refusal
        await pilot.press("ctrl+u", "1", "2", "0", "tab", "tab", "7", "space", "2", "enter")
        await pilot.pause()
        assert "Heart rate '7 2' is not a whole number" in form.refusal
        assert app.screen is form
    assert not [e for e in app.session.events if isinstance(e, VitalsRecorded)]


def test_every_bundled_script_flags_a_low_heart_rate_and_a_low_spo2():
    from companion.core.events import SessionStarted, VitalsRecorded
    from companion.core.scripts.library import load_library
    from companion.core.timeline import compute_state

    for script in load_library().sessions.values():
        events = [SessionStarted(at=0.0, script_id=script.id), VitalsRecorded(at=5.0, heart_rate=45, spo2=88)]
        flags = compute_state(script, events, 10.0).vitals[-1].flags
        assert len(flags) == 2, (script.id, flags)


async def test_the_vitals_panel_says_when_the_script_sets_no_lower_limit(tmp_path):
    app, clock, player, store = console(tmp_path)  # the test script sets spo2_min only
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert "No lower limit set for HR." in app.screen.query_one("#vitals").plain


async def test_a_single_low_reading_is_marked_below_not_above(tmp_path):
    app, *_ = console(tmp_path)  # the test script sets spo2_min
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        app.session.record_vitals(120, 80, 70, 88, "")
        app.screen.show_state()
        await pilot.pause()
        vitals = app.screen.query_one("#vitals").plain
        assert "▼ SpO2 88 is below this protocol's" in vitals and "▲" not in vitals


async def test_at_80x24_one_flagged_reading_is_shown_whole_in_its_short_form(tmp_path):
    app, *_ = console(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        app.session.give_dose(50, "mg", "IM")
        app.session.record_vitals(120, 80, 70, 88, "")
        app.screen.show_state()
        await pilot.pause()
        assert "▼ below: SpO2 88" in app.screen.query_one("#vitals").plain
        assert "▼ below: SpO2 88" in _screen_text(app)  # not clipped


def _strong_colours(strips, system) -> set[tuple[int, int, int]]:
    """Colours drawn in the widget, as a terminal of `system` shows them, that are clearly coloured
    and clearly brighter than the dark room's background (saturated and lit, not grey on black)."""
    from rich.color import Color as RichColor

    found = set()
    for strip in strips:
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            for colour in (style.color, style.bgcolor):
                if colour is None or colour.triplet is None:
                    continue
                shown = RichColor.from_triplet(colour.triplet).downgrade(system).get_truecolor()
                if max(shown) - min(shown) >= 60 and max(shown) >= 100:
                    found.add(tuple(shown))
    return found


async def test_a_due_reminder_is_marked_in_colour_in_truecolor_256_and_16_colours(tmp_path):
    from rich.color import ColorSystem
    from textual.geometry import Region

    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        app.session.give_dose(50, "mg", "IM")
        clock.advance(2401)
        app.screen.show_state()
        await pilot.pause()
        due = app.screen.query_one("#due")
        assert due.display
        strips = due.render_lines(Region(0, 0, due.size.width, due.size.height))
        for system in (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT, ColorSystem.STANDARD):
            assert _strong_colours(strips, system), system


def _screen_text(app) -> str:
    """The words on screen, as the terminal shows them."""
    import html
    import re

    svg = app.export_screenshot()
    return " ".join(html.unescape(" ".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ").split())


def _visible_text(widget) -> str:
    from textual.geometry import Region

    strips = widget.render_lines(Region(0, 0, widget.region.width, widget.region.height))
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_the_newest_note_is_in_view_after_a_long_one_at_both_sizes(tmp_path):
    for size in ((80, 24), (160, 48)):
        app, clock, player, store = console(tmp_path / f"{size[0]}")
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            app.session.add_note("a long account of what the client said " * 40)
            clock.advance(60)
            app.session.add_note("newest: resting quietly")
            app.screen.show_state()
            await pilot.pause()
            notes = app.screen.query_one("#notes")
            assert notes.display and notes.region.height >= 3, size
            assert "newest: resting quietly" in _visible_text(notes), size


async def test_the_note_prompt_counts_down_its_last_characters_and_says_when_it_is_full(tmp_path):
    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("t")
        await pilot.pause()
        prompt = app.screen
        field = prompt.query_one("#text")
        assert field.max_length >= 10_000
        field.value = "x" * (field.max_length - 50)
        await pilot.pause()
        assert "50 characters left" in str(prompt.query_one("#hint").content)
        field.value = "x" * field.max_length
        await pilot.pause()
        assert "character limit" in str(prompt.query_one("#hint").content)


async def test_a_note_pasted_over_several_lines_is_kept_whole(tmp_path):
    from textual import events

    app, clock, player, store = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("t")
        await pilot.pause()
        field = app.screen.query_one("#text")
        field.post_message(events.Paste("first line\nsecond line\n"))
        await pilot.pause()
        assert field.value == "first line second line"
        await pilot.press("enter")
        await pilot.pause()
    assert app.session.state().notes[-1].text == "first line second line"


async def test_a_rehearsal_shows_its_own_clock_on_the_top_line(tmp_path):
    from console_kit import START

    from companion.core.clock import FakeClock
    from companion.core.journal.store import JournalStore
    from companion.ui.timefmt import wall_text

    clock = FakeClock(START + 5 * 3600)  # the rehearsal's clock, hours ahead of the real one
    app, *_ = console(
        tmp_path, clock=clock, speed=60.0, rehearsal_store=JournalStore(tmp_path / "r"), real_time=lambda: START
    )
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        top = app.screen.query_one("#status").plain
        assert wall_text(clock.now()) in top and "REHEARSAL" in top
        assert wall_text(START) not in top


async def test_a_session_live_in_another_window_is_not_offered_for_resuming(tmp_path):
    from console_kit import START

    from companion.core.clock import FakeClock
    from companion.core.journal.store import JournalStore
    from companion.core.session import LiveSession

    store = JournalStore(tmp_path / "journals")
    other_window = LiveSession.start(console_script(), store, FakeClock(START), client_code="K-9")
    try:
        app, *_ = console(tmp_path, store=store, script=None, client_code=None)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ScriptPicker)  # no resume question
            assert any("open in another window" in n.message for n in app._notifications)
    finally:
        other_window.close()
    # Closed there, it is offered again.
    app, *_ = console(tmp_path, store=store, script=None, client_code=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Unfinished session" in str(app.screen.query_one(".box").border_title)


def test_phase_bar_labels_abbreviate_cleanly():
    from companion.ui.widgets.timeline_bar import short_label

    assert short_label("Discharge", 9) == "Discharge"
    assert short_label("Dosing (moves on by itself)", 10) == "Dosing"
    assert short_label("Arrival and intention", 12) == "Arrival"
    assert short_label("Preparation", 4) == "Pre…"
    assert short_label("Dosing", 2) == "D…"


async def test_at_80x24_the_phase_bar_shows_whole_words_or_an_ellipsis(tmp_path):
    from companion.core.scripts.library import load_library

    library = load_library()
    for script_id in ("im-standard", "demo"):
        script = library.session(script_id)
        app, *_ = console(tmp_path / script_id, library=library, script=script)
        async with app.run_test(size=(80, 24)) as pilot:
            await settled(pilot)
            labels = app.screen.query_one("#timeline").plain.splitlines()[1].split()
            words = {word for phase in script.phases for word in phase.title.split()}
            for label in labels:
                assert label in words or label.endswith("…"), (script_id, label)


async def test_at_80x24_the_discharge_checklist_fits_or_scrolls_visibly(tmp_path):
    from companion.core.scripts.library import load_library

    library = load_library()
    script = library.session("im-standard")
    app, clock, *_ = console(tmp_path, library=library, script=script)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        app.session.give_dose(50, "mg", "IM")
        clock.advance(2 * 3600)  # reminders due take rows above the panels
        for _ in script.phases[1:]:
            app.session.next_phase()
        app.screen.show_state()
        await pilot.pause()
        box = app.screen.query_one("#guide-box")
        assert "Discharge" == app.session.state().phase.title
        fits = box.virtual_size.height <= box.scrollable_content_region.height
        assert fits or box.show_vertical_scrollbar, (box.virtual_size, box.region)
        box.scroll_end(animate=False)
        await pilot.pause()
        assert "c ticks items" in _screen_text(app)


@pytest.mark.parametrize("width", [80, 109, 110, 120, 159, 160, 200])
async def test_the_footer_ends_with_a_whole_key_and_the_palette_at_any_width(tmp_path, width):
    app, *_ = console(tmp_path)
    async with app.run_test(size=(width, 24)) as pilot:
        await settled(pilot)
        footer = app.screen.query_one("Footer")

        def sorted_in_tiers() -> bool:  # the footer has drawn the screen's keys and sorted them
            keys = footer.query("FooterKey")
            return len(keys) > 3 and all(any(c.startswith("-tier-") for c in key.classes) for key in keys)

        await until(pilot, sorted_in_tiers)
        await pilot.pause()
        shown = [key for key in footer.query("FooterKey") if key.display]
        assert all(key.region.right <= width for key in shown)
        for first, second in zip(shown, shown[1:], strict=False):
            assert not first.region.overlaps(second.region), (first.key, second.key)  # none cut off
        assert [key.key for key in shown][-1] == "ctrl+p" and "q" in [key.key for key in shown]
        assert ("s" in [key.key for key in shown]) == (width >= 160)  # Assess, once there is room


async def test_at_80x24_the_picker_outline_keeps_each_phase_number_on_its_own_line(tmp_path):
    from companion.core.scripts.library import load_library

    library = load_library()
    app, *_ = console(tmp_path, library=library, script=None, client_code=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        box = app.screen.query_one("#outline")
        width = box.content_size.width
        from textual.content import Content

        lines = Content.from_markup(str(box.content)).plain.splitlines()
        assert any(line.startswith("    ") for line in lines)  # details moved under a long phase
        numbered = [line for line in lines if line[:3].strip().rstrip(".").isdigit()]
        assert numbered and all(len(line) <= width for line in numbered), (width, numbered)


async def test_the_picker_tells_a_file_that_loaded_with_a_warning_from_one_that_did_not(tmp_path):
    from pathlib import Path

    from companion.core.scripts.problems import Problem

    loaded = console_script("mine")
    loaded = type(loaded)(**{**loaded.__dict__, "source": Path("/scripts/sessions/mine.yaml")})
    library = make_library(
        loaded,
        problems=[
            Problem(Path("/scripts/sessions/mine.yaml"), 9, 5, "phases[0].reminders[0].chime", "unknown chime"),
            Problem(Path("/scripts/sessions/broken.yaml"), 1, 1, "", "not YAML"),
        ],
    )
    app, *_ = console(tmp_path, library=library, script=None, client_code=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#problems").content)
        could_not, _, with_note = text.partition("Loaded, with something to check:")
        assert "broken.yaml" in could_not and "mine.yaml" not in could_not
        assert "mine.yaml:9:5" in with_note
        assert "`" not in text


def test_the_help_names_session_scripts():
    from companion.cli import COMMANDS

    assert COMMANDS["list"][0] == "list session scripts, exercises and playlists"


async def test_no_toast_covers_the_distress_exercise(tmp_path):
    from companion.ui.screens.exercise import ExerciseScreen

    app, *_ = console(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settled(pilot)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExerciseScreen))
        app.notify("A passing notice")
        await until(pilot, lambda: bool(app.screen.query("Toast")))  # mounted on the screen
        await pilot.pause()
        assert all(toast.region.area == 0 for toast in app.screen.query("Toast"))


async def test_at_80x24_the_keys_list_names_ctrl_p_and_how_to_close_it(tmp_path):
    app, *_ = console(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.id == "keys"
        shown = _screen_text(app)
        assert "Escape or ? closes this list" in shown and "ctrl+p finds any action" in shown
        assert "ctrl+p" in app.screen.listed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


async def test_the_pickers_footer_keeps_all_of_its_few_keys(tmp_path):
    app, *_ = console(tmp_path, script=None, client_code=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ScriptPicker)
        footer = app.screen.query_one("Footer")
        await until(pilot, lambda: len(footer.query("FooterKey")) >= 3)
        await pilot.pause()
        assert all(key.display for key in footer.query("FooterKey"))


async def test_at_80x24_four_flagged_readings_leave_the_notes_in_view(tmp_path):
    app, *_ = console(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        app.session.give_dose(50, "mg", "IM")  # the big digits take three more rows
        app.session.mark_distress("")  # and the Sound panel says how to bring the music back
        app.session.record_vitals(195, 102, 130, 88, "")
        app.screen.show_state()
        await pilot.pause()
        vitals, notes = app.screen.query_one("#vitals"), app.screen.query_one("#notes")
        assert "▲ above: Sys 195, Dia 102, HR 130" in vitals.plain and "▼ below: SpO2 88" in vitals.plain
        assert "below: SpO2 88" in _screen_text(app)  # not clipped
        assert notes.region.bottom <= 23 and notes.region.height == 3  # above the footer, whole
        audio = app.screen.query_one("#audio")
        assert audio.region.height >= 3 and not audio.region.overlaps(notes.region)
