"""The `companion` command. Each subcommand lives in companion/commands/<name>.py as `run(args)`.

Modules are imported only when their command runs, so `companion validate` never loads Textual
and nothing loads pygame before it is needed. Every command's `--help` ends with examples and
the environment variables it reads; `companion completion bash|zsh` writes shell completion
from this same parser (shtab).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from companion import __version__

ENVIRONMENT = """\
environment (`companion paths` prints the folders in force):
  COMPANION_CONFIG_DIR  your scripts, exercises, playlists and config.yaml
                        (default: the user config folder)
  COMPANION_DATA_DIR    journals, reports and logs (default: the user data dir)
  COMPANION_CACHE_DIR   checked scripts kept to start faster
                        (default: the user cache folder)
  COMPANION_PASSPHRASE  the passphrase of encrypted journals (default: asked)
  COMPANION_DEBUG=1     the same as --debug"""


def _examples(*pairs: tuple[str, str]) -> str:
    """The examples section of a --help: each command line, with what it does beside it or under it."""
    lines = ["examples:"]
    for command, what in pairs:
        line = f"  {command:<28}  {what}" if what else f"  {command}"
        lines += [line] if len(line) <= 79 else [f"  {command}", f"      {what}"]
    return "\n".join(lines)


EXAMPLES: dict[str, str] = {
    "": _examples(
        ("companion", "the script picker (as `companion run`)"),
        ("companion run im-standard --client K-014", ""),
        ("companion run demo --speed 60", "a rehearsal, 60 times faster"),
        ("companion resume", "the latest unfinished session"),
        ("companion report SESSION --format html -o note.html", ""),
    ),
    "run": _examples(
        ("companion run", "pick a script, then a client code"),
        ("companion run im-standard --client K-014", ""),
        ("companion run demo --speed 60", "rehearse the 10-minute demo in 10 seconds"),
        ("companion run ~/scripts/my-im.yaml --encrypt", ""),
    ),
    "resume": _examples(
        ("companion resume", "the latest unfinished session (or rehearsal)"),
        ("companion resume 20270115-0800-im-standard", ""),
    ),
    "validate": _examples(
        ("companion validate", "every file the console can see"),
        ("companion validate my-session.yaml", "one file, checked against all the others"),
        ("companion validate --scripts ~/mine", "your own folder too"),
    ),
    "list": _examples(
        ("companion list", "sessions (route, time, phases), exercises, playlists"),
        ("companion list --scripts ~/mine | less", ""),
    ),
    "sessions": _examples(
        ("companion sessions", "past sessions, newest first"),
    ),
    "play": _examples(
        ("companion play journey", "[ ] volume, m mute, n next track, q quit (fades out)"),
        ("companion play settling --seconds 30", "fades out and ends by itself"),
    ),
    "exercise": _examples(
        ("companion exercise", "the list of every exercise"),
        ("companion exercise box-breathing", ""),
    ),
    "display": _examples(
        ("companion display", "follows the session in progress, in this terminal"),
        ("companion display --serve", "the same view in a browser, on this computer only"),
        ("companion display --serve --host 0.0.0.0 --port 8080", "a tablet on the local network"),
    ),
    "report": _examples(
        ("companion report 20270115-0800-im-standard", "Markdown, printed"),
        ("companion report SESSION --format html -o note.html", "one printable file"),
        ("companion report path/to/journal.jsonl --format json -o note.json", ""),
        ("companion report SESSION --format pdf", "paginated, to sign; into the reports folder"),
        ("companion report SESSION --format fhir -o bundle.json", "a FHIR R4 Bundle for a record system"),
    ),
    "config": _examples(
        ("companion config", "each setting, its value and where it came from"),
        ("companion config --keys", "every key of the console, for config.yaml's keymap:"),
    ),
    "paths": _examples(
        ("companion paths", "the config, data, cache, rehearsal and log folders"),
        ('cd "$(companion paths --only data)"', ""),
    ),
    "completion": _examples(
        ('eval "$(companion completion bash)"', "in ~/.bashrc"),
        ("companion completion zsh > ~/.zfunc/_companion", "with fpath=(~/.zfunc $fpath) in ~/.zshrc"),
    ),
    "course": _examples(
        ("companion course", "every client, with the number of sessions and the last visit"),
        ("companion course K-014", "that client's sessions in order (case and spaces do not matter)"),
        ("companion course K-014 --format html -o course.html", "with score and blood-pressure charts"),
    ),
    "client": _examples(
        ("companion client K-014", "the client's standing notes and the last session"),
        ("companion client K-014 --edit", "edit them in $EDITOR; every save is a new version"),
        ("companion client K-014 --history", ""),
    ),
}


def _folder(parser: argparse.ArgumentParser, *names: str, **kwargs: object) -> argparse.Action:
    action = parser.add_argument(*names, **kwargs)  # type: ignore[arg-type]
    action.complete = {"bash": "_shtab_compgen_dirs", "zsh": "_files -/"}  # type: ignore[attr-defined]
    return action


def _file(parser: argparse.ArgumentParser, *names: str, **kwargs: object) -> argparse.Action:
    action = parser.add_argument(*names, **kwargs)  # type: ignore[arg-type]
    action.complete = {"bash": "_shtab_compgen_files", "zsh": "_files"}  # type: ignore[attr-defined]
    return action


def _scripts_option(parser: argparse.ArgumentParser) -> None:
    _folder(
        parser,
        "--scripts",
        metavar="DIR",
        type=Path,
        action="append",
        default=[],
        help="a folder of your own session scripts, exercises and playlists, looked at first (may be repeated)",
    )


def _run_arguments(run: argparse.ArgumentParser) -> None:
    _file(run, "script", nargs="?", help="session script id or path to a YAML file (default: a picker)")
    run.add_argument("--client", metavar="CODE", help="a client code (free text, no name needed; default: asked)")
    run.add_argument(
        "--speed",
        type=float,
        default=1.0,
        metavar="N",
        help="rehearsal: run the timeline N times faster, journal kept in a temporary place (default: 1)",
    )
    run.add_argument(
        "--encrypt",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="encrypt the journal and its report with a passphrase (COMPANION_PASSPHRASE, or asked once); "
        "default: config.yaml's `encrypt`, else off",
    )
    _scripts_option(run)


def _resume_arguments(resume: argparse.ArgumentParser) -> None:
    resume.add_argument("session", nargs="?", help="session id (default: the latest unfinished)")
    _scripts_option(resume)


def _validate_arguments(validate: argparse.ArgumentParser) -> None:
    _file(validate, "paths", nargs="*", type=Path, help="files or folders (default: everything the console sees)")
    _scripts_option(validate)


def _no_arguments(_parser: argparse.ArgumentParser) -> None:
    pass


def _play_arguments(play: argparse.ArgumentParser) -> None:
    play.add_argument("playlist", help="playlist id (`companion list` shows them)")
    play.add_argument("--seconds", type=float, default=None, help="stop after this many seconds (default: play on)")
    _scripts_option(play)


def _exercise_arguments(exercise: argparse.ArgumentParser) -> None:
    exercise.add_argument("exercise", nargs="?", help="exercise id (default: a list to pick from)")
    _scripts_option(exercise)


def _display_arguments(display: argparse.ArgumentParser) -> None:
    display.add_argument("session", nargs="?", help="session id or journal path (default: the one in progress)")
    display.add_argument("--serve", action="store_true", help="serve the view to a browser instead of this terminal")
    display.add_argument("--host", default="127.0.0.1", help="address to serve on (default: 127.0.0.1, this computer)")
    display.add_argument("--port", type=int, default=8000, help="port to serve on (default: 8000)")
    display.add_argument(
        "--font-scale",
        type=float,
        default=None,
        metavar="X",
        help="the web page's type size, 0.5 to 3 (default: config.yaml's display_font_scale, else 1)",
    )
    _scripts_option(display)


def _report_arguments(report: argparse.ArgumentParser) -> None:
    _file(report, "session", help="session id or journal path")
    report.add_argument(
        "--format",
        choices=["md", "html", "json", "rems", "pdf", "fhir"],
        default="md",
        help="md: Markdown, reads as plain text; html: one self-contained printable file; "
        "json: follows companion/core/report/schema.json; rems: the Spravato REMS Patient "
        "Monitoring Form, each field from the journal or marked not recorded; pdf: paginated, "
        "to sign (the [pdf] extra); fhir: a FHIR R4 collection Bundle (default: md)",
    )
    _file(report, "-o", "--output", type=Path, metavar="FILE", help="file to write, owner-only (default: print)")
    _scripts_option(report)


def _config_arguments(config: argparse.ArgumentParser) -> None:
    config.add_argument("--keys", action="store_true", help="list every binding id and its keys, for `keymap:`")


def _paths_arguments(paths: argparse.ArgumentParser) -> None:
    paths.add_argument(
        "--only",
        choices=["config", "data", "cache", "rehearsal", "logs"],
        help="print only this folder, for scripts (default: all, with their names)",
    )


def _completion_arguments(completion: argparse.ArgumentParser) -> None:
    completion.add_argument("shell", choices=["bash", "zsh"], help="the shell to complete in")


def _course_arguments(parser: argparse.ArgumentParser) -> None:
    from companion.commands.course import add_arguments

    add_arguments(parser)


def _client_arguments(parser: argparse.ArgumentParser) -> None:
    from companion.commands.client import add_arguments

    add_arguments(parser)


# name: (help line, its arguments)
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "run": ("start a session (a picker when no script is named)", _run_arguments),
    "resume": ("resume an unfinished session", _resume_arguments),
    "validate": ("check session scripts, exercises and playlists", _validate_arguments),
    "list": ("list session scripts, exercises and playlists", _scripts_option),
    "sessions": ("list past sessions from the journal store", _no_arguments),
    "play": ("preview a playlist in the terminal", _play_arguments),
    "exercise": ("run a grounding exercise on its own", _exercise_arguments),
    "display": ("the client-facing view of a live session", _display_arguments),
    "report": ("write the summary of a session", _report_arguments),
    "config": ("the settings in force (config.yaml) and where each came from", _config_arguments),
    "paths": ("where the config, data, cache, rehearsal and log folders are", _paths_arguments),
    "completion": ("shell completion for bash or zsh", _completion_arguments),
    "course": ("a client's sessions in order, or the list of clients", _course_arguments),
    "client": ("show or edit a client's standing notes", _client_arguments),
}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples and the environment as written; wraps the rest."""


