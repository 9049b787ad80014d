"""The session screen: everything the therapist needs at a glance, every action one key away."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from companion.audio.director import DISTRESS_FADE, AudioDirector
from companion.core.clock import Clock
from companion.core.timeline import SessionState
from companion.ui import course_link, exercises_link
from companion.ui.keymap import DeclaredOrder
from companion.ui.screens.session_keys import SESSION_ACTIONS, SESSION_BINDINGS
from companion.ui.screens.session_sound import SoundKeys
from companion.ui.startup import after_first_frame, size_classes
from companion.ui.timefmt import wall_text
from companion.ui.widgets.client_screen import ClientScreenMark
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
    from companion.ui.app import CompanionApp
    from companion.ui.widgets.audio_panel import AudioPanel

ADJUST_STEP = 300.0  # + and - move the phase's end by five minutes
NOTE_LIMIT = 10_000  # characters; the prompt counts down the last of them
NOTICES_SHOWN_FOR = 300.0  # seconds the notes about a resume stay on screen
FIRST_FRAME_VIEWS = (PhaseHeader, TimelineBar, DoseClock, PhaseClock, DueReminder)
PANEL_IDS = ("guide", "vitals", "notes", "clinical")


class SessionScreen(SoundKeys, DeclaredOrder, Screen[None]):
    """Shows SessionState; turns keys into session events. Holds no session state of its own.

    `show_state` is the one place that follows a change: it reads the state, tells the audio
    director (music, chimes) what changed, and redraws. Reading alone (`session.state()`)
    never has an effect.
    """

    HORIZONTAL_BREAKPOINTS = [(0, "-tiny-w"), (60, "-narrow"), (110, "-wide"), (160, "-vast")]
    VERTICAL_BREAKPOINTS = [(0, "-tiny-h"), (16, "-short"), (30, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = list(SESSION_BINDINGS)

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
        self.add_class(*size_classes(self, self.app.size), update=False)
        self.session = session
        self.audio = audio
        self.clock = clock
        self.client_code = client_code
        self.rehearsal_speed = rehearsal_speed
        self.notices = notices
        self.real_time = real_time
        self.state: SessionState | None = None  # the state last shown
        self._complete = False  # True once the panels and footer are mounted after the first frame
        self._views: tuple[Any, ...] = ()

    @property
    def console(self) -> CompanionApp:
        return cast("CompanionApp", self.app)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The first frame: where the session stands (phase, time left, time since dose, a due reminder).

        The panels and the footer follow shortly after it (`startup.after_first_frame`).
        """
        yield TooSmall()
        with Vertical(id="console"):
            yield StatusLine(self.client_code, self.rehearsal_speed, id="status")
            yield ClientScreenMark(lambda: self.session.writer.path, id="client-screen")
            yield JournalWarning(id="journal-warning")
            if self.notices:
                yield Static(Content("\n".join(self.notices)), id="notices")
            yield PhaseHeader(id="phase")
            yield TimelineBar(id="timeline")
            with Horizontal(id="clocks"):
                yield PhaseClock(id="phase-clock")
                yield DoseClock(id="dose-clock")
            yield DueReminder(id="due")

    def _the_rest(self) -> list[Widget]:
        from companion.ui.widgets.audio_panel import AudioPanel
        from companion.ui.widgets.guide_panel import GuideBox, GuidePanel
        from companion.ui.widgets.notes_panel import NotesPanel
        from companion.ui.widgets.vitals_panel import VitalsPanel

        exercises = {name: exercise.title for name, exercise in self.console.library.exercises.items()}
        panels = Horizontal(
            GuideBox(GuidePanel(exercises, id="guide"), id="guide-box"),
            Vertical(VitalsPanel(id="vitals"), AudioPanel(id="audio"), NotesPanel(id="notes"), id="side"),
            id="panels",
        )
        from companion.ui.widgets.clinical_line import ClinicalLine

        return [ClinicalLine(id="clinical"), NextReminder(id="next-reminder"), panels]

    async def _mount_the_rest(self) -> None:
        from companion.ui.widgets.footer import Footer

        self.console.complete_library()  # first: the guide lists its exercises
        self.console.ensure_player()
        await self.query_one("#console", Vertical).mount_all(self._the_rest())
        await self.mount(Footer(compact=True))
        if not all(self.query(f"#{name}") for name in ("panels", "audio", *PANEL_IDS)):
            return  # the console is closing meanwhile (q straight after the start): panels go first
        self.refresh_bindings()  # a footer mounted on an active screen waits for news of the keys
        self._complete = True
        self._views = self._find_views()
        self.show_state()
        course_link.at_arrival(self)

    def _find_views(self) -> tuple[Any, ...]:
        """The widgets drawn from the state alone, looked up once rather than every second."""
        views: list[Any] = [self.query_one(kind) for kind in FIRST_FRAME_VIEWS]
        if self._complete:
            views.append(self.query_one(NextReminder))
            views += [self.query_one(f"#{name}") for name in PANEL_IDS]
        return tuple(views)

    def on_mount(self) -> None:
        self._audio_timer = self.set_interval(0.25, self._update_audio, pause=True)
        self._views = self._find_views()
        self.show_state()
        after_first_frame(self, self._mount_the_rest)
        if self.notices:
            self.set_timer(NOTICES_SHOWN_FOR, self.hide_notices)
        speed = self.rehearsal_speed or 1.0
        self.set_interval(1.0 if speed <= 1 else 0.25, self.tick)

    def hide_notices(self) -> None:
        for notices in self.query("#notices"):
            notices.display = False

    # -- the tick -------------------------------------------------------------------------

    def tick(self) -> None:
        # The disk may be back, the journal's file gone, the wall clock stepped: said once each.
        for notice in self.session.check():
            self.notify(notice, timeout=15)
        course_link.follow_lengths(self)
        self.show_state()
        if not self.audio.fading:
            self.audio.update()

    def _update_audio(self) -> None:
        self.audio.update()
        if not self.audio.fading:
            self._audio_timer.pause()
        self._show_audio()

    def audio_changed(self) -> None:
        """Something asked the player for a fade: update it briskly until the fade is over."""
        for change in self.audio.take_changes():  # every music change goes in the journal
            self.session.music_changed(**change)  # type: ignore[arg-type]
        self._audio_timer.resume()
        self._show_audio()

    def show_state(self) -> SessionState:
        """Read the state, let the music and chimes follow what changed, and draw it."""
        previous, state = self.state, self.session.state()
        self.state = state
        if self.audio.follow(previous, state):
            self.audio_changed()
        # A rehearsal has one clock, its own: the top line shows the time the reminders and the
        # dose are reckoned in, beside the REHEARSAL mark.
        shown_time = state.now if self.rehearsal_speed else self.real_time()
        self.query_one(StatusLine).render_state(state, shown_time)
        self.query_one(JournalWarning).render_problem(self.session.write_problem)
        for view in self._views:
            view.render_state(state)
        self._show_audio()
        return state

    def _show_audio(self) -> None:
        if not self._complete:
            return
        panel = cast("AudioPanel", self.query_one("#audio"))
        panel.render_audio(
            self.audio.now_playing,
            self.audio.shown_volume,
            self.audio.shown_muted,
            self.audio.notice,
            audible=self.audio.audible,
            held_quiet=self.audio.held_quiet,
            depth=self.audio.depth,
            layers=self.audio.layers,
        )
        fault = self.audio.new_fault()
        if fault:  # the panel keeps saying it; the toast only tells that it just happened
            self.notify(fault, title="Sound", severity="warning", timeout=10, markup=False)

    # -- keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SESSION_ACTIONS and self.state is not None and self.state.ended:
            return None  # shown greyed out in the footer
        return True

    def _record(self, fn: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        fn(*args, **kwargs)
        self.show_state()

    def action_toggle_pause(self) -> None:
        state = self.session.state()
        self._record(self.session.resume_clock if state.paused else self.session.pause)

    @work(exclusive=True, group="dialog")
    async def action_next_phase(self) -> None:
        from companion.ui.dialogs.confirm import ConfirmDialog

        state = self.session.state()
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
        if self.session.state().phase_index == 0:
            self.notify("This is the first phase.")
            return
        self._record(self.session.previous_phase)

    def action_extend(self) -> None:
        self._record(self.session.adjust, ADJUST_STEP)

    def action_shorten(self) -> None:
        self._record(self.session.adjust, -ADJUST_STEP)

    def action_acknowledge(self) -> None:
        state = self.session.state()
        if not state.reminders_due:
            self.notify("No reminder is due.")
            return
        reminder = state.reminders_due[0].reminder
        if reminder.assessment:  # done by filling it in: the form opens
            self._assessment_worker(reminder.assessment, reminder.id)
            return
        self._record(self.session.acknowledge, reminder.id)

    @work(exclusive=True, group="dialog")
    async def _assessment_worker(self, assessment_id: str | None = None, reminder_id: str = "") -> None:
        from companion.ui import clinical_link

        self.console.complete_library()
        if assessment_id is None:
            await clinical_link.pick_assessment(self.console, self.session, self.show_state())
        else:
            await clinical_link.open_from_reminder(self.console, self.session, assessment_id, reminder_id)
        self.show_state()

    def action_assessment(self) -> None:
        self._assessment_worker()

    def action_adverse_event(self) -> None:
        self.console.hold_keys()
        self._adverse_worker()

    @work(exclusive=True, group="dialog")
    async def _adverse_worker(self) -> None:
        from companion.ui import clinical_link

        await clinical_link.record_adverse_event(self.console, self.session, self.show_state())
        self.show_state()

    @work(exclusive=True, group="dialog")
    async def action_medicines(self) -> None:
        from companion.ui import clinical_link

        await clinical_link.ask_medicines(self.console, self.session, self.show_state())
        self.show_state()

    # d, v and t are priority bindings: they act as the App receives the key, and the keys typed
    # straight after wait for the dialog (`hold_keys`) instead of reaching this screen's own
    # bindings (a quick "t" then "max" would otherwise mute, acknowledge and mark distress).
    def action_dose(self) -> None:
        self.console.hold_keys()
        self._dose_worker()

    @work(exclusive=True, group="dialog")
    async def _dose_worker(self) -> None:
        await self._ask_dose()

    async def _ask_dose(self) -> None:
        from companion.ui.dialogs.dose_form import DoseForm

        state = self.session.state()
        carried = course_link.carried_dose(self, state.script.route)
        entry = await self.app.push_screen_wait(DoseForm(route=state.script.route, now=self.clock.now(), **carried))
        if entry is None:
            return
        self._record(
            self.session.give_dose, entry.amount, entry.unit, entry.route, given_at=entry.given_at, lot=entry.lot
        )

    def action_vitals(self) -> None:
        self.console.hold_keys()
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
            self.session.record_vitals,
            entry.systolic,
            entry.diastolic,
            entry.heart_rate,
            entry.spo2,
            entry.note,
            respiratory_rate=entry.respiratory_rate,
        )

    def action_note(self) -> None:
        self.console.hold_keys()
        self._note_worker()

    @work(exclusive=True, group="dialog")
    async def _note_worker(self) -> None:
        from companion.ui.dialogs.text_prompt import TextPrompt

        text = await self.app.push_screen_wait(
            TextPrompt(
                "Note",
                "What happened? The time is added for you.",
                placeholder="a note",
                max_length=NOTE_LIMIT,
                prompt_id="note",
            )
        )
        if text:
            self._record(self.session.add_note, text)
            if not self._notes_in_view():
                self.notify(f"Note kept, {wall_text(self.clock.now())}.", timeout=4, markup=False)

    def _notes_in_view(self) -> bool:
        """False when the notes panel is not on screen (a window too small): the note needs a word."""
        notes = self.query("#notes")
        return bool(notes) and notes.first().display and notes.first().region.area > 0

    @work(exclusive=True, group="dialog")
    async def action_checklist(self) -> None:
        from companion.ui.dialogs.checklist import ChecklistDialog

        state = self.session.state()
        if not state.phase.checklist:
            self.notify("This phase has no checklist.")
            return

        def record(item: str, done: bool) -> None:
            self.session.tick(item, done)
            self.show_state()

        await self.app.push_screen_wait(
            ChecklistDialog(
                state.phase.title, state.phase.checklist, state.checklist.get(state.phase.id, frozenset()), record
            )
        )
        self.show_state()

    @work(exclusive=True, group="dialog")
    async def action_exercise(self) -> None:
        self.console.complete_library()  # a key pressed in the first instants, before it was read
        exercise_id = await exercises_link.pick(self.console, self.session.state())
        if exercise_id:
            await exercises_link.run(self.console, self.session, exercise_id, self.audio)
        self.show_state()

    @work(exclusive=True, group="dialog")
    async def action_distress(self) -> None:
        self.show_state()  # follow a phase change first, or its music would start after the fade
        self.audio.distress(DISTRESS_FADE)
        self.audio_changed()
        self._record(self.session.mark_distress, "")
        self.console.complete_library()  # a key pressed in the first instants, before it was read
        exercise_id = exercises_link.first_for(self.session.state(), self.console.library.exercises)
        if exercise_id is None:
            self.notify("Music fading to silence. No grounding exercise is installed.")
            return
        await exercises_link.run(self.console, self.session, exercise_id, self.audio)
        self.show_state()

    @work(exclusive=True, group="dialog")
    async def action_client_notes(self) -> None:
        await course_link.open_notes(self)

    def action_keys(self) -> None:
        from companion.ui.dialogs.keys import KeysDialog
        from companion.ui.keymap import shown_bindings

        self.app.push_screen(KeysDialog(shown_bindings(self)))

    @work(exclusive=True, group="dialog")
    async def action_end_session(self) -> None:
        from companion.ui import clinical_link

        # The discharge gate: what the script requires and is missing, then the question.
        if not await clinical_link.confirm_end(self.console, self.session, self.show_state()):
            return
        self._record(self.session.end)
        await self.console.offer_report(self.session)

    @work(exclusive=True, group="dialog")
    async def action_quit_console(self) -> None:
        from companion.ui.dialogs.confirm import ConfirmDialog

        state = self.session.state()
        self.session.retry_writes()
        if self.session.unwritten:  # never "saved" when it is not
            from companion.ui.dialogs.unwritten import close_with_unwritten

            if not await close_with_unwritten(self, self.session):
                return
        elif not state.ended and not await self.app.push_screen_wait(
            ConfirmDialog(
                "Close the console",
                "Close the console? Everything is already saved in the journal, and "
                "companion resume picks the session up where it is.",
                yes="Close",
                no="Stay",
            )
        ):
            return
        self.console.close_gently()
