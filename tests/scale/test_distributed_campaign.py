"""A campaign fanned out to two `govinspect worker` processes over the real Redis and PostgreSQL
gives the same sites as the embedded run, and still does when one worker is SIGKILLed mid-site.

The embedded run and each distributed run get their own sandbox server: the province's
rate-limited pages answer 429 twice per server, so a shared server would answer later runs
differently. Which fields the comparison leaves out, and why: helpers.normalise.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import threading
import time

import pytest

from govinspect.campaign.run import load_campaign, plan_campaign, run_campaign
from govinspect.campaign.sampling import parse_sample
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.demo import demo_options
from govinspect.sandbox.build import build_province
from govinspect.sandbox.truth import sites_csv
from govinspect.scale.coordinator import campaign_id_for, run_distributed
from govinspect.scale.jobs import finish_campaign
from govinspect.scale.settings import load_settings
from govinspect.scale.store import connect_store
from govinspect.sites import read_sites

from .helpers import RecordingServer, normalise, start_worker

pytestmark = pytest.mark.slow
AS_OF = "2024-06-15T00:00:00+08:00"


@pytest.fixture
def scale_env(scale_env):
    # The limiter's default start margin (60 ms, for 16 busy workers) would serialise the six
    # sites on 127.0.0.1 behind the per-IP spacing; two workers on loopback need only a little.
    return {**scale_env, "GOVINSPECT_START_MARGIN_SECONDS": "0.005"}


@pytest.fixture(scope="module")
def province():
    return build_province(seed=2, n_sites=6, pages_per_site=12, slow_timeout_seconds=0.2)


def _options(province, port):
    # Gentle enough that a site takes a few seconds (time to kill a worker mid-site), fast
    # enough for a test; the same for both modes.
    return dataclasses.replace(
        demo_options(province, port, None), parallel_sites=4,
        politeness=PolitenessConfig(per_host=2, delay=0.03, per_ip=64),
    )


def _plan(directory, registry):
    return plan_campaign(directory, registry, read_sites(registry), as_of=AS_OF, profile="gov2019",
                         sample=parse_sample(None), seed=0)


@pytest.fixture(scope="module")
def registry(province, tmp_path_factory):
    path = tmp_path_factory.mktemp("registry") / "sites.csv"
    path.write_text(sites_csv(province), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def embedded(province, registry, tmp_path_factory):
    """The reference: the same campaign run embedded (in process)."""
    directory = tmp_path_factory.mktemp("embedded") / "c"
    plan = _plan(directory, registry)
    with RecordingServer(province) as server:
        asyncio.run(run_campaign(plan, _options(province, server.port)))
    _, sites = load_campaign(directory)
    assert len(sites) == 6 and all(s["status"] == "inspected" for s in sites)
    return {s["key"]: s for s in sites}


def _run_coordinator(plan, options, settings, box):
    try:
        box["sent"] = run_distributed(plan, options, settings, timeout=240)
    except BaseException as exc:  # noqa: BLE001 - handed to the test thread
        box["error"] = exc


def _assert_same_as_embedded(directory, embedded):
    _, sites = load_campaign(directory)
    assert sorted(s["key"] for s in sites) == sorted(embedded)  # every site, once
    for site in sites:
        assert normalise(site) == normalise(embedded[site["key"]]), site["key"]
        assert (directory / site["capture"]["warc"]).is_file()


def test_two_workers_give_the_embedded_results(province, registry, embedded, scale_env, tmp_path):
    settings = load_settings(scale_env)
    workers = [start_worker(n, scale_env, tmp_path) for n in ("w1", "w2")]
    try:
        with RecordingServer(province) as server:
            plan = _plan(tmp_path / "c", registry)
            box: dict = {}
            _run_coordinator(plan, _options(province, server.port), settings, box)
            assert "error" not in box, box.get("error")
        assert box["sent"] == 6
        _assert_same_as_embedded(tmp_path / "c", embedded)
        store = connect_store(settings)
        rows = store.result_rows(campaign_id_for(plan))
        # What the scheduler's finish_campaign task does for campaigns nobody waits for.
        assert finish_campaign(store, campaign_id_for(plan), date=dt.date(2024, 6, 20)) == str((tmp_path / "c").resolve())
        store.close()
        assert sorted(r[0] for r in rows) == sorted(embedded)
        assert {r[1].split("@")[0] for r in rows} == {"w1", "w2"}  # both workers took sites
        results = json.loads((tmp_path / "c" / "results.json").read_text(encoding="utf-8"))
        assert results["campaign"]["finished"] == 6 and (tmp_path / "c" / "bulletin.docx").is_file()
    finally:
        for w in workers:
            w.stop()


def test_a_worker_killed_mid_site_loses_and_duplicates_nothing(province, registry, embedded, scale_env, tmp_path):
    settings = load_settings(scale_env)
    w1, w2 = (start_worker(n, scale_env, tmp_path) for n in ("w1", "w2"))
    try:
        with RecordingServer(province) as server:
            plan = _plan(tmp_path / "c", registry)
            campaign_id = campaign_id_for(plan)
            box: dict = {}
            thread = threading.Thread(target=_run_coordinator,
                                      args=(plan, _options(province, server.port), settings, box), daemon=True)
            thread.start()
            store = connect_store(settings)
            victim = None
            deadline = time.monotonic() + 120
            while victim is None and time.monotonic() < deadline and thread.is_alive():
                for key, holder, pages, live in store.leases(campaign_id):
                    # Mid-site: w1 holds it, has fetched pages, and it is not stored yet.
                    if holder.startswith("w1@") and live and pages >= 5 and key not in store.done_keys(campaign_id):
                        victim = key
                        break
                else:
                    time.sleep(0.05)
            assert victim is not None, "w1 was never seen mid-site"
            w1.kill()
            killed_at = time.monotonic()
            thread.join(240)
            assert not thread.is_alive(), "the campaign did not complete"
            assert "error" not in box, box.get("error")
            rows = store.result_rows(campaign_id)
            store.close()
        assert sorted(r[0] for r in rows) == sorted(embedded)  # complete, one row each
        assert dict((r[0], r[1]) for r in rows)[victim].startswith("w2@")  # redone elsewhere
        assert time.monotonic() - killed_at < 200
        _assert_same_as_embedded(tmp_path / "c", embedded)
        # The killed attempt's partial evidence is kept apart and not referred to.
        stored = json.loads((tmp_path / "c" / "sites" / f"{victim}.json").read_text(encoding="utf-8"))
        partial = [p for p in (tmp_path / "c" / "attempts" / "distributed" / "evidence").glob(f"{victim}.*.warc.gz")
                   if not stored["capture"]["warc"].endswith(p.name)]
        assert partial, "the interrupted attempt left no evidence of its own"
    finally:
        w1.kill()
        w2.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_server(port: int, tmp_path):
    import shutil
    import subprocess

    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (the broker-restart test runs its own)")
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            redis.Redis(port=port, socket_connect_timeout=1).ping()
            return proc
        except redis.RedisError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("redis-server did not start")


def test_a_broker_restart_without_persistence_loses_no_site(province, registry, embedded, scale_env, tmp_path):
    port = _free_port()
    broker = _redis_server(port, tmp_path)
    env = dict(scale_env, GOVINSPECT_BROKER_URL=f"redis://127.0.0.1:{port}/0")
    settings = load_settings(env)
    workers = []
    try:
        workers = [start_worker(n, env, tmp_path) for n in ("w1", "w2")]
        with RecordingServer(province) as server:
            plan = _plan(tmp_path / "c", registry)
            campaign_id = campaign_id_for(plan)
            box: dict = {}
            thread = threading.Thread(target=_run_coordinator,
                                      args=(plan, _options(province, server.port), settings, box), daemon=True)
            thread.start()
            store = connect_store(settings)
            deadline = time.monotonic() + 120
            while not store.done_keys(campaign_id) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert 0 < len(store.done_keys(campaign_id)) < 5, "no site was left to lose"
            broker.terminate()  # queued messages, unacked messages and limiter slots are gone
            broker.wait(20)
            time.sleep(1.0)
            broker = _redis_server(port, tmp_path)
            thread.join(240)
            assert not thread.is_alive(), "the campaign did not complete after the broker restart"
            assert "error" not in box, box.get("error")
            rows = store.result_rows(campaign_id)
            store.close()
        assert sorted(r[0] for r in rows) == sorted(embedded)
        _assert_same_as_embedded(tmp_path / "c", embedded)
    finally:
        for w in workers:
            w.stop()
        broker.kill()
        broker.wait(10)
