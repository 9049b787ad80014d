"""End to end: a live session, `companion display --serve`, and headless Chromium reading the page.

textual-serve draws the terminal into an xterm.js canvas, so the words are not in the DOM. An
init script keeps a reference to the page's xterm Terminal when textual.js stores it (as
`this.terminal`), and the test reads the terminal's buffer: the text the page shows, row by row.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.core.clock import MonotonicClock
from companion.core.events import SessionEnded
from companion.core.journal.store import JournalStore
from companion.core.scripts.library import load_library
from companion.core.session import LiveSession

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

KEEP_TERMINAL = """
(() => {
  const seen = [];
  window.__companionTerminals = seen;
  Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
      if (value && value.buffer) seen.push(value);
    },
  });
})();
"""

READ_TERMINAL = """() => {
  const terminal = (window.__companionTerminals || [])[0];
  if (!terminal) return "";
  const buffer = terminal.buffer.active, rows = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    if (line) rows.push(line.translateToString(true));
  }
  return rows.join("\\n");
}"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, server: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the display server stopped: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listened on port {port} within {seconds} s")


def _page_shows(page, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    seen = ""
    while time.monotonic() < deadline:
        seen = page.evaluate(READ_TERMINAL)
        if text in " ".join(seen.split()):
            return seen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear on the page within {seconds} s; it showed:\n{seen}")


@pytest.fixture(autouse=True)
def no_hang():
    """A browser that stops answering fails the test after 90 s instead of stalling the suite."""

    def give_up(signum, frame):
        raise TimeoutError("the browser test took more than 90 s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(90)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def chromium_and_playwright():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    return pytest.importorskip("playwright.sync_api", reason="playwright (PyPI) is not installed")


@pytest.fixture
def served_display(tmp_path):
    """Start `companion display --serve SESSION` on a free loopback port; stop it afterwards."""
    servers: list[subprocess.Popen] = []

    def start(session_id: str) -> int:
        port = _free_port()
        log = tmp_path / f"serve-{port}.log"
        with open(log, "wb") as output:  # a file, not a pipe nobody reads: the server can never block on it
            server = subprocess.Popen(
                [sys.executable, "-m", "companion", "display", "--serve", "--port", str(port), session_id],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=os.environ.copy(),
                start_new_session=True,  # its own process group: the display processes it spawns stop with it
            )
        servers.append(server)
        _wait_for_port(port, server, log, 20)
        return port

    yield start
    for server in servers:
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def test_the_browser_shows_the_phase_text_and_follows_the_session(chromium_and_playwright, served_display, tmp_path):
    demo = load_library().session("demo")
    session = LiveSession.start(demo, JournalStore(), MonotonicClock(), client_code="K-BROWSER-1")
    try:
        port = served_display(session.session_id)
        with chromium_and_playwright.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
            try:
                page = browser.new_page(viewport={"width": 1000, "height": 600})
                page.add_init_script(KEEP_TERMINAL)
                page.goto(f"http://127.0.0.1:{port}/", timeout=20_000)
                # Generous waits: CI shares two cores. How fast the display follows is the pilot tests' job.
                shown = _page_shows(page, demo.phases[0].client, seconds=20)
                assert "K-BROWSER-1" not in shown
                page.screenshot(path=str(tmp_path / "display-arrival.png"))

                session.jump("journey")
                _page_shows(page, demo.phases[2].client, seconds=10)
                session.record(SessionEnded(session.now()))
                _page_shows(page, "The session has ended. Take your time.", seconds=10)
                page.screenshot(path=str(tmp_path / "display-ended.png"))
            finally:
                browser.close()
    finally:
        session.close()
    shot = tmp_path / "display-arrival.png"
    assert shot.stat().st_size > 1000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_served_page_asks_nothing_from_the_internet(served_display):
    demo = load_library().session("demo")
    session = LiveSession.start(demo, JournalStore(), MonotonicClock())
    try:
        port = served_display(session.session_id)
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            page = response.read().decode()
    finally:
        session.close()
    assert "fonts.googleapis.com" not in page
    assert f"127.0.0.1:{port}/static/js/textual.js" in page
