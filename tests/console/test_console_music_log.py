"""Every music change made at the console reaches the JSON report's music log, in order, with its time.

The console runs on a FakeClock with the player arriving after the first frame, as the command
line opens it; the keys are pressed at known times; the report is then written from the journal
on disk and checked against its schema.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

from console_kit import START, make_library, settled, until
from script_kit import console_script
from test_report import _validate

from companion.audio.player import SilentPlayer
from companion.core.clock import FakeClock
from companion.core.events import MusicChanged
from companion.core.journal.store import JournalStore, read_journal
from companion.core.report.files import render_report
from companion.core.scripts.playlists import Playlist, Track, volume_lufs
from companion.ui.app import make_app


def soundscape_library():
    """The test script with a two-layer soundscape as its first phase's music."""
    script = console_script()
    first = dataclasses.replace(script.phases[0], music="scape", volume=0.4)
    script = dataclasses.replace(script, phases=(first, *script.phases[1:]))
    library = make_library(script)
    layers = (
        Track(Path("/nonexistent/pad.ogg"), "Pad", level=1.0, depth=0.0),
        Track(Path("/nonexistent/rain.ogg"), "Rain", level=0.8, depth=0.6),
    )
    library.playlists["scape"] = Playlist("scape", "Night garden", layers, layered=True, depth=0.5)
    return script, library


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat()


async def test_playlist_volume_mute_depth_and_fade_are_each_in_the_json_music_log_in_order(tmp_path):
    script, library = soundscape_library()
    player, clock, store = SilentPlayer(), FakeClock(START), JournalStore(tmp_path / "journals")
    # No player given: the console opens its own after the first frame, as `companion run` does.
    app = make_app(library, store=store, clock=clock, script=script, client_code="K-7", open_player=lambda: player)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        await until(pilot, lambda: app.audio.player is player)
        path = store.path_for(app.session.session_id)

        def journaled() -> list[MusicChanged]:
            return [e for e in read_journal(path).events if isinstance(e, MusicChanged)]

        await until(pilot, lambda: len(journaled()) == 1)  # the phase's soundscape began
        began = clock.now()
        pressed = []
        for key in ("right_square_bracket", "m", "m", "right_curly_bracket", "left_curly_bracket", "f"):
            clock.advance(37)
            pressed.append(clock.now())
            await pilot.press(key)
        await until(pilot, lambda: len(journaled()) == 7)
        await pilot.press("q")

    document = json.loads(render_report(read_journal(path), script, "json", tz=UTC, generated_at=START + 3600))
    _validate(document)
    music = document["music"]
    assert [(m["at"], m["change"], m["playlist"], m["value"], m["layer"]) for m in music] == [
        (iso(began), "playlist", "scape", 0.4, None),
        (iso(pressed[0]), "volume", "scape", 0.5, None),
        (iso(pressed[1]), "mute", "scape", 0.0, None),
        (iso(pressed[2]), "unmute", "scape", 0.0, None),
        (iso(pressed[3]), "depth", "scape", 0.6, None),
        (iso(pressed[4]), "depth", "scape", 0.5, None),
        (iso(pressed[5]), "fade", "scape", 0.0, None),
    ]
    assert [m["lufs"] for m in music] == [round(volume_lufs(0.4), 1), round(volume_lufs(0.5), 1), *[None] * 5]
    assert [m["text"] for m in music] == [
        "scape began at volume 40 % (-28 LUFS)",
        "Volume 50 % (-26 LUFS)",
        "Muted",
        "Unmuted",
        "Depth of scape to 60 %",
        "Depth of scape to 50 %",
        "scape faded out",
    ]
