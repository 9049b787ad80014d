"""Shared pieces for the browser tests and the display benchmark: the server, Chromium, pixels.

`start_server` runs `companion display --serve` as a person would, on a free loopback port,
and reads the address (with its key) it prints. `brightest` measures a screenshot's brightest
pixel, decoded by Chromium itself.
"""

from __future__ import annotations

import base64
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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
DARK_ROOM_CEILING = 0.60  # the brightest pixel's luma, 0..1: nothing near white, ever
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
TABLET = {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    port: int
    token: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
            raise

    def cpu_seconds(self) -> float:
        """User and system time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def children(self) -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(stat[1]) == self.process.pid:
                    found.append(int(entry))
        return found


def start_server(folder: Path, *args: str, host: str = "127.0.0.1", seconds: float = 30.0) -> Served:
    """`companion display --serve ARGS` on a free port; returns once it printed its address."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    private_tmp = folder / "tmp"  # rehearsals live in the temporary folder: not another test's
    private_tmp.mkdir(exist_ok=True)
    with open(log, "wb") as output:  # a file, not a pipe nobody reads: the server can never block on it
        process = subprocess.Popen(
            [sys.executable, "-m", "companion", "display", "--serve", "--host", host, "--port", str(port), *args],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "TMPDIR": str(private_tmp)},
            start_new_session=True,
        )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        printed = log.read_text(errors="replace")
        found = re.search(r"http://\S+/\?t=(\S+)", printed)
        if found and "Press Ctrl+C to stop." in printed:
            url = found.group(0)
            if host in ("0.0.0.0", "::"):
                url = f"http://127.0.0.1:{port}/?t={found.group(1)}"
            return Served(process, url, port, found.group(1), log)
        if process.poll() is not None:
            raise AssertionError(f"the display server stopped: {log.read_text(errors='replace')}")
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"the display server printed no address within {seconds} s")


MEASURE_LUMA = """async (source) => {
  const image = new Image();
  image.src = source;
  await image.decode();
  const canvas = new OffscreenCanvas(image.naturalWidth, image.naturalHeight);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let most = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const luma = 0.2126 * pixels[i] + 0.7152 * pixels[i + 1] + 0.0722 * pixels[i + 2];
    if (luma > most) most = luma;
  }
  return most / 255;
}"""


def brightest(browser, data: bytes) -> float:
    """The brightest pixel of a PNG screenshot as luma (Rec. 709 weights on the sRGB values), 0..1.

    Decoded by the browser itself, in a blank page of its own (no image library needed here).
    """
    page = browser.new_page()
    try:
        return float(page.evaluate(MEASURE_LUMA, "data:image/png;base64," + base64.b64encode(data).decode()))
    finally:
        page.close()


class CuttableLink:
    """A TCP relay between the browser and the server whose connections can be cut, as a tablet's
    Wi-Fi drops: `cut()` closes every connection and refuses new ones until `mend()`."""

    def __init__(self, target_port: int) -> None:
        import threading

        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.refusing = False
        self.closed = False
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import threading

        while not self.closed:
            try:
                near, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                near.close()
                continue
            try:
                far = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                near.close()
                continue
            far.settimeout(None)
            with self.lock:
                self.open += [near, far]
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        self.refusing = True
        with self.lock:
            ends, self.open = self.open, []
        for end in ends:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()

    def mend(self) -> None:
        self.refusing = False

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()
