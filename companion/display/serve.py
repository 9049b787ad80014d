"""`companion display --serve`: the client's screen as a web page, for a tablet or a monitor.

Starts the page's server (web/server.py) in this process, on loopback unless asked, with a
random token per run in the address it prints. Served beyond loopback it also prints the
address other devices reach, a QR code of it for the tablet's camera, and a plain warning.
SIGTERM and Ctrl+C stop it at once: the viewers are told the server has gone, and the page
keeps the last words and reconnects when it comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import ipaddress
import secrets
import signal
import socket
import sys
from collections.abc import Iterable
from pathlib import Path

from companion.core.journal.store import JournalStore
from companion.display.follow import Follower


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def network_warning(host: str, port: int) -> str | None:
    if is_loopback(host):
        return None
    return (
        f"Warning: the client display is served on {host}:{port}, beyond this computer. "
        "Anyone on this network who has its address, key included, can watch the client's screen. "
        "Serve on 127.0.0.1 (the default) unless the screen facing the client needs it."
    )


def port_problem(host: str, port: int) -> str | None:
    """Why `host:port` cannot be listened on, checked before the server says it is serving."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        return f"{host} is not an address of this computer ({error.strerror})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return error.strerror or str(error)
    return None


def reachable_host(host: str) -> str:
    """The address another device on the network uses for `host` (for 0.0.0.0: this computer's
    address on the network its default route leaves by; no packet is sent to find it)."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # a documentation address: connect() on UDP only picks a route
        return str(probe.getsockname()[0])
    return socket.gethostname()


def page_url(host: str, port: int, token: str) -> str:
    name = f"[{host}]" if ":" in host else host
    return f"http://{name}:{port}/?t={token}"


def qr_code(text: str) -> str:
    """`text` as a QR code drawn in the terminal (segno, a pure-Python QR library)."""
    import segno

    drawn = io.StringIO()
    segno.make(text, error="m").terminal(out=drawn, compact=True)
    return drawn.getvalue()


def serve(
    session: str | None,
    host: str,
    port: int,
    extra_dirs: Iterable[Path] = (),
    *,
    stores: list[JournalStore] | None = None,
    scale: float = 1.0,
    max_viewers: int | None = None,
) -> int:
    problem = port_problem(host, port)
    if problem:
        print(f"companion display: cannot serve on {host}:{port} ({problem}).", file=sys.stderr)
        return 1
    token = secrets.token_urlsafe(18)
    follower = Follower(session, stores, extra_dirs=extra_dirs)
    try:
        return asyncio.run(_run(follower, host, port, token, scale, max_viewers))
    except OSError as error:
        print(f"companion display: cannot serve on {host}:{port} ({error.strerror or error}).", file=sys.stderr)
        return 1


async def _run(follower: Follower, host: str, port: int, token: str, scale: float, max_viewers: int | None) -> int:
    from aiohttp import web

    from companion.display.web.server import MAX_VIEWERS, DisplayServer

    loopback = is_loopback(host)
    server = DisplayServer(
        follower, token=token, loopback=loopback, scale=scale, max_viewers=max_viewers or MAX_VIEWERS
    )
    runner = web.AppRunner(server.app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    try:
        await web.TCPSite(runner, host or None, port).start()
        _announce(host, port, token, loopback)
        await stop.wait()
    finally:
        await runner.cleanup()
    print("Stopped serving the client display.", flush=True)
    return 0


def _announce(host: str, port: int, token: str, loopback: bool) -> None:
    url = page_url(reachable_host(host), port, token)
    print(f"Serving the client display at {url}", flush=True)
    if not loopback:
        print("Open it on the screen facing the client, or point the tablet's camera at this code:", flush=True)
        print(qr_code(url), end="", flush=True)
        warning = network_warning(host, port)
        if warning:
            print(warning, file=sys.stderr, flush=True)
    print("Press Ctrl+C to stop.", flush=True)
