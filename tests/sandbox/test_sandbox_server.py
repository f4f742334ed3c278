"""The server over real HTTP on 127.0.0.1: dispatch, hostile behaviours, HEAD, Range, gzip, and
an end-to-end check that what the server does is what the truth says."""

from __future__ import annotations

import asyncio
import gzip
import time
import urllib.request
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urljoin

import aiohttp
import pytest

from govinspect.sandbox import Province, run_in_thread, start_server
from govinspect.sandbox.server import ServerHandle
from govinspect.sandbox.urls import normalize_url, split_path


@pytest.fixture
async def server(province: Province) -> AsyncIterator[ServerHandle]:
    handle = await start_server(province)
    yield handle
    await handle.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        yield session


class Fetch:
    """GET/HEAD a province URL through the server, the Host header carrying the URL's host."""

    def __init__(self, http: aiohttp.ClientSession, port: int) -> None:
        self.http, self.port = http, port

    async def __call__(self, url: str, method: str = "GET", **headers: str) -> tuple[int, Any, bytes]:
        host, pq = split_path(url)
        # identity unless a test asks for gzip (aiohttp offers gzip by default)
        hdrs = {"Host": host, "Accept-Encoding": "identity", **{k.replace("_", "-"): v for k, v in headers.items()}}
        async with self.http.request(method, f"http://127.0.0.1:{self.port}{pq}", headers=hdrs, allow_redirects=False) as r:
            return r.status, r.headers, await r.read()


@pytest.fixture
def fetch(server: ServerHandle, http: aiohttp.ClientSession) -> Fetch:
    return Fetch(http, server.port)


def _first(expected: dict[str, Any], key: str, **match: Any) -> dict[str, Any]:
    for s in expected["sites"]:
        for e in s[key]:
            if all(e.get(k) == v for k, v in match.items()):
                return e
    raise AssertionError(f"no {key} entry with {match}")


async def test_host_dispatch_and_unknown_host(province: Province, fetch: Fetch) -> None:
    a, b = province.sites[0], province.sites[1]
    sa, ha, body_a = await fetch(a.home_url)
    sb, _, body_b = await fetch(b.home_url)
    assert sa == sb == 200 and body_a != body_b
    assert a.name in body_a.decode("gb18030") and b.name in body_b.decode("utf-8")
    assert ha["Server"] == a.family.server
    status, _, body = await fetch(a.home_url.replace(a.host, a.host.upper() + ":80"))
    assert status == 200
    status, _, body = await fetch("http://www.unknown-host.gov.cn/")
    assert status == 404 and b"unknown host" in body
    status, headers, _ = await fetch(f"http://{a.aliases[0]}/xxgk/")
    assert status == 301 and headers["Location"] == a.url("/xxgk/")


async def test_waf_challenges(expected: dict[str, Any], fetch: Fetch) -> None:
    for status in (412, 403, 521):
        entry = _first(expected, "blocked", status=status)
        got, headers, body = await fetch(entry["target"])
        assert got == status
        assert b"document.cookie" in body and "Set-Cookie" in headers
    got, _, body = await fetch("http://www.waf-protected.gov.cn/")
    assert got == 412 and b"<meta" in body and b"$_ts" in body


async def test_rate_limits(expected: dict[str, Any], fetch: Fetch) -> None:
    then_ok = _first(expected, "not_dead", why="rate_limited_then_ok")["target"]
    statuses = []
    for _ in range(4):
        status, headers, _ = await fetch(then_ok)
        statuses.append(status)
        if status == 429:
            assert headers["Retry-After"] == "1"
    assert statuses == [429, 429, 200, 200]
    always = _first(expected, "blocked", reason="rate_limited")["target"]
    for _ in range(4):
        status, headers, _ = await fetch(always)
        assert status == 429 and headers["Retry-After"] == "1"


