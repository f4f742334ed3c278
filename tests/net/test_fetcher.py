"""Fetcher against a real aiohttp server on 127.0.0.1 posing as a city government site."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import brotli
import pytest
from aiohttp import web
from aiohttp.client_reqrep import ConnectionKey

from govinspect import __version__
from govinspect.net import Fetcher, FetchResult, Hop, decode_body
from govinspect.net.client import ResolveFailure, classify_exception
from govinspect.net.guard import is_forbidden_address

FAKE_HOST = "www.example.gov.cn"


class GovSite:
    """A small government site: 通知公告 list, article, redirects, and a log of what it saw."""

    def __init__(self, list_page: str, article_page: str) -> None:
        self.list_gbk = list_page.encode("gb18030")
        self.article_utf8 = article_page.encode("utf-8")
        self.seen: list[dict[str, Any]] = []
        self.port = 0
        self.app = web.Application(middlewares=[self._log])
        r = self.app.router
        r.add_get("/zwgk/tzgg/index.html", self.notice_list)
        r.add_get("/zwgk/tzgg/202406/t20240611_4410.html", self.article)
        r.add_get("/zwgk/tzgg/gzip.html", self.gzipped)
        r.add_get("/zwgk/tzgg/br.html", self.brotli)
        r.add_get("/old/tzgg/", self.moved)  # 301 relative
        r.add_get("/old/tzgg/index.jsp", self.found_absolute)  # 302 absolute
        r.add_get("/loop/a", self.loop_a)
        r.add_get("/loop/b", self.loop_b)
        r.add_get("/hops/{n:\\d+}", self.hops)
        r.add_get("/see-other", self.see_other)
        r.add_get("/waf/index.html", self.waf)
        r.add_get("/to-loopback", self.to_loopback)
        r.add_get("/to-localhost", self.to_localhost)
        r.add_get("/to-ftp", self.to_ftp)
        r.add_get("/to-garbage", self.to_garbage)
        r.add_get("/cookies", self.two_cookies)
        r.add_get("/no-location", self.no_location)
        r.add_get("/slow", self.slow)
        r.add_get("/to-slow", self.to_slow)

    @web.middleware
    async def _log(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.seen.append(
            {
                "method": request.method,
                "path": request.path,
                "host": request.headers.get("Host"),
                "headers": dict(request.headers),
            }
        )
        return await handler(request)

    async def notice_list(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.list_gbk, headers={"Content-Type": "text/html; charset=gb2312"}
        )

    async def article(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.article_utf8, headers={"Content-Type": "text/html; charset=UTF-8"}
        )

    async def gzipped(self, request: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(self.list_gbk),
            headers={"Content-Type": "text/html; charset=gbk", "Content-Encoding": "gzip"},
        )

    async def brotli(self, request: web.Request) -> web.Response:
        return web.Response(
            body=brotli.compress(self.list_gbk),
            headers={"Content-Type": "text/html; charset=gbk", "Content-Encoding": "br"},
        )

    async def moved(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("index.jsp")

    async def found_absolute(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://{request.host}/zwgk/tzgg/index.html")

    async def loop_a(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop/b")

    async def loop_b(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop/a")

    async def hops(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if n == 0:
            return web.Response(text="到达", content_type="text/html")
        raise web.HTTPFound(f"/hops/{n - 1}")

    async def see_other(self, request: web.Request) -> web.Response:
        raise web.HTTPSeeOther("/zwgk/tzgg/index.html")

    async def waf(self, request: web.Request) -> web.Response:
        # The common WAF cookie check: set a cookie, redirect to the same URL.
        if request.cookies.get("waf_ck") != "1f3e9a":
            resp = web.HTTPFound(request.path)
            resp.set_cookie("waf_ck", "1f3e9a", path="/")
            raise resp
        return web.Response(body=self.list_gbk, headers={"Content-Type": "text/html; charset=gbk"})

    async def to_loopback(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://127.0.0.1:{self.port}/zwgk/tzgg/index.html")

    async def to_localhost(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://localhost:{self.port}/zwgk/tzgg/index.html")

    async def to_ftp(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("ftp://ftp.example.gov.cn/pub/")

    async def to_garbage(self, request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "http://[::1"})

    async def two_cookies(self, request: web.Request) -> web.Response:
        resp = web.Response(text="ok")
        resp.set_cookie("JSESSIONID", "A1B2C3")
        resp.set_cookie("route", "e7f0")
        return resp

    async def no_location(self, request: web.Request) -> web.Response:
        return web.Response(status=302, text="moved, somewhere")

    async def slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="late")

    async def to_slow(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/slow")

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
async def site(
    aiohttp_server: Callable[..., Awaitable[Any]],
    notice_list: Callable[..., str],
    article: Callable[..., str],
) -> GovSite:
    gov = GovSite(notice_list(charset="gb2312"), article(charset="utf-8"))
    server = await aiohttp_server(gov.app)
    gov.port = server.port
    return gov


@pytest.fixture
def fetcher(make_fetcher: Callable[..., Fetcher]) -> Fetcher:
    """A fetcher allowed to reach loopback (the test server lives there)."""
    return make_fetcher(allow_private=True, timeout=4.0, connect_timeout=2.0)


@pytest.fixture
def via_resolve(make_fetcher: Callable[..., Fetcher], site: GovSite) -> Fetcher:
    """A default (guarded) fetcher that reaches the test server as www.example.gov.cn."""
    return make_fetcher(resolve={(FAKE_HOST, site.port): ("127.0.0.1", site.port)}, timeout=4.0)


# --------------------------------------------------------------------------- plain fetch


async def test_fetch_returns_status_body_headers_and_timing(
    site: GovSite, fetcher: Fetcher
) -> None:
    url = site.url("/zwgk/tzgg/index.html")
    res = await fetcher.fetch(url)
    assert res.outcome == "ok" and res.responded
    assert res.status == 200
    assert res.url == url and res.final_url == url and res.redirects == []
    assert res.body == site.list_gbk
    assert res.content_type == "text/html"
    assert res.header("content-type") == "text/html; charset=gb2312"
    assert res.remote_ip == "127.0.0.1"
    assert res.started_at > 1.6e9 and 0 < res.elapsed < 4
    text, encoding = decode_body(res.body, res.header("Content-Type"))
    assert encoding == "gb18030" and "关于开展2024年度全市政府网站" in text


async def test_request_headers_identify_the_robot_and_are_recorded(
    site: GovSite, fetcher: Fetcher
) -> None:
    res = await fetcher.fetch(site.url("/zwgk/tzgg/index.html"))
    sent = dict(res.request_headers)
    assert f"govinspect/{__version__}" in sent["User-Agent"]
    assert sent["Accept-Encoding"] == "gzip, deflate, br"
    assert sent["Host"] == f"127.0.0.1:{site.port}"
    got = site.seen[-1]["headers"]
    assert got["User-Agent"] == sent["User-Agent"]
    assert got["Accept-Encoding"] == "gzip, deflate, br"


async def test_caller_headers_override_defaults(site: GovSite, fetcher: Fetcher) -> None:
    await fetcher.fetch(
        site.url("/zwgk/tzgg/index.html"),
        headers={"user-agent": "Custom/1.0", "Referer": "http://x/"},
    )
    got = site.seen[-1]["headers"]
    assert got["User-Agent"] == "Custom/1.0" and got["Referer"] == "http://x/"


async def test_duplicate_response_headers_are_kept(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/cookies"))
    cookies = [v for k, v in res.headers if k.lower() == "set-cookie"]
    assert (
        len(cookies) == 2
        and cookies[0].startswith("JSESSIONID=")
        and cookies[1].startswith("route=")
    )


@pytest.mark.parametrize("path", ["/zwgk/tzgg/gzip.html", "/zwgk/tzgg/br.html"])
async def test_compressed_gbk_page_arrives_decompressed(
    site: GovSite, fetcher: Fetcher, path: str
) -> None:
    res = await fetcher.fetch(site.url(path))
    assert res.outcome == "ok"
    assert res.body == site.list_gbk


async def test_head_request_has_no_body(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/zwgk/tzgg/index.html"), method="HEAD")
    assert (res.outcome, res.status, res.body) == ("ok", 200, b"")
    assert res.remote_ip == "127.0.0.1"
    assert site.seen[-1]["method"] == "HEAD"


async def test_read_body_false_returns_after_headers(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/zwgk/tzgg/index.html"), read_body=False)
    assert (res.outcome, res.status, res.body) == ("ok", 200, b"")
    assert res.header("content-length") == str(len(site.list_gbk))


async def test_connection_is_reused_across_requests(site: GovSite, fetcher: Fetcher) -> None:
    for _ in range(5):
        assert (await fetcher.fetch(site.url("/zwgk/tzgg/index.html"))).outcome == "ok"
    # Keep-alive: one pooled connection served all five sequential requests.
    session = fetcher._session
    assert session is not None and session.connector is not None
    assert sum(len(v) for v in session.connector._conns.values()) == 1


async def test_fetch_without_entering_context_opens_lazily(site: GovSite) -> None:
    fetcher = Fetcher()
    try:
        res = await fetcher.fetch(site.url("/zwgk/tzgg/index.html"))
        assert res.outcome == "blocked_private"  # default config guards loopback
    finally:
        await fetcher.close()
        await fetcher.close()  # idempotent


# --------------------------------------------------------------------------- redirects


async def test_redirect_chain_is_followed_and_each_hop_recorded(
    site: GovSite, fetcher: Fetcher
) -> None:
    start = site.url("/old/tzgg/")
    res = await fetcher.fetch(start)
    assert res.outcome == "ok" and res.status == 200
    assert res.final_url == site.url("/zwgk/tzgg/index.html")
    assert res.redirects == [
        Hop(start, 301, "index.jsp"),  # relative Location resolved against the hop URL
        Hop(site.url("/old/tzgg/index.jsp"), 302, site.url("/zwgk/tzgg/index.html")),
    ]
    assert res.body == site.list_gbk


async def test_redirect_loop_is_detected(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/loop/a"))
    assert res.outcome == "redirect_loop"
    assert [h.url for h in res.redirects] == [site.url("/loop/a"), site.url("/loop/b")]
    assert res.final_url == site.url("/loop/a")
    assert len(site.seen) == 2  # never requested /loop/a a second time


async def test_ten_redirects_are_followed(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/hops/10"))
    assert res.outcome == "ok" and len(res.redirects) == 10 and res.final_url == site.url("/hops/0")


async def test_more_than_ten_redirects_fail(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/hops/11"))
    assert res.outcome == "too_many_redirects"
    assert len(res.redirects) == 11 and res.status == 302
    assert len(site.seen) == 11  # the 12th URL was never requested


async def test_head_stays_head_across_redirects(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/see-other"), method="HEAD")
    assert res.outcome == "ok" and res.method == "HEAD"
    assert [s["method"] for s in site.seen] == ["HEAD", "HEAD"]


async def test_waf_cookie_redirect_to_self_is_followed_not_a_loop(
    site: GovSite, fetcher: Fetcher
) -> None:
    res = await fetcher.fetch(site.url("/waf/index.html"))
    assert res.outcome == "ok" and res.status == 200
    assert len(res.redirects) == 1
    assert site.seen[-1]["headers"].get("Cookie") == "waf_ck=1f3e9a"


async def test_redirect_to_ftp_is_invalid_url(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/to-ftp"))
    assert res.outcome == "invalid_url" and "ftp" in res.detail
    assert res.redirects == [Hop(site.url("/to-ftp"), 302, "ftp://ftp.example.gov.cn/pub/")]


async def test_redirect_to_garbage_location_is_invalid_url(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/to-garbage"))
    assert res.outcome == "invalid_url" and res.status == 302


async def test_redirect_status_without_location_is_the_final_response(
    site: GovSite, fetcher: Fetcher
) -> None:
    res = await fetcher.fetch(site.url("/no-location"))
    assert (res.outcome, res.status, res.redirects) == ("ok", 302, [])


# --------------------------------------------------------------------------- --resolve / --offline


async def test_resolve_sends_fake_host_to_test_server_keeping_host_header(
    site: GovSite, via_resolve: Fetcher
) -> None:
    url = site.url("/zwgk/tzgg/index.html", host=FAKE_HOST)
    res = await via_resolve.fetch(url)
    assert res.outcome == "ok" and res.body == site.list_gbk
    assert res.final_url == url and res.remote_ip == "127.0.0.1"
    assert site.seen[-1]["host"] == f"{FAKE_HOST}:{site.port}"
    assert dict(res.request_headers)["Host"] == f"{FAKE_HOST}:{site.port}"


async def test_resolve_applies_to_redirect_hops(site: GovSite, via_resolve: Fetcher) -> None:
    res = await via_resolve.fetch(site.url("/old/tzgg/", host=FAKE_HOST))
    assert res.outcome == "ok"
    assert res.final_url == site.url("/zwgk/tzgg/index.html", host=FAKE_HOST)
    assert {s["host"] for s in site.seen} == {f"{FAKE_HOST}:{site.port}"}


async def test_resolve_can_change_the_port(
    site: GovSite, make_fetcher: Callable[..., Fetcher]
) -> None:
    fetcher = make_fetcher(resolve={(FAKE_HOST, 80): ("127.0.0.1", site.port)})
    res = await fetcher.fetch(f"http://{FAKE_HOST}/zwgk/tzgg/index.html")
    assert res.outcome == "ok" and site.seen[-1]["host"] == FAKE_HOST


async def test_offline_host_not_given_by_resolve_fails_as_dns(
    site: GovSite, make_fetcher: Callable[..., Fetcher]
) -> None:
    fetcher = make_fetcher(offline=True, resolve={(FAKE_HOST, site.port): ("127.0.0.1", site.port)})
    res = await fetcher.fetch("http://www.unlisted.gov.cn/index.html")
    assert res.outcome == "dns"
    assert res.detail == "offline: www.unlisted.gov.cn not given by --resolve"
    assert await fetcher.resolve("www.unlisted.gov.cn", 80) == (None, "dns")
    # ...while the host that --resolve names still works offline.
    ok = await fetcher.fetch(site.url("/zwgk/tzgg/index.html", host=FAKE_HOST))
    assert ok.outcome == "ok"


async def test_offline_redirect_to_unlisted_host_fails_as_dns(
    site: GovSite, make_fetcher: Callable[..., Fetcher]
) -> None:
    fetcher = make_fetcher(offline=True, resolve={(FAKE_HOST, site.port): ("127.0.0.1", site.port)})
    res = await fetcher.fetch(site.url("/to-localhost", host=FAKE_HOST))
    assert res.outcome == "dns" and res.detail.startswith("offline: localhost")
    assert len(res.redirects) == 1


async def test_resolve_helper_reports_ip_or_failure(site: GovSite, via_resolve: Fetcher) -> None:
    assert await via_resolve.resolve(FAKE_HOST, site.port) == ("127.0.0.1", None)
    assert await via_resolve.resolve("WWW.EXAMPLE.GOV.CN.", site.port) == ("127.0.0.1", None)
    assert await via_resolve.resolve("127.0.0.1", 80) == (None, "blocked_private")
    assert await via_resolve.resolve("localhost", 80) == (None, "blocked_private")
    assert await via_resolve.resolve("localhost", 80) == (None, "blocked_private")  # cached


# --------------------------------------------------------------------------- SSRF guard


async def test_loopback_literal_is_refused_without_allow_private(
    site: GovSite, make_fetcher: Callable[..., Fetcher]
) -> None:
    res = await make_fetcher().fetch(site.url("/zwgk/tzgg/index.html"))
    assert res.outcome == "blocked_private" and "127.0.0.1" in res.detail
    assert site.seen == []


async def test_name_resolving_to_loopback_is_refused_without_allow_private(
    site: GovSite, make_fetcher: Callable[..., Fetcher]
) -> None:
    res = await make_fetcher().fetch(site.url("/zwgk/tzgg/index.html", host="localhost"))
    assert res.outcome == "blocked_private"
    assert site.seen == []


async def test_loopback_is_allowed_with_allow_private(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/zwgk/tzgg/index.html", host="localhost"))
    assert res.outcome == "ok"


async def test_loopback_is_allowed_when_it_comes_from_resolve(
    site: GovSite, via_resolve: Fetcher
) -> None:
    res = await via_resolve.fetch(site.url("/zwgk/tzgg/index.html", host=FAKE_HOST))
    assert res.outcome == "ok"


@pytest.mark.parametrize("path", ["/to-loopback", "/to-localhost"])
async def test_redirect_to_loopback_is_blocked(
    site: GovSite, via_resolve: Fetcher, path: str
) -> None:
    res = await via_resolve.fetch(site.url(path, host=FAKE_HOST))
    assert res.outcome == "blocked_private"
    assert len(res.redirects) == 1 and res.status == 302
    assert [s["path"] for s in site.seen] == [path]


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.20.30.40",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",
        "224.0.0.251",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.10",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",
        "2002:7f00:1::1",
        "2001:db8::1",
        "fe80::1%eth0",
        "::7f00:1",
        "not-an-ip",
        "",
    ],
)
def test_guard_forbids_non_public_addresses(ip: str) -> None:
    assert is_forbidden_address(ip)


@pytest.mark.parametrize(
    "ip",
    [
        "202.96.134.133",
        "114.114.114.114",
        "61.135.169.121",
        "8.8.8.8",
        "240e:e9:6002::1",
        "2400:da00::6666",
        "::ffff:202.96.134.133",
    ],
)
def test_guard_allows_public_addresses(ip: str) -> None:
    assert not is_forbidden_address(ip)


# --------------------------------------------------------------------------- transport failures


async def test_connection_refused_is_an_outcome(fetcher: Fetcher, closed_port: int) -> None:
    res = await fetcher.fetch(f"http://127.0.0.1:{closed_port}/index.html")
    assert res.outcome == "refused" and res.status is None and not res.responded
    assert res.detail and "\n" not in res.detail


async def test_connect_timeout_is_distinguished(
    make_fetcher: Callable[..., Fetcher], unaccepting_port: int
) -> None:
    fetcher = make_fetcher(allow_private=True, connect_timeout=0.5, timeout=3.0)
    res = await fetcher.fetch(f"http://127.0.0.1:{unaccepting_port}/")
    assert res.outcome == "connect_timeout"
    assert res.elapsed < 2.5


async def test_response_timeout_is_distinguished(site: GovSite, fetcher: Fetcher) -> None:
    res = await fetcher.fetch(site.url("/slow"), timeout=0.5)
    assert res.outcome == "timeout" and res.status is None
    assert res.elapsed < 2.0


async def test_total_timeout_covers_the_whole_redirect_chain(
    site: GovSite, fetcher: Fetcher
) -> None:
    res = await fetcher.fetch(site.url("/to-slow"), timeout=0.5)
    assert res.outcome == "timeout" and len(res.redirects) == 1
    assert res.final_url == site.url("/slow") and res.elapsed < 2.0


async def test_tls_failure_is_an_outcome(site: GovSite, fetcher: Fetcher) -> None:
    # HTTPS to a plain-HTTP port: the handshake fails.
    res = await fetcher.fetch(f"https://127.0.0.1:{site.port}/")
    assert res.outcome == "tls"


async def test_concurrent_fetches_share_one_lookup(site: GovSite, via_resolve: Fetcher) -> None:
    urls = [site.url(f"/zwgk/tzgg/index.html?page={i}", host=FAKE_HOST) for i in range(40)]
    results = await asyncio.gather(*(via_resolve.fetch(u) for u in urls))
    assert {r.outcome for r in results} == {"ok"}


# --------------------------------------------------------------------------- classify_exception


def _key() -> ConnectionKey:
    return ConnectionKey("www.example.gov.cn", 80, False, True, None, None, None)


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (ResolveFailure("blocked_private", "x"), "blocked_private"),
        (aiohttp.ClientConnectorDNSError(_key(), OSError(-2, "Name or service not known")), "dns"),
        (
            aiohttp.ClientConnectorError(_key(), ConnectionRefusedError(111, "Connection refused")),
            "refused",
        ),
        (
            aiohttp.ClientConnectorError(_key(), OSError(110, "Connection timed out")),
            "connect_timeout",
        ),
        (aiohttp.ClientConnectorError(_key(), OSError(113, "No route to host")), "error"),
        (
            aiohttp.ClientConnectorCertificateError(_key(), Exception("certificate verify failed")),
            "tls",
        ),
        (aiohttp.ConnectionTimeoutError("Connection timeout to host"), "connect_timeout"),
        (aiohttp.SocketTimeoutError("Timeout on reading data from socket"), "timeout"),
        (TimeoutError(), "timeout"),
        (aiohttp.ServerDisconnectedError(), "reset"),
        (aiohttp.ClientPayloadError("Response payload is not completed"), "reset"),
        (ConnectionResetError(104, "Connection reset by peer"), "reset"),
        (aiohttp.InvalidURL("http://[::1"), "invalid_url"),
        (ValueError("Invalid IPv6 URL"), "invalid_url"),
        (RuntimeError("something new"), "error"),
    ],
)
def test_classify_exception_maps_each_error_to_one_outcome(
    exc: BaseException, outcome: str
) -> None:
    got, detail = classify_exception(exc)
    assert got == outcome
    assert detail and "\n" not in detail


def test_fetch_result_helpers() -> None:
    res = FetchResult(
        url="u",
        method="GET",
        outcome="truncated",
        final_url="u",
        headers=[("Content-Type", "text/html; charset=GBK"), ("content-type", "x")],
    )
    assert res.responded and res.content_type == "text/html"
    assert res.header("CONTENT-TYPE") == "text/html; charset=GBK"
