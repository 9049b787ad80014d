"""The client's standing notes on the console: read them (at arrival, or any time with `i`), and
edit them in a form whose fields hold several lines. Saving is the caller's job (course_link)."""

from __future__ import annotations

from dataclasses import fields

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static, TextArea

from companion.core.course.notes import FIELDS, StandingNotes
from companion.ui.dialogs.base import Dialog


class ClientNotesView(Dialog[str | None]):
    """The notes and the last session, read only. Dismissed with "edit" when `e` is pressed."""

    DEFAULT_CSS = """
    ClientNotesView > .box { width: 76; }
    ClientNotesView VerticalScroll { height: auto; max-height: 18; }
    ClientNotesView .label { color: $text-muted; text-style: bold; }
    ClientNotesView .text { margin-bottom: 1; }
    ClientNotesView .last { color: $text-muted; margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("e", "edit", "Edit", id="notes.edit", tooltip="Edit the standing notes"),
        Binding("l", "lengths", "Lengths", id="notes.lengths", tooltip="Plan the phases as long as last time"),
        Binding("enter", "cancel", "Close", show=False),
    ]

    def __init__(self, code: str, notes: StandingNotes, last: str = "", problem: str = "", lengths: str = "") -> None:
        super().__init__(id="client-notes")
        self.code = code
        self.notes = notes
        self.last = last
        self.problem = problem
        self.lengths = lengths  # the last session's phase lengths, in words ("" when none to offer)

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = f"Standing notes: {self.code}"
            if self.last:
                yield Static(Content(self.last), classes="last", id="last-session")
            if self.lengths:
                yield Static(Content(f"Phase lengths last time: {self.lengths}."), classes="last", id="lengths")
            if self.problem:
                yield Static(Content(self.problem), classes="refusal -shown")
            with VerticalScroll():
                if self.notes.empty:
                    yield Static(Content("No standing notes yet."), classes="text", id="no-notes")
                for name, label, text in self.notes.items():
                    yield Label(Content(label), classes="label")
                    yield Static(Content(text), classes="text", id=f"note-{name}")
            keys = "e edits · l plans the phases as long as last time" if self.lengths else "e edits"
            yield Static(f"{keys} · Escape or Enter closes", classes="hint")

    def action_edit(self) -> None:
        self.dismiss("edit")

    def action_lengths(self) -> None:
        if self.lengths:
            self.dismiss("lengths")


class ClientNotesForm(Dialog[StandingNotes | None]):
    """Every field in a small text area; ctrl+s keeps the notes, Escape drops the changes."""

    DEFAULT_CSS = """
    ClientNotesForm > .box { width: 76; }
    ClientNotesForm VerticalScroll { height: auto; max-height: 20; }
    ClientNotesForm TextArea { height: 4; }
    ClientNotesForm .label { color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "keep", "Keep", id="notes.keep", tooltip="Keep the standing notes", priority=True),
    ]

    def __init__(self, code: str, notes: StandingNotes) -> None:
        super().__init__(id="client-notes-form")
        self.code = code
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="box") as box:
            box.border_title = f"Edit standing notes: {self.code}"
            with VerticalScroll():
                for name, label in FIELDS.items():
                    yield Label(Content(label), classes="label")
                    yield TextArea(getattr(self.notes, name), id=f"edit-{name}", tab_behavior="focus")
            yield Static("Tab moves on · ctrl+s keeps them · Escape drops the changes", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        for area in self.query(TextArea):
            area.cursor_blink = False
        self.query_one(f"#edit-{fields(StandingNotes)[0].name}", TextArea).focus()

    def action_keep(self) -> None:
        values = {name: self.query_one(f"#edit-{name}", TextArea).text.strip() for name in FIELDS}
        self.dismiss(StandingNotes(**values))
