"""Wheel build hook: ship the bundled audio, but not the scripts that generate and plot it.

hatchling's `force-include` copies a folder whole and ignores `exclude`, so the audio folder is
added here file by file: everything under audio/ but generate.py and plot.py (which stay in the
repository). A folder of music added later ships without anyone listing it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

DEVELOPMENT_ONLY = {"generate.py", "plot.py"}


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads audio/ from the repository itself
        audio = Path(self.root) / "audio"
        for path in sorted(audio.rglob("*")):
            relative = path.relative_to(audio)
            if path.is_file() and path.name not in DEVELOPMENT_ONLY and "__pycache__" not in relative.parts:
                build_data["force_include"][str(path)] = f"companion/_bundled/audio/{relative.as_posix()}"
