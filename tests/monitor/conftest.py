"""A small province of homepages on 127.0.0.1 that fail on schedule, and a fake clock.

Each host behaves as one real kind of site: a TRS county portal in GBK, a Hanweb-style portal
that fails during an outage window (by the fake clock), a portal behind 瑞数 (412 challenge),
one behind a rate limiter, one whose application server answers 502 on every tenth request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import web

FIXTURES = Path(__file__).parent.parent / "fixtures"
TRS_HOME = (FIXTURES / "pages" / "portal_home_trs_gbk.html").read_bytes()
HANWEB_HOME = (FIXTURES / "pages" / "portal_home_blocks_more_hot_nav.html").read_bytes()
RUISHU_412 = (FIXTURES / "challenges" / "ruishu_412.html").read_bytes()
COOKIE_403 = (FIXTURES / "challenges" / "cookie_challenge_403.html").read_bytes()
PLAIN_403 = (FIXTURES / "challenges" / "plain_403.html").read_bytes()

# 2024-06-15 00:00 China time: T of the tests.
T_2024_06_15 = 1718380800.0


class FakeClock:
    """Time that moves only when the loop sleeps, after the probes in flight have settled."""

    def __init__(self, start: float) -> None:
        self.t = start
        self.settled: Callable[[], bool] = lambda: True

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        # Real I/O (the probes on loopback) finishes before fake time moves on, so a server
        # that fails "between 02:00 and 08:00" sees the time the probe was scheduled for.
        for i in range(3000):
            if self.settled():
                break
            await asyncio.sleep(0 if i < 20 else 0.002)
        self.t += max(0.0, seconds)
        await asyncio.sleep(0)


class Province:
    """Hosts → behaviour; counts requests per host."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock
        self.requests: dict[str, int] = {}
        self.outages: dict[str, list[tuple[float, float]]] = {}
        self.slow_seconds = 2.0
        self.app = web.Application()
        self.app.router.add_get("/", self.home)
        self.app.router.add_get("/index.html", self.home)
        self.app.router.add_get("/loop", self.loop)

    async def home(self, request: web.Request) -> web.StreamResponse:
        host = request.host.split(":")[0].lower()
        n = self.requests[host] = self.requests.get(host, 0) + 1
        now = self.clock.now() if self.clock else 0.0
        for start, end in self.outages.get(host, []):
            if start <= now < end:
                return web.Response(status=503, text="<html><body><h1>503 Service Unavailable</h1></body></html>",
                                    content_type="text/html")
        if host.startswith("www.ok") or host.startswith("www.outage"):
            return web.Response(body=TRS_HOME, content_type="text/html", charset="gb2312")
        if host.startswith("www.tenth"):  # an overloaded application server
            if n % 10 == 0:
                return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>",
                                    content_type="text/html")
            return web.Response(body=HANWEB_HOME, content_type="text/html", charset="utf-8")
        if host.startswith("www.ruishu"):
            return web.Response(status=412, body=RUISHU_412, content_type="text/html")
        if host.startswith("www.cookie"):
            return web.Response(status=403, body=COOKIE_403, content_type="text/html")
        if host.startswith("www.forbidden"):
            return web.Response(status=403, body=PLAIN_403, content_type="text/html")
        if host.startswith("www.ratelimited"):
            return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "60"})
        if host.startswith("www.gone"):
            return web.Response(status=404, text="<html><body>404 页面不存在</body></html>", content_type="text/html")
        if host.startswith("www.slow"):
            await asyncio.sleep(self.slow_seconds)
            return web.Response(body=TRS_HOME, content_type="text/html", charset="gb2312")
        if host.startswith("www.moved"):  # TRS sites often send "/" on to /index.html
            if request.path == "/":
                raise web.HTTPFound("/index.html")
            return web.Response(body=TRS_HOME, content_type="text/html", charset="gb2312")
        if host.startswith("www.redirloop"):
            raise web.HTTPFound("/loop")
        return web.Response(status=404, text="unknown host")

    async def loop(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/")


@pytest.fixture
async def province(aiohttp_server):  # type: ignore[no-untyped-def]
    """(Province, port) served on 127.0.0.1 (no fake clock: outages are not used)."""
    prov = Province()
    server = await aiohttp_server(prov.app)
    return prov, server.port
