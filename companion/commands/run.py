"""`companion run [SCRIPT] [--client CODE] [--scripts DIR] [--speed N]`: the therapist's console."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from companion import paths
from companion.core.journal.store import JournalStore

if TYPE_CHECKING:
    from companion.core.scripts.library import Library
    from companion.core.scripts.script import SessionScript

MAX_SPEED = 3600.0  # an hour a second is already too fast to read


def rehearsal_root() -> Path:
    """Where rehearsal journals go: a private folder in the temporary directory.

    A folder of that name that is a symlink or belongs to someone else is not ours to write
    into; then rehearsals go beside the real journals instead, still apart from them.
    """
    candidate = Path(tempfile.gettempdir()) / f"session-companion-rehearsal-{os.getuid()}"
    try:
        info = candidate.lstat()
    except FileNotFoundError:
        return candidate
    except OSError:
        return paths.data_dir() / "rehearsals"
    import stat

    if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
        return candidate
    return paths.data_dir() / "rehearsals"


def rehearsal_store() -> JournalStore:
    return JournalStore(rehearsal_root())


def load_library_or_explain(extra_dirs: list[Path]):
    """The library, or None after saying plainly why it could not be read."""
    try:
        from companion.core.scripts.library import load_library
    except ImportError:
        print("companion: the script library is not available in this build.", file=sys.stderr)
        return None
    return load_library(extra_dirs)


class Start(NamedTuple):
    """What the console opens with: the library so far, the named script, and how to read the
    rest of the library (None when it is all read already)."""

    library: Library
    script: SessionScript | None
    load_rest: Callable[[], Library] | None = None


def prepare(script_ref: str | None, extra_dirs: list[Path]) -> Start:
    """The library and the named script; raises LookupError as `Library.session` does.

    A script named by id is read alone, and the rest of the library after the first frame:
    the session screen needs nothing else, and the music starts only after that frame.
    """
    from companion.core.scripts.library import Library, load_library, load_session_alone

    if script_ref:
        alone = load_session_alone(script_ref, extra_dirs)
        if alone is not None:
            return Start(Library(), alone, partial(load_library, extra_dirs))
    library = load_library(extra_dirs)
    return Start(library, library.session(script_ref) if script_ref else None)


def run(args: argparse.Namespace) -> int:
    speed = float(args.speed)
    if not 0 < speed <= MAX_SPEED:
        print(f"companion run: --speed must be above 0 and at most {MAX_SPEED:g}, got {args.speed}.", file=sys.stderr)
        return 2
    # Start-up builds many long-lived objects (Textual's modules, the screen) and no garbage
    # worth collecting: the collector is paused until the console is up, which shows it about
    # 15 ms sooner; the app then freezes what start-up built and collects again
    # (`resume_collecting`).
    gc.disable()
    try:
        return _open_console(args, speed)
    finally:
        gc.enable()


def _open_console(args: argparse.Namespace, speed: float) -> int:
    try:
        start = prepare(args.script, args.scripts)
    except ImportError:
        print("companion: the script library is not available in this build.", file=sys.stderr)
        return 1
    except LookupError as error:
        print(f"companion run: {error.args[0] if error.args else error}", file=sys.stderr)
        for problem in load_library_or_explain(args.scripts).problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    from companion.ui.app import make_app

    app = make_app(
        start.library,
        store=JournalStore(),
        rehearsal_store=rehearsal_store(),
        script=start.script,
        client_code=args.client,
        speed=speed,
        extra_dirs=args.scripts,
        load_rest=start.load_rest,
    )
    app.run()
    return app.return_code or 0
