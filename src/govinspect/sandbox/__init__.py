"""The simulated province: seeded Chinese government websites with seeded defects and exact
ground truth, served from memory by Host header on one loopback port.

    from govinspect.sandbox import build_province, truth, run_in_thread
    province = build_province(seed=1, n_sites=12)
    with run_in_thread(province) as server:      # server.port
        ...
    expected = truth(province)
"""

from __future__ import annotations

from govinspect.sandbox.build import build_province, count_pages
from govinspect.sandbox.export import export_static
from govinspect.sandbox.model import Column, Item, Link, Province, SimSite
from govinspect.sandbox.server import (
    ServerHandle,
    ThreadedServer,
    run_in_thread,
    serve_forever,
    start_server,
)
from govinspect.sandbox.truth import resolve_args, site_truth, sites_csv, truth
from govinspect.sandbox.urls import normalize_url

__all__ = [
    "Column", "Item", "Link", "Province", "ServerHandle", "SimSite", "ThreadedServer", "build_province",
    "count_pages", "export_static", "normalize_url", "resolve_args", "run_in_thread", "serve_forever",
    "site_truth", "sites_csv", "start_server", "truth",
]
