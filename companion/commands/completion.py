"""`companion completion bash|zsh`: shell completion written from the command line's own parser.

shtab reads the argparse parser that `companion.cli` builds, so every command, option and choice
completes as it is, with no shell code of ours to keep in step.
"""

from __future__ import annotations

import argparse
import os
import sys

from companion.cli import build_parser


def run(args: argparse.Namespace) -> int:
    import shtab

    try:
        print(shtab.complete(build_parser(), shell=args.shell))
    except BrokenPipeError:  # `companion completion bash | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
