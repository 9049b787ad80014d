"""The therapist's console: one App, built by `make_app` for the CLI and the tests alike.

The app decides what to open first (a resume offer, the script picker, or the session) and
owns the long-lived things a screen should not: the library, the journal stores, the session
and the audio. pygame loads only after the first frame is painted.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widgets import Input

from companion.audio.director import AudioDirector
from companion.core.clock import Clock, MonotonicClock
from companion.core.journal.store import JournalError, JournalStore, SessionSummary
from companion.core.scripts.script import SessionScript
from companion.ui.screens.session import SessionScreen
from companion.ui.signals import CloseOnSignal
from companion.ui.theme import THEMES
from companion.ui.timefmt import wall_text

if TYPE_CHECKING:
    from textual.timer import Timer

    from companion.audio.player import Player
    from companion.core.scripts.library import Library
    from companion.core.session import LiveSession
    from companion.ui.messages import PlayerReady, ReportWritten
    from companion.ui.screens.picker import ScriptPicker

ClockFactory = Callable[[float, float], Clock]
HOLD_AT_MOST = 1.0  # seconds keys wait for a dialog that is opening
CLOSING_FADE = 2.0  # seconds the music fades over when the console closes (`q`)
SIGNAL_FADE = 1.0  # and when a shutdown or a closed window asks (SIGTERM, SIGHUP): sooner
DRAIN = 0.6  # after a fade, what the sound device has queued still plays


class CompanionApp(App[int]):
    CSS_PATH = "companion.tcss"
    TITLE = "Session Companion"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        library: Library,
        *,
        store: JournalStore,
        rehearsal_store: JournalStore | None = None,
        script: SessionScript | None = None,
        client_code: str | None = None,
        speed: float = 1.0,
        resume: SessionSummary | None = None,
        offer_resume: bool = True,
        clock_factory: ClockFactory | None = None,
        player: Player | None = None,
        open_player: Callable[[], Player] | None = None,
        real_time: Callable[[], float] = time.time,
        extra_dirs: Iterable[Path] = (),
        load_rest: Callable[[], Library] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.store = store
        self.rehearsal_store = rehearsal_store
        self.script = script
        self.client_code = client_code
        self.speed = speed
        self.resume_summary = resume
        self.offer_resume = offer_resume
        self.clock_factory: ClockFactory = clock_factory or (lambda speed, start: MonotonicClock(speed, start))
        self.real_time = real_time
        self.extra_dirs = tuple(extra_dirs)
        self.session: LiveSession | None = None
        self.audio = AudioDirector(library.playlists, library.chimes, player)
        self._open_player = open_player
        self._load_rest = load_rest
        # Through the app's own queue: the close then runs as any key's action does.
        self._signals = CloseOnSignal(partial(self.call_later, self.close_gently, SIGNAL_FADE), self.audio.fade_out)
        self._fading_to_close = False
        self._unfinished_at_start: SessionSummary | None = None  # found by get_default_screen
        self._held_keys: list[events.Key] | None = None
        self._hold_timer: Timer | None = None
        self.animation_level = "none"  # nothing slides or flashes in a dark room
        self._start_with_theme("dark-room")

    def _start_with_theme(self, name: str) -> None:
        """What `self.theme = name` does, without the full re-parse and restyle of every stylesheet
        it schedules: at start-up nothing is styled yet, so giving the stylesheet the theme's
        variables is enough (about 10 ms before the first frame)."""
        for theme in THEMES:
            self.register_theme(theme)
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        self.update_classes(
            {
                **{c: False for c in self.classes if c.startswith("-theme-")},
                f"-theme-{name}": True,
                "-dark-mode": theme.dark,
                "-light-mode": not theme.dark,
            },
            update=False,
        )
        self.stylesheet.set_variables(self.get_css_variables())

    @property
    def rehearsal_speed(self) -> float | None:
        return self.speed if self.speed != 1.0 else None

    # -- start --------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The session screen itself when there is nothing to ask first (a script and a client
        code given, no unfinished session to offer): one screen to style and lay out before the
        first frame instead of an empty one and then the session's."""
        self._unfinished_at_start = self._unfinished() if self.offer_resume and self.resume_summary is None else None
        if self._starts_at_once():
            self._begin_session(self.script)
            return self._session_screen(())
        return super().get_default_screen()

    def _starts_at_once(self) -> bool:
        return (
            self.resume_summary is None
            and self._unfinished_at_start is None
            and self.script is not None
            and self.client_code is not None
        )

    def on_mount(self) -> None:
        self._signals.install()  # a shutdown, `kill` or a closed window closes it as `q` does
        self._player_requested = self.audio.player is not None
        if self._starts_at_once():  # the session screen is up already (get_default_screen)
            if self._load_rest is None:
                self._mention_library_problems()
            return
        if self.resume_summary is not None:
            self.complete_library()
            self._resume(self.resume_summary)
            return
        self.complete_library()  # the resume question and the script picker need all of it
        resume_collecting()
        self._begin(self._unfinished_at_start)

    def complete_library(self) -> None:
        """Read the rest of the library, when only the session's own script was read to start
        (`load_rest`): the exercises, the playlists for the music that starts after the first
        frame, and any problems in the files, mentioned then."""
        load, self._load_rest = self._load_rest, None
        if load is None:
            return
        self.library = load()
        self.audio.playlists, self.audio.chimes = self.library.playlists, self.library.chimes
        self._mention_library_problems()

    def after_first_frame(self) -> None:
        """What the session screen does not need for its first frame: the rest of the library,
        then the sound device."""
        resume_collecting()
        self.complete_library()
        self.ensure_player()

    def close_gently(self, fade: float = CLOSING_FADE) -> None:
        """Close the console; music still heard fades out first (over `fade` seconds) rather than
        stopping mid-note. Asked again while it fades, it closes at once. (The journal is
        already safe.)"""
        if self._fading_to_close:
            self.exit()
            return
        self._fading_to_close = True
        if not self.audio.heard:
            self.exit()
            return
        self.audio.fade_out(fade)
        self.notify("Closing: the music fades out first.", timeout=fade + DRAIN)
        self.set_timer(fade + DRAIN, self.exit)

    @work(exclusive=True, group="start")
    async def _begin(self, unfinished: SessionSummary | None) -> None:
        if unfinished is not None and await self.push_screen_wait(self._resume_question(unfinished)):
            self._resume(unfinished)
            return
        if self.script is not None:
            self._mention_library_problems()
            await self._start(self.script)
            return
        scripts = sorted(self.library.sessions.values(), key=lambda s: s.title.lower())
        problems = [str(problem) for problem in self.library.problems]
        from companion.ui.screens.picker import ScriptPicker

        await self.push_screen(ScriptPicker(scripts, _default_session_id(), problems, self.rehearsal_speed))

    def _mention_library_problems(self) -> None:
        if self.library.problems:
            count = len(self.library.problems)
            self.notify(
                f"{count} problem(s) in the script files; `companion validate` lists them.", title="Scripts", timeout=8
            )

    async def on_script_picker_chosen(self, message: ScriptPicker.Chosen) -> None:
        self._start_chosen(message.script)

    @work(exclusive=True, group="start")
    async def _start_chosen(self, script: SessionScript) -> None:
        await self._start(script)

    async def _start(self, script: SessionScript) -> None:
        if self.client_code is None:
            from companion.ui.dialogs.text_prompt import TextPrompt

            code = await self.push_screen_wait(
                TextPrompt(
                    "Client code",
                    "A client code for the journal (free text, no name needed). Enter to skip.",
                    placeholder="e.g. K-014",
                    allow_empty=True,
                    max_length=40,
                    prompt_id="client-code",
                )
            )
            self.client_code = code or ""
        self._start_now(script)

    def _start_now(self, script: SessionScript) -> None:
        self._begin_session(script)
        self._show_session(())

    def _begin_session(self, script: SessionScript) -> None:
        from companion.core.session import LiveSession

        store = self.rehearsal_store if self.rehearsal_speed and self.rehearsal_store else self.store
        clock = self.clock_factory(self.speed, time.time())
        self.session = LiveSession.start(
            script,
            store,
            clock,
            client_code=self.client_code or "",
            rehearsal=self.rehearsal_speed is not None,
            speed=self.speed,
        )

    def _unfinished(self) -> SessionSummary | None:
        """The session to offer: a real one for a real run, a rehearsal for a rehearsal.

        (`companion resume` looks in both.)"""
        store = self.rehearsal_store if self.rehearsal_speed else self.store
        found = store.unfinished() if store is not None else []
        return max(found, key=lambda s: s.last_event_at or s.created, default=None)

    def _resume_question(self, summary: SessionSummary) -> Screen[bool]:
        from companion.ui.dialogs.confirm import ConfirmDialog

        started = wall_text(summary.started_at) if summary.started_at else wall_text(summary.created)
        who = f", client {summary.client_code}" if summary.client_code else ""
        kind = "rehearsal" if summary.rehearsal else "session"
        return ConfirmDialog(
            "Unfinished session",
            f"A {kind} of {summary.script_id}{who}, started {time.strftime('%a %d %b', time.localtime(summary.created))}"
            f" at {started}, was not ended.\nResume it now?",
            yes="Resume",
            no="Start another",
        )

    def _resume(self, summary: SessionSummary) -> None:
        from companion.core.session import LiveSession

        try:
            script = self.library.session(summary.script_id)
        except LookupError:
            self.exit(
                return_code=1,
                message=f"The script {summary.script_id!r} of session {summary.session_id} is not in the library.",
            )
            return
        store = self._store_of(summary)
        try:
            self.session = LiveSession.resume(script, store, summary.session_id, clock_factory=self.clock_factory)
        except JournalError as error:
            self.exit(return_code=1, message=str(error))
            return
        header = self.session.header
        if header is not None:
            self.speed = header.speed
        if self.session.events:
            first = self.session.events[0]
            self.client_code = getattr(first, "client_code", "") or ""
        notices = []
        if self.session.script_changed:
            notices.append("The script has changed since this session started; the timeline follows the new text.")
        # The journal's own plain sentences, a torn last line among them.
        notices += [f"From the journal: {problem}" for problem in self.session.problems]
        if self.session.torn and not self.session.problems:
            notices.append("From the journal: the last line was cut short by the crash and was left out.")
        self._show_session(tuple(notices))

    def _store_of(self, summary: SessionSummary) -> JournalStore:
        if self.rehearsal_store is not None and Path(summary.path).parent == self.rehearsal_store.root:
            return self.rehearsal_store
        return self.store

    def _show_session(self, notices: tuple[str, ...]) -> None:
        screen = self._session_screen(notices)
        if self.screen.id == "picker":
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def _session_screen(self, notices: tuple[str, ...]) -> SessionScreen:
        return SessionScreen(
            self.session,
            self.audio,
            self.session.clock,
            client_code=self.client_code or "",
            rehearsal_speed=self.rehearsal_speed,
            notices=notices,
            real_time=self.real_time,
        )

    # -- keys typed while a dialog opens -------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self._held_keys is not None:
            self._held_keys.append(event)
            return
        await super().on_event(event)

    def hold_keys(self) -> None:
        """Keep the keys that arrive from now on until a dialog is ready for them (`release_keys`).

        A dialog takes a moment to open; keys typed meanwhile would otherwise reach the screen
        beneath, where letters are commands. Released at the latest after HOLD_AT_MOST seconds.
        """
        if self._held_keys is None:
            self._held_keys = []
            self._hold_timer = self.set_timer(HOLD_AT_MOST, self.release_keys)

    def release_keys(self) -> None:
        # The timer of an earlier hold must not cut a later one short.
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        # Keys may already wait in the App's queue behind the held ones: keep holding until the
        # queue reaches this point, then replay everything held, in the order it was typed.
        if self._held_keys is not None:
            self.call_later(self._replay_held_keys)

    async def _replay_held_keys(self) -> None:
        held, self._held_keys = self._held_keys, None
        for event in held or ():
            await super().on_event(event)

    # -- audio --------------------------------------------------------------------------------

    def ensure_player(self) -> None:
        """Open the sound device once the first real screen is painted (pygame is slow to load)."""
        if not self._player_requested:
            self._player_requested = True
            self.call_after_refresh(self._player_worker)

    @work(thread=True, exclusive=True, group="player")
    def _player_worker(self) -> None:
        from companion.audio.player import open_player
        from companion.ui.messages import PlayerReady  # here: nothing before the first frame needs it

        player = (self._open_player or open_player)()
        self.post_message(PlayerReady(player))

    def on_player_ready(self, message: PlayerReady) -> None:
        self.audio.attach(message.player)
        if isinstance(self.screen, SessionScreen):
            self.screen.audio_changed()

    # -- the end ------------------------------------------------------------------------------

    async def offer_report(self, session: LiveSession) -> None:
        """After the end: offer the Markdown report (a rehearsal's stays beside its journal)."""
        try:
            from companion.core.report.files import write_report
        except ImportError:
            return
        from companion.ui.dialogs.confirm import ConfirmDialog

        rehearsal = self.rehearsal_speed is not None
        where = "beside the rehearsal journal" if rehearsal else "with your reports"
        if not await self.push_screen_wait(
            ConfirmDialog(
                "Session ended",
                f"Write the session report now (Markdown, saved {where})?",
                yes="Write it",
                no="Later",
            )
        ):
            if not rehearsal:
                self.notify(f"Later: companion report {session.session_id}", timeout=10, markup=False)
            return
        journal = session.writer.path
        output = journal.with_suffix(".md") if rehearsal else None
        self._write_report(journal, output, write_report)

    @work(thread=True, group="report")
    def _write_report(self, journal: Path, output: Path | None, write_report: Callable[..., Path]) -> None:
        from companion.ui.messages import ReportWritten

        try:
            path = write_report(journal, fmt="md", output=output, extra_dirs=self.extra_dirs)
        except Exception as error:  # the session is safe either way; say why in one line
            self.post_message(ReportWritten(None, f"The report could not be written: {error}"))
            return
        self.post_message(ReportWritten(str(path)))

    def on_report_written(self, message: ReportWritten) -> None:
        if message.path:
            self.notify(f"Report written to {message.path}", title="Report", timeout=15, markup=False)
        else:
            self.notify(
                message.problem or "The report could not be written.", severity="warning", timeout=15, markup=False
            )

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()
        self.audio.close()
        self._signals.closed()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Nothing blinks in a dark room: any text field, ours or Textual's own (the command
        # palette), holds its cursor still.
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    # -- the command palette ----------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in screen.BINDINGS:
            if binding.id and binding.description and screen.check_action(binding.action.split("(")[0], ()):
                yield SystemCommand(
                    f"{binding.description} ({binding.key_display or binding.key.split(',')[0]})",
                    binding.tooltip,
                    partial(screen.call_later, screen.run_action, binding.action),
                )


