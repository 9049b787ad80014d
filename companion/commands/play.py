"""`companion play PLAYLIST [--seconds N] [--scripts DIR]`: preview a playlist in the terminal.

So a therapist can hear the music before a session (and check their own folder of music), with
the track name, position, volume and mute. With --seconds it fades out and ends by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.core.scripts.library import Library
    from companion.core.scripts.problems import Problem

import argparse
import sys
from collections.abc import Mapping

from companion.core.scripts.playlists import Playlist


def run(args: argparse.Namespace) -> int:
    loaded = _load_library(list(getattr(args, "scripts", []) or []))
    if loaded is None:
        return 1
    playlists = dict(loaded.playlists)
    playlist = playlists.get(args.playlist)
    if playlist is None:
        print(unknown_playlist_message(args.playlist, playlists), file=sys.stderr)
        # A typo in a playlists.yaml is the likely reason: say where.
        for problem in _catalogue_problems(loaded):
            print(problem, file=sys.stderr)
        return 1
    seconds = getattr(args, "seconds", None)
    if seconds is not None and seconds <= 0:
        print("--seconds needs a number of seconds above zero.", file=sys.stderr)
        return 1

    from companion.core.config import load_config
    from companion.ui.play_app import PlayApp

    config = load_config()  # a config.yaml with problems still gives its good settings
    settings = config.settings
    app = PlayApp(playlist, seconds=seconds, volume=settings.volume)
    if "volume_step" in config.sources:
        app.volume_step = settings.volume_step
    app.run()
    return app.return_code or 0


def unknown_playlist_message(wanted: str, playlists: Mapping[str, Playlist]) -> str:
    known = ", ".join(sorted(playlists)) or "(none)"
    return f"There is no playlist called {wanted!r}. Playlists: {known}."


def _load_library(extra_dirs: list[Path]) -> Library | None:
    """The library (playlists and all); None (after saying why) when it cannot be read."""
    from companion.core.scripts import library

    try:
        return library.load_library(extra_dirs)
    except Exception as error:  # a problem in a file: said plainly, never a traceback
        print(f"Could not read the playlists: {error}", file=sys.stderr)
        return None


def _catalogue_problems(loaded: Library) -> list[Problem]:
    """Problems found in playlist catalogues (playlists.yaml), in file and line order."""
    return sorted(p for p in loaded.problems if p.file.name in ("playlists.yaml", "playlists.yml"))
