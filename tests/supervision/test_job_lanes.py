"""The local job runner's two lanes: a re-check finishes while a slow campaign is still running,
two runners never take the same job (threads on SQLite; processes on PostgreSQL when one is
reachable), start-up marks interrupted jobs, and `admin run-jobs` runs both lanes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from govinspect.platform import jobs
from govinspect.platform.campaigns import runner
from govinspect.platform.campaigns.models import Campaign
from govinspect.platform.orders import actions
from govinspect.platform.orders.models import Finding, Job, WorkOrder
from govinspect.platform.orders.results_import import import_results
from tests.supervision.helpers import run, site_result

REPO = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("GOVINSPECT_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll `check` until it is true; fail with `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


class _Slow:
    """A county site whose one page answers only when the test lets it (or after 60 s)."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.release = threading.Event()
        self.fixed: set[str] = set()


def _server(state: _Slow) -> ThreadingHTTPServer:
    class County(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path == "/slow.html":
                state.asked.set()
                state.release.wait(60)  # bounded: the test releases it long before
            if self.path in ("/", "/slow.html") or self.path in state.fixed:
                body = ('<html><head><meta charset="utf-8"><title>县政府</title></head><body>'
                        '<a href="/slow.html">政策文件</a></body></html>')
                self.send_response(200)
            else:
                body = "无此页面"
                self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), County)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def slow_site() -> Iterator[tuple[str, _Slow]]:
    state = _Slow()
    server = _server(state)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def probe_kind() -> Iterator[list[tuple[int, str]]]:
    """A job kind that records which thread ran which job (and takes a little time)."""
    ran: list[tuple[int, str]] = []
    lock = threading.Lock()

    @jobs.handler("probe")
    def probe(params: dict[str, Any]) -> dict[str, Any]:
        time.sleep(0.01)
        with lock:
            ran.append((params["n"], threading.current_thread().name))
        return {"n": params["n"]}

    yield ran
    jobs._HANDLERS.pop("probe", None)


def test_lanes_follow_the_kind() -> None:
    assert jobs.lane_of("campaign") == "long"
    assert {jobs.lane_of(k) for k in ("recheck", "remind", "publish")} == {"short"}
    with pytest.raises(ValueError, match="unknown lane"):
        jobs.run_pending(lane="medium")


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_recheck_completes_while_a_slow_campaign_is_still_running(province, slow_site) -> None:  # type: ignore[no-untyped-def]
    base, state = slow_site
    admin = province.users["admin"]
    # Both sites live on loopback; an administrator allowed private addresses for them.
    campaign_site, recheck_site = province.sites["6103020001"], province.sites["6103240001"]
    for site in (campaign_site, recheck_site):
        site.url, site.allow_private = f"{base}/", True
        site.save()
    import_results(run(site_result("6103240001", f"{base}/", dead=[(f"{base}/", f"{base}/gone.html")])), admin)
    order = actions.confirm(Finding.objects.get(indicator="deduct.design.links_other_dead"), admin)

    campaign = runner.create_campaign(admin, name="慢网站抽查", mode="site", site=campaign_site, region=None, sample="",
                                      seed=0, all_portals=False, as_of=None, profile="gov2019")
    job_runner = jobs.JobRunner(interval=0.2)
    job_runner.start()
    try:
        wait_for(state.asked.is_set, 60, "the campaign to reach the slow page")
        assert Campaign.objects.get(pk=campaign.pk).state == "running"
        # The owner fixes the link and answers: the re-check runs in the short lane at once.
        state.fixed.add("/gone.html")
        actions.submit(WorkOrder.objects.get(pk=order.pk), "已恢复失效链接")
        wait_for(lambda: WorkOrder.objects.get(pk=order.pk).state == "closed", 30, "the re-check to close the order")
        assert not state.release.is_set()  # the slow page is still being waited for …
        assert Campaign.objects.get(pk=campaign.pk).state == "running"  # … so the campaign still runs
        # The job is marked done just after it closed the order: on a busy machine, a moment later.
        wait_for(lambda: Job.objects.get(kind="recheck").state == "done", 30, "the re-check job to be marked done")

        state.release.set()
        wait_for(lambda: Campaign.objects.get(pk=campaign.pk).state not in ("queued", "running"), 90,
                 "the campaign to finish")
    finally:
        state.release.set()
        job_runner.stop()
        job_runner.join(60)
    campaign.refresh_from_db()
    assert campaign.state == "done", campaign.message
    assert not job_runner.is_alive()
    recheck, long_job = Job.objects.get(kind="recheck"), Job.objects.get(kind="campaign")
    assert recheck.finished_at < long_job.finished_at and recheck.started_at > long_job.started_at


