"""The audio director follows the session's state: phase music and reminder chimes, no screen.

Reading the state starts nothing; `AudioDirector.follow(previous, new)` is told of each change
and asks the player for what it means. These tests fold real events into states with
`compute_state` and watch what a SilentPlayer is asked.
"""

from __future__ import annotations

from console_kit import START, make_library
from script_kit import console_script

from companion.audio.director import AudioDirector
from companion.audio.player import SilentPlayer
from companion.core.events import DistressMarked, DoseGiven, PhaseStarted, SessionEnded, SessionStarted
from companion.core.timeline import compute_state

SCRIPT = console_script()
STARTED = SessionStarted(at=START, script_id=SCRIPT.id)


def director() -> tuple[AudioDirector, SilentPlayer]:
    library = make_library(SCRIPT)
    player = SilentPlayer()
    return AudioDirector(library.playlists, library.chimes, player), player


def state(*events: object, now: float = START + 1):
    return compute_state(SCRIPT, [STARTED, *events], now)  # type: ignore[list-item]


def test_opening_starts_the_phase_music_and_reading_again_asks_nothing() -> None:
    audio, player = director()
    first = state()
    audio.follow(None, first)
    assert player.calls == [("play", "settling", 0.35)]
    assert not audio.follow(first, state(now=START + 5))  # same visit: nothing new
    assert player.calls == [("play", "settling", 0.35)]


def test_a_new_phase_gets_its_music_and_going_back_is_a_new_visit() -> None:
    audio, player = director()
    first = state()
    audio.follow(None, first)
    dosing = state(PhaseStarted(at=START + 60, phase_id="dosing"), now=START + 61)
    assert audio.follow(first, dosing)
    assert player.calls[-1] == ("play", "journey", 0.5)
    back = state(
        PhaseStarted(at=START + 60, phase_id="dosing"),
        PhaseStarted(at=START + 90, phase_id="arrival", move="back"),
        now=START + 91,
    )
    assert audio.follow(dosing, back)
    assert player.calls[-1] == ("play", "settling", 0.35)


def test_a_phase_without_music_stops_it() -> None:
    audio, player = director()
    before = state(PhaseStarted(at=START + 60, phase_id="settle"), now=START + 61)
    audio.follow(None, before)
    after = state(
        PhaseStarted(at=START + 60, phase_id="settle"),
        PhaseStarted(at=START + 70, phase_id="integration"),
        now=START + 71,
    )
    audio.follow(before, after)
    assert player.calls[-1] == ("stop", None)


def test_reopened_after_distress_in_this_phase_the_music_stays_silent() -> None:
    audio, player = director()
    audio.follow(None, state(DistressMarked(at=START + 30), now=START + 40))
    assert ("play", "settling", 0.35) not in player.calls
    assert audio.held_quiet


def test_a_reminder_chimes_once_when_it_falls_due_not_when_found_due_on_opening() -> None:
    dose = DoseGiven(at=START + 100, amount=50, unit="mg", route="IM", given_at=START + 100)
    journey = PhaseStarted(at=START + 100, phase_id="journey")
    before_due = state(journey, dose, now=START + 100 + 2399)
    due = state(journey, dose, now=START + 100 + 2401)
    later = state(journey, dose, now=START + 100 + 2500)

    audio, player = director()
    audio.follow(None, before_due)
    assert audio.follow(before_due, due)
    assert player.calls[-1] == ("chime", "soft-bell")
    assert not audio.follow(due, later)
    assert [c for c in player.calls if c[0] == "chime"] == [("chime", "soft-bell")]

    reopened, player_after = director()
    reopened.follow(None, due)  # a resume with the reminder already due: shown, not chimed
    reopened.follow(due, later)
    assert not [c for c in player_after.calls if c[0] == "chime"]


def test_an_ended_session_opens_without_music() -> None:
    audio, player = director()
    audio.follow(None, state(SessionEnded(at=START + 30), now=START + 40))
    assert player.calls == []


def test_without_a_player_the_wish_waits_for_one() -> None:
    library = make_library(SCRIPT)
    audio = AudioDirector(library.playlists, library.chimes)
    audio.follow(None, state())
    player = SilentPlayer()
    audio.attach(player)
    assert player.calls == [("play", "settling", 0.35)]


def test_a_player_that_breaks_is_swapped_for_a_silent_one_that_says_so() -> None:
    class Broken(SilentPlayer):
        def play(self, playlist, volume=None):  # type: ignore[no-untyped-def]
            raise RuntimeError("decoder crashed")

    library = make_library(SCRIPT)
    audio = AudioDirector(library.playlists, library.chimes, Broken())
    audio.follow(None, state())
    assert isinstance(audio.player, SilentPlayer) and not isinstance(audio.player, Broken)
    assert audio.new_fault() == "The sound stopped after an unexpected fault: the session goes on silently."


def test_every_music_change_is_kept_for_the_journal_and_taken_once() -> None:
    audio, player = director()
    audio.follow(None, state())
    audio.change_volume(0.1)
    audio.toggle_mute()
    assert audio.change_depth(0.1) is None  # plain music: no depth, nothing asked
    audio.fade_out()
    audio.bring_back()
    audio.distress(4.0)
    changes = [(c["change"], c["playlist"], c["value"]) for c in audio.take_changes()]
    assert changes == [
        ("playlist", "settling", 0.35),
        ("volume", "settling", 0.45),
        ("mute", "settling", 0.0),
        ("fade", "settling", 0.0),
        ("playlist", "settling", 0.45),  # brought back: heard again, at the level last set
        ("distress", "settling", 4.0),
    ]
    assert audio.take_changes() == []
    assert not [call for call in player.calls if call[0] == "set_depth"]
