"""The `companion` command. Each subcommand lives in companion/commands/<name>.py as `run(args)`.

Modules are imported only when their command runs, so `companion validate` never loads Textual
and nothing loads pygame before it is needed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="companion",
        description="Session Companion: session timeline, calm audio and grounding exercises.",
    )
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="start a session (a picker when no script is named)")
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

    resume = sub.add_parser("resume", help="resume an unfinished session")
    resume.add_argument("session", nargs="?", help="session id (default: the latest unfinished)")
    _scripts_option(resume)

    validate = sub.add_parser("validate", help="check session scripts, exercises and playlists")
    validate.add_argument("paths", nargs="*", type=Path, help="files or folders (default: all)")
    _scripts_option(validate)

    listing = sub.add_parser("list", help="list sessions scripts, exercises and playlists")
    _scripts_option(listing)

    sub.add_parser("sessions", help="list past sessions from the journal store")

    play = sub.add_parser("play", help="preview a playlist in the terminal")
    play.add_argument("playlist", help="playlist id")
    play.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    _scripts_option(play)

    exercise = sub.add_parser("exercise", help="run a grounding exercise on its own")
    exercise.add_argument("exercise", nargs="?", help="exercise id (a picker when omitted)")
    _scripts_option(exercise)

    display = sub.add_parser("display", help="the client-facing view of a live session")
    display.add_argument("session", nargs="?", help="session id (default: the one in progress)")
    display.add_argument("--serve", action="store_true", help="serve the view to a browser")
    display.add_argument("--host", default="127.0.0.1", help="address to serve on (default: loopback)")
    display.add_argument("--port", type=int, default=8000, help="port to serve on")
    _scripts_option(display)

    report = sub.add_parser("report", help="write the summary of a session")
    report.add_argument("session", help="session id or journal path")
    report.add_argument("--format", choices=["md", "html", "json"], default="md")
    report.add_argument("-o", "--output", type=Path, help="file to write (default: print)")
    _scripts_option(report)
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        args = parser.parse_args(["run", *(sys.argv[1:] if argv is None else argv)])
    module = importlib.import_module(f"companion.commands.{args.command}")
    from companion.passphrase import prepare

    problem = prepare(args)  # encrypted journals: the passphrase, asked before any screen opens
    if problem:
        print(f"companion {args.command}: {problem}", file=sys.stderr)
        sys.exit(1)
    try:
        code = module.run(args)
    except KeyboardInterrupt:
        code = 130
    sys.exit(code or 0)
