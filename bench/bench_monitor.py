"""Availability monitor throughput and CPU on one core, against 20,000 simulated hosts.

Usage:
    PYTHONPATH=src python bench/bench_monitor.py [--sites 20000] [--per-day 20]
        [--scales 1,20,50,100,200] [--seconds 60] [--national-seconds 120] [--concurrency 256]

What it does:

* Serves 20,000 homepages from one nginx worker pinned to core 1 (`taskset -c 1`) on
  127.0.0.1: hostnames `ok-00001.bench.gov.cn` … reach it through the monitor's `--resolve`
  map (one entry per host), and nginx answers by name: a ~60 KB GBK portal homepage (93 % of
  hosts), 503 (2 %), 404 (1 %), a 412 anti-bot challenge (1 %). 2 % of hosts map to a
  loopback port where nothing listens (refused) and 1 % to one whose accept queue is full
  (the connection hangs: a 15 s timeout).
* Runs the real monitor loop (`monitor.loop.Monitor`: schedule heap, Fetcher, classification,
  batched SQLite writes in WAL mode to a file in a temp directory) in this process, pinned to
  core 0, with its clock running `scale` times faster than the wall clock, so the day's
  schedule for all sites is squeezed: scale 1 is the national rate itself
  (sites × per_day / 86,400 probes/s), scale 100 is a hundred times that.
* Reports per scale: probes/s achieved vs scheduled, CPU seconds of this process per 1,000
  probes, CPU share of the core, slots missed (started more than the grace late), start lag
  (p50/p99, real seconds), peak RSS, and nginx's CPU (to show the server was not the limit).

Nothing leaves 127.0.0.1. nginx is stopped at the end (also on Ctrl-C).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from govinspect.monitor.clock import ScaledClock
from govinspect.monitor.loop import Monitor, MonitorConfig
from govinspect.monitor.schedule import grace_seconds, slot_time
from govinspect.monitor.store import MonitoredSite, ProbeRecord, ProbeStore
from govinspect.net.types import FetchConfig

NGINX = "/usr/sbin/nginx"
ROOT = Path(__file__).resolve().parent.parent
HOME_FIXTURE = ROOT / "tests" / "fixtures" / "pages" / "portal_home_trs_gbk.html"
# (kind, share of hosts in per-mille)
MIX = (("ok", 930), ("e503", 20), ("e404", 10), ("waf", 10), ("refused", 20), ("hang", 10))

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
worker_rlimit_nofile 65536;
events {{ worker_connections 16384; multi_accept on; }}
http {{
    access_log off;
    sendfile on;
    tcp_nodelay on;
    etag off;
    keepalive_timeout 5s;
    client_body_temp_path {tmp}/cb; proxy_temp_path {tmp}/px; fastcgi_temp_path {tmp}/fc;
    uwsgi_temp_path {tmp}/uw; scgi_temp_path {tmp}/sc;
    server {{
        listen 127.0.0.1:{port} default_server;
        root {root};
        default_type "text/html; charset=gb2312";
        location / {{ try_files /index.html =404; }}
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name ~^e503-;
        default_type text/html;
        location / {{ return 503 "<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>"; }}
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name ~^e404-;
        default_type text/html;
        location / {{ return 404 "<html><body><h1>404 Not Found</h1></body></html>"; }}
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name ~^waf-;
        default_type text/html;
        location / {{ return 412 "<html><head><meta charset=utf-8></head><body><script>document.cookie='__jsl_clearance=1700000000.1|0|abc';location.reload();</script></body></html>"; }}
    }}
}}
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def homepage() -> bytes:
    """A portal homepage of realistic size (~60 KB of GBK HTML)."""
    page = HOME_FIXTURE.read_bytes()
    head, sep, body = page.partition(b"<body>")
    inner, _, tail = body.rpartition(b"</body>")
    return head + sep + inner * 10 + b"</body>" + tail


def hosts(n: int) -> list[tuple[str, str]]:
    """(kind, hostname) for n simulated sites, kinds spread by the mix."""
    kinds: list[str] = []
    for kind, per_mille in MIX:
        kinds += [kind] * per_mille
    return [(kinds[(i * 7919) % 1000], f"{kinds[(i * 7919) % 1000]}-{i:05d}.bench.gov.cn") for i in range(n)]


class Nginx:
    """nginx with one worker pinned to core 1."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = free_port()
        root = tmp / "www"
        root.mkdir()
        (root / "index.html").write_bytes(homepage())
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, port=self.port, root=root))
        pin = ["taskset", "-c", "1"] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []
        self.proc = subprocess.Popen([*pin, NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                                     stderr=open(tmp / "nginx.stderr", "wb"), start_new_session=True)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("nginx did not start: " + (tmp / "nginx.stderr").read_text())

    def cpu(self) -> float:
        """CPU seconds of nginx's processes (master and worker)."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in [self.proc.pid, *self._children()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError):
                pass
        return total

    def _children(self) -> list[int]:
        try:
            return [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Hang:
    """A loopback port whose accept queue is full: connections to it hang (the timeout case)."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.port = int(self.listener.getsockname()[1])
        self.fillers = []
        for _ in range(4):
            f = socket.socket()
            f.setblocking(False)
            try:
                f.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self.fillers.append(f)

    def close(self) -> None:
        for f in self.fillers:
            f.close()
        self.listener.close()


def cpu_now() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


async def one_scale(sites: list[MonitoredSite], fetch: FetchConfig, per_day: int, scale: float, seconds: float,
                    concurrency: int, tmp: Path, max_warmup: float) -> dict[str, float]:
    """Run the monitor at `scale` and measure a steady-state window of `seconds` wall seconds.

    The window starts after the start-up catch-up (slots due in the grace before the start are
    made up over the grace after it; at most `max_warmup` wall seconds, so at scale 1 the window
    still holds made-up slots) and ends before the drain (probes to hanging hosts take 15 s to
    time out after the last launch).
    """
    db = tmp / f"probes-{scale:g}.db"
    clock = ScaledClock(scale)
    warm = min(grace_seconds(per_day) / scale + 2.0, max_warmup)
    config = MonitorConfig(per_day=per_day, concurrency=concurrency, duration=(warm + seconds + 1.0) * scale,
                           time_scale=scale, progress_interval=3600.0 * scale)
    from govinspect.net.client import Fetcher

    marks: list[tuple[float, float, int, int, float]] = []

    async def watch(monitor: Monitor) -> None:
        await asyncio.sleep(warm)
        marks.append((time.monotonic(), cpu_now(), monitor.stats.probes, monitor.stats.missed, clock.now()))
        await asyncio.sleep(seconds)
        marks.append((time.monotonic(), cpu_now(), monitor.stats.probes, monitor.stats.missed, clock.now()))

    with ProbeStore(db) as store:
        async with Fetcher(fetch) as fetcher:
            monitor = Monitor(sites, store, fetcher, config, clock=clock)
            watcher = asyncio.create_task(watch(monitor))
            stats = await monitor.run()
            await watcher
        rows = store._db.execute("SELECT s.key, p.at, p.slot FROM probes p JOIN sites s ON s.id = p.site_id").fetchall()
    (w0, c0, p0, m0, t0), (w1, c1, p1, m1, t1) = marks
    lags = sorted(max(0.0, at - due) / scale for key, at, slot in rows
                  if t0 <= (due := slot_time(key, slot, per_day)) < t1)
    wall, cpu, probes = w1 - w0, c1 - c0, p1 - p0
    return {
        "scale": scale,
        "scheduled_per_s": len(sites) * per_day / 86400 * scale,
        "probes": probes,
        "probes_per_s": probes / wall,
        "cpu_s": cpu,
        "cpu_per_1000": cpu / probes * 1000 if probes else float("nan"),
        "cpu_share": cpu / wall,
        "missed": m1 - m0,
        "missed_total": stats.missed,
        "total_probes": stats.probes,
        "lag_p50": statistics.median(lags) if lags else 0.0,
        "lag_p99": lags[int(len(lags) * 0.99)] if lags else 0.0,
        "wall": wall,
    }


def store_week(tmp: Path, n_sites: int, per_day: int) -> dict[str, float]:
    """A full week in the store (every site, every slot), then what `inspect` pays to read it.

    Rows go in as the loop writes them (batches of 500 in one transaction each). Reading: the
    one scan for the monitor's own outages, then each site's week (as `inspect --monitor-db`).
    """
    from datetime import datetime

    from govinspect.monitor.window import CHINA, AvailabilityReader

    db = tmp / "week.db"
    t_end = 1718380800.0  # 2024-06-15 00:00 China time
    sites = [MonitoredSite(key=f"{4101000000 + i:010d}", url=f"http://s{i:05d}.bench.gov.cn/",
                           site_code=f"{4101000000 + i:010d}") for i in range(n_sites)]
    classes = ("ok",) * 97 + ("timeout", "http_5xx", "blocked")
    with ProbeStore(db) as store:
        ids = store.register_sites(sites)
        t0 = time.perf_counter()
        n = 0
        for day in range(7):
            for k in range(per_day):
                for j, sid in enumerate(ids):
                    at = slot_time(sites[j].key, 0, per_day)  # only for a realistic spread
                    at = t_end - (7 - day) * 86400 + (k + (at % 1)) * 86400 / per_day
                    cls = classes[(j * 31 + k * 7 + day) % 100]
                    store.add(ProbeRecord(sid, at, day * per_day + k, cls, 200 if cls == "ok" else None, 0.12,
                                          None if cls == "ok" else "x"))
                    n += 1
                    if store.pending >= 500:
                        store.flush()
        store.flush()
        insert_s = time.perf_counter() - t0
    size_mb = sum(f.stat().st_size for f in tmp.glob("week.db*")) / 1e6
    reader = AvailabilityReader(db)
    as_of = datetime.fromtimestamp(t_end, CHINA)
    t0 = time.perf_counter()
    reader.availability(url=sites[0].url, site_code=sites[0].site_code, as_of=as_of)  # includes the outage scan
    first_s = time.perf_counter() - t0
    sample = sites[:: max(1, n_sites // 2000)]
    t0 = time.perf_counter()
    for site in sample:
        av = reader.availability(url=site.url, site_code=site.site_code, as_of=as_of)
        assert av["monitored"] and av["probes"] + av["blocked"] == 7 * per_day
    per_site_ms = (time.perf_counter() - t0) / len(sample) * 1000
    reader.close()
    return {"rows": n, "insert_rows_per_s": n / insert_s, "size_mb": size_mb, "first_s": first_s,
            "per_site_ms": per_site_ms}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=20_000)
    ap.add_argument("--per-day", type=int, default=20)
    ap.add_argument("--scales", default="1,20,50,100,200")
    ap.add_argument("--seconds", type=float, default=60.0, help="measured wall seconds per compressed scale")
    ap.add_argument("--national-seconds", type=float, default=120.0, help="measured wall seconds at scale 1")
    ap.add_argument("--max-warmup", type=float, default=60.0, help="wall seconds before measuring, at most")
    ap.add_argument("--concurrency", type=int, default=256)
    ap.add_argument("--no-store", action="store_true", help="skip the week-in-the-store measurement")
    args = ap.parse_args()
    if not Path(NGINX).exists():
        raise SystemExit("nginx missing: apt-get install nginx-light (or nginx)")
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {0})  # the monitor gets core 0, nginx core 1
    load = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    (tmp / "nginx").mkdir()
    nginx = Nginx(tmp / "nginx")
    hang = Hang()
    try:
        closed = free_port()
        plan = hosts(args.sites)
        target = {"refused": closed, "hang": hang.port}
        resolve = {(h, 80): ("127.0.0.1", target.get(kind, nginx.port)) for kind, h in plan}
        fetch = FetchConfig(timeout=15.0, connect_timeout=15.0, resolve=resolve, offline=True,
                            max_connections=args.concurrency * 2)
        sites = [MonitoredSite(key=f"{4101000000 + i:010d}", url=f"http://{h}/", site_code=f"{4101000000 + i:010d}")
                 for i, (_kind, h) in enumerate(plan)]
        log(f"{args.sites} sites, {args.per_day}/day, load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        results = []
        for scale in [float(s) for s in args.scales.split(",")]:
            seconds = args.national_seconds if scale == 1 else args.seconds
            n0, w0 = nginx.cpu(), time.monotonic()
            res = asyncio.run(one_scale(sites, fetch, args.per_day, scale, seconds, args.concurrency, tmp,
                                        args.max_warmup))
            res["nginx_cpu_share"] = (nginx.cpu() - n0) / (time.monotonic() - w0)
            res["load1"] = os.getloadavg()[0]
            results.append(res)
            log(f"scale {scale:g}: {res['probes_per_s']:.1f}/s of {res['scheduled_per_s']:.1f} scheduled, "
                f"{res['cpu_per_1000']:.2f} CPU s/1000, core {res['cpu_share']:.0%}, missed {res['missed']}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        week = store_week(tmp, args.sites, args.per_day) if not args.no_store else None
    finally:
        nginx.stop()
        hang.close()
        shutil.rmtree(tmp, ignore_errors=True)
    national = args.sites * args.per_day / 86400
    print(f"\n{args.sites} sites × {args.per_day} probes/day = {national:.2f} probes/s at the national rate; "
          f"peak RSS {rss:.0f} MB; load average before {load[0]:.2f}\n")
    print("| scale | scheduled probes/s | achieved probes/s | probes | CPU s / 1,000 probes | CPU share of core 0 "
          "| missed slots | start lag p50 / p99 (s) | nginx CPU share | load (1 min) after |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['scale']:g} | {r['scheduled_per_s']:.1f} | {r['probes_per_s']:.1f} | {r['probes']} "
              f"| {r['cpu_per_1000']:.2f} | {r['cpu_share']:.1%} | {r['missed']} "
              f"| {r['lag_p50']:.3f} / {r['lag_p99']:.3f} | {r['nginx_cpu_share']:.0%} | {r['load1']:.2f} |")
    if week:
        print(f"\nA full week in the store ({week['rows']:,} probes = {args.sites} sites × {args.per_day} × 7): "
              f"written at {week['insert_rows_per_s']:,.0f} rows/s in batches of 500 on core 0, "
              f"{week['size_mb']:.0f} MB on disk; `inspect` reading it: {week['first_s']:.2f} s for the "
              f"first site (one scan of the week for the monitor's own outages), then "
              f"{week['per_site_ms']:.2f} ms per site.")
    ok = [r for r in results if r["missed"] == 0 and r["scale"] > 1]
    if ok:
        best = max(ok, key=lambda r: r["probes_per_s"])
        print(f"\nHighest rate measured with no missed slot: {best['probes_per_s']:.0f} probes/s "
              f"= {best['probes_per_s'] / national:.0f}× the national rate "
              f"({best['cpu_share']:.0%} of core 0 at that rate).")
    base = [r for r in results if r["scale"] == 1]
    if base:
        r = base[0]
        print(f"At the national schedule (scale 1, still making up the slots due before the start): "
              f"{r['probes_per_s']:.1f} probes/s used {r['cpu_share']:.1%} of core 0.")

if __name__ == "__main__":
    main()
