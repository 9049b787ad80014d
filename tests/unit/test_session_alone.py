"""A named session read alone (to show the console sooner) is the one the whole library would give."""

from __future__ import annotations

import pytest
from console_kit import settled
from test_library import BUNDLED_SESSIONS, put, session_yaml

from companion import paths
from companion.core.scripts.library import load_library, load_session_alone
from companion.ui.startup import prepare


@pytest.mark.parametrize("ident", sorted(BUNDLED_SESSIONS))
def test_each_bundled_session_read_alone_equals_the_librarys(ident):
    assert load_session_alone(ident) == load_library().sessions[ident]


def test_a_user_file_of_another_name_overrides_the_bundled_one_as_in_the_library():
    put(paths.config_dir(), "sessions/my-own.yaml", session_yaml("demo", title="My demo"))
    alone = load_session_alone("demo")
    assert alone is not None and alone.title == "My demo"
    assert alone == load_library().sessions["demo"]


def test_a_scripts_folder_comes_before_the_config_folder(tmp_path):
    put(paths.config_dir(), "sessions/demo.yaml", session_yaml("demo", title="Config"))
    put(tmp_path, "x.yaml", session_yaml("demo", title="Scripts"))
    assert load_session_alone("demo", [tmp_path]).title == "Scripts"


def test_an_id_written_with_an_escape_is_still_found(tmp_path):
    put(tmp_path, "sessions/a.yaml", session_yaml('"\\x64emo"', title="Escaped"))
    assert load_session_alone("demo", [tmp_path]).title == "Escaped"


@pytest.mark.parametrize(
    "broken",
    [
        "id: demo\ntitle: [unclosed\n",  # not YAML
        session_yaml("demo").replace("duration: 10m", "duration: soon"),  # a script with a problem
    ],
)
def test_a_broken_file_that_may_declare_the_id_leaves_it_to_the_whole_library(tmp_path, broken):
    put(tmp_path, "sessions/demo.yaml", broken)
    assert load_session_alone("demo", [tmp_path]) is None
    start = prepare("demo", [tmp_path])  # the whole library: the bundled demo, and the problems
    assert start.load_rest is None and start.script.source == paths.bundled_scripts_dir() / "sessions" / "demo.yaml"
    assert start.library.problems


def test_unknown_ids_paths_and_missing_folders_are_not_read_alone(tmp_path):
    assert load_session_alone("no-such-session") is None
    assert load_session_alone(str(paths.bundled_scripts_dir() / "sessions" / "demo.yaml")) is None
    assert load_session_alone("demo", [tmp_path / "missing"]) is None
    with pytest.raises(LookupError, match="no-such-session"):
        prepare("no-such-session", [])


def test_prepare_leaves_the_rest_of_the_library_for_later():
    start = prepare("demo", [])
    assert start.script == load_library().sessions["demo"]
    assert start.library.sessions == {} and start.load_rest is not None
    assert set(start.load_rest().exercises) == set(load_library().exercises)


async def test_the_console_reads_the_rest_of_the_library_after_its_first_frame(tmp_path):
    from companion.audio.player import SilentPlayer
    from companion.core.clock import FakeClock
    from companion.core.journal.store import JournalStore
    from companion.ui.app import make_app

    start = prepare("demo", [])
    app = make_app(
        start.library,
        store=JournalStore(tmp_path / "journals"),
        script=start.script,
        client_code="K-7",
        clock=FakeClock(1_700_000_000.0),
        player=SilentPlayer(),
        load_rest=start.load_rest,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.id == "session"
        await settled(pilot)  # the first frame is out, and the work that follows it is done
        assert set(app.library.exercises) == set(load_library().exercises)
        assert app.audio.playlists is app.library.playlists and "settling" in app.audio.playlists
        assert app.screen.query_one("#guide")  # the panels, built with the exercises' titles
