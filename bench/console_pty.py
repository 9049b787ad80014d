"""Helpers for the console benchmarks: run an app in a pseudo-terminal, as a person's terminal would.

Run as a script, it is the child: `python console_pty.py MODE OUT_FILE`, where MODE picks the
app (the console or a bare Textual baseline) and OUT_FILE receives the time of the first frame.
Imported, it offers `Child` to start one and read what it draws.

The first frame is timed where a person sees it, in the terminal: once the app has painted it,
the child queues FRAME_SENT behind it on Textual's output thread, and the parent takes the time
when those bytes arrive, i.e. once the whole frame has reached the terminal. (Time taken in the
child alone would miss a frame still waiting on that thread while the app works on.)
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (100, 30)
FRAME_SENT = "\x1b]0;companion-bench-first-frame\x07"  # an OSC window title: draws nothing


# -- parent side -----------------------------------------------------------------------------


class Child:
    """One app in a pty: write keys to it, wait for its output, read its CPU time."""

    def __init__(self, mode: str, extra_env: dict[str, str] | None = None, size: tuple[int, int] = SIZE) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="companion-bench-")
        self.out = Path(self.tmp.name) / "first-frame"
        env = dict(os.environ)
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        env.update(
            TERM="xterm-256color",
            COMPANION_DATA_DIR=str(Path(self.tmp.name) / "data"),
            COMPANION_CONFIG_DIR=str(Path(self.tmp.name) / "config"),
            COMPANION_CACHE_DIR=str(Path(self.tmp.name) / "cache"),
            TMPDIR=self.tmp.name,
            SDL_AUDIODRIVER="dummy",
            PYGAME_HIDE_SUPPORT_PROMPT="1",
        )
        env.update(extra_env or {})
        self.master, slave = pty.openpty()
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.started = time.time()
        self.process = subprocess.Popen(
            [sys.executable, __file__, mode, str(self.out)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
        )
        os.close(slave)

    def first_frame(self, timeout: float = 30.0) -> float:
        """Seconds from process start to the first frame the child painted reaching the terminal."""
        deadline = time.monotonic() + timeout
        sent = FRAME_SENT.encode()
        seen = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if not ready:
                continue
            try:
                seen = seen[-len(sent) :] + os.read(self.master, 65536)
            except OSError:
                break
            if sent in seen:
                return time.time() - self.started
        raise RuntimeError(f"no first frame within {timeout}s")

    def drain(self, quiet: float) -> int:
        """Read output until nothing arrives for `quiet` seconds; return the bytes read."""
        total = 0
        while True:
            ready, _, _ = select.select([self.master], [], [], quiet)
            if not ready:
                return total
            try:
                total += len(os.read(self.master, 65536))
            except OSError:
                return total

    def press(self, key: bytes, timeout: float = 2.0) -> float:
        """Seconds from writing `key` to the first byte of the screen update it causes."""
        start = time.perf_counter()
        os.write(self.master, key)
        ready, _, _ = select.select([self.master], [], [], timeout)
        elapsed = time.perf_counter() - start
        if not ready:
            raise RuntimeError(f"no screen update within {timeout}s of {key!r}")
        os.read(self.master, 65536)
        return elapsed

    def press_whole(self, key: bytes, quiet: float = 0.25, timeout: float = 5.0) -> float:
        """Seconds from writing `key` to the last byte of the repaint it causes (a repaint of the
        whole screen can arrive in several writes; the first byte alone would flatter it)."""
        start = time.perf_counter()
        os.write(self.master, key)
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            raise RuntimeError(f"no screen update within {timeout}s of {key!r}")
        last = time.perf_counter()
        while ready:
            try:
                os.read(self.master, 65536)
            except OSError:
                break
            last = time.perf_counter()
            ready, _, _ = select.select([self.master], [], [], quiet)
        return last - start

    def cpu_seconds(self) -> float:
        """User + system CPU of the child so far (every thread), from /proc."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self.master)
        self.tmp.cleanup()


# -- child side ------------------------------------------------------------------------------


def _mark_first_frame(app, out: Path, exit_after: bool) -> None:
    """Once the app has painted its screen, queue FRAME_SENT behind the frame and note the time in `out`."""

    def mark() -> None:
        app._driver.write(FRAME_SENT)  # the output thread's queue, behind the frame
        out.write_text(repr(time.time()))
        if exit_after:
            app.exit()

    app.call_after_refresh(mark)


def _bare_label_app(out: Path, exit_after: bool, music: Path | None = None, timer: bool = False):
    from textual.app import App
    from textual.binding import Binding
    from textual.widgets import Label

    class Bare(App):
        BINDINGS = [Binding("space", "count", "Count")]

        def compose(self):
            yield Label("Session Companion")

        def on_mount(self) -> None:
            self.count = 0
            _mark_first_frame(self, out, exit_after)
            if timer:
                self.set_interval(1.0, self.tick)
            if music is not None:
                self.call_after_refresh(self.play)

        def play(self) -> None:
            from pygame import mixer

            mixer.pre_init(44100, -16, 2, 2048)
            mixer.init()
            mixer.music.load(str(music))
            mixer.music.set_volume(0.35)
            mixer.music.play(loops=-1, fade_ms=8000)

        def tick(self) -> None:
            self.query_one(Label).update(time.strftime("%H:%M:%S"))

        def action_count(self) -> None:
            self.count += 1
            self.query_one(Label).update(f"pressed {self.count}")

    return Bare()


