"""Whole inspections against hostile servers on loopback: every run ends within its limits,
memory stays bounded, each case is recorded with a reason, and one bad site never stops others."""

from __future__ import annotations

import asyncio
import datetime as dt
import zlib
from datetime import datetime, timezone

import psutil
import pytest
from aiohttp import web

from govinspect.crawl.crawler import CrawlConfig
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.inspect import InspectOptions, inspect_sites
from govinspect.models import SiteSpec
from govinspect.net.types import FetchConfig

HOSTILE = "www.hostile.gov.cn"
GOOD = "www.good.gov.cn"
TRICKLE_HOME = "www.trickle.gov.cn"

_BOMB: bytes | None = None


def gzip_bomb() -> bytes:
    """200 MB of zeros, gzip-compressed to about 200 KB (built once per test session)."""
    global _BOMB
    if _BOMB is None:
        comp = zlib.compressobj(9, zlib.DEFLATED, 31)
        chunk = b"\0" * (1 << 20)
        parts = [comp.compress(chunk) for _ in range(200)]
        parts.append(comp.flush())
        _BOMB = b"".join(parts)
    return _BOMB


HOSTILE_HOME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>某某县人民政府</title></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/xxgk/index.html">信息公开</a></div>
<ul class="list">
  <li><a href="/trickle.html">关于印发某某县防汛抗旱应急预案的通知</a><span>2024-06-12</span></li>
  <li><a href="/r/0">某某县2024年重点项目建设情况</a><span>2024-06-11</span></li>
  <li><a href="/bomb.html">某某县政务服务事项清单</a><span>2024-06-10</span></li>
  <li><a href="/huge.html">某某县2023年财政预算执行情况</a><span>2024-06-09</span></li>
  <li><a href="/calendar/?date=2024-06-15">活动日历</a></li>
  <li><a href="/invalid.html">政策解读</a><span>2024-06-08</span></li>
  <li><a href="http://www.hostile.gov.cn/%zz%%/">损坏的链接</a></li>
  <li><a href="http://exa mple.gov.cn/a">带空格的地址</a></li>
  <li><a href="/gone.html">已删除的通知</a><span>2024-06-01</span></li>
</ul>
</body></html>"""

GOOD_HOME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>良好县人民政府</title></head>
<body><ul><li><a href="/a.html">工作动态</a></li><li><a href="/missing.html">失效链接</a></li></ul></body></html>"""


