"""The small app behind `companion play`: hear a playlist, see what plays, try volume, mute and a
soundscape's depth. The screen is written only when what it shows changes (about once a second
while a track plays), so the preview costs little more than the music itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static

from companion.audio.director import DEPTH_STEP, DRAIN, VOLUME_STEP
from companion.audio.player import Player, open_player
from companion.core.scripts.playlists import Playlist, volume_lufs
from companion.ui.signals import SIGNAL_FADE, CloseOnSignal
from companion.ui.theme import THEMES
from companion.ui.timefmt import clock_text

TICK = 0.5  # seconds between player updates (the feeder thread keeps the sound going)


class PlayApp(App[None]):
    """Plays one playlist until q (with a fade-out) or, with `seconds`, until that time is up."""

    TITLE = "Session Companion: playlist preview"
    CSS = """
    Screen { align: center middle; }
    #panel { width: 64; height: auto; border: round $primary 40%; padding: 1 2; }
    #playlist { color: $primary; text-style: bold; }
    #track, #position, #volume, #depth { margin-top: 1; }
    #notice { margin-top: 1; color: $warning; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "volume(-1)", "Quieter", key_display="["),
        Binding("right_square_bracket", "volume(1)", "Louder", key_display="]"),
        Binding("left_curly_bracket", "depth(-1)", "Shallower", key_display="{"),
        Binding("right_curly_bracket", "depth(1)", "Deeper", key_display="}"),
        Binding("m", "mute", "Mute"),
        Binding("n", "next", "Next track"),
        Binding("q", "quit_gently", "Quit"),
    ]

    def __init__(
        self,
        playlist: Playlist,
        *,
        seconds: float | None = None,
        volume: float = 0.5,
        player_factory: Callable[[float], Player] = open_player,
    ) -> None:
        super().__init__()
        self.playlist = playlist
        self.seconds = seconds
        self.start_volume = volume
        self.volume_step = VOLUME_STEP  # what `[` and `]` move it by (config.yaml: volume_step)
        self.player_factory = player_factory
        self.player: Player | None = None
        self._started = 0.0
        self._leave_at: float | None = None
        self._shown: dict[str, str] = {}  # what each line says now: written again only if it changes
        self._signals = CloseOnSignal(lambda: self.call_later(self._close_on_signal), self._fade_now)

    def compose(self) -> ComposeResult:
        with Vertical(id="panel"):
            yield Static(self.playlist.title, id="playlist")
            yield Static("Starting the sound...", id="track")
            yield Static("", id="position")
            yield Static("", id="volume")
            yield Static("", id="depth")
            yield Static("", id="notice")
        yield Footer()

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = THEMES[0].name
        self._signals.install()
        # Open the device after the first frame: importing pygame takes a moment.
        self.call_after_refresh(self._start)

    def _start(self) -> None:
        self.player = self.player_factory(self.start_volume)
        self.player.play(self.playlist, volume=self.start_volume)
        self._started = time.monotonic()
        self.set_interval(TICK, self._tick)
        self._tick()

    # -- keys --------------------------------------------------------------------------------------

    def action_volume(self, direction: int) -> None:
        if self.player is not None:
            self.player.set_volume(round(self.player.volume + direction * self.volume_step, 2))
            self._show()

    def action_depth(self, direction: int) -> None:
        depth = self.player.depth if self.player is not None else None
        if self.player is not None and depth is not None:
            self.player.set_depth(round(max(0.0, min(1.0, depth + direction * DEPTH_STEP)), 2))
            self._show()

    def action_mute(self) -> None:
        if self.player is not None:
            self.player.set_muted(not self.player.muted)
            self._show()

    def action_next(self) -> None:
        skip = getattr(self.player, "next_track", None)
        if skip is not None:
            skip()

    def action_quit_gently(self) -> None:
        if self.player is None:
            self.exit()
        elif self._leave_at is None:
            self._fade_out(self.playlist.fade_out)
        else:  # a second q: do not make them wait, but still no hard cut
            self._fade_out(0.4)

    def _close_on_signal(self) -> None:
        if self.player is None:
            self.exit()
        elif self._leave_at is None or self._leave_at > time.monotonic() + SIGNAL_FADE + DRAIN:
            self._fade_out(SIGNAL_FADE)

    def _fade_now(self, seconds: float) -> None:
        if self.player is not None:
            self.player.stop(seconds)

    # -- ticking -----------------------------------------------------------------------------------

    def _fade_out(self, fade: float) -> None:
        assert self.player is not None
        self.player.stop(fade)
        self._leave_at = time.monotonic() + fade + DRAIN
        self._write("track", "Fading out...")

    def _tick(self) -> None:
        player = self.player
        if player is None:
            return
        player.update()
        now = time.monotonic()
        if self.seconds is not None and self._leave_at is None:
            fade = min(self.playlist.fade_out, self.seconds / 2)
            if now - self._started >= self.seconds - fade:
                self._fade_out(fade)
        if self._leave_at is not None and now >= self._leave_at:
            player.close()
            self.exit()
            return
        self._show()

    def _show(self) -> None:
        player = self.player
        if player is None:
            return
        if self._leave_at is None:
            title = player.now_playing
            self._write("track", f"Now: {title}" if title else "Nothing is playing.")
        status = getattr(player, "status", None)
        current = status() if status is not None else None
        if current is not None and current.depth is None:
            length = f" / {clock_text(current.length)}" if current.length else ""
            self._write("position", f"{clock_text(current.position)}{length}")
        elif current is not None:
            self._write("position", "  ".join(f"{name} {round(level * 100)}%" for name, level in current.layers))
        level = round(player.volume * 20)
        bar = "#" * level + "." * (20 - level)
        loudness = f"{volume_lufs(player.volume):.0f} LUFS" if player.volume > 0 else "silent"
        muted = "  muted" if player.muted else ""
        self._write("volume", f"Volume [{bar}] {round(player.volume * 100)}% ({loudness}){muted}")
        depth = player.depth
        if depth is not None:
            filled = round(depth * 20)
            self._write("depth", f"Depth  [{'#' * filled}{'.' * (20 - filled)}] {round(depth * 100)}%  {{ }}")
        else:
            self._write("depth", "")
        notice = player.notice or ("" if player.available else "No sound device: nothing is heard.")
        self._write("notice", notice)

    def _write(self, line: str, text: str) -> None:
        if self._shown.get(line) != text:
            self._shown[line] = text
            self.query_one(f"#{line}", Static).update(text)

    def on_unmount(self) -> None:
        if self.player is not None:
            self.player.close()
        self._signals.closed()
