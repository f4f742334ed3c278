"""A distributed campaign over 1,000 simulated sites with 1 and 2 workers: sites per minute, and
the per-host request rate the server saw against the configured limit.

Usage: PYTHONPATH=src python bench/bench_scaleout.py [--sites 1000] [--max-pages 20] [--workers 1,2]
       [--concurrency 8] [--per-host 2] [--delay 0.1]

Needs PostgreSQL and Redis (GOVINSPECT_DATABASE_URL, default postgresql://postgres@127.0.0.1/test;
GOVINSPECT_BROKER_URL, default redis://127.0.0.1:6379/0); uses a private schema, key prefix and
queue, dropped at the end.

For each worker count:
1. the province (`build_province(seed, sites, pages_per_site)`) is served from a child process
   on 127.0.0.1 that records, for every request, its Host and start/end times (server side);
2. N `govinspect worker --concurrency C` processes start;
3. `plan_campaign` + `run_distributed` (what `campaign run --distributed` does) fan the whole
   province out and wait until every site is stored and written to the campaign directory;
4. the server reports per host: the most requests started within any 1-second window, the
   smallest gap between two starts, and the most requests in progress at once. Redirect hops
   are left out (a request for exactly the place a 3xx answer sent the client to, within 5 s):
   the crawler follows a redirect inside the slot of the request that met it, as the embedded
   mode always has, so a hop is not a request of its own host's slot.

With nginx installed (Debian's), the workers reach the province through an nginx reverse proxy
on 127.0.0.1 and the figures come from nginx's log (start = $msec − $request_time, the moment
nginx read the request): a Python server on two busy cores queues requests and would time them
late and bunched, so its own timestamps can show two requests "at once" that arrived 0.2 s apart.
`--front python` uses the Python server's timestamps instead.

Every host resolves to 127.0.0.1, so the per-IP limit is opened wide (64, no interval) to
measure the per-host limit; real provinces spread over many addresses. Prints Markdown rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

AS_OF = "2024-06-15T00:00:00+08:00"
SRC = str(Path(__file__).resolve().parents[1] / "src")


def _serve(n_sites: int, pages: int, seed: int, conn) -> None:  # type: ignore[no-untyped-def]
    """The province with a recording middleware; answers "stats" on the pipe, then stops."""
    import asyncio
    from urllib.parse import urljoin, urlsplit

    from aiohttp import web

    from govinspect.sandbox.build import build_province
    from govinspect.sandbox.server import SandboxApp

    province = build_province(seed=seed, n_sites=n_sites, pages_per_site=pages, slow_timeout_seconds=0.2)
    log: list[tuple[str, float, float, bool]] = []
    what: list[str] = []  # method, path, User-Agent of each logged request (for --explain)
    hops: dict[tuple[str, str], float] = {}  # (host, path) a 3xx answer sent the client to → when

    @web.middleware
    async def record(request, handler):  # type: ignore[no-untyped-def]
        start = time.monotonic()
        host = (request.host or "").rsplit(":", 1)[0].lower()
        sent_here = hops.pop((host, request.raw_path), None)
        # A redirect is followed inside the slot of the request that met it (crawl/politeness.py),
        # whatever host it leads to: such a hop is not a new request of its host's slot.
        hop = sent_here is not None and start - sent_here < 5.0
        try:
            response = await handler(request)
            if 300 <= response.status < 400 and response.headers.get("Location"):
                target = urlsplit(urljoin(f"http://{host}{request.raw_path}", response.headers["Location"]))
                path = (target.path or "/") + (f"?{target.query}" if target.query else "")
                hops[((target.hostname or "").lower(), path)] = time.monotonic()
            return response
        finally:
            log.append((host, start, time.monotonic(), hop))
            what.append(f"{request.method} {request.raw_path[:60]} {request.headers.get('User-Agent', '')[:25]}")

    async def main() -> None:
        app = web.Application(middlewares=[record])
        app.router.add_route("*", "/{tail:.*}", SandboxApp(province).handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        conn.send(runner.addresses[0][1])
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, conn.recv)  # "stats"
        conn.send(host_stats(log))
        conn.send(explain(log, what, float(os.environ.get("BENCH_DELAY", "0.1"))))
        await runner.cleanup()

    asyncio.run(main())


def explain(log: list[tuple[str, float, float, bool]], what: list[str], delay: float) -> list[str]:
    """Pairs of slot starts of one host closer than 90 % of the delay (to see what they are)."""
    by_host: dict[str, list[tuple[float, int]]] = {}
    for i, (host, s, _, hop) in enumerate(log):
        if not hop:
            by_host.setdefault(host, []).append((s, i))
    out = []
    for host, starts in by_host.items():
        starts.sort()
        for (a, i), (b, j) in zip(starts, starts[1:]):
            if b - a < 0.9 * delay:
                out.append(f"{host} +{b - a:.3f}s: {what[i]} | {what[j]}")
    return out[:40]


def host_stats(log: list[tuple[str, float, float, bool]]) -> dict[str, float]:
    """Worst host: most slot starts in a 1-s window, smallest gap between slot starts (redirect
    hops left out, see `record`), most requests in progress at once; and totals."""
    by_host: dict[str, list[tuple[float, float, bool]]] = {}
    for host, s, e, hop in log:
        by_host.setdefault(host, []).append((s, e, hop))
    worst_window, worst_10, worst_gap, worst_conc, hops = 0, 0, float("inf"), 0, 0
    for windows in by_host.values():
        starts = sorted(s for s, _, hop in windows if not hop)
        hops += len(windows) - len(starts)
        j = k = 0
        for i, s in enumerate(starts):
            while starts[j] < s - 1.0:
                j += 1
            while starts[k] < s - 10.0:
                k += 1
            worst_window = max(worst_window, i - j + 1)
            worst_10 = max(worst_10, i - k + 1)
            if i:
                worst_gap = min(worst_gap, s - starts[i - 1])
        own = [(s, e) for s, e, hop in windows if not hop]
        events = sorted([(s, 1) for s, _ in own] + [(e, -1) for _, e in own], key=lambda x: (x[0], x[1]))
        cur = 0
        for _, d in events:
            cur += d
            worst_conc = max(worst_conc, cur)
    return {"requests": len(log), "hops": hops, "hosts": len(by_host), "max_per_1s": worst_window, "max_per_10s": worst_10,
            "min_gap": worst_gap, "max_concurrent": worst_conc}


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    log_format front '$host $msec $request_time $status "$sent_http_location" "$request_uri"';
    access_log {tmp}/access.log front buffer=256k flush=1s;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    upstream province {{ server 127.0.0.1:{upstream}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port} default_server;
        location / {{
            proxy_pass http://province;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_buffering off;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_nginx(upstream: int, work: Path) -> tuple[subprocess.Popen, int, Path]:
    tmp = Path(tempfile.mkdtemp(prefix="front-", dir=work))
    port = _free_port()
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, upstream=upstream, port=port), encoding="utf-8")
    proc = subprocess.Popen(["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, port, tmp / "access.log"


def nginx_log(path: Path, what: list[str] | None = None) -> list[tuple[str, float, float, bool]]:
    """(host, start, end, hop) of each request in nginx's log, hops found as `record` does;
    `what`, when given, receives "STATUS URI" of each (for --explain)."""
    import shlex
    from urllib.parse import urljoin, urlsplit

    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        host, msec, rtime, status, location, uri = shlex.split(line)
        end = float(msec)
        rows.append((host.lower().rsplit(":", 1)[0], end - float(rtime), end, int(status), location, uri))
    rows.sort(key=lambda r: r[1])
    hops: dict[tuple[str, str], float] = {}
    log = []
    for host, start, end, status, location, uri in rows:
        sent_here = hops.pop((host, uri), None)
        hop = sent_here is not None and 0 <= start - sent_here < 5.0
        if 300 <= status < 400 and location not in ("", "-"):
            target = urlsplit(urljoin(f"http://{host}{uri}", location))
            path_q = (target.path or "/") + (f"?{target.query}" if target.query else "")
            hops[((target.hostname or "").lower(), path_q)] = end
        log.append((host, start, end, hop))
        if what is not None:
            what.append(f"{status} {uri[:70]}")
    return log


def _start_worker(name: str, env: dict[str, str], concurrency: int, log_dir: Path) -> subprocess.Popen:
    log = open(log_dir / f"{name}.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "govinspect", "worker", "-c", str(concurrency), "-n", f"{name}@bench",
                             "--loglevel", "WARNING"], stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    log.close()
    return proc


def run_once(args: argparse.Namespace, workers: int, base_env: dict[str, str], work: Path) -> dict[str, float]:
    from govinspect.campaign.run import load_campaign, plan_campaign
    from govinspect.campaign.sampling import parse_sample
    from govinspect.crawl.politeness import PolitenessConfig
    from govinspect.demo import demo_options
    from govinspect.sandbox.build import build_province
    from govinspect.sandbox.truth import sites_csv
    from govinspect.scale.coordinator import run_distributed
    from govinspect.scale.settings import load_settings
    from govinspect.sites import read_sites

    tag = f"b{uuid.uuid4().hex[:8]}"
    env = dict(base_env, GOVINSPECT_DB_SCHEMA=f"gi_{tag}", GOVINSPECT_KEY_PREFIX=f"gi-{tag}", GOVINSPECT_QUEUE=f"gi-{tag}",
               PYTHONPATH=SRC)
    settings = load_settings(env)
    province = build_province(seed=args.seed, n_sites=args.sites, pages_per_site=args.pages, slow_timeout_seconds=0.2)
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(args.sites, args.pages, args.seed, child), daemon=True)
    server.start()
    procs: list[subprocess.Popen] = []
    front: tuple[subprocess.Popen, int, Path] | None = None
    try:
        port = parent.recv()
        if args.front == "nginx":
            front = _start_nginx(port, work)
            port = front[1]
        registry = work / f"sites-{workers}.csv"
        registry.write_text(sites_csv(province), encoding="utf-8")
        options = dataclasses.replace(
            demo_options(province, port, None),
            politeness=PolitenessConfig(per_host=args.per_host, delay=args.delay, per_ip=64, ip_delay=0.0),
        )
        options = dataclasses.replace(options, crawl=dataclasses.replace(options.crawl, max_pages=args.max_pages))
        directory = work / f"campaign-{workers}"
        plan = plan_campaign(directory, registry, read_sites(registry), as_of=AS_OF, profile="gov2019",
                             sample=parse_sample(None), seed=0, new=True)
        procs = [_start_worker(f"w{i + 1}", env, args.concurrency, work) for i in range(workers)]
        started = time.perf_counter()
        run_distributed(plan, options, settings, timeout=args.timeout)
        wall = time.perf_counter() - started  # includes the workers' start-up (a few seconds)
        _, sites = load_campaign(directory)
        parent.send("stats")
        stats = parent.recv()
        close = parent.recv()
        if front is not None:
            front[0].terminate()  # flushes the log
            front[0].wait(30)
            what: list[str] = []
            log = nginx_log(front[2], what)
            stats = host_stats(log)
            close = explain(log, what, args.delay)
        if args.explain:
            print("\n".join(close), file=sys.stderr)
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, 15)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, 9)
        if front is not None and front[0].poll() is None:
            front[0].terminate()
        server.terminate()
        server.join(10)
        _cleanup(env)
    pages = sum(s["stats"]["pages"] for s in sites)
    return {"workers": workers, "sites": len(sites), "errors": sum(1 for s in sites if s["status"] != "inspected"),
            "pages": pages, "wall": wall, **stats}


def _cleanup(env: dict[str, str]) -> None:
    import psycopg
    import redis

    with psycopg.connect(env["GOVINSPECT_DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {env['GOVINSPECT_DB_SCHEMA']} CASCADE")
    client = redis.Redis.from_url(env["GOVINSPECT_BROKER_URL"])
    keys = list(client.scan_iter(match=f"{env['GOVINSPECT_KEY_PREFIX']}*", count=1000))
    if keys:
        client.delete(*keys)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=1000)
    ap.add_argument("--pages", type=int, default=3, help="approximate pages per site (the generator's floor is ~70)")
    ap.add_argument("--max-pages", type=int, default=20, help="pages crawled per site (keeps 1,000 sites small)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    ap.add_argument("--concurrency", type=int, default=8, help="processes per worker")
    ap.add_argument("--per-host", type=int, default=2)
    ap.add_argument("--delay", type=float, default=0.1)
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--explain", action="store_true", help="print requests of one host closer than the delay")
    ap.add_argument("--front", choices=("nginx", "python"), default="nginx" if shutil.which("nginx") else "python",
                    help="where request times are taken (default nginx when installed)")
    args = ap.parse_args()
    base_env = dict(os.environ)
    os.environ["BENCH_DELAY"] = str(args.delay)
    base_env.setdefault("GOVINSPECT_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    base_env.setdefault("GOVINSPECT_BROKER_URL", "redis://127.0.0.1:6379/0")
    work = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    rows = []
    try:
        for n in [int(x) for x in args.workers.split(",")]:
            rows.append(run_once(args, n, base_env, work))
            print(f"# {n} worker(s) done: {rows[-1]}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    allowed = int(1 / args.delay) + 1 if args.delay > 0 else "∞"
    allowed10 = int(10 / args.delay) + 1 if args.delay > 0 else "∞"
    print(f"| workers × processes | sites | errors | pages | wall (s) | sites/min | pages/s | requests (redirect hops) | "
          f"max starts in 1 s per host (limit {allowed}) | in 10 s (limit {allowed10}) | min gap (s, limit {args.delay:g}) | "
          f"max at once per host (limit {args.per_host}) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workers']} × {args.concurrency} | {r['sites']} | {r['errors']} | {r['pages']} | {r['wall']:.0f} | "
              f"{r['sites'] / r['wall'] * 60:.0f} | {r['pages'] / r['wall']:.0f} | {r['requests']} ({r['hops']}) | "
              f"{r['max_per_1s']} | {r['max_per_10s']} | {r['min_gap']:.3f} | {r['max_concurrent']} |")
    print(f"times taken at the {'nginx front' if args.front == 'nginx' else 'Python server'}; "
          f"machine: {os.cpu_count()} cores; at most {args.max_pages} pages per site; per-host {args.per_host}, "
          f"delay {args.delay:g} s; load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
