"""`companion client CODE [--edit | --history | --version N]`: a client's standing notes.

Shown by default, with the last session's date, dose and notices. `--edit` opens $VISUAL or
$EDITOR (else `editor`, `nano` or `vi`) on a YAML file of the notes; on save it is checked like
a script, and a mistake is shown as `FILE:LINE:COL` and offered back to the editor, the last
version kept meanwhile. Every save is a new version; older ones stay (`--history`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from companion import paths
from companion.core.course.codes import MATCH_RULE, code_key
from companion.core.course.notes import StandingNotes, notes_yaml, parse_notes
from companion.core.course.notes_store import NotesError, NotesStore, NotesVersion
from companion.core.journal.store import JournalStore
from companion.core.report.model import Times
from companion.core.scripts.problems import ScriptError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", help=f"the client code ({MATCH_RULE})")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--edit", action="store_true", help="edit the standing notes in $EDITOR")
    action.add_argument("--history", action="store_true", help="list every saved version")
    action.add_argument("--version", type=int, metavar="N", help="show version N")
    parser.add_argument("--encrypt", action="store_true", help="encrypt the notes with the journals' passphrase")


def run(args: argparse.Namespace) -> int:
    if not code_key(args.code):
        print("companion client: a client code is needed.", file=sys.stderr)
        return 2
    store = NotesStore()
    try:
        if args.edit:
            return edit(store, args.code, encrypt=_encrypt(args, store))
        if args.history:
            sys.stdout.write(history_text(store.versions(args.code)))
            return 0
        if args.version is not None:
            sys.stdout.write(notes_text(store.version(args.code, args.version)))
            return 0
        notes, version = store.current(args.code)
    except NotesError as error:
        print(f"companion client: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(show(args.code, notes, version))
    return 0


def _encrypt(args: argparse.Namespace, store: NotesStore) -> bool | None:
    """Encrypt when asked, when the journals are, or (None: the store decides) as before."""
    if args.encrypt:
        return True
    from companion.commands.passphrase import encrypted_journals

    return True if encrypted_journals(args) else None


def notes_text(notes: StandingNotes) -> str:
    if notes.empty:
        return "No standing notes yet.\n"
    out = []
    for _, label, text in notes.items():
        lines = text.splitlines() or [""]
        out.append(f"{label}: {lines[0]}")
        out += [f"  {line}" for line in lines[1:]]
    return "\n".join(out) + "\n"


def show(code: str, notes: StandingNotes, version: NotesVersion | None) -> str:
    times = Times()
    head = f"Standing notes of {' '.join(code.split())}"
    if version is not None:
        head += f" (version {version.number}, saved {times.date(version.saved_at)} {times.clock(version.saved_at)})"
    out = [head, "", notes_text(notes).rstrip("\n")]
    from companion.core.course.carry import last_session

    last = last_session(code, [JournalStore()])
    if last is not None:
        out += ["", last.summary(times)]
    out += ["", f"`companion client {shlex.quote(code.strip())} --edit` changes them."]
    return "\n".join(out) + "\n"


def history_text(versions: list[NotesVersion]) -> str:
    if not versions:
        return "No standing notes yet.\n"
    times = Times()
    out = []
    for version in versions:
        where = f"in session {version.session_id}" if version.session_id else "outside a session"
        changed = ", ".join(version.changed) or "nothing"
        out.append(
            f"v{version.number}  {times.date(version.saved_at)} {times.clock(version.saved_at)}  {where}: {changed}"
        )
    return "\n".join(out) + "\n"


def editor_command() -> list[str]:
    for name in ("VISUAL", "EDITOR"):
        if os.environ.get(name):
            return shlex.split(os.environ[name])
    for fallback in ("editor", "nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    return ["vi"]


def edit(
    store: NotesStore, code: str, *, encrypt: bool | None = None, ask_again: Callable[[], bool] | None = None
) -> int:
    """Edit the notes until they read cleanly or the therapist gives up (the old version stays)."""
    notes, _ = store.current(code)
    ask_again = ask_again or _ask_again
    paths.ensure_private_dir(store.root)
    folder = paths.ensure_private_dir(store.root / ".editing")
    _remove_stale(folder)
    handle, name = tempfile.mkstemp(prefix="notes-", suffix=".yaml", dir=folder)  # 0600
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(notes_yaml(notes, " ".join(code.split())))
        while True:
            result = subprocess.run([*editor_command(), str(path)], check=False)
            if result.returncode != 0:
                print("companion client: the editor did not finish cleanly; nothing was saved.", file=sys.stderr)
                return 1
            try:
                edited = parse_notes(path.read_text(encoding="utf-8"), path)
            except (ScriptError, UnicodeDecodeError) as error:
                print(str(error), file=sys.stderr)
                if ask_again():
                    continue
                print("The notes were not changed; the last version is kept.", file=sys.stderr)
                return 1
            saved = store.save(code, edited, encrypt=encrypt)
            if saved is None:
                print("Nothing changed; no new version.", file=sys.stderr)
            else:
                sealed = ", encrypted" if saved.encrypted else ""
                print(f"Saved as version {saved.number}{sealed}.", file=sys.stderr)
            return 0
    except NotesError as error:
        print(f"companion client: {error}", file=sys.stderr)
        return 1
    finally:
        path.unlink(missing_ok=True)


STALE_AFTER = 86400.0  # an edit left open longer than a day was interrupted (a crash, a closed window)


def _remove_stale(folder: Path) -> None:
    """Plain copies left behind by an edit that never finished: nothing should keep them."""
    now = time.time()
    for leftover in folder.glob("notes-*.yaml"):
        try:
            if now - leftover.stat().st_mtime > STALE_AFTER:
                leftover.unlink()
        except OSError:
            pass


def _ask_again() -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input("Edit again? [Y/n] ")
    except EOFError:
        return False
    return answer.strip().lower() not in ("n", "no")
