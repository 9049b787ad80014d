"""The session screen: everything the therapist needs at a glance, every action one key away."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import ScreenResume
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from companion.audio.director import VOLUME_STEP, AudioDirector
from companion.core.clock import Clock
from companion.core.timeline import SessionState
from companion.ui import exercises_link
from companion.ui.timefmt import wall_text
from companion.ui.widgets.dose_clock import DoseClock
from companion.ui.widgets.journal_warning import JournalWarning
from companion.ui.widgets.phase_clock import PhaseClock
from companion.ui.widgets.phase_header import PhaseHeader
from companion.ui.widgets.reminders import DueReminder, NextReminder
from companion.ui.widgets.status_line import StatusLine
from companion.ui.widgets.timeline_bar import TimelineBar
from companion.ui.widgets.too_small import TooSmall

if TYPE_CHECKING:
    from companion.core.session import LiveSession

ADJUST_STEP = 300.0  # + and - move the phase's end by five minutes
NOTICES_SHOWN_FOR = 300.0  # seconds the notes about a resume stay on screen
# After the first frame, a pause before the rest of the library, the panels and pygame: time for
# Textual's output thread to get the frame to the terminal and for its start-up repaint, which
# the main thread's work would otherwise hold back (the panels take about 30 ms to build).
SETTLE_AFTER_FIRST_FRAME = 0.02

# Actions that change the session; refused (and shown disabled) once it has ended.
SESSION_ACTIONS = {
    "toggle_pause",
    "next_phase",
    "previous_phase",
    "extend",
    "shorten",
    "dose",
    "distress",
    "exercise",
    "end_session",
}


class SessionScreen(Screen[None]):
    """Shows SessionState; turns keys into session events. Holds no session state of its own."""

    HORIZONTAL_BREAKPOINTS = [(0, "-tiny-w"), (60, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-tiny-h"), (16, "-short"), (30, "-tall")]

    BINDINGS = [
        Binding(
            "question_mark",
            "keys",
            "Keys",
            key_display="?",
            id="session.keys",
            tooltip="List every key and what it does",
        ),
        Binding(
            "x",
            "distress",
            "Distress",
            id="session.distress",
            tooltip="Fade the music to silence, mark the moment, open a grounding exercise",
        ),
        Binding("space", "toggle_pause", "Pause", id="session.pause", tooltip="Pause or resume the phase clock"),
        Binding("n", "next_phase", "Next", id="session.next", tooltip="Move on to the next phase"),
        Binding("a", "acknowledge", "Done", id="session.acknowledge", tooltip="Mark the due reminder as done"),
        Binding(
            "d", "dose", "Dose", id="session.dose", tooltip="Record the dose (amount, route, time, lot)", priority=True
        ),
        Binding(
            "v",
            "vitals",
            "Vitals",
            id="session.vitals",
            tooltip="Record blood pressure, heart rate, SpO2",
            priority=True,
        ),
        Binding("t", "note", "Note", id="session.note", tooltip="Add a timestamped note", priority=True),
        Binding("c", "checklist", "Checklist", id="session.checklist", tooltip="Tick the phase's checklist"),
        Binding("g", "exercise", "Exercise", id="session.exercise", tooltip="Open a grounding exercise"),
        Binding("b", "previous_phase", "Back", id="session.back", tooltip="Go back to the previous phase"),
        Binding(
            "plus,equals_sign",
            "extend",
            "+5m",
            key_display="+",
            id="session.extend",
            tooltip="Extend this phase by 5 minutes",
        ),
        Binding(
            "minus", "shorten", "-5m", key_display="-", id="session.shorten", tooltip="Shorten this phase by 5 minutes"
        ),
        Binding("m", "mute", "Mute", id="session.mute", tooltip="Mute or unmute the music"),
        Binding(
            "left_square_bracket",
            "volume(-1)",
            "Vol-",
            key_display="[",
            id="session.volume_down",
            tooltip="Lower the music a little",
        ),
        Binding(
            "right_square_bracket",
            "volume(1)",
            "Vol+",
            key_display="]",
            id="session.volume_up",
            tooltip="Raise the music a little",
        ),
        Binding(
            "f",
            "fade_out",
            "Fade",
            id="session.fade",
            tooltip="Fade the music out; after a fade or distress, bring the phase's music back",
        ),
        Binding("D", "toggle_dim", "Dim", id="session.dim", tooltip="Dim the whole screen, or brighten it back"),
        Binding("e", "end_session", "End", id="session.end", tooltip="End the session (then offers the report)"),
        Binding(
            "q",
            "quit_console",
            "Quit",
            id="session.quit",
            tooltip="Close the console; the journal is safe and the session can be resumed",
        ),
    ]

    def __init__(
        self,
        session: LiveSession,
        audio: AudioDirector,
        clock: Clock,
        *,
        client_code: str = "",
        rehearsal_speed: float | None = None,
        notices: tuple[str, ...] = (),
        real_time: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(id="session")
        self.session = session
        self.audio = audio
        self.clock = clock
        self.client_code = client_code
        self.rehearsal_speed = rehearsal_speed
        self.notices = notices
        self.real_time = real_time
        self.state: SessionState | None = None
        self._visit_key: tuple | None = None
        self._chimed: set[str] = set()
        self._complete = False  # True once the panels and footer are mounted after the first frame
        self._resumed_before = False
        self._preset_size_classes()

    def _preset_size_classes(self) -> None:
        """The size classes Textual would add on the first resize, set before the first styling.

        Added after it, they restyle every widget once more before the first frame.
        """
        width, height = self.app.size
        self.add_class(
            *self._get_breakpoint_classes(width, self.HORIZONTAL_BREAKPOINTS),
            *self._get_breakpoint_classes(height, self.VERTICAL_BREAKPOINTS),
        )

    # -- layout ---------------------------------------------------------------------------

    def _on_screen_resume(self, event: ScreenResume) -> None:
        # Textual restyles every widget when a screen becomes current. The first time, each
        # was styled as it mounted a moment before (about 2 ms before the first frame).
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False
        super()._on_screen_resume(event)

    def _screen_resized(self, size: Size) -> None:
        # Textual lays the whole screen out again for every Resize it is sent, even of the size it
        # is already laid out at: at start-up that is three layouts and renders before the first
        # frame (about 4 ms). A real change of size still lays it out.
        if size == self._compositor.size:
            return
        super()._screen_resized(size)

    def compose(self) -> ComposeResult:
        """The first frame: where the session stands (phase, time left, time since dose, a due reminder).

        The panels and the footer follow shortly after it (`_mount_the_rest`): building and styling
        them would otherwise hold back the first frame by a noticeable fraction of a second.
        """
        yield TooSmall()
        with Vertical(id="console"):
            yield StatusLine(self.client_code, self.rehearsal_speed, id="status")
            yield JournalWarning(id="journal-warning")
            if self.notices:
                yield Static(Content("\n".join(self.notices)), id="notices")
            yield PhaseHeader(id="phase")
            yield TimelineBar(id="timeline")
            with Horizontal(id="clocks"):
                yield PhaseClock(id="phase-clock")
                yield DoseClock(id="dose-clock")
            yield DueReminder(id="due")

    def _the_rest(self) -> list:
        from companion.ui.widgets.audio_panel import AudioPanel
        from companion.ui.widgets.guide_panel import GuidePanel
        from companion.ui.widgets.notes_panel import NotesPanel
        from companion.ui.widgets.vitals_panel import VitalsPanel

        panels = Horizontal(
            GuidePanel(self._exercise_titles(), id="guide"),
            Vertical(VitalsPanel(id="vitals"), AudioPanel(id="audio"), NotesPanel(id="notes"), id="side"),
            id="panels",
        )
        return [NextReminder(id="next-reminder"), panels]

    def _exercise_titles(self) -> dict[str, str]:
        library = getattr(self.app, "library", None)
        exercises = getattr(library, "exercises", None) or {}
        return {name: exercise.title for name, exercise in exercises.items()}

    async def _mount_the_rest(self) -> None:
        from companion.ui.widgets.footer import Footer

        await self.query_one("#console", Vertical).mount_all(self._the_rest())
        await self.mount(Footer(compact=True))
        if not all(self.query(f"#{name}") for name in ("panels", "guide", "vitals", "notes", "audio")):
            return  # the console is closing meanwhile (q straight after the start): panels go first
        self.refresh_bindings()  # a footer mounted on an active screen waits for news of the keys
        self._complete = True
        self.__dict__.pop("_state_views", None)
        self.refresh_state()

    async def _after_first_frame(self) -> None:
        self.app.after_first_frame()  # the rest of the library first: the guide lists its exercises
        await self._mount_the_rest()

    def on_mount(self) -> None:
        self._audio_timer = self.set_interval(0.25, self._update_audio, pause=True)
        self.refresh_state(first=True)
        self.app.call_after_refresh(self.set_timer, SETTLE_AFTER_FIRST_FRAME, self._after_first_frame)
        if self.notices:
            self.set_timer(NOTICES_SHOWN_FOR, self.hide_notices)
        speed = self.rehearsal_speed or 1.0
        self.set_interval(1.0 if speed <= 1 else 0.25, self.tick)

    def hide_notices(self) -> None:
        for notices in self.query("#notices"):
            notices.display = False

    # -- the tick -------------------------------------------------------------------------

    def tick(self) -> None:
        if getattr(self.session, "write_problem", None):
            self.session.retry_writes()  # the disk may be back: write what waits, in order
        self.refresh_state()
        if not self.audio.fading:
            self.audio.update()

    def _update_audio(self) -> None:
        self.audio.update()
        if not self.audio.fading:
            self._audio_timer.pause()
        self._show_audio()

    def audio_changed(self) -> None:
        """Something asked the player for a fade: update it briskly until the fade is over."""
        self._audio_timer.resume()
        self._show_audio()

    def refresh_state(self, first: bool = False) -> SessionState:
        state = self.session.state()
        self.state = state
        self._follow_phase(state, first)
        self._chime_new_reminders(state, first)
        self.query_one(StatusLine).render_state(state, self.real_time())
        self.query_one(JournalWarning).render_problem(getattr(self.session, "write_problem", None))
        for view in self._state_views:
            view.render_state(state)
        self._show_audio()
        return state

    @cached_property
    def _state_views(self) -> tuple:
        """The widgets drawn from the state alone, looked up once rather than every second."""
        views = [self.query_one(kind) for kind in (PhaseHeader, TimelineBar, DoseClock, PhaseClock, DueReminder)]
        if self._complete:
            views.append(self.query_one(NextReminder))
            views += [self.query_one(f"#{name}") for name in ("guide", "vitals", "notes")]
        return tuple(views)

    def _show_audio(self) -> None:
        if not self._complete:
            return
        self.query_one("#audio").render_audio(
            self.audio.now_playing,
            self.audio.shown_volume,
            self.audio.shown_muted,
            self.audio.notice,
            audible=self.audio.audible,
            held_quiet=self.audio.held_quiet,
        )
        fault = self.audio.new_fault()
        if fault:  # the panel keeps saying it; the toast only tells that it just happened
            self.notify(fault, title="Sound", severity="warning", timeout=10, markup=False)

    def _follow_phase(self, state: SessionState, first: bool) -> None:
        """A new phase (by key, by itself, or on resume) gets its music."""
        key = (state.phase.id, state.phase_started_at)
        if key == self._visit_key:
            return
        self._visit_key = key
        if state.ended:
            if not first:
                self.audio.fade_out()
                self.audio_changed()
            return
        # Reopened (a resume) after distress in this phase: the music stays silent, as it was.
        quiet = first and bool(state.distress) and state.distress[-1] >= state.phase_started_at
        self.audio.enter_phase(state.phase, silenced=quiet)
        if not first:
            self.audio_changed()

    def _chime_new_reminders(self, state: SessionState, first: bool) -> None:
        """A soft chime when a reminder falls due; those already due on opening are only shown."""
        if first:
            self._chimed = {status.reminder.id for status in state.reminders_due}
            return
        for status in state.reminders_due:
            if status.reminder.id not in self._chimed:
                self._chimed.add(status.reminder.id)
                if status.reminder.chime:
                    self.audio.chime(status.reminder.chime)
                    self.audio_changed()

    # -- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SESSION_ACTIONS and self.state is not None and self.state.ended:
            return None  # shown greyed out in the footer
        return True

    def _record(self, fn, *args, **kwargs) -> None:
        fn(*args, **kwargs)
        self.refresh_state()

    def action_toggle_pause(self) -> None:
        state = self.refresh_state()
        self._record(self.session.resume_clock if state.paused else self.session.pause)

    @work(exclusive=True, group="dialog")
    async def action_next_phase(self) -> None:
        from companion.ui.dialogs.confirm import ConfirmDialog

        state = self.refresh_state()
        if state.next_phase is None:
            self.notify("This is the last phase; e ends the session.", title="Last phase")
            return
        if not state.checklist_complete:
            missing = [
                item for item in state.phase.checklist if item not in state.checklist.get(state.phase.id, frozenset())
            ]
            listed = "\n".join(f"  □ {item}" for item in missing)
            if not await self.app.push_screen_wait(
                ConfirmDialog(
                    "Checklist not complete",
                    f"Not ticked yet:\n{listed}\n\nMove on to {state.next_phase.title} anyway?",
                    yes="Move on",
                    no="Stay",
                )
            ):
                return
        self._record(self.session.next_phase)
        if self.state is not None and self.state.phase.dose and self.state.dose is None:
            await self._ask_dose()

    def action_previous_phase(self) -> None:
        if self.refresh_state().phase_index == 0:
            self.notify("This is the first phase.")
            return
        self._record(self.session.previous_phase)

    def action_extend(self) -> None:
        self._record(self.session.adjust, ADJUST_STEP)

    def action_shorten(self) -> None:
        self._record(self.session.adjust, -ADJUST_STEP)

    def action_acknowledge(self) -> None:
        state = self.refresh_state()
        if not state.reminders_due:
            self.notify("No reminder is due.")
            return
        self._record(self.session.acknowledge, state.reminders_due[0].reminder.id)

    # d, v and t are priority bindings: they act as the App receives the key, and the keys typed
    # straight after wait for the dialog (`hold_keys`) instead of reaching this screen's own
    # bindings (a quick "t" then "max" would otherwise mute, acknowledge and mark distress).
    def action_dose(self) -> None:
        self.app.hold_keys()
        self._dose_worker()

    @work(exclusive=True, group="dialog")
    async def _dose_worker(self) -> None:
        await self._ask_dose()

    async def _ask_dose(self) -> None:
        from companion.ui.dialogs.dose_form import DoseForm

        state = self.refresh_state()
        entry = await self.app.push_screen_wait(DoseForm(route=state.script.route, now=self.clock.now()))
        if entry is None:
            return
        self._record(
            self.session.give_dose, entry.amount, entry.unit, entry.route, given_at=entry.given_at, lot=entry.lot
        )

    def action_vitals(self) -> None:
        self.app.hold_keys()
        self._vitals_worker()

    @work(exclusive=True, group="dialog")
    async def _vitals_worker(self) -> None:
        from companion.ui.dialogs.vitals_form import VitalsForm

        entry = await self.app.push_screen_wait(VitalsForm())
        if entry is None:
            return
        # A reading beyond the protocol's numbers is flagged in the Vitals panel, where it stays;
        # a toast saying the same would only cover the panels.
        self._record(
            self.session.record_vitals, entry.systolic, entry.diastolic, entry.heart_rate, entry.spo2, entry.note
        )

    def action_note(self) -> None:
        self.app.hold_keys()
        self._note_worker()

    @work(exclusive=True, group="dialog")
    async def _note_worker(self) -> None:
        from companion.ui.dialogs.text_prompt import TextPrompt

        text = await self.app.push_screen_wait(
            TextPrompt("Note", "What happened? The time is added for you.", placeholder="a note", prompt_id="note")
        )
        if text:
            self._record(self.session.add_note, text)
            if not self._notes_in_view():
                self.notify(f"Note kept, {wall_text(self.clock.now())}.", timeout=4, markup=False)

    def _notes_in_view(self) -> bool:
        """False when the notes panel is folded away (a short window): the note needs a word."""
        notes = self.query("#notes")
        return bool(notes) and notes.first().display

    @work(exclusive=True, group="dialog")
    async def action_checklist(self) -> None:
        from companion.ui.dialogs.checklist import ChecklistDialog

        state = self.refresh_state()
        if not state.phase.checklist:
            self.notify("This phase has no checklist.")
            return

        def record(item: str, done: bool) -> None:
            self.session.tick(item, done)
            self.refresh_state()

        await self.app.push_screen_wait(
            ChecklistDialog(
                state.phase.title, state.phase.checklist, state.checklist.get(state.phase.id, frozenset()), record
            )
        )
        self.refresh_state()

    @work(exclusive=True, group="dialog")
    async def action_exercise(self) -> None:
        self.app.complete_library()  # a key pressed in the first instants, before it was read
        exercise_id = await exercises_link.pick(self.app, self.refresh_state())
        if exercise_id:
            await exercises_link.run(self.app, self.session, exercise_id, self.audio)
        self.refresh_state()

    @work(exclusive=True, group="dialog")
    async def action_distress(self) -> None:
        self.refresh_state()  # follow a phase change first, or its music would start after the fade
        self.audio.distress(4.0)
        self.audio_changed()
        self._record(self.session.mark_distress, "")
        self.app.complete_library()  # a key pressed in the first instants, before it was read
        exercise_id = exercises_link.first_for(self.refresh_state(), self.app.library.exercises)
        if exercise_id is None:
            self.notify("Music fading to silence. No grounding exercise is installed.")
            return
        await exercises_link.run(self.app, self.session, exercise_id, self.audio)
        self.refresh_state()

    def action_mute(self) -> None:
        self.audio.toggle_mute()
        self.audio_changed()

    def action_volume(self, direction: int) -> None:
        self.audio.change_volume(direction * VOLUME_STEP)
        self.audio_changed()

    def action_fade_out(self) -> None:
        """Fade the music out; when it is held quiet (a fade, distress), fade the phase's music back in."""
        if not self.audio.bring_back():
            self.audio.fade_out()
        self.audio_changed()

    def action_keys(self) -> None:
        from companion.ui.dialogs.keys import KeysDialog

        self.app.push_screen(KeysDialog(self.BINDINGS))

    def action_toggle_dim(self) -> None:
        self.app.theme = "dark-room" if self.app.theme == "dark-room-dim" else "dark-room-dim"

    @work(exclusive=True, group="dialog")
    async def action_end_session(self) -> None:
        from companion.ui.dialogs.confirm import ConfirmDialog

        if not await self.app.push_screen_wait(
            ConfirmDialog(
                "End the session",
                "End the session now? The journal is closed and the timeline stops.",
                yes="End it",
                no="Not yet",
            )
        ):
            return
        self._record(self.session.end)
        await self.app.offer_report(self.session)

    @work(exclusive=True, group="dialog")
    async def action_quit_console(self) -> None:
        from companion.ui.dialogs.confirm import ConfirmDialog

        state = self.refresh_state()
        if not state.ended and not await self.app.push_screen_wait(
            ConfirmDialog(
                "Close the console",
                "Close the console? Everything is already saved in the journal; "
                "`companion resume` picks the session up where it is.",
                yes="Close",
                no="Stay",
            )
        ):
            return
        self.app.close_gently()
