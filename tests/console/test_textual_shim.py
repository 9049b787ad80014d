"""Guards for `companion/ui/textual_shim.py`, the one module that uses Textual's internals.

The first test fails when Textual changes what the shim works around (the Footer's leak is
fixed, or its watchers are kept elsewhere): then the shim can go, or must follow. The second
shows the shim doing its job. The pinned minor version is checked against the installed one.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import textual
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Footer as TextualFooter
from textual.widgets import Label

from companion.ui.textual_shim import WATCHERS
from companion.ui.widgets.footer import Footer

ROUNDS = 12


def watcher_count(owner: object) -> int:
    """How many watchers `owner`'s reactives hold, where textual.reactive keeps them."""
    return sum(len(watchers) for watchers in getattr(owner, WATCHERS, {}).values())


class Dialog(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield Label("a dialog")


def footer_app(footer_class: type[TextualFooter]) -> App[None]:
    class FooterApp(App[None]):
        BINDINGS = [("x", "noop", "Something"), ("y", "other", "Else")]

        def compose(self) -> ComposeResult:
            yield Label("main")
            yield footer_class(compact=True)

        def action_noop(self) -> None:
            pass

        def action_other(self) -> None:
            pass

    return FooterApp()


async def watchers_after_dialogs(footer_class: type[TextualFooter]) -> tuple[int, int]:
    app = footer_app(footer_class)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        footer = app.query_one(footer_class)
        before = watcher_count(footer)
        for _ in range(ROUNDS):
            app.push_screen(Dialog())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        return before, watcher_count(footer)


async def test_textual_still_keeps_watchers_of_footer_keys_it_no_longer_shows() -> None:
    before, after = await watchers_after_dialogs(TextualFooter)
    assert before > 0, "Textual no longer keeps watchers where textual_shim looks for them"
    assert after >= before + ROUNDS, "Textual's Footer no longer leaks: textual_shim can go"


async def test_the_console_footer_keeps_only_the_watchers_of_keys_on_screen() -> None:
    before, after = await watchers_after_dialogs(Footer)
    assert 0 < after <= before


async def test_footer_keys_names_the_action_of_each_key_the_footer_shows() -> None:
    from companion.ui.textual_shim import footer_keys

    app = footer_app(TextualFooter)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        assert [key for _, key in footer_keys(app.query_one(TextualFooter))] == ["noop", "other", "command_palette"]


def test_the_textual_minor_version_is_pinned_to_the_installed_one() -> None:
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    pin = next(d for d in project["project"]["dependencies"] if d.startswith("textual>") or d.startswith("textual="))
    minor = ".".join(textual.__version__.split(".")[:2])
    major, minor_number = (int(part) for part in minor.split("."))
    assert re.fullmatch(rf"textual>={minor}(\.\d+)?,<{major}\.{minor_number + 1}", pin), pin
