"""config.yaml's `keymap:` in the console, through Textual's own keymap (`App.set_keymap`).

Every `Binding` of the console has a stable `id` (`session.next`, `confirm.yes`, ...). This
module lists them with the screens they are active on (`binding_specs`, which the core's
`check_keymap` uses to refuse unknown ids and keys two bindings would share), applies a checked
keymap to an App (`apply`), and gives a screen's bindings with the keys in force
(`shown_bindings`) for the `?` list and the command palette. Textual puts a remapped key last
among the active bindings, where a narrow footer cuts it off; a screen that takes the
`DeclaredOrder` mixin lists them in the order its BINDINGS declare instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from textual.app import App
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen

from companion.core.config import BindingSpec, Config, check_keymap

# Where the console's screens and dialogs live; each module's Screen classes are looked at.
_PACKAGES = ("companion.ui.screens", "companion.ui.dialogs")


def _screen_classes() -> Iterator[type[Screen[Any]]]:
    import inspect  # here: only a config.yaml with a keymap needs them, not every start
    import pkgutil

    seen: set[type] = set()
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package_name}.{info.name}")
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, Screen) and cls.__module__ == module.__name__ and cls not in seen:
                    seen.add(cls)
                    yield cls


def _own_bindings(cls: type) -> Iterator[Binding]:
    """The bindings a class has, its bases' included (as Textual merges them)."""
    for klass in reversed(cls.__mro__):
        declared = klass.__dict__.get("BINDINGS", ())
        yield from (binding for binding in declared if isinstance(binding, Binding))


def binding_specs() -> list[BindingSpec]:
    """Every binding of the console's screens and dialogs, and the App's own keys, which are
    active on all of them (they can block a key but cannot be remapped)."""
    from companion.ui.app import CompanionApp

    classes = list(_screen_classes())
    everywhere = frozenset(cls.__qualname__ for cls in classes)
    specs: dict[str, BindingSpec] = {}
    for cls in classes:
        for binding in _own_bindings(cls):
            ident = binding.id or f"{cls.__qualname__.lower()}.{binding.action}"
            known = specs.get(ident)
            screens = frozenset({cls.__qualname__}) | (known.screens if known else frozenset())
            specs[ident] = BindingSpec(
                ident, _keys(binding), binding.tooltip or binding.description, screens, binding.id is not None
            )
    app_keys = [*_own_bindings(CompanionApp), Binding(CompanionApp.COMMAND_PALETTE_BINDING, "command_palette")]
    for binding in app_keys:
        if binding.system and binding.key == "ctrl+c":
            continue  # Textual's "press ctrl+q to quit" hint, not an action
        ident = binding.id or f"app.{binding.action}"
        description = binding.tooltip or binding.description or binding.action.replace("_", " ")
        specs[ident] = BindingSpec(ident, _keys(binding), description, everywhere, binding.id is not None)
    return list(specs.values())


def _keys(binding: Binding) -> tuple[str, ...]:
    return tuple(key.strip() for key in binding.key.split(","))


def checked(config: Config) -> Config:
    """`config` with its keymap checked against the console's bindings (imports the screens
    and dialogs only when there is a keymap to check)."""
    if not config.keymap_entries:
        return config
    return check_keymap(config, binding_specs())


def apply(app: App[Any], config: Config) -> None:
    """Give the app the keymap of a checked config (see `checked`)."""
    if config.settings.keymap:
        app.set_keymap(dict(config.settings.keymap))


def shown_bindings(screen: Screen[Any], bindings: Iterable[Binding] | None = None) -> list[Binding]:
    """The screen's own bindings (`BINDINGS` by default) with the keys in force: a remapped
    binding carries its new keys and their display, the others are as declared."""
    declared = [b for b in (screen.BINDINGS if bindings is None else bindings) if isinstance(b, Binding)]
    in_force: dict[str, list[str]] = {}
    for key, active in screen.active_bindings.items():
        if active.node is screen and active.binding.id:
            in_force.setdefault(active.binding.id, []).append(key)
    shown = []
    for binding in declared:
        keys = in_force.get(binding.id or "")
        if not keys or set(keys) == set(_keys(binding)):
            shown.append(binding)
            continue
        display = " ".join(screen.app.get_key_display(binding.with_key(key)) for key in keys)
        shown.append(binding.with_key(",".join(keys), key_display=display))
    return shown


class DeclaredOrder:
    """For a Screen: `active_bindings` (what the footer draws) in the order of the screen's
    BINDINGS, a remapped key in its own place; the App's keys after them."""

    BINDINGS: ClassVar[list[Any]]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        found: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        rank = {binding.id: index for index, binding in enumerate(self.BINDINGS) if isinstance(binding, Binding)}
        last = len(rank)
        return dict(sorted(found.items(), key=lambda item: rank.get(item[1].binding.id, last)))