def _console_app(out: Path, exit_after: bool, fixed_clock: bool, silent: bool = False):
    sys.path.insert(0, str(ROOT))
    # As `companion run im-standard --client BENCH` does (minus the argument parsing).
    from companion.commands.run import rehearsal_store
    from companion.core.journal.store import JournalStore
    from companion.core.scripts.library import DEFAULT_SESSION_ID
    from companion.ui.app import make_app
    from companion.ui.screens.session import SessionScreen
    from companion.ui.startup import prepare

    start = prepare(DEFAULT_SESSION_ID, [])
    clock = None
    if fixed_clock:
        from companion.core.clock import FakeClock

        clock = FakeClock(time.time())
    app = make_app(
        start.library,
        store=JournalStore(),
        rehearsal_store=rehearsal_store(),
        script=start.script,
        client_code="BENCH",
        clock=clock,
        player=_silent_player() if silent else None,
        load_rest=start.load_rest,
    )
    original = SessionScreen.on_mount

    def on_mount(screen) -> None:
        original(screen)
        _mark_first_frame(app, out, exit_after)

    SessionScreen.on_mount = on_mount
    return app


def _play_app(out: Path, track: Path):
    """`companion play` on one track, as the command builds it."""
    sys.path.insert(0, str(ROOT))
    from companion.core.scripts.playlists import Playlist, Track
    from companion.ui.play_app import PlayApp

    class Preview(PlayApp):
        def on_mount(self) -> None:
            super().on_mount()
            _mark_first_frame(self, out, exit_after=False)

    playlist = Playlist("bench", "Bench", (Track(track, track.stem),), loop=True)
    return Preview(playlist, volume=0.35)


def _run_console_command(out: Path) -> None:
    """`companion run im-standard --client BENCH`, as typed, timed to its session screen's first frame.

    The session screen is patched as its module is imported, by the command itself: importing
    it here first would load Textual before the command does, outside the command's own
    arrangements for start-up (its garbage collector pause among them).
    """
    sys.path.insert(0, str(ROOT))

    def patch(module) -> None:
        original = module.SessionScreen.on_mount

        def on_mount(screen) -> None:
            original(screen)
            _mark_first_frame(screen.app, out, exit_after=True)

        module.SessionScreen.on_mount = on_mount

    sys.meta_path.insert(0, _PatchOnImport("companion.ui.screens.session", patch))
    from companion import cli

    cli.main(["run", "im-standard", "--client", "BENCH"])


class _PatchOnImport:
    """A meta path finder that lets the normal import of `name` happen, then calls `patch` on it."""

    def __init__(self, name: str, patch) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, name, path, target=None):
        if name != self.name:
            return None
        import importlib.util

        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        execute = spec.loader.exec_module

        def exec_module(module) -> None:
            execute(module)
            self.patch(module)

        spec.loader.exec_module = exec_module
        return spec


def _dim_by_theme(app) -> None:
    """The dim key as it was: a switch to a dimmer twin theme, which has Textual parse the
    whole stylesheet again and restyle and redraw every widget of every screen."""
    from textual.theme import Theme

    from companion.ui.theme import DARK_ROOM

    dim = Theme(
        name="dark-room-dim",
        primary="#6e5535",
        secondary="#455854",
        accent="#564f6b",
        warning="#72602f",
        error="#6a453c",
        success="#475c48",
        foreground="#6f6a63",
        background="#060708",
        surface="#0a0b0d",
        panel="#0f1114",
        dark=True,
        luminosity_spread=0.05,
        text_alpha=0.85,
        variables={
            "footer-key-foreground": "#6e5535",
            "reminder-mark": "#8a6a12",
            "text-muted": "#55514b",
            "input-cursor-background": "#4a4238",
            "block-cursor-text-style": "none",
        },
    )
    app.register_theme(dim)

    def toggle_dim() -> None:
        app.theme = DARK_ROOM.name if app.theme == dim.name else dim.name

    app.action_toggle_dim = toggle_dim


def _silent_player():
    from companion.audio.player import SilentPlayer

    return SilentPlayer()


def first_track() -> Path:
    """The first track of the default script's first phase: what both CPU runs play."""
    sys.path.insert(0, str(ROOT))
    from companion.core.scripts.library import DEFAULT_SESSION_ID, load_library

    library = load_library([])
    phase = library.session(DEFAULT_SESSION_ID).phases[0]
    return library.playlists[phase.music].tracks[0].path


def child_main(mode: str, out: Path) -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "0"))
    if mode == "startup-label":
        app = _bare_label_app(out, exit_after=True)
    elif mode == "startup-console":
        _run_console_command(out)
        return
    elif mode == "keys-label":
        app = _bare_label_app(out, exit_after=False)
    elif mode == "keys-console":
        app = _console_app(out, exit_after=False, fixed_clock=True)
    elif mode == "keys-console-theme":
        app = _console_app(out, exit_after=False, fixed_clock=True)
        _dim_by_theme(app)
    elif mode == "cpu-floor":
        app = _bare_label_app(out, exit_after=False, music=Path(os.environ["BENCH_TRACK"]), timer=True)
    elif mode == "cpu-console":
        app = _console_app(out, exit_after=False, fixed_clock=False)
    elif mode == "cpu-console-silent":
        app = _console_app(out, exit_after=False, fixed_clock=False, silent=True)
    elif mode == "play-preview":
        app = _play_app(out, Path(os.environ["BENCH_TRACK"]))
    elif mode == "cpu-bare-timer":
        app = _bare_label_app(out, exit_after=False, timer=True)
    else:
        raise SystemExit(f"unknown mode {mode}")
    if seconds:
        app.call_later(lambda: app.set_timer(seconds, app.exit))
    app.run()


if __name__ == "__main__":
    child_main(sys.argv[1], Path(sys.argv[2]))
