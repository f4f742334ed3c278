"""Pages the crawler analyses itself (when the worker has a backlog) come out exactly as the
worker's: the split between the two processes never changes an inspection's result."""

from __future__ import annotations

import json

import pytest

from govinspect.crawl import crawler
from govinspect.demo import demo_options, province_specs
from govinspect.inspect import inspect_sites
from govinspect.report.results import site_to_json
from govinspect.sandbox.build import build_province
from govinspect.sandbox.server import start_server

pytestmark = pytest.mark.slow

# Volatile by nature: when things were fetched and how long they took, and the counters
# (the balancing counter itself among them).
_VOLATILE = {"checked_at", "fetched_at", "seen_at", "seconds", "counters", "elapsed", "stats", "capture"}


def _stable(value: object) -> object:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        # Some lists come in the order pages finished (guides, letters), which varies from one
        # crawl to the next whoever analyses them: compare their contents, not their order.
        items = [_stable(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True, default=str))
    return value


async def _inspect(province, tmp_path, backlog: int) -> tuple[list[object], list[dict[str, int]]]:
    server = await start_server(province)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(crawler, "BALANCE_BACKLOG", backlog)
            options = demo_options(province, server.port, tmp_path)
            run = await inspect_sites(province_specs(province), options.__class__(
                **{**{f: getattr(options, f) for f in options.__dataclass_fields__}, "analysis_worker": True}
            ))
    finally:
        await server.close()
    sites = [site_to_json(s) for s in run.sites]
    return [_stable(s) for s in sites], [s.counters for s in run.sites]


async def test_pages_analysed_in_the_crawler_equal_pages_analysed_in_the_worker(tmp_path):
    # Three sites of the simulated province: GBK and UTF-8 templates, columns, seeded defects.
    province = build_province(seed=3, n_sites=3)
    in_worker, worker_counters = await _inspect(province, tmp_path / "worker", backlog=10**9)
    in_crawler, crawler_counters = await _inspect(province, tmp_path / "crawler", backlog=0)
    assert all(c.get("worker/balanced", 0) == 0 for c in worker_counters)
    # The crawler's own analyses: while the worker still loads ("warming_up") or has a backlog.
    assert all(c.get("worker/balanced", 0) + c.get("worker/warming_up", 0) >= 10 for c in crawler_counters)
    assert sum(c.get("worker/balanced", 0) for c in crawler_counters) > 0
    assert sum(len(s["dead_links"]) for s in in_worker) > 0  # a province with something to find
    assert _diff(in_crawler, in_worker) == []


def _diff(a: object, b: object, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += _diff(a.get(k), b.get(k), f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += _diff(x, y, f"{path}[{i}]")
        return out
    return [] if a == b else [f"{path}: {str(a)[:300]} != {str(b)[:300]}"]
