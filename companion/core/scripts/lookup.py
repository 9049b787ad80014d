"""The script (and the exercises) a journal was recorded with, for its readers: report and display.

The copy of the script the journal keeps in its header (format 2) comes first: it is the
session exactly as planned, whatever became of the file since. Else by the header's script id
from the library (user folders first, then bundled), else from the script path the journal
recorded. Never raises: a reader of a journal must still show what the events hold when the
script is gone or broken, and say why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from companion.core.journal.store import JournalHeader
from companion.core.scripts.exercises import GroundingExercise
from companion.core.scripts.library import load_library
from companion.core.scripts.loading import load_session, session_from_text
from companion.core.scripts.problems import ScriptError
from companion.core.scripts.script import SessionScript


@dataclass(frozen=True)
class ScriptLookup:
    script: SessionScript | None
    exercises: dict[str, GroundingExercise] = field(default_factory=dict)
    problem: str = ""  # a plain sentence when the script was found but could not be read


def planned_script(header: JournalHeader) -> SessionScript | None:
    """The script as the journal's header keeps it, or None (an older journal, or damage)."""
    if not header.script_text:
        return None
    try:
        script = session_from_text(header.script_text, Path(header.script_path or f"{header.session_id} (journal)"))
    except (ScriptError, OSError, ValueError):
        return None
    return script if script.id == header.script_id else None


def find_script(header: JournalHeader, extra_dirs: Iterable[Path] = ()) -> ScriptLookup:
    library = None
    library_problem = ""
    try:
        library = load_library(list(extra_dirs))
    except Exception as error:  # a broken user folder must not cost the therapist the session's record
        library_problem = f"The script library could not be read: {error}"
    exercises = dict(library.exercises) if library is not None else {}
    planned = planned_script(header)
    if planned is not None:
        return ScriptLookup(planned, exercises)
    if library is not None:
        try:
            return ScriptLookup(library.session(header.script_id), exercises)
        except (LookupError, ScriptError, OSError):
            pass  # not in the library (any more): try the path the journal recorded
    if header.script_path and Path(header.script_path).is_file():
        try:
            return ScriptLookup(load_session(Path(header.script_path)), exercises)
        except (ScriptError, OSError) as error:
            return ScriptLookup(None, exercises, f"The script at {header.script_path} could not be loaded: {error}")
    return ScriptLookup(None, exercises, library_problem)
