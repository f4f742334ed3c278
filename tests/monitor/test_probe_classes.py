"""One probe against real loopback servers: every answer lands in the right class, and
anti-robot answers are kept apart from failures exactly as the crawler judges them."""

from __future__ import annotations

import socket

import pytest

from govinspect.monitor.probe import FAILURES, NOT_COUNTED, classify_probe, probe_homepage
from govinspect.net import FetchConfig, Fetcher
from govinspect.net.types import FetchResult


def _fetcher(port: int, hosts: list[str], **kw: object) -> Fetcher:
    resolve = {(h, 80): ("127.0.0.1", port) for h in hosts}
    return Fetcher(FetchConfig(resolve=resolve, offline=True, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("host", "cls", "status"),
    [
        ("www.ok.jyx.gov.cn", "ok", 200),
        ("www.moved.jyx.gov.cn", "ok", 200),  # 302 → /index.html: the visitor sees the homepage
        ("www.gone.jyx.gov.cn", "http_4xx", 404),
        ("www.forbidden.jyx.gov.cn", "http_4xx", 403),  # a plain 403 page is a failure
        ("www.ruishu.jyx.gov.cn", "blocked", 412),  # 瑞数 challenge: up for people, not judged
        ("www.cookie.jyx.gov.cn", "blocked", 403),  # cookie-setting 403 challenge
        ("www.ratelimited.jyx.gov.cn", "blocked", 429),
        ("www.redirloop.jyx.gov.cn", "redirect", 302),
    ],
)
async def test_homepage_answers_are_classified_like_the_crawler(province, host, cls, status) -> None:
    _prov, port = province
    async with _fetcher(port, [host]) as fetcher:
        outcome = await probe_homepage(fetcher, f"http://{host}/")
    assert outcome.cls == cls
    assert outcome.status == status
    assert outcome.remote_ip == "127.0.0.1" or outcome.cls == "redirect"
    assert (outcome.detail == "") == (cls == "ok")


async def test_a_homepage_slower_than_the_limit_is_a_timeout_failure(province) -> None:
    prov, port = province
    prov.slow_seconds = 3.0
    async with _fetcher(port, ["www.slow.jyx.gov.cn"]) as fetcher:
        outcome = await probe_homepage(fetcher, "http://www.slow.jyx.gov.cn/", timeout=0.5)
    assert outcome.cls == "timeout"
    assert outcome.cls in FAILURES
    assert 0.4 < outcome.elapsed < 2.0


async def test_refused_and_unresolvable_homepages_fail() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    resolve = {("www.refused.gov.cn", 80): ("127.0.0.1", port)}
    async with Fetcher(FetchConfig(resolve=resolve, offline=True)) as fetcher:
        refused = await probe_homepage(fetcher, "http://www.refused.gov.cn/")
        unresolvable = await probe_homepage(fetcher, "http://www.nxdomain.gov.cn/")
    assert (refused.cls, unresolvable.cls) == ("refused", "dns")
    assert refused.status is None and refused.detail


async def test_our_own_ssrf_refusal_is_not_judged() -> None:
    # Without --allow-private a homepage on a loopback literal is refused by us, not by the site.
    async with Fetcher(FetchConfig()) as fetcher:
        outcome = await probe_homepage(fetcher, "http://127.0.0.1:9/")
    assert outcome.cls == "unknown"
    assert outcome.cls in NOT_COUNTED


async def test_every_probe_resolves_the_name_afresh(province) -> None:
    _prov, port = province
    async with Fetcher(FetchConfig(allow_private=True)) as fetcher:
        resolver = fetcher._resolver  # the cache a crawl keeps for its whole run
        await fetcher.resolve("localhost", 80)
        assert resolver.cached_address("localhost") is not None
        await probe_homepage(fetcher, f"http://localhost:{port}/")
        # The probe forgot the earlier answer and looked the name up again.
        assert resolver.cached_address("localhost") in ("127.0.0.1", "::1")
        fetcher.forget_address("localhost")
        assert resolver.cached_address("localhost") is None


def test_an_incomplete_certificate_chain_is_not_a_failure() -> None:
    result = FetchResult(
        url="https://www.example.gov.cn/", method="GET", outcome="tls", final_url="https://www.example.gov.cn/",
        detail="ClientConnectorCertificateError: unable to get local issuer certificate",
    )
    assert classify_probe(result).cls == "unknown"
    result.detail = "ClientConnectorCertificateError: certificate has expired"
    assert classify_probe(result).cls == "tls"


def test_a_5xx_answer_is_a_failure_but_a_challenge_503_is_not() -> None:
    plain = FetchResult(url="http://a.gov.cn/", method="GET", outcome="ok", final_url="http://a.gov.cn/",
                        status=503, body=b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
    assert classify_probe(plain).cls == "http_5xx"
    challenge = FetchResult(
        url="http://a.gov.cn/", method="GET", outcome="ok", final_url="http://a.gov.cn/", status=503,
        body=b"<html><script>document.cookie='__jsl_clearance=1';location.reload()</script></html>",
    )
    assert classify_probe(challenge).cls == "blocked"
