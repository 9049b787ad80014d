"""`companion resume [ID]`: reopen an unfinished session (the latest when no id is given)."""

from __future__ import annotations

import argparse
import sys

from companion.commands.run import rehearsal_store
from companion.core.journal.reading import latest_unfinished
from companion.core.journal.store import JournalError, JournalStore, SessionSummary


def find_session(session_id: str | None, stores: list[JournalStore]) -> SessionSummary | str:
    """The session to resume, or a plain sentence saying why there is none."""
    summaries = [summary for store in stores for summary in store.list_sessions()]
    if session_id is None:
        latest = latest_unfinished(summaries)
        return latest if latest is not None else "There is no unfinished session to resume."
    for summary in summaries:
        if summary.session_id == session_id:
            if summary.finished:
                return f"The session {session_id} has ended; `companion report {session_id}` writes its summary."
            return summary
    try:
        stores[0].path_for(session_id)
    except JournalError as error:
        return str(error)
    return f"No session {session_id!r} was found; `companion sessions` lists them."


def run(args: argparse.Namespace) -> int:
    stores = [JournalStore(), rehearsal_store()]
    found = find_session(args.session, stores)
    if isinstance(found, str):
        print(f"companion resume: {found}", file=sys.stderr)
        return 1
    from companion.core.scripts.library import load_library
    from companion.ui.app import make_app

    library = load_library(args.scripts)
    app = make_app(
        library,
        store=stores[0],
        rehearsal_store=stores[1],
        resume=found,
        offer_resume=False,
        extra_dirs=args.scripts,
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
