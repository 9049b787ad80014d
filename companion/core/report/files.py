"""Session reports: the note a therapist files after a session, from its journal.

    render_report(contents, script, "md")   -> the text (md, html or json)
    write_report("2026-11-26-0902-ab12")    -> reports_dir()/<session id>.md, owner-only

The facts come from report_model.build_report; report_md, report_html and report_json lay
them out. A journal that was never ended, lost its last line, or whose script can no longer be
found still gives a report, which says plainly what is missing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path

from companion import paths
from companion.core.journal import crypto
from companion.core.journal.store import JournalContents, JournalError, JournalStore, is_session_id, read_journal
from companion.core.report.html import render_html
from companion.core.report.json_report import render_json
from companion.core.report.markdown import render_markdown
from companion.core.report.model import SessionReport, build_report
from companion.core.report.rems import render_rems
from companion.core.scripts.exercises import GroundingExercise
from companion.core.scripts.lookup import find_script
from companion.core.scripts.script import SessionScript
from companion.core.text import for_terminal

RENDERERS = {"md": render_markdown, "html": render_html, "json": render_json, "rems": render_rems}
SUFFIXES = {"rems": "rems.md"}  # the REMS form is Markdown too
FORMATS = tuple(RENDERERS)


class ReportError(Exception):
    """A report that cannot be written; the message says why in plain words."""


def render_report(
    contents: JournalContents,
    script: SessionScript | None,
    fmt: str = "md",
    *,
    exercises: Mapping[str, GroundingExercise] | None = None,
    tz: tzinfo | None = None,
    generated_at: float | None = None,
    script_problem: str = "",
) -> str:
    """The report in `fmt` ("md", "html", "json" or "rems", the REMS monitoring form). Times are shown in `tz` (default: local)."""
    report = _report(contents, script, exercises, tz, generated_at, script_problem)
    text = RENDERERS[_checked(fmt)](report)
    # JSON escapes control characters itself; in Markdown and HTML none may reach a terminal.
    return text if fmt == "json" else for_terminal(text, newlines=True)


def _report(
    contents: JournalContents,
    script: SessionScript | None,
    exercises: Mapping[str, GroundingExercise] | None,
    tz: tzinfo | None,
    generated_at: float | None,
    script_problem: str,
) -> SessionReport:
    report = build_report(
        contents,
        script,
        exercises=exercises,
        generated_at=time.time() if generated_at is None else generated_at,
        tz=tz,
    )
    if script_problem:
        report = replace(report, gaps=(*report.gaps, script_problem))
    return report


def _checked(fmt: str) -> str:
    if fmt not in RENDERERS:
        raise ReportError(f"unknown report format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return fmt


def resolve_journal(session_ref: str | os.PathLike[str], stores: Sequence[JournalStore] | None = None) -> Path:
    """The journal file a session id or a path names, looking in `stores` (default: the journals
    folder) in order. Raises ReportError when there is none."""
    candidate = Path(session_ref).expanduser()
    if candidate.is_file():
        return candidate
    text = str(session_ref)
    stores = list(stores) if stores else [JournalStore(paths.journals_dir())]
    for store in stores:
        try:
            found = store.path_for(text)
        except JournalError:
            break  # not an id at all
        if found.is_file():
            return found
    raise ReportError(
        f"No session {text!r}: it is neither a journal file nor a session id in {stores[0].root} "
        "(`companion sessions` lists them)."
    )


def load_session_report(
    session_ref: str | os.PathLike[str],
    *,
    extra_dirs: Iterable[Path] = (),
    stores: Sequence[JournalStore] | None = None,
) -> tuple[JournalContents, SessionScript | None, dict[str, GroundingExercise], str]:
    """A journal's contents, its script (None when it cannot be found), known exercises, and why
    the script is missing when it is."""
    path = resolve_journal(session_ref, stores)
    try:
        contents = read_journal(path)
    except JournalError as error:
        raise ReportError(str(error)) from None
    found = find_script(contents.header, extra_dirs)
    return contents, found.script, found.exercises, found.problem


def report_for(
    session_ref: str | os.PathLike[str],
    fmt: str = "md",
    *,
    extra_dirs: Iterable[Path] = (),
    stores: Sequence[JournalStore] | None = None,
) -> str:
    """The report text of a session named by id or journal path (or of an encrypted report file)."""
    _checked(fmt)
    sealed = _sealed_report(session_ref)
    if sealed is not None:
        return sealed
    contents, script, exercises, problem = load_session_report(session_ref, extra_dirs=extra_dirs, stores=stores)
    return render_report(contents, script, fmt, exercises=exercises, script_problem=problem)


def _file_stem(session_id: str, fallback: str) -> str:
    """A report's file name from header text only once it is a plain session id: a header
    naming `../../x` must not write outside the reports folder."""
    for candidate in (session_id, fallback):
        if is_session_id(candidate):
            return candidate
    return "session"


def write_report(
    session_ref: str | os.PathLike[str],
    fmt: str = "md",
    output: Path | None = None,
    *,
    extra_dirs: Iterable[Path] = (),
    stores: Sequence[JournalStore] | None = None,
) -> Path:
    """Write the report and return where. Default: reports_dir()/<session id>.<fmt>. Owner-only.

    `session_ref` is a session id (looked up in `stores`, default the journals folder) or a
    journal's path (which also finds a rehearsal's journal, wherever it was kept).

    The report of an encrypted journal is encrypted too, with the same passphrase, and its name
    ends in `.enc`; `companion report FILE.enc` prints it."""
    _checked(fmt)
    contents, script, exercises, problem = load_session_report(session_ref, extra_dirs=extra_dirs, stores=stores)
    text = render_report(contents, script, fmt, exercises=exercises, script_problem=problem)
    if output is None:
        directory = paths.ensure_private_dir(paths.reports_dir())
        output = (
            directory / f"{_file_stem(contents.header.session_id, Path(session_ref).stem)}.{SUFFIXES.get(fmt, fmt)}"
        )
    if contents.header.encrypted:
        output = Path(f"{output}{crypto.FILE_SUFFIX}")
        try:
            text = crypto.seal_file_text(text).decode("ascii")
        except crypto.PassphraseError as error:
            raise ReportError(f"The report cannot be encrypted: {error}") from None
    write_private(Path(output), text)
    return Path(output)


def _sealed_report(session_ref: str | os.PathLike[str]) -> str | None:
    """The text of an encrypted report file named by `session_ref`; None when it is not one."""
    candidate = Path(session_ref).expanduser()
    if not candidate.name.endswith(crypto.FILE_SUFFIX) or not candidate.is_file():
        return None
    try:
        data = candidate.read_bytes()
    except OSError as error:
        raise ReportError(f"{candidate} could not be read ({error.strerror or error}).") from None
    if not crypto.is_sealed_file(data):
        return None
    try:
        return crypto.open_file_text(data)
    except crypto.PassphraseError as error:
        raise ReportError(f"{candidate}: {error}") from None


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text`, readable by the owner only, never leaving half a file."""
    directory = path.parent
    if not directory.is_dir():
        raise ReportError(f"{path}: the folder {directory} does not exist.")
    try:
        paths.write_private_file(path, text)
    except OSError as error:
        raise ReportError(f"{path}: cannot be written ({error.strerror or error}).") from None
