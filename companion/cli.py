"""The `companion` command. Each subcommand lives in companion/commands/<name>.py as `run(args)`.

Modules are imported only when their command runs, so `companion validate` never loads Textual
and nothing loads pygame before it is needed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from companion import __version__


def _scripts_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scripts",
        metavar="DIR",
        type=Path,
        action="append",
        default=[],
        help="a folder of your own session scripts, exercises and playlists (looked at first)",
    )


def _run_arguments(run: argparse.ArgumentParser) -> None:
    run.add_argument("script", nargs="?", help="session script id or path to a YAML file")
    run.add_argument("--client", metavar="CODE", help="a client code (free text, no name needed)")
    run.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="rehearsal: run the timeline this many times faster (journal kept in a temporary place)",
    )
    run.add_argument(
        "--encrypt",
        action="store_true",
        help="encrypt the journal and its report with a passphrase (COMPANION_PASSPHRASE, or asked once)",
    )
    _scripts_option(run)


def _resume_arguments(resume: argparse.ArgumentParser) -> None:
    resume.add_argument("session", nargs="?", help="session id (default: the latest unfinished)")
    _scripts_option(resume)


def _validate_arguments(validate: argparse.ArgumentParser) -> None:
    validate.add_argument("paths", nargs="*", type=Path, help="files or folders (default: all)")
    _scripts_option(validate)


def _no_arguments(_parser: argparse.ArgumentParser) -> None:
    pass


def _play_arguments(play: argparse.ArgumentParser) -> None:
    play.add_argument("playlist", help="playlist id")
    play.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    _scripts_option(play)


def _exercise_arguments(exercise: argparse.ArgumentParser) -> None:
    exercise.add_argument("exercise", nargs="?", help="exercise id (a picker when omitted)")
    _scripts_option(exercise)


def _display_arguments(display: argparse.ArgumentParser) -> None:
    display.add_argument("session", nargs="?", help="session id (default: the one in progress)")
    display.add_argument("--serve", action="store_true", help="serve the view to a browser")
    display.add_argument("--host", default="127.0.0.1", help="address to serve on (default: loopback)")
    display.add_argument("--port", type=int, default=8000, help="port to serve on")
    _scripts_option(display)


def _report_arguments(report: argparse.ArgumentParser) -> None:
    report.add_argument("session", help="session id or journal path")
    report.add_argument("--format", choices=["md", "html", "json"], default="md")
    report.add_argument("-o", "--output", type=Path, help="file to write (default: print)")
    _scripts_option(report)


# name: (help line, its arguments)
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "run": ("start a session (a picker when no script is named)", _run_arguments),
    "resume": ("resume an unfinished session", _resume_arguments),
    "validate": ("check session scripts, exercises and playlists", _validate_arguments),
    "list": ("list sessions scripts, exercises and playlists", _scripts_option),
    "sessions": ("list past sessions from the journal store", _no_arguments),
    "play": ("preview a playlist in the terminal", _play_arguments),
    "exercise": ("run a grounding exercise on its own", _exercise_arguments),
    "display": ("the client-facing view of a live session", _display_arguments),
    "report": ("write the summary of a session", _report_arguments),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or only the command `only` (the console starts sooner without
    the other parsers; a command's own parser, help and errors are the same)."""
    parser = argparse.ArgumentParser(
        prog="companion",
        description="Session Companion: session timeline, calm audio and grounding exercises.",
    )
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_line, add_arguments) in COMMANDS.items():
        if only is None or name == only:
            add_arguments(sub.add_parser(name, help=help_line))
    return parser


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    named = argv[0] if argv else "run"
    parser = build_parser(named if named in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["run", *argv])
    module = importlib.import_module(f"companion.commands.{args.command}")
    from companion.commands.passphrase import prepare

    problem = prepare(args)  # encrypted journals: the passphrase, asked before any screen opens
    if problem:
        print(f"companion {args.command}: {problem}", file=sys.stderr)
        sys.exit(1)
    try:
        code = module.run(args)
    except KeyboardInterrupt:
        code = 130
    sys.exit(code or 0)
