"""The web page's server: the page, its files and one WebSocket stream per viewer, in one process.

Private by default. Every request for the page or the stream must carry the run's random token
(`?t=`); one with an `Origin` other than the server's own address is refused (a web page open in
the therapist's browser cannot watch the client's screen or tie up the laptop); served on
loopback, a `Host` that is not a loopback name is refused too (DNS rebinding). At most
`max_viewers` streams at once; one more is refused before anything is set up for it.

Cheap: one task polls the journal every POLL_SECONDS through the Follower and sends only when
the view changes; each viewer costs a socket and nothing else. A browser that vanishes is
noticed by the WebSocket heartbeat and forgotten.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import sys
from collections.abc import Awaitable, Callable
from importlib import resources

from aiohttp import WSCloseCode, WSMsgType, web

from companion.display.follow import POLL_SECONDS, Follower
from companion.display.status import ScreenStatus
from companion.display.web.feed import KEEPALIVE, encode, view_message

MAX_VIEWERS = 4
KEEPALIVE_SECONDS = 15.0  # the page reconnects when it has heard nothing for three of these
SEND_TIMEOUT = 5.0  # a viewer that cannot take a message in this long is let go
STATIC = {  # name: content type; nothing else is served
    "display.css": "text/css; charset=utf-8",
    "display.js": "text/javascript; charset=utf-8",
    "pacer.js": "text/javascript; charset=utf-8",
}
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
LOOPBACK_NAMES = {"localhost", "localhost.", "127.0.0.1", "::1"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _asset(name: str) -> str:
    return resources.files("companion.display.web").joinpath("static", name).read_text(encoding="utf-8")


def refusal_page(status: int, words: str, *, retry_after: int | None = None) -> web.Response:
    """A refusal as a dark page: nothing white, even on an error. With `retry_after` the page
    tries again by itself after that many seconds (a place among the viewers may come free)."""
    again = f'<meta http-equiv="refresh" content="{retry_after}">' if retry_after else ""
    body = _asset("refused.html").replace("__WORDS__", words).replace("__AGAIN__", again)
    return web.Response(status=status, text=body, content_type="text/html", headers=HEADERS)


class DisplayServer:
    """The aiohttp application around one Follower."""

    def __init__(
        self,
        follower: Follower,
        *,
        token: str,
        loopback: bool = True,
        scale: float = 1.0,
        max_viewers: int = MAX_VIEWERS,
    ) -> None:
        self.follower = follower
        self.token = token
        self.loopback = loopback
        self.scale = scale
        self.max_viewers = max_viewers
        self.viewers: set[web.WebSocketResponse] = set()
        self.status = ScreenStatus("browser")
        self._slots = 0  # streams admitted, counted before their handshake completes
        self._key: tuple[object, ...] | None = None
        self._assets = {name: _asset(name) for name in STATIC}
        self._page = _asset("index.html").replace("__SCALE__", f"{scale:g}")
        self.app = web.Application(middlewares=[self._guard])
        self.app.router.add_get("/", self.page)
        self.app.router.add_get("/stream", self.stream)
        self.app.router.add_get("/static/{name}", self.static)
        self.app.router.add_get("/favicon.ico", self.no_icon)
        self.app.on_startup.append(self._start_following)
        self.app.on_shutdown.append(self._close_viewers)
        self._follow_task: asyncio.Task[None] | None = None

    # -- the guard in front of everything ---------------------------------------------------

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.loopback and _hostname(request.host) not in LOOPBACK_NAMES:
            return refusal_page(403, "This screen is only shown on this computer.")
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            return refusal_page(403, "This screen cannot be opened from another page.")
        if request.path in ("/", "/stream") and not hmac.compare_digest(
            request.query.get("t", "").encode(), self.token.encode()
        ):
            return refusal_page(403, "Open the address companion display printed, with its key.")
        return await handler(request)

    # -- the page ---------------------------------------------------------------------------

    async def page(self, request: web.Request) -> web.StreamResponse:
        if self._slots >= self.max_viewers:
            return refusal_page(503, f"This screen is already open in {self.max_viewers} places.", retry_after=15)
        return web.Response(text=self._page, content_type="text/html", headers=HEADERS)

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        return web.Response(text=self._assets[name], headers={**HEADERS, "Content-Type": STATIC[name]})

    async def no_icon(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=204, headers=HEADERS)

    # -- the stream -------------------------------------------------------------------------

    async def stream(self, request: web.Request) -> web.StreamResponse:
        if self._slots >= self.max_viewers:
            return web.Response(status=503, text="Too many screens are open.", headers=HEADERS)
        self._slots += 1
        ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=4096)
        try:
            await ws.prepare(request)
            self.viewers.add(ws)
            self._report()
            await ws.send_str(self._current_message())
            async for message in ws:  # the page sends nothing that matters; only a close ends this
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            self.viewers.discard(ws)
            self._slots -= 1
            self._report()
        return ws

    def _current_message(self) -> str:
        """The view as of now: an exercise's seconds counted up to this moment."""
        return encode(view_message(self.follower.view, self.follower.session_time))

    # -- following the journal --------------------------------------------------------------

    async def _start_following(self, app: web.Application) -> None:
        problem = self.follower.start()
        if problem:
            print(f"companion display: {problem}", file=sys.stderr, flush=True)
        self._follow_task = asyncio.get_running_loop().create_task(self._follow())

    async def _follow(self) -> None:
        quiet = 0.0
        said: str | None = None
        while True:
            try:
                view = self.follower.poll()
            except Exception as error:  # noqa: BLE001 - the page keeps its last picture; the server goes on
                if str(error) != said:
                    said = str(error)
                    print(f"companion display: the session could not be read ({error}).", file=sys.stderr, flush=True)
                await asyncio.sleep(POLL_SECONDS)
                continue
            if view.key != self._key:
                self._key = view.key
                await self._send_all(self._current_message())
                quiet = 0.0
            elif (quiet := quiet + POLL_SECONDS) >= KEEPALIVE_SECONDS:
                await self._send_all(KEEPALIVE)
                quiet = 0.0
            self._report()
            await asyncio.sleep(POLL_SECONDS)

    async def _send_all(self, text: str) -> None:
        viewers = list(self.viewers)
        if not viewers:
            return
        results = await asyncio.gather(
            *(asyncio.wait_for(ws.send_str(text), SEND_TIMEOUT) for ws in viewers), return_exceptions=True
        )
        for ws, result in zip(viewers, results, strict=True):
            if isinstance(result, BaseException):
                self.viewers.discard(ws)
                asyncio.get_running_loop().create_task(ws.close(code=WSCloseCode.GOING_AWAY))

    def _report(self) -> None:
        self.status.update(self.follower.journal, len(self.viewers))

    async def _close_viewers(self, app: web.Application) -> None:
        if self._follow_task is not None:
            self._follow_task.cancel()
        closing = [ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped") for ws in list(self.viewers)]
        if closing:
            await asyncio.wait([asyncio.ensure_future(c) for c in closing], timeout=1.0)
        self.viewers.clear()
        self.status.update(None, 0)


def _hostname(host: str) -> str:
    """The name in a Host header, without its port: `127.0.0.1:8000` -> `127.0.0.1`, `[::1]:80` -> `::1`."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name.lower()
