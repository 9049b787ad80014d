"""SIGTERM and SIGHUP close the console as `q` does, and a close that hangs is cut short.

A shutdown, `kill PID` or a closed terminal window asks the app to exit: Textual restores the
terminal and the journal is closed. The handler is a plain signal handler, not the event
loop's, because the loop itself may be stuck: Textual's output thread dies on its first write
to a terminal that has gone away, the app's next writes fill that thread's queue, and the loop
then waits on the queue forever, the music playing on in a process nobody can see (it can also
stop inside Textual's own shutdown, after the app has unmounted). So a signal also starts a
watchdog: if the process is still there EXIT_GRACE seconds later, the music fades over
SIGNAL_FADE seconds and the process ends. A process that ends normally takes the watchdog with it (a
daemon thread). Nothing is lost: the journal syncs every event as it is recorded, and records
the disk refused are written to an owner-only file in the cache folder, named on stderr.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

EXIT_GRACE = 6.0  # a normal close, music faded first, takes about three seconds
SIGNAL_FADE = 1.0  # a shutdown or a closed window: a short fade, still no cut
SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class CloseOnSignal:
    def __init__(
        self,
        exit_app: Callable[[], object],
        fade_music: Callable[[float], None],
        rescue: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.exit_app = exit_app
        self.fade_music = fade_music
        self.rescue = rescue  # writes records the journal's file lacks elsewhere; says where
        self._watchdog: threading.Thread | None = None
        self._previous: dict[int, Any] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._signum = signal.SIGTERM

    def install(self) -> None:
        """From the app's start, on the main thread (elsewhere signals cannot be handled)."""
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = asyncio.get_running_loop()
        for signum in SIGNALS:
            try:
                self._previous[signum] = signal.signal(signum, self._on_signal)
            except (ValueError, OSError):
                pass

    def closed(self) -> None:
        """The app has unmounted: give the signals back. A watchdog already started stays: the
        process may still stop on its way out."""
        for signum, previous in self._previous.items():
            try:
                signal.signal(signum, previous)
            except (ValueError, OSError, TypeError):
                pass
        self._previous.clear()

    def _on_signal(self, signum: int, frame: object) -> None:
        if self._watchdog is None:
            self._signum = signal.Signals(signum)
            self._watchdog = threading.Thread(target=self._cut_short, name="companion-close", daemon=True)
            self._watchdog.start()
        try:
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self.exit_app)
        except RuntimeError:
            pass  # the loop has closed already: the process is on its way out

    def _cut_short(self) -> None:
        time.sleep(EXIT_GRACE)
        try:
            self.fade_music(SIGNAL_FADE)  # a player already closed ignores it
        except Exception:  # noqa: BLE001 - ending the process must not depend on the sound
            pass
        time.sleep(SIGNAL_FADE + 0.2)
        try:
            said = self.rescue()
            if said:
                os.write(2, f"companion: {said}\n".encode())
        except Exception:  # noqa: BLE001 - ending the process must not depend on it
            pass
        os._exit(128 + self._signum)  # as a process ended by the signal reports itself