async def test_head_405_range_and_files(province: Province, expected: dict[str, Any], fetch: Fetch) -> None:
    target = _first(expected, "not_dead", why="head_not_allowed")["target"]
    assert (await fetch(target, "HEAD"))[0] == 405
    status, headers, body = await fetch(target)
    assert status == 200 and headers["Content-Type"].startswith("application/") and len(body) > 100
    status, headers, body = await fetch(target, Range="bytes=0-0")
    assert status == 206 and headers["Content-Range"] == f"bytes 0-0/{headers['Content-Range'].split('/')[1]}" and len(body) == 1
    # an ordinary attachment answers HEAD with its length and type
    site = province.sites[0]
    att = next(a for c in site.leaf_columns for it in site.items(c) for a in it.attachments if a.path not in site.plan.missing)
    status, headers, body = await fetch(site.url(att.path), "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    assert headers["Accept-Ranges"] == "bytes" and headers["Content-Type"] != "text/html"


async def test_head_gzip_and_robots(province: Province, by_role: Any, fetch: Fetch) -> None:
    site = province.sites[0]
    status, headers, body = await fetch(site.home_url, "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
    status, headers, body = await fetch(site.home_url, Accept_Encoding="gzip, deflate")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "通知公告" in gzip.decompress(body).decode("gb18030")
    status, headers, body = await fetch(site.home_url)
    assert "Content-Encoding" not in headers and body.startswith(b"<!DOCTYPE")
    status, _, body = await fetch(by_role("robots_disallow").url("/robots.txt"))
    assert status == 200 and b"Disallow: /search/" in body
    status, _, body = await fetch(site.url("/robots.txt"))
    assert body == b"User-agent: *\nDisallow:\n"


async def test_soft_404_redirects_and_slow(expected: dict[str, Any], by_role: Any, fetch: Fetch) -> None:
    soft = by_role("soft_404")
    status, _, body = await fetch(soft.url("/any/unknown/page.html"))
    assert status == 200 and "页面不存在" in body.decode("gb18030")
    status, _, body2 = await fetch(soft.url("/other.pdf"))
    assert body2 == body
    loop = _first(expected, "dead_links", reason="redirect_loop")["target"]
    s1, h1, _ = await fetch(loop)
    s2, h2, _ = await fetch(normalize_url(urljoin(loop, h1["Location"])))
    assert (s1, s2) == (302, 302) and normalize_url(urljoin(loop, h2["Location"])) == loop
    chain = _first(expected, "dead_links", defect="redirect_to_404")["target"]
    seen = []
    url = chain
    for _ in range(5):
        status, headers, _ = await fetch(url)
        seen.append(status)
        if status not in (301, 302):
            break
        url = normalize_url(urljoin(url, headers["Location"]))
    assert seen == [301, 302, 404]
    slow = _first(expected, "not_dead", why="slow")["target"]
    t0 = time.monotonic()
    status, _, _ = await fetch(slow)
    assert status == 200 and time.monotonic() - t0 >= 0.15


async def _observe(fetch: Fetch, url: str, hosts: dict[str, str]) -> tuple[str, str | None]:
    """What an HTTP client sees for `url`: (state, reason), following redirects by hand."""
    chain = [url]
    for _ in range(11):
        host, _ = split_path(url)
        if host not in hosts:
            return "dead", "dns"
        status, headers, body = await fetch(url)
        if status in (301, 302):
            url = normalize_url(urljoin(url, headers["Location"]))
            if url in chain:
                return "dead", "redirect_loop"
            chain.append(url)
            continue
        if status == 429:
            for _retry in range(3):
                status, headers, body = await fetch(url)
                if status != 429:
                    break
            if status == 429:
                return "blocked", "rate_limited"
        if status in (403, 412, 521):
            return "blocked", "waf_challenge"
        if status == 404:
            return "dead", "http_404"
        if status == 200 and "页面不存在".encode("gb18030") in body:
            return "dead", "soft_404"
        assert status == 200, (url, status)
        return "ok", None
    return "dead", "too_many_redirects"


async def test_server_agrees_with_truth(province: Province, expected: dict[str, Any], fetch: Fetch) -> None:
    """Every distinct link of every page: the server's answer matches classify()."""
    targets: set[str] = set()
    for site in province.sites:
        for path in site.iter_pages():
            targets.update(lk.url for lk in site.page_links(path))
    sem = asyncio.Semaphore(32)

    async def check(url: str) -> None:
        async with sem:
            got = await _observe(fetch, url, expected["hosts"])
        want = province.classify(url)
        assert got == (want.state, want.reason), (url, got, want)

    await asyncio.gather(*(check(u) for u in sorted(targets)))
    assert len(targets) > 1000


async def test_many_requests(province: Province, fetch: Fetch) -> None:
    urls = [s.home_url for s in province.sites] * 100
    sem = asyncio.Semaphore(64)

    async def one(u: str) -> int:
        async with sem:
            return (await fetch(u))[0]

    statuses = await asyncio.gather(*(one(u) for u in urls))
    assert statuses.count(200) == len(urls)


async def test_only_loopback(province: Province) -> None:
    with pytest.raises(ValueError, match="loopback"):
        await start_server(province, host="0.0.0.0")


def test_run_in_thread(province: Province) -> None:
    site = province.sites[1]
    with run_in_thread(province) as srv:
        req = urllib.request.Request(f"http://127.0.0.1:{srv.port}/", headers={"Host": site.host})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200 and site.name in resp.read().decode("utf-8")
    srv2 = run_in_thread(province)
    assert srv2.port > 0
    srv2.stop()
