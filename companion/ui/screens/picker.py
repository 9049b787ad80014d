"""Choosing the session script: every script with its route, planned time and phase outline."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from companion.core.scripts.script import SessionScript
from companion.ui.keymap import DeclaredOrder
from companion.ui.safe_text import escape
from companion.ui.timefmt import duration_text, minutes_text
from companion.ui.widgets.footer import Footer
from companion.ui.widgets.too_small import TooSmall

if TYPE_CHECKING:
    from companion.ui.app import CompanionApp


def _listed(heading: str, problems: list[str], most: int = 6) -> list[str]:
    if not problems:
        return []
    lines = [f"[b]{heading}[/]", *(escape(p) for p in problems[:most])]
    if len(problems) > most:
        lines.append(f"[dim]... and {len(problems) - most} more: companion validate lists them all.[/]")
    return lines


def outline(script: SessionScript, width: int = 0) -> str:
    """The preview of one script: route, total time, then each phase with its length and music.

    A phase whose line is wider than `width` columns has its details on an indented second line
    rather than wrapped under its number."""
    lines = [
        f"[b $primary]{escape(script.title)}[/]",
        f"[dim]{escape(script.id)} · route {escape(script.route)} · {minutes_text(script.total_planned)} planned[/]",
    ]
    if script.description:
        lines += ["", escape(script.description)]
    lines.append("")
    for number, phase in enumerate(script.phases, start=1):
        extras = []
        if phase.dose:
            extras.append("dose")
        if phase.vitals:
            extras.append("vitals")
        if phase.advance == "auto":
            extras.append("moves on by itself")
        music = escape(phase.music) if phase.music else "silence"
        tail = f" · {', '.join(extras)}" if extras else ""
        head = f"{number:>2}. {escape(phase.title)}"
        details = f"{duration_text(phase.duration)} · ♪ {music}{tail}"
        if width and len(f"{number:>2}. {phase.title}  {details}") > width:
            lines += [head, f"    [dim]{details}[/]"]
        else:
            lines.append(f"{head}  [dim]{details}[/]")
    return "\n".join(lines)


class ScriptPicker(DeclaredOrder, Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny-w"), (60, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-tiny-h"), (16, "-short"), (30, "-tall")]

    BINDINGS = [
        Binding(
            "enter",
            "start",
            "Start",
            id="picker.start",
            tooltip="Start a session of the highlighted script",
            priority=True,
        ),
        Binding("D", "app.toggle_dim", "Dim", id="picker.dim", tooltip="Dim the whole screen, or brighten it back"),
        Binding("q", "app.quit", "Quit", id="picker.quit", tooltip="Close without starting a session"),
    ]

    class Chosen(Message):
        def __init__(self, script: SessionScript) -> None:
            super().__init__()
            self.script = script

    def __init__(
        self,
        scripts: list[SessionScript],
        selected: str | None,
        problems: list[str],
        rehearsal_speed: float | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        super().__init__(id="picker")
        self.scripts = scripts
        self.selected = selected
        self.problems = problems  # files that could not be used
        self.warnings = warnings or []  # files used, with something to check
        self.rehearsal_speed = rehearsal_speed

    def compose(self) -> ComposeResult:
        yield TooSmall()
        with Vertical(id="console"):
            heading = "Choose the session script   [dim]Enter starts it[/]"
            if self.rehearsal_speed:
                heading = f"[reverse $warning] REHEARSAL x{self.rehearsal_speed:g} [/]  " + heading
            yield Static(heading, id="picker-heading")
            with Horizontal(id="picker-body"):
                yield OptionList(
                    *[
                        Option(
                            f"{escape(s.title)}\n[dim]{escape(s.route)} · {minutes_text(s.total_planned)}[/]", id=s.id
                        )
                        for s in self.scripts
                    ],
                    id="scripts",
                )
                yield Static(id="outline")
            notes = _listed("Some files could not be used:", self.problems)
            notes += _listed("Loaded, with something to check:", self.warnings)
            if notes:
                yield Static("\n".join(notes), id="problems")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.call_after_refresh(cast("CompanionApp", self.app).ensure_player)
        options = self.query_one(OptionList)
        if not self.scripts:
            self.query_one("#outline", Static).update("No session script could be loaded. companion validate says why.")
            return
        ids = [s.id for s in self.scripts]
        options.highlighted = ids.index(self.selected) if self.selected in ids else 0
        options.focus()

    @on(OptionList.OptionHighlighted)
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        script = self._script(event.option.id)
        box = self.query_one("#outline", Static)
        box.update(outline(script, box.content_size.width))

    @on(OptionList.OptionSelected)
    def _choose(self, event: OptionList.OptionSelected) -> None:
        self.post_message(self.Chosen(self._script(event.option.id)))

    def action_start(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        self.post_message(self.Chosen(self._script(option.id)))

    def _script(self, script_id: str | None) -> SessionScript:
        return next(s for s in self.scripts if s.id == script_id)
