#!/usr/bin/env python3
"""CPU per crawled page, per process: where govinspect's crawl time goes.

The machine is shared, so wall-clock pages/s is noisy; CPU time is not. This script serves the
benchmark site of `crawl_bench.py` (the simulated province's big site, exported static, nginx
with one worker on loopback) and runs `govinspect inspect` on it, exactly as `crawl_bench.py`
does, inside a thin wrapper that reports

- the main process's CPU (`getrusage(RUSAGE_SELF)`), split into start-up (imports before the
  command runs), the inspection (crawl, analysis merge, findings) and the report files;
- the analysis worker's CPU (`getrusage(RUSAGE_CHILDREN)` once it has been joined);
- wall time, pages and dead links against the export's truth.

`--stages` instead times the worker's job offline, stage by stage, on the same pages read from
disk (decode, not-found text, parse, links, page facts, page parts, word scan, integrity, the whole
analyse_page), one core, best of `--rounds`.

Usage:
  python bench/bench_speed.py --pages 3000 --runs 3            # CPU per page per process
  python bench/bench_speed.py --pages 3000 --stages            # the worker's stages
  python bench/bench_speed.py --pages 3000 --runs 1 --cprofile main.prof   # profile main

The exported site is kept in bench/work/speed-site-N (git-ignored) and reused by later runs.
Only 127.0.0.0/8 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SRC = REPO / "src"  # the code under test (--src: another checkout's src/, e.g. the commit before)
sys.path.insert(0, str(BENCH))

import crawl_bench as cb  # noqa: E402  (the site export and nginx harness are shared)


def _cpu(ru: resource.struct_rusage) -> float:
    return ru.ru_utime + ru.ru_stime


def child_main(report: Path, argv: list[str]) -> None:
    """Run `govinspect ARGV` in this process and write its CPU split to `report` at exit."""
    t_start = _cpu(resource.getrusage(resource.RUSAGE_SELF))
    marks: dict[str, float] = {}

    def write_report() -> None:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        report.write_text(json.dumps({"start_cpu": t_start, "marks": marks, "main_cpu": _cpu(own),
                                      "children_cpu": _cpu(kids), "main_rss_mb": own.ru_maxrss / 1024,
                                      "worker_rss_mb": kids.ru_maxrss / 1024}))

    import atexit

    atexit.register(write_report)
    from govinspect import cli, runner

    marks["imported"] = _cpu(resource.getrusage(resource.RUSAGE_SELF))
    real_write = runner.write_outputs

    def timed_write(*a, **k):  # type: ignore[no-untyped-def]
        marks["reports_from"] = _cpu(resource.getrusage(resource.RUSAGE_SELF))
        try:
            return real_write(*a, **k)
        finally:
            marks["reports_to"] = _cpu(resource.getrusage(resource.RUSAGE_SELF))

    runner.write_outputs = timed_write
    balance = os.environ.get("BENCH_SPEED_BALANCE")
    if balance:  # e.g. 1000000: every page to the worker, to profile the crawler alone
        from govinspect.crawl import crawler

        crawler.BALANCE_BACKLOG = int(balance)
    sys.argv = ["govinspect", *argv]
    prof_path = os.environ.get("BENCH_SPEED_CPROFILE")
    if prof_path:
        import cProfile

        prof = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
        prof.enable()
        try:
            cli.main()
        finally:
            prof.disable()
            prof.dump_stats(prof_path)
    else:
        cli.main()


def ensure_site(pages: int, seed: int) -> tuple[Path, int, cb.Site]:
    """The exported site (built once, kept), its fixed port, its truth."""
    out = cb.WORK / f"speed-site-{pages}-s{seed}"
    meta = out / "bench-speed.json"
    if meta.exists():
        port = json.loads(meta.read_text())["port"]
        root = next(d for d in out.iterdir() if d.is_dir() and (d / "index.html").exists()
                    and not d.name[0].isdigit())
        truth = out / "truth.json"
    else:
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        port = cb.free_port()
        root, truth = cb.real_export(out, pages, seed, port, 1800.0)
        meta.write_text(json.dumps({"port": port}))
    host, dead, recs, expected, enc = cb.load_truth(truth, root, port)
    ext_root = out / cb.EXT_ALIVE_IP if (out / cb.EXT_ALIVE_IP).is_dir() else None
    site = cb.Site(root=root, host=host, dead=dead, dead_detail=recs, source="sandbox export",
                   ext_root=ext_root, expected_pages=expected, encoding=enc)
    return out, port, site


def run_once(
    url: str, port: int, site: cb.Site, outdir: Path, extra: list[str], cprofile: str | None, pyspy: str | None = None
) -> dict:
    """One `govinspect inspect` run in the wrapper; its CPU split, pages and dead-link score."""
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    report = outdir / "cpu.json"
    argv = ["inspect", url, "--allow-private", "--per-host", "16", "--delay", "0", "--timeout", "15",
            "--max-pages", "100000", "--max-depth", "100", "--quiet", "--out", str(outdir / "gi"), *extra]
    env = dict(os.environ, PYTHONPATH=str(SRC))
    if cprofile:
        env["BENCH_SPEED_CPROFILE"] = cprofile
    t0 = time.monotonic()
    cmd = [sys.executable, __file__, "--child", str(report), "--", *argv]
    if pyspy:
        # --gil: only the thread holding the interpreter lock is sampled. py-spy's idle
        # detection counts threads waiting on a queue or a lock as busy here.
        cmd = ["py-spy", "record", "--rate", "250", "--gil", "--format", "raw", "--subprocesses", "-o", pyspy, "--", *cmd]
    p = subprocess.run(cmd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=1200)
    wall = time.monotonic() - t0
    if not report.exists():
        raise SystemExit(f"govinspect run failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
    cpu = json.loads(report.read_text())
    data = json.loads((outdir / "gi" / "results.json").read_text(encoding="utf-8"))
    s = data["sites"][0]
    local = f"{cb.SITE_IP}:{port}"
    hmap = {site.host.lower(): local, f"{site.host.lower()}:80": local}
    found = {cb.norm_url(d["target"], hmap) for d in s.get("dead_links") or []}
    marks = cpu["marks"]
    reports = marks.get("reports_to", 0) - marks.get("reports_from", 0)
    startup = marks.get("imported", cpu["main_cpu"]) - 0.0
    return {
        "exit": p.returncode, "wall": wall, "pages": s["stats"]["pages"],
        "links": s["stats"]["links_checked"], "main": cpu["main_cpu"], "worker": cpu["children_cpu"],
        "startup": startup, "reports": reports, "inspect": cpu["main_cpu"] - startup - reports,
        "main_rss": cpu.get("main_rss_mb", 0.0), "worker_rss": cpu.get("worker_rss_mb", 0.0),
        "balanced": int((s.get("counters") or {}).get("worker/balanced", 0)),
        "dead_found": len(found & site.dead), "dead_missed": len(site.dead - found),
        "dead_false": len(found - site.dead),
    }


def crawl_runs(args: argparse.Namespace) -> None:
    out, port, site = ensure_site(args.pages, args.seed)
    url = f"http://{cb.SITE_IP}:{port}/"
    rows = []
    with cb.Nginx(out / "nginx", site.root, port, site.host, site.ext_root):
        for i in range(args.runs):
            if args.quiet_wait:
                cb.wait_quiet(60.0)
            r = run_once(url, port, site, out / f"run{i + 1}", args.extra, args.cprofile, args.pyspy)
            rows.append(r)
            print(f"run {i + 1}: {r['pages']} pages, wall {r['wall']:.2f} s ({r['pages'] / r['wall']:.0f} pages/s); "
                  f"main CPU {r['main']:.2f} s (start-up {r['startup']:.2f}, inspect {r['inspect']:.2f}, "
                  f"reports {r['reports']:.2f}); worker CPU {r['worker']:.2f} s; "
                  f"{r['balanced']} pages analysed in the main process; peak RSS main {r['main_rss']:.0f} MB, "
                  f"worker {r['worker_rss']:.0f} MB; "
                  f"dead {r['dead_found']} found / {r['dead_missed']} missed / {r['dead_false']} false",
                  flush=True)
    keys = ("wall", "main", "worker", "startup", "inspect", "reports", "main_rss", "worker_rss")
    med = {k: statistics.median(r[k] for r in rows) for k in keys}
    n = rows[0]["pages"]
    print(f"\nmedian of {len(rows)}: {n} pages; wall {med['wall']:.2f} s = {n / med['wall']:.0f} pages/s")
    print(f"peak RSS: main {med['main_rss']:.0f} MB, worker {med['worker_rss']:.0f} MB")
    print("| process | CPU s | ms/page |")
    print("| --- | ---: | ---: |")
    for label, key in (("main: start-up (imports)", "startup"), ("main: inspection", "inspect"),
                       ("main: report files", "reports"), ("main: total", "main"),
                       ("analysis worker", "worker")):
        print(f"| {label} | {med[key]:.2f} | {1000 * med[key] / n:.3f} |")


def stages(args: argparse.Namespace) -> None:
    """The worker's job, stage by stage, on the exported pages (one core, best of N)."""
    from datetime import date

    from selectolax.lexbor import LexborHTMLParser

    from govinspect.analyze.integrity import page_integrity
    from govinspect.analyze.links import extract_links
    from govinspect.analyze.pagefacts import page_facts
    from govinspect.analyze.pageparts import page_parts
    from govinspect.crawl.pageanalysis import analyse_page, analyse_text, not_found_text
    from govinspect.net.decoding import decode_body

    out, port, site = ensure_site(args.pages, args.seed)
    files = sorted(p for p in site.root.rglob("*") if p.suffix.lower() in (".html", ".htm"))
    pages = [(f"http://{cb.SITE_IP}:{port}/{p.relative_to(site.root).as_posix()}", p.read_bytes()) for p in files]
    as_of = date.today()
    home = f"http://{cb.SITE_IP}:{port}/index.html"
    decoded = [(u, *decode_body(b, "text/html")) for u, b in pages]
    trees = [(u, t, LexborHTMLParser(t)) for u, t, _ in decoded]
    hosts = frozenset({f"{cb.SITE_IP}:{port}"})
    # The page parts stage needs each page's links and page kind, as analyse_text has them.
    known = []
    for (u, t, tr), (_, _, e) in zip(trees, decoded):
        a = analyse_text(t, e, u, as_of=as_of, is_home=u == home, site_hosts=hosts)
        known.append((u, t, tr, a.facts.kind if a.facts else "other", a.urls, a.texts))
    try:  # the one-pass word scan (analyze/pagescan.py); absent in older checkouts
        from govinspect.analyze.pagescan import scan_page
    except ImportError:
        scan_page = None

    def timed(fn) -> float:  # type: ignore[no-untyped-def]
        best = float("inf")
        for _ in range(args.rounds):
            t0 = time.process_time()
            fn()
            best = min(best, time.process_time() - t0)
        return best

    results = {
        "decode": timed(lambda: [decode_body(b, "text/html") for _, b in pages]),
        "not-found text": timed(lambda: [not_found_text(t) for _, t, _ in decoded]),
        "parse": timed(lambda: [LexborHTMLParser(t) for _, t, _ in decoded]),
        "links": timed(lambda: [extract_links(t, u, tree=tr) for u, t, tr in trees]),
        "page facts": timed(lambda: [page_facts(t, u, as_of=as_of, is_home=u == home, tree=tr) for u, t, tr in trees]),
        # Without a word scan: page_parts then makes its letters/guide/footer-marker tests itself.
        "page parts": timed(lambda: [page_parts(t, u, tree=tr, kind=kind, as_of=as_of, urls=us, texts=ts)
                                     for u, t, tr, kind, us, ts in known]),
        **({"word scan": timed(lambda: [scan_page(t) for _, t, _ in decoded])} if scan_page else {}),
        "integrity": timed(lambda: [page_integrity(t, u, tree=tr, as_of=as_of, is_home=u == home,
                                                   site_hosts=frozenset({f"{cb.SITE_IP}:{port}"}))
                                    for u, t, tr in trees]),
        "whole analyse_page": timed(lambda: [analyse_page(b, None, u, as_of=as_of, is_home=u == home,
                                                          site_hosts=frozenset({f"{cb.SITE_IP}:{port}"}))
                                             for u, b in pages]),
    }
    n = len(pages)
    print(f"{n} pages, {sum(len(b) for _, b in pages) / n / 1024:.1f} KB each; best of {args.rounds}")
    print("| stage | ms/page |")
    print("| --- | ---: |")
    for k, v in results.items():
        print(f"| {k} | {1000 * v / n:.3f} |")


