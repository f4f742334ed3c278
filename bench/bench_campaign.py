"""A campaign over a many-site simulated province: sites per minute, peak memory, 通报 cost.

Usage: PYTHONPATH=src python bench/bench_campaign.py [--sites 240] [--pages 12] [--parallel 32]
       [--sample all] [--render]

1. The province (`build_province(seed, n_sites, pages_per_site=PAGES)`) is served from a child
   process on a free 127.0.0.1 port, so the server's work and memory are not counted as ours.
2. `plan_campaign` + `run_campaign` inspect every site (or `--sample`) exactly as
   `govinspect campaign run` does (offline, every host given by --resolve, the demo's politeness
   for our own loopback server), writing each site into the campaign directory at once.
3. The 通报 (DOCX, XLSX, HTML) is written from the campaign directory; with `--render`, the DOCX
   is converted to PDF with LibreOffice as well.

Memory: the resident set of this process and its children other than the server (the analysis
worker) is sampled every 0.2 s; the peak of the sum is reported. Prints one Markdown table row.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

from govinspect.campaign.report import report_campaign
from govinspect.campaign.run import load_campaign, plan_campaign, run_campaign, write_campaign_results
from govinspect.campaign.sampling import parse_sample
from govinspect.demo import demo_options
from govinspect.report.bulletin.text import load_template
from govinspect.sandbox.build import build_province
from govinspect.sandbox.truth import sites_csv
from govinspect.sites import read_sites

AS_OF = "2024-06-15T00:00:00+08:00"


def _serve(n_sites: int, pages: int, seed: int, ports: multiprocessing.Queue) -> None:
    from govinspect.sandbox.server import serve_forever

    serve_forever(build_province(seed=seed, n_sites=n_sites, pages_per_site=pages), port=0, on_ready=ports.put)


class PeakRss:
    """Samples the RSS of this process and its children (but `exclude`) in a thread."""

    def __init__(self, exclude: int) -> None:
        self.exclude = exclude
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                if child.pid != self.exclude:
                    try:
                        total += child.memory_info().rss
                    except psutil.Error:
                        pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=240)
    ap.add_argument("--pages", type=int, default=12, help="approximate pages per site")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--parallel", type=int, default=32, help="sites inspected at once")
    ap.add_argument("--sample", default=None)
    ap.add_argument("--render", action="store_true", help="also convert the DOCX to PDF with LibreOffice")
    ap.add_argument("--keep", type=Path, default=None, help="keep the campaign directory here")
    args = ap.parse_args()

    province = build_province(seed=args.seed, n_sites=args.sites, pages_per_site=args.pages)
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(args.sites, args.pages, args.seed, ports), daemon=True)
    server.start()
    work = Path(tempfile.mkdtemp(prefix="bench-campaign-"))
    try:
        port = ports.get(timeout=60)
        registry = work / "sites.csv"
        registry.write_text(sites_csv(province), encoding="utf-8")
        directory = args.keep or work / "campaign"
        options = dataclasses.replace(demo_options(province, port, None), parallel_sites=args.parallel)
        plan = plan_campaign(directory, registry, read_sites(registry), as_of=AS_OF, profile="gov2019",
                             sample=parse_sample(args.sample), seed=args.seed, new=True)
        with PeakRss(exclude=server.pid) as rss:
            started = time.perf_counter()
            asyncio.run(run_campaign(plan, options))
            inspected = time.perf_counter() - started
            manifest, sites = load_campaign(directory)
            write_campaign_results(directory, manifest, sites)
            t0 = time.perf_counter()
            template = load_template()
            _, paths = report_campaign(directory, template, date=dt.date(2024, 6, 20))
            reported = time.perf_counter() - t0
        pages = sum(s["stats"]["pages"] for s in sites)
        errors = sum(1 for s in sites if s["status"] != "inspected")
        render = ""
        if args.render:
            from govinspect.report.bulletin.render import docx_to_pdf

            t0 = time.perf_counter()
            pdf = docx_to_pdf(paths[0], work / "pdf")
            from pypdf import PdfReader

            render = f" {time.perf_counter() - t0:.1f} s ({len(PdfReader(str(pdf)).pages)} pages) |"
        sizes = ", ".join(f"{p.suffix[1:]} {p.stat().st_size // 1024} KB" for p in paths)
        print("| sites | pages | errors | inspect (s) | sites/min | pages/s | peak RSS (MiB) | 通报 (s) | files |"
              + (" DOCX→PDF |" if args.render else ""))
        print("|---|---|---|---|---|---|---|---|---|" + ("---|" if args.render else ""))
        print(f"| {len(sites)} | {pages} | {errors} | {inspected:.1f} | {len(sites) / inspected * 60:.0f} | "
              f"{pages / inspected:.0f} | {rss.peak / 2**20:.0f} | {reported:.1f} | {sizes} |{render}")
        print(f"machine: {os.cpu_count()} cores; parallel sites {args.parallel}; pages/site ≈ {args.pages}")
    finally:
        server.terminate()
        server.join(10)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
