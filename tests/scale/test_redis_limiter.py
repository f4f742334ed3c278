"""The Redis limiter's semantics on the real Redis: concurrency, spacing, pauses, and slots of a
process that died being freed."""

from __future__ import annotations

import asyncio
import time

import pytest

from govinspect.crawl.politeness import HostTripped, Politeness, PolitenessConfig
from govinspect.scale.limiter import RedisLimiter


def _limiter(scale_env, **kw) -> RedisLimiter:
    return RedisLimiter(scale_env["GOVINSPECT_BROKER_URL"], scale_env["GOVINSPECT_KEY_PREFIX"], **kw)


def test_concurrency_spacing_and_pause_hold_across_limiter_instances(scale_env):
    async def run() -> None:
        a, b = _limiter(scale_env), _limiter(scale_env)  # as two processes would have
        limit = {"host_limit": (2, 0.05), "ip_limit": None}
        t1 = await a.acquire("h.gov.cn", None, **limit)
        t2 = await b.acquire("h.gov.cn", None, **limit)
        third = asyncio.ensure_future(a.acquire("h.gov.cn", None, **limit))
        await asyncio.sleep(0.3)
        assert not third.done()  # two held: the third waits
        started = time.monotonic()
        await b.release(t2)
        t3 = await third
        assert time.monotonic() - started < 0.2
        await a.release(t1)
        await a.release(t3)
        # Spacing: starts of one host at least 0.2 s apart whoever asks, plus the margin that
        # keeps them 0.2 s apart at the server despite the client's jitter.
        assert a._spacing_ms(0.2) >= 250 and a._spacing_ms(0.0) == 0
        # An operator's own margin replaces the configured one (GOVINSPECT_START_MARGIN_SECONDS).
        quiet = _limiter(scale_env, start_margin_seconds=0.005)
        assert quiet._spacing_ms(0.2) == 205 and quiet._spacing_ms(0.0) == 0
        await quiet.aclose()
        times = []
        for lim in (a, b, a, b):
            token = await lim.acquire("s.gov.cn", None, host_limit=(4, 0.2), ip_limit=None)
            times.append(time.monotonic())
            await lim.release(token)
        assert all(y - x >= 0.24 for x, y in zip(times, times[1:]))
        # A pause published by one holds the other.
        a.pause("p.gov.cn", 0.4)
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await b.release(await b.acquire("p.gov.cn", None, host_limit=(4, 0.0), ip_limit=None))
        assert time.monotonic() - started >= 0.3
        # The IP's slot is shared by hosts on one server.
        ip_limit = {"ip_limit": (1, 0.0)}
        held = await a.acquire("x.gov.cn", "10.0.0.1", host_limit=(4, 0.0), **ip_limit)
        other = asyncio.ensure_future(b.acquire("y.gov.cn", "10.0.0.1", host_limit=(4, 0.0), **ip_limit))
        await asyncio.sleep(0.2)
        assert not other.done()
        await a.release(held)
        await b.release(await other)
        await a.aclose()
        await b.aclose()

    asyncio.run(run())


def test_a_slot_of_a_process_that_died_is_freed_after_its_lease(scale_env):
    async def run() -> None:
        dead = _limiter(scale_env, slot_lease_seconds=0.5)
        await dead.acquire("d.gov.cn", None, host_limit=(1, 0.0), ip_limit=None)  # never released
        await dead.aclose()
        alive = _limiter(scale_env)
        started = time.monotonic()
        await alive.release(await alive.acquire("d.gov.cn", None, host_limit=(1, 0.0), ip_limit=None))
        assert 0.3 <= time.monotonic() - started < 3.0
        await alive.aclose()

    asyncio.run(run())


def test_an_unreachable_redis_falls_back_to_local_limits_after_the_wait(scale_env):
    async def run() -> None:
        lim = RedisLimiter("redis://127.0.0.1:1/0", "x", outage_wait_seconds=0.5)
        started = time.monotonic()
        token = await lim.acquire("o.gov.cn", None, host_limit=(1, 0.1), ip_limit=None)
        assert token is None and lim.outages == 1
        assert 0.4 <= time.monotonic() - started < 5
        await lim.release(token)
        await lim.aclose()

    asyncio.run(run())


def test_a_host_one_worker_gave_up_on_is_left_alone_by_every_worker(scale_env):
    async def run() -> None:
        a, b = _limiter(scale_env), _limiter(scale_env)
        config = PolitenessConfig(per_host=2, delay=0.0, safeguard_pause=0.01)
        first, second = Politeness(config, shared=a), Politeness(config, shared=b)
        # The first worker's safeguard sees a server failing cool-down after cool-down.
        for _ in range(200):
            if first.is_tripped("weak.gov.cn"):
                break
            first.record("weak.gov.cn", status=503, outcome="http")
        assert first.is_tripped("weak.gov.cn")
        await a.aclose()  # sends the trip
        with pytest.raises(HostTripped):
            async with second.slot("weak.gov.cn", None):
                pass
        assert second.is_tripped("weak.gov.cn")
        assert any("another worker" in e for e in second.events)
        # Other hosts are untouched.
        async with second.slot("fine.gov.cn", None):
            pass
        await b.aclose()

    asyncio.run(run())


def test_a_grant_seen_too_late_by_a_busy_process_is_given_back(scale_env):
    async def run() -> None:
        lim = _limiter(scale_env)
        limit = {"host_limit": (2, 0.2), "ip_limit": None}
        asked = time.monotonic()
        task = asyncio.ensure_future(lim.acquire("busy.gov.cn", None, **limit))
        await asyncio.sleep(0)  # the request to Redis is on its way
        await asyncio.sleep(0)
        time.sleep(0.3)  # the event loop is busy (a big page being analysed) while Redis grants
        token = await task
        # The late grant was returned; the one kept waited for the spacing that grant had set,
        # so this request cannot reach the server right behind another worker's.
        assert lim.late_grants >= 1
        assert time.monotonic() - asked >= 0.2 + 0.3
        await lim.release(token)
        await lim.aclose()

    asyncio.run(run())