def _debug_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="also log start-up, the sound device and journal writes (the log is in `companion paths --only logs`)",
    )


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or only the command `only` (the console starts sooner without
    the other parsers; a command's own parser, help and errors are the same)."""
    parser = argparse.ArgumentParser(
        prog="companion",
        description="Session Companion: session timeline, calm audio and grounding exercises.",
        epilog=f"{EXAMPLES['']}\n\n{ENVIRONMENT}",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    _debug_option(parser, False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_line, add_arguments) in COMMANDS.items():
        if only is None or name == only:
            command = sub.add_parser(
                name,
                help=help_line,
                description=help_line[0].upper() + help_line[1:] + ".",
                epilog=f"{EXAMPLES[name]}\n\n{ENVIRONMENT}",
                formatter_class=_Formatter,
            )
            add_arguments(command)
            _debug_option(command, argparse.SUPPRESS)  # after the command too: `companion run --debug`
    return parser


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    named = next((word for word in argv if not word.startswith("-")), None)
    parser = build_parser(named if named in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["run", *argv])
    from companion import log

    log.setup(debug=args.debug or log.debug_from_environment(), command=args.command)
    if args.command == "run" and args.encrypt is None:
        from companion.core import config_cache

        args.encrypt = config_cache.load().settings.encrypt
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
    except Exception:
        log.log_uncaught(args.command)
        raise
    if code:  # the console prints its own traceback to the terminal: the log says when and how it ended
        log.log_ended(args.command, code)
    sys.exit(code or 0)
