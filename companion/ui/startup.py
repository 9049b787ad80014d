"""Staged start-up: the first frame shows where the session stands; everything else follows it.

`companion run SCRIPT --client CODE` should show the session at once. The stages, in order:

1. `prepare`: only the named script is read (from the cache of checked scripts when its text
   is unchanged); the rest of the library waits (`Start.load_rest`).
2. The App opens the session screen as its default screen, and that screen composes only the
   top of the console: the phase, its clock, time since dose, a due reminder. It is given its
   width and height classes as it is built (`size_classes`), so the first frame is styled once.
3. `after_first_frame`: once that frame is painted, and after a short pause that lets Textual's
   output thread hand it to the terminal, the rest of the library is read, the panels and the
   footer are mounted, the sound device is opened in a thread (pygame is slow to import), and
   the client's standing notes are looked up (in a thread too).

When there is something to ask first (a resume, the picker), the whole library is read at once.
`bench/bench_console_startup.py` measures stage 2 against a bare Textual app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from textual.geometry import Size
    from textual.screen import Screen

    from companion.core.scripts.library import Library
    from companion.core.scripts.script import SessionScript

# Long enough for the output thread to write the first frame before the main thread takes on
# the panels; short enough that nobody sees the panels arrive late.
SETTLE_AFTER_FIRST_FRAME = 0.02


class Start(NamedTuple):
    """What the console opens with: the library so far, the named script, and how to read the
    rest of the library (None when it is all read already)."""

    library: Library
    script: SessionScript | None
    load_rest: Callable[[], Library] | None = None


def prepare(script_ref: str | None, extra_dirs: list[Path]) -> Start:
    """The library and the named script; raises LookupError as `Library.session` does.

    A script named by id is read alone, and the rest of the library after the first frame.
    """
    from companion.core.scripts.library import Library, load_library, load_session_alone

    if script_ref:
        alone = load_session_alone(script_ref, extra_dirs)
        if alone is not None:
            return Start(Library(), alone, partial(load_library, extra_dirs))
    library = load_library(extra_dirs)
    return Start(library, library.session(script_ref) if script_ref else None)


def after_first_frame(screen: Screen[None], then: Callable[[], Awaitable[None]]) -> None:
    """Run `then` once the screen's first frame is painted and on its way to the terminal."""
    screen.app.call_after_refresh(screen.set_timer, SETTLE_AFTER_FIRST_FRAME, then)


def size_classes(screen: Screen[None], size: Size) -> tuple[str, ...]:
    """The classes a screen's breakpoints give it at `size`, as Textual sets them on a resize: on
    each axis, the class of the highest threshold reached.

    Given to the screen as it is built, they make its first resize change nothing; otherwise
    that resize would style every widget of the first frame a second time.
    """
    app = screen.app
    horizontal = app.HORIZONTAL_BREAKPOINTS if screen.HORIZONTAL_BREAKPOINTS is None else screen.HORIZONTAL_BREAKPOINTS
    vertical = app.VERTICAL_BREAKPOINTS if screen.VERTICAL_BREAKPOINTS is None else screen.VERTICAL_BREAKPOINTS
    axes = ((size.width, horizontal or []), (size.height, vertical or []))
    classes = []
    for dimension, breakpoints in axes:
        reached = [(threshold, name) for threshold, name in breakpoints if dimension >= threshold]
        if reached:
            classes.append(max(reached)[1])
    return tuple(classes)
