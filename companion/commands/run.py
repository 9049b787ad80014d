"""`companion run [SCRIPT] [--client CODE] [--scripts DIR] [--speed N]`: the therapist's console."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from companion import paths
from companion.core.journal import JournalStore

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
        from companion.core.library import load_library
    except ImportError:
        print("companion: the script library is not available in this build.", file=sys.stderr)
        return None
    return load_library(extra_dirs)


def run(args: argparse.Namespace) -> int:
    speed = float(args.speed)
    if not 0 < speed <= MAX_SPEED:
        print(f"companion run: --speed must be above 0 and at most {MAX_SPEED:g}, got {args.speed}.", file=sys.stderr)
        return 2
    library = load_library_or_explain(args.scripts)
    if library is None:
        return 1
    script = None
    if args.script:
        try:
            script = library.session(args.script)
        except LookupError as error:
            print(f"companion run: {error.args[0] if error.args else error}", file=sys.stderr)
            for problem in library.problems:
                print(f"  {problem}", file=sys.stderr)
            return 2
    from companion.ui.app import make_app

    app = make_app(
        library,
        store=JournalStore(),
        rehearsal_store=rehearsal_store(),
        script=script,
        client_code=args.client,
        speed=speed,
        extra_dirs=args.scripts,
    )
    app.run()
    return app.return_code or 0
