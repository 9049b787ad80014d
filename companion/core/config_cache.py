"""config.yaml checked once, kept between runs, so the console opens without the YAML reader.

Like the cache of checked scripts (`core/scripts/cache.py`): an entry holds config.yaml's whole
text and the settings checked from it, and is used only when the file's text is exactly that
text and the code that checks it is the same (the package version, and the size and mtime of
each module that reads the file or declares a key binding). Anything else means the file is
read and checked as usual and the entry written anew. The entry is JSON, owner-only in the
cache folder, and holds nothing but the settings; reading or writing it never fails a caller.

Checking a keymap needs every screen of the console imported (to know its bindings), which
with the YAML reader is most of what a config.yaml costs at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from companion import __version__, paths
from companion.core.config import Config, KeymapEntry, Settings, config_path, load_config

FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent.parent
# What decides what config.yaml means: its readers, and every module that declares bindings.
_CODE = (
    "core/config.py",
    "core/scripts/fields.py",
    "core/scripts/yamlio.py",
    "core/scripts/problems.py",
    "ui/keymap.py",
    "ui/app.py",
    "ui/screens/*.py",
    "ui/dialogs/*.py",
)


def load(check: Callable[[Config], Config] | None = None) -> Config:
    """config.yaml as `check(load_config())` makes it, from the cache when nothing changed.

    Without `check`, a cached entry is still used (it was checked further, not less); a file
    read afresh is then not kept."""
    path = config_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Config(path=path)
    except OSError:
        return check(load_config(path)) if check else load_config(path)
    stamp = _stamp()
    found = _cached(path, data, stamp)
    if found is not None:
        return found
    config = load_config(path)
    if check is None:
        return config
    config = check(config)
    _remember(path, data, stamp, config)
    return config


def _entry_path() -> Path:
    return paths.cache_dir() / "config.json"


def _stamp() -> list[Any]:
    found: list[Any] = [__version__]
    for pattern in _CODE:
        for module in sorted(_PACKAGE.glob(pattern)):
            try:
                info = module.stat()
            except OSError:
                continue
            found.append([str(module.relative_to(_PACKAGE)), info.st_size, info.st_mtime_ns])
    return found


def _cached(path: Path, data: bytes, stamp: list[Any]) -> Config | None:
    try:
        entry = json.loads(_entry_path().read_bytes())
        if (
            entry.get("format") != FORMAT
            or entry.get("code") != stamp
            or entry.get("path") != str(path)
            or entry.get("text") != data.decode("utf-8")
        ):
            return None
        return _config(entry["config"], path)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _remember(path: Path, data: bytes, stamp: list[Any], config: Config) -> None:
    try:
        entry = {"format": FORMAT, "code": stamp, "path": str(path), "text": data.decode("utf-8")}
        entry["config"] = _record(config)
        paths.ensure_private_dir(paths.cache_dir())
        paths.write_private_file(_entry_path(), json.dumps(entry))
    except (OSError, ValueError, TypeError):
        return


def _record(config: Config) -> dict[str, Any]:
    settings = config.settings
    return {
        "settings": {
            "volume": settings.volume,
            "volume_step": settings.volume_step,
            "display_font_scale": settings.display_font_scale,
            "start_dimmed": settings.start_dimmed,
            "report_format": settings.report_format,
            "encrypt": settings.encrypt,
            "keymap": dict(settings.keymap),
        },
        "sources": dict(config.sources),
        "problems": [[p.line, p.column, p.field, p.message] for p in config.problems if p.file == config.path],
        "others": len([p for p in config.problems if p.file != config.path]),
        "keymap_entries": [[e.binding_id, list(e.keys), e.line, e.column] for e in config.keymap_entries],
    }


def _config(record: dict[str, Any], path: Path) -> Config | None:
    from companion.core.scripts.problems import Problem

    if record["others"]:
        return None  # a problem that is not in the file itself is never kept
    values = record["settings"]
    return Config(
        settings=Settings(
            volume=float(values["volume"]),
            volume_step=float(values["volume_step"]),
            display_font_scale=float(values["display_font_scale"]),
            start_dimmed=bool(values["start_dimmed"]),
            report_format=str(values["report_format"]),
            encrypt=bool(values["encrypt"]),
            keymap={str(k): str(v) for k, v in values["keymap"].items()},
        ),
        sources={str(k): str(v) for k, v in record["sources"].items()},
        problems=tuple(
            Problem(path, int(line), int(col), str(fld), str(msg)) for line, col, fld, msg in record["problems"]
        ),
        path=path,
        keymap_entries=tuple(
            KeymapEntry(str(ident), tuple(str(k) for k in keys), path, int(line), int(col))
            for ident, keys, line, col in record["keymap_entries"]
        ),
    )
