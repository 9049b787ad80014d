"""The thin adapter between the session and the Player: which playlist, how loud, which chime.

The console asks for what it wants (this phase's music, a chime, a fade); the director keeps
that wish while no player is open yet (pygame loads after the first frame) and hands it over
the moment one is. It never imports pygame itself.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.audio.player import Player
    from companion.core.scripts.playlists import Chime, Playlist
    from companion.core.scripts.script import Phase

SOUND_STOPPED = "The sound stopped after an unexpected fault: the session goes on silently."
VOLUME_STEP = 0.05
FADE_WINDOW = 12.0  # seconds of brisk player updates after a change: longer than any fade


class AudioDirector:
    def __init__(self, playlists: dict[str, Playlist], chimes: dict[str, Chime], player: Player | None = None) -> None:
        self.playlists = playlists
        self.chimes = chimes
        self.player: Player | None = None
        self._phase: Phase | None = None
        self._silenced = False  # distress or `f`: quiet until the next phase, or `f` again
        self.volume = 0.5
        self.muted = False
        self.busy_until = 0.0  # monotonic time by which the fades we asked for are over
        self._announced: str | None = None  # the last notice already shown as a passing toast
        if player is not None:
            self.attach(player)

    # -- the player arrives -----------------------------------------------------------------

    def attach(self, player: Player) -> None:
        self.player = player
        # A notice the player opens with (no device) is a standing fact for the Sound panel,
        # not news: only faults that arise later are announced.
        self._announced = player.notice
        if self.muted:
            self._safely("set_muted", True)
        if self._phase is not None:
            self._follow(self._phase)

    def _safely(self, method: str, *args: object) -> object:
        """Call the player; a player that fails in a way it did not foresee (a bug, a decoder
        crash) is swapped for a silent one, so the session goes on and the screen says why."""
        if self.player is None:
            return None
        try:
            return getattr(self.player, method)(*args)
        except Exception:  # noqa: BLE001 - nothing in the sound may take the session down
            from companion.audio.player import SilentPlayer

            broken, self.player = self.player, SilentPlayer(notice=SOUND_STOPPED)
            try:
                broken.close()
            except Exception:  # noqa: BLE001
                pass
            return None

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
            self._safely("set_volume", self.volume)  # nothing heard; the panel shows the phase's level
        else:
            self._start(phase)

    def _start(self, phase: Phase) -> None:
        """The phase's playlist at the level last set (the phase's own, unless changed since)."""
        self._busy()
        playlist = self.playlists.get(phase.music) if phase.music else None
        if playlist is None:
            self._safely("stop")
        else:
            self._safely("play", playlist, self.volume)

    def fade_out(self, seconds: float | None = None) -> None:
        """To silence over `seconds` (default: the playlist's own fade-out), until `bring_back`."""
        self._busy()
        self._silenced = True
        self._safely("stop", seconds)

    def bring_back(self) -> bool:
        """The phase's music again after a fade or distress, faded in as its playlist says, at the
        level last set. False (and nothing done) when the music is not being held quiet."""
        if not self.held_quiet or self._phase is None:
            return False
        self._silenced = False
        self._start(self._phase)
        return True

    def distress(self, seconds: float = 4.0) -> None:
        self._busy()
        self._silenced = True
        self._safely("fade_to_silence", seconds)

    def toggle_mute(self) -> bool:
        self._busy()
        self.muted = not self.muted
        self._safely("set_muted", self.muted)
        return self.muted

    def change_volume(self, delta: float) -> float:
        self._busy()
        current = self.player.volume if self.player is not None else self.volume
        self.volume = round(max(0.0, min(1.0, current + delta)), 2)
        self._safely("set_volume", self.volume)
        return self.volume

    def chime(self, chime_id: str | None) -> None:
        self._busy()
        chime = self.chimes.get(chime_id) if chime_id else None
        if chime is not None:
            self._safely("chime", chime)

    def _busy(self) -> None:
        self.busy_until = time.monotonic() + FADE_WINDOW

    @property
    def fading(self) -> bool:
        """True while the player needs frequent updates (a fade under way)."""
        if self.player is None:
            return False
        return time.monotonic() < self.busy_until or bool(getattr(self.player, "busy", False))

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
        return player.now_playing is not None or bool(getattr(player, "busy", False))

    @property
    def audible(self) -> bool:
        """False once the player is known to have no device (a silent stand-in that says so)."""
        return self.player is None or bool(getattr(self.player, "available", True)) or not self.player.notice

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
        self._safely("update")

    def close(self) -> None:
        self._safely("close")
