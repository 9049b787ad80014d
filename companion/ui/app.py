"""The therapist's console: one App, built by `make_app` for the CLI and the tests alike.

The app decides what to open first (a resume offer, the script picker, or the session) and
owns the long-lived things a screen should not: the library, the journal stores, the session
and the audio. What loads before and after the first frame is told in `startup.py`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widgets import Input

from companion.audio.director import DRAIN, AudioDirector
from companion.core.journal.in_use import open_elsewhere
from companion.core.journal.reading import latest_unfinished
from companion.core.journal.store import JournalError, JournalStore, SessionSummary
from companion.core.scripts.library import DEFAULT_SESSION_ID
from companion.core.scripts.problems import ScriptError
from companion.core.scripts.script import SessionScript
from companion.ui.dim import DIM_CLASS, set_dimmed
from companion.ui.options import ConsoleOptions
from companion.ui.screens.session import SessionScreen
from companion.ui.signals import SIGNAL_FADE, CloseOnSignal
from companion.ui.theme import THEMES, UNDIMMED
from companion.ui.timefmt import wall_text

if TYPE_CHECKING:
    from textual.timer import Timer

    from companion.core.scripts.library import Library
    from companion.core.session import LiveSession
    from companion.ui.messages import PlayerReady, ReportWritten
    from companion.ui.screens.picker import ScriptPicker

HOLD_AT_MOST = 3.0  # seconds keys wait at most for a dialog that is opening (it is slow on a busy machine)
CLOSING_FADE = 2.0  # seconds the music fades over when the console closes (`q`)
_FORMAT_NAMES = {"md": "Markdown", "html": "HTML", "json": "JSON"}


class CompanionApp(App[int]):
    CSS_PATH = "companion.tcss"
    TITLE = "Session Companion"
    ENABLE_COMMAND_PALETTE = True
    report_format = "md"  # what the end of a session offers to write (config.yaml: report_format)

    def __init__(self, library: Library, options: ConsoleOptions) -> None:
        super().__init__()
        self.library = library
        self.options = options
        self.store: JournalStore = options.store
        self.rehearsal_store = options.rehearsal_store
        self.script = options.script
        self.client_code = options.client_code
        self.speed = options.speed
        self.resume_summary = options.resume
        self.extra_dirs = options.extra_dirs
        self.session: LiveSession | None = None
        self.audio = AudioDirector(library.playlists, library.chimes, options.player)
        self._load_rest = options.load_rest
        self._player_requested = options.player is not None
        # Through the app's own queue: the close then runs as any key's action does.
        self._signals = CloseOnSignal(
            partial(self.call_later, self.close_gently, SIGNAL_FADE), self.audio.fade_out, self._rescue
        )
        self._fading_to_close = False
        self.unwritten_notice: str | None = None  # where unwritten records went, for stderr after exit
        self._unfinished_at_start: SessionSummary | None = None  # found by get_default_screen
        self._open_elsewhere: SessionSummary | None = None  # an unfinished one live in another window
        self._held_keys: list[events.Key] | None = None
        self._hold_timer: Timer | None = None
        self.animation_level = "none"  # nothing slides or flashes in a dark room
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = UNDIMMED

    @property
    def rehearsal_speed(self) -> float | None:
        return self.speed if self.speed != 1.0 else None

    # -- start --------------------------------------------------------------------------------

    def real_time(self) -> float:
        """The wall time the status line shows."""
        return self.options.now()

    def get_default_screen(self) -> Screen[Any]:
        """The session screen itself when there is nothing to ask first (a script and a client
        code given, no unfinished session to offer): one screen to style and lay out before the
        first frame instead of an empty one and then the session's."""
        offer = self.options.offer_resume and self.resume_summary is None
        self._unfinished_at_start = self._unfinished() if offer else None
        if self.script is not None and self._starts_at_once():
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
        if self._open_elsewhere is not None:
            live = self._open_elsewhere
            who = f", client {live.client_code}" if live.client_code else ""
            self.notify(
                f"The session of {live.script_id}{who} is open in another window; this one starts a new session.",
                title="Open elsewhere",
                timeout=12,
                markup=False,
            )
        if self._starts_at_once():  # the session screen is up already (get_default_screen)
            if self._load_rest is None:
                self._mention_library_problems()
            return
        self.complete_library()  # the resume question and the script picker need all of it
        if self.resume_summary is not None:
            self._resume(self.resume_summary)
            return
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
        await self._show_picker()

    async def _show_picker(self) -> None:
        from companion.ui.screens.picker import ScriptPicker

        scripts = sorted(self.library.sessions.values(), key=lambda s: s.title.lower())
        # A file that loaded but names something unknown (a chime, say) is a warning, not an error.
        loaded = {script.source for script in self.library.sessions.values()}
        loaded |= {exercise.source for exercise in self.library.exercises.values()}
        errors = [str(problem) for problem in self.library.problems if problem.file not in loaded]
        warnings = [str(problem) for problem in self.library.problems if problem.file in loaded]
        selected = self.script.id if self.script is not None else DEFAULT_SESSION_ID
        await self.push_screen(ScriptPicker(scripts, selected, errors, self.rehearsal_speed, warnings))

    def _mention_library_problems(self) -> None:
        if self.library.problems:
            count = len(self.library.problems)
            self.notify(
                f"{count} problem(s) in the script files; companion validate lists them.", title="Scripts", timeout=8
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
            if code is None:  # Escape: back to the scripts, and no journal is made
                if self.screen.id != "picker":
                    self.script = script
                    await self._show_picker()
                return
            self.client_code = code
        self._start_now(script)

    def _start_now(self, script: SessionScript) -> None:
        self._begin_session(script)
        self._show_session(())

    def _begin_session(self, script: SessionScript) -> None:
        from companion.core.session import LiveSession

        store = self.rehearsal_store if self.rehearsal_speed and self.rehearsal_store else self.store
        clock = self.options.clock_for(self.speed, time.time())
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
        latest = latest_unfinished(found)
        if latest is not None and open_elsewhere(latest.path):
            # Live in another window: resuming it here would be refused. A new session instead.
            self._open_elsewhere = latest
            return None
        return latest

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
            script: SessionScript | None = self.library.session(summary.script_id)
        except (LookupError, ScriptError):
            script = None  # the journal's own copy of the script is used, when it has one
        store = self._store_of(summary)
        try:
            self.session = LiveSession.resume(script, store, summary.session_id, clock_factory=self.options.clock_for)
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
        if self.session.script_changed and self.session.header is not None and self.session.header.script_text:
            notices.append(
                "The script's file has changed or gone since this session started; "
                "the session goes on as it was planned."
            )
        elif self.session.script_changed:
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
        assert self.session is not None, "a session is begun or resumed before its screen opens"
        return SessionScreen(
            self.session,
            self.audio,
            self.session.clock,
            client_code=self.client_code or "",
            rehearsal_speed=self.rehearsal_speed,
            notices=notices,
            real_time=self.session.clock.now,  # one clock on screen: the session's
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

        player = (self.options.open_player or open_player)()
        self.post_message(PlayerReady(player))

    def on_player_ready(self, message: PlayerReady) -> None:
        self.audio.attach(message.player)
        if isinstance(self.screen, SessionScreen):
            self.screen.audio_changed()

    # -- the end ------------------------------------------------------------------------------

    async def offer_report(self, session: LiveSession) -> None:
        """After the end: offer the Markdown report (a rehearsal's stays beside its journal)."""
        from companion.ui.dialogs.confirm import ConfirmDialog

        rehearsal = self.rehearsal_speed is not None
        where = "beside the rehearsal journal" if rehearsal else "with your reports"
        if not await self.push_screen_wait(
            ConfirmDialog(
                "Session ended",
                f"Write the session report now ({_FORMAT_NAMES.get(self.report_format, self.report_format)}, saved {where})?",
                yes="Write it",
                no="Later",
            )
        ):
            if not rehearsal:
                self.notify(f"Later: companion report {session.session_id}", timeout=10, markup=False)
            return
        journal = session.writer.path
        output = journal.with_suffix(f".{self.report_format}") if rehearsal else None
        self._write_report(journal, output)

    @work(thread=True, group="report")
    def _write_report(self, journal: Path, output: Path | None) -> None:
        from companion.core.report.files import write_report
        from companion.ui.messages import ReportWritten

        try:
            path = write_report(journal, fmt=self.report_format, output=output, extra_dirs=self.extra_dirs)
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

    def _rescue(self) -> str | None:
        """From the signal watchdog's thread, just before the process is cut short."""
        session = self.session
        return session.rescue() if session is not None and session.unwritten else None

    def on_unmount(self) -> None:
        if self.session is not None and not self.session.close():
            self.unwritten_notice = self.session.rescue()  # the command prints it once the terminal is back
        self.audio.close()
        self._signals.closed()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Nothing blinks in a dark room: any text field, ours or Textual's own (the command
        # palette), holds its cursor still.
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    async def action_quit(self) -> None:
        """ctrl+q does what q does: on a live session it asks first."""
        if isinstance(self.screen, SessionScreen):
            await self.screen.run_action("quit_console")
        elif any(isinstance(screen, SessionScreen) for screen in self.screen_stack):
            self.notify("Escape closes this first; then q closes the console.", markup=False)
        else:
            self.close_gently()

    @property
    def dimmed(self) -> bool:
        return self.has_class(DIM_CLASS)

    def action_toggle_dim(self) -> None:
        """`D` on any screen: the whole console dims, or brightens back."""
        set_dimmed(self, not self.dimmed)

    # -- the command palette ----------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The screen's own keys, and nothing of Textual's: its themes would light up a dark room
        and its screenshot would write notes and vitals outside the owner-only folders."""
        from companion.ui.keymap import shown_bindings

        for binding in shown_bindings(screen):
            if binding.id and binding.description and screen.check_action(binding.action.split("(")[0], ()):
                yield SystemCommand(
                    f"{binding.description} ({binding.key_display or binding.key.split(',')[0]})",
                    binding.tooltip,
                    partial(screen.call_later, screen.run_action, binding.action),
                )


def make_app(library: Library, **options: Any) -> CompanionApp:
    """The console. `options` are the fields of ConsoleOptions; tests pass a FakeClock and a
    SilentPlayer, the CLI passes neither."""
    return CompanionApp(library, ConsoleOptions(**options))
