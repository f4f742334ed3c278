"""`inspect` with a monitor store: availability filled per site, the veto where the week says so."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import datetime

from conftest import T_2024_06_15
from govinspect.crawl.crawler import CrawlConfig
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.inspect import InspectOptions, inspect_sites
from govinspect.models import SiteSpec
from govinspect.monitor.store import MonitoredSite, ProbeRecord, ProbeStore, site_key
from govinspect.monitor.window import CHINA
from govinspect.net import FetchConfig
from govinspect.report.results import site_to_json

T = T_2024_06_15
DAY = 86400.0

DOWN_OFTEN = SiteSpec(url="http://www.ok.jyx.gov.cn/", site_code="5107230001", name="锦阳县人民政府")
THIN = SiteSpec(url="http://www.tenth.jyx.gov.cn/", name="锦阳县发展和改革局")
DEAD = SiteSpec(url="http://www.refused.jyx.gov.cn/", site_code="5107230009", name="锦阳县林业局")
UNMONITORED = SiteSpec(url="http://www.moved.jyx.gov.cn/", name="锦阳县统计局")


def fill(db, spec: SiteSpec, *, days: int, per_day: int, failing: set[int], cls: str = "timeout") -> None:  # type: ignore[no-untyped-def]
    with ProbeStore(db) as store:
        (sid,) = store.register_sites([MonitoredSite(site_key(spec.url, spec.site_code), spec.url, spec.site_code)])
        n = 0
        for d in range(days):
            for k in range(per_day):
                at = T - (days - d) * DAY + (k + 0.3) * DAY / per_day
                failed = n in failing
                store.add(ProbeRecord(sid, at, n, cls if failed else "ok", None if failed else 200,
                                      15.0 if failed else 0.12, "TimeoutError: 15 s" if failed else None, "10.8.1.2"))
                n += 1


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


async def test_inspect_fills_availability_and_the_veto_from_the_store(province, tmp_path) -> None:
    _prov, port = province
    db = tmp_path / "monitor.db"
    fill(db, DOWN_OFTEN, days=7, per_day=24, failing=set(range(0, 168, 14)))  # 12 of 168 = 7.1 %
    fill(db, THIN, days=5, per_day=24, failing=set(range(0, 120, 2)))  # half failed, but 5 days only
    fill(db, DEAD, days=7, per_day=24, failing=set(range(168)), cls="refused")
    resolve = {(h, 80): ("127.0.0.1", port) for h in ("www.ok.jyx.gov.cn", "www.tenth.jyx.gov.cn", "www.moved.jyx.gov.cn")}
    resolve[("www.refused.jyx.gov.cn", 80)] = ("127.0.0.1", closed_port())
    options = InspectOptions(
        as_of=datetime.fromtimestamp(T, CHINA),
        fetch=FetchConfig(resolve=resolve, offline=True, timeout=5),
        politeness=PolitenessConfig(per_host=4, delay=0.0),
        crawl=CrawlConfig(max_pages=3, retry_delay=0.0, confirm_delay=0.0),
        capture=False, analysis_worker=False, monitor_db=db,
    )
    run = await inspect_sites([DOWN_OFTEN, THIN, DEAD, UNMONITORED], options)
    sites = {s.spec.name: site_to_json(s) for s in run.sites}

    down = sites["锦阳县人民政府"]
    av = down["availability"]
    assert (av["probes"], av["failures"], av["ratio"]) == (168, 12, 0.0714)
    assert av["blocked"] == 0 and av["days_covered"] == 7 and av["enough_data"] is True
    assert av["window"]["from"] == "2024-06-08T00:00:00+08:00" and av["window"]["to"] == "2024-06-15T00:00:00+08:00"
    assert "veto.site_unreachable" in down["vetoes"] and down["verdict"] == "fail" and down["score"] is None
    veto = next(f for f in down["findings"] if f["indicator"] == "veto.site_unreachable")
    assert veto["message"] == "监测时间点前1周内共访问网站首页168次，无法访问12次，异常比例7.1%，站点无法访问，单项否决"
    assert veto["evidence"][1]["detail"].startswith("2024-06-08 00:18:00 超过15秒未打开")

    thin = sites["锦阳县发展和改革局"]
    assert thin["availability"]["enough_data"] is False and thin["availability"]["days_covered"] == 5
    assert "veto.site_unreachable" not in thin["vetoes"]
    assert "可用性监测数据不足（需连续7天、每天不少于20次）" in thin["notes"]
    assert thin["availability"]["note"] == "可用性监测数据不足（需连续7天、每天不少于20次）"

    dead = sites["锦阳县林业局"]  # unreachable for the crawl too: the week of probes still counts
    assert dead["status"] == "error"
    assert dead["availability"]["failures"] == 168 and dead["vetoes"] == ["veto.site_unreachable"]

    other = sites["锦阳县统计局"]
    assert other["availability"]["monitored"] is False and other["availability"]["probes"] == 0
    assert other["vetoes"] == []
    json.dumps(sites, ensure_ascii=False, allow_nan=False)  # results.json stays valid JSON


def test_the_command_reads_the_store_named_by_the_environment(tmp_path) -> None:
    db = tmp_path / "monitor.db"
    fill(db, DEAD, days=7, per_day=20, failing=set(range(0, 140, 20)), cls="refused")  # 7 of 140: 5 %
    sites = tmp_path / "sites.csv"
    sites.write_text("网站标识码,网站名称,首页地址\n5107230009,锦阳县林业局,http://www.refused.jyx.gov.cn/\n",
                     encoding="utf-8")
    command = [sys.executable, "-m", "govinspect", "inspect", "--sites", str(sites), "--offline", "--quiet",
               "--json", "-", "--resolve", f"www.refused.jyx.gov.cn:80:127.0.0.1:{closed_port()}",
               "--allow-private", "--as-of", "2024-06-15", "--profile", "census2015"]
    env = {k: v for k, v in os.environ.items() if k != "GOVINSPECT_MONITOR_DB"}
    results = []
    for extra_env, out in (({}, "plain"), ({"GOVINSPECT_MONITOR_DB": str(db)}, "env")):
        done = subprocess.run([*command, "--out", str(tmp_path / out)], capture_output=True, text=True, timeout=120,
                              env={**env, **extra_env})
        assert done.returncode == 1, done.stderr  # the site itself could not be crawled
        (site,) = json.loads(done.stdout)["sites"]
        results.append(site)
    plain, monitored = results
    assert plain["availability"] is None and plain["vetoes"] == []
    assert (monitored["availability"]["probes"], monitored["availability"]["failures"]) == (140, 7)
    assert monitored["vetoes"] == ["veto.site_unreachable"]
