"""`companion display [SESSION] [--serve [--host H] [--port N] [--font-scale X]]`: the client-facing view."""

from __future__ import annotations

import argparse
import sys

from companion.commands.report import session_stores
from companion.core.report.files import ReportError, resolve_journal


def run(args: argparse.Namespace) -> int:
    stores = session_stores()
    if args.session:
        try:
            args.session = str(resolve_journal(args.session, stores))  # a mistyped id should not wait for ever
        except ReportError as error:
            print(f"companion display: {error}", file=sys.stderr)
            return 1
    if args.serve:
        from companion.core.config import display_font_scale
        from companion.display.serve import serve

        scale = display_font_scale() if args.font_scale is None else args.font_scale
        if not 0.5 <= scale <= 3:
            print("companion display: --font-scale must be between 0.5 and 3.", file=sys.stderr)
            return 2
        return serve(args.session, args.host, args.port, args.scripts, stores=stores, scale=scale)
    from companion.display.terminal import make_display

    app = make_display(args.session, extra_dirs=args.scripts, stores=stores)
    app.run()
    return app.return_code or 0
