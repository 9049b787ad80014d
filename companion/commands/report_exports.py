"""`companion report SESSION --format pdf|fhir`: the exports that are not plain text reports.

PDF is the HTML report laid out on pages (WeasyPrint, an optional extra); FHIR is a collection
Bundle of the session. Both are written owner-only. A PDF cannot be sealed like the other
reports, so an encrypted session's PDF is written only where `-o` says, and the command says
that the file is not encrypted.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from companion import paths
from companion.core.journal import crypto
from companion.core.journal.store import JournalStore
from companion.core.report.files import ReportError, load_session_report, write_private
from companion.core.report.model import build_report

EXPORTS = ("pdf", "fhir")


def export_session(args: argparse.Namespace, stores: list[JournalStore]) -> int:
    try:
        return _export(args, stores)
    except ReportError as error:
        print(f"companion report: {error}", file=sys.stderr)
        return 1


def _export(args: argparse.Namespace, stores: list[JournalStore]) -> int:
    from companion.core.report.html import render_html
    from companion.core.report.markdown import render_markdown

    contents, script, exercises, problem = load_session_report(args.session, extra_dirs=args.scripts, stores=stores)
    report = build_report(contents, script, exercises=exercises, generated_at=time.time())
    if problem:  # as the other formats say it: why the script is missing
        report = replace(report, gaps=(*report.gaps, problem))
    session_id = contents.header.session_id or Path(args.session).stem
    output: Path | None = args.output
    if args.format == "fhir":
        from companion.core.report.fhir import render_fhir

        text = render_fhir(report, contents.events, render_markdown(report))
        if output is None:
            sys.stdout.write(text)
            return 0
        if contents.header.encrypted:
            output = Path(f"{output}{crypto.FILE_SUFFIX}")
            try:
                text = crypto.seal_file_text(text).decode("ascii")
            except crypto.PassphraseError as error:
                raise ReportError(f"The export cannot be encrypted: {error}") from None
        write_private(output, text)
        print(f"FHIR Bundle written to {output}", file=sys.stderr)
        return 0
    from companion.core.report.pdf import PdfUnavailable, html_to_pdf

    if contents.header.encrypted and output is None:
        raise ReportError(
            "This session is encrypted and a PDF cannot be: give -o FILE to choose where the unencrypted PDF goes."
        )
    day = report.times.date(report.day) if report.day is not None else "date not recorded"
    try:
        pdf = html_to_pdf(render_html(report), f"Client {report.client_code or '—'}", f"Session {day}")
    except PdfUnavailable as error:
        print(f"companion report: {error}", file=sys.stderr)
        return 1
    if output is None:
        output = paths.ensure_private_dir(paths.reports_dir()) / f"{session_id}.pdf"
    try:
        paths.write_private_file(output, pdf)
    except OSError as error:
        raise ReportError(f"{output}: cannot be written ({error.strerror or error}).") from None
    note = " (not encrypted)" if contents.header.encrypted else ""
    print(f"PDF report written to {output}{note}", file=sys.stderr)
    return 0
