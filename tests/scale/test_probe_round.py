"""A probe round (the scheduler's availability task) writes one classified probe per site into
the monitor database that `inspect --monitor-db` reads."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from govinspect.monitor.command import monitored_sites
from govinspect.monitor.schedule import phase
from govinspect.monitor.store import ProbeStore
from govinspect.runner import build_specs
from govinspect.sandbox.build import build_province
from govinspect.sandbox.truth import resolve_args, sites_csv
from govinspect.scale.jobs import probe_round
from govinspect.scale.settings import load_settings

from .helpers import RecordingServer

SPREAD = 2.0


def test_a_probe_round_stores_one_probe_per_site_spread_over_the_round(tmp_path):
    province = build_province(seed=2, n_sites=4, pages_per_site=12, slow_timeout_seconds=0.2)
    registry = tmp_path / "sites.csv"
    registry.write_text(sites_csv(province), encoding="utf-8")
    db = tmp_path / "monitor.db"
    with RecordingServer(province) as server:
        counts = probe_round(load_settings({}), registry, db,
                             {"resolve": resolve_args(province, server.port), "offline": True, "allow_private": True,
                              "spread_seconds": SPREAD})
        first = {s.host: min(w[0] for w in server.log.for_host(s.host)) for s in province.sites}
    assert sum(counts.values()) == 4 and counts.get("ok") == 4
    store = ProbeStore(db, readonly=True)
    try:
        assert store.count_probes() == 4
    finally:
        store.close()
    # Not one burst: each site's probe starts at its own place in the round, in phase order.
    phases = {urlsplit(m.url).hostname: phase(m.key) for m in monitored_sites(build_specs([], registry), io.StringIO())}
    by_phase = sorted(first, key=phases.__getitem__)
    starts = [first[host] for host in by_phase]
    assert starts == sorted(starts)
    assert starts[-1] - starts[0] >= (phases[by_phase[-1]] - phases[by_phase[0]]) * SPREAD - 0.2
