"""A probe round (the scheduler's availability task) writes one classified probe per site into
the monitor database that `inspect --monitor-db` reads."""

from __future__ import annotations

from govinspect.monitor.store import ProbeStore
from govinspect.sandbox.build import build_province
from govinspect.sandbox.truth import resolve_args, sites_csv
from govinspect.scale.jobs import probe_round
from govinspect.scale.settings import load_settings

from .helpers import RecordingServer


def test_a_probe_round_stores_one_probe_per_site(tmp_path):
    province = build_province(seed=2, n_sites=4, pages_per_site=12, slow_timeout_seconds=0.2)
    registry = tmp_path / "sites.csv"
    registry.write_text(sites_csv(province), encoding="utf-8")
    db = tmp_path / "monitor.db"
    with RecordingServer(province) as server:
        counts = probe_round(load_settings({}), registry, db,
                             {"resolve": resolve_args(province, server.port), "offline": True, "allow_private": True})
        homepages = [e for e in server.log.entries if e[0] in {s.host for s in province.sites}]
    assert sum(counts.values()) == 4 and counts.get("ok") == 4
    assert len(homepages) >= 4
    store = ProbeStore(db, readonly=True)
    try:
        assert store.count_probes() == 4
    finally:
        store.close()