def pyspy_summary(raw: Path, top: int = 25) -> None:
    """Self samples per function, per process, of a `py-spy record --format raw` file."""
    per: dict[str, dict[str, int]] = {}
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        frames = stack.split(";")
        owners = [f for f in frames if f.startswith("process ")]  # nested: the last is the sampled one
        kind = "worker" if owners and "spawn_main" in owners[-1] else "main"
        if owners and "resource_tracker" in owners[-1]:
            continue
        code = [f for f in frames if f and not f.startswith(("process ", "thread "))]
        if code:
            key = code[-1]
            d = per.setdefault(kind, {})
            d[key] = d.get(key, 0) + int(n)
    for kind, d in per.items():
        total = sum(d.values())
        print(f"\n{kind}: {total} samples")
        for f, c in sorted(d.items(), key=lambda kv: -kv[1])[:top]:
            print(f"{c:6d} {100 * c / total:5.1f}%  {f}")


def main() -> None:
    """Parse the command line; `--child` is the wrapper the crawl runs use."""
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_main(Path(sys.argv[2]), sys.argv[4:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stages", action="store_true", help="time the worker's stages offline instead")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cprofile", help="write a cProfile of the main process to this file")
    ap.add_argument("--pyspy", help="record the run with py-spy (raw collapsed stacks) to this file; "
                    "summarise with --pyspy-summary FILE")
    ap.add_argument("--pyspy-summary", help="print self time per function of each process of a py-spy file")
    ap.add_argument("--src", help="run the govinspect of this src/ directory (default: this checkout's)")
    ap.add_argument("--quiet-wait", action="store_true", help="wait for a quiet machine before each run")
    ap.add_argument("--extra", nargs=argparse.REMAINDER, default=[], help="more `inspect` arguments")
    args = ap.parse_args()
    if args.src:
        global SRC
        SRC = Path(args.src).resolve()
    # In-process imports (the site export, --stages) use the code under test too, not
    # whatever govinspect is installed.
    sys.path.insert(0, str(SRC))
    if args.pyspy_summary:
        pyspy_summary(Path(args.pyspy_summary))
    elif args.stages:
        stages(args)
    else:
        crawl_runs(args)


if __name__ == "__main__":
    main()
