"""The user's settings: `config.yaml` in the config folder, read and checked exactly as scripts are.

The file is optional and every setting in it too; a setting left out, or written wrongly, keeps
its default, and every problem is reported as `FILE:LINE:COL: field: what was expected` (an
unknown key with "did you mean"), so a typo never stops a session. `Config.sources` says where
each effective value came from, for `companion config`.

The keymap (binding id -> keys) is checked here for its shape; whether an id exists and whether
two bindings would share a key is known only to the console, which passes its bindings to
`check_keymap` (`companion.ui.keymap`). Core keeps no Textual import for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion import paths

if TYPE_CHECKING:  # the YAML reader loads only when there is a file to read
    from companion.core.scripts.fields import Field
    from companion.core.scripts.problems import Problem
    from companion.core.scripts.yamlio import Located

CONFIG_FILE = "config.yaml"
REPORT_FORMATS = ("md", "html", "json")
DEFAULT = "default"

# Textual's names for the keys a single character stands for ("?" is "question_mark").
_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_KEY_NAME = re.compile(r"[a-z0-9_]{2,32}|[A-Za-z0-9]")
_BINDING_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


@dataclass(frozen=True)
class Settings:
    """The effective settings: the defaults, overridden by what config.yaml says."""

    volume: float = 0.5  # where the music starts (companion play, and the console until a phase sets it)
    volume_step: float = 0.1  # how much `[` and `]` move the volume (0.1 is 2 dB; audio.director's own)
    display_font_scale: float = 1.0  # the client display's type, relative to its default size
    start_dimmed: bool = False  # the console opens in its dimmer theme
    report_format: str = "md"  # the report the end of a session offers to write
    encrypt: bool = False  # new journals are encrypted as with `companion run --encrypt`
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id -> Textual key names, comma-separated


# What each setting is in the file, and what it must be.
_HELP = {
    "volume": "a number from 0 to 1",
    "volume_step": "a number from 0.01 to 0.5",
    "display_font_scale": "a number from 0.5 to 3",
    "start_dimmed": "true or false",
    "report_format": " or ".join(f'"{name}"' for name in REPORT_FORMATS),
    "encrypt": "true or false",
    "keymap": "a mapping of binding ids to keys, such as `session.next: j`",
}
KEYS = tuple(f.name for f in fields(Settings))


@dataclass(frozen=True)
class KeymapEntry:
    """One remapped binding as written: its keys (Textual's names) and where it is in the file."""

    binding_id: str
    keys: tuple[str, ...]
    file: Path
    line: int
    column: int

    def problem(self, message: str) -> Problem:
        from companion.core.scripts.problems import Problem

        return Problem(self.file, self.line, self.column, f"keymap.{self.binding_id}", message)


@dataclass(frozen=True)
class Config:
    """The settings, where each came from ("default" or FILE:LINE), and every problem found."""

    settings: Settings = field(default_factory=Settings)
    sources: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    path: Path | None = None
    keymap_entries: tuple[KeymapEntry, ...] = ()

    def source(self, name: str) -> str:
        return self.sources.get(name, DEFAULT)


@dataclass(frozen=True)
class BindingSpec:
    """A console binding, as `check_keymap` needs to know it: its default keys, its description,
    and the screens it is active on (bindings conflict only where they are active together)."""

    binding_id: str
    keys: tuple[str, ...]
    description: str
    screens: frozenset[str]
    remappable: bool = True  # False for Textual's own keys (ctrl+q, ctrl+p), which only block a key


def config_path() -> Path:
    return paths.config_dir() / CONFIG_FILE


def load_config(path: Path | None = None) -> Config:
    """Read config.yaml (by default the one in the config folder). Never raises: a missing file
    gives the defaults; a file with problems gives the defaults for the settings it got wrong."""
    path = config_path() if path is None else path
    if not path.exists():
        return Config(path=path)
    from companion.core.scripts.problems import ScriptError
    from companion.core.scripts.yamlio import load_yaml_file

    try:
        doc = load_yaml_file(path)
    except ScriptError as error:
        return Config(problems=error.problems, path=path)
    return parse_config(doc)


def parse_config(doc: Located) -> Config:
    from companion.core.scripts.fields import Checker

    checker = Checker(doc)
    root = checker.root
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    entries: tuple[KeymapEntry, ...] = ()
    if root.mapping(KEYS, what="a mapping of settings, such as `volume: 0.4`"):
        for name in KEYS:
            node = root[name]
            if not node.present:
                continue
            before = len(checker.problems)
            if name == "keymap":  # the good entries count even when another is wrong
                entries = _keymap(node)
                value: Any = {entry.binding_id: ",".join(entry.keys) for entry in entries}
                good = bool(entries)
            else:
                value = _read(name, node)
                good = len(checker.problems) == before
            if good:
                values[name] = value
                line, _column = doc.where(node.path, key=True)  # the line naming the setting
                sources[name] = f"{doc.file}:{line}"
    return Config(
        settings=replace(Settings(), **values),
        sources=sources,
        problems=tuple(checker.sorted_problems()),
        path=doc.file,
        keymap_entries=entries,
    )


def _read(name: str, node: Field) -> Any:
    if name == "volume":
        return node.number(0.5, minimum=0.0, maximum=1.0)
    if name == "volume_step":
        return node.number(0.1, minimum=0.01, maximum=0.5)
    if name == "display_font_scale":
        return node.number(1.0, minimum=0.5, maximum=3.0)
    if name in ("start_dimmed", "encrypt"):
        return node.boolean(False)
    if name == "report_format":
        return node.choice(REPORT_FORMATS, "md")
    raise KeyError(name)  # pragma: no cover - every field of Settings is read above


def _keymap(node: Field) -> tuple[KeymapEntry, ...]:
    if not isinstance(node.value, dict):
        node.problem(f"expected {_HELP['keymap']}, got {_describe(node)}")
        return ()
    entries = []
    for binding_id in node.value:
        item = node[binding_id]
        if not _BINDING_ID.fullmatch(binding_id):
            item.problem(
                "expected a binding id such as session.next (the `?` list and `companion config` show them)", key=True
            )
            continue
        keys = _keys(item)
        if keys:
            line, column = item.position
            entries.append(KeymapEntry(binding_id, keys, item.checker.doc.file, line, column))
    return tuple(entries)


def _describe(node: Field) -> str:
    from companion.core.scripts.yamlio import describe

    return describe(node.value)


def _keys(item: Field) -> tuple[str, ...]:
    """A key, several keys separated by commas, or a list of keys, in Textual's names."""
    raw = item.value
    written: list[str]
    if isinstance(raw, str):
        written = [part.strip() for part in raw.split(",")] if raw.strip() != "," else [","]
    elif isinstance(raw, list) and all(isinstance(part, str) for part in raw):
        written = [part.strip() for part in raw]
    else:
        item.problem(f"expected a key such as j, ctrl+n or f5 (or a list of them), got {_describe(item)}")
        return ()
    keys = []
    for text in written:
        name = key_name(text)
        if name is None:
            item.problem(f'"{text}" is not a key; expected a key such as j, ?, ctrl+n, f5 or space')
            return ()
        if name not in keys:
            keys.append(name)
    return tuple(keys)


def key_name(text: str) -> str | None:
    """Textual's name of a key as a person writes it ("?" -> "question_mark", "ctrl+N" ->
    "ctrl+n"), or None when it cannot be a key."""
    if not text:
        return None
    if len(text) == 1:
        return _character_key(text)
    *modifiers, last = text.split("+") if not text.endswith("++") else [*text[:-2].split("+"), "+"]
    if any(modifier.lower() not in _MODIFIERS for modifier in modifiers):
        return None
    base = _character_key(last) if len(last) == 1 else last.lower()
    if base is None or not _KEY_NAME.fullmatch(base):
        return None
    if modifiers and len(base) == 1:
        base = base.lower()  # ctrl+N is ctrl+n to a terminal
    return "+".join([*(modifier.lower() for modifier in modifiers), base])


def _character_key(character: str) -> str | None:
    if character.isalnum():
        return character
    if not character.isprintable() or character.isspace():
        return "space" if character == " " else None
    import unicodedata  # here: a config.yaml with a keymap is rare, the table is large

    name = unicodedata.name(character, "").lower().replace("-", "_").replace(" ", "_")
    return _KEY_NAME_REPLACEMENTS.get(name, name) or None


def check_keymap(config: Config, bindings: Iterable[BindingSpec]) -> Config:
    """`config` with its keymap checked against the console's bindings: an unknown id is refused
    with "did you mean", and a key that two bindings active together would share is refused
    naming both. A refused entry is left out (its binding keeps its default key)."""
    from companion.core.scripts.fields import closest

    catalogue = {spec.binding_id: spec for spec in bindings}
    problems = list(config.problems)
    kept: list[KeymapEntry] = []
    for entry in config.keymap_entries:
        spec = catalogue.get(entry.binding_id)
        if spec is not None and spec.remappable:
            kept.append(entry)
            continue
        if spec is not None:
            problems.append(entry.problem(f"{spec.description} ({', '.join(spec.keys)}) cannot be remapped"))
            continue
        guess = closest(entry.binding_id, [spec.binding_id for spec in catalogue.values() if spec.remappable])
        hint = f' (did you mean "{guess}"?)' if guess else "; `companion config --keys` lists them"
        problems.append(entry.problem(f"no such binding{hint}"))
    while True:
        clash = _first_clash(kept, catalogue)
        if clash is None:
            break
        entry, other, key = clash
        kept.remove(entry)
        problems.append(
            entry.problem(
                f'"{key}" would be the key of both {entry.binding_id} ({catalogue[entry.binding_id].description})'
                f" and {other} ({catalogue[other].description}); give one of them another key"
            )
        )
    keymap = {entry.binding_id: ",".join(entry.keys) for entry in kept}
    sources = dict(config.sources)
    if not keymap:
        sources.pop("keymap", None)
    return replace(
        config,
        settings=replace(config.settings, keymap=keymap),
        problems=tuple(sorted(problems, key=lambda p: (str(p.file), p.line, p.column))),
        keymap_entries=tuple(kept),
        sources=sources,
    )


def _first_clash(
    entries: list[KeymapEntry], catalogue: Mapping[str, BindingSpec]
) -> tuple[KeymapEntry, str, str] | None:
    """The last entry (in file order) whose key another binding on the same screen also has: of
    two lines asking for one key, the later is refused and names the earlier."""
    remapped = {entry.binding_id: entry.keys for entry in entries}
    for entry in reversed(entries):
        screens = catalogue[entry.binding_id].screens
        for other in catalogue.values():
            if other.binding_id == entry.binding_id or not screens & other.screens:
                continue
            shared = set(entry.keys) & set(remapped.get(other.binding_id, other.keys))
            if shared:
                return entry, other.binding_id, sorted(shared)[0]
    return None


def effective_settings() -> Settings:
    """The settings in force now, from the cache of checked settings when config.yaml is
    unchanged (`config_cache`), else read afresh."""
    from companion.core import config_cache

    return config_cache.load().settings


def display_font_scale() -> float:
    """How much larger (or smaller) the client display's type is than its default, from
    config.yaml's `display_font_scale` (1.0 when unset or written wrongly)."""
    return effective_settings().display_font_scale


def setting_help() -> Mapping[str, str]:
    """What each setting expects, for `companion config`."""
    return dict(_HELP)