def resume_collecting() -> None:
    """Let the garbage collector run again, if `companion run` paused it for the start-up.

    What start-up built lives as long as the console: frozen, it is left out of every later
    collection, which keeps those short."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _default_session_id() -> str:
    try:
        from companion.core.scripts.library import DEFAULT_SESSION_ID
    except ImportError:
        return "im-standard"
    return DEFAULT_SESSION_ID


def make_app(
    library: Library,
    *,
    store: JournalStore | None = None,
    rehearsal_store: JournalStore | None = None,
    script: SessionScript | None = None,
    client_code: str | None = None,
    speed: float = 1.0,
    resume: SessionSummary | None = None,
    offer_resume: bool = True,
    clock: Clock | None = None,
    player: Player | None = None,
    open_player: Callable[[], Player] | None = None,
    real_time: Callable[[], float] | None = None,
    extra_dirs: Iterable[Path] = (),
    load_rest: Callable[[], Library] | None = None,
) -> CompanionApp:
    """The console. Tests pass a FakeClock and a SilentPlayer; the CLI passes neither.

    With `clock`, every session (new or resumed) runs on that clock and the real-time line
    shows it too, so screenshots are the same on every run.
    `load_rest`: `library` holds only what the first frame needs; this reads the whole of it,
    once the session screen is painted (or at once, for the resume question or the picker).
    """
    clock_factory = (lambda speed, start: clock) if clock is not None else None
    return CompanionApp(
        library,
        store=store or JournalStore(),
        rehearsal_store=rehearsal_store,
        script=script,
        client_code=client_code,
        speed=speed,
        resume=resume,
        offer_resume=offer_resume,
        clock_factory=clock_factory,
        player=player,
        open_player=open_player,
        real_time=real_time or (clock.now if clock is not None else time.time),
        extra_dirs=extra_dirs,
        load_rest=load_rest,
    )
