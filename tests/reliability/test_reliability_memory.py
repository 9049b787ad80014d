"""Memory stays flat however many dialogs a session opens.

Textual's Footer binds each FooterKey to its `compact` reactive (data_bind) and recomposes on
every screen change; the watcher list keeps every old FooterKey alive (pruned only when
`compact` changes, which it never does), about 0.85 MB per dialog opened. A fix on our side: a
Footer subclass whose recompose prunes watchers of detached nodes, e.g.

    class Footer(textual.widgets.Footer):
        async def recompose(self) -> None:
            await super().recompose()
            for watchers in getattr(self, "__watchers", {}).values():
                watchers[:] = [(n, cb) for n, cb in watchers if n is self or n.is_attached]
"""

from __future__ import annotations

import gc

from console_kit import console


async def test_forty_note_dialogs_leave_no_footer_keys_behind(tmp_path):
    app, clock, _player, store = console(tmp_path)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        for _ in range(40):
            await pilot.press("t")
            await pilot.pause()
            await pilot.press("o", "k", "enter")
            await pilot.pause()
        gc.collect()
        alive = [o for o in gc.get_objects() if type(o).__name__ == "FooterKey"]
        shown = len(app.screen.query("FooterKey"))
        assert len(alive) <= 2 * shown + 5, f"{len(alive)} FooterKeys alive, {shown} on screen"
