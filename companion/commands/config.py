"""`companion config`: the settings in force, where each came from, and what is wrong in config.yaml.

Every setting is listed, set or not, so the file's possibilities are visible here; `--keys` lists
the console's binding ids with their keys in force, for config.yaml's `keymap:`.
Exit status 1 when config.yaml has a problem, as `companion validate` does for scripts.
"""

from __future__ import annotations

import argparse

from companion import log
from companion.core.config import DEFAULT, KEYS, Config, load_config, setting_help


def run(args: argparse.Namespace) -> int:
    config = load_config()
    if config.keymap_entries or args.keys:
        from companion.ui.keymap import checked

        config = checked(config)
    if args.keys:
        print(render_keys(config))
    else:
        print(render(config))
    for problem in config.problems:
        print(f"  {problem}")
    return 1 if config.problems else 0


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render(config: Config) -> str:
    path = config.path
    exists = path is not None and path.exists()
    lines = [f"config file: {path}" + ("" if exists else " (not there: every setting is its default)"), ""]
    width = max(len(name) for name in KEYS)
    expected = setting_help()
    for name in KEYS:
        value = getattr(config.settings, name)
        source = config.source(name)
        if name == "keymap":
            entries = [f"{ident}: {keys}" for ident, keys in value.items()]
            lines.append(f"{name:<{width}}  {', '.join(entries) or '(the keys as they are)'}    {source}")
        else:
            lines.append(f"{name:<{width}}  {_shown(value):<8}  {source}")
        if source == DEFAULT:
            lines[-1] += f" ({expected[name]})"
    debug = log.debug_from_environment()
    lines.append(
        f"{'debug':<{width}}  {_shown(debug):<8}  "
        + (f"{log.DEBUG_ENVIRONMENT}" if debug else "default (--debug, or COMPANION_DEBUG=1)")
    )
    if config.problems:
        lines += ["", f"{len(config.problems)} problem(s); those settings keep their defaults:"]
    return "\n".join(lines)


def render_keys(config: Config) -> str:
    from companion.ui.keymap import binding_specs

    remapped = dict(config.settings.keymap)
    lines = [f"{'binding id':<24} {'keys':<24} what it does"]
    for spec in sorted(binding_specs(), key=lambda spec: spec.binding_id):
        if not spec.remappable:
            continue
        keys = remapped.get(spec.binding_id, ",".join(spec.keys))
        mark = " *" if spec.binding_id in remapped else ""
        lines.append(f"{spec.binding_id:<24} {keys + mark:<24} {spec.description}")
    lines += ["", "* remapped in config.yaml. Remap one with, for instance:", "  keymap:", "    session.next: j"]
    return "\n".join(lines)
