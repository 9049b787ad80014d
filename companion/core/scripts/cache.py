"""Checked session scripts kept between runs, so the console can open without the YAML reader.

It works like Python's own bytecode cache. An entry holds a script file's whole text and the
model checked from it, and is used only when the file's text is exactly that text and the
checking code is the same (the package version, and the size and mtime of each module that
reads scripts). Anything else (no entry, a damaged one, other text, other code) means the file
is read as usual and the entry written anew. Only scripts without problems are kept, so every
problem is still reported where it is.

Entries are JSON (data, never code), one per script file, owner-only in the user cache dir;
they hold the script's own text, nothing about any session. Reading or writing the cache never
fails a caller: at worst the file is read again.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

from companion import __version__, paths
from companion.core.scripts.script import Discharge, Medicine, Phase, Reminder, Safety, SessionScript

FORMAT = 2
# The modules whose code decides what a script file means: a change to any of them is a change
# of meaning, whatever the file says.
_READERS = ("script.py", "loading.py", "fields.py", "yamlio.py", "durations.py", "problems.py")


def cached(path: Path, data: bytes) -> SessionScript | None:
    """The script checked earlier from exactly `data` at `path`, or None."""
    try:
        entry = json.loads(_entry_path(path).read_bytes())
        if (
            entry.get("format") != FORMAT
            or entry.get("readers") != _readers()
            or entry.get("path") != str(path)
            or entry.get("text") != data.decode("utf-8")
        ):
            return None
        return _script(entry["script"], path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember(path: Path, data: bytes, script: SessionScript) -> None:
    """Keep `script`, checked from `data` at `path`, for the next run."""
    readers = _readers()
    if readers is None:
        return
    try:
        entry = {
            "format": FORMAT,
            "readers": readers,
            "path": str(path),
            "text": data.decode("utf-8"),
            "script": _record(script),
        }
        paths.ensure_private_dir(paths.cache_dir() / "scripts")
        paths.write_private_file(_entry_path(path), json.dumps(entry, ensure_ascii=False))
    except (OSError, ValueError, UnicodeError):
        pass  # a full or read-only disk: the file is simply read again next time


def _entry_path(path: Path) -> Path:
    # The name only spreads entries out; the entry itself says which file it is for.
    return paths.cache_dir() / "scripts" / f"{path.stem[:40]}-{zlib.crc32(str(path).encode()):08x}.json"


def _readers() -> list[Any] | None:
    here = Path(__file__).resolve().parent
    try:
        stats = [(here / name).stat() for name in _READERS]
    except OSError:
        return None  # cannot tell the code's version: no cache
    return [__version__, *([name, info.st_size, info.st_mtime_ns] for name, info in zip(_READERS, stats, strict=False))]


def _record(script: SessionScript) -> dict[str, Any]:
    return {
        "id": script.id,
        "title": script.title,
        "route": script.route,
        "description": script.description,
        "text_hash": script.text_hash,
        "safety": vars(script.safety).copy(),
        "phases": [
            {
                **vars(phase),
                "checklist": list(phase.checklist),
                "exercises": list(phase.exercises),
                "assessments": list(phase.assessments),
                "reminders": [vars(reminder).copy() for reminder in phase.reminders],
            }
            for phase in script.phases
        ],
        "medicines": [vars(medicine).copy() for medicine in script.medicines],
        "discharge": None if script.discharge is None else vars(script.discharge).copy(),
    }


def _script(record: dict[str, Any], path: Path) -> SessionScript:
    phases = tuple(
        Phase(
            **{
                **phase,
                "checklist": tuple(phase["checklist"]),
                "exercises": tuple(phase["exercises"]),
                "assessments": tuple(phase["assessments"]),
                "reminders": tuple(Reminder(**reminder) for reminder in phase["reminders"]),
            }
        )
        for phase in record["phases"]
    )
    return SessionScript(
        id=record["id"],
        title=record["title"],
        route=record["route"],
        phases=phases,
        description=record["description"],
        safety=Safety(**record["safety"]),
        source=path,
        text_hash=record["text_hash"],
        medicines=tuple(Medicine(**medicine) for medicine in record["medicines"]),
        discharge=_discharge(record["discharge"]),
    )


def _discharge(record: dict[str, Any] | None) -> Discharge | None:
    if record is None:
        return None
    return Discharge(
        minimum=record["minimum"],
        counted_from=record["counted_from"],
        readings=tuple(record["readings"]),
        recent=record["recent"],
        assessments=tuple(record["assessments"]),
        checklist=tuple(record["checklist"]),
    )
