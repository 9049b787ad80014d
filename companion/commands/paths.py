"""`companion paths`: where every folder the program uses is, in one place (like `posting locate`).

Read-only: it creates nothing, so it can be run before the first session to see where things
will go.
"""

from __future__ import annotations

import argparse

from companion import log, paths
from companion.core.config import CONFIG_FILE


def folders() -> dict[str, tuple[str, str]]:
    """name -> (folder, what it holds), in the order printed."""
    return {
        "config": (str(paths.config_dir()), f"your scripts, exercises, playlists and {CONFIG_FILE}"),
        "data": (str(paths.data_dir()), "journals, reports and logs"),
        "cache": (str(paths.cache_dir()), "checked scripts kept to start faster; safe to delete"),
        "rehearsal": (str(paths.rehearsal_root()), "rehearsal journals (--speed), apart from real sessions"),
        "logs": (str(log.logs_dir()), f"one log a day, {log.KEEP_DAYS} days kept"),
    }


def run(args: argparse.Namespace) -> int:
    found = folders()
    if args.only:
        print(found[args.only][0])
        return 0
    width = max(len(name) for name in found)
    for name, (folder, what) in found.items():
        print(f"{name:<{width}}  {folder}")
        print(f"{'':<{width}}  {what}")
    print(f"{'':<{width}}  (COMPANION_CONFIG_DIR, COMPANION_DATA_DIR and COMPANION_CACHE_DIR move them)")
    return 0
