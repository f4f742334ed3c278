"""Site crawls against a small real server on loopback: scope, limits, robots, sharing, counting."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from datetime import datetime, timezone

import pytest
from aiohttp import web

from govinspect.crawl.crawler import CrawlConfig
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.inspect import InspectOptions, inspect_sites
from govinspect.models import SiteSpec
from govinspect.net.types import FetchConfig

A = "www.anping.gov.cn"
B = "www.beihu.gov.cn"
OLD = "www.anpingxian.gov.cn"  # the old domain, now forwarding
EXT = "www.gov.cn"


def page(title: str, links: str) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{title}</title></head>
<body>
<div class="header"><h1>{title}</h1></div>
<div class="nav"><a href="/">首页</a> <a href="/zwgk/index.html">政务公开</a> <a href="/private/index.html">内部</a></div>
<div class="main">{links}</div>
<div class="footer">
  <p>主办单位：安平县人民政府办公室 网站标识码：1309000001 冀ICP备05001234号</p>
  <a href="http://{EXT}/">中国政府网</a>
  <a href="http://{EXT}/missing.html">国务院失效页</a>
</div>
</body></html>"""


class Site:
    """A tiny two-county world with request counting."""

    def __init__(self) -> None:
        self.hits: Counter[tuple[str, str, str]] = Counter()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        host = request.host.split(":")[0]
        self.hits[(host, request.method, request.path_qs)] += 1
        path = request.path
        if host == OLD:
            raise web.HTTPMovedPermanently(f"http://{A}/")
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        if host == EXT:
            if path == "/":
                return web.Response(text=page("中国政府网", ""), content_type="text/html")
            return web.Response(status=404, text="Not Found")
        if path == "/":
            links = "".join(f'<li><a href="/zwgk/{i}.html">通知{i}</a><span>2024-06-{i:02d}</span></li>' for i in range(1, 9))
            links += '<img src="/img/banner.jpg" srcset="/img/banner@2x.jpg 2x">'
            links += '<a href="/files/2024-plan.pdf">附件：2024年工作计划.pdf</a>'
            links += '<a href="/busy.html">办事大厅（服务器繁忙）</a><a href="/down.html">网上信访（已停用）</a>'
            return web.Response(text=page("安平县人民政府", links), content_type="text/html")
        if path == "/zwgk/index.html" or path.startswith("/zwgk/"):
            links = '<a href="/files/2024-plan.pdf">附件</a><a href="/zwgk/deleted.html">已删除</a>'
            if path == "/zwgk/deleted.html":
                return web.Response(status=404, text="404")
            return web.Response(text=page("政务公开", links), content_type="text/html")
        if path == "/busy.html":
            # An overloaded county server: two 503s, then the page.
            if self.hits[(host, request.method, path)] <= 2:
                return web.Response(status=503, text="Service Unavailable")
            return web.Response(text=page("办事大厅", ""), content_type="text/html")
        if path == "/down.html":
            return web.Response(status=503, text="Service Unavailable")
        if path == "/private/index.html":
            return web.Response(status=404, text="should never be fetched")
        if path == "/img/banner.jpg":
            return web.Response(body=b"\xff\xd8\xff\xe0" + b"0" * 100, content_type="image/jpeg")
        if path == "/files/2024-plan.pdf":
            if request.method == "HEAD":
                return web.Response(status=405)
            return web.Response(body=b"%PDF-1.4 " + b"0" * 100, content_type="application/pdf")
        return web.Response(status=404, text="404")


@pytest.fixture
async def world(aiohttp_server):
    site = Site()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", site.handle)
    server = await aiohttp_server(app)
    return site, server.port


def options(port: int, **crawl: object) -> InspectOptions:
    return InspectOptions(
        as_of=datetime(2024, 6, 15, tzinfo=timezone.utc),
        fetch=FetchConfig(resolve={(h, 80): ("127.0.0.1", port) for h in (A, B, OLD, EXT)}, offline=True, timeout=5),
        politeness=PolitenessConfig(per_host=4, delay=0.0),
        crawl=CrawlConfig(retry_delay=0.05, confirm_delay=0.1, **crawl),  # type: ignore[arg-type]
        capture=False,
    )


