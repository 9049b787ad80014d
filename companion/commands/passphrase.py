"""The command line's side of encryption: ask for the passphrase once, before any screen opens.

`prepare(args)` runs before a command that reads or writes journals. When the command asks to
encrypt (`run --encrypt`) or an encrypted journal is there to be read, the passphrase comes from
COMPANION_PASSPHRASE or, in a terminal, from one getpass prompt (twice for a new passphrase),
and is checked against the encrypted journals at once: a wrong one is a plain message and
exit 1, never a damaged-looking journal later.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import Any

from companion import paths
from companion.core.journal import crypto
from companion.core.journal.records import MAX_LINE, record_or_none

COMMANDS = ("run", "resume", "sessions", "report", "display", "course", "client")


def prepare(args: argparse.Namespace) -> str | None:
    """Get the passphrase if this command needs one. None when all is well, else a sentence."""
    if args.command not in COMMANDS:
        return None
    wants = bool(getattr(args, "encrypt", False))
    sealed = encrypted_journals(args)
    if not wants and not sealed and not _names_sealed_report(args):
        return None
    if not crypto.has_passphrase():
        problem = _ask(new=wants and not sealed, optional=args.command == "run" and not wants)
        if problem:
            return problem
        if not crypto.has_passphrase():
            return None  # `run` without --encrypt: the encrypted journals stay closed
        if args.command == "display" and getattr(args, "serve", False):
            # Each browser connection runs its own `companion display` process: it needs it too.
            os.environ[crypto.ENVIRONMENT] = crypto.passphrase()
    if sealed and not any(_opens(path, header) for path, header in sealed):
        where = sorted({str(path.parent) for path, _ in sealed})
        return f"The passphrase does not open the encrypted journals in {', '.join(where)}."
    return None


def _ask(new: bool, optional: bool) -> str | None:
    if not sys.stdin.isatty():
        return f"An encrypted journal needs its passphrase: set {crypto.ENVIRONMENT}, or run the command in a terminal."
    import getpass  # only when asking: most starts never do

    hint = " (Enter to skip the encrypted journals)" if optional else ""
    try:
        secret = getpass.getpass(f"Journal passphrase{hint}: ")
        if not secret:
            return None if optional else "No passphrase was given."
        if new and getpass.getpass("The same passphrase again: ") != secret:
            return "The two passphrases differ; nothing was started."
    except (EOFError, KeyboardInterrupt):
        return "No passphrase was given."
    crypto.remember(secret)
    return None


def encrypted_journals(args: argparse.Namespace) -> list[tuple[Path, dict[str, Any]]]:
    """(path, header record) of each encrypted journal this command may read, by header only."""
    candidates: list[Path] = []
    for folder in (paths.journals_dir(), paths.rehearsal_root()):
        try:
            candidates += sorted(folder.glob("*.jsonl"))
        except OSError:
            pass
    named = getattr(args, "session", None)
    if named and Path(named).expanduser().is_file():
        candidates.append(Path(named).expanduser())
    found = []
    for path in candidates:
        header = _header(path)
        if header is not None and "encryption" in header and _readable_encryption(header):
            found.append((path, header))
    return found


def _readable_encryption(header: dict[str, object]) -> bool:
    """A damaged encryption entry is one damaged journal (listed as such), not a reason to ask."""
    try:
        crypto.Encryption.from_record(header["encryption"])
    except ValueError:
        return False
    return True


def _names_sealed_report(args: argparse.Namespace) -> bool:
    named = getattr(args, "session", None)
    if not named or not str(named).endswith(crypto.FILE_SUFFIX):
        return False
    try:
        with open(Path(named).expanduser(), "rb") as stream:
            return crypto.is_sealed_file(stream.read(256))
    except OSError:
        return False


def _header(path: Path) -> dict[str, Any] | None:
    """The first line of a regular file, as JSON (a FIFO named like a journal must not block)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None
            return record_or_none(stream.readline(MAX_LINE))  # depth and numbers checked as the journal checks them
    except OSError:
        return None


def _opens(path: Path, header: dict[str, Any]) -> bool:
    try:
        encryption = crypto.Encryption.from_record(header["encryption"])
        crypto.journal_key(encryption, str(header.get("session_id", "")))
    except (ValueError, crypto.PassphraseError):
        return False
    return True
