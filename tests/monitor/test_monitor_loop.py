"""A week of monitoring on a fake clock against loopback sites that fail on schedule.

The fake clock moves only when the loop sleeps (after the probes in flight have settled), so a
week runs in a second or two, with real HTTP on 127.0.0.1 for every probe.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from conftest import T_2024_06_15, FakeClock, Province
from govinspect.checks.availability import availability_findings
from govinspect.monitor.loop import Monitor, MonitorConfig
from govinspect.monitor.store import MonitoredSite, ProbeStore
from govinspect.monitor.window import CHINA, AvailabilityReader
from govinspect.net import FetchConfig, Fetcher
from govinspect.profiles.loader import load_profile

T = T_2024_06_15
DAY = 86400.0
AS_OF = datetime.fromtimestamp(T, CHINA)

SITES = [
    MonitoredSite("5107230001", "http://www.ok.jyx.gov.cn/", "5107230001", "锦阳县人民政府"),
    MonitoredSite("5107230002", "http://www.tenth.jyx.gov.cn/", "5107230002", "锦阳县发展和改革局"),
    MonitoredSite("5107230003", "http://www.outage.jyx.gov.cn/", "5107230003", "锦阳县教育局"),
    MonitoredSite("www.ruishu.jyx.gov.cn/", "http://www.ruishu.jyx.gov.cn/", None, "锦阳县公安局"),
]


@pytest.fixture
async def world(aiohttp_server, tmp_path):  # type: ignore[no-untyped-def]
    clock = FakeClock(T - 7 * DAY)
    prov = Province(clock)
    # 锦阳县教育局 is down from 01:00 to 08:00 on 2024-06-10 (a night-long server failure).
    night = T - 5 * DAY
    prov.outages["www.outage.jyx.gov.cn"] = [(night + 3600, night + 8 * 3600)]
    server = await aiohttp_server(prov.app)
    resolve = {(s.url.split("/")[2], 80): ("127.0.0.1", server.port) for s in SITES}
    return clock, prov, FetchConfig(resolve=resolve, offline=True), tmp_path / "monitor.db"


async def run_for(clock: FakeClock, fetch: FetchConfig, db, seconds: float, per_day: int = 24,
                  sites=SITES) -> Monitor:  # type: ignore[no-untyped-def]
    with ProbeStore(db) as store:
        async with Fetcher(fetch) as fetcher:
            monitor = Monitor(sites, store, fetcher,
                              MonitorConfig(per_day=per_day, duration=seconds, concurrency=8,
                                            progress_interval=3600), clock=clock)
            clock.settled = lambda: monitor.in_flight == 0
            await monitor.run()
    return monitor


async def test_a_week_of_probes_decides_the_veto_per_site(world) -> None:
    clock, prov, fetch, db = world
    monitor = await run_for(clock, fetch, db, 7 * DAY)
    assert monitor.stats.missed == 0
    reader = AvailabilityReader(db)
    profile = load_profile("gov2019")
    got = {s.key: reader.availability(url=s.url, site_code=s.site_code, as_of=AS_OF) for s in SITES}

    ok = got["5107230001"]
    assert ok["enough_data"] and ok["failures"] == 0 and ok["probes"] >= 168
    assert [d["probes"] for d in ok["per_day"]] >= [24] * 7

    tenth = got["5107230002"]  # every tenth request answered 502: 10 % → veto
    assert tenth["enough_data"] and tenth["by_class"]["http_5xx"] == tenth["failures"]
    assert tenth["failures"] == prov.requests["www.tenth.jyx.gov.cn"] // 10
    (veto,), _ = availability_findings(tenth, profile, home_url=SITES[1].url)
    assert veto.indicator == "veto.site_unreachable"

    outage = got["5107230003"]  # 7 of 168 hourly probes fall into the night outage: 4.2 %
    assert outage["failures"] == 7
    assert [d["failures"] for d in outage["per_day"]] == [0, 0, 7, 0, 0, 0, 0]
    assert all(p["at"].startswith("2024-06-10T0") for p in outage["failed_probes"])
    assert availability_findings(outage, profile, home_url=SITES[2].url) == ([], [])
    (deduct,), _ = availability_findings(outage, load_profile("census2015"), home_url=SITES[2].url)
    assert (deduct.points, deduct.message) == (20.0, "网站状态异常比例4.1%，扣20分")

    waf = got["www.ruishu.jyx.gov.cn/"]  # 瑞数 answers every probe: nothing can be judged
    assert waf["probes"] == 0 and waf["blocked"] >= 168 and waf["enough_data"] is False
    assert availability_findings(waf, profile, home_url=SITES[3].url) == (
        [], ["可用性监测数据不足（需连续7天、每天不少于20次）"])
    reader.close()


async def test_a_restart_resumes_without_repeating_slots_and_a_gap_breaks_coverage(world) -> None:
    clock, _prov, fetch, db = world
    sites = SITES[:1]
    await run_for(clock, fetch, db, 2 * DAY, sites=sites)
    clock.t += 1  # restarted a second later
    await run_for(clock, fetch, db, 2 * DAY, sites=sites)
    clock.t += 5 * 3600  # the monitor host was down for five hours
    await run_for(clock, fetch, db, 3 * DAY - 5 * 3600 - 1, sites=sites)
    with ProbeStore(db, readonly=True) as store:
        slots = [r[0] for r in store._db.execute("SELECT slot FROM probes ORDER BY at")]
        runs = store._db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    assert len(slots) == len(set(slots))  # no slot probed twice
    assert runs == 3
    av = AvailabilityReader(db).availability(url=sites[0].url, site_code=sites[0].site_code, as_of=AS_OF)
    assert av["failures"] == 0
    # The monitor's own five-hour outage on 2024-06-12 cost that day its probes in the gap.
    per_day = [d["probes"] for d in av["per_day"]]
    assert per_day == [24, 24, 24, 24, 19, 24, 24]
    assert av["days_covered"] == 6 and av["enough_data"] is False


async def test_per_day_below_the_rule_leaves_every_day_uncovered(world) -> None:
    clock, _prov, fetch, db = world
    await run_for(clock, fetch, db, 7 * DAY, per_day=19, sites=SITES[:1])
    av = AvailabilityReader(db).availability(url=SITES[0].url, site_code=SITES[0].site_code, as_of=AS_OF)
    assert av["enough_data"] is False and av["days_covered"] == 0


async def test_stop_request_ends_the_run_and_keeps_what_was_probed(world) -> None:
    clock, _prov, fetch, db = world
    with ProbeStore(db) as store:
        async with Fetcher(fetch) as fetcher:
            monitor = Monitor(SITES, store, fetcher, MonitorConfig(per_day=24, progress_interval=3600), clock=clock)
            clock.settled = lambda: monitor.in_flight == 0

            async def stop_after_a_day(seconds: float, sleep=clock.sleep) -> None:  # type: ignore[no-untyped-def]
                await sleep(seconds)
                if clock.t >= T - 6 * DAY:
                    monitor.request_stop()

            clock.sleep = stop_after_a_day  # type: ignore[method-assign]
            stats = await monitor.run()
    with ProbeStore(db, readonly=True) as store:
        assert store.count_probes() == stats.probes
    assert 4 * 24 <= stats.probes <= 4 * 26


async def test_a_start_makes_up_recent_slots_spread_out_not_in_a_burst(tmp_path) -> None:
    # 2,000 sites whose names do not resolve (offline): every probe is an instant "dns" failure,
    # so only the schedule decides when probes start.
    clock = FakeClock(T + 600.0)
    sites = [MonitoredSite(f"{4101000000 + i:010d}", f"http://s{i}.xx.gov.cn/", f"{4101000000 + i:010d}")
             for i in range(2000)]
    await run_for(clock, FetchConfig(offline=True), tmp_path / "m.db", 3 * 3600, per_day=20, sites=sites)
    with ProbeStore(tmp_path / "m.db", readonly=True) as store:
        starts = [r[0] for r in store._db.execute("SELECT at FROM probes ORDER BY at")]
    per_minute = [0] * 180
    for at in starts:
        per_minute[int((at - clock.t + 3 * 3600) // 60)] += 1
    steady = 2000 * 20 / 1440  # 27.8 a minute
    # The 15 minutes after the start carry the slots of the 15 minutes before it as well …
    assert 1.6 * 15 * steady < sum(per_minute[:15]) < 2.4 * 15 * steady
    # … spread over them: no minute holds more than three times the steady load.
    assert max(per_minute) < 3 * steady
    assert 0.6 * 150 * steady < sum(per_minute[30:]) < 1.4 * 150 * steady