async def test_external_links_are_checked_once_per_run_across_sites(world):
    site, port = world
    run = await inspect_sites([SiteSpec(url=f"http://{A}/"), SiteSpec(url=f"http://{B}/")], options(port))
    assert [s.status for s in run.sites] == ["inspected", "inspected"]
    # Both sites report the dead external link …
    for s in run.sites:
        ext = [d for d in s.dead_links if d.kind == "external"]
        assert [(d.target, d.reason, d.scope) for d in ext] == [(f"http://{EXT}/missing.html", "http_404", "home")]
    # … but the external host was asked about it by one check only (HEAD, GET, GET retry).
    ext_hits = sum(n for (h, _m, p), n in site.hits.items() if h == EXT and p == "/missing.html")
    assert ext_hits <= 3


async def test_robots_disallowed_pages_are_not_fetched(world):
    site, port = world
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], options(port))
    assert not any(p == "/private/index.html" for (_h, _m, p) in site.hits)
    assert run.sites[0].counters.get("robots/disallowed", 0) >= 1
    assert all("/private/" not in d.target for d in run.sites[0].dead_links)


async def test_dead_target_on_home_and_other_pages_counts_once_under_home(world):
    _site, port = world
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], options(port))
    s = run.sites[0]
    deleted = [d for d in s.dead_links if d.target.endswith("/zwgk/deleted.html")]
    assert len(deleted) == 1 and deleted[0].scope == "other"
    assert deleted[0].source_count >= 8  # carried by every 通知 page
    assert len(deleted[0].sources) <= 10
    ext = [d for d in s.dead_links if d.target == f"http://{EXT}/missing.html"]
    assert len(ext) == 1 and ext[0].scope == "home" and ext[0].source == f"http://{A}/"


async def test_head_refused_attachment_is_confirmed_with_get_and_is_not_dead(world):
    site, port = world
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], options(port))
    assert all("/files/2024-plan.pdf" not in d.target for d in run.sites[0].dead_links)
    assert site.hits[(A, "GET", "/files/2024-plan.pdf")] >= 1


async def test_srcset_image_missing_is_a_dead_image(world):
    _site, port = world
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], options(port))
    dead = {d.target: d for d in run.sites[0].dead_links}
    assert dead[f"http://{A}/img/banner@2x.jpg"].kind == "image"
    assert f"http://{A}/img/banner.jpg" not in dead


async def test_homepage_forwarding_to_the_new_domain_is_followed(world):
    _site, port = world
    run = await inspect_sites([SiteSpec(url=f"http://{OLD}/")], options(port))
    s = run.sites[0]
    assert s.status == "inspected"
    assert s.pages >= 9


async def test_page_limit_stops_the_crawl_and_says_so(world):
    _site, port = world
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], options(port, max_pages=3))
    s = run.sites[0]
    assert s.pages <= 3
    assert s.counters.get("unchecked/page_limit", 0) >= 1
    assert any("page_limit" in n for n in s.notes)


async def test_a_briefly_overloaded_page_is_not_dead_but_a_page_that_stays_down_is(world):
    site, port = world
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], options(port))
    dead = {d.target: d for d in run.sites[0].dead_links}
    assert f"http://{A}/busy.html" not in dead
    assert dead[f"http://{A}/down.html"].reason == "http_503"
    assert site.hits[(A, "GET", "/down.html")] == 3  # first try, retry, confirmation


async def test_redirects_to_a_homepage_that_mentions_zhaobudao_are_not_soft_404(aiohttp_server):
    # A site that sends every unknown URL to its homepage, whose text happens to contain 找不到.
    home = page("康宁县人民政府", '<p>找不到办事入口？请拨打12345。</p><a href="/index.htm">旧版首页</a><a href="/gone.html">旧链接</a>')

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/":
            return web.Response(text=home, content_type="text/html")
        if request.path == "/robots.txt":
            return web.Response(status=404)
        raise web.HTTPFound("/")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    server = await aiohttp_server(app)
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], options(server.port))
    assert run.sites[0].status == "inspected"
    assert [d.target for d in run.sites[0].dead_links if d.reason == "soft_404"] == []


