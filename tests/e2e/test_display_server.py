"""End to end without a browser: `companion display --serve` refuses what it must, and stops at once.

The server runs as a person starts it; the requests come from urllib and aiohttp's client, as a
stranger's page or a fifth tablet would make them.
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser_kit import start_server


@pytest.fixture
def served(tmp_path):
    servers = []

    def start(*args, **kwargs):
        server = start_server(tmp_path, *args, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        if error.code == 403:
            assert "/static/display.css" in error.read().decode()  # even a refusal is a dark page
        return error.code


def test_without_the_key_or_from_another_page_the_screen_is_refused(served):
    server = served()
    base = f"http://127.0.0.1:{server.port}"
    assert _status(server.url) == 200
    assert _status(f"{base}/") == 403
    assert _status(f"{base}/?t=not-the-key") == 403
    assert _status(f"{base}/stream") == 403
    assert _status(server.url, {"Origin": "http://evil.example"}) == 403
    assert _status(server.url, {"Origin": f"http://127.0.0.1:{server.port}"}) == 200
    assert _status(server.url, {"Host": f"rebound.example:{server.port}"}) == 403  # DNS rebinding
    assert _status(f"{base}/static/../serve.py") == 404


async def test_a_foreign_origin_cannot_open_the_stream(served):
    import aiohttp

    server = served()
    stream = f"ws://127.0.0.1:{server.port}/stream?t={server.token}"
    async with aiohttp.ClientSession() as client:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(stream, origin="http://evil.example")
        assert refused.value.status == 403
        async with client.ws_connect(stream, origin=f"http://127.0.0.1:{server.port}") as ws:
            message = json.loads((await ws.receive(timeout=20)).data)
            assert message["type"] == "view" and message["mode"] == "waiting"


async def test_five_viewers_on_a_cap_of_four_the_fifth_is_refused(served):
    import aiohttp

    server = served()
    stream = f"ws://127.0.0.1:{server.port}/stream?t={server.token}"
    threads_before = len(os.listdir(f"/proc/{server.process.pid}/task"))
    async with aiohttp.ClientSession() as client:
        viewers = [await client.ws_connect(stream) for _ in range(4)]
        for ws in viewers:
            assert json.loads((await ws.receive(timeout=20)).data)["type"] == "view"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(stream)
        assert refused.value.status == 503
        async with client.get(server.url) as page:
            assert page.status == 503 and "already open in 4 places" in await page.text()
        assert server.children() == []  # no process per viewer
        assert len(os.listdir(f"/proc/{server.process.pid}/task")) <= threads_before + 1
        await viewers[0].close()
        deadline = time.monotonic() + 20
        while True:  # its place is free again once the server has seen it go
            try:
                viewers[0] = await client.ws_connect(stream)
                break
            except aiohttp.WSServerHandshakeError:
                assert time.monotonic() < deadline, "a closed viewer's place was never freed"
                await viewers[1].ping()
        for ws in viewers:
            await ws.close()


def test_served_beyond_loopback_it_prints_a_qr_code_and_a_warning_and_stops_at_once(served):
    server = served(host="0.0.0.0")
    printed = server.output()
    assert "Anyone on this network" in printed
    assert "\u2588" in printed or "\u2580" in printed  # the QR code's blocks
    assert f":{server.port}/?t={server.token}" in printed
    assert _status(server.url) == 200  # no Host check beyond loopback: the tablet uses an address
    started = time.monotonic()
    assert server.stop(signal.SIGINT) == 0
    assert time.monotonic() - started < 3.0
    assert "Stopped serving" in server.output()


def test_the_page_asks_nothing_from_the_internet(served):
    server = served()
    with urllib.request.urlopen(server.url, timeout=10) as response:
        page = response.read().decode()
        policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert '<meta name="viewport"' in page and 'content="dark"' in page
    static = Path(__file__).resolve().parents[2] / "companion/display/web/static"
    for text in [page, *(path.read_text() for path in static.iterdir())]:
        assert "https://" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")


def test_sigterm_ends_it_at_once_and_tells_the_viewers(served):
    import asyncio

    import aiohttp

    server = served()

    async def watch_it_stop() -> tuple[int | None, float]:
        async with aiohttp.ClientSession() as client:
            async with client.ws_connect(f"ws://127.0.0.1:{server.port}/stream?t={server.token}") as ws:
                assert json.loads((await ws.receive(timeout=20)).data)["type"] == "view"
                started = time.monotonic()
                os.killpg(server.process.pid, signal.SIGTERM)
                while not ws.closed:
                    message = await ws.receive(timeout=10)
                    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                        break
                return ws.close_code, time.monotonic() - started

    code, took = asyncio.run(watch_it_stop())
    assert code == 1001 and took < 3.0  # "going away": the page keeps its picture and reconnects
    assert server.process.wait(timeout=5) == 0


def test_the_type_size_follows_config_yaml_unless_the_command_line_says(served, private_dirs):
    _, config = private_dirs
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.yaml").write_text("display_font_scale: 1.5\n")
    for args, expected in (((), 'data-scale="1.5"'), (("--font-scale", "2"), 'data-scale="2"')):
        server = served(*args)
        with urllib.request.urlopen(server.url, timeout=10) as response:
            assert expected in response.read().decode()
        server.stop()
