"""The thin adapter between the session and the Player: which playlist, how loud, which chime.

The console asks for what it wants (a fade, the volume, mute); the music of each phase and the
chime of each reminder follow the session's state (`follow(previous, new)`), so whoever reads
the state never starts a sound by doing so. The director keeps its wish while no player is open
yet (pygame loads after the first frame) and hands it over the moment one is. It imports neither
pygame nor Textual.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.audio.player import Player
    from companion.core.scripts.playlists import Chime, Playlist
    from companion.core.scripts.script import Phase
    from companion.core.timeline import SessionState

SOUND_STOPPED = "The sound stopped after an unexpected fault: the session goes on silently."
VOLUME_STEP = 0.1  # one press of `[` or `]`, in the console and in `companion play`: 2 dB
DEPTH_STEP = 0.1  # one press of `{` or `}`: a soundscape's layers glide over several seconds
DRAIN = 0.6  # seconds: after a fade, what the sound device has queued still plays
DISTRESS_FADE = 4.0  # seconds to silence on the distress key: soon, never a cut
FADE_WINDOW = 12.0  # seconds of brisk player updates after a change: longer than any fade


class AudioDirector:
    def __init__(self, playlists: dict[str, Playlist], chimes: dict[str, Chime], player: Player | None = None) -> None:
        self.playlists = playlists
        self.chimes = chimes
        self.player: Player | None = None
        self._phase: Phase | None = None
        self._silenced = False  # distress or `f`: quiet until the next phase, or `f` again
        self.volume = 0.5
        self.volume_step = VOLUME_STEP  # what `[` and `]` move it by (config.yaml: volume_step)
        self.muted = False
        self.busy_until = 0.0  # monotonic time by which the fades we asked for are over
        self._announced: str | None = None  # the last notice already shown as a passing toast
        self._chimed: set[str] = set()  # reminders that have had their chime: each chimes once
        self._playing: str = ""  # the playlist last asked for ("" for silence)
        self._changes: list[dict[str, str | float]] = []  # music changes the journal has not had yet
        self.depth: float | None = None  # the soundscape's depth as last set, None for plain music
        self._layer_levels: dict[int, float] = {}  # a soundscape's layers set from the Sound panel
        if player is not None:
            self.attach(player)

    # -- the player arrives -----------------------------------------------------------------

    def attach(self, player: Player) -> None:
        self.player = player
        # A notice the player opens with (no device) is a standing fact for the Sound panel,
        # not news: only faults that arise later are announced.
        self._announced = player.notice
        playlists = list(self.playlists.values())
        self._safely(lambda player: player.prepare(playlists))  # measured before they are needed
        if self.muted:
            self._safely(lambda player: player.set_muted(True))
        if self._phase is not None:
            self._follow(self._phase)

    def _safely(self, call: Callable[[Player], None]) -> None:
        """Call the player; a player that fails in a way it did not foresee (a bug, a decoder
        crash) is swapped for a silent one, so the session goes on and the screen says why."""
        if self.player is None:
            return
        try:
            call(self.player)
        except Exception:  # noqa: BLE001 - nothing in the sound may take the session down
            from companion.audio.player import SilentPlayer

            broken, self.player = self.player, SilentPlayer(notice=SOUND_STOPPED)
            try:
                broken.close()
            except Exception:  # noqa: BLE001
                pass

    # -- following the session ---------------------------------------------------------------

    def follow(self, previous: SessionState | None, new: SessionState) -> bool:
        """Music and chimes for a change of state; True when the player was asked for something.

        `previous` is None when the session screen opens (a start or a resume): the phase's music
        starts, silent if distress was marked in this visit of the phase, and reminders already
        due are only shown. After that, a new phase (by key, by itself) gets its music, the end
        fades it out, and a reminder that falls due chimes, once.
        """
        asked = False
        if previous is None or _visit(previous) != _visit(new):
            asked = self._follow_phase(new, first=previous is None)
        if previous is None:
            self._chimed = {status.reminder.id for status in new.reminders_due}
            return asked
        for status in new.reminders_due:
            if status.reminder.id not in self._chimed:
                self._chimed.add(status.reminder.id)
                if status.reminder.chime:
                    self.chime(status.reminder.chime)
                    asked = True
        return asked

    def _follow_phase(self, state: SessionState, first: bool) -> bool:
        if state.ended:
            if first:
                return False
            self.fade_out()
            return True
        quiet = first and bool(state.distress) and state.distress[-1] >= state.phase_started_at
        self.enter_phase(state.phase, silenced=quiet)
        return not first

    # -- what the console asks ---------------------------------------------------------------

    def enter_phase(self, phase: Phase, silenced: bool = False) -> None:
        """The phase's music at the phase's volume (crossfaded by the player), or silence.

        `silenced`: the phase is entered quiet (reopened after distress in it) until the next one.
        """
        self._phase = phase
        self._silenced = silenced
        self.volume = phase.volume
        if self.player is not None:
            self._follow(phase)

    def _follow(self, phase: Phase) -> None:
        if self._silenced:
            volume = self.volume
            self._safely(lambda player: player.set_volume(volume))  # nothing heard; the panel shows the phase's level
        else:
            self._start(phase)

    def _start(self, phase: Phase) -> None:
        """The phase's playlist at the level last set (the phase's own, unless changed since)."""
        self._busy()
        playlist = self.playlists.get(phase.music) if phase.music else None
        volume = self.volume
        if playlist is None:
            self._safely(lambda player: player.stop())
        else:
            self._safely(lambda player: player.play(playlist, volume))
        wanted = playlist.id if playlist is not None else ""
        if wanted != self._playing:
            self._playing = wanted
            self.depth = playlist.depth if playlist is not None and playlist.layered else None
            self._layer_levels = {}
            self._changed("playlist", volume)

    def fade_out(self, seconds: float | None = None) -> None:
        """To silence over `seconds` (default: the playlist's own fade-out), until `bring_back`."""
        self._busy()
        self._silenced = True
        self._safely(lambda player: player.stop(seconds))
        self._changed("fade", seconds or 0.0)
        self._playing = ""  # silent now: music heard again later is a change for the log

    def bring_back(self) -> bool:
        """The phase's music again after a fade or distress, faded in as its playlist says, at the
        level last set. False (and nothing done) when the music is not being held quiet."""
        if not self.held_quiet or self._phase is None:
            return False
        self._silenced = False
        self._start(self._phase)
        return True

    def distress(self, seconds: float = DISTRESS_FADE) -> None:
        self._busy()
        self._silenced = True
        self._safely(lambda player: player.fade_to_silence(seconds))
        self._changed("distress", seconds)
        self._playing = ""

    def toggle_mute(self) -> bool:
        self._busy()
        self.muted = muted = not self.muted
        self._safely(lambda player: player.set_muted(muted))
        self._changed("mute" if muted else "unmute")
        return self.muted

    def change_volume(self, delta: float) -> float:
        self._busy()
        current = self.player.volume if self.player is not None else self.volume
        self.volume = volume = round(max(0.0, min(1.0, current + delta)), 2)
        self._safely(lambda player: player.set_volume(volume))
        self._changed("volume", volume)
        return self.volume

    def change_depth(self, delta: float) -> float | None:
        """A soundscape's depth up or down (its layers glide); None, and nothing done, when the
        music playing has no layers."""
        if self.depth is None:
            return None
        self._busy()
        self.depth = depth = round(max(0.0, min(1.0, self.depth + delta)), 2)
        self._safely(lambda player: player.set_depth(depth))
        self._changed("depth", depth)
        return depth

    def set_layer_level(self, layer: int, level: float) -> None:
        """One layer of the soundscape playing, 0..1 (from the Sound panel)."""
        playlist = self.playlists.get(self._playing)
        if playlist is None or not playlist.layered or not 0 <= layer < len(playlist.tracks):
            return
        self._busy()
        level = round(max(0.0, min(1.0, level)), 2)
        self._layer_levels[layer] = level
        self._safely(lambda player: player.set_layer_level(layer, level))
        self._changed("layer", level, playlist.tracks[layer].title)

    @property
    def layers(self) -> tuple[tuple[str, float], ...]:
        """The soundscape's layers and their levels (empty for plain music or silence)."""
        playlist = self.playlists.get(self._playing)
        if playlist is None or not playlist.layered:
            return ()
        return tuple((t.title, self._layer_levels.get(n, t.level)) for n, t in enumerate(playlist.tracks))

    def _changed(self, change: str, value: float = 0.0, layer: str = "") -> None:
        self._changes.append({"change": change, "playlist": self._playing, "value": float(value), "layer": layer})
        del self._changes[:-200]  # bounded, should nobody take them

    def take_changes(self) -> list[dict[str, str | float]]:
        """The music changes since the last call, for the journal (MusicChanged's fields)."""
        changes, self._changes = self._changes, []
        return changes

    def chime(self, chime_id: str | None) -> None:
        self._busy()
        chime = self.chimes.get(chime_id) if chime_id else None
        if chime is not None:
            self._safely(lambda player: player.chime(chime))

    def _busy(self) -> None:
        self.busy_until = time.monotonic() + FADE_WINDOW

    @property
    def fading(self) -> bool:
        """True while the player needs frequent updates (a fade under way)."""
        if self.player is None:
            return False
        return time.monotonic() < self.busy_until

    # -- what the screen shows ---------------------------------------------------------------

    @property
    def now_playing(self) -> str | None:
        return self.player.now_playing if self.player is not None else None

    @property
    def shown_volume(self) -> float:
        return self.player.volume if self.player is not None else self.volume

    @property
    def shown_muted(self) -> bool:
        return self.player.muted if self.player is not None else self.muted

    @property
    def held_quiet(self) -> bool:
        """The phase has music, but distress or a fade keeps it silent (until the next phase,
        or `bring_back`)."""
        return self._silenced and self._phase is not None and bool(self._phase.music)

    @property
    def heard(self) -> bool:
        """Music, or a fade of it, is coming out of a device right now."""
        player = self.player
        if player is None or not self.audible or player.muted:
            return False
        return player.now_playing is not None

    @property
    def audible(self) -> bool:
        """False once the player is known to have no device (a silent stand-in that says so)."""
        return self.player is None or self.player.available or not self.player.notice

    @property
    def notice(self) -> str | None:
        if self.player is None:
            return None
        return self.player.notice

    def new_fault(self) -> str | None:
        """The player's notice if it arose since the last call (a device lost, a file skipped), once."""
        notice = self.notice
        if notice is None or notice == self._announced:
            return None
        self._announced = notice
        return notice

    def update(self) -> None:
        self._safely(lambda player: player.update())

    def close(self) -> None:
        self._safely(lambda player: player.close())


def _visit(state: SessionState) -> tuple[str, float]:
    """One stay in one phase: going back to a phase is a new visit, with its music again."""
    return (state.phase.id, state.phase_started_at)