async def test_a_homepage_that_is_only_a_script_redirect_is_followed(aiohttp_server):
    # Common on county portals: index.html only sends the visitor to the real homepage.
    shell = """<html><head><meta charset="utf-8"><title>康宁县人民政府</title>
<script type="text/javascript">window.location.href = "/portal/index.html";</script></head><body></body></html>"""
    portal = page("康宁县人民政府", '<a href="/zwgk/1.html">通知</a><a href="/zwgk/gone.html">旧通知</a>')

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/":
            return web.Response(text=shell, content_type="text/html")
        if request.path == "/portal/index.html" or request.path == "/zwgk/1.html":
            return web.Response(text=portal, content_type="text/html")
        return web.Response(status=404, text="404")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    server = await aiohttp_server(app)
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], options(server.port))
    site = run.sites[0]
    assert site.pages >= 3
    dead = {d.target: d for d in site.dead_links}
    # The page the shell leads to is what visitors see as the homepage: its links are "home".
    assert dead[f"http://{A}/zwgk/gone.html"].scope == "home"
    assert dead[f"http://{A}/zwgk/gone.html"].source == f"http://{A}/portal/index.html"


def test_script_redirects_are_found_only_in_scripts():
    from govinspect.crawl.pageanalysis import js_redirects

    html = """<script>if (isMobile) { location.replace('/m/index.html'); } else { self.location = "/pc/index.html"; }</script>
<p>请访问 location.href="/not-a-script.html"</p><script>location.reload();</script>"""
    assert js_redirects(html) == ["/m/index.html", "/pc/index.html"]


async def test_a_missing_page_is_confirmed_after_a_short_pause_and_a_busy_one_after_the_full_delay(aiohttp_server):
    # A 404 is a definite answer: its confirming retry waits only `retry_delay_client_error`
    # (none by default), so the last dead links of a site do not hold the run idle. A 503 may
    # pass: it waits `retry_delay`.
    times: dict[str, list[float]] = {"/gone.html": [], "/busy.html": []}
    loop = asyncio.get_running_loop()

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path in times:
            times[request.path].append(loop.time())
            status = 404 if request.path == "/gone.html" else (503 if len(times[request.path]) == 1 else 200)
            if status != 200:
                return web.Response(status=status, text=str(status))
        if request.path == "/":
            links = '<a href="/gone.html">已删除的通知</a><a href="/busy.html">办事大厅</a>'
            return web.Response(text=page("安平县人民政府", links), content_type="text/html")
        return web.Response(text=page("办事大厅", ""), content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    server = await aiohttp_server(app)
    opts = dataclasses.replace(
        options(server.port), crawl=CrawlConfig(retry_delay=1.5, retry_delay_client_error=0.05, confirm_delay=0.1)
    )
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], opts)
    dead = {d.target.rsplit("/", 1)[1]: d.reason for d in run.sites[0].dead_links}
    assert dead == {"gone.html": "http_404"}  # confirmed dead; the busy page came back
    gone, busy = times["/gone.html"], times["/busy.html"]
    assert len(gone) >= 2 and gone[-1] - gone[-2] < 1.0
    assert len(busy) >= 2 and busy[1] - busy[0] >= 1.5


async def test_links_found_on_a_page_are_checked_before_the_pages_found_with_them(aiohttp_server):
    # Checks are the crawler process's own work; taken first, they never pile up at the end
    # of the crawl while the analysis worker waits. Pages still go breadth-first.
    order: list[str] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/robots.txt":
            return web.Response(status=404)
        if request.method == "HEAD" or not request.path.startswith("/files/"):
            order.append(request.path)  # (the attachments' text is read after the crawl)
        if request.path == "/":
            links = "".join(f'<a href="/zwgk/{i}.html">通知{i}</a><a href="/files/{i}.pdf">附件{i}</a>' for i in range(5))
            return web.Response(text=page("安平县人民政府", links), content_type="text/html")
        if request.path.startswith("/files/"):
            return web.Response(body=b"%PDF-1.4 " + b"0" * 100, content_type="application/pdf")
        return web.Response(text=page("政务公开", ""), content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    server = await aiohttp_server(app)
    opts = dataclasses.replace(options(server.port), politeness=PolitenessConfig(per_host=1, delay=0.0))
    run = await inspect_sites([SiteSpec(url=f"http://{A}/")], dataclasses.replace(opts, crawl=CrawlConfig(workers=1)))
    assert run.sites[0].status == "inspected"
    files = [i for i, p in enumerate(order) if p.startswith("/files/")]
    zwgk = [i for i, p in enumerate(order) if p.startswith("/zwgk/")]
    assert len(files) == 5 and zwgk
    assert max(files) < min(zwgk)
    # the nav's 政务公开 first, then the list, in document order
    assert [order[i] for i in zwgk[:6]] == ["/zwgk/index.html"] + [f"/zwgk/{i}.html" for i in range(5)]