@pytest.mark.django_db(transaction=True)
def test_two_runner_threads_never_take_the_same_job(probe_kind) -> None:  # type: ignore[no-untyped-def]
    created = [Job.objects.create(kind="probe", params={"n": n}).pk for n in range(40)]
    start = threading.Barrier(2)
    counts: list[int] = []

    def runner_thread() -> None:
        from django.db import connections

        try:
            start.wait(10)
            counts.append(jobs.run_pending(lane="short"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner_thread, name=f"runner-{n}") for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    numbers = sorted(n for n, _ in probe_kind)
    assert numbers == list(range(40))  # every job ran, and none twice
    assert sum(counts) == 40
    assert set(Job.objects.filter(pk__in=created).values_list("state", flat=True)) == {"done"}


@pytest.mark.django_db
def test_a_lane_takes_only_its_own_kinds_and_start_up_marks_interrupted_jobs(probe_kind) -> None:  # type: ignore[no-untyped-def]
    long_job = Job.objects.create(kind="campaign", params={"campaign": 0})
    Job.objects.create(kind="probe", params={"n": 1})
    assert jobs.run_pending(lane="short") == 1
    assert Job.objects.get(pk=long_job.pk).state == "queued"  # left for the long lane
    # A crash while the long lane ran it: marked failed at the next start.
    Job.objects.filter(pk=long_job.pk).update(state="running")
    assert jobs.recover_interrupted() == 1
    assert Job.objects.get(pk=long_job.pk).state == "failed"


def test_run_jobs_command_runs_both_lanes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "GOVINSPECT_DATA": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "govinspect", "admin", "run-jobs", "--data", str(tmp_path)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "执行了 1 个任务（长任务 0 个，短任务 1 个）" in done.stdout  # today's reminders job, queued as serve does
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert "执行了 0 个任务（长任务 0 个，短任务 0 个）" in again.stdout  # once a day only
    bad = subprocess.run([*cmd, "--lane", "medium"], env=env, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert bad.returncode == 2 and "--lane" in bad.stderr and "Traceback" not in bad.stderr


# ------------------------------------------------------------------------------- PostgreSQL
def _pg_or_skip() -> None:
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed (pip install '.[postgres]')")
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}")


def test_runner_processes_on_postgresql_never_take_the_same_job(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _pg_or_skip()
    import psycopg

    schema = f"gi_jobs_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    # Every connection of the child processes works in the private schema only.
    env = {**os.environ, "DATABASE_URL": PG_URL, "PGOPTIONS": f"-c search_path={schema}",
           "GOVINSPECT_DATA": str(tmp_path)}
    probe = [sys.executable, "-m", "tests.supervision.pg_job_claims"]
    try:
        prepared = subprocess.run([*probe, "prepare", "60"], env=env, capture_output=True, text=True, timeout=240,
                                  cwd=REPO)
        assert prepared.returncode == 0, prepared.stderr[-3000:]
        start_at = f"{time.time() + 5:.3f}"  # time for both to start Django
        workers = [subprocess.Popen([*probe, "run", start_at], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    cwd=REPO) for _ in range(2)]
        outputs = []
        for w in workers:
            out, err = w.communicate(timeout=240)
            assert w.returncode == 0, err[-3000:]
            outputs.append(json.loads(out.strip().splitlines()[-1]))
        ran = [n for o in outputs for n in o["ran"]]
        assert sorted(ran) == list(range(60))  # each job exactly once over two processes × two threads
        assert all(o["ran"] for o in outputs)  # both processes did take jobs: they really raced
        with psycopg.connect(PG_URL, options=f"-c search_path={schema}") as conn:
            states = dict(conn.execute("SELECT state, count(*) FROM orders_job GROUP BY state").fetchall())
        assert states == {"done": 60}
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
