"""config.yaml's settings given to the console before it runs: keys, dimming, volume, the report.

The settings are read and checked by `companion.core.config`; this module only hands each to
the part of the console that uses it, and mentions problems in the file once the console is up
(the settings written correctly are in force all the same).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from companion.core.config import Config
from companion.ui import keymap
from companion.ui.dim import set_dimmed

if TYPE_CHECKING:
    from companion.ui.app import CompanionApp

_log = logging.getLogger("companion.config")


def apply_settings(app: CompanionApp, config: Config) -> None:
    """Give `app` the settings of `config` (checked with `keymap.checked`)."""
    settings = config.settings
    keymap.apply(app, config)
    # Only what config.yaml sets: each part keeps its own default otherwise.
    if settings.start_dimmed:
        set_dimmed(app, True)
    if "volume" in config.sources:
        app.audio.volume = settings.volume
    if "volume_step" in config.sources:
        app.audio.volume_step = settings.volume_step
    app.report_format = settings.report_format
    set_here = {name: config.source(name) for name in config.sources}
    _log.debug("settings from %s: %s", config.path, set_here or "none (all defaults)")
    for problem in config.problems:
        _log.warning("%s", problem)
    if config.problems:
        count = len(config.problems)
        where = config.path or "config.yaml"
        app.call_later(
            app.notify,
            f"{count} problem(s) in {where}; `companion config` lists them. The other settings are in force.",
            title="Settings",
            severity="warning",
            timeout=10,
            markup=False,
        )
