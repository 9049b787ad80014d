"""`companion report SESSION [--format md|html|json|rems] [-o FILE]`: a session's summary, or its
REMS Patient Monitoring Form (`rems`).

Without -o the report is printed (to paste, or to pipe); with -o it is written owner-only.
"""

from __future__ import annotations

import argparse
import sys

from companion.core.journal.store import JournalStore
from companion.core.report.files import ReportError, report_for, write_report


def session_stores() -> list[JournalStore]:
    """Where sessions are looked up by id: the journals, then the rehearsals."""
    from companion.commands.run import rehearsal_store

    return [JournalStore(), rehearsal_store()]


def run(args: argparse.Namespace) -> int:
    stores = session_stores()
    if args.format in ("pdf", "fhir"):
        from companion.commands.report_exports import export_session

        return export_session(args, stores)
    try:
        if args.output is None:
            sys.stdout.write(report_for(args.session, args.format, extra_dirs=args.scripts, stores=stores))
            return 0
        path = write_report(args.session, args.format, args.output, extra_dirs=args.scripts, stores=stores)
    except ReportError as error:
        print(f"companion report: {error}", file=sys.stderr)
        return 1
    print(f"Report written to {path}", file=sys.stderr)
    return 0
