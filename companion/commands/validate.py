"""`companion validate [PATH ...]`: check scripts, exercises and playlists; list every problem.

With no PATH, everything the app can see is checked. With PATHs (files or folders), only those
are reported on, but their references to playlists, exercises and chimes are checked against
the whole library, as `companion run` would see them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from companion.core.scripts.library import (
    ASSESSMENT,
    CATALOGUE,
    EXERCISE,
    SESSION,
    YAML_SUFFIXES,
    SourceFile,
    load_library,
)
from companion.core.scripts.problems import Problem, file_problem
from companion.core.text import for_terminal

_NOUNS = {SESSION: "session", EXERCISE: "exercise", ASSESSMENT: "assessment", CATALOGUE: "playlist catalogue"}


def run(args: argparse.Namespace) -> int:
    try:
        return _validate(list(args.paths), list(args.scripts))
    except BrokenPipeError:  # `companion validate | head`: the reader has gone; nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # noqa: BLE001 - a checker must never answer with a traceback
        print(f"companion validate: internal error, please report it: {type(error).__name__}: {error}",
              file=sys.stderr)  # fmt: skip
        return 2


def _validate(targets: Sequence[Path], scripts: Sequence[Path]) -> int:
    library = load_library([*targets, *scripts])
    files, problems = library.files, library.problems
    if targets:
        roots = [os.path.realpath(Path(target).expanduser()) for target in targets]
        files = [f for f in files if _under(f.path, roots)]
        problems = [p for p in problems if _under(p.file, roots)]
        problems += _empty_folders(targets, files)
    else:  # config.yaml's shape too (`companion config` also checks its keys against the console's)
        from companion.core.config import load_config

        problems = [*problems, *load_config().problems]
    if problems:
        order = {file: index for index, file in reversed(list(enumerate(p.file for p in problems)))}
        for problem in sorted(problems, key=lambda p: (order[p.file], p.line, p.column)):
            print(for_terminal(str(problem)))
        broken = len({problem.file for problem in problems})
        print(f"{_count(len(problems), 'problem')} in {_count(broken, 'file')} ({_count(len(files), 'file')} checked)")
        return 1
    print(summary(files))
    return 0


def _empty_folders(targets: Sequence[Path], files: Sequence[SourceFile]) -> list[Problem]:
    """A folder named on the command line that holds nothing to check is worth saying so."""
    problems = []
    for target in targets:
        if not Path(target).expanduser().is_dir():
            continue
        if Path(target).suffix.lower() in YAML_SUFFIXES:
            continue  # the library already says it is a folder
        if not any(_under(f.path, [os.path.realpath(Path(target).expanduser())]) for f in files):
            problems.append(file_problem(Path(target), "no session, exercise or playlist files here"))
    return problems


def _under(path: Path, roots: Sequence[str]) -> bool:
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def summary(files: Sequence[SourceFile]) -> str:
    """ "12 files valid: 5 sessions, 11 exercises, 1 playlist catalogue" """
    kinds = Counter(file.kind for file in files)
    parts = [_count(kinds[kind], noun) for kind, noun in _NOUNS.items() if kinds[kind]]
    if not files:
        return "no files found to check"
    return f"{_count(len(files), 'file')} valid: " + ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
