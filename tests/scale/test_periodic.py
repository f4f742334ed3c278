"""The scheduler's schedule file, the daily incremental scan's choice of sites, evidence
retention, and the recovery sweep's re-sending of a dead worker's site."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from pathlib import Path

import pytest

from govinspect.scale.celeryapp import beat_schedule, make_app
from govinspect.scale.coordinator import Sweeper
from govinspect.scale.evidence import prune
from govinspect.scale.jobs import incremental_scan, specs_csv
from govinspect.scale.settings import ScaleError, load_settings
from govinspect.scale.store import connect_store
from govinspect.models import SiteSpec

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CN = dt.timezone(dt.timedelta(hours=8))


def test_the_shipped_schedule_loads_with_its_cron_every_and_queue(scale_env):
    settings = load_settings({**scale_env, "GOVINSPECT_SCHEDULE": str(DEPLOY / "schedule.yaml")})
    schedule = beat_schedule(settings)
    assert schedule["daily-scan"]["task"] == "govinspect.scan"
    assert schedule["daily-scan"]["kwargs"]["every_days"] == 90
    assert schedule["probe-round"]["schedule"] == dt.timedelta(seconds=3600)
    assert schedule["probe-round"]["options"] == {"queue": "probes"}
    assert schedule["sweep"]["task"] == "govinspect.sweep"


def test_a_bad_schedule_is_a_one_line_error(tmp_path, scale_env):
    bad = tmp_path / "s.yaml"
    bad.write_text("x:\n  task: reboot\n  every: 5\n", encoding="utf-8")
    with pytest.raises(ScaleError, match="task must be one of"):
        beat_schedule(load_settings({**scale_env, "GOVINSPECT_SCHEDULE": str(bad)}))
    bad.write_text("x:\n  task: scan\n  cron: '0 1 *'\n", encoding="utf-8")
    with pytest.raises(ScaleError, match="cron needs 5 fields"):
        beat_schedule(load_settings({**scale_env, "GOVINSPECT_SCHEDULE": str(bad)}))


def test_the_daily_scan_takes_the_sites_due_oldest_first(scale_env, tmp_path):
    settings = load_settings(scale_env)
    store = connect_store(settings)
    app = make_app(settings)
    registry = tmp_path / "registry.csv"
    specs = [SiteSpec(url=f"http://www.s{i}.gov.cn/", site_code=f"99010000{i:02d}", name=f"站{i}", region="甲")
             for i in range(6)]
    registry.write_text(specs_csv(specs), encoding="utf-8")
    now = dt.datetime(2024, 6, 15, 1, 0, tzinfo=CN)
    first = Path(incremental_scan(settings, store, app, sites=registry, out_root=tmp_path / "scans", every_days=3,
                                  limit=4, now=now))
    assert first.name == "scan-20240615"
    cid = store.unfinished_campaigns()[0]
    chosen = [p.site_key for p in store.pending(cid)]
    assert chosen == ["9901000000", "9901000001", "9901000002", "9901000003"]  # never inspected: registry order
    assert store.campaign(cid)["finish_by"] == "worker"
    for key in chosen[:3]:  # three of them get inspected
        store.write_result(cid, key, {"status": "inspected"}, worker="w", token="t")
    # The next day: the two never inspected come first, then the one left pending, within the limit.
    again = Path(incremental_scan(settings, store, app, sites=registry, out_root=tmp_path / "scans", every_days=3,
                                  limit=3, now=now + dt.timedelta(days=1)))
    cid2 = next(c for c in store.unfinished_campaigns() if c != cid)
    assert again.name == "scan-20240616"
    assert sorted(p.site_key for p in store.pending(cid2)) == ["9901000003", "9901000004", "9901000005"]
    store.close()


def test_the_sweep_sends_again_a_site_whose_worker_died(scale_env):
    settings = load_settings(scale_env)
    store = connect_store(settings)
    store.register_campaign("c9", "/tmp/c9", {}, {}, [("a", 0, {"url": "http://a.gov.cn/"}, None, "A"),
                                                      ("b", 1, {"url": "http://b.gov.cn/"}, None, "B")])
    sent: list[list[str]] = []
    sweeper = Sweeper(store, dataclasses.replace(settings, requeue_grace_seconds=0.0), lambda c, keys: sent.append(keys))
    store.mark_queued("c9", ["a", "b"], 60)
    assert sweeper.sweep("c9", queue_len=2) == []  # queued, nobody dead: nothing to do
    store.claim("c9", "a", "w1/1", "tok", lease_seconds=0.5)
    time.sleep(0.8)  # w1 died holding "a"
    assert sweeper.sweep("c9", queue_len=1) == ["a"]
    assert sweeper.sweep("c9", queue_len=1) == []  # sent once, not on every sweep
    # The broker lost its queue: empty, nobody working, sites pending → all sent again.
    assert sorted(sweeper.sweep("c9", queue_len=0)) == ["a", "b"]
    store.close()


def test_retention_deletes_old_evidence_only(tmp_path):
    old, new = tmp_path / "c1" / "evidence" / "a.warc.gz", tmp_path / "c1" / "evidence" / "b.warc.gz"
    result = tmp_path / "c1" / "results.json"
    for path in (old, new, result):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    long_ago = time.time() - 500 * 86400
    os.utime(old, (long_ago, long_ago))
    os.utime(result, (long_ago, long_ago))
    assert prune(str(tmp_path), 400, dry_run=True) == [str(old)] and old.exists()
    assert prune(str(tmp_path), 400) == [str(old)]
    assert not old.exists() and new.exists() and result.exists()
    with pytest.raises(ScaleError, match="no such evidence directory"):
        prune(str(tmp_path / "missing"), 400)
