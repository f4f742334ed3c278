"""The SQLite probe store: round trip, batching, matching sites, versioning, bad files."""

from __future__ import annotations

import sqlite3

import pytest

from govinspect.monitor.store import (
    SCHEMA_VERSION,
    MonitoredSite,
    ProbeRecord,
    ProbeStore,
    StoreError,
    site_key,
    url_key,
)

T = 1718380800.0

SITES = [
    MonitoredSite(key="4210030010", url="http://www.jingzhou.gov.cn/", site_code="4210030010", name="荆州市人民政府"),
    MonitoredSite(key="bm07000001", url="https://www.miit.gov.cn/", site_code="bm07000001", name="工业和信息化部"),
    MonitoredSite(key="www.jyx.gov.cn/", url="http://www.jyx.gov.cn/", name="锦阳县人民政府"),
]


def test_probes_round_trip_in_time_order(tmp_path) -> None:
    path = tmp_path / "monitor.db"
    with ProbeStore(path) as store:
        ids = store.register_sites(SITES)
        store.add(ProbeRecord(ids[0], T + 7200, 11, "http_5xx", 502, 0.031, "HTTP 502"))
        store.add(ProbeRecord(ids[0], T + 3600, 10, "ok", 200, 0.052))
        store.add(ProbeRecord(ids[1], T + 3600, 10, "timeout", None, 15.0, "TimeoutError", "10.1.2.3"))
        assert store.pending == 3 and store.count_probes() == 0  # buffered until flushed
        assert store.flush() == 3
    with ProbeStore(path, readonly=True) as reader:
        assert reader.probes(ids[0], T, T + 86400) == [
            (T + 3600, "ok", 200, 0.052, None),
            (T + 7200, "http_5xx", 502, 0.031, "HTTP 502"),
        ]
        assert reader.probes(ids[0], T, T + 7200) == [(T + 3600, "ok", 200, 0.052, None)]  # [start, end)
        assert reader.last_slots(ids, since=T) == {ids[0]: 11, ids[1]: 10}


def test_closing_writes_what_is_buffered(tmp_path) -> None:
    path = tmp_path / "monitor.db"
    store = ProbeStore(path)
    (sid,) = store.register_sites(SITES[:1])
    store.add(ProbeRecord(sid, T, 1, "refused", None, 0.001, "Connection refused"))
    store.close()
    store.close()  # twice is harmless
    assert ProbeStore(path, readonly=True).count_probes() == 1


def test_re_registering_keeps_ids_and_updates_the_homepage(tmp_path) -> None:
    with ProbeStore(tmp_path / "m.db") as store:
        first = store.register_sites(SITES)
        moved = MonitoredSite(key="4210030010", url="https://www.jingzhou.gov.cn/", site_code="4210030010")
        again = store.register_sites([moved, *SITES[1:]])
        assert again == first
        assert store.find_site(site_code="4210030010", url="") == (first[0], "https://www.jingzhou.gov.cn/")


def test_inspections_find_sites_by_code_or_by_homepage(tmp_path) -> None:
    with ProbeStore(tmp_path / "m.db") as store:
        ids = store.register_sites(SITES)
        assert store.find_site(site_code="bm07000001", url="http://elsewhere.gov.cn/")[0] == ids[1]
        # No code in the inspection's list: the homepage matches however it is written.
        assert store.find_site(site_code=None, url="http://WWW.JYX.GOV.CN")[0] == ids[2]
        assert store.find_site(site_code=None, url="https://www.jyx.gov.cn:443/")[0] == ids[2]
        # A code unknown to the monitor falls back to the homepage.
        assert store.find_site(site_code="5107230001", url="http://www.jyx.gov.cn/")[0] == ids[2]
        assert store.find_site(site_code=None, url="http://www.other.gov.cn/") is None


def test_site_keys_are_codes_else_homepages() -> None:
    assert site_key("http://www.jingzhou.gov.cn/", "4210030010") == "4210030010"
    assert site_key("http://WWW.Jyx.gov.cn:80", None) == "www.jyx.gov.cn/"
    assert url_key("https://www.jyx.gov.cn:8443/index.html") == "www.jyx.gov.cn:8443/index.html"


def test_old_probes_are_pruned(tmp_path) -> None:
    with ProbeStore(tmp_path / "m.db") as store:
        (sid,) = store.register_sites(SITES[:1])
        for day in range(10):
            store.add(ProbeRecord(sid, T + day * 86400, day, "ok", 200, 0.01))
        store.flush()
        assert store.prune(T + 5 * 86400) == 5
        assert store.count_probes() == 5


def test_the_store_uses_wal_and_indexes_site_and_time(tmp_path) -> None:
    path = tmp_path / "m.db"
    ProbeStore(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    indexes = {r[1]: r[2] for r in db.execute("SELECT type, name, tbl_name FROM sqlite_master WHERE type='index'")}
    assert indexes["probes_site_at"] == "probes"
    cols = [r[2] for r in db.execute("PRAGMA index_info(probes_site_at)")]
    assert cols == ["site_id", "at"]
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)


def test_a_store_from_a_newer_govinspect_is_refused_untouched(tmp_path) -> None:
    path = tmp_path / "m.db"
    ProbeStore(path).close()
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="schema 99"):
        ProbeStore(path)
    assert path.read_bytes() == before


def test_files_that_are_not_monitor_stores_are_refused_with_one_line(tmp_path) -> None:
    text = tmp_path / "sites.csv"
    text.write_text("网站标识码,网站名称,首页地址\n4210030010,荆州市人民政府,http://www.jingzhou.gov.cn/\n", encoding="utf-8")
    with pytest.raises(StoreError) as err:
        ProbeStore(text)
    assert "\n" not in str(err.value) and "sites.csv" in str(err.value)
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.close()
    with pytest.raises(StoreError, match="not a govinspect monitor database"):
        ProbeStore(other)
    with pytest.raises(StoreError, match="does not exist"):
        ProbeStore(tmp_path / "missing.db", readonly=True)
    with pytest.raises(StoreError, match="directory"):
        ProbeStore(tmp_path / "no" / "such" / "dir.db")
