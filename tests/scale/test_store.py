"""The shared store on the real PostgreSQL: one result row per (campaign, site) whatever the
tasks do, leases that keep a second worker off a site, and expired leases taken over."""

from __future__ import annotations

import threading
import time

import pytest

from govinspect.scale.settings import ScaleError, load_settings
from govinspect.scale.store import Store, connect_store


@pytest.fixture
def store(scale_env):
    s = connect_store(load_settings(scale_env))
    s.register_campaign("c1", "/tmp/c1", {"as_of": "2024-06-15T00:00:00+08:00"}, {"selected": ["a", "b"]},
                        [("a", 0, {"url": "http://a.gov.cn/"}, None, "A"),
                         ("b", 1, {"url": "http://b.gov.cn/"}, None, "B")])
    yield s
    s.close()


def test_a_result_is_stored_once_however_often_it_is_written(store):
    assert store.write_result("c1", "a", {"status": "inspected", "n": 1}, worker="w1", token="t1") is True
    assert store.write_result("c1", "a", {"status": "inspected", "n": 2}, worker="w2", token="t2") is False
    assert store.result_rows("c1") == [("a", "w1", "t1")]
    assert store.results("c1", ["a"])["a"]["n"] == 1  # the first finished inspection is kept


def test_concurrent_writers_of_one_site_leave_exactly_one_row(scale_env, store):
    settings = load_settings(scale_env)
    won: list[bool] = []

    def write(i: int) -> None:
        s = Store(settings.database_url, settings.schema)
        won.append(s.write_result("c1", "b", {"status": "inspected", "i": i}, worker=f"w{i}", token=f"t{i}"))
        s.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(won) == [False] * 7 + [True]
    assert [row[0] for row in store.result_rows("c1")] == ["b"]


def test_a_live_lease_keeps_others_off_and_an_expired_one_is_taken_over(store):
    first = store.claim("c1", "a", "w1/1", "tok1", lease_seconds=1)
    assert (first.state, first.attempt) == ("claimed", 1)
    busy = store.claim("c1", "a", "w2/2", "tok2", lease_seconds=1)
    assert (busy.state, busy.holder) == ("busy", "w1/1")
    assert store.heartbeat("c1", "a", "tok1", 1, pages=7) is True
    assert store.counts("c1") == {"total": 2, "done": 0, "running": 1, "pages": 7}
    time.sleep(1.3)  # w1 died: no heartbeat
    again = store.claim("c1", "a", "w2/2", "tok2", lease_seconds=5)
    assert (again.state, again.attempt) == ("claimed", 2)
    assert store.heartbeat("c1", "a", "tok1", 1, pages=9) is False  # w1 has lost it
    assert store.write_result("c1", "a", {"status": "inspected"}, worker="w2/2", token="tok2")
    assert store.claim("c1", "a", "w3/3", "tok3", lease_seconds=5).state == "done"
    assert [p.site_key for p in store.pending("c1")] == ["b"]


def test_a_queue_marker_is_taken_by_any_worker_and_pending_shows_it(store):
    store.mark_queued("c1", ["a", "b"], seconds=60)
    pending = {p.site_key: p for p in store.pending("c1")}
    assert pending["a"].holder == "" and pending["a"].live and not pending["a"].working
    claim = store.claim("c1", "a", "w1/1", "tok", lease_seconds=5)
    assert (claim.state, claim.attempt) == ("claimed", 1)
    # Marking again does not steal a live worker's lease.
    store.mark_queued("c1", ["a"], seconds=60)
    assert {p.site_key: p for p in store.pending("c1")}["a"].working


def test_unknown_sites_are_never_leased_or_stored(store):
    assert store.claim("c1", "zz", "w", "t", 5).state == "unknown"
    assert store.write_result("c1", "zz", {"status": "inspected"}, worker="w", token="t") is False
    assert store.result_rows("c1") == []


def test_bad_configuration_is_a_one_line_error(scale_env):
    with pytest.raises(ScaleError, match="GOVINSPECT_DATABASE_URL is not set"):
        load_settings({}).require_database()
    with pytest.raises(ScaleError, match="expected postgresql"):
        load_settings({"GOVINSPECT_DATABASE_URL": "mysql://x"})
    with pytest.raises(ScaleError, match="GOVINSPECT_DB_SCHEMA"):
        load_settings({"GOVINSPECT_DB_SCHEMA": "x; drop"})
    with pytest.raises(ScaleError, match="cannot reach the store"):
        Store("postgresql://nobody@127.0.0.1:1/none", "gi_x")