def make_app() -> web.Application:
    async def handler(request: web.Request) -> web.StreamResponse:
        host = request.host.split(":")[0].lower()
        path = request.path
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        if host == GOOD:
            if path == "/":
                return web.Response(text=GOOD_HOME, content_type="text/html")
            if path == "/a.html":
                return web.Response(text="<html><body>工作动态</body></html>", content_type="text/html")
            return web.Response(status=404, text="not found")
        if host == TRICKLE_HOME:
            return await trickle(request)
        if path == "/":
            return web.Response(text=HOSTILE_HOME, content_type="text/html")
        if path == "/trickle.html":
            return await trickle(request)
        if path.startswith("/r/"):
            n = int(path[3:] or 0)
            raise web.HTTPFound(f"/r/{n + 1}")
        if path == "/bomb.html":
            return web.Response(
                body=gzip_bomb(), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
            )
        if path == "/huge.html":
            resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
            resp.content_length = 50 * 1024 * 1024
            await resp.prepare(request)
            block = ("<p>" + "政府信息公开" * 200 + "</p>\n").encode()
            sent = 0
            try:
                while sent < 50 * 1024 * 1024:
                    piece = block[: 50 * 1024 * 1024 - sent]
                    await resp.write(piece)
                    sent += len(piece)
            except (ConnectionError, RuntimeError):
                pass
            return resp
        if path.startswith("/calendar/"):
            day = dt.date.fromisoformat(request.query.get("date", "2024-06-15"))
            prev_d, next_d = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
            body = (
                f"<html><body><h1>{day}</h1><a href='/calendar/?date={prev_d}'>前一天</a>"
                f"<a href='/calendar/?date={next_d}'>后一天</a></body></html>"
            )
            return web.Response(text=body, content_type="text/html")
        if path == "/invalid.html":
            return web.Response(
                body=b"<html><head><title>\xff\xfe\x80\x81</title></head><body>\xc3\x28\xa0\xa1<a href='/ok.html'>x</a></body></html>",
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
        if path == "/ok.html" or path == "/xxgk/index.html":
            return web.Response(text="<html><body>信息公开</body></html>", content_type="text/html")
        return web.Response(status=404, text="<html><body>404</body></html>", content_type="text/html")

    async def trickle(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        try:
            for _ in range(300):  # bounded: at most 90 s even if the client never gives up
                await resp.write(b"<")
                await asyncio.sleep(0.3)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


@pytest.fixture
async def hostile_server(aiohttp_server):
    return await aiohttp_server(make_app())


def options(port: int) -> InspectOptions:
    hosts = [HOSTILE, GOOD, TRICKLE_HOME]
    return InspectOptions(
        as_of=datetime(2024, 6, 15, tzinfo=timezone.utc),
        out_dir=None,
        fetch=FetchConfig(
            timeout=2.0, connect_timeout=1.0, resolve={(h, 80): ("127.0.0.1", port) for h in hosts},
            offline=True,
        ),
        politeness=PolitenessConfig(per_host=4, delay=0.0),
        crawl=CrawlConfig(retry_delay=0.1, confirm_delay=0.2, max_pages=200, site_time_limit=60),
        capture=False,
    )


async def test_hostile_site_ends_within_limits_with_every_case_recorded(hostile_server):
    proc = psutil.Process()
    rss_before = proc.memory_info().rss
    specs = [
        SiteSpec(url=f"http://{HOSTILE}/", name="敌意站点"),
        SiteSpec(url="http://www.nowhere.gov.cn/", name="不存在的站点"),
        SiteSpec(url=f"http://{TRICKLE_HOME}/", name="首页慢速站点"),
        SiteSpec(url="not a url at all", name="坏地址", input_error="网址无法使用"),
        SiteSpec(url=f"http://{GOOD}/", name="正常站点"),
    ]
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    run = await inspect_sites(specs, options(hostile_server.port))
    elapsed = loop.time() - t0
    assert elapsed < 60
    assert proc.memory_info().rss - rss_before < 300 * 1024 * 1024

    hostile, nowhere, trickle_home, bad, good = run.sites
    # The good site is inspected whatever happened to the others.
    assert good.status == "inspected"
    assert [d.target for d in good.dead_links] == [f"http://{GOOD}/missing.html"]
    # Sites that cannot be inspected at all say why, in one line.
    assert nowhere.status == "error" and "dns" in (nowhere.error or "")
    assert trickle_home.status == "error" and "timeout" in (trickle_home.error or "")
    assert bad.status == "error" and bad.error == "网址无法使用"

    assert hostile.status == "inspected"
    dead = {d.target: d for d in hostile.dead_links}
    assert dead[f"http://{HOSTILE}/trickle.html"].reason == "timeout"
    assert dead[f"http://{HOSTILE}/r/0"].reason == "too_many_redirects"
    assert dead[f"http://{HOSTILE}/gone.html"].reason == "http_404"
    assert all(d.scope == "home" for d in dead.values())
    # The bomb, the 50 MB page and the invalid bytes are answers, cut at the caps: not dead.
    for ok in ("/bomb.html", "/huge.html", "/invalid.html"):
        assert f"http://{HOSTILE}{ok}" not in dead
    # The page behind the invalid bytes was still parsed and its link followed.
    assert hostile.counters.get("fetch/status/200", 0) >= 5
    # The endless calendar was cut by the trap guard and counted.
    assert hostile.counters.get("trap/calendar", 0) >= 1
    assert hostile.pages < 60
