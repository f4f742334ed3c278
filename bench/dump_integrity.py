"""Dump the integrity facts of every benchmark page, to compare two versions of the analysers.

Usage: python bench/dump_integrity.py OUT.json [--order given|shuffled|reversed] [--inflated]

The pages are those of bench_integrity.py (the simulated province, seed 1, 12 sites, and the
real htmldate-zh pages), analysed through `crawl.pageanalysis.analyse_text` as the crawl's
worker does. Each page's hits, fingerprint and errors are written keyed by its URL, so two
dumps (before/after a change, or two page orders) compare with `cmp` or `diff`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_integrity  # noqa: E402
import govinspect.analyze.misstatements as misstatements  # noqa: E402
import govinspect.crawl.pageanalysis as pageanalysis  # noqa: E402
from govinspect.sandbox import build_province  # noqa: E402


def main() -> None:
    """Analyse every page and write its integrity facts as JSON."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--order", choices=("given", "shuffled", "reversed"), default="given")
    ap.add_argument("--inflated", action="store_true", help="use the +1,500 made-up terms dictionary")
    args = ap.parse_args()
    province = build_province(1, 12)
    pages = []
    for site in province.sites:
        hosts = frozenset(site.hostnames)
        for path in site.iter_pages():
            html = site.render(path)
            if html is not None:
                pages.append((site.url(path), html, path == "/", hosts))
    real = bench_integrity.real_pages(
        Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "htmldate-zh" / "pages"
    )
    pages += real
    if args.inflated:
        big = bench_integrity.inflated_terms(1500)
        misstatements._default_terms = lambda: big  # type: ignore[assignment]
    order = list(range(len(pages)))
    if args.order == "shuffled":
        random.Random(3).shuffle(order)
    elif args.order == "reversed":
        order.reverse()
    out: dict[str, object] = {}
    for i in order:
        url, html, is_home, hosts = pages[i]
        a = pageanalysis.analyse_text(html, "utf-8", url, as_of=province.as_of, is_home=is_home, site_hosts=hosts)
        integ = a.integrity
        out[url] = None if integ is None else {
            "hits": [list(h) for h in integ.hits],
            "fingerprint": integ.fingerprint,
            "errors": list(integ.errors),
        }
    args.out.write_text(json.dumps(out, ensure_ascii=False, sort_keys=True, indent=0, default=str), "utf-8")
    n_hits = sum(len(v["hits"]) for v in out.values() if v)
    print(f"{len(out)} pages, {n_hits} hits -> {args.out}")


if __name__ == "__main__":
    main()
