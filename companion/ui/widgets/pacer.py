"""BreathingPacer: a soft disc that grows on the in-breath, rests full, shrinks on the out-breath.

Each frame is `pacer_at(pattern, rounds, clock.now() - started_at)`: the animation is read off the
monotonic clock, never accumulated from frame deltas, so it cannot drift. The frame timer runs
only while the pacer can be seen (its screen is the current one, the app is in the foreground,
the widget is displayed) and the breathing is neither held nor done; a new picture is drawn only
when the frame would look different. Off screen it costs nothing.

Knows nothing of sessions or therapists: the client display reuses it as it is.
"""

from __future__ import annotations

import math

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from companion.core.breathing import PacerFrame, pacer_at
from companion.core.clock import Clock, MonotonicClock
from companion.core.scripts.exercises import BreathPattern
from companion.ui.widgets.component_style import component_style

FRAMES_PER_SECOND = 12
SMALLEST = 0.3  # the disc at rest, as a share of its full size: never vanishes
EDGE_LEVELS = 3  # shades on the disc's rim, so its edge looks soft, not stepped
TEXT_ROWS = 3  # a blank row, the word and count, the round
LARGEST = 14.0  # full radius in half-cells at most: a big bright disc is glare in a dark room


class BreathingPacer(Widget):
    """The animated pacer for one breathing pattern repeated `rounds` times from `started_at`."""

    COMPONENT_CLASSES = {
        "breathing-pacer--fill",
        "breathing-pacer--guide",
        "breathing-pacer--word",
        "breathing-pacer--round",
    }

    DEFAULT_CSS = """
    BreathingPacer {
        width: 1fr;
        height: 1fr;
        min-height: 8;
        background: $background;
    }
    BreathingPacer > .breathing-pacer--fill { color: $secondary 70%; }
    BreathingPacer > .breathing-pacer--guide { color: $panel-lighten-1; }
    BreathingPacer > .breathing-pacer--word { color: $foreground; text-style: bold; }
    BreathingPacer > .breathing-pacer--round { color: $foreground 45%; }
    """

    class Finished(Message):
        """The last breath has ended."""

        def __init__(self, pacer: BreathingPacer) -> None:
            super().__init__()
            self.pacer = pacer

    def __init__(
        self,
        pattern: BreathPattern,
        rounds: int,
        *,
        started_at: float | None = None,
        clock: Clock | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.pattern = pattern
        self.rounds = rounds
        self.clock: Clock = clock or MonotonicClock()
        self._started_at = started_at
        self._held: float | None = None  # elapsed seconds frozen by hold()
        self._visible = True
        self._app_suspended = False
        self._finished_sent = False
        self._frame: PacerFrame = pacer_at(pattern, rounds, 0.0)
        self._lines: list[Strip] | None = None
        self._drawn_for: tuple[object, ...] | None = None
        self._styles: dict[tuple[int, int], tuple[str, Style]] = {}
        self._timer: Timer | None = None
        self._ticking = False  # our own record: Textual's Timer does not say whether it runs
        self.frames_drawn = 0
        """How many distinct pictures were drawn: the tests watch it stay still off screen."""

    # -- the time the pacer shows ----------------------------------------------------------

    @property
    def started_at(self) -> float:
        if self._started_at is None:
            self._started_at = self.clock.now()
        return self._started_at

    def elapsed(self) -> float:
        if self._held is not None:
            return self._held
        return self.clock.now() - self.started_at

    @property
    def frame(self) -> PacerFrame:
        return self._frame

    @property
    def held(self) -> bool:
        return self._held is not None

    @property
    def running(self) -> bool:
        """True while the frame timer is ticking."""
        return self._timer is not None and self._ticking

    def restart(self, started_at: float | None = None) -> None:
        """Begin the first breath again at `started_at` (default: now); a hold is kept."""
        self._started_at = self.clock.now() if started_at is None else started_at
        if self._held is not None:
            self._held = 0.0
        self._finished_sent = False
        self._show_now()

    def hold(self, at: float | None = None) -> None:
        """Freeze the breath where it is (pause)."""
        if self._held is None:
            now = self.clock.now() if at is None else at
            self._held = max(0.0, now - self.started_at)
            self._show_now()

    def release(self, at: float | None = None) -> None:
        """Go on from where hold() froze it."""
        if self._held is not None:
            now = self.clock.now() if at is None else at
            self._started_at = now - self._held
            self._held = None
            self._show_now()

    def follow(self, started_at: float, held: float | None = None) -> None:
        """Show the breathing begun at `started_at`, frozen `held` seconds in when given.

        For an owner that keeps the time itself (the exercise screen, a journal reader).
        """
        if (started_at, held) == (self._started_at, self._held):
            self._tick()
            return
        self._started_at = started_at
        self._held = held
        self._finished_sent = False
        self._show_now()

    # -- lifecycle: tick only while seen ---------------------------------------------------

    def on_mount(self) -> None:
        self._timer = self.set_interval(1 / FRAMES_PER_SECOND, self._tick, pause=True)
        self.app.screen_change_signal.subscribe(self, self._on_screen_change)
        self.app.app_suspend_signal.subscribe(self, self._on_app_suspend)
        self.app.app_resume_signal.subscribe(self, self._on_app_resume)
        self.app.theme_changed_signal.subscribe(self, self._on_theme_change)
        self._show_now()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._ticking = False

    def on_show(self, event: events.Show) -> None:
        self._visible = True
        self._show_now()

    def on_hide(self, event: events.Hide) -> None:
        self._visible = False
        self._set_running()

    def _on_screen_change(self, screen: object) -> None:
        self._show_now()

    def _on_app_suspend(self, app: object) -> None:
        self._app_suspended = True
        self._set_running()

    def _on_app_resume(self, app: object) -> None:
        self._app_suspended = False
        self._show_now()

    def _on_theme_change(self, theme: object) -> None:
        self._styles.clear()
        self._drawn_for = None
        self._lines = None
        self.refresh()

    def _on_screen_current(self) -> bool:
        try:
            return self.is_attached and self.screen is self.app.screen
        except Exception:  # not on a screen yet, or the app is closing
            return False

    def _should_run(self) -> bool:
        return (
            self._timer is not None
            and self._visible
            and not self._app_suspended
            and self._held is None
            and self._frame.part != "done"
            and self.display
            and self._on_screen_current()
        )

    def _set_running(self) -> None:
        if self._timer is None:
            return
        self._ticking = self._should_run()
        if self._ticking:
            self._timer.resume()
        else:
            self._timer.pause()

    def _show_now(self) -> None:
        self._tick()
        self._set_running()

    def _tick(self) -> None:
        frame = pacer_at(self.pattern, self.rounds, self.elapsed())
        changed = frame != self._frame
        self._frame = frame
        if changed and self._picture_key() != self._drawn_for:
            self.refresh()
        if frame.part == "done":
            if not self._finished_sent and self.is_mounted:
                self._finished_sent = True
                self.post_message(self.Finished(self))
            self._set_running()

    # -- drawing ---------------------------------------------------------------------------

    def _geometry(self) -> tuple[int, int, int, float, float]:
        """Width, blank rows above, disc rows, full radius and radius now (in half-cell pixels).

        The disc and its words sit together in the middle, whatever the widget's height.
        """
        width, height = self.size
        room = max(1, height - TEXT_ROWS)
        full = max(1.0, min(room - 0.5, width / 2 - 1.0, LARGEST))
        disc_rows = min(room, math.ceil(full + 0.5))
        top = max(0, (height - disc_rows - TEXT_ROWS) // 2)
        radius = full * (SMALLEST + (1 - SMALLEST) * self._frame.size)
        return width, top, disc_rows, full, radius

    def _picture_key(self) -> tuple[object, ...]:
        radius = self._geometry()[-1]
        frame = self._frame
        return (self.size, round(radius * 8), frame.word, frame.count, frame.round)

    def render_line(self, y: int) -> Strip:
        key = self._picture_key()
        if self._lines is None or key != self._drawn_for:
            self._lines = self._draw()
            self._drawn_for = key
            self.frames_drawn += 1
        if 0 <= y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.rich_style)

    def _draw(self) -> list[Strip]:
        width, top, disc_rows, full, radius = self._geometry()
        blank = Strip.blank(width, self.rich_style)
        cx, cy = width / 2, float(disc_rows)
        lines = [blank] * top
        lines += [self._shape_row(row, width, cx, cy, full, radius) for row in range(disc_rows)]
        lines.append(blank)
        frame = self._frame
        word = f"{frame.word}  {frame.count}" if frame.word else ""
        lines.append(self._centred(word, "breathing-pacer--word", width))
        if frame.part == "done" or self.rounds <= 1:
            lines.append(self._centred("", "breathing-pacer--round", width))
        else:
            lines.append(self._centred(f"{frame.round} of {self.rounds}", "breathing-pacer--round", width))
        return lines[: self.size.height]

    def _centred(self, text: str, component: str, width: int) -> Strip:
        style = component_style(self, component)
        text = text[:width]
        left = (width - len(text)) // 2
        segments = [
            Segment(" " * left, self.rich_style),
            Segment(text, style),
            Segment(" " * (width - left - len(text)), self.rich_style),
        ]
        return Strip(segments, width)

    def _shape_row(self, row: int, width: int, cx: float, cy: float, full: float, radius: float) -> Strip:
        segments: list[Segment] = []
        run_key: tuple[int, int] | None = None
        run_length = 0
        top_y = 2 * row + 0.5 - cy
        bottom_y = top_y + 1.0
        reach = full + 1.0
        for column in range(width):
            dx = column + 0.5 - cx
            if abs(dx) > reach or (abs(top_y) > reach and abs(bottom_y) > reach):
                key = (0, 0)
            else:
                key = (_pixel(dx, top_y, full, radius), _pixel(dx, bottom_y, full, radius))
            if key == run_key:
                run_length += 1
                continue
            if run_key is not None:
                segments.append(self._run(run_key, run_length))
            run_key, run_length = key, 1
        if run_key is not None:
            segments.append(self._run(run_key, run_length))
        return Strip(segments, width)

    def _run(self, key: tuple[int, int], length: int) -> Segment:
        cached = self._styles.get(key)
        if cached is None:
            cached = self._styles[key] = self._cell_look(key)
        character, style = cached
        return Segment(character * length, style)

    def _cell_look(self, key: tuple[int, int]) -> tuple[str, Style]:
        background = self.background_colors[1]
        top, bottom = (self._pixel_colour(value, background) for value in key)
        if top == bottom:
            if key[0] == 0:
                return " ", Style(bgcolor=background.rich_color)
            return "█", Style(color=top.rich_color, bgcolor=background.rich_color)
        return "▀", Style(color=top.rich_color, bgcolor=bottom.rich_color)

    def _pixel_colour(self, value: int, background: Color) -> Color:
        """0: background; 1: the faint guide ring; 2..: the disc, from its soft rim to full."""
        if value == 0:
            return background
        guide = background + self.get_component_styles("breathing-pacer--guide").color
        if value == 1:
            return guide
        fill = background + self.get_component_styles("breathing-pacer--fill").color
        level = value - 1  # 1..EDGE_LEVELS
        return background.blend(fill, level / EDGE_LEVELS)


def _pixel(dx: float, dy: float, full: float, radius: float) -> int:
    """What one half-cell pixel shows: see BreathingPacer._pixel_colour."""
    distance = math.hypot(dx, dy)
    cover = radius + 0.5 - distance
    if cover > 0:
        level = min(EDGE_LEVELS, math.ceil(cover * EDGE_LEVELS - 1e-9))
        if level > 0:
            return 1 + level
    if abs(distance - full) < 0.5:
        return 1
    return 0
