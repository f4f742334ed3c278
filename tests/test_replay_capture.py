"""Re-running an inspection on its stored capture, with the server gone, gives the same facts."""

from __future__ import annotations

import dataclasses

import pytest

from govinspect.crawl.crawler import CrawlConfig
from govinspect.demo import demo_options, province_specs
from govinspect.inspect import inspect_sites
from govinspect.runner import load_stored_run, write_outputs
from govinspect.sandbox.build import build_province
from govinspect.sandbox.server import start_server

pytestmark = pytest.mark.slow


def facts(run):
    return [
        (
            s.spec.url, s.status, s.pages,
            sorted((d.scope, d.target, d.reason, d.kind, d.source) for d in s.dead_links),
            sorted((b.target, b.reason) for b in s.blocked_links),
        )
        for s in run.sites
    ]


async def test_replay_reproduces_dead_and_blocked_links_offline(tmp_path):
    province = build_province(seed=3, n_sites=3, slow_timeout_seconds=0.2)
    first_dir, replay_dir = tmp_path / "first", tmp_path / "replay"
    server = await start_server(province)
    try:
        first = await inspect_sites(province_specs(province), demo_options(province, server.port, first_dir))
    finally:
        await server.close()  # from here on nothing answers on the network
    write_outputs(first, first_dir, None)

    specs, stored_as_of = load_stored_run(first_dir)
    assert [s.url for s in specs] == [s.spec.url for s in first.sites]
    options = dataclasses.replace(
        demo_options(province, 1, replay_dir),
        crawl=CrawlConfig(retry_delay=0.0, confirm_delay=0.0, rate_limit_retries=0), capture=False, replay=first_dir,
    )
    again = await inspect_sites(specs, options)
    assert facts(again) == facts(first)
    assert sum(len(s.dead_links) for s in again.sites) > 5
    # The replayed results point at the original evidence.
    assert all(s.capture and s.capture["warc"].endswith(".warc.gz") for s in again.sites)
