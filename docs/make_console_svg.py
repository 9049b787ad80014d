"""Draw docs/console.svg: the session screen during the journey, a reminder due (120x36, UTC)."""

from __future__ import annotations

import asyncio
import calendar
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["TZ"] = "UTC"
time.tzset()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from companion.audio.player import SilentPlayer  # noqa: E402
from companion.core.clock import FakeClock  # noqa: E402
from companion.core.journal.store import JournalStore  # noqa: E402
from companion.core.scripts.library import load_library  # noqa: E402
from companion.ui.app import make_app  # noqa: E402

START = calendar.timegm((2027, 1, 15, 14, 0, 0))


async def draw(out: Path) -> None:
    library = load_library([])
    clock = FakeClock(START)
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(
            library,
            store=JournalStore(Path(folder)),
            script=library.session("im-standard"),
            client_code="K-014",
            clock=clock,
            player=SilentPlayer(),
            real_time=clock.now,
        )
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            session = app.session
            session.record_vitals(132, 84, 76, 98, "calm, ready")
            for item in session.state().phase.checklist:
                session.tick(item)
            clock.advance(15 * 60)
            session.next_phase()  # preparation
            clock.advance(10 * 60)
            session.next_phase()  # dosing
            session.give_dose(56, "mg", "IM")
            clock.advance(3 * 60 + 50)
            session.next_phase()  # journey
            clock.advance(10)
            session.add_note("Eyeshades on, breathing slowly.")
            clock.advance(37 * 60)
            app.screen.tick()
            await pilot.pause()
            app.save_screenshot(str(out.name), str(out.parent))


if __name__ == "__main__":
    asyncio.run(draw(ROOT / "docs" / "console.svg"))
