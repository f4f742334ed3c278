"""Pages analysed per second on the simulated province: what the crawl does to each page.

Usage: python bench/bench_analysis.py [--sites 12] [--rounds 3]

Pages are rendered once up front (rendering is the sandbox's cost, not ours). Each round then
runs `crawl.pageanalysis.analyse_text` over every HTML page of every site, twice: links only
(what a pure link check needs) and with the freshness facts (page type, columns, list items,
dates — what `inspect` does). Both parse each page once; the difference is the cost of page
understanding.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from govinspect.crawl.pageanalysis import analyse_text
from govinspect.sandbox import build_province


def main() -> None:
    """Render the province's pages, then time their analysis with and without facts."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sites", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    province = build_province(1, args.sites)
    pages: list[tuple[str, str]] = []
    for site in province.sites:
        for path in site.iter_pages():
            html = site.render(path)
            if html is not None:
                pages.append((site.url(path), html))
    total_mb = sum(len(h.encode("utf-8")) for _, h in pages) / 1e6

    def run(with_facts: bool) -> tuple[float, Counter[str]]:
        best = float("inf")
        kinds: Counter[str] = Counter()
        for _ in range(args.rounds):
            kinds = Counter()
            start = time.perf_counter()
            for url, html in pages:
                a = analyse_text(html, "utf-8", url, as_of=province.as_of if with_facts else None)
                if a.facts is not None:
                    kinds[a.facts.kind] += 1
            best = min(best, time.perf_counter() - start)
        return best, kinds

    links_s, _ = run(False)
    facts_s, kinds = run(True)
    n = len(pages)
    print(f"pages: {n} ({total_mb:.1f} MB of HTML) from {args.sites} sites; best of {args.rounds} rounds")
    print(f"links only:           {n / links_s:8.0f} pages/s  ({1000 * links_s / n:.2f} ms/page)")
    print(f"links + page facts:   {n / facts_s:8.0f} pages/s  ({1000 * facts_s / n:.2f} ms/page)")
    print(f"page types: {dict(kinds.most_common())}")


if __name__ == "__main__":
    main()
