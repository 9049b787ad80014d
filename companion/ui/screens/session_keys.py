"""The session screen's keys: one Binding each, with a stable id (for remapping) and a tooltip.

Kept apart from the screen so the screen's module holds what it does, and this one what
the therapist presses; the `?` list and the command palette are built from these.
"""

from __future__ import annotations

from textual.binding import Binding

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

SESSION_BINDINGS: list[Binding] = [
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
    Binding(
        "a",
        "acknowledge",
        "Done",
        id="session.acknowledge",
        tooltip="Mark the due reminder as done (an assessment's reminder opens its form)",
    ),
    Binding(
        "d", "dose", "Dose", id="session.dose", tooltip="Record the dose (amount, route, time, lot)", priority=True
    ),
    Binding(
        "v",
        "vitals",
        "Vitals",
        id="session.vitals",
        tooltip="Record blood pressure, heart rate, SpO2, respiratory rate",
        priority=True,
    ),
    Binding("t", "note", "Note", id="session.note", tooltip="Add a timestamped note", priority=True),
    Binding("c", "checklist", "Checklist", id="session.checklist", tooltip="Tick the phase's checklist"),
    Binding(
        "i",
        "client_notes",
        "Client notes",
        id="session.client_notes",
        tooltip="The client's standing notes",
        show=False,
    ),
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
    Binding("s", "assessment", "Assess", id="session.assessment", tooltip="Open an assessment (PHQ-9, MOAA/S...)"),
    Binding(
        "r",
        "adverse_event",
        "Adverse event",
        id="session.adverse",
        tooltip="Record an adverse event, or correct one",
        priority=True,
        show=False,
    ),
    Binding(
        "M", "medicines", "Medicines", id="session.medicines", tooltip="Ask about concomitant medicines", show=False
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
        "left_curly_bracket",
        "depth(-1)",
        "Depth-",
        key_display="{",
        id="session.depth_down",
        tooltip="Soundscape shallower: its layers thin out over a few seconds",
        show=False,
    ),
    Binding(
        "right_curly_bracket",
        "depth(1)",
        "Depth+",
        key_display="}",
        id="session.depth_up",
        tooltip="Soundscape deeper: more of its layers rise in over a few seconds",
        show=False,
    ),
    Binding(
        "l",
        "layers",
        "Layers",
        id="session.layers",
        tooltip="A soundscape's layers: set each one's level",
        show=False,
    ),
    Binding(
        "f",
        "fade_out",
        "Fade",
        id="session.fade",
        tooltip="Fade the music out; after a fade or distress, bring the phase's music back",
    ),
    Binding("D", "app.toggle_dim", "Dim", id="session.dim", tooltip="Dim the whole screen, or brighten it back"),
    Binding("e", "end_session", "End", id="session.end", tooltip="End the session (then offers the report)"),
    Binding(
        "q",
        "quit_console",
        "Quit",
        id="session.quit",
        tooltip="Close the console; the journal is safe and the session can be resumed",
    ),
]
