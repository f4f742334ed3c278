"""Politeness: per-host and per-IP limits, Retry-After, back-off and the error-rate safeguard."""

from __future__ import annotations

import asyncio
import time

import pytest

from govinspect.crawl.politeness import HostTripped, Politeness, PolitenessConfig, parse_retry_after


def test_retry_after_in_seconds_and_as_http_date():
    assert parse_retry_after("5") == 5.0
    now = 1_700_000_000.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now=now) == pytest.approx(10.0, abs=1)
    assert parse_retry_after("soon") is None
    assert parse_retry_after("") is None


async def test_per_host_concurrency_is_never_exceeded():
    pol = Politeness(PolitenessConfig(per_host=2, delay=0.0))
    active = 0
    peak = 0

    async def request() -> None:
        nonlocal active, peak
        async with pol.slot("www.qingshan.gov.cn", "10.0.0.1"):
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.01)
            active -= 1

    await asyncio.gather(*(request() for _ in range(20)))
    assert peak == 2


async def test_hosts_on_one_ip_share_the_ip_limit():
    # 集约化: ten county sites on one server must not get ten times the load.
    pol = Politeness(PolitenessConfig(per_host=4, delay=0.0, per_ip=3))
    active = 0
    peak = 0

    async def request(host: str) -> None:
        nonlocal active, peak
        async with pol.slot(host, "10.0.0.9"):
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.01)
            active -= 1

    await asyncio.gather(*(request(f"www.county{i}.gov.cn") for i in range(10) for _ in range(3)))
    assert peak == 3


async def test_delay_spaces_request_starts_on_one_host():
    pol = Politeness(PolitenessConfig(per_host=4, delay=0.05))
    starts: list[float] = []

    async def request() -> None:
        async with pol.slot("www.qingshan.gov.cn", None):
            starts.append(time.monotonic())

    await asyncio.gather(*(request() for _ in range(5)))
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.045


async def test_retry_after_pauses_the_host():
    pol = Politeness(PolitenessConfig(per_host=1, delay=0.0))
    applied = pol.record("www.qingshan.gov.cn", status=429, outcome="ok", retry_after="1")
    assert applied == 1.0
    t0 = time.monotonic()
    async with pol.slot("www.qingshan.gov.cn", None):
        pass
    assert time.monotonic() - t0 >= 0.9


async def test_safeguard_pauses_then_trips_a_failing_host():
    pol = Politeness(PolitenessConfig(per_host=1, delay=0.0, safeguard_pause=0.01))
    for _ in range(200):
        pol.record("www.broken.gov.cn", status=503, outcome="ok")
    assert pol.is_tripped("www.broken.gov.cn")
    with pytest.raises(HostTripped):
        async with pol.slot("www.broken.gov.cn", None):
            pass
    assert any("tripped" in e for e in pol.events)


def test_dead_links_and_dns_failures_do_not_trigger_the_safeguard():
    pol = Politeness(PolitenessConfig(per_host=1, delay=0.0))
    for _ in range(100):
        pol.record("www.qingshan.gov.cn", status=404, outcome="ok")
        pol.record("www.qingshan.gov.cn", status=None, outcome="dns")
    assert not pol.is_tripped("www.qingshan.gov.cn")
    assert pol.events == []


def test_a_few_broken_pages_do_not_slow_the_site_but_a_struggling_server_does():
    pol = Politeness(PolitenessConfig(per_host=1, delay=0.0))
    for i in range(40):
        pol.record("www.qingshan.gov.cn", status=500 if i % 10 == 0 else 200, outcome="ok")
    assert pol._host("www.qingshan.gov.cn").extra_delay == 0.0
    for _ in range(6):
        pol.record("www.busy.gov.cn", status=503, outcome="ok")
    assert pol._host("www.busy.gov.cn").extra_delay >= 1.0
