"""`companion course [CODE] [--format text|md|html|json|pdf] [-o FILE]`: a client's course of treatment.

Without a code it lists the clients in the journals, with their session count and last visit.
With one it shows every session of that client in order, in the terminal by default; the other
formats are reports, printed or (with -o, and always for PDF) written owner-only.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from companion import paths
from companion.core.course.codes import file_stem
from companion.core.course.model import Course
from companion.core.journal.store import JournalStore
from companion.core.report.lines import Times

if TYPE_CHECKING:
    from companion.core.scripts.assessments import Assessment

FORMATS = ("text", "md", "html", "json", "pdf")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="a client code (case and spaces do not matter); none lists clients")
    parser.add_argument("--format", choices=FORMATS, default="text", help="text (the terminal) or a report format")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: print; PDF: the reports folder)")


def run(args: argparse.Namespace, stores: list[JournalStore] | None = None) -> int:
    from companion.core.course import model, text

    stores = stores if stores is not None else [JournalStore()]
    times = Times()
    if not args.code:
        sys.stdout.write(text.render_clients(model.list_clients(stores), times, model.unattributed(stores)))
        return 0
    # Only the charts (HTML, PDF) and the JSON give the instruments' bands; otherwise the
    # assessment files are read only when a session holds an assessment its events did not score.
    instruments = _instruments() if args.format in ("html", "pdf", "json") else functools.cache(_instruments)
    # A long course builds some hundred thousand events that hold no cycles: the cycle collector
    # would walk them again and again as they pile up (a twentieth of the time), to free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        course = model.read_course(args.code, stores, instruments, workers=_cores())
    finally:
        if collecting:
            gc.enable()
    if args.format == "pdf":
        return _pdf(course, times, args.output)
    rendered = _render(course, times, args.format)
    if args.output is None:
        sys.stdout.write(rendered)
        return 0
    from companion.core.report.files import ReportError, write_private

    try:
        write_private(args.output, rendered)
    except ReportError as error:
        print(f"companion course: {error}", file=sys.stderr)
        return 1
    print(f"Course written to {args.output}", file=sys.stderr)
    return 0


def _cores() -> int:
    """Processors this process may run on: a long course is read on each of them."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _instruments() -> dict[str, Assessment]:
    """The assessment files (bundled and the user's), for the bands the charts shade."""
    from companion.core.scripts.library import load_library

    try:
        return dict(load_library().assessments)
    except Exception:  # a broken user folder costs the charts their bands, never the course
        return {}


def _render(course: Course, times: Times, fmt: str) -> str:
    from companion.core.course import text

    if fmt == "md":
        return text.render_markdown(course, times)
    if fmt == "html":
        from companion.core.course.html import render_course_html

        return render_course_html(course, times)
    if fmt == "json":
        from companion.core.course.json_course import render_course_json

        return render_course_json(course, times)
    return text.render_terminal(course, times)


def _pdf(course: Course, times: Times, output: Path | None) -> int:
    from companion.core.course.html import render_course_html
    from companion.core.report.pdf import PdfUnavailable, html_to_pdf

    dated = [s.started_at for s in course.sessions if s.started_at is not None]
    span = f"Sessions {times.date(min(dated))} to {times.date(max(dated))}" if dated else "No sessions"
    try:
        pdf = html_to_pdf(render_course_html(course, times), f"Client {course.client_code}", span)
    except PdfUnavailable as error:
        print(f"companion course: {error}", file=sys.stderr)
        return 1
    if output is None:
        output = paths.ensure_private_dir(paths.reports_dir()) / f"course-{file_stem(course.client_code)}.pdf"
    try:
        paths.write_private_file(output, pdf)
    except OSError as error:
        print(f"companion course: {output}: cannot be written ({error.strerror or error}).", file=sys.stderr)
        return 1
    print(f"Course PDF written to {output}", file=sys.stderr)
    return 0
