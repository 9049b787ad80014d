"""The client display served to a browser (a monitor or tablet facing the client) by textual-serve.

Each browser that connects gets its own `companion display` process, the terminal view as it
is. Loopback only unless asked: a display on the local network can be watched by anyone there.
The page asks nothing from the internet (textual-serve's page would fetch a web font), and its
links follow the address the browser used, so a tablet reaching 192.168.1.20 gets working URLs
even when the server listens on 0.0.0.0.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from textual_serve.server import Server

_WEB_FONT = re.compile(r"\s*<link\s+rel=\"stylesheet\"\s+href=\"https://fonts\.googleapis\.com[^>]*>", re.S)


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
        "Anyone on this network who opens its address can watch the client's screen. "
        "Serve on 127.0.0.1 (the default) unless the screen facing the client needs it."
    )


def display_command(session: str | None, extra_dirs: Iterable[Path] = ()) -> str:
    """The shell command each browser connection runs: the terminal display of the same session."""
    argv = [sys.executable, "-m", "companion", "display"]
    for folder in extra_dirs:
        argv += ["--scripts", str(folder)]
    if session:
        argv.append(str(session))
    return shlex.join(argv)


def _offline_templates() -> Path:
    """textual-serve's page without its web font, in a private temporary folder."""
    original = Path(sys.modules[Server.__module__].__file__).parent / "templates"
    folder = Path(tempfile.mkdtemp(prefix="companion-display-"))
    for template in original.glob("*.html"):
        (folder / template.name).write_text(_WEB_FONT.sub("", template.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


class DisplayServer(Server):
    def __init__(self, command: str, host: str, port: int) -> None:
        self._templates = _offline_templates()
        super().__init__(command, host=host, port=port, title="Session Companion", templates_path=self._templates)

    async def on_shutdown(self, app) -> None:
        shutil.rmtree(self._templates, ignore_errors=True)

    async def on_startup(self, app) -> None:
        if self.host in ("0.0.0.0", "::", ""):
            where = f"port {self.port} of every network address of this computer"
        else:
            where = self.public_url
        print(f"Serving the client display on {where}. Open it in the browser facing the client.", flush=True)
        print("Press Ctrl+C to stop.", flush=True)

    async def handle_index(self, request):
        self.public_url = f"{request.scheme}://{request.host}"  # the address this browser used
        return await super().handle_index(request)


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


def serve(session: str | None, host: str, port: int, extra_dirs: Iterable[Path] = ()) -> int:
    problem = port_problem(host, port)
    if problem:
        print(f"companion display: cannot serve on {host}:{port} ({problem}).", file=sys.stderr)
        return 1
    warning = network_warning(host, port)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    server = DisplayServer(display_command(session, extra_dirs), host, port)
    try:
        server.serve()
    except OSError as error:
        print(f"companion display: cannot serve on {host}:{port} ({error.strerror or error}).", file=sys.stderr)
        return 1
    return 0
