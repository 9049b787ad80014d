"""`companion run [SCRIPT] [--client CODE] [--scripts DIR] [--speed N]`: the therapist's console."""

from __future__ import annotations

import argparse
import sys

from companion import paths
from companion.core.journal.store import JournalStore

MAX_SPEED = 3600.0  # an hour a second is already too fast to read


def rehearsal_store(encrypt: bool = False) -> JournalStore:
    return JournalStore(paths.rehearsal_root(), encrypt=encrypt)


def run(args: argparse.Namespace) -> int:
    speed = float(args.speed)
    if not 0 < speed <= MAX_SPEED:
        print(f"companion run: --speed must be above 0 and at most {MAX_SPEED:g}, got {args.speed}.", file=sys.stderr)
        return 2
    from companion.ui.startup import prepare

    try:
        start = prepare(args.script, args.scripts)
    except LookupError as error:
        print(f"companion run: {error.args[0] if error.args else error}", file=sys.stderr)
        from companion.core.scripts.library import load_library

        for problem in load_library(args.scripts).problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    from companion.ui.app import make_app

    app = make_app(
        start.library,
        store=JournalStore(encrypt=bool(getattr(args, "encrypt", False))),
        rehearsal_store=rehearsal_store(encrypt=bool(getattr(args, "encrypt", False))),
        script=start.script,
        client_code=args.client,
        speed=speed,
        extra_dirs=args.scripts,
        load_rest=start.load_rest,
    )
    from companion.core import config_cache
    from companion.ui.keymap import checked
    from companion.ui.settings import apply_settings

    apply_settings(app, config_cache.load(checked))  # config.yaml: keys, dimming, volume, the report
    from companion.ui.terminal_guard import native_output_to_log

    with native_output_to_log():  # a decoder's complaints go to a log, not over the screen
        app.run()
    if app.unwritten_notice:  # the terminal is back: say where unwritten records went
        print(f"companion: {app.unwritten_notice}", file=sys.stderr)
    return app.return_code or 0
