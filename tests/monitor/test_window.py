"""The week before T from stored probes: counts, coverage rule edges, blocked kept apart."""

from __future__ import annotations

from govinspect.monitor.window import percent_text, summarise

T = 1718380800.0  # 2024-06-15 00:00 China time
DAY = 86400.0


def week(per_day: int = 20, days: int = 7, fail_every: int = 0, cls: str = "timeout",
         blocked_every: int = 0) -> list[tuple[float, str, int | None, float, str | None]]:
    """Probes spread over the `days` before T; every `fail_every`-th fails, every `blocked_every`-th is blocked."""
    rows = []
    n = 0
    for d in range(days):
        for k in range(per_day):
            n += 1
            at = T - (days - d) * DAY + (k + 0.5) * DAY / per_day
            if blocked_every and n % blocked_every == 0:
                rows.append((at, "blocked", 412, 0.02, "HTTP 412 anti-bot challenge"))
            elif fail_every and n % fail_every == 0:
                rows.append((at, cls, None, 15.0, "TimeoutError"))
            else:
                rows.append((at, "ok", 200, 0.08, None))
    return rows


def test_a_full_week_counts_probes_failures_and_coverage() -> None:
    out = summarise(week(per_day=20, fail_every=20), as_of=T)
    assert (out["probes"], out["failures"], out["ratio"]) == (140, 7, 0.05)
    assert out["days_covered"] == 7 and out["enough_data"] is True
    assert "note" not in out
    assert out["window"] == {"from": "2024-06-08T00:00:00+08:00", "to": "2024-06-15T00:00:00+08:00",
                             "days": 7, "min_probes_per_day": 20}
    assert [d["from"][:10] for d in out["per_day"]] == [f"2024-06-{d:02d}" for d in range(8, 15)]
    assert out["failed_probes"][0] == {"at": "2024-06-08T23:24:00+08:00", "class": "timeout", "status": None,
                                       "seconds": 15.0, "detail": "TimeoutError"}


def test_six_days_of_probes_are_not_enough() -> None:
    out = summarise(week(days=6, fail_every=2), as_of=T)  # 50 % failed, but only 6 days
    assert out["days_covered"] == 6 and out["enough_data"] is False
    assert out["note"] == "可用性监测数据不足（需连续7天、每天不少于20次）"


def test_a_day_with_nineteen_probes_breaks_coverage() -> None:
    rows = week(per_day=20)
    del rows[65]  # one probe of the fourth day lost (the monitor was restarted)
    out = summarise(rows, as_of=T)
    assert out["probes"] == 139
    assert out["days_covered"] == 6 and out["enough_data"] is False
    assert [d["probes"] for d in out["per_day"]] == [20, 20, 20, 19, 20, 20, 20]
    assert summarise(week(per_day=19), as_of=T)["days_covered"] == 0


def test_blocked_probes_are_neither_success_nor_failure_nor_coverage() -> None:
    # 24 a day, every fourth answered by a WAF challenge: 18 judged probes a day.
    out = summarise(week(per_day=24, blocked_every=4), as_of=T)
    assert out["blocked"] == 42 and out["probes"] == 126 and out["failures"] == 0
    assert out["ratio"] == 0.0
    assert out["enough_data"] is False  # 18 judged a day < 20
    # 28 a day with every fourth blocked: 21 judged a day covers the week.
    out = summarise(week(per_day=28, blocked_every=4, fail_every=7), as_of=T)
    assert out["enough_data"] is True and out["blocked"] == 49
    assert out["probes"] == 196 - 49
    assert out["failures"] == sum(1 for n in range(1, 197) if n % 7 == 0 and n % 4 != 0)


def test_probes_outside_the_window_are_ignored() -> None:
    rows = week() + [(T, "timeout", None, 15.0, "at T itself"), (T - 7 * DAY - 1, "dns", None, 0.0, "before")]
    out = summarise(rows, as_of=T)
    assert out["probes"] == 140 and out["failures"] == 0


def test_no_probes_at_all() -> None:
    out = summarise([], as_of=T)
    assert out["probes"] == 0 and out["ratio"] is None and out["enough_data"] is False


def test_percent_is_truncated_as_a_bulletin_prints_it() -> None:
    assert percent_text(9, 200) == "4.5"
    assert percent_text(7, 140) == "5"
    assert percent_text(499, 10000) == "4.9"  # 4.99 % is not shown as 5.0 %: no veto there
    assert percent_text(3, 140) == "2.1"


def test_probes_made_while_the_monitor_itself_was_offline_are_not_judged(tmp_path) -> None:
    from datetime import datetime

    from govinspect.monitor.store import MonitoredSite, ProbeRecord, ProbeStore
    from govinspect.monitor.window import CHINA, AvailabilityReader, offline_buckets

    db = tmp_path / "m.db"
    sites = [MonitoredSite(f"51072300{i:02d}", f"http://www.s{i}.jyx.gov.cn/", f"51072300{i:02d}") for i in range(30)]
    with ProbeStore(db) as store:
        ids = store.register_sites(sites)
        # Site 0: a full week, 24 a day, all fine except ten probes during the monitor's outage.
        outage = T - 3 * DAY + 3 * 3600  # 2024-06-12 03:00, a five-minute bucket boundary
        for n in range(168):
            at = T - 7 * DAY + n * 3600 + 60
            store.add(ProbeRecord(ids[0], at, n, "ok", 200, 0.1))
        for k in range(10):
            store.add(ProbeRecord(ids[0], outage + 10 + k * 20, 1000 + k, "dns", None, 15.0, "DNS timeout"))
        # The same five minutes: 25 other sites, every probe unanswered → our network.
        for i in range(1, 26):
            store.add(ProbeRecord(ids[i], outage + 5 + i * 10, 1, "timeout" if i % 2 else "dns", None, 15.0, "x"))
        # Another five minutes: 30 probes, 10 unanswered → the sites' own trouble.
        for i in range(30):
            store.add(ProbeRecord(ids[i], outage + 3600 + i * 5, 2, "refused" if i < 10 else "ok", None, 0.01))
        # A quiet bucket with only five probes, all failing: too few to blame ourselves.
        for i in range(5):
            store.add(ProbeRecord(ids[i + 1], outage + 7200 + i, 3, "dns", None, 0.5))
    with ProbeStore(db, readonly=True) as store:
        assert offline_buckets(store, T - 7 * DAY, T) == frozenset({int(outage // 300)})
    av = AvailabilityReader(db).availability(url=sites[0].url, site_code=sites[0].site_code,
                                             as_of=datetime.fromtimestamp(T, CHINA))
    assert av["monitor_offline"] == 10 and av["failures"] == 1  # only its own refused probe counts
    assert av["probes"] == 169 and av["unknown"] == 10
    assert av["by_class"] == {"monitor_offline": 10, "ok": 168, "refused": 1}
