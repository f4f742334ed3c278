"""Two processes crawling the same sandbox host through the Redis limiter stay within one
per-host limit together, measured at the server; without it they double the load (which shows
the measurement can see a breach)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from govinspect.crawl.crawler import CrawlConfig
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.demo import demo_options
from govinspect.models import SiteSpec
from govinspect.sandbox.build import build_province
from govinspect.scale.codec import options_to_json, spec_to_json

from .helpers import RecordingServer, max_in_window, max_overlap, slot_starts, worker_env

pytestmark = pytest.mark.slow

PER_HOST, DELAY = 1, 0.2

CRAWL_ONE = """
import asyncio, json, sys
from govinspect.inspect import inspect_one
from govinspect.scale.codec import options_from_json, spec_from_json

async def main():
    cfg = json.loads(sys.argv[1])
    limiter = None
    if cfg["redis"]:
        from govinspect.scale.limiter import RedisLimiter
        limiter = RedisLimiter(cfg["redis"], cfg["prefix"])
    options = options_from_json(cfg["options"], limiter=limiter, analysis_worker=False)
    result = await inspect_one(spec_from_json(cfg["spec"]), "site", options)
    if limiter is not None:
        await limiter.aclose()
    print(result.status, result.pages)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def province():
    return build_province(seed=3, n_sites=2, pages_per_site=12, slow_timeout_seconds=0.2)


def _crawl_twice(province, scale_env, tmp_path, shared: bool):
    """Two processes inspect the same site at once; returns the server's log of its host."""
    site = province.sites[0]
    script = tmp_path / "crawl_one.py"
    script.write_text(CRAWL_ONE, encoding="utf-8")
    with RecordingServer(province) as server:
        options = dataclasses.replace(
            demo_options(province, server.port, None),
            politeness=PolitenessConfig(per_host=PER_HOST, delay=DELAY, per_ip=64, ip_delay=0.0),
            crawl=CrawlConfig(max_pages=15, retry_delay=0.2, confirm_delay=0.5), integrity_fetches=False,
        )
        cfg = json.dumps({
            "redis": scale_env["GOVINSPECT_BROKER_URL"] if shared else None,
            "prefix": scale_env["GOVINSPECT_KEY_PREFIX"],
            "options": options_to_json(options), "spec": spec_to_json(SiteSpec(url=site.registered_url)),
        })
        procs = [subprocess.Popen([sys.executable, str(script), cfg], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=worker_env(scale_env), text=True) for _ in range(2)]
        for proc in procs:
            out, err = proc.communicate(timeout=240)
            assert proc.returncode == 0, err[-2000:]
            assert out.startswith("inspected"), out + err[-2000:]
        return server.log.for_host(site.host)


def test_two_processes_share_one_per_host_limit(province, scale_env, tmp_path):
    windows = _crawl_twice(province, scale_env, tmp_path, shared=True)
    starts = slot_starts(windows)
    assert len(starts) > 40  # both processes crawled the host
    assert max_overlap(windows) <= PER_HOST
    # Starts spaced by DELAY: at most 1/DELAY + 1 in any second, for both processes together.
    assert max_in_window(starts) <= int(1 / DELAY) + 1
    # And pair by pair, as the server saw them (the shared spacing has a margin for jitter).
    assert min(y - x for x, y in zip(starts, starts[1:])) >= DELAY
    span = starts[-1] - starts[0]
    assert span >= (len(starts) - 1) * DELAY * 0.95


def test_without_the_shared_limiter_two_processes_double_the_load(province, scale_env, tmp_path):
    windows = _crawl_twice(province, scale_env, tmp_path, shared=False)
    # Each process keeps the limit on its own; together they start nearly twice as many.
    assert max_in_window(slot_starts(windows)) >= int(1 / DELAY) + 3
