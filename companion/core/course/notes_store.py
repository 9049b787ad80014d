"""Where standing notes are kept: one folder per client in the data folder, every version kept.

    <data>/clients/<c-hash of the code>/v0001.json   (or v0001.json.enc when encrypted)

The folder is named by a hash of the matched code (see codes.py), so listing the data folder
does not spell out client codes. Each save writes a new version file, never over an older one:
{"format", "version", "code", "saved_at", "session_id", "changed", "notes"}. Folders are 0700,
files 0600. The notes are encrypted (crypto.seal_file_text, the journals' passphrase) when the
caller asks (the console does when its session's journal is encrypted), or when the client's
notes already were.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from companion import paths
from companion.core.course.codes import code_key, file_stem
from companion.core.course.notes import FIELDS, StandingNotes
from companion.core.journal import crypto

FORMAT = "companion-client-notes/1"
_VERSION_NAME = re.compile(r"v(\d{4,})\.json(\.enc)?")


class NotesError(Exception):
    """Notes that cannot be read or saved; the message is a plain sentence."""


@dataclass(frozen=True)
class NotesVersion:
    number: int
    saved_at: float
    session_id: str  # the session it was changed in; "" when changed outside a session
    changed: tuple[str, ...]
    encrypted: bool
    path: Path


def clients_dir() -> Path:
    return paths.data_dir() / "clients"


class NotesStore:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else clients_dir()

    def folder(self, code: str) -> Path:
        return self.root / file_stem(code)

    def _files(self, code: str) -> list[tuple[int, Path, bool]]:
        try:
            names = os.listdir(self.folder(code))
        except FileNotFoundError:
            return []
        except OSError as error:
            raise NotesError(f"{self.folder(code)} could not be read ({error.strerror or error}).") from None
        found = []
        for name in names:
            match = _VERSION_NAME.fullmatch(name)
            if match:
                found.append((int(match.group(1)), self.folder(code) / name, bool(match.group(2))))
        return sorted(found)

    def _read(self, path: Path, encrypted: bool) -> dict[str, Any]:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise NotesError(f"{path} could not be read ({error.strerror or error}).") from None
        try:
            text = crypto.open_file_text(data) if encrypted else data.decode("utf-8")
            record = json.loads(text)
        except crypto.PassphraseError as error:
            raise NotesError(f"{path}: {error}") from None
        except ValueError:
            raise NotesError(f"{path} is damaged: it is not a notes version.") from None
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            raise NotesError(f"{path} is not a notes version this program reads.")
        return record

    @staticmethod
    def _version(record: dict[str, Any], path: Path, encrypted: bool) -> NotesVersion:
        return NotesVersion(
            number=int(record.get("version", 0)),
            saved_at=float(record.get("saved_at", 0.0)),
            session_id=str(record.get("session_id", "")),
            changed=tuple(str(name) for name in record.get("changed", [])),
            encrypted=encrypted,
            path=path,
        )

    @staticmethod
    def _notes(record: dict[str, Any]) -> StandingNotes:
        stored = record.get("notes")
        if not isinstance(stored, dict):
            stored = {}
        return StandingNotes(**{name: str(stored.get(name, "")) for name in FIELDS})

    def versions(self, code: str) -> list[NotesVersion]:
        """Every saved version, oldest first."""
        return [self._version(self._read(path, sealed), path, sealed) for _, path, sealed in self._files(code)]

    def current(self, code: str) -> tuple[StandingNotes, NotesVersion | None]:
        """The latest notes (empty ones before the first save) and the version they are."""
        files = self._files(code)
        if not files or not code_key(code):
            return StandingNotes(), None
        _, path, sealed = files[-1]
        record = self._read(path, sealed)
        return self._notes(record), self._version(record, path, sealed)

    def version(self, code: str, number: int) -> StandingNotes:
        for found, path, sealed in self._files(code):
            if found == number:
                return self._notes(self._read(path, sealed))
        raise NotesError(f"There is no version {number} of these notes.")

    def save(
        self,
        code: str,
        notes: StandingNotes,
        *,
        session_id: str = "",
        encrypt: bool | None = None,
        now: float | None = None,
    ) -> NotesVersion | None:
        """Keep `notes` as a new version; None when nothing changed. Raises NotesError."""
        if not code_key(code):
            raise NotesError("Standing notes need a client code.")
        previous, latest = self.current(code)
        changed = notes.changed_from(previous if latest else None)
        if latest is not None and not changed:
            return None
        if encrypt is None:
            encrypt = bool(latest and latest.encrypted)
        record = {
            "format": FORMAT,
            "code": " ".join(code.split()),
            "saved_at": time.time() if now is None else now,
            "session_id": session_id,
            "changed": list(changed),
            "notes": asdict(notes),
        }
        try:
            paths.ensure_private_dir(self.root)
            folder = paths.ensure_private_dir(self.folder(code))
        except OSError as error:
            raise NotesError(f"{self.folder(code)} cannot be made ({error.strerror or error}).") from None
        number = (latest.number if latest else 0) + 1
        while True:
            record["version"] = number
            text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
            try:
                data = crypto.seal_file_text(text) if encrypt else text.encode("utf-8")
            except crypto.PassphraseError as error:
                raise NotesError(f"The notes cannot be encrypted: {error}") from None
            path = folder / f"v{number:04d}.json{crypto.FILE_SUFFIX if encrypt else ''}"
            try:
                if _create(path, data):
                    return self._version(record, path, encrypt)
            except OSError as error:
                raise NotesError(f"{path} cannot be written ({error.strerror or error}).") from None
            number += 1  # another process saved this number meanwhile


def _create(path: Path, data: bytes) -> bool:
    """Write `path` whole, 0600, durably; False when it exists already (never overwritten)."""
    handle, temporary = tempfile.mkstemp(prefix=".notes.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return True
    finally:
        Path(temporary).unlink(missing_ok=True)
