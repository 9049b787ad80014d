"""The one place that leans on Textual's internals, for what its public API does not offer.

Textual (pinned to its minor version in pyproject.toml) keeps the watchers a `data_bind`
sets up in a private per-object dictionary, and prunes a reactive's list only when that
reactive changes. The Footer binds each FooterKey it draws to its own `compact` reactive,
which never changes here, and draws new keys on every screen change, so every key it ever drew
stays alive: about a megabyte per dialog opened, tens over a long session. There is no public
way to drop a watcher, so `forget_detached_watchers` prunes that list.

Textual's FooterKey, which says which action it shows, is not exported either
(`footer_keys`): the console's Footer hides some keys in a narrow window.

`tests/console/test_textual_shim.py` fails when Textual changes this behaviour: then this
module can shrink (the leak is gone) or must follow (the storage moved).
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets._footer import FooterKey

WATCHERS = "__watchers"  # where textual.reactive keeps an object's watchers


def forget_detached_watchers(owner: DOMNode) -> None:
    """Drop the watchers on `owner`'s reactives that belong to widgets no longer mounted."""
    for watchers in getattr(owner, WATCHERS, {}).values():
        watchers[:] = [(node, callback) for node, callback in watchers if node is owner or node.is_attached]


def footer_keys(footer: Widget) -> Iterator[tuple[Widget, str]]:
    """Each key a Footer shows, with the action it runs ("distress", "volume(1)", ...)."""
    for key in footer.query(FooterKey):
        yield key, key.action
