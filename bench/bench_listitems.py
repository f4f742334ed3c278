"""Pages analysed per second by `extract_list_blocks` on the simulated province's pages.

Usage: python bench/bench_listitems.py [--sites 12] [--rounds 3]

Pages are rendered once up front (rendering is the sandbox's cost, not ours); each round then
runs `extract_list_blocks` (one parse per page) over every HTML page of every site.
"""

from __future__ import annotations

import argparse
import time

from govinspect.analyze.listitems import extract_list_blocks
from govinspect.sandbox import build_province


def main() -> None:
    """Render the province's pages, then time list-block extraction over them."""
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
    total_bytes = sum(len(h.encode("utf-8")) for _, h in pages)

    best = float("inf")
    items = 0
    for _ in range(args.rounds):
        start = time.perf_counter()
        items = 0
        for url, html in pages:
            for block in extract_list_blocks(html, url, as_of=province.as_of):
                items += len(block.items)
        best = min(best, time.perf_counter() - start)
    print(
        f"{len(pages)} pages ({total_bytes / 1e6:.1f} MB), {items} list items: "
        f"{len(pages) / best:.0f} pages/s, {total_bytes / best / 1e6:.1f} MB/s (best of {args.rounds})"
    )


if __name__ == "__main__":
    main()
